/* test_core.c — arena, buffer, error table, scope ranges, UTF-8 checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/scope.h"
#include "core/util.h"

static void arena_respects_cap(void **state)
{
	(void)state;
	arena *a = arena_new(1024);
	void *p = arena_alloc(a, 1000);
	assert_non_null(p);
	assert_null(arena_alloc(a, 100)); /* past the cap */
	assert_true(arena_used(a) <= 1024);
	arena_free(a);
}

static int deferred;
static void bump(void *p)
{
	deferred += *(int *)p;
}

static void arena_runs_defers_once(void **state)
{
	(void)state;
	deferred = 0;
	int one = 1, ten = 10;
	arena *a = arena_new(1 << 20);
	arena_defer(a, bump, &one);
	arena_defer(a, bump, &ten);
	char *s = arena_printf(a, "%s-%d", "村", 42);
	assert_string_equal(s, "村-42");
	arena_free(a);
	assert_int_equal(deferred, 11);
}

static void buf_refuses_past_max_and_stays_intact(void **state)
{
	(void)state;
	gz_buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "abcd"), 0);
	assert_int_equal(buf_puts(&b, "efghi"), -1); /* would be 9 */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.p, "abcd");
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.p, "abcd1234");
	buf_release(&b);
}

static void errors_map_to_documented_statuses(void **state)
{
	(void)state;
	assert_int_equal(gz_err_status(GZ_E_INVALID_JSON), 400);
	assert_int_equal(gz_err_status(GZ_E_UNAUTHORIZED), 401);
	assert_int_equal(gz_err_status(GZ_E_FORBIDDEN), 403);
	assert_int_equal(gz_err_status(GZ_E_NOT_FOUND), 404);
	assert_int_equal(gz_err_status(GZ_E_CONFLICT), 409);
	assert_int_equal(gz_err_status(GZ_E_TOO_LARGE), 413);
	assert_int_equal(gz_err_status(GZ_E_INVALID_VALUE), 422);
	assert_int_equal(gz_err_status(GZ_E_TOO_MANY), 429);
	assert_string_equal(gz_err_word(GZ_E_CSRF), "csrf_failed");
	/* Every code has a word and a status. */
	for (int c = 1; c < GZ_E__COUNT; c++) {
		assert_true(gz_err_status((gz_err)c) >= 400);
		assert_true(strlen(gz_err_word((gz_err)c)) > 0);
	}
	gz_error e;
	assert_int_equal(gz_fail(&e, GZ_E_NOT_FOUND, "code", "place \"%s\" not found", "42"), GZ_E_NOT_FOUND);
	assert_string_equal(e.message, "place \"42\" not found");
	assert_string_equal(e.field, "code");
}

static void scope_range_is_the_prefix_subtree(void **state)
{
	(void)state;
	gz_range r;
	scope_range_of("421003", &r);
	assert_string_equal(r.lo, "421003");
	assert_string_equal(r.hi, "421004");
	scope_range_of("4219", &r); /* last digit 9 rolls to ':' which sorts after every digit */
	assert_true(strcmp("421999999999", r.hi) < 0);
	assert_true(strcmp("4220", r.hi) > 0);
	scope_range_of("", &r);
	assert_true(strcmp("999999999999", r.hi) < 0);
	assert_true(scope_contains("4228", "422802107213"));
	assert_false(scope_contains("4228", "4229"));
	assert_true(scope_contains("", "11"));
}

static void scope_intersect_narrows_or_hides(void **state)
{
	(void)state;
	gz_range r;
	gz_error e;
	/* A county official asking for a village inside: the village's subtree. */
	assert_int_equal(scope_intersect("421003", "421003001003", &r, &e), GZ_OK);
	assert_string_equal(r.lo, "421003001003");
	/* Asking for the province: narrowed to the official's county. */
	assert_int_equal(scope_intersect("421003", "42", &r, &e), GZ_OK);
	assert_string_equal(r.lo, "421003");
	/* Another county: not found, never its data. */
	assert_int_equal(scope_intersect("421003", "422802", &r, &e), GZ_E_NOT_FOUND);
	assert_string_equal(e.field, "under");
}

static void utf8_checks(void **state)
{
	(void)state;
	assert_true(gz_utf8_valid("高峰村", strlen("高峰村")));
	assert_false(gz_utf8_valid("\xff\xfe", 2));
	assert_false(gz_utf8_valid("\xc0\xaf", 2)); /* overlong '/' */
	assert_false(gz_utf8_valid("a\0b", 3));
	assert_int_equal(gz_utf8_chars("高峰村", strlen("高峰村")), 3);
	assert_true(gz_all_digits("422802107213", 12));
	assert_false(gz_all_digits("42a8", 4));
	assert_false(gz_all_digits("", 0));
	char t[64];
	gz_random_token(t, sizeof t, 32);
	assert_int_equal(strlen(t), 43);
	char t2[64];
	gz_random_token(t2, sizeof t2, 32);
	assert_string_not_equal(t, t2);
	char ts[40];
	gz_time_rfc3339(0, ts, sizeof ts);
	assert_string_equal(ts, "1970-01-01T08:00:00+08:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_respects_cap),
		cmocka_unit_test(arena_runs_defers_once),
		cmocka_unit_test(buf_refuses_past_max_and_stays_intact),
		cmocka_unit_test(errors_map_to_documented_statuses),
		cmocka_unit_test(scope_range_is_the_prefix_subtree),
		cmocka_unit_test(scope_intersect_narrows_or_hides),
		cmocka_unit_test(utf8_checks),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
