/* test_auth.c — users, passwords, sessions, CSRF, the login throttle and their audit rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "places/places.h"
#include "testkit.h"

struct fx {
	char *dir;
	store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tk_tmpdir();
	assert_int_equal(auth_global_init(), 0);
	auth_set_throttle(5, 20, 900);
	f->s = tk_store(f->dir);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	assert_int_equal(auth_user_create(f->s, "test", "cadre1", "correct horse", ROLE_CADRE, "422802107213", "张三",
					  NULL, &e),
			 GZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	tk_rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t audit_count(store *s, const char *action)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM audit_log WHERE action=?1");
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void user_rules(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(auth_user_create(f->s, "t", "cadre1", "another pw", ROLE_CADRE, "42", NULL, NULL, &e),
			 GZ_E_CONFLICT);
	assert_non_null(strstr(e.message, "\"cadre1\" already exists"));
	assert_int_equal(auth_user_create(f->s, "t", "Bad Name", "long enough", ROLE_CADRE, "42", NULL, NULL, &e),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "username");
	assert_int_equal(auth_user_create(f->s, "t", "shortpw", "short", ROLE_CADRE, "42", NULL, NULL, &e),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "password");
	/* A cadre must have a place; the scope must exist. */
	assert_int_equal(auth_user_create(f->s, "t", "noscope", "long enough", ROLE_CADRE, "", NULL, NULL, &e),
			 GZ_E_INVALID_VALUE);
	assert_int_equal(auth_user_create(f->s, "t", "ghost", "long enough", ROLE_CADRE, "429999", NULL, NULL, &e),
			 GZ_E_NOT_FOUND);
	assert_string_equal(e.field, "scope");
	assert_int_equal(auth_user_create(f->s, "t", "county", "long enough", ROLE_OFFICIAL, "", NULL, NULL, &e), GZ_OK);
	assert_int_equal(audit_count(f->s, "user.create"), 2);
	/* The password is stored as an argon2id hash, never in clear. */
	sqlite3_stmt *st = store_stmt(f->s, "SELECT password_hash FROM users WHERE username='cadre1'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr(store_col_text(st, 0), "$argon2id$"));
	assert_null(strstr(store_col_text(st, 0), "correct horse"));
	sqlite3_reset(st);
	assert_int_equal(auth_role_parse("grid_worker"), ROLE_GRID_WORKER);
	assert_int_equal(auth_role_parse("mayor"), 0);
}

static void login_session_logout(void **state)
{
	struct fx *f = *state;
	auth_session ses;
	int retry = 0;
	gz_error e = {0};
	assert_int_equal(auth_login(f->s, "cadre1", "correct horse", "10.0.0.1", 3600, &ses, &retry, &e), GZ_OK);
	assert_int_equal(strlen(ses.token), AUTH_TOKEN_LEN);
	assert_string_equal(ses.user.scope, "422802107213");
	assert_int_equal(ses.user.role, ROLE_CADRE);
	gz_user u;
	assert_int_equal(auth_session_user(f->s, ses.token, &u, &e), GZ_OK);
	assert_string_equal(u.username, "cadre1");
	assert_string_equal(u.display_name, "张三");
	assert_true(auth_csrf_ok(&u, ses.csrf));
	assert_false(auth_csrf_ok(&u, ses.token));
	assert_false(auth_csrf_ok(&u, NULL));
	/* The database holds no token in clear. */
	sqlite3_stmt *st = store_stmt(f->s, "SELECT count(*) FROM sessions WHERE token_hash=?1");
	sqlite3_bind_text(st, 1, ses.token, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_reset(st);
	assert_int_equal(audit_count(f->s, "auth.login"), 1);

	assert_int_equal(store_write_begin(f->s, &e), GZ_OK);
	assert_int_equal(auth_logout(f->s, ses.token, &e), GZ_OK);
	assert_int_equal(store_write_commit(f->s, &e), GZ_OK);
	assert_int_equal(auth_session_user(f->s, ses.token, &u, &e), GZ_E_UNAUTHORIZED);
	assert_int_equal(auth_session_user(f->s, "short", &u, &e), GZ_E_UNAUTHORIZED);
}

static void expired_sessions_are_refused(void **state)
{
	struct fx *f = *state;
	auth_session ses;
	int retry = 0;
	gz_error e = {0};
	assert_int_equal(auth_login(f->s, "cadre1", "correct horse", "10.0.0.2", 0, &ses, &retry, &e), GZ_OK);
	gz_user u;
	assert_int_equal(auth_session_user(f->s, ses.token, &u, &e), GZ_E_SESSION_EXPIRED);
}

static void wrong_passwords_are_throttled(void **state)
{
	struct fx *f = *state;
	auth_session ses;
	int retry = 0;
	gz_error e = {0};
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_login(f->s, "cadre1", "wrong", "10.0.0.3", 3600, &ses, &retry, &e),
				 GZ_E_BAD_CREDENTIALS);
	/* Locked now, even with the right password, and told how long to wait. */
	assert_int_equal(auth_login(f->s, "cadre1", "correct horse", "10.0.0.3", 3600, &ses, &retry, &e), GZ_E_TOO_MANY);
	assert_true(retry > 0 && retry <= 900);
	/* An unknown name answers exactly like a wrong password. */
	gz_error e2 = {0};
	assert_int_equal(auth_login(f->s, "nobody", "whatever", "10.0.0.4", 3600, &ses, &retry, &e2),
			 GZ_E_BAD_CREDENTIALS);
	assert_string_equal(e2.message, "wrong username or password");
	assert_int_equal(audit_count(f->s, "auth.login"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(login_session_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(expired_sessions_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_passwords_are_throttled, setup, teardown),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
