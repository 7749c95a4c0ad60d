/* registry_io.c — residents in and out of spreadsheets: the template, the import with its
 * report of rejected rows, the export (一楼一册, a grid's roster) in constant memory. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ids.h"
#include "core/secret.h"
#include "core/sheet.h"
#include "core/table.h"
#include "core/util.h"
#include "places/places.h"
#include "registry/registry.h"

/* The columns of the template, the export and the import, in this order. */
static const char *const columns[REG_COLS] = {
	"姓名", "性别", "出生日期", "公民身份号码", "联系电话", "民族", "户籍类型", "政治面貌", "与户主关系", "住址",
	"网格或楼栋编码", "关爱标签",
};
enum { C_NAME, C_GENDER, C_BIRTH, C_ID, C_PHONE, C_ETHNIC, C_HUKOU, C_POLITICAL, C_RELATION, C_ADDRESS, C_PLACE, C_TAGS };

const char *registry_column(int i)
{
	return i >= 0 && i < REG_COLS ? columns[i] : "";
}

/* --- writing sheets ---------------------------------------------------------------------- */

static gz_err register_open(gz_sheet **o, bool xlsx, gz_error *e)
{
	static int widths[REG_COLS];
	for (int i = 0; i < REG_COLS; i++)
		widths[i] = i == C_ID || i == C_PLACE ? 22 : i == C_ADDRESS ? 30 : 14;
	gz_err rc = sheet_open(o, xlsx, e);
	if (!rc && sheet_add(*o, "居民名册", columns, REG_COLS, widths)) {
		sheet_abort(*o);
		rc = gz_fail(e, GZ_E_IO, NULL, "cannot create the spreadsheet");
	}
	return rc;
}

gz_err registry_template(bool xlsx, int *fd_out, gz_error *e)
{
	gz_sheet *o;
	gz_err rc = register_open(&o, xlsx, e);
	if (rc)
		return rc;
	if (sheet_is_xlsx(o)) {
		sheet_add(o, "填写说明", NULL, 1, NULL);
		static const char *const notes[] = {
			"每行一位居民；第一行的列名不要改动，列的顺序可以调整。",
			"必填：姓名、性别（男/女）、出生日期（如 1980-05-06）、与户主关系、住址。",
			"与户主关系：户主、配偶、子、女、父母、祖父母、孙子女、兄弟姐妹、其他。",
			"公民身份号码：18 位，末位可以是 X；其中的出生日期和性别须与所填一致。",
			"户籍类型：本地 或 外地。住址相同、网格或楼栋相同的居民归为同一户。",
			"网格或楼栋编码：留空时归入导入时选定的村（社区）。关爱标签可填多个，用顿号、逗号分隔。",
		};
		for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
			sheet_row(o, &notes[i], 1);
	}
	return sheet_finish(o, fd_out, e);
}

/* --- export ----------------------------------------------------------------------------- */


gz_err registry_export(store *s, const gz_user *u, const gz_range *range, bool xlsx, int *fd_out, int64_t *rows,
		       gz_error *e)
{
	gz_sheet *o;
	gz_err rc = register_open(&o, xlsx, e);
	if (rc)
		return rc;
	bool full_id = registry_may_see_id(u->role), full_phone = registry_may_see_phone(u->role);
	/* Residents in place order, so that a building's register reads household by household. */
	sqlite3_stmt *st = store_stmt(s, "SELECT r.name, r.gender, r.birth_date, r.id_enc, r.phone_enc, r.ethnicity, r.hukou,"
					 " r.political, r.relation, h.address, h.place_code, r.id,"
					 " (SELECT group_concat(tag, '、') FROM (SELECT t.tag FROM resident_tags t JOIN care_tags c"
					 "   ON c.tag = t.tag WHERE t.resident_id = r.id ORDER BY c.sort))"
					 " FROM residents r JOIN households h ON h.id = r.household_id"
					 " WHERE r.place_code >= ?1 AND r.place_code < ?2 AND r.status = 'present'"
					 " ORDER BY r.place_code, r.household_id, r.id");
	if (!st) {
		sheet_abort(o);
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read residents");
	}
	store_bind_range(st, 1, range);
	*rows = 0;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char id[19] = "", idm[19], phone[32] = "", phm[32];
		if (sqlite3_column_type(st, 3) == SQLITE_BLOB)
			secret_open(sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3), id, sizeof id);
		if (sqlite3_column_type(st, 4) == SQLITE_BLOB)
			secret_open(sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4), phone, sizeof phone);
		if (!full_id && *id) {
			ids_mask(id, idm);
			memcpy(id, idm, sizeof id);
		}
		if (!full_phone && *phone) {
			ids_mask_phone(phone, phm);
			memcpy(phone, phm, sizeof phone);
		}
		const char *hukou = store_col_text(st, 6);
		const char *cells[REG_COLS] = {
			store_col_text(st, 0),
			strcmp(store_col_text(st, 1), "male") ? "女" : "男",
			store_col_text(st, 2),
			id,
			phone,
			store_col_text(st, 5),
			!strcmp(hukou, "local") ? "本地" : !strcmp(hukou, "nonlocal") ? "外地" : "",
			store_col_text(st, 7),
			store_col_text(st, 8),
			store_col_text(st, 9),
			store_col_text(st, 10),
			store_col_text(st, 12),
		};
		sheet_row(o, cells, REG_COLS);
		(*rows)++;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		sheet_abort(o);
		return store_fail(s, src, e, "exporting residents");
	}
	return sheet_finish(o, fd_out, e);
}

