/* auth.h — users, roles, passwords, sessions and the login throttle.
 *
 * A user has one role and one scope place (API.md). Passwords are argon2id hashes
 * (libsodium, INTERACTIVE limits); at most a few hashes run at once so that a burst of
 * logins cannot exhaust memory. Session tokens are 256 random bits handed to the client once
 * and stored only as a BLAKE2b hash, with an expiry; a CSRF token is stored the same way for
 * cookie sessions. Repeated failed logins for one username or from one address are refused
 * with GZ_E_TOO_MANY for a while. */
#ifndef GZ_AUTH_H
#define GZ_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

typedef enum {
	ROLE_ADMIN = 1u << 0,
	ROLE_OFFICIAL = 1u << 1,
	ROLE_CADRE = 1u << 2,
	ROLE_SUPERVISOR = 1u << 3,
	ROLE_GRID_WORKER = 1u << 4,
	ROLE_SPOKESPERSON = 1u << 5,
	ROLE_DEPARTMENT = 1u << 6,
	ROLE_RESIDENT = 1u << 7,
} gz_role;
#define ROLE_ANY 0xffu
#define ROLE_STAFF (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER)

enum { AUTH_NAME_MAX = 32, AUTH_DISPLAY_MAX = 64, AUTH_TOKEN_LEN = 43 /* base64url of 32 bytes */ };

/* The signed-in caller, as the HTTP layer hands it to handlers. */
typedef struct {
	int64_t id;
	char username[AUTH_NAME_MAX + 1];
	char display_name[AUTH_DISPLAY_MAX * 4 + 1];
	gz_role role;
	char scope[GZ_CODE_MAX + 1]; /* "" = the whole country */
	int64_t household_id;        /* resident accounts: their household (0 otherwise) */
	int64_t session_expires;
	bool via_cookie;
	unsigned char csrf_hash[32];
} gz_user;

/* Role word ("cadre") <-> bit; 0 when unknown. */
gz_role auth_role_parse(const char *word);
const char *auth_role_word(gz_role r);

/* Initialise libsodium and the throttle. Call once per process before other auth calls. */
int auth_global_init(void);

/* Create a user. username: 2–32 of [a-z0-9_.-]; password: 8–128 bytes; scope must be an
 * existing place, or "" (national) for admin and official. Runs its own write transaction and
 * records it in the audit log under actor. On success *id_out (if given) is the new id.
 * GZ_E_CONFLICT when the name is taken, GZ_E_INVALID_VALUE for bad input. */
gz_err auth_user_create(store *s, const char *actor, const char *username, const char *password,
			gz_role role, const char *scope, const char *display_name, int64_t *id_out,
			gz_error *e);
/* Link a resident account to its household (found by the caller in the registry) and narrow its
 * scope to the household's place. GZ_E_NOT_FOUND when the user does not exist;
 * GZ_E_INVALID_VALUE when it is not a resident. Runs its own write job, audited under actor. */
gz_err auth_user_set_household(store *s, const char *actor, const char *username, int64_t household_id,
			       const char *place_code, gz_error *e);

/* Display name (else username) and scope of an enabled account; false when there is none. */
bool auth_user_brief(store *s, int64_t id, char *name, size_t namesz, char scope[GZ_CODE_MAX + 1]);

/* Id, role and scope of the enabled account named username; false when there is none. */
bool auth_user_find(store *s, const char *username, int64_t *id, gz_role *role, char scope[GZ_CODE_MAX + 1]);

/* Whether any user exists. */
bool auth_any_user(store *s);

/* A new session. */
typedef struct {
	char token[AUTH_TOKEN_LEN + 1];
	char csrf[AUTH_TOKEN_LEN + 1];
	int64_t expires_at;
	gz_user user;
} auth_session;

/* Check a password and open a session that lasts ttl seconds. client names the caller's
 * address for the throttle. GZ_E_BAD_CREDENTIALS on a wrong name or password (same message
 * either way), GZ_E_TOO_MANY while throttled (*retry_after set in seconds). */
gz_err auth_login(store *s, const char *username, const char *password, const char *client,
		  int64_t ttl, auth_session *out, int *retry_after, gz_error *e);

/* Resolve a token to its user. GZ_E_UNAUTHORIZED when unknown, GZ_E_SESSION_EXPIRED when
 * past its expiry. */
gz_err auth_session_user(store *s, const char *token, gz_user *out, gz_error *e);

/* Whether csrf matches the session's CSRF token (constant time). */
bool auth_csrf_ok(const gz_user *u, const char *csrf);

/* Delete the session of token (inside the caller's write transaction). */
gz_err auth_logout(store *s, const char *token, gz_error *e);

/* Tunables (tests shorten them). */
void auth_set_throttle(int max_user_fails, int max_client_fails, int lock_seconds);

/* The module's numbered schema changes (auth_migrations.c), applied by modules_migrate. */
extern const store_migration auth_migrations[];

#endif
