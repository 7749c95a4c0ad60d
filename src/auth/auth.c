/* auth.c — users, password hashing, sessions and the login throttle (domain rules only). */
#include "auth/auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/util.h"
#include "places/places.h"

/* --- roles ------------------------------------------------------------------------------ */

static const struct {
	gz_role role;
	const char *word;
} roles[] = {
	{ROLE_ADMIN, "admin"},         {ROLE_OFFICIAL, "official"},       {ROLE_CADRE, "cadre"},
	{ROLE_SUPERVISOR, "supervisor"}, {ROLE_GRID_WORKER, "grid_worker"}, {ROLE_SPOKESPERSON, "spokesperson"},
	{ROLE_DEPARTMENT, "department"}, {ROLE_RESIDENT, "resident"},
};

gz_role auth_role_parse(const char *word)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(roles[i].word, word))
			return roles[i].role;
	return 0;
}

const char *auth_role_word(gz_role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == r)
			return roles[i].word;
	return "";
}

/* --- throttle --------------------------------------------------------------------------- */

enum { THROTTLE_SLOTS = 4096, THROTTLE_PROBE = 8, HASHERS = 2 };

struct throttle_slot {
	unsigned char key[16]; /* hash of "u:<name>" or "c:<address>" */
	bool used;
	int fails;
	int64_t first_fail, last_fail, locked_until;
};

static struct {
	pthread_mutex_t mu;
	struct throttle_slot slots[THROTTLE_SLOTS];
	int max_user, max_client, lock_seconds;
	sem_t hashers; /* bounds concurrent argon2id work: each takes 64 MiB and ~0.1 s of a core */
	char dummy_hash[crypto_pwhash_STRBYTES];
	pthread_once_t dummy_once;
} th = {.mu = PTHREAD_MUTEX_INITIALIZER, .max_user = 5, .max_client = 20, .lock_seconds = 900,
	.dummy_once = PTHREAD_ONCE_INIT};

void auth_set_throttle(int max_user_fails, int max_client_fails, int lock_seconds)
{
	pthread_mutex_lock(&th.mu);
	th.max_user = max_user_fails;
	th.max_client = max_client_fails;
	th.lock_seconds = lock_seconds;
	memset(th.slots, 0, sizeof th.slots);
	pthread_mutex_unlock(&th.mu);
}

int auth_global_init(void)
{
	if (sodium_init() < 0)
		return -1;
	static bool done;
	if (!done) {
		sem_init(&th.hashers, 0, HASHERS);
		done = true;
	}
	return 0;
}

static void throttle_key(const char *kind, const char *who, unsigned char key[16])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const unsigned char *)kind, 2);
	crypto_generichash_update(&st, (const unsigned char *)who, strlen(who));
	crypto_generichash_final(&st, key, 16);
}

/* Slot for key, creating it (evicting the stalest in its probe window) if asked. Caller
 * holds th.mu. */
static struct throttle_slot *throttle_slot(const unsigned char key[16], bool create)
{
	size_t h;
	memcpy(&h, key, sizeof h);
	struct throttle_slot *victim = NULL;
	for (int i = 0; i < THROTTLE_PROBE; i++) {
		struct throttle_slot *s = &th.slots[(h + (size_t)i) % THROTTLE_SLOTS];
		if (s->used && !memcmp(s->key, key, 16))
			return s;
		if (!s->used) {
			if (!victim || victim->used)
				victim = s;
		} else if (!victim || (victim->used && s->last_fail < victim->last_fail)) {
			victim = s;
		}
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	memcpy(victim->key, key, 16);
	victim->used = true;
	return victim;
}

static int64_t throttle_locked(const unsigned char key[16], int64_t now)
{
	struct throttle_slot *s = throttle_slot(key, false);
	return (s && s->locked_until > now) ? s->locked_until - now : 0;
}

static void throttle_fail(const unsigned char key[16], int max, int64_t now)
{
	struct throttle_slot *s = throttle_slot(key, true);
	if (s->first_fail && now - s->first_fail > th.lock_seconds)
		s->fails = 0;
	if (s->fails == 0)
		s->first_fail = now;
	s->fails++;
	s->last_fail = now;
	if (s->fails >= max)
		s->locked_until = now + th.lock_seconds;
}

static void throttle_clear(const unsigned char key[16])
{
	struct throttle_slot *s = throttle_slot(key, false);
	if (s)
		memset(s, 0, sizeof *s);
}

/* --- passwords -------------------------------------------------------------------------- */

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	sem_wait(&th.hashers);
	int rc = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&th.hashers);
	return rc;
}