/* --- import ----------------------------------------------------------------------------- */

/* One row as read: its cells packed in one allocation (a 100,000-row file stays small). */
struct parsed {
	long row;
	char *fields[REG_COLS];
	char *block;
};

/* Per-row scratch for values the importer rewrites (tags split, Excel dates converted). */
struct scratch {
	char tags[TABLE_MAX_CELL + 1];
	char birth[11];
};

struct import_ctx {
	store *s;
	const gz_user *u;
	const char *default_place;
	int map[REG_COLS]; /* file column of each of ours, -1 when absent */
	bool header_seen;
	struct parsed *rows;
	size_t n, cap;
	reg_import_report *rep;
	gz_err rc;
	gz_error *e;
};

static void report_error(reg_import_report *rep, long row, const char *field, const char *msg)
{
	rep->rejected++;
	if (rep->nerrors < REG_IMPORT_MAX_ERRORS) {
		reg_import_error *x = &rep->errors[rep->nerrors++];
		x->row = row;
		gz_strlcpy(x->field, field, sizeof x->field);
		gz_strlcpy(x->message, msg, sizeof x->message);
	}
}

static int import_row(void *p, long row, const char *const *cells, int ncells)
{
	struct import_ctx *c = p;
	if (!c->header_seen) {
		c->header_seen = true;
		for (int k = 0; k < REG_COLS; k++) {
			c->map[k] = -1;
			for (int i = 0; i < ncells; i++) {
				const char *h = cells[i];
				if (!strncmp(h, "\xEF\xBB\xBF", 3))
					h += 3;
				if (!strcmp(h, columns[k]))
					c->map[k] = i;
			}
		}
		static const int required[] = {C_NAME, C_GENDER, C_BIRTH, C_RELATION, C_ADDRESS};
		for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
			if (c->map[required[i]] < 0) {
				c->rc = gz_fail(c->e, GZ_E_INVALID_VALUE, "file", "the first row must name the column \"%s\" (use the template)",
						columns[required[i]]);
				return 1;
			}
		}
		return 0;
	}
	if (c->n == REG_IMPORT_MAX_ROWS) {
		c->rc = gz_fail(c->e, GZ_E_TOO_LARGE, "file", "at most %d rows per import", REG_IMPORT_MAX_ROWS);
		return 1;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct parsed *v = realloc(c->rows, cap * sizeof *v);
		if (!v) {
			c->rc = gz_fail(c->e, GZ_E_NOMEM, NULL, "out of memory reading the file");
			return 1;
		}
		c->rows = v;
		c->cap = cap;
	}
	struct parsed *pr = &c->rows[c->n];
	pr->row = row;
	const char *vals[REG_COLS];
	size_t lens[REG_COLS], total = 0;
	for (int k = 0; k < REG_COLS; k++) {
		const char *v = c->map[k] >= 0 && c->map[k] < ncells ? cells[c->map[k]] : "";
		/* Trim the spaces Excel users leave around values. */
		while (*v == ' ' || *v == '\t')
			v++;
		size_t L = strlen(v);
		while (L && (v[L - 1] == ' ' || v[L - 1] == '\t'))
			L--;
		vals[k] = v;
		lens[k] = L;
		total += L + 1;
	}
	pr->block = malloc(total);
	if (!pr->block) {
		c->rc = gz_fail(c->e, GZ_E_NOMEM, NULL, "out of memory reading the file");
		return 1;
	}
	char *w = pr->block;
	for (int k = 0; k < REG_COLS; k++) {
		memcpy(w, vals[k], lens[k]);
		w[lens[k]] = '\0';
		pr->fields[k] = w;
		w += lens[k] + 1;
	}
	c->n++;
	return 0;
}

