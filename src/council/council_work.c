/* council_work.c — resolutions become work (民事民办): the cases that implement a passed
 * resolution, linked both ways; the resolution and its implementation result on the village's
 * public board (docs/modules/council.md, "Resolutions become work"). No HTTP here.
 *
 * The cases module is used only through cases.h (cases_create, cases_get); the board through
 * board.h (board_publish, board_entry_get). The links are this module's tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "cases/cases.h"
#include "core/util.h"
#include "council/council.h"
#include "places/places.h"

static const char *const status_zh[][2] = {
	{"submitted", "待分流"}, {"referred", "已转办"},   {"replied", "部门已答复"}, {"handling", "办理中"},
	{"deliberating", "民议中"}, {"resolved", "已解决"}, {"closed", "已办结"},
};

static const char *status_name(const char *st)
{
	for (size_t i = 0; i < sizeof status_zh / sizeof *status_zh; i++)
		if (!strcmp(status_zh[i][0], st))
			return status_zh[i][1];
	return st;
}

static gz_err may_work(const gz_user *u, gz_error *e)
{
	if (u->role & COUNCIL_WORK_ROLES)
		return GZ_OK;
	return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not turn resolutions into work");
}

/* The resolution, visible to u, that passed; *m its meeting (freed by the caller). */
static gz_err passed_resolution(store *s, const gz_user *u, int64_t id, council_resolution *r, council_meeting *m,
				gz_error *e)
{
	gz_err rc = council_resolution_get(s, u, id, r, m, e);
	if (rc)
		return rc;
	if (!r->passed) {
		council_meeting_free(m);
		return gz_fail(e, GZ_E_CONFLICT, "id", "resolution %lld did not pass: there is nothing to implement or publish",
			       (long long)id);
	}
	return GZ_OK;
}

static int64_t cases_of(store *s, int64_t resolution_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_resolution_cases WHERE resolution_id = ?1");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, resolution_id);
	return store_step_int(st);
}

static int64_t count2(store *s, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return store_step_int(st);
}

static void fill_case(council_work_case *w, const case_rec *c)
{
	w->visible = true;
	gz_strlcpy(w->tracking, c->tracking, sizeof w->tracking);
	gz_strlcpy(w->place_code, c->place_code, sizeof w->place_code);
	gz_strlcpy(w->place_name, c->place_name, sizeof w->place_name);
	gz_strlcpy(w->title, c->title, sizeof w->title);
	gz_strlcpy(w->status, c->status, sizeof w->status);
	gz_strlcpy(w->kind, c->kind, sizeof w->kind);
}