static bool verify_password(const char *hash, const char *pw)
{
	sem_wait(&th.hashers);
	bool ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	sem_post(&th.hashers);
	return ok;
}

static void make_dummy(void)
{
	hash_password("not a password of anyone", th.dummy_hash);
}

/* --- users ------------------------------------------------------------------------------ */

static gz_err check_username(const char *u, gz_error *e)
{
	size_t n = strlen(u);
	if (n < 2 || n > AUTH_NAME_MAX)
		return gz_fail(e, GZ_E_INVALID_VALUE, "username", "username \"%.40s\" must be 2 to %d characters",
			       u, AUTH_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = u[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '.' || c == '-'));
		if (!ok)
			return gz_fail(e, GZ_E_INVALID_VALUE, "username",
				       "username \"%.40s\" may hold only a-z, 0-9, '_', '.' and '-'", u);
	}
	return GZ_OK;
}

bool auth_any_user(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM users LIMIT 1");
	bool any = st && sqlite3_step(st) == SQLITE_ROW;
	if (st)
		sqlite3_reset(st);
	return any;
}

struct user_insert {
	const char *actor, *username, *display_name;
	gz_role role;
	const char *scope, *hash;
	int64_t id;
};

static gz_err user_insert_job(store *s, void *ctx, gz_error *e)
{
	struct user_insert *ui = ctx;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO users(username, display_name, role, scope_code, password_hash,"
					 " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare user insert");
	store_bind_text(st, 1, ui->username);
	store_bind_text(st, 2, ui->display_name);
	store_bind_text(st, 3, auth_role_word(ui->role));
	store_bind_text(st, 4, ui->scope);
	store_bind_text(st, 5, ui->hash);
	sqlite3_bind_int64(st, 6, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE) {
		if ((sr & 0xff) == SQLITE_CONSTRAINT)
			return gz_fail(e, GZ_E_CONFLICT, "username", "user \"%s\" already exists", ui->username);
		return store_fail(s, sr, e, "creating a user");
	}
	ui->id = sqlite3_last_insert_rowid(store_db(s));
	char subject[32], detail[200];
	snprintf(subject, sizeof subject, "user:%lld", (long long)ui->id);
	snprintf(detail, sizeof detail, "{\"username\":\"%s\",\"role\":\"%s\"}", ui->username,
		 auth_role_word(ui->role));
	audit_entry en = {.actor = ui->actor, .action = "user.create", .subject = subject, .place = ui->scope,
			  .detail = detail};
	return audit_record(s, &en, e);
}

gz_err auth_user_create(store *s, const char *actor, const char *username, const char *password,
			gz_role role, const char *scope, const char *display_name, int64_t *id_out,
			gz_error *e)
{
	gz_err rc = check_username(username, e);
	if (rc)
		return rc;
	size_t pl = strlen(password);
	if (pl < 8 || pl > 128)
		return gz_fail(e, GZ_E_INVALID_VALUE, "password", "password must be 8 to 128 characters");
	if (!auth_role_word(role)[0])
		return gz_fail(e, GZ_E_INVALID_VALUE, "role", "unknown role");
	if (!display_name)
		display_name = "";
	if (!gz_utf8_valid(display_name, strlen(display_name)) ||
	    gz_utf8_chars(display_name, strlen(display_name)) > AUTH_DISPLAY_MAX)
		return gz_fail(e, GZ_E_INVALID_VALUE, "display_name", "display name must be valid text of at most %d characters",
			       AUTH_DISPLAY_MAX);
	if (!*scope) {
		if (role != ROLE_ADMIN && role != ROLE_OFFICIAL)
			return gz_fail(e, GZ_E_INVALID_VALUE, "scope", "role \"%s\" needs a place as its scope",
				       auth_role_word(role));
	} else {
		place p;
		if ((rc = places_get(s, scope, &p, e))) {
			if (e)
				snprintf(e->field, sizeof e->field, "scope");
			return rc;
		}
	}
	char hash[crypto_pwhash_STRBYTES];
	if (hash_password(password, hash) != 0)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory hashing the password");
	struct user_insert ui = {actor, username, display_name, role, scope, hash, 0};
	if ((rc = store_write_run(s, user_insert_job, &ui, e)))
		return rc;
	if (id_out)
		*id_out = ui.id;
	return GZ_OK;
}

