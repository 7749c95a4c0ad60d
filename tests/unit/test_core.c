/* test_core.c — arena, buffer, error table, scope ranges, UTF-8 checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/secret.h"
#include "core/scope.h"
#include "core/table.h"
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
	gz_time_rfc3339(1682902800, ts, sizeof ts); /* 2023-05-01 09:00 in Beijing */
	assert_string_equal(ts, "2023-05-01T09:00:00+08:00");
	/* The hand-made formatting agrees with strftime across leap days (1900 and 2100 are not, 2000
	 * is), year ends, times of day, and before 1970. */
	for (int64_t at = -2208988800 - 86400; at < 4133980800; at += 86400 * 37 + 3599) {
		time_t local = (time_t)(at + 8 * 3600);
		struct tm tm;
		gmtime_r(&local, &tm);
		char want[40];
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
		gz_time_rfc3339(at, ts, sizeof ts);
		assert_string_equal(ts, want);
	}
	char small[11];
	gz_time_rfc3339(1682902800, small, sizeof small); /* truncated, still terminated */
	assert_string_equal(small, "2023-05-01");
}

/* A valid number built from 17 digits (the check digit computed independently here). */
static void make_id(const char *first17, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	memcpy(out, first17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* Regression (fuzz_request): a path parameter of invalid UTF-8 quoted in a 404's message made
 * the reply unrenderable, a 500 "cannot render reply"; so did a quote cut inside a character. */
static void error_messages_stay_valid_utf8(void **state)
{
	(void)state;
	char s[] = "a\x90" "b\xe9\xab\xd8\xc0\xaf";
	gz_utf8_scrub(s);
	assert_string_equal(s, "a?b???" "??");
	char ok[] = "高峰村";
	gz_utf8_scrub(ok);
	assert_string_equal(ok, "高峰村");
	gz_error e;
	gz_fail(&e, GZ_E_NOT_FOUND, "id", "record \"%.20s\" not found", "\x90");
	assert_true(gz_utf8_valid(e.message, strlen(e.message)));
	assert_string_equal(e.message, "record \"?\" not found");
	gz_fail(&e, GZ_E_NOT_FOUND, NULL, "place \"%.4s\" not found", "高峰"); /* cut after 1⅓ characters */
	assert_true(gz_utf8_valid(e.message, strlen(e.message)));
	assert_string_equal(e.message, "place \"高?\" not found");
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *p = malloc(1 << 20);
	*n = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

struct rows {
	long last, count;
	bool ordered;
};

static int count_row(void *ctx, long row, const char *const *cells, int ncells)
{
	(void)cells;
	(void)ncells;
	struct rows *r = ctx;
	r->ordered = r->ordered && row > r->last && row >= 1;
	r->last = row;
	r->count++;
	return 0;
}

/* Regression (fuzz_table): a sheet whose <row r="…"> was not a number handed rows numbered 0 to
 * the importer (atol); rows must count from 1 and only go down, else the file is damaged. */
static void xlsx_row_numbers_only_go_down(void **state)
{
	(void)state;
	size_t n;
	char *bad = slurp("tests/fuzz/fuzz_table/regress-row-zero.xlsx", &n);
	struct rows r = {0, 0, true};
	gz_error e = {0};
	assert_int_equal(table_read(bad, n, count_row, &r, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "damaged xlsx: row number"));
	assert_true(r.ordered);
	free(bad);
	/* A file Excel or gongzhi itself wrote still reads, from row 1 down. */
	char *good = slurp("tests/fuzz/fuzz_table/template.xlsx", &n);
	r = (struct rows){0, 0, true};
	assert_int_equal(table_read(good, n, count_row, &r, &e), GZ_OK);
	assert_true(r.ordered);
	assert_true(r.count >= 1);
	free(good);
}

static void citizen_ids_follow_gb11643(void **state)
{
	(void)state;
	ids_citizen c;
	gz_error e;
	/* The standard's own example: 11010519491231002X (female, born 1949-12-31). */
	assert_int_equal(ids_citizen_check("11010519491231002X", &c, &e), GZ_OK);
	assert_string_equal(c.birth, "1949-12-31");
	assert_false(c.male);
	assert_int_equal(ids_citizen_check("11010519491231002x", &c, &e), GZ_OK);
	assert_string_equal(c.norm, "11010519491231002X");
	assert_int_equal(ids_citizen_check("110105194912310021", &c, &e), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "id_number");
	assert_non_null(strstr(e.message, "check digit"));
	assert_null(strstr(e.message, "1101")); /* the number itself never appears in messages */
	assert_int_equal(ids_citizen_check("1101051949123100", &c, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(ids_citizen_check("11010519491231A02X", &c, &e), GZ_E_INVALID_VALUE);
	char id[19];
	make_id("42280219800230001", id); /* 30 February */
	assert_int_equal(ids_citizen_check(id, &c, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "birth date"));
	make_id("42280220990101001", id); /* born in the future */
	assert_int_equal(ids_citizen_check(id, &c, &e), GZ_E_INVALID_VALUE);
	make_id("42280220000229003", id); /* 2000 was a leap year; 17th digit odd: male */
	assert_int_equal(ids_citizen_check(id, &c, &e), GZ_OK);
	assert_true(c.male);
	assert_true(ids_date_ok("2000-02-29"));
	assert_false(ids_date_ok("1900-02-29"));
	assert_false(ids_date_ok("2024-13-01"));
	assert_false(ids_date_ok("2024-1-01"));
	char m[19];
	ids_mask("42280219800506001X", m);
	assert_string_equal(m, "4228**********001X");
	char p[12];
	ids_mask_phone("13812345678", p);
	assert_string_equal(p, "138****5678");
}

static void sealed_values_round_trip_and_resist_tampering(void **state)
{
	(void)state;
	unsigned char key[32] = {1, 2, 3};
	secret_set_key(key);
	unsigned char box[64];
	size_t n = secret_seal("42280219800506001X", 18, box);
	assert_int_equal(n, 18 + SECRET_OVERHEAD);
	assert_null(memmem(box, n, "4228", 4));
	char out[32];
	assert_true(secret_open(box, n, out, sizeof out));
	assert_string_equal(out, "42280219800506001X");
	box[30] ^= 1;
	assert_false(secret_open(box, n, out, sizeof out));
	unsigned char h1[SECRET_HASH_LEN], h2[SECRET_HASH_LEN];
	secret_hash("42280219800506001X", h1);
	secret_hash("42280219800506001X", h2);
	assert_memory_equal(h1, h2, SECRET_HASH_LEN);
	unsigned char other[32] = {9};
	secret_set_key(other); /* another data directory's key hashes differently */
	secret_hash("42280219800506001X", h2);
	assert_memory_not_equal(h1, h2, SECRET_HASH_LEN);
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
		cmocka_unit_test(error_messages_stay_valid_utf8),
		cmocka_unit_test(xlsx_row_numbers_only_go_down),
		cmocka_unit_test(citizen_ids_follow_gb11643),
		cmocka_unit_test(sealed_values_round_trip_and_resist_tampering),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