gz_err council_work_add(store *s, const gz_user *u, int64_t resolution_id, const council_work_in *in, int64_t now,
			council_work_case *out, gz_error *e)
{
	gz_err rc;
	council_resolution r;
	council_meeting m;
	if ((rc = passed_resolution(s, u, resolution_id, &r, &m, e)))
		return rc;
	council_meeting_free(&m);
	if ((rc = may_work(u, e)))
		return rc;
	if (cases_of(s, resolution_id) >=
	    COUNCIL_WORK_CASES_MAX)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "resolution %lld already has %d cases", (long long)resolution_id,
			       COUNCIL_WORK_CASES_MAX);
	case_rec c;
	bool created = false;
	if (in->case_id) {
		if (in->title || in->content || in->type || in->channel || in->place_code)
			return gz_fail(e, GZ_E_INVALID_VALUE, "case_id", "a linked case is named by case_id alone");
		if (cases_get(s, u, in->case_id, now, &c, NULL))
			return gz_fail(e, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)in->case_id);
		if (strncmp(c.place_code, m.place_code, 12)) {
			case_free(&c);
			return gz_fail(e, GZ_E_INVALID_VALUE, "case_id", "case %lld is not of the meeting's village",
				       (long long)in->case_id);
		}
		if (count2(s, "SELECT count(*) FROM council_resolution_cases WHERE resolution_id = ?1 AND case_id = ?2",
			   resolution_id, in->case_id)) {
			case_free(&c);
			return gz_fail(e, GZ_E_CONFLICT, "case_id", "case %lld already implements resolution %lld",
				       (long long)in->case_id, (long long)resolution_id);
		}
	} else {
		const char *where = in->place_code && *in->place_code ? in->place_code : m.place_code;
		if (strlen(where) < 12 || strncmp(where, m.place_code, 12))
			return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "place \"%s\" is not in the meeting's village", where);
		const char *channel = in->channel;
		if (!channel) {
			if (case_word(case_channels, m.type) < 0)
				return gz_fail(e, GZ_E_MISSING_FIELD, "channel",
					       "channel is required: a %s is not an intake channel", m.type);
			channel = m.type; /* 居民议事堂, 早餐会, 村情发布会 are channels of their own */
		}
		case_new cn = {.place_code = where, .channel = channel, .type = in->type, .title = in->title, .content = in->content};
		if ((rc = cases_create(s, u, &cn, now, &c, e)))
			return rc;
		created = true;
	}
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_resolution_cases(resolution_id, case_id, created, linked_by,"
					 " linked_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st) {
		case_free(&c);
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot link a case");
	}
	sqlite3_bind_int64(st, 1, resolution_id);
	sqlite3_bind_int64(st, 2, c.id);
	sqlite3_bind_int(st, 3, created);
	sqlite3_bind_text(st, 4, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		case_free(&c);
		return store_fail(s, src, e, "linking a case");
	}
	memset(out, 0, sizeof *out);
	out->resolution_id = resolution_id;
	out->case_id = c.id;
	out->created = created;
	gz_strlcpy(out->linked_by, u->username, sizeof out->linked_by);
	out->linked_at = now;
	fill_case(out, &c);
	case_free(&c);
	return GZ_OK;
}

/* Read the links first (at most COUNCIL_WORK_CASES_MAX), then each case: no query runs while
 * another steps. */
gz_err council_work_cases(store *s, const gz_user *u, int64_t resolution_id, council_work_visit fn, void *ctx,
			  gz_error *e)
{
	council_resolution r;
	gz_err rc = council_resolution_get(s, u, resolution_id, &r, NULL, e);
	if (rc)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "SELECT case_id, created, linked_by, linked_at FROM council_resolution_cases"
					 " WHERE resolution_id = ?1 ORDER BY linked_at, case_id LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read a resolution's cases");
	sqlite3_bind_int64(st, 1, resolution_id);
	sqlite3_bind_int(st, 2, COUNCIL_WORK_CASES_MAX);
	council_work_case *w = calloc(COUNCIL_WORK_CASES_MAX, sizeof *w);
	if (!w) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading a resolution's cases");
	}
	int n = 0, src;
	while (n < COUNCIL_WORK_CASES_MAX && (src = sqlite3_step(st)) == SQLITE_ROW) {
		w[n].resolution_id = resolution_id;
		w[n].case_id = sqlite3_column_int64(st, 0);
		w[n].created = sqlite3_column_int(st, 1) != 0;
		gz_strlcpy(w[n].linked_by, store_col_text(st, 2), sizeof w[n].linked_by);
		w[n].linked_at = sqlite3_column_int64(st, 3);
		n++;
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		case_rec c;
		if (!cases_get(s, u, w[i].case_id, gz_now(), &c, NULL)) {
			fill_case(&w[i], &c);
			case_free(&c);
		}
		if (fn(ctx, &w[i]))
			break;
	}
	free(w);
	return GZ_OK;
}