/* --- sessions --------------------------------------------------------------------------- */

/* Recently resolved sessions, so that a burst of requests does not hit the database for each.
 * An entry is trusted for SESSION_CACHE_S seconds at most; logout in this process removes it at
 * once, and expiry is checked on every use. (A user disabled by another process is refused
 * within SESSION_CACHE_S.) */
enum { SESSION_CACHE_SLOTS = 1024, SESSION_CACHE_S = 5 };
static struct {
	pthread_mutex_t mu;
	struct {
		unsigned char hash[32];
		int64_t cached_at;
		gz_user user;
	} slot[SESSION_CACHE_SLOTS];
} scache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static size_t scache_index(const unsigned char h[32])
{
	size_t i;
	memcpy(&i, h, sizeof i);
	return i % SESSION_CACHE_SLOTS;
}

static bool scache_get(const unsigned char h[32], int64_t now, gz_user *out)
{
	size_t i = scache_index(h);
	bool hit = false;
	pthread_mutex_lock(&scache.mu);
	if (scache.slot[i].cached_at && now - scache.slot[i].cached_at < SESSION_CACHE_S &&
	    !memcmp(scache.slot[i].hash, h, 32)) {
		*out = scache.slot[i].user;
		hit = true;
	}
	pthread_mutex_unlock(&scache.mu);
	return hit;
}

static void scache_put(const unsigned char h[32], int64_t now, const gz_user *u)
{
	size_t i = scache_index(h);
	pthread_mutex_lock(&scache.mu);
	memcpy(scache.slot[i].hash, h, 32);
	scache.slot[i].cached_at = now;
	scache.slot[i].user = *u;
	pthread_mutex_unlock(&scache.mu);
}

static void scache_drop(const unsigned char h[32])
{
	size_t i = scache_index(h);
	pthread_mutex_lock(&scache.mu);
	if (!memcmp(scache.slot[i].hash, h, 32))
		scache.slot[i].cached_at = 0;
	pthread_mutex_unlock(&scache.mu);
}

static void token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

struct session_insert {
	auth_session *out;
	const unsigned char *token_hash, *csrf_hash;
	int64_t now;
	const char *client;
};

static gz_err session_insert_job(store *s, void *ctx, gz_error *e)
{
	struct session_insert *si = ctx;
	/* Expired sessions are swept here, where a write happens anyway. */
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM sessions WHERE expires_at < ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare the session sweep");
	sqlite3_bind_int64(st, 1, si->now - 86400);
	sqlite3_step(st);
	sqlite3_reset(st);
	st = store_stmt(s, "INSERT INTO sessions(token_hash, user_id, csrf_hash, created_at, expires_at, client)"
			   " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare the session insert");
	sqlite3_bind_blob(st, 1, si->token_hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, si->out->user.id);
	sqlite3_bind_blob(st, 3, si->csrf_hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, si->now);
	sqlite3_bind_int64(st, 5, si->out->expires_at);
	store_bind_text(st, 6, si->client);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "opening a session");
	char subject[32];
	snprintf(subject, sizeof subject, "user:%lld", (long long)si->out->user.id);
	char detail[80];
	snprintf(detail, sizeof detail, "{\"client\":\"%.40s\"}", si->client ? si->client : "");
	audit_entry en = {.actor_id = si->out->user.id, .actor = si->out->user.username, .action = "auth.login",
			  .subject = subject, .place = si->out->user.scope, .detail = detail};
	return audit_record(s, &en, e);
}