/* Split "老年人、低保" into tags (、 , ， ; ；). */
static int split_tags(char *s, const char *out[REG_TAGS_MAX])
{
	static const char *const seps[] = {"、", "，", "；", ",", ";", " "};
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		char *p;
		size_t L = strlen(seps[i]);
		while ((p = strstr(s, seps[i]))) {
			*p = '\x1f';
			memmove(p + 1, p + L, strlen(p + L) + 1);
		}
	}
	int n = 0;
	for (char *tok = strtok(s, "\x1f"); tok && n < REG_TAGS_MAX; tok = strtok(NULL, "\x1f"))
		if (*tok)
			out[n++] = tok;
	return n;
}

/* Turn one parsed row into a resident input; false (with an error reported) if it is bad. */
static bool row_to_input(struct import_ctx *c, const struct parsed *pr, reg_resident_in *in, const char **pc,
			 struct scratch *sc, gz_error *e)
{
	memset(in, 0, sizeof *in);
	const char *v[REG_COLS];
	for (int k = 0; k < REG_COLS; k++)
		v[k] = pr->fields[k];
	in->name = v[C_NAME][0] ? v[C_NAME] : NULL;
	if (!strcmp(v[C_GENDER], "男"))
		in->gender = "male";
	else if (!strcmp(v[C_GENDER], "女"))
		in->gender = "female";
	else if (v[C_GENDER][0]) {
		report_error(c->rep, pr->row, "性别", "性别应为“男”或“女”");
		return false;
	}
	if (v[C_BIRTH][0] && !ids_date_ok(v[C_BIRTH]) && table_excel_date(v[C_BIRTH], sc->birth))
		v[C_BIRTH] = sc->birth; /* a date typed into Excel arrives as a day serial */
	in->birth_date = v[C_BIRTH][0] ? v[C_BIRTH] : NULL;
	in->id_number = v[C_ID][0] ? v[C_ID] : NULL;
	in->phone = v[C_PHONE][0] ? v[C_PHONE] : NULL;
	in->ethnicity = v[C_ETHNIC];
	if (!strcmp(v[C_HUKOU], "本地"))
		in->hukou = "local";
	else if (!strcmp(v[C_HUKOU], "外地"))
		in->hukou = "nonlocal";
	else if (v[C_HUKOU][0]) {
		report_error(c->rep, pr->row, "户籍类型", "户籍类型应为“本地”或“外地”");
		return false;
	}
	in->political = v[C_POLITICAL];
	in->relation = v[C_RELATION][0] ? v[C_RELATION] : NULL;
	if (v[C_TAGS][0]) {
		in->has_tags = true;
		gz_strlcpy(sc->tags, v[C_TAGS], sizeof sc->tags);
		in->ntags = split_tags(sc->tags, in->tags);
	}
	*pc = v[C_PLACE][0] ? v[C_PLACE] : c->default_place;
	static const struct {
		int col;
		const char *what;
	} req[] = {{C_NAME, "姓名"}, {C_GENDER, "性别"}, {C_BIRTH, "出生日期"}, {C_RELATION, "与户主关系"}, {C_ADDRESS, "住址"}};
	for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
		if (!v[req[i].col][0]) {
			char msg[64];
			snprintf(msg, sizeof msg, "缺少%s", req[i].what);
			report_error(c->rep, pr->row, req[i].what, msg);
			return false;
		}
	}
	(void)e;
	return true;
}