gz_err council_case_resolutions(store *s, const gz_user *u, int64_t case_id, council_case_resolution_visit fn, void *ctx,
				gz_error *e)
{
	case_rec c;
	if (cases_get(s, u, case_id, gz_now(), &c, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)case_id);
	case_free(&c);
	enum { MAX = 100 };
	sqlite3_stmt *st = store_stmt(s, "SELECT resolution_id FROM council_resolution_cases WHERE case_id = ?1"
					 " ORDER BY resolution_id DESC LIMIT 100");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read a case's resolutions");
	sqlite3_bind_int64(st, 1, case_id);
	int64_t ids[MAX];
	int n = 0;
	while (n < MAX && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		council_resolution r;
		council_meeting m;
		if (council_resolution_get(s, u, ids[i], &r, &m, NULL))
			continue; /* a meeting the caller does not see (a resident's case seen by a department) */
		int stop = fn(ctx, &r, &m);
		council_meeting_free(&m);
		if (stop)
			break;
	}
	return GZ_OK;
}

/* --- the board --------------------------------------------------------------------------------- */

static void link_load(store *s, int64_t resolution_id, const char *kind, council_entry_link *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s, "SELECT l.entry_id, l.published_by, l.published_at, coalesce(b.seq, 0),"
					 " coalesce(b.hash, '') FROM council_resolution_entries l LEFT JOIN board_entries b"
					 " ON b.id = l.entry_id WHERE l.resolution_id = ?1 AND l.kind = ?2");
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, resolution_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->entry_id = sqlite3_column_int64(st, 0);
		gz_strlcpy(out->by, store_col_text(st, 1), sizeof out->by);
		out->at = sqlite3_column_int64(st, 2);
		out->seq = sqlite3_column_int64(st, 3);
		gz_strlcpy(out->hash, store_col_text(st, 4), sizeof out->hash);
	}
	sqlite3_reset(st);
}

gz_err council_work_links(store *s, int64_t resolution_id, council_entry_link *published, council_entry_link *result,
			  int64_t *cases, gz_error *e)
{
	(void)e;
	if (published)
		link_load(s, resolution_id, "resolution", published);
	if (result)
		link_load(s, resolution_id, "result", result);
	if (cases)
		*cases = cases_of(s, resolution_id);
	return GZ_OK;
}

/* Copy at most max characters of src (valid UTF-8) into dst. */
static void copy_chars(char *dst, size_t n, const char *src, size_t max)
{
	size_t i = 0, chars = 0;
	while (src[i] && chars < max) {
		size_t k = 1;
		while ((src[i + k] & 0xC0) == 0x80)
			k++;
		if (i + k >= n)
			break;
		i += k;
		chars++;
	}
	memcpy(dst, src, i);
	dst[i] = '\0';
}

