/* registry.c — grids, buildings, households and residents: validation, personal-data
 * protection, history, scoped reads. No HTTP here (registry_http.c renders it). */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/ids.h"
#include "core/secret.h"
#include "core/util.h"
#include "places/places.h"

bool registry_may_see_id(gz_role r)
{
	return r == ROLE_ADMIN || r == ROLE_CADRE;
}

bool registry_may_see_phone(gz_role r)
{
	return r == ROLE_ADMIN || r == ROLE_CADRE || r == ROLE_GRID_WORKER;
}

static const char *const relations[] = {"户主", "配偶", "子", "女", "父母", "祖父母", "孙子女", "兄弟姐妹", "其他", NULL};

int registry_age(const char *birth)
{
	char today[11];
	gz_date_shanghai(gz_now(), today);
	int y = atoi(birth), m = atoi(birth + 5), d = atoi(birth + 8);
	int age = atoi(today) - y;
	if (atoi(today + 5) < m || (atoi(today + 5) == m && atoi(today + 8) < d))
		age--;
	return age < 0 ? 0 : age;
}

/* --- validation helpers --------------------------------------------------------------- */

static bool in_scope(const gz_user *u, const char *code)
{
	return scope_contains(u->scope, code);
}

/* --- grids and buildings ---------------------------------------------------------------- */

/* A grid or building with its parent's name and the counts under it. */
#define UNIT_COLS                                                                                  \
	"SELECT p.code, p.name, coalesce(g.note, ''), coalesce(b.kind, ''), coalesce(b.address, ''),"  \
	" (SELECT q.name FROM places q WHERE q.level = p.level - 1 AND q.code = substr(p.code, 1, length(p.code) - 3)),"  \
	" (SELECT count(*) FROM places x WHERE x.level = 7 AND x.code > p.code AND x.code < p.code || ':'),"  \
	" (SELECT count(*) FROM households h WHERE h.place_code >= p.code AND h.place_code < p.code || ':')," \
	" (SELECT count(*) FROM residents r WHERE r.place_code >= p.code AND r.place_code < p.code || ':'"  \
	"   AND r.status = 'present'),"                                                                 \
	" (SELECT count(DISTINCT t.resident_id) FROM residents r JOIN resident_tags t ON t.resident_id = r.id" \
	"   WHERE r.place_code >= p.code AND r.place_code < p.code || ':' AND r.status = 'present')"   \
	" FROM places p LEFT JOIN grids g ON g.code = p.code LEFT JOIN buildings b ON b.code = p.code"

static void unit_from_row(sqlite3_stmt *st, reg_unit *x)
{
	memset(x, 0, sizeof *x);
	gz_strlcpy(x->code, store_col_text(st, 0), sizeof x->code);
	gz_strlcpy(x->name, store_col_text(st, 1), sizeof x->name);
	gz_strlcpy(x->note, store_col_text(st, 2), sizeof x->note);
	gz_strlcpy(x->kind, store_col_text(st, 3), sizeof x->kind);
	gz_strlcpy(x->address, store_col_text(st, 4), sizeof x->address);
	size_t n = strlen(x->code);
	memcpy(x->parent_code, x->code, n - 3);
	x->parent_code[n - 3] = '\0';
	gz_strlcpy(x->parent_name, store_col_text(st, 5), sizeof x->parent_name);
	x->buildings = sqlite3_column_int64(st, 6);
	x->households = sqlite3_column_int64(st, 7);
	x->residents = sqlite3_column_int64(st, 8);
	x->care = sqlite3_column_int64(st, 9);
}

static void unit_from_row_cb(sqlite3_stmt *st, void *record, void *arg)
{
	(void)arg;
	unit_from_row(st, record);
}

static gz_err unit_get(store *s, int level, const char *code, reg_unit *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, UNIT_COLS " WHERE p.level = ?1 AND p.code = ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the registry");
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		unit_from_row(st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "code", "%s \"%s\" not found", level == PL_GRID ? "grid" : "building", code);
	return GZ_OK;
}

gz_err registry_grid_get(store *s, const gz_user *u, const char *code, reg_unit *out, gz_error *e)
{
	if (places_level_of(code) != PL_GRID || !in_scope(u, code))
		return gz_fail(e, GZ_E_NOT_FOUND, "code", "grid \"%.20s\" not found", code);
	return unit_get(s, PL_GRID, code, out, e);
}

gz_err registry_units(store *s, int level, const gz_range *range, const char *after, int limit,
		      reg_unit_visit fn, void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, UNIT_COLS " WHERE p.level = ?1 AND p.code >= ?2 AND p.code < ?3 AND p.code > ?4"
					 " ORDER BY p.code LIMIT ?5");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list the registry");
	sqlite3_bind_int(st, 1, level);
	store_bind_range(st, 2, range);
	sqlite3_bind_text(st, 4, after ? after : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, limit + 1);
	reg_unit *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, unit_from_row_cb, NULL, (void **)&rows, &n, more, "listing the registry", e);
	if (!rc) {
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	}
	free(rows);
	return rc;
}