gz_err auth_login(store *s, const char *username, const char *password, const char *client,
		  int64_t ttl, auth_session *out, int *retry_after, gz_error *e)
{
	int64_t now = gz_now();
	unsigned char ukey[16], ckey[16];
	throttle_key("u:", username, ukey);
	throttle_key("c:", client ? client : "", ckey);
	pthread_mutex_lock(&th.mu);
	int64_t wait = throttle_locked(ukey, now);
	int64_t cwait = throttle_locked(ckey, now);
	pthread_mutex_unlock(&th.mu);
	if (cwait > wait)
		wait = cwait;
	if (wait > 0) {
		*retry_after = (int)wait;
		return gz_fail(e, GZ_E_TOO_MANY, NULL, "too many failed sign-ins, try again in %lld s",
			       (long long)wait);
	}
	sqlite3_stmt *st = store_stmt(s, "SELECT id, password_hash, display_name, role, scope_code, disabled,"
					 " coalesce(household_id, 0) FROM users WHERE username=?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read users");
	store_bind_text(st, 1, username);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	char hash[crypto_pwhash_STRBYTES] = "";
	memset(&out->user, 0, sizeof out->user);
	if (found) {
		out->user.id = sqlite3_column_int64(st, 0);
		snprintf(hash, sizeof hash, "%s", store_col_text(st, 1));
		snprintf(out->user.display_name, sizeof out->user.display_name, "%s", store_col_text(st, 2));
		out->user.role = auth_role_parse(store_col_text(st, 3));
		snprintf(out->user.scope, sizeof out->user.scope, "%s", store_col_text(st, 4));
		if (sqlite3_column_int(st, 5))
			found = false;
		out->user.household_id = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	bool ok;
	if (found) {
		ok = verify_password(hash, password);
	} else {
		/* Spend the same time as for a real user, so timing does not tell names apart. */
		pthread_once(&th.dummy_once, make_dummy);
		verify_password(th.dummy_hash, password);
		ok = false;
	}
	if (!ok) {
		pthread_mutex_lock(&th.mu);
		throttle_fail(ukey, th.max_user, now);
		throttle_fail(ckey, th.max_client, now);
		pthread_mutex_unlock(&th.mu);
		gz_log(GZ_LOG_WARN, "failed sign-in for \"%.32s\" from %s", username, client ? client : "?");
		return gz_fail(e, GZ_E_BAD_CREDENTIALS, NULL, "wrong username or password");
	}
	pthread_mutex_lock(&th.mu);
	throttle_clear(ukey);
	pthread_mutex_unlock(&th.mu);
	snprintf(out->user.username, sizeof out->user.username, "%s", username);
	gz_random_token(out->token, sizeof out->token, 32);
	gz_random_token(out->csrf, sizeof out->csrf, 32);
	out->expires_at = now + ttl;
	out->user.session_expires = out->expires_at;
	unsigned char th_[32], ch[32];
	token_hash(out->token, th_);
	token_hash(out->csrf, ch);
	memcpy(out->user.csrf_hash, ch, 32);

	struct session_insert si = {out, th_, ch, now, client};
	return store_write_run(s, session_insert_job, &si, e);
}

gz_err auth_session_user(store *s, const char *token, gz_user *out, gz_error *e)
{
	if (strlen(token) != AUTH_TOKEN_LEN)
		return gz_fail(e, GZ_E_UNAUTHORIZED, NULL, "session token is not valid");
	unsigned char h[32];
	token_hash(token, h);
	int64_t now = gz_now();
	if (scache_get(h, now, out)) {
		if (out->session_expires <= now)
			return gz_fail(e, GZ_E_SESSION_EXPIRED, NULL, "session expired, sign in again");
		return GZ_OK;
	}
	sqlite3_stmt *st = store_stmt(s, "SELECT s.expires_at, s.csrf_hash, u.id, u.username, u.display_name,"
					 " u.role, u.scope_code, u.disabled, coalesce(u.household_id, 0)"
					 " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash=?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read sessions");
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_UNAUTHORIZED, NULL, "session not found or signed out");
	}
	int64_t exp = sqlite3_column_int64(st, 0);
	bool disabled = sqlite3_column_int(st, 7);
	if (exp <= gz_now() || disabled) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_SESSION_EXPIRED, NULL, "session expired, sign in again");
	}
	memset(out, 0, sizeof *out);
	out->session_expires = exp;
	if (sqlite3_column_bytes(st, 1) == 32)
		memcpy(out->csrf_hash, sqlite3_column_blob(st, 1), 32);
	out->id = sqlite3_column_int64(st, 2);
	snprintf(out->username, sizeof out->username, "%s", store_col_text(st, 3));
	snprintf(out->display_name, sizeof out->display_name, "%s", store_col_text(st, 4));
	out->role = auth_role_parse(store_col_text(st, 5));
	snprintf(out->scope, sizeof out->scope, "%s", store_col_text(st, 6));
	out->household_id = sqlite3_column_int64(st, 8);
	sqlite3_reset(st);
	scache_put(h, now, out);
	return GZ_OK;
}