static gz_err publish(store *s, const gz_user *u, const council_resolution *r, const council_meeting *m,
		      const char *kind, const char *title_prefix, const char *body, int64_t now, council_entry_link *out,
		      gz_error *e)
{
	char title[BOARD_TITLE_MAX * 4 + 1], full[BOARD_TITLE_MAX * 4 + 64];
	snprintf(full, sizeof full, "%s%s", title_prefix, m->title);
	copy_chars(title, sizeof title, full, BOARD_TITLE_MAX);
	char village[GZ_CODE_MAX + 1];
	gz_strlcpy(village, m->place_code, 13); /* a group's or a building's meeting: its village's board */
	board_new bn = {.place_code = village, .category = "resolution", .title = title, .body = body,
			.resolution_id = r->id};
	int64_t id, seq;
	char hash[BOARD_HASH_HEX + 1];
	gz_err rc = board_publish(s, u, &bn, now, &id, &seq, hash, e);
	if (rc)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_resolution_entries(resolution_id, kind, entry_id, published_by,"
					 " published_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot link the board entry");
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_text(st, 4, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return store_fail(s, src, e, "linking the board entry");
	memset(out, 0, sizeof *out);
	out->entry_id = id;
	out->seq = seq;
	out->at = now;
	gz_strlcpy(out->hash, hash, sizeof out->hash);
	gz_strlcpy(out->by, u->username, sizeof out->by);
	return GZ_OK;
}

gz_err council_work_publish(store *s, const gz_user *u, int64_t resolution_id, int64_t now, council_entry_link *out,
			    gz_error *e)
{
	council_resolution r;
	council_meeting m;
	gz_err rc = passed_resolution(s, u, resolution_id, &r, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	council_entry_link have;
	link_load(s, resolution_id, "resolution", &have);
	if (have.entry_id)
		return gz_fail(e, GZ_E_CONFLICT, "id", "resolution %lld is already on the board (entry %lld): correct that entry",
			       (long long)resolution_id, (long long)have.entry_id);
	council_publication pub;
	if ((rc = council_resolution_publication(s, resolution_id, &pub, e)))
		return rc;
	const council_rule *rule = council_rule_of(m.type);
	/* The body says what was decided, where, when, by which meeting and under which rule. */
	size_t cap = strlen(pub.text) + strlen(r.rule) + strlen(r.quorum) + strlen(m.place_name) + strlen(m.title) + 512;
	char *body = malloc(cap);
	if (!body)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory publishing resolution %lld", (long long)resolution_id);
	snprintf(body, cap, "%s，%s召开%s「%s」，作出决议如下：\n%s\n\n表决：%s\n到会：%s", pub.date, m.place_name,
		 rule ? rule->name : m.type, m.title, pub.text, r.rule, r.quorum);
	rc = publish(s, u, &r, &m, "resolution", "【决议公开】", body, now, out, e);
	free(body);
	return rc;
}

struct result_body {
	char *buf;
	size_t len, cap;
};

static int add_case_line(void *ctx, const council_work_case *w)
{
	struct result_body *b = ctx;
	if (!w->visible)
		return 0;
	int k = snprintf(b->buf + b->len, b->cap - b->len, "\n· %s（查询码 %s）：%s", w->title, w->tracking,
			 status_name(w->status));
	if (k > 0 && (size_t)k < b->cap - b->len)
		b->len += (size_t)k;
	return 0;
}

gz_err council_work_result(store *s, const gz_user *u, int64_t resolution_id, const char *text, int64_t now,
			   council_entry_link *out, gz_error *e)
{
	council_resolution r;
	council_meeting m;
	gz_err rc = passed_resolution(s, u, resolution_id, &r, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	if ((rc = may_work(u, e)) || (rc = gz_text_check_lines("text", text, 1, COUNCIL_RESULT_MAX, e)))
		return rc;
	council_entry_link pub, res;
	link_load(s, resolution_id, "resolution", &pub);
	link_load(s, resolution_id, "result", &res);
	if (!pub.entry_id)
		return gz_fail(e, GZ_E_CONFLICT, "id", "resolution %lld is not on the board yet: publish it first",
			       (long long)resolution_id);
	if (res.entry_id)
		return gz_fail(e, GZ_E_CONFLICT, "id",
			       "the result of resolution %lld is already on the board (entry %lld): correct that entry",
			       (long long)resolution_id, (long long)res.entry_id);
	char date[11];
	gz_date_shanghai(r.decided_at, date);
	/* 30 cases of at most 100 characters each, their codes and status, after the text. */
	struct result_body b = {.cap = strlen(text) + strlen(m.title) + 256 + COUNCIL_WORK_CASES_MAX * (CASE_TITLE_MAX * 4 + 96)};
	if (!(b.buf = malloc(b.cap)))
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory publishing a result");
	int k = snprintf(b.buf, b.cap, "%s\n\n实施的决议：%s「%s」决议（公开栏第%lld号）", text, date, m.title, (long long)pub.seq);
	b.len = k > 0 ? (size_t)k : 0;
	int64_t ncases = cases_of(s, resolution_id);
	if (ncases) {
		k = snprintf(b.buf + b.len, b.cap - b.len, "\n落实事项：");
		b.len += k > 0 ? (size_t)k : 0;
		if ((rc = council_work_cases(s, u, resolution_id, add_case_line, &b, e))) {
			free(b.buf);
			return rc;
		}
	}
	rc = publish(s, u, &r, &m, "result", "【实施结果公开】", b.buf, now, out, e);
	free(b.buf);
	return rc;
}