gz_err registry_grid_create(store *s, const gz_user *u, const char *village, const char *name,
			    const char *note, reg_unit *out, gz_error *e)
{
	gz_err rc;
	if ((rc = gz_text_check("name", name, 1, REG_NAME_MAX, e)) || (note && (rc = gz_text_check("note", note, 0, REG_NOTE_MAX, e))))
		return rc;
	if (places_level_of(village) != PL_VILLAGE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "village_code", "place \"%.20s\" is not a village or community", village);
	place v;
	if (!in_scope(u, village) || places_get(s, village, &v, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "village_code", "village \"%s\" not found", village);
	char code[GZ_CODE_MAX + 1];
	if ((rc = places_next_child(s, PL_GRID, village, code, e)) || (rc = places_add(s, PL_GRID, code, name, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO grids(code, note, created_at) VALUES(?1, ?2, ?3)");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, note ? note : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "adding a grid");
	return unit_get(s, PL_GRID, code, out, e);
}

gz_err registry_grid_update(store *s, const gz_user *u, const char *code, const char *name,
			    const char *note, reg_unit *out, gz_error *e)
{
	gz_err rc;
	reg_unit cur;
	if ((rc = registry_grid_get(s, u, code, &cur, e)))
		return rc;
	if ((name && (rc = gz_text_check("name", name, 1, REG_NAME_MAX, e))) || (note && (rc = gz_text_check("note", note, 0, REG_NOTE_MAX, e))))
		return rc;
	if (name && (rc = places_rename(s, code, name, e)))
		return rc;
	if (note) {
		sqlite3_stmt *st = store_stmt(s, "UPDATE grids SET note=?2 WHERE code=?1");
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, note, -1, SQLITE_TRANSIENT);
		int sr = sqlite3_step(st);
		sqlite3_reset(st);
		if (sr != SQLITE_DONE)
			return store_fail(s, sr, e, "updating a grid");
	}
	return unit_get(s, PL_GRID, code, out, e);
}

gz_err registry_building_create(store *s, const gz_user *u, const char *grid, const char *name,
				const char *kind, const char *address, reg_unit *out, gz_error *e)
{
	gz_err rc;
	if ((rc = gz_text_check("name", name, 1, REG_NAME_MAX, e)) ||
	    (address && (rc = gz_text_check("address", address, 0, REG_ADDR_MAX, e))))
		return rc;
	if (strcmp(kind, "building") && strcmp(kind, "courtyard"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "kind", "kind must be \"building\" or \"courtyard\"");
	reg_unit g;
	if ((rc = registry_grid_get(s, u, grid, &g, e))) {
		if (e)
			gz_strlcpy(e->field, "grid_code", sizeof e->field);
		return rc;
	}
	char code[GZ_CODE_MAX + 1];
	if ((rc = places_next_child(s, PL_BUILDING, grid, code, e)) || (rc = places_add(s, PL_BUILDING, code, name, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO buildings(code, kind, address, created_at) VALUES(?1, ?2, ?3, ?4)");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, address ? address : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "adding a building");
	return unit_get(s, PL_BUILDING, code, out, e);
}

/* --- households ----------------------------------------------------------------------- */

#define HOUSEHOLD_SELECT                                                                           \
	"SELECT h.id, h.place_code, h.address, h.phone_enc, coalesce(h.head_id, 0),"                  \
	" coalesce((SELECT name FROM residents WHERE id = h.head_id), ''),"                            \
	" (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND r.status = 'present'),"    \
	" (SELECT count(DISTINCT t.resident_id) FROM residents r JOIN resident_tags t"                \
	"   ON t.resident_id = r.id WHERE r.household_id = h.id AND r.status = 'present'),"            \
	" h.created_at, h.updated_at,"                                                                 \
	" coalesce((SELECT name FROM places WHERE level = CASE length(h.place_code) WHEN 12 THEN 5"   \
	"   WHEN 15 THEN 6 ELSE 7 END AND code = h.place_code), '')"
#define HOUSEHOLD_COLS HOUSEHOLD_SELECT " FROM households h"

static void household_from_row(sqlite3_stmt *st, reg_household *h)
{
	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(h->place_code, store_col_text(st, 1), sizeof h->place_code);
	gz_strlcpy(h->address, store_col_text(st, 2), sizeof h->address);
	store_col_sealed(st, 3, h->phone, sizeof h->phone);
	h->head_id = sqlite3_column_int64(st, 4);
	gz_strlcpy(h->head_name, store_col_text(st, 5), sizeof h->head_name);
	h->members = sqlite3_column_int64(st, 6);
	h->care = sqlite3_column_int64(st, 7);
	h->created_at = sqlite3_column_int64(st, 8);
	h->updated_at = sqlite3_column_int64(st, 9);
	gz_strlcpy(h->place_name, store_col_text(st, 10), sizeof h->place_name);
}

static void household_from_row_cb(sqlite3_stmt *st, void *record, void *arg)
{
	(void)arg;
	household_from_row(st, record);
}

gz_err registry_household_get(store *s, const gz_range *range, int64_t id, reg_household *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, HOUSEHOLD_COLS " WHERE h.id = ?1 AND h.place_code >= ?2 AND h.place_code < ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read households");
	sqlite3_bind_int64(st, 1, id);
	store_bind_range(st, 2, range);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		household_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "id", "household %lld not found", (long long)id);
}

gz_err registry_households(store *s, const gz_range *range, const char *q, int64_t after, int limit,
			   reg_household_visit fn, void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(
		s, HOUSEHOLD_COLS " WHERE h.place_code >= ?1 AND h.place_code < ?2 AND +h.id > ?3"
				  " AND (?4 IS NULL OR instr(h.address, ?4) > 0 OR EXISTS (SELECT 1 FROM residents r"
				  "  WHERE r.household_id = h.id AND instr(r.name, ?4) > 0))"
				  " ORDER BY +h.id LIMIT ?5");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list households");
	store_bind_range(st, 1, range);
	sqlite3_bind_int64(st, 3, after);
	store_bind_text(st, 4, q);
	sqlite3_bind_int(st, 5, limit + 1);
	reg_household *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, household_from_row_cb, NULL, (void **)&rows, &n, more, "listing households", e);
	if (!rc) {
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	}
	free(rows);
	return rc;
}

static gz_err household_place_ok(store *s, const gz_user *u, const char *pc, gz_error *e)
{
	place_level lv = places_level_of(pc);
	if (lv != PL_VILLAGE && lv != PL_GRID && lv != PL_BUILDING)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "a household belongs to a village, grid or building, not \"%.20s\"", pc);
	place p;
	if (!in_scope(u, pc) || places_get(s, pc, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", pc);
	return GZ_OK;
}

gz_err registry_household_create(store *s, const gz_user *u, const char *pc, const char *address,
				 const char *phone, reg_household *out, gz_error *e)
{
	gz_err rc;
	char last4[5];
	if ((rc = gz_text_check("address", address, 1, REG_ADDR_MAX, e)) || (phone && *phone && (rc = ids_phone_check("phone", phone, last4, e))) ||
	    (rc = household_place_ok(s, u, pc, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO households(place_code, address, phone_enc, created_at, updated_at)"
					 " VALUES(?1, ?2, ?3, ?4, ?4)");
	sqlite3_bind_text(st, 1, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
	store_bind_sealed(st, 3, phone);
	sqlite3_bind_int64(st, 4, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "adding a household");
	gz_range all;
	scope_range_of(u->scope, &all);
	return registry_household_get(s, &all, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err registry_household_update(store *s, const gz_user *u, int64_t id, const char *address,
				 const char *phone, int64_t head_id, reg_household *out, gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	reg_household cur;
	gz_err rc;
	char last4[5];
	if ((rc = registry_household_get(s, &all, id, &cur, e)))
		return rc;
	if ((address && (rc = gz_text_check("address", address, 1, REG_ADDR_MAX, e))) ||
	    (phone && *phone && (rc = ids_phone_check("phone", phone, last4, e))))
		return rc;
	if (head_id > 0) {
		sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM residents WHERE id=?1 AND household_id=?2 AND status='present'");
		sqlite3_bind_int64(st, 1, head_id);
		sqlite3_bind_int64(st, 2, id);
		if (!store_step_int(st))
			return gz_fail(e, GZ_E_INVALID_VALUE, "head_id", "resident %lld is not a present member of household %lld",
				       (long long)head_id, (long long)id);
	}
	sqlite3_stmt *st = store_stmt(s, "UPDATE households SET address = coalesce(?2, address),"
					 " phone_enc = CASE WHEN ?4 THEN ?3 ELSE phone_enc END,"
					 " head_id = CASE WHEN ?5 > 0 THEN ?5 WHEN ?5 < 0 THEN NULL ELSE head_id END,"
					 " updated_at = ?6 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, address);
	store_bind_sealed(st, 3, phone);
	sqlite3_bind_int(st, 4, phone != NULL);
	sqlite3_bind_int64(st, 5, head_id);
	sqlite3_bind_int64(st, 6, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "updating a household");
	return registry_household_get(s, &all, id, out, e);
}

/* --- residents ------------------------------------------------------------------------ */

#define RESIDENT_COLS                                                                              \
	"SELECT r.id, r.household_id, r.place_code, r.name, r.gender, r.birth_date, r.id_enc,"        \
	" r.phone_enc, r.ethnicity, r.hukou, r.political, r.relation, r.status, r.created_at,"          \
	" r.updated_at FROM residents r"

static void resident_from_row(store *s, sqlite3_stmt *st, reg_resident *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->household_id = sqlite3_column_int64(st, 1);
	gz_strlcpy(r->place_code, store_col_text(st, 2), sizeof r->place_code);
	gz_strlcpy(r->name, store_col_text(st, 3), sizeof r->name);
	gz_strlcpy(r->gender, store_col_text(st, 4), sizeof r->gender);
	gz_strlcpy(r->birth_date, store_col_text(st, 5), sizeof r->birth_date);
	store_col_sealed(st, 6, r->id_number, sizeof r->id_number);
	store_col_sealed(st, 7, r->phone, sizeof r->phone);
	gz_strlcpy(r->ethnicity, store_col_text(st, 8), sizeof r->ethnicity);
	gz_strlcpy(r->hukou, store_col_text(st, 9), sizeof r->hukou);
	gz_strlcpy(r->political, store_col_text(st, 10), sizeof r->political);
	gz_strlcpy(r->relation, store_col_text(st, 11), sizeof r->relation);
	gz_strlcpy(r->status, store_col_text(st, 12), sizeof r->status);
	r->created_at = sqlite3_column_int64(st, 13);
	r->updated_at = sqlite3_column_int64(st, 14);
	(void)s;
}

static void resident_from_row_cb(sqlite3_stmt *st, void *record, void *arg)
{
	(void)arg;
	resident_from_row(NULL, st, record);
}

static void resident_tags_load(store *s, reg_resident *r)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT t.tag FROM resident_tags t JOIN care_tags c ON c.tag = t.tag"
					 " WHERE t.resident_id = ?1 ORDER BY c.sort, t.tag");
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, r->id);
	r->ntags = 0;
	while (r->ntags < REG_TAGS_MAX && sqlite3_step(st) == SQLITE_ROW)
		gz_strlcpy(r->tags[r->ntags++], store_col_text(st, 0), sizeof r->tags[0]);
	sqlite3_reset(st);
}

/* The tags of a page of residents in one statement (rows are in id order). */
static void resident_tags_load_many(store *s, reg_resident *rows, int n)
{
	if (n == 0)
		return;
	char *ids = malloc((size_t)n * 21 + 3);
	if (!ids) {
		for (int i = 0; i < n; i++)
			resident_tags_load(s, &rows[i]);
		return;
	}
	size_t k = 0;
	ids[k++] = '[';
	for (int i = 0; i < n; i++)
		k += (size_t)sprintf(ids + k, "%s%lld", i ? "," : "", (long long)rows[i].id);
	ids[k++] = ']';
	ids[k] = '\0';
	sqlite3_stmt *st = store_stmt(s, "SELECT t.resident_id, t.tag FROM resident_tags t JOIN care_tags c ON c.tag = t.tag"
					 " WHERE t.resident_id IN (SELECT value FROM json_each(?1)) ORDER BY t.resident_id, c.sort, t.tag");
	if (!st) {
		free(ids);
		return;
	}
	sqlite3_bind_text(st, 1, ids, (int)k, SQLITE_TRANSIENT);
	free(ids);
	int i = 0;
	for (int j = 0; j < n; j++)
		rows[j].ntags = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(st, 0);
		while (i < n && rows[i].id < rid)
			i++;
		if (i < n && rows[i].id == rid && rows[i].ntags < REG_TAGS_MAX)
			gz_strlcpy(rows[i].tags[rows[i].ntags++], store_col_text(st, 1), sizeof rows[i].tags[0]);
	}
	sqlite3_reset(st);
}

gz_err registry_resident_get(store *s, const gz_range *range, int64_t id, reg_resident *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, RESIDENT_COLS " WHERE r.id = ?1 AND r.place_code >= ?2 AND r.place_code < ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read residents");
	sqlite3_bind_int64(st, 1, id);
	store_bind_range(st, 2, range);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		resident_from_row(s, st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "resident %lld not found", (long long)id);
	resident_tags_load(s, out);
	return GZ_OK;
}

gz_err registry_residents(store *s, const gz_range *range, const reg_resident_filter *f, int64_t after,
			  int limit, reg_resident_visit fn, void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st;
	if (f->id_number && *f->id_number) {
		/* Exact lookup through the keyed hash: the number itself is never in the database. */
		st = store_stmt(s, RESIDENT_COLS " WHERE r.id_hash = ?1 AND r.place_code >= ?2 AND r.place_code < ?3"
					       " AND r.id > ?4 LIMIT ?5");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot search residents");
		char norm[19];
		gz_strlcpy(norm, f->id_number, sizeof norm);
		if (strlen(norm) == 18 && norm[17] == 'x')
			norm[17] = 'X';
		unsigned char h[SECRET_HASH_LEN];
		secret_hash(norm, h);
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
		store_bind_range(st, 2, range);
		sqlite3_bind_int64(st, 4, after);
		sqlite3_bind_int(st, 5, limit + 1);
	} else {
		/* One statement per leading filter, so that each is an index lookup (an "?x IS NULL
		 * OR col = ?x" pattern keeps SQLite from using any index: 0.6 s on a county of 1M). The
		 * remaining filters apply to the rows that index yields. The unary + on r.id keeps the
		 * planner from walking the whole table in id order instead (it cannot know how few rows
		 * the leading index yields for a bound parameter); the page is sorted afterwards. */
		const char *q = f->q && *f->q ? f->q : NULL;
		const char *status = f->status && *f->status ? f->status : NULL;
		const char *tag = f->tag && *f->tag ? f->tag : NULL;
		const char *phone4 = f->phone4 && *f->phone4 ? f->phone4 : NULL;
		int k = 1; /* index of the leading parameter's value */
		if (f->household_id) {
			st = store_stmt(s, RESIDENT_COLS " WHERE r.household_id = ?1 AND r.place_code >= ?2 AND r.place_code < ?3"
						       " AND +r.id > ?4 AND (?5 IS NULL OR instr(r.name, ?5) > 0)"
						       " AND (?6 IS NULL OR r.status = ?6) AND (?7 IS NULL OR r.phone_last4 = ?7)"
						       " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = ?8))"
						       " ORDER BY +r.id LIMIT ?9");
			if (st)
				sqlite3_bind_int64(st, 1, f->household_id);
			k = 0;
		} else if (phone4) {
			st = store_stmt(s, RESIDENT_COLS " WHERE r.phone_last4 = ?1 AND r.place_code >= ?2 AND r.place_code < ?3"
						       " AND +r.id > ?4 AND (?5 IS NULL OR instr(r.name, ?5) > 0)"
						       " AND (?6 IS NULL OR r.status = ?6) AND (?7 IS NULL OR ?7 = ?1)"
						       " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = ?8))"
						       " ORDER BY +r.id LIMIT ?9");
			if (st)
				sqlite3_bind_text(st, 1, phone4, -1, SQLITE_TRANSIENT);
		} else if (tag && strlen(range->lo) < 9) {
			/* County or wider: walk the tag's index in id order (dense enough to fill a page). */
			st = store_stmt(s, RESIDENT_COLS " JOIN resident_tags t ON t.resident_id = r.id WHERE t.tag = ?1"
						       " AND +r.place_code >= ?2 AND +r.place_code < ?3 AND t.resident_id > ?4"
						       " AND (?5 IS NULL OR instr(r.name, ?5) > 0) AND (?6 IS NULL OR r.status = ?6)"
						       " AND (?7 IS NULL OR r.phone_last4 = ?7) AND (?8 IS NULL OR ?8 = ?1)"
						       " ORDER BY t.resident_id LIMIT ?9");
			if (st)
				sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
		} else if (q) {
			/* Names match from their start (surname first), through the name index. */
			st = store_stmt(s, RESIDENT_COLS " WHERE r.name >= ?1 AND r.name < ?1 || char(1114111)"
						       " AND +r.place_code >= ?2 AND +r.place_code < ?3 AND +r.id > ?4"
						       " AND (?5 IS NULL OR ?5 = ?1) AND (?6 IS NULL OR r.status = ?6)"
						       " AND (?7 IS NULL OR r.phone_last4 = ?7)"
						       " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = ?8))"
						       " ORDER BY +r.id LIMIT ?9");
			if (st)
				sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
		} else {
			/* The place range leads (a township, village or grid: a few thousand rows). */
			st = store_stmt(s, RESIDENT_COLS " WHERE ?1 IS NULL AND r.place_code >= ?2 AND r.place_code < ?3 AND +r.id > ?4"
						       " AND (?5 IS NULL OR ?5 = '') AND (?6 IS NULL OR r.status = ?6)"
						       " AND (?7 IS NULL OR ?7 = '')"
						       " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = ?8))"
						       " ORDER BY +r.id LIMIT ?9");
			k = 0;
		}
		(void)k;
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot search residents");
		store_bind_range(st, 2, range);
		sqlite3_bind_int64(st, 4, after);
		store_bind_text(st, 5, q);
		store_bind_text(st, 6, status);
		store_bind_text(st, 7, phone4);
		store_bind_text(st, 8, tag);
		sqlite3_bind_int(st, 9, limit + 1);
	}
	reg_resident *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, resident_from_row_cb, NULL, (void **)&rows, &n, more, "searching residents", e);
	if (!rc) {
		resident_tags_load_many(s, rows, n);
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	}
	free(rows);
	return rc;
}

/* Check every given field of in; birth/gender must agree with the ID number (old values fill
 * what a PATCH leaves out). */
static gz_err resident_validate(const reg_resident_in *in, const reg_resident *old, ids_citizen *cz,
				char last4[5], gz_error *e)
{
	gz_err rc;
	if (in->arrival && strcmp(in->arrival, "registered") && strcmp(in->arrival, "birth") && strcmp(in->arrival, "move_in"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "arrival", "arrival must be registered, birth or move_in");
	if (in->name && (rc = gz_text_check("name", in->name, 1, REG_NAME_MAX, e)))
		return rc;
	if (in->gender && strcmp(in->gender, "male") && strcmp(in->gender, "female"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "gender", "gender must be \"male\" or \"female\"");
	if (in->birth_date && !ids_date_ok(in->birth_date))
		return gz_fail(e, GZ_E_INVALID_VALUE, "birth_date", "birth date must be a real date YYYY-MM-DD, not in the future");
	if (in->ethnicity && (rc = gz_text_check("ethnicity", in->ethnicity, 0, 20, e)))
		return rc;
	if (in->political && (rc = gz_text_check("political", in->political, 0, 20, e)))
		return rc;
	if (in->hukou && *in->hukou && strcmp(in->hukou, "local") && strcmp(in->hukou, "nonlocal"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "hukou", "hukou must be \"local\" or \"nonlocal\"");
	if (in->relation) {
		bool ok = false;
		for (const char *const *r = relations; *r; r++)
			ok = ok || !strcmp(*r, in->relation);
		if (!ok)
			return gz_fail(e, GZ_E_INVALID_VALUE, "relation", "relation \"%.40s\" is not one of the listed relations", in->relation);
	}
	if (in->phone && *in->phone && (rc = ids_phone_check("phone", in->phone, last4, e)))
		return rc;
	const char *id = in->id_number ? in->id_number : (old ? old->id_number : NULL);
	cz->norm[0] = '\0';
	if (id && *id) {
		if ((rc = ids_citizen_check(id, cz, e)))
			return rc;
		const char *birth = in->birth_date ? in->birth_date : (old ? old->birth_date : "");
		const char *gender = in->gender ? in->gender : (old ? old->gender : "");
		if (strcmp(birth, cz->birth))
			return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "the birth date in the citizen id number is not the birth date entered");
		if (strcmp(gender, cz->male ? "male" : "female"))
			return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "the gender in the citizen id number is not the gender entered");
	}
	return GZ_OK;
}

static gz_err tags_set(store *s, int64_t id, const reg_resident_in *in, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM resident_tags WHERE resident_id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	sqlite3_reset(st);
	for (int i = 0; i < in->ntags; i++) {
		sqlite3_stmt *chk = store_stmt(s, "SELECT 1 FROM care_tags WHERE tag = ?1");
		sqlite3_bind_text(chk, 1, in->tags[i], -1, SQLITE_TRANSIENT);
		if (!store_step_int(chk))
			return gz_fail(e, GZ_E_INVALID_VALUE, "tags", "care tag \"%.40s\" is not in the tag list", in->tags[i]);
		st = store_stmt(s, "INSERT OR IGNORE INTO resident_tags(resident_id, tag) VALUES(?1, ?2)");
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, in->tags[i], -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, rc, e, "tagging a resident");
	}
	return GZ_OK;
}

static gz_err event_add(store *s, const gz_user *u, int64_t rid, int64_t hid, const char *kind, const char *detail,
			gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO resident_events(resident_id, household_id, at, kind, actor, detail)"
					 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, hid);
	sqlite3_bind_int64(st, 3, gz_now());
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->username, -1, SQLITE_TRANSIENT);
	store_bind_text(st, 6, detail);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "recording history");
}

static gz_err id_conflict(store *s, int rc, gz_error *e)
{
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return gz_fail(e, GZ_E_CONFLICT, "id_number", "a resident with this citizen id number is already registered");
	return store_fail(s, rc, e, "saving a resident");
}

/* Validate and insert in->household_id's new member at place; head_known > 0 when the
 * household already has a head. *id_out (if given) receives the new id. */
static gz_err registry_resident_insert_at(store *s, const gz_user *u, const reg_resident_in *in, const char *pc,
					  int64_t head_known, const ids_citizen *checked, int64_t *id_out, gz_error *e)
{
	gz_err rc;
	ids_citizen cz;
	char last4[5] = "";
	if (checked) {
		cz = *checked;
		if (in->phone && *in->phone)
			ids_phone_check("phone", in->phone, last4, NULL);
	} else if ((rc = resident_validate(in, NULL, &cz, last4, e))) {
		return rc;
	}
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO residents(household_id, place_code, name, gender, birth_date, id_enc,"
					 " id_hash, phone_enc, phone_last4, ethnicity, hukou, political, relation,"
					 " created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)");
	sqlite3_bind_int64(st, 1, in->household_id);
	sqlite3_bind_text(st, 2, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, in->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, in->gender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, in->birth_date, -1, SQLITE_TRANSIENT);
	store_bind_sealed(st, 6, cz.norm);
	if (cz.norm[0]) {
		unsigned char hash[SECRET_HASH_LEN];
		secret_hash(cz.norm, hash);
		sqlite3_bind_blob(st, 7, hash, sizeof hash, SQLITE_TRANSIENT);
	}
	store_bind_sealed(st, 8, in->phone);
	store_bind_text(st, 9, last4[0] ? last4 : NULL);
	sqlite3_bind_text(st, 10, in->ethnicity ? in->ethnicity : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, in->hukou ? in->hukou : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, in->political ? in->political : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, in->relation, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 14, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return id_conflict(s, sr, e);
	int64_t id = sqlite3_last_insert_rowid(store_db(s));
	if (in->has_tags && (rc = tags_set(s, id, in, e)))
		return rc;
	const char *kind = "created";
	if (in->arrival && !strcmp(in->arrival, "birth"))
		kind = "born";
	else if (in->arrival && !strcmp(in->arrival, "move_in"))
		kind = "moved_in";
	if ((rc = event_add(s, u, id, in->household_id, kind, NULL, e)))
		return rc;
	/* The first member entered as 户主 becomes the household head. */
	if (head_known <= 0 && !strcmp(in->relation, "户主")) {
		st = store_stmt(s, "UPDATE households SET head_id = ?2, updated_at = ?3 WHERE id = ?1 AND head_id IS NULL");
		sqlite3_bind_int64(st, 1, in->household_id);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, gz_now());
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	if (id_out)
		*id_out = id;
	return GZ_OK;
}

gz_err registry_resident_insert(store *s, const gz_user *u, const reg_resident_in *in, const char *pc,
				gz_error *e)
{
	return registry_resident_insert_at(s, u, in, pc, -1, NULL, NULL, e);
}

int64_t registry_household_find(store *s, const char *pc, const char *address)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM households WHERE place_code = ?1 AND address = ?2 ORDER BY id LIMIT 1");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
	return store_step_int(st);
}

gz_err registry_resident_check(store *s, const gz_user *u, const reg_resident_in *in, const char *pc,
			       const char *address, char idn[19], gz_error *e)
{
	gz_err rc;
	idn[0] = '\0';
	if ((rc = household_place_ok(s, u, pc, e)) || (rc = gz_text_check("address", address, 1, REG_ADDR_MAX, e)))
		return rc;
	ids_citizen cz;
	char last4[5] = "";
	if ((rc = resident_validate(in, NULL, &cz, last4, e)))
		return rc;
	for (int i = 0; in->has_tags && i < in->ntags; i++) {
		sqlite3_stmt *chk = store_stmt(s, "SELECT 1 FROM care_tags WHERE tag = ?1");
		sqlite3_bind_text(chk, 1, in->tags[i], -1, SQLITE_TRANSIENT);
		if (!store_step_int(chk))
			return gz_fail(e, GZ_E_INVALID_VALUE, "tags", "care tag \"%.40s\" is not in the tag list", in->tags[i]);
	}
	if (cz.norm[0]) {
		unsigned char hash[SECRET_HASH_LEN];
		secret_hash(cz.norm, hash);
		sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM residents WHERE id_hash = ?1");
		sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
		if (store_step_int(st))
			return gz_fail(e, GZ_E_CONFLICT, "id_number", "a resident with this citizen id number is already registered");
		memcpy(idn, cz.norm, 19);
	}
	return GZ_OK;
}

gz_err registry_resident_create(store *s, const gz_user *u, const reg_resident_in *in, reg_resident *out,
				gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	reg_household h;
	gz_err rc;
	if (!in->name || !in->gender || !in->birth_date || !in->relation)
		return gz_fail(e, GZ_E_MISSING_FIELD, !in->name ? "name" : !in->gender ? "gender" : !in->birth_date ? "birth_date" : "relation",
			       "name, gender, birth_date and relation are required");
	if ((rc = registry_household_get(s, &all, in->household_id, &h, e))) {
		if (e)
			gz_strlcpy(e->field, "household_id", sizeof e->field);
		return rc;
	}
	int64_t id;
	if ((rc = registry_resident_insert_at(s, u, in, h.place_code, h.head_id, NULL, &id, e)))
		return rc;
	return registry_resident_get(s, &all, id, out, e);
}

gz_err registry_resident_update(store *s, const gz_user *u, int64_t id, const reg_resident_in *in,
				reg_resident *out, gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	reg_resident old;
	gz_err rc;
	if ((rc = registry_resident_get(s, &all, id, &old, e)))
		return rc;
	ids_citizen cz;
	char last4[5] = "";
	if ((rc = resident_validate(in, &old, &cz, last4, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(
		s, "UPDATE residents SET name = coalesce(?2, name), gender = coalesce(?3, gender),"
		   " birth_date = coalesce(?4, birth_date),"
		   " id_enc = CASE WHEN ?5 THEN ?6 ELSE id_enc END, id_hash = CASE WHEN ?5 THEN ?7 ELSE id_hash END,"
		   " phone_enc = CASE WHEN ?8 THEN ?9 ELSE phone_enc END,"
		   " phone_last4 = CASE WHEN ?8 THEN ?10 ELSE phone_last4 END,"
		   " ethnicity = coalesce(?11, ethnicity), hukou = coalesce(?12, hukou),"
		   " political = coalesce(?13, political), relation = coalesce(?14, relation), updated_at = ?15"
		   " WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, in->gender);
	store_bind_text(st, 4, in->birth_date);
	sqlite3_bind_int(st, 5, in->id_number != NULL);
	store_bind_sealed(st, 6, in->id_number ? cz.norm : NULL);
	if (in->id_number && cz.norm[0]) {
		unsigned char hash[SECRET_HASH_LEN];
		secret_hash(cz.norm, hash);
		sqlite3_bind_blob(st, 7, hash, sizeof hash, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int(st, 8, in->phone != NULL);
	store_bind_sealed(st, 9, in->phone);
	store_bind_text(st, 10, last4[0] ? last4 : NULL);
	store_bind_text(st, 11, in->ethnicity);
	store_bind_text(st, 12, in->hukou);
	store_bind_text(st, 13, in->political);
	store_bind_text(st, 14, in->relation);
	sqlite3_bind_int64(st, 15, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return id_conflict(s, sr, e);
	if (in->has_tags && (rc = tags_set(s, id, in, e)))
		return rc;
	/* History names the fields that changed; personal data only by name, never by value. */
	char detail[512] = "{\"changed\":[";
	size_t len = strlen(detail);
	const struct {
		const char *name;
		const char *v;
		const char *was;
	} fields[] = {{"name", in->name, old.name},           {"gender", in->gender, old.gender},
		      {"birth_date", in->birth_date, old.birth_date}, {"id_number", in->id_number ? cz.norm : NULL, old.id_number},
		      {"phone", in->phone, old.phone},        {"ethnicity", in->ethnicity, old.ethnicity},
		      {"hukou", in->hukou, old.hukou},        {"political", in->political, old.political},
		      {"relation", in->relation, old.relation}};
	int changed = 0;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (!fields[i].v || !strcmp(fields[i].v, fields[i].was))
			continue;
		len += (size_t)snprintf(detail + len, sizeof detail - len, "%s\"%s\"", changed++ ? "," : "", fields[i].name);
	}
	if (in->has_tags)
		len += (size_t)snprintf(detail + len, sizeof detail - len, "%s\"tags\"", changed++ ? "," : "");
	snprintf(detail + len, sizeof detail - len, "]}");
	if (changed && (rc = event_add(s, u, id, old.household_id, "edited", detail, e)))
		return rc;
	return registry_resident_get(s, &all, id, out, e);
}

/* --- care tags ------------------------------------------------------------------------- */

gz_err registry_tags(store *s, const gz_range *range, reg_tag_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT c.tag, (SELECT count(*) FROM resident_tags t JOIN residents r"
					 " ON r.id = t.resident_id WHERE t.tag = c.tag AND r.status = 'present'"
					 " AND r.place_code >= ?1 AND r.place_code < ?2) FROM care_tags c ORDER BY c.sort, c.tag");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list care tags");
	store_bind_range(st, 1, range);
	struct {
		char tag[REG_TAG_MAX * 4 + 1];
		int64_t n;
	} rows[64];
	int n = 0;
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
		gz_strlcpy(rows[n].tag, store_col_text(st, 0), sizeof rows[n].tag);
		rows[n].n = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++)
		if (fn(ctx, rows[i].tag, rows[i].n))
			break;
	return GZ_OK;
}

gz_err registry_tag_add(store *s, const gz_user *u, const char *tag, gz_error *e)
{
	(void)u;
	gz_err rc = gz_text_check("tag", tag, 1, REG_TAG_MAX, e);
	if (rc)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO care_tags(tag, sort) VALUES(?1, (SELECT coalesce(max(sort), 0) + 1 FROM care_tags))");
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if ((sr & 0xff) == SQLITE_CONSTRAINT)
		return gz_fail(e, GZ_E_CONFLICT, "tag", "care tag \"%s\" already exists", tag);
	return sr == SQLITE_DONE ? GZ_OK : store_fail(s, sr, e, "adding a care tag");
}

gz_err registry_events(store *s, int64_t household_id, int limit, reg_event_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT ev.id, ev.resident_id, coalesce(r.name, ''), ev.at, ev.kind, ev.actor,"
					 " coalesce(ev.detail, '') FROM resident_events ev LEFT JOIN residents r ON r.id = ev.resident_id"
					 " WHERE ev.household_id = ?1 ORDER BY ev.id DESC LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read history");
	sqlite3_bind_int64(st, 1, household_id);
	sqlite3_bind_int(st, 2, limit);
	reg_event *rows = calloc((size_t)limit, sizeof *rows);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	}
	int n = 0;
	while (n < limit && sqlite3_step(st) == SQLITE_ROW) {
		reg_event *ev = &rows[n++];
		ev->id = sqlite3_column_int64(st, 0);
		ev->resident_id = sqlite3_column_int64(st, 1);
		gz_strlcpy(ev->resident_name, store_col_text(st, 2), sizeof ev->resident_name);
		ev->at = sqlite3_column_int64(st, 3);
		gz_strlcpy(ev->kind, store_col_text(st, 4), sizeof ev->kind);
		gz_strlcpy(ev->actor, store_col_text(st, 5), sizeof ev->actor);
		gz_strlcpy(ev->detail, store_col_text(st, 6), sizeof ev->detail);
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++)
		if (fn(ctx, &rows[i]))
			break;
	free(rows);
	return GZ_OK;
}

/* --- grid roles ----------------------------------------------------------------------- */

static bool role_fits(const char *role, place_level lv)
{
	if (!strcmp(role, "instructor") || !strcmp(role, "group_leader"))
		return lv == PL_VILLAGE || lv == PL_GRID;
	if (!strcmp(role, "leader") || !strcmp(role, "member"))
		return lv == PL_GRID;
	if (!strcmp(role, "building_leader"))
		return lv == PL_BUILDING;
	return false;
}

#define ROLE_COLS                                                                                  \
	"SELECT g.id, g.place_code, coalesce((SELECT name FROM places p WHERE p.code = g.place_code"  \
	" AND p.level = CASE length(g.place_code) WHEN 12 THEN 5 WHEN 15 THEN 6 ELSE 7 END), ''),"    \
	" g.role, coalesce(g.resident_id, 0), coalesce(g.user_id, 0), g.holder_name, g.since_at,"     \
	" coalesce(g.until_at, 0) FROM grid_roles g"

static void role_from_row(sqlite3_stmt *st, reg_grid_role *x)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(x->place_code, store_col_text(st, 1), sizeof x->place_code);
	gz_strlcpy(x->place_name, store_col_text(st, 2), sizeof x->place_name);
	gz_strlcpy(x->role, store_col_text(st, 3), sizeof x->role);
	x->resident_id = sqlite3_column_int64(st, 4);
	x->user_id = sqlite3_column_int64(st, 5);
	gz_strlcpy(x->holder_name, store_col_text(st, 6), sizeof x->holder_name);
	x->since_at = sqlite3_column_int64(st, 7);
	x->until_at = sqlite3_column_int64(st, 8);
}

static void role_from_row_cb(sqlite3_stmt *st, void *record, void *arg)
{
	(void)arg;
	role_from_row(st, record);
}

static gz_err role_get(store *s, int64_t id, const gz_range *range, reg_grid_role *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, ROLE_COLS " WHERE g.id = ?1 AND g.place_code >= ?2 AND g.place_code < ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read grid roles");
	sqlite3_bind_int64(st, 1, id);
	store_bind_range(st, 2, range);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		role_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "id", "grid role %lld not found", (long long)id);
}

gz_err registry_role_assign(store *s, const gz_user *u, const char *pc, const char *role, int64_t resident_id,
			    int64_t user_id, reg_grid_role *out, gz_error *e)
{
	place_level lv = places_level_of(pc);
	if (!role_fits(role, lv))
		return gz_fail(e, GZ_E_INVALID_VALUE, "role", "role \"%.20s\" cannot be held at place \"%.20s\"", role, pc);
	place p;
	if (!in_scope(u, pc) || places_get(s, pc, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", pc);
	if ((resident_id > 0) == (user_id > 0))
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "give either resident_id or user_id");
	char holder[REG_NAME_MAX * 4 + 1] = "";
	char village[13];
	gz_strlcpy(village, pc, sizeof village);
	if (resident_id > 0) {
		/* A resident of the same village, present. */
		gz_range vr;
		scope_range_of(village, &vr);
		reg_resident r;
		if (registry_resident_get(s, &vr, resident_id, &r, NULL) != GZ_OK || strcmp(r.status, "present"))
			return gz_fail(e, GZ_E_NOT_FOUND, "resident_id", "resident %lld not found in \"%s\"", (long long)resident_id, village);
		gz_strlcpy(holder, r.name, sizeof holder);
	} else {
		char scope[GZ_CODE_MAX + 1];
		/* The account must exist and be able to see the place it serves. */
		if (!auth_user_brief(s, user_id, holder, sizeof holder, scope) || !scope_contains(scope, pc))
			return gz_fail(e, GZ_E_NOT_FOUND, "user_id", "account %lld not found or not scoped to \"%s\"", (long long)user_id, pc);
	}
	/* One 网格长 per grid and one 楼栋长 per building at a time; nobody holds the same role at the
	 * same place twice. */
	sqlite3_stmt *dup = store_stmt(s, "SELECT holder_name FROM grid_roles WHERE place_code = ?1 AND role = ?2 AND until_at IS NULL"
					  " AND (?2 IN ('leader', 'building_leader') OR resident_id IS ?3 AND user_id IS ?4) LIMIT 1");
	sqlite3_bind_text(dup, 1, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(dup, 2, role, -1, SQLITE_TRANSIENT);
	if (resident_id > 0)
		sqlite3_bind_int64(dup, 3, resident_id);
	if (user_id > 0)
		sqlite3_bind_int64(dup, 4, user_id);
	if (sqlite3_step(dup) == SQLITE_ROW) {
		char who[REG_NAME_MAX * 4 + 1];
		gz_strlcpy(who, store_col_text(dup, 0), sizeof who);
		sqlite3_reset(dup);
		return gz_fail(e, GZ_E_CONFLICT, "role", "\"%s\" already holds this role here: end that assignment first", who);
	}
	sqlite3_reset(dup);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO grid_roles(place_code, role, resident_id, user_id, holder_name, since_at)"
					 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(st, 1, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_TRANSIENT);
	if (resident_id > 0)
		sqlite3_bind_int64(st, 3, resident_id);
	if (user_id > 0)
		sqlite3_bind_int64(st, 4, user_id);
	sqlite3_bind_text(st, 5, holder, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "assigning a grid role");
	gz_range all;
	scope_range_of(u->scope, &all);
	return role_get(s, sqlite3_last_insert_rowid(store_db(s)), &all, out, e);
}

gz_err registry_role_end(store *s, const gz_user *u, int64_t id, reg_grid_role *out, gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	gz_err rc = role_get(s, id, &all, out, e);
	if (rc)
		return rc;
	if (out->until_at)
		return gz_fail(e, GZ_E_CONFLICT, "id", "grid role %lld has already ended", (long long)id);
	sqlite3_stmt *st = store_stmt(s, "UPDATE grid_roles SET until_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "ending a grid role");
	return role_get(s, id, &all, out, e);
}

gz_err registry_roles(store *s, const gz_range *range, bool history, int64_t after, int limit, reg_role_visit fn,
		      void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, ROLE_COLS " WHERE g.place_code >= ?1 AND g.place_code < ?2 AND (?3 OR g.until_at IS NULL)"
					 " AND g.id > ?4 ORDER BY g.id LIMIT ?5");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read grid roles");
	store_bind_range(st, 1, range);
	sqlite3_bind_int(st, 3, history);
	sqlite3_bind_int64(st, 4, after);
	sqlite3_bind_int(st, 5, limit + 1);
	reg_grid_role *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, role_from_row_cb, NULL, (void **)&rows, &n, more, "reading grid roles", e);
	for (int i = 0; !rc && i < n; i++)
		if (fn(ctx, &rows[i]))
			break;
	free(rows);
	return rc;
}

/* --- home visits ---------------------------------------------------------------------- */

static void visit_from_row(sqlite3_stmt *st, reg_visit *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	v->household_id = sqlite3_column_int64(st, 1);
	gz_strlcpy(v->place_code, store_col_text(st, 2), sizeof v->place_code);
	gz_strlcpy(v->address, store_col_text(st, 3), sizeof v->address);
	gz_strlcpy(v->visited_on, store_col_text(st, 4), sizeof v->visited_on);
	gz_strlcpy(v->visitor, store_col_text(st, 5), sizeof v->visitor);
	gz_strlcpy(v->findings, store_col_text(st, 6), sizeof v->findings);
	v->follow_up = sqlite3_column_int(st, 7);
	v->created_at = sqlite3_column_int64(st, 8);
	v->resolved_at = sqlite3_column_int64(st, 9);
	gz_strlcpy(v->resolved_by, store_col_text(st, 10), sizeof v->resolved_by);
	gz_strlcpy(v->resolution, store_col_text(st, 11), sizeof v->resolution);
}

static void visit_from_row_cb(sqlite3_stmt *st, void *record, void *arg)
{
	(void)arg;
	visit_from_row(st, record);
}

gz_err registry_visit_add(store *s, const gz_user *u, int64_t household_id, const char *visited_on,
			  const char *findings, bool follow_up, reg_visit *out, gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	reg_household h;
	gz_err rc;
	if ((rc = registry_household_get(s, &all, household_id, &h, e))) {
		if (e)
			gz_strlcpy(e->field, "household_id", sizeof e->field);
		return rc;
	}
	if (!ids_date_ok(visited_on))
		return gz_fail(e, GZ_E_INVALID_VALUE, "visited_on", "visit date must be a real date YYYY-MM-DD, not in the future");
	if ((rc = gz_text_check("findings", findings, 1, REG_FINDINGS_MAX, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO visits(household_id, place_code, visited_on, visitor_id, visitor, findings,"
					 " follow_up, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	sqlite3_bind_int64(st, 1, h.id);
	sqlite3_bind_text(st, 2, h.place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, visited_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, u->id);
	sqlite3_bind_text(st, 5, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, findings, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 7, follow_up);
	sqlite3_bind_int64(st, 8, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "recording a visit");
	int64_t id = sqlite3_last_insert_rowid(store_db(s));
	st = store_stmt(s, "SELECT v.id, v.household_id, v.place_code, h.address, v.visited_on, v.visitor, v.findings,"
			   " v.follow_up, v.created_at, coalesce(v.resolved_at, 0), coalesce(v.resolved_by, ''), coalesce(v.resolution, '')"
			   " FROM visits v JOIN households h ON h.id = v.household_id WHERE v.id = ?1");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		visit_from_row(st, out);
	sqlite3_reset(st);
	return GZ_OK;
}

gz_err registry_visits(store *s, const gz_range *range, int64_t household_id, bool follow_up_only, int64_t before,
		       int limit, reg_visit_visit fn, void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st =
		household_id
			? store_stmt(s, "SELECT v.id, v.household_id, v.place_code, h.address, v.visited_on, v.visitor,"
					" v.findings, v.follow_up, v.created_at, coalesce(v.resolved_at, 0), coalesce(v.resolved_by, ''),"
					" coalesce(v.resolution, '') FROM visits v JOIN households h ON h.id = v.household_id"
					" WHERE v.household_id = ?3 AND v.place_code >= ?1 AND v.place_code < ?2"
					" AND (?4 = 0 OR (v.follow_up = 1 AND v.resolved_at IS NULL)) AND v.id < ?5 ORDER BY v.id DESC LIMIT ?6")
			: store_stmt(s, "SELECT v.id, v.household_id, v.place_code, h.address, v.visited_on, v.visitor,"
					" v.findings, v.follow_up, v.created_at, coalesce(v.resolved_at, 0), coalesce(v.resolved_by, ''),"
					" coalesce(v.resolution, '') FROM visits v JOIN households h ON h.id = v.household_id"
					" WHERE v.place_code >= ?1 AND v.place_code < ?2 AND ?3 = 0"
					" AND (?4 = 0 OR (v.follow_up = 1 AND v.resolved_at IS NULL)) AND v.id < ?5 ORDER BY v.id DESC LIMIT ?6");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read visits");
	store_bind_range(st, 1, range);
	sqlite3_bind_int64(st, 3, household_id);
	sqlite3_bind_int(st, 4, follow_up_only);
	sqlite3_bind_int64(st, 5, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(st, 6, limit + 1);
	reg_visit *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, visit_from_row_cb, NULL, (void **)&rows, &n, more, "reading visits", e);
	if (!rc) {
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	}
	free(rows);
	return rc;
}

gz_err registry_unvisited(store *s, const gz_range *range, int days, int64_t after, int limit,
			  reg_unvisited_visit fn, void *ctx, bool *more, gz_error *e)
{
	char cutoff[11];
	gz_date_shanghai(gz_now() - (int64_t)days * 86400, cutoff);
	sqlite3_stmt *st = store_stmt(s, HOUSEHOLD_SELECT ", (SELECT max(v.visited_on) FROM visits v WHERE v.household_id = h.id) AS last"
					 " FROM households h WHERE h.place_code >= ?1 AND h.place_code < ?2 AND h.id > ?3"
					 " AND (last IS NULL OR last < ?4) ORDER BY h.id LIMIT ?5");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read visits");
	store_bind_range(st, 1, range);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_text(st, 4, cutoff, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, limit + 1);
	struct row {
		reg_household h;
		char last[11];
	} *rows = malloc(sizeof *rows * (size_t)limit);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	}
	int n = 0, rc;
	*more = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		household_from_row(st, &rows[n].h);
		gz_strlcpy(rows[n].last, store_col_text(st, 11), sizeof rows[n].last);
		n++;
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++)
		if (fn(ctx, &rows[i].h, rows[i].last))
			break;
	free(rows);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? GZ_OK : store_fail(s, rc, e, "finding unvisited households");
}


/* --- presence events ---------------------------------------------------------------------- */

static gz_err set_status(store *s, int64_t id, const char *status, int64_t household, const char *pc, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE residents SET status = ?2, household_id = ?3, place_code = ?4, updated_at = ?5"
					 " WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, household);
	sqlite3_bind_text(st, 4, pc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, gz_now());
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "changing a resident");
	/* Whoever is no longer a present member of a household is not its head. */
	st = store_stmt(s, "UPDATE households SET head_id = NULL, updated_at = ?2 WHERE head_id = ?1"
			   " AND (id <> ?3 OR ?4 <> 'present')");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, gz_now());
	sqlite3_bind_int64(st, 3, household);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	sr = sqlite3_step(st);
	sqlite3_reset(st);
	return sr == SQLITE_DONE ? GZ_OK : store_fail(s, sr, e, "changing a household head");
}

gz_err registry_resident_event(store *s, const gz_user *u, int64_t id, const char *kind, const char *date,
			       const char *note, int64_t to_household, reg_resident *out, gz_error *e)
{
	gz_range all;
	scope_range_of(u->scope, &all);
	reg_resident r;
	gz_err rc;
	if ((rc = registry_resident_get(s, &all, id, &r, e)))
		return rc;
	if (!ids_date_ok(date))
		return gz_fail(e, GZ_E_INVALID_VALUE, "date", "date must be a real date YYYY-MM-DD, not in the future");
	if (strcmp(date, r.birth_date) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "date", "date is before the resident's birth");
	if (note && (rc = gz_text_check("note", note, 0, 200, e)))
		return rc;
	char detail[1200];
	json_t *d = json_pack("{ss ss}", "date", date, "note", note ? note : "");
	int64_t household = r.household_id;
	const char *pc = r.place_code;
	reg_household to;
	const char *status;
	if (!strcmp(kind, "move_out") || !strcmp(kind, "death")) {
		if (strcmp(r.status, "present")) {
			json_decref(d);
			return gz_fail(e, GZ_E_CONFLICT, "kind", "resident %lld is %s, not present", (long long)id, r.status);
		}
		status = !strcmp(kind, "death") ? "deceased" : "moved_out";
	} else if (!strcmp(kind, "return")) {
		if (strcmp(r.status, "moved_out")) {
			json_decref(d);
			return gz_fail(e, GZ_E_CONFLICT, "kind", "only a moved-out resident can return; resident %lld is %s",
				       (long long)id, r.status);
		}
		status = "present";
	} else if (!strcmp(kind, "transfer")) {
		if (strcmp(r.status, "present")) {
			json_decref(d);
			return gz_fail(e, GZ_E_CONFLICT, "kind", "resident %lld is %s, not present", (long long)id, r.status);
		}
		if (to_household == r.household_id || registry_household_get(s, &all, to_household, &to, NULL) != GZ_OK) {
			json_decref(d);
			return gz_fail(e, GZ_E_NOT_FOUND, "to_household_id", "household %lld not found", (long long)to_household);
		}
		household = to.id;
		pc = to.place_code;
		status = "present";
		json_object_set_new(d, "from_household_id", json_integer(r.household_id));
		json_object_set_new(d, "to_household_id", json_integer(to.id));
	} else {
		json_decref(d);
		return gz_fail(e, GZ_E_INVALID_VALUE, "kind", "kind must be move_out, death, return or transfer");
	}
	char *txt = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	gz_strlcpy(detail, txt ? txt : "{}", sizeof detail);
	free(txt);
	char pcopy[GZ_CODE_MAX + 1];
	gz_strlcpy(pcopy, pc, sizeof pcopy);
	if ((rc = set_status(s, id, status, household, pcopy, e)))
		return rc;
	const char *ev = !strcmp(kind, "move_out") ? "moved_out" : !strcmp(kind, "death") ? "died"
				 : !strcmp(kind, "return") ? "returned" : "transferred";
	if ((rc = event_add(s, u, id, r.household_id, ev, detail, e)))
		return rc;
	if (household != r.household_id && (rc = event_add(s, u, id, household, ev, detail, e)))
		return rc;
	return registry_resident_get(s, &all, id, out, e);
}

/* --- moving a building ------------------------------------------------------------------ */

gz_err registry_building_move(store *s, const gz_user *u, const char *code, const char *grid, reg_unit *out,
			      char old_code[GZ_CODE_MAX + 1], gz_error *e)
{
	gz_err rc;
	if (places_level_of(code) != PL_BUILDING || !in_scope(u, code))
		return gz_fail(e, GZ_E_NOT_FOUND, "code", "building \"%.20s\" not found", code);
	reg_unit b, g;
	if ((rc = unit_get(s, PL_BUILDING, code, &b, e)))
		return rc;
	if ((rc = registry_grid_get(s, u, grid, &g, e))) {
		if (e)
			gz_strlcpy(e->field, "grid_code", sizeof e->field);
		return rc;
	}
	if (strncmp(grid, code, 12))
		return gz_fail(e, GZ_E_INVALID_VALUE, "grid_code", "a building moves only between grids of its own village");
	if (!strncmp(grid, code, 15))
		return gz_fail(e, GZ_E_CONFLICT, "grid_code", "building \"%s\" is already in grid \"%s\"", code, grid);
	char to[GZ_CODE_MAX + 1];
	if ((rc = places_next_child(s, PL_BUILDING, grid, to, e)) || (rc = places_add(s, PL_BUILDING, to, b.name, e)))
		return rc;
	gz_strlcpy(old_code, code, GZ_CODE_MAX + 1);
	/* Everything filed under the old code follows it to the new one, in this transaction. */
	static const char *const moves[] = {
		"UPDATE buildings SET code = ?2 WHERE code = ?1",
		"UPDATE households SET place_code = ?2 WHERE place_code = ?1",
		"UPDATE residents SET place_code = ?2 WHERE place_code = ?1",
		"UPDATE visits SET place_code = ?2 WHERE place_code = ?1",
		"UPDATE grid_roles SET place_code = ?2 WHERE place_code = ?1",
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		sqlite3_stmt *st = store_stmt(s, moves[i]);
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot move the building");
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
		int sr = sqlite3_step(st);
		sqlite3_reset(st);
		if (sr != SQLITE_DONE)
			return store_fail(s, sr, e, "moving a building");
	}
	if ((rc = places_remove(s, code, e)))
		return rc;
	return unit_get(s, PL_BUILDING, to, out, e);
}

gz_err registry_visit_resolve(store *s, const gz_user *u, int64_t id, const char *resolution, reg_visit *out, gz_error *e)
{
	gz_err rc = gz_text_check("resolution", resolution, 1, REG_NOTE_MAX, e);
	if (rc)
		return rc;
	gz_range all;
	scope_range_of(u->scope, &all);
	sqlite3_stmt *st = store_stmt(s, "SELECT v.id, v.household_id, v.place_code, h.address, v.visited_on, v.visitor, v.findings,"
					 " v.follow_up, v.created_at, coalesce(v.resolved_at, 0), coalesce(v.resolved_by, ''),"
					 " coalesce(v.resolution, '') FROM visits v JOIN households h ON h.id = v.household_id"
					 " WHERE v.id = ?1 AND v.place_code >= ?2 AND v.place_code < ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read visits");
	sqlite3_bind_int64(st, 1, id);
	store_bind_range(st, 2, &all);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		visit_from_row(st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "visit %lld not found", (long long)id);
	if (!out->follow_up)
		return gz_fail(e, GZ_E_CONFLICT, "id", "visit %lld needed no follow-up", (long long)id);
	if (out->resolved_at)
		return gz_fail(e, GZ_E_CONFLICT, "id", "the follow-up of visit %lld was already closed by \"%s\"", (long long)id,
			       out->resolved_by);
	st = store_stmt(s, "UPDATE visits SET resolved_at = ?2, resolved_by = ?3, resolution = ?4 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, gz_now());
	sqlite3_bind_text(st, 3, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, resolution, -1, SQLITE_TRANSIENT);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "closing a follow-up");
	out->resolved_at = gz_now();
	gz_strlcpy(out->resolved_by, u->username, sizeof out->resolved_by);
	gz_strlcpy(out->resolution, resolution, sizeof out->resolution);
	return GZ_OK;
}

/* --- the electorate, for quorum rules --------------------------------------------------- */

gz_err registry_electorate(store *s, const gz_range *range, const char *adult_born_by, int64_t *adults,
			   int64_t *households, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM residents WHERE place_code >= ?1 AND place_code < ?2"
					 " AND status = 'present' AND birth_date <= ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count the adults of the registry");
	store_bind_range(st, 1, range);
	sqlite3_bind_text(st, 3, adult_born_by, -1, SQLITE_TRANSIENT);
	*adults = store_step_int(st);
	st = store_stmt(s, "SELECT count(*) FROM households h WHERE h.place_code >= ?1 AND h.place_code < ?2"
			   " AND EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.status = 'present')");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count the households of the registry");
	store_bind_range(st, 1, range);
	*households = store_step_int(st);
	return GZ_OK;
}
