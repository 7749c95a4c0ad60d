/* test_registry.c — grids, buildings, households, residents: numbering, scope, validation of
 * personal data, history, and that no ID number reaches the database file in clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "places/places.h"
#include "registry/registry.h"
#include "testkit.h"

struct fx {
	char *dir;
	store *s;
	gz_user cadre, other, grid;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tk_tmpdir();
	f->s = tk_store(f->dir);
	unsigned char key[32] = {42};
	secret_set_key(key);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	f->cadre = (gz_user){.id = 1, .username = "gaofeng", .role = ROLE_CADRE, .scope = "422802107213"};
	f->other = (gz_user){.id = 2, .username = "xinmin", .role = ROLE_CADRE, .scope = "421003003006"};
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

/* Writers run as store jobs, as the HTTP layer runs them. */
struct call {
	gz_err (*fn)(struct fx *f, void *out, gz_error *e);
	struct fx *f;
	void *out;
};

static gz_err job(store *s, void *ctx, gz_error *e)
{
	(void)s;
	struct call *c = ctx;
	return c->fn(c->f, c->out, e);
}

static gz_err run(struct fx *f, gz_err (*fn)(struct fx *, void *, gz_error *), void *out, gz_error *e)
{
	struct call c = {fn, f, out};
	return store_write_run(f->s, job, &c, e);
}

static gz_err mk_grid(struct fx *f, void *out, gz_error *e)
{
	return registry_grid_create(f->s, &f->cadre, "422802107213", "一组", NULL, out, e);
}

static gz_err mk_building(struct fx *f, void *out, gz_error *e)
{
	return registry_building_create(f->s, &f->cadre, "422802107213001", "1栋", "building", "高峰村一组", out, e);
}

static gz_err mk_household(struct fx *f, void *out, gz_error *e)
{
	return registry_household_create(f->s, &f->cadre, "422802107213001001", "高峰村一组1栋101", "13812345678", out, e);
}

static const char *ID_MALE = "422802198005060014"; /* check digit verified in test_core */

static reg_resident_in person(int64_t hid, const char *name, const char *id, const char *birth, const char *gender)
{
	reg_resident_in in = {.household_id = hid, .name = name, .gender = gender, .birth_date = birth,
			      .id_number = id, .phone = "13900001234", .relation = "户主", .ethnicity = "土家族"};
	return in;
}

static reg_resident_in g_in;
static gz_err mk_resident(struct fx *f, void *out, gz_error *e)
{
	return registry_resident_create(f->s, &f->cadre, &g_in, out, e);
}

static void grids_and_buildings_are_numbered_places(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	reg_unit g1, g2, b;
	assert_int_equal(run(f, mk_grid, &g1, &e), GZ_OK);
	assert_int_equal(run(f, mk_grid, &g2, &e), GZ_OK);
	assert_string_equal(g1.code, "422802107213001");
	assert_string_equal(g2.code, "422802107213002");
	assert_string_equal(g1.parent_name, "高峰村民委员会");
	assert_int_equal(run(f, mk_building, &b, &e), GZ_OK);
	assert_string_equal(b.code, "422802107213001001");
	place p;
	assert_int_equal(places_get(f->s, "422802107213001001", &p, &e), GZ_OK);
	assert_int_equal(p.level, PL_BUILDING);
	/* Another village's cadre neither sees nor extends this grid. */
	assert_int_equal(registry_grid_get(f->s, &f->other, g1.code, &g2, &e), GZ_E_NOT_FOUND);
	reg_unit x;
	assert_int_equal(registry_grid_create(f->s, &f->other, "422802107213", "x", NULL, &x, &e), GZ_E_NOT_FOUND);
	assert_int_equal(registry_grid_create(f->s, &f->cadre, "422802107", "x", NULL, &x, &e), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "village_code");
}

static int count(void *c, const reg_resident *x)
{
	(void)x;
	(*(int *)c)++;
	return 0;
}