/* Chinese reason for a domain error, for the report a cadre reads. */
static const char *reason_zh(const gz_error *e, char *buf, size_t n)
{
	const char *m = e->message;
	const char *zh = NULL;
	if (strstr(m, "check digit"))
		zh = "公民身份号码校验位错误";
	else if (strstr(m, "must be 18 characters") || strstr(m, "17 digits") || strstr(m, "digit or X"))
		zh = "公民身份号码应为 18 位";
	else if (strstr(m, "encodes no valid birth date"))
		zh = "公民身份号码中的出生日期无效";
	else if (strstr(m, "birth date in the citizen id"))
		zh = "出生日期与公民身份号码不符";
	else if (strstr(m, "gender in the citizen id"))
		zh = "性别与公民身份号码不符";
	else if (strstr(m, "already registered") || strstr(m, "twice in the file"))
		zh = strstr(m, "twice") ? "公民身份号码在文件中重复" : "公民身份号码已登记";
	else if (strstr(m, "birth date must"))
		zh = "出生日期格式应为 YYYY-MM-DD，且不能晚于今天";
	else if (strstr(m, "relation"))
		zh = "与户主关系不在可选范围内";
	else if (strstr(m, "care tag"))
		zh = "关爱标签不在标签列表中";
	else if (strstr(m, "phone"))
		zh = "联系电话格式不正确";
	else if (strstr(m, "not found") || strstr(m, "belongs to"))
		zh = "网格或楼栋编码不存在或不在您的管辖范围内";
	else if (strstr(m, "longer than") || strstr(m, "empty") || strstr(m, "control"))
		zh = "内容为空或过长";
	gz_strlcpy(buf, zh ? zh : m, n);
	return buf;
}

static const char *field_zh(const char *field)
{
	static const struct {
		const char *f, *zh;
	} m[] = {{"name", "姓名"}, {"gender", "性别"}, {"birth_date", "出生日期"}, {"id_number", "公民身份号码"},
		 {"phone", "联系电话"}, {"ethnicity", "民族"}, {"hukou", "户籍类型"}, {"political", "政治面貌"},
		 {"relation", "与户主关系"}, {"address", "住址"}, {"place_code", "网格或楼栋编码"}, {"tags", "关爱标签"}};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(m[i].f, field))
			return m[i].zh;
	return field;
}

/* A household seen in this file: found again through the row that first named it. */
struct hh_cache {
	uint32_t hash;
	int64_t id; /* 0: empty slot */
	size_t row;
	const char *pc;
};

/* qsort helpers (qsort has no context argument; the importer runs on one thread at a time
 * because it runs as the single writer's job). */
static char (*sort_idn)[19];

static int idn_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_idn[x], sort_idn[y]);
	return c ? c : (x < y ? -1 : x > y);
}

static int err_cmp(const void *a, const void *b)
{
	const reg_import_error *x = a, *y = b;
	return x->row < y->row ? -1 : x->row > y->row;
}

struct import_job {
	struct import_ctx *c;
	bool all_or_nothing;
	bool dry; /* validate only */
};

/* Validate every row (in the write transaction, so duplicates against the database are seen
 * exactly), then write the good ones, or none when all-or-nothing and any is bad. */