bool auth_csrf_ok(const gz_user *u, const char *csrf)
{
	if (!csrf || strlen(csrf) != AUTH_TOKEN_LEN)
		return false;
	unsigned char h[32];
	token_hash(csrf, h);
	return sodium_memcmp(h, u->csrf_hash, 32) == 0;
}

gz_err auth_logout(store *s, const char *token, gz_error *e)
{
	unsigned char h[32];
	token_hash(token, h);
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM sessions WHERE token_hash=?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare logout");
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	scache_drop(h);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "ending the session");
}

struct link_job {
	const char *actor, *username;
	int64_t household_id;
	const char *place_code;
};

static gz_err link_job_fn(store *s, void *ctx, gz_error *e)
{
	struct link_job *j = ctx;
	sqlite3_stmt *st = store_stmt(s, "SELECT role FROM users WHERE username = ?1");
	store_bind_text(st, 1, j->username);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	bool resident = found && !strcmp(store_col_text(st, 0), "resident");
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "username", "user \"%s\" not found", j->username);
	if (!resident)
		return gz_fail(e, GZ_E_INVALID_VALUE, "username", "user \"%s\" is not a resident account", j->username);
	const char *pc = j->place_code;
	st = store_stmt(s, "UPDATE users SET household_id = ?2, scope_code = ?3 WHERE username = ?1");
	store_bind_text(st, 1, j->username);
	sqlite3_bind_int64(st, 2, j->household_id);
	store_bind_text(st, 3, pc);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "linking a resident account");
	char detail[96];
	snprintf(detail, sizeof detail, "{\"household_id\":%lld}", (long long)j->household_id);
	audit_entry en = {.actor = j->actor, .action = "user.household", .subject = j->username, .place = pc, .detail = detail};
	return audit_record(s, &en, e);
}

gz_err auth_user_set_household(store *s, const char *actor, const char *username, int64_t household_id,
			       const char *place_code, gz_error *e)
{
	struct link_job j = {actor, username, household_id, place_code};
	return store_write_run(s, link_job_fn, &j, e);
}

bool auth_user_find(store *s, const char *username, int64_t *id, gz_role *role, char scope[GZ_CODE_MAX + 1])
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, role, scope_code FROM users WHERE username = ?1 AND disabled = 0");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		*id = sqlite3_column_int64(st, 0);
		*role = auth_role_parse(store_col_text(st, 1));
		snprintf(scope, GZ_CODE_MAX + 1, "%s", store_col_text(st, 2));
	}
	sqlite3_reset(st);
	return ok;
}

bool auth_user_brief(store *s, int64_t id, char *name, size_t namesz, char scope[GZ_CODE_MAX + 1])
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(nullif(display_name, ''), username), scope_code FROM users"
					 " WHERE id = ?1 AND disabled = 0");
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		snprintf(name, namesz, "%s", store_col_text(st, 0));
		snprintf(scope, GZ_CODE_MAX + 1, "%s", store_col_text(st, 1));
	}
	sqlite3_reset(st);
	return ok;
}