static void residents_keep_personal_data_sealed(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	reg_unit g, b;
	reg_household h;
	assert_int_equal(run(f, mk_grid, &g, &e), GZ_OK);
	assert_int_equal(run(f, mk_building, &b, &e), GZ_OK);
	assert_int_equal(run(f, mk_household, &h, &e), GZ_OK);
	reg_resident r;
	g_in = person(h.id, "张三", ID_MALE, "1980-05-06", "male");
	assert_int_equal(run(f, mk_resident, &r, &e), GZ_OK);
	assert_string_equal(r.id_number, ID_MALE);
	assert_string_equal(r.place_code, "422802107213001001");
	/* The same number twice is a conflict; a number that contradicts the entered birth date
	 * or gender is refused, naming the field. */
	reg_resident r2;
	g_in = person(h.id, "张三二", ID_MALE, "1980-05-06", "male");
	assert_int_equal(run(f, mk_resident, &r2, &e), GZ_E_CONFLICT);
	g_in = person(h.id, "李四", "42280219800506002X", "1980-05-06", "male");
	assert_int_equal(run(f, mk_resident, &r2, &e), GZ_E_INVALID_VALUE); /* wrong check digit */
	g_in = person(h.id, "李四", ID_MALE, "1981-05-06", "male");
	assert_int_equal(run(f, mk_resident, &r2, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "birth date"));
	g_in = person(h.id, "李四", ID_MALE, "1980-05-06", "female");
	assert_int_equal(run(f, mk_resident, &r2, &e), GZ_E_INVALID_VALUE);
	assert_non_null(strstr(e.message, "gender"));
	/* Found by exact number and by the last four phone digits, only within scope. */
	gz_range mine, theirs;
	scope_range_of(f->cadre.scope, &mine);
	scope_range_of(f->other.scope, &theirs);
	reg_resident_filter by_id = {.id_number = ID_MALE};
	struct {
		int n;
	} seen = {0};
	bool more;
	assert_int_equal(registry_residents(f->s, &mine, &by_id, 0, 10, count, &seen, &more, &e), GZ_OK);
	assert_int_equal(seen.n, 1);
	seen.n = 0;
	assert_int_equal(registry_residents(f->s, &theirs, &by_id, 0, 10, count, &seen, &more, &e), GZ_OK);
	assert_int_equal(seen.n, 0);
	reg_resident_filter by_phone = {.phone4 = "1234"};
	assert_int_equal(registry_residents(f->s, &mine, &by_phone, 0, 10, count, &seen, &more, &e), GZ_OK);
	assert_int_equal(seen.n, 1);
	assert_int_equal(registry_resident_get(f->s, &theirs, r.id, &r2, &e), GZ_E_NOT_FOUND);
	/* No ID number or phone in clear anywhere in the database files. */
	store_close(f->s);
	const char *suffix[] = {"", "-wal"};
	for (int i = 0; i < 2; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/gongzhi.db%s", f->dir, suffix[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		fseek(fp, 0, SEEK_END);
		long n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		char *buf = malloc((size_t)n + 1);
		assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
		fclose(fp);
		assert_null(memmem(buf, (size_t)n, ID_MALE, 18));
		assert_null(memmem(buf, (size_t)n, "13900001234", 11));
		assert_null(memmem(buf, (size_t)n, "13812345678", 11));
		free(buf);
	}
	f->s = tk_store(f->dir);
}

static reg_resident_in g_patch;
static int64_t g_patch_id;
static gz_err do_patch(struct fx *f, void *out, gz_error *e)
{
	return registry_resident_update(f->s, &f->cadre, g_patch_id, &g_patch, out, e);
}

static void edits_are_history_not_overwrites(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	reg_unit g, b;
	reg_household h;
	reg_resident r;
	assert_int_equal(run(f, mk_grid, &g, &e), GZ_OK);
	assert_int_equal(run(f, mk_building, &b, &e), GZ_OK);
	assert_int_equal(run(f, mk_household, &h, &e), GZ_OK);
	g_in = person(h.id, "张三", ID_MALE, "1980-05-06", "male");
	g_in.has_tags = true;
	g_in.ntags = 1;
	g_in.tags[0] = "老年人";
	assert_int_equal(run(f, mk_resident, &r, &e), GZ_OK);
	assert_int_equal(r.ntags, 1);
	g_patch = (reg_resident_in){.name = "张三丰", .phone = "13700009999", .has_tags = true, .ntags = 1, .tags = {"低保"}};
	g_patch_id = r.id;
	reg_resident r2;
	assert_int_equal(run(f, do_patch, &r2, &e), GZ_OK);
	assert_string_equal(r2.name, "张三丰");
	assert_string_equal(r2.tags[0], "低保");
	g_patch = (reg_resident_in){.has_tags = true, .ntags = 1, .tags = {"不存在的标签"}};
	assert_int_equal(run(f, do_patch, &r2, &e), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "tags");
	/* The failed edit left the tags as they were. */
	gz_range all;
	scope_range_of("", &all);
	assert_int_equal(registry_resident_get(f->s, &all, r.id, &r2, &e), GZ_OK);
	assert_string_equal(r2.tags[0], "低保");
	sqlite3_stmt *st = store_stmt(f->s, "SELECT kind, detail FROM resident_events WHERE resident_id=?1 ORDER BY id");
	sqlite3_bind_int64(st, 1, r.id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(store_col_text(st, 0), "created");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(store_col_text(st, 0), "edited");
	assert_string_equal(store_col_text(st, 1), "{\"changed\":[\"name\",\"phone\",\"tags\"]}");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	/* The household's head was set by the first 户主 member. */
	assert_int_equal(registry_household_get(f->s, &all, h.id, &h, &e), GZ_OK);
	assert_int_equal(h.head_id, r.id);
	assert_int_equal(h.members, 1);
	assert_int_equal(h.care, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(grids_and_buildings_are_numbered_places, setup, teardown),
		cmocka_unit_test_setup_teardown(residents_keep_personal_data_sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(edits_are_history_not_overwrites, setup, teardown),
	};
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