static gz_err import_job_fn(store *s, void *ctx, gz_error *e)
{
	struct import_job *j = ctx;
	struct import_ctx *c = j->c;
	reg_import_report *rep = c->rep;
	bool *ok = calloc(c->n ? c->n : 1, sizeof *ok);
	char (*idn)[19] = calloc(c->n ? c->n : 1, sizeof *idn);
	if (!ok || !idn) {
		free(ok);
		free(idn);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory importing");
	}
	/* Pass 1: each row on its own, and ID numbers against the file and the database. */
	for (size_t i = 0; i < c->n; i++) {
		reg_resident_in in;
		const char *pc;
		struct scratch sc;
		if (!row_to_input(c, &c->rows[i], &in, &pc, &sc, e))
			continue;
		gz_error re = {0};
		if (registry_resident_check(s, c->u, &in, pc, c->rows[i].fields[C_ADDRESS], idn[i], &re) != GZ_OK) {
			char buf[200];
			report_error(rep, c->rows[i].row, field_zh(re.field), reason_zh(&re, buf, sizeof buf));
			continue;
		}
		ok[i] = true;
	}
	/* Duplicates inside the file: the later row is the bad one. Sorting the rows by number
	 * puts equal numbers side by side (stable by row order). */
	size_t *ord = malloc(sizeof *ord * (c->n ? c->n : 1));
	if (!ord) {
		free(ok);
		free(idn);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory importing");
	}
	size_t nid = 0;
	for (size_t i = 0; i < c->n; i++)
		if (ok[i] && idn[i][0])
			ord[nid++] = i;
	sort_idn = idn;
	qsort(ord, nid, sizeof *ord, idn_cmp);
	for (size_t k = 1; k < nid; k++) {
		size_t first = ord[k - 1], i = ord[k];
		if (strcmp(idn[first], idn[i]))
			continue;
		/* Walk back to the first row with this number. */
		size_t f = k - 1;
		while (f > 0 && !strcmp(idn[ord[f - 1]], idn[i]))
			f--;
		char msg[120];
		snprintf(msg, sizeof msg, "公民身份号码在文件中重复（与第 %ld 行相同）", c->rows[ord[f]].row);
		report_error(rep, c->rows[i].row, "公民身份号码", msg);
		ok[i] = false;
	}
	free(ord);
	if (rep->nerrors > 1)
		qsort(rep->errors, (size_t)rep->nerrors, sizeof rep->errors[0], err_cmp);
	rep->rows = (int64_t)c->n;
	gz_err rc = GZ_OK;
	if (j->dry || (j->all_or_nothing && rep->rejected > 0))
		goto out;
	/* Pass 2: households by (place, address) — an open-addressing table of the ones seen in
	 * this file — then the residents. */
	size_t slots = 1;
	while (slots < c->n * 2 + 2)
		slots <<= 1;
	struct hh_cache *cache = calloc(slots, sizeof *cache);
	if (!cache) {
		rc = gz_fail(e, GZ_E_NOMEM, NULL, "out of memory importing");
		goto out;
	}
	for (size_t i = 0; i < c->n && !rc; i++) {
		if (!ok[i])
			continue;
		reg_resident_in in;
		const char *pc;
		struct scratch sc;
		row_to_input(c, &c->rows[i], &in, &pc, &sc, e);
		const char *addr = c->rows[i].fields[C_ADDRESS];
		uint32_t h = 2166136261u;
		for (const char *q = pc; *q; q++)
			h = (h ^ (unsigned char)*q) * 16777619u;
		h = (h ^ '|') * 16777619u;
		for (const char *q = addr; *q; q++)
			h = (h ^ (unsigned char)*q) * 16777619u;
		size_t at = h & (slots - 1);
		while (cache[at].id && !(cache[at].hash == h && !strcmp(cache[at].pc, pc) &&
					 !strcmp(c->rows[cache[at].row].fields[C_ADDRESS], addr)))
			at = (at + 1) & (slots - 1);
		if (!cache[at].id) {
			int64_t hid = registry_household_find(s, pc, addr);
			if (!hid) {
				reg_household hh;
				if ((rc = registry_household_create(s, c->u, pc, addr, NULL, &hh, e)))
					break;
				hid = hh.id;
				rep->households_created++;
			}
			/* pc points into the row or at the import's default place: both outlive the job. */
			cache[at] = (struct hh_cache){h, hid, i, pc};
		}
		in.household_id = cache[at].id;
		if ((rc = registry_resident_insert(s, c->u, &in, pc, e)))
			break;
		rep->imported++;
	}
	free(cache);
out:
	free(ok);
	free(idn);
	if (!rc && j->all_or_nothing && rep->rejected > 0)
		return GZ_OK; /* nothing written; the report says why */
	return rc;
}

gz_err registry_import(store *s, const gz_user *u, const char *default_place, const void *data, size_t n,
		       bool all_or_nothing, reg_import_report *rep, gz_error *e)
{
	memset(rep, 0, sizeof *rep);
	rep->all_or_nothing = all_or_nothing;
	place_level lv = places_level_of(default_place);
	if (lv != PL_VILLAGE && lv != PL_GRID && lv != PL_BUILDING)
		return gz_fail(e, GZ_E_INVALID_VALUE, "under", "import into a village, grid or building, not \"%.20s\"", default_place);
	if (!scope_contains(u->scope, default_place))
		return gz_fail(e, GZ_E_NOT_FOUND, "under", "place \"%s\" not found", default_place);
	struct import_ctx c = {.s = s, .u = u, .default_place = default_place, .rep = rep, .e = e};
	gz_err rc = table_read(data, n, import_row, &c, e);
	if (!rc && c.rc)
		rc = c.rc;
	if (!rc && !c.header_seen)
		rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "the file is empty");
	if (!rc) {
		struct import_job j = {&c, all_or_nothing, false};
		rc = store_write_run(s, import_job_fn, &j, e);
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.rows[i].block);
	free(c.rows);
	return rc;
}
