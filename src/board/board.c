/* board.c — the public board's rules: publication and correction, the hash chain and its
 * verification, Art. 30's schedule, and the 四议两公开 procedure with its vote rules. No HTTP. */
#include "board/board.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"
#include "core/util.h"
#include "council/council.h"
#include "places/places.h"

const char *const board_categories[] = {"party",  "village", "finance", "procedure", "resolution",
					"briefing", "policy", "supervision", NULL};
const char *const board_steps[] = {"",        "proposal", "consultation", "review", "resolution",
				   "publish", "result",   NULL};
const char *const board_meetings[] = {"committees", "party", "representatives", "villagers", NULL};

/* Chinese names of the steps, for the entries the 公开 steps publish. */
static const char *const step_names[] = {"", "党支部提议", "两委商议", "党员大会审议", "决议", "决议公开", "实施结果公开"};

static const char ZERO_HASH[BOARD_HASH_HEX + 1] = "0000000000000000000000000000000000000000000000000000000000000000";

int board_word(const char *const *list, const char *w)
{
	if (!w)
		return -1;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], w))
			return i;
	return -1;
}

bool board_is_community(const char *code)
{
	return strlen(code) == 12 && atoi(code + 9) < 200;
}

/* A required text: missing (NULL) is GZ_E_MISSING_FIELD, otherwise the shared checks. */
static gz_err text_req(const char *field, const char *v, size_t max, bool lines, gz_error *e)
{
	if (!v)
		return gz_fail(e, GZ_E_MISSING_FIELD, field, "field \"%s\" is required", field);
	return lines ? gz_text_check_lines(field, v, 1, max, e) : gz_text_check(field, v, 1, max, e);
}

/* The village-level place code must name a place in the caller's scope (u NULL: any). */
static gz_err village_or_fail(store *s, const gz_user *u, const char *code, const char *field, place *p, gz_error *e)
{
	if (!code || places_level_of(code) == PL_NONE)
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "place code \"%s\" is not a place code", code ? code : "");
	if ((u && !scope_contains(u->scope, code)) || places_get(s, code, p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, field, "place \"%s\" not found", code);
	if (p->level != PL_VILLAGE)
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "a board belongs to a village or community, not to \"%s\"", p->name);
	return GZ_OK;
}

static bool valid_date(const char *d)
{
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-' || !gz_all_digits(d, 4) || !gz_all_digits(d + 5, 2) ||
	    !gz_all_digits(d + 8, 2))
		return false;
	int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1950 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && day == 29 && !leap);
}

/* A disclosure period: "YYYY", "YYYY-MM" or "YYYY-Qn". */
static bool valid_period(const char *p)
{
	size_t n = strlen(p);
	if (n < 4 || !gz_all_digits(p, 4) || atoi(p) < 1950)
		return false;
	if (n == 4)
		return true;
	if (n == 7 && p[4] == '-' && gz_all_digits(p + 5, 2))
		return atoi(p + 5) >= 1 && atoi(p + 5) <= 12;
	return n == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4';
}

/* --- the hash ------------------------------------------------------------------------------ */

static void feed(crypto_generichash_state *h, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_generichash_update(h, len, sizeof len);
	if (n)
		crypto_generichash_update(h, (const unsigned char *)v, n);
}

static void feed_int(crypto_generichash_state *h, int64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)v);
	feed(h, b);
}

void board_hash(const board_entry *en, char *out)
{
	crypto_generichash_state h;
	unsigned char d[32];
	crypto_generichash_init(&h, NULL, 0, sizeof d);
	feed(&h, "gongzhi board entry v1");
	feed(&h, en->place_code);
	feed_int(&h, en->seq);
	feed(&h, en->category);
	feed(&h, en->title);
	feed(&h, en->body);
	feed(&h, en->period);
	feed(&h, en->attachment);
	feed_int(&h, en->corrects);
	feed(&h, en->reason);
	feed_int(&h, en->procedure_id);
	feed_int(&h, en->procedure_step);
	feed_int(&h, en->case_id);
	/* Only entries that name a resolution feed it, so the entries hashed before the field
	 * existed keep their hashes (the fields are length-prefixed: the two sequences cannot meet). */
	if (en->resolution_id) {
		feed(&h, "resolution");
		feed_int(&h, en->resolution_id);
	}
	feed(&h, en->publisher);
	feed(&h, en->publisher_name);
	feed(&h, en->publisher_role);
	feed_int(&h, en->published_at);
	feed(&h, en->prev_hash);
	crypto_generichash_final(&h, d, sizeof d);
	sodium_bin2hex(out, BOARD_HASH_HEX + 1, d, sizeof d);
}

/* --- entries ------------------------------------------------------------------------------- */

#define ENTRY_COLS                                                                                               \
	"e.id, e.seq, e.place_code, coalesce(p.name, ''), e.category, e.title, e.body, e.period, e.attachment,"  \
	" coalesce(e.corrects, 0), e.reason, coalesce(e.procedure_id, 0), coalesce(e.procedure_step, 0),"         \
	" coalesce(e.case_id, 0), e.publisher, e.publisher_name, e.publisher_role, e.published_at, e.prev_hash," \
	" e.hash, coalesce((SELECT c.id FROM board_entries c WHERE c.corrects = e.id), 0), coalesce(e.resolution_id, 0)"
#define ENTRY_FROM " FROM board_entries e LEFT JOIN places p ON p.level = 5 AND p.code = e.place_code"

static void entry_from_row(sqlite3_stmt *st, board_entry *en)
{
	en->id = sqlite3_column_int64(st, 0);
	en->seq = sqlite3_column_int64(st, 1);
	en->place_code = store_col_text(st, 2);
	en->place_name = store_col_text(st, 3);
	en->category = store_col_text(st, 4);
	en->title = store_col_text(st, 5);
	en->body = store_col_text(st, 6);
	en->period = store_col_text(st, 7);
	en->attachment = store_col_text(st, 8);
	en->corrects = sqlite3_column_int64(st, 9);
	en->reason = store_col_text(st, 10);
	en->procedure_id = sqlite3_column_int64(st, 11);
	en->procedure_step = sqlite3_column_int(st, 12);
	en->case_id = sqlite3_column_int64(st, 13);
	en->publisher = store_col_text(st, 14);
	en->publisher_name = store_col_text(st, 15);
	en->publisher_role = store_col_text(st, 16);
	en->published_at = sqlite3_column_int64(st, 17);
	en->prev_hash = store_col_text(st, 18);
	en->hash = store_col_text(st, 19);
	en->corrected_by = sqlite3_column_int64(st, 20);
	en->resolution_id = sqlite3_column_int64(st, 21);
}

/* Append an entry to its place's chain; the fields of en other than id/seq/hashes are the
 * caller's. Runs inside the write. */
static gz_err chain_append(store *s, board_entry *en, char *hash_out, gz_error *e)
{
	char prev[BOARD_HASH_HEX + 1];
	sqlite3_stmt *st = store_stmt(s, "SELECT seq, hash FROM board_heads WHERE place_code = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the board's head");
	sqlite3_bind_text(st, 1, en->place_code, -1, SQLITE_TRANSIENT);
	int64_t seq = 0;
	gz_strlcpy(prev, ZERO_HASH, sizeof prev);
	if (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		gz_strlcpy(prev, store_col_text(st, 1), sizeof prev);
	}
	sqlite3_reset(st);
	en->seq = seq + 1;
	en->prev_hash = prev;
	char hash[BOARD_HASH_HEX + 1];
	board_hash(en, hash);
	en->hash = hash;
	st = store_stmt(s, "INSERT INTO board_entries(place_code, seq, category, title, body, period, attachment, corrects,"
			   " reason, procedure_id, procedure_step, case_id, publisher, publisher_name, publisher_role,"
			   " published_at, prev_hash, hash, resolution_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
			   " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot publish an entry");
	sqlite3_bind_text(st, 1, en->place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, en->seq);
	sqlite3_bind_text(st, 3, en->category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, en->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, en->body, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, en->period, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, en->attachment, -1, SQLITE_TRANSIENT);
	if (en->corrects)
		sqlite3_bind_int64(st, 8, en->corrects);
	sqlite3_bind_text(st, 9, en->reason, -1, SQLITE_TRANSIENT);
	if (en->procedure_id)
		sqlite3_bind_int64(st, 10, en->procedure_id);
	if (en->procedure_step)
		sqlite3_bind_int(st, 11, en->procedure_step);
	if (en->case_id)
		sqlite3_bind_int64(st, 12, en->case_id);
	sqlite3_bind_text(st, 13, en->publisher, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 14, en->publisher_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 15, en->publisher_role, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 16, en->published_at);
	sqlite3_bind_text(st, 17, en->prev_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 18, en->hash, -1, SQLITE_TRANSIENT);
	if (en->resolution_id)
		sqlite3_bind_int64(st, 19, en->resolution_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "publishing an entry");
	en->id = sqlite3_last_insert_rowid(store_db(s));
	st = store_stmt(s, "INSERT INTO board_heads(place_code, seq, hash, updated_at) VALUES(?1, ?2, ?3, ?4)"
			   " ON CONFLICT(place_code) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
			   " updated_at = excluded.updated_at");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot move the board's head");
	sqlite3_bind_text(st, 1, en->place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, en->seq);
	sqlite3_bind_text(st, 3, en->hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, en->published_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "moving the board's head");
	if (hash_out)
		gz_strlcpy(hash_out, hash, BOARD_HASH_HEX + 1);
	en->prev_hash = en->hash = NULL; /* they pointed at this frame */
	return GZ_OK;
}

static const char *display_of(const gz_user *u)
{
	return *u->display_name ? u->display_name : u->username;
}

gz_err board_publish(store *s, const gz_user *u, const board_new *in, int64_t now, int64_t *id_out, int64_t *seq_out,
		     char *hash_out, gz_error *e)
{
	gz_err rc;
	place p;
	if ((rc = village_or_fail(s, u, in->place_code, "place_code", &p, e)))
		return rc;
	if (board_word(board_categories, in->category) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "category", "category \"%s\" is not one of party, village, finance,"
				" procedure, resolution, briefing, policy, supervision", in->category ? in->category : "");
	if (!strcmp(in->category, "procedure") && in->corrects)
		return gz_fail(e, GZ_E_CONFLICT, "corrects", "entry %lld belongs to a 四议两公开 procedure: its steps are its record",
			       (long long)in->corrects);
	if (!strcmp(in->category, "procedure"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "category",
			       "procedure entries are published by the 公开 steps of a 四议两公开 procedure");
	bool supervision = !strcmp(in->category, "supervision");
	if (u->role == ROLE_SUPERVISOR && !supervision)
		return gz_fail(e, GZ_E_FORBIDDEN, "category", "the supervision committee publishes its own reports"
				" (category supervision), not \"%s\"", in->category);
	if (supervision && u->role != ROLE_SUPERVISOR && u->role != ROLE_ADMIN)
		return gz_fail(e, GZ_E_FORBIDDEN, "category", "only the supervision committee publishes under supervision");
	if (!(u->role & BOARD_PUBLISH_ROLES))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not publish on the board");
	if ((rc = text_req("title", in->title, BOARD_TITLE_MAX, false, e)) ||
	    (rc = text_req("body", in->body, BOARD_BODY_MAX, true, e)) ||
	    (in->attachment && (rc = gz_text_check("attachment", in->attachment, 0, BOARD_ATTACH_MAX, e))))
		return rc;
	if (in->period && *in->period && !valid_period(in->period))
		return gz_fail(e, GZ_E_INVALID_VALUE, "period", "period \"%s\" is not YYYY, YYYY-MM or YYYY-Qn", in->period);
	int64_t resolution_id = in->resolution_id;
	if (resolution_id && (strcmp(in->category, "resolution") || resolution_id < 0))
		return gz_fail(e, GZ_E_INVALID_VALUE, "resolution_id", "only a resolution entry names a resolution");
	if (in->case_id) {
		case_rec c;
		if ((rc = cases_get(s, u, in->case_id, now, &c, NULL)))
			return gz_fail(e, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)in->case_id);
		bool same = !strncmp(c.place_code, in->place_code, 12);
		case_free(&c);
		if (!same)
			return gz_fail(e, GZ_E_INVALID_VALUE, "case_id", "case %lld is not a question of \"%s\"",
				       (long long)in->case_id, p.name);
	}
	if (in->corrects) {
		if ((rc = text_req("reason", in->reason, BOARD_REASON_MAX, true, e)))
			return rc;
		sqlite3_stmt *st = store_stmt(s, "SELECT place_code, category, (SELECT count(*) FROM board_entries c"
						 " WHERE c.corrects = e.id), coalesce(resolution_id, 0) FROM board_entries e WHERE id = ?1");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the corrected entry");
		sqlite3_bind_int64(st, 1, in->corrects);
		char cat[16] = "", at[GZ_CODE_MAX + 1] = "";
		int64_t taken = 0;
		if (sqlite3_step(st) == SQLITE_ROW) {
			gz_strlcpy(at, store_col_text(st, 0), sizeof at);
			gz_strlcpy(cat, store_col_text(st, 1), sizeof cat);
			taken = sqlite3_column_int64(st, 2);
			if (sqlite3_column_int64(st, 3))
				resolution_id = sqlite3_column_int64(st, 3); /* a correction names what it corrects */
		}
		sqlite3_reset(st);
		if (!*at || !scope_contains(u->scope, at))
			return gz_fail(e, GZ_E_NOT_FOUND, "corrects", "entry %lld not found", (long long)in->corrects);
		if (strcmp(at, in->place_code) || strcmp(cat, in->category))
			return gz_fail(e, GZ_E_INVALID_VALUE, "corrects",
				       "a correction keeps the place and category of entry %lld", (long long)in->corrects);
		if (!strcmp(cat, "procedure"))
			return gz_fail(e, GZ_E_CONFLICT, "corrects", "entry %lld belongs to a 四议两公开 procedure", (long long)in->corrects);
		if (taken)
			return gz_fail(e, GZ_E_CONFLICT, "corrects",
				       "entry %lld was already corrected: correct the newest correction", (long long)in->corrects);
	} else if (in->reason && *in->reason) {
		return gz_fail(e, GZ_E_INVALID_VALUE, "reason", "a reason goes with a correction only");
	}
	board_entry en = {.place_code = in->place_code,
			  .category = in->category,
			  .title = in->title,
			  .body = in->body,
			  .period = in->period ? in->period : "",
			  .attachment = in->attachment ? in->attachment : "",
			  .corrects = in->corrects,
			  .reason = in->corrects ? in->reason : "",
			  .case_id = in->case_id,
			  .resolution_id = resolution_id,
			  .publisher = u->username,
			  .publisher_name = display_of(u),
			  .publisher_role = auth_role_word(u->role),
			  .published_at = now};
	if ((rc = chain_append(s, &en, hash_out, e)))
		return rc;
	if (id_out)
		*id_out = en.id;
	if (seq_out)
		*seq_out = en.seq;
	return GZ_OK;
}

gz_err board_entry_get(store *s, const gz_user *u, int64_t id, board_entry_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read an entry");
	sqlite3_bind_int64(st, 1, id);
	gz_err rc = GZ_E_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		board_entry en;
		entry_from_row(st, &en);
		if (!u || scope_contains(u->scope, en.place_code)) {
			fn(ctx, &en);
			rc = GZ_OK;
		}
	}
	sqlite3_reset(st);
	return rc ? gz_fail(e, rc, NULL, "entry %lld not found", (long long)id) : GZ_OK;
}

static gz_err step_entries(store *s, sqlite3_stmt *st, int limit, board_entry_visit fn, void *ctx, bool *more, gz_error *e)
{
	int n = 0, rc;
	*more = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		board_entry en;
		entry_from_row(st, &en);
		n++;
		if (fn(ctx, &en))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "listing entries");
}

gz_err board_entries(store *s, const board_filter *f, board_entry_visit fn, void *ctx, bool *more, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.place_code >= ?1 AND e.place_code < ?2"
					 " AND (?3 IS NULL OR e.category = ?3) AND e.id < ?4 ORDER BY e.id DESC LIMIT ?5");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list entries");
	store_bind_range(st, 1, &f->range);
	store_bind_text(st, 3, f->category);
	sqlite3_bind_int64(st, 4, f->before > 0 ? f->before : INT64_MAX);
	sqlite3_bind_int(st, 5, f->limit + 1);
	return step_entries(s, st, f->limit, fn, ctx, more, e);
}

/* The case an answer list is for: visible to u (the cases module's own rule), or for the public
 * the case of a tracking code (read aloud and typed: compared upper-cased). */
static gz_err answered_case(store *s, const gz_user *u, const board_case_filter *f, int64_t now, int64_t *id,
			    gz_error *e)
{
	case_rec c;
	gz_err rc;
	if (u) {
		if (f->case_id <= 0)
			return gz_fail(e, GZ_E_NOT_FOUND, NULL, "case %lld not found", (long long)f->case_id);
		rc = cases_get(s, u, f->case_id, now, &c, e);
	} else {
		rc = cases_get_tracking(s, f->tracking, &c, e);
	}
	if (rc)
		return rc;
	*id = c.id;
	case_free(&c);
	return GZ_OK;
}

gz_err board_case_answers(store *s, const gz_user *u, const board_case_filter *f, int64_t now, board_entry_visit fn,
			  void *ctx, bool *more, int64_t *case_out, gz_error *e)
{
	int64_t id;
	*more = false;
	gz_err rc = answered_case(s, u, f, now, &id, e);
	if (rc)
		return rc;
	if (case_out)
		*case_out = id;
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.case_id = ?1 AND e.id < ?2"
					 " ORDER BY e.id DESC LIMIT ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list the answers to a case");
	int limit = f->limit > 0 && f->limit <= BOARD_CASE_ANSWERS_MAX ? f->limit : BOARD_CASE_ANSWERS_MAX;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, f->before > 0 ? f->before : INT64_MAX);
	sqlite3_bind_int(st, 3, limit + 1);
	return step_entries(s, st, limit, fn, ctx, more, e);
}

/* --- verification ---------------------------------------------------------------------------- */

struct verifier {
	board_problem_visit fn;
	void *ctx;
	board_verify_stats *st;
};

static void problem(struct verifier *v, board_problem_kind kind, const char *code, int64_t seq, int64_t id, const char *what)
{
	v->st->problems++;
	if (v->fn) {
		board_problem p = {kind, code, seq, id, what};
		v->fn(v->ctx, &p);
	}
}

/* Compare the end of one place's chain (last seq and stored hash; 0 when it has no rows) with its
 * head (head_seq < 0: no head row). */
static void check_head(struct verifier *v, const char *code, int64_t last_seq, const char *last_hash, int64_t head_seq,
		       const char *head_hash)
{
	char what[160];
	if (head_seq < 0) {
		if (last_seq > 0)
			problem(v, BOARD_INSERTED, code, 1, 0, "entries exist but the board has no head");
		return;
	}
	if (head_seq > last_seq) {
		snprintf(what, sizeof what, "entries %lld to %lld are missing at the end of the chain",
			 (long long)last_seq + 1, (long long)head_seq);
		problem(v, BOARD_DELETED, code, last_seq + 1, 0, what);
	} else if (head_seq < last_seq) {
		snprintf(what, sizeof what, "entries %lld to %lld lie beyond the head of the chain",
			 (long long)head_seq + 1, (long long)last_seq);
		problem(v, BOARD_INSERTED, code, head_seq + 1, 0, what);
	} else if (strcmp(head_hash, last_hash)) {
		problem(v, BOARD_CHANGED, code, last_seq, 0, "the newest entry's hash differs from the head's");
	}
}

gz_err board_verify(store *s, const gz_range *range, board_problem_visit fn, void *ctx, board_verify_stats *stats,
		    gz_error *e)
{
	memset(stats, 0, sizeof *stats);
	struct verifier v = {fn, ctx, stats};
	/* Every place that has a head or entries, with its head (seq -1 when none). */
	sqlite3_stmt *places = store_stmt(
		s, "SELECT code, coalesce((SELECT seq FROM board_heads h WHERE h.place_code = code), -1),"
		   " coalesce((SELECT hash FROM board_heads h WHERE h.place_code = code), '') FROM"
		   " (SELECT place_code AS code FROM board_heads WHERE place_code >= ?1 AND place_code < ?2 UNION"
		   "  SELECT DISTINCT place_code FROM board_entries WHERE place_code >= ?1 AND place_code < ?2) ORDER BY code");
	sqlite3_stmt *rows = store_stmt(s, "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.place_code = ?1 ORDER BY e.seq");
	if (!places || !rows)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot verify the board");
	store_bind_range(places, 1, range);
	int rc;
	while ((rc = sqlite3_step(places)) == SQLITE_ROW) {
		char code[GZ_CODE_MAX + 1], head_hash[BOARD_HASH_HEX + 1];
		gz_strlcpy(code, store_col_text(places, 0), sizeof code);
		int64_t head_seq = sqlite3_column_int64(places, 1);
		gz_strlcpy(head_hash, store_col_text(places, 2), sizeof head_hash);
		stats->places++;
		char expect_prev[BOARD_HASH_HEX + 1], last_hash[BOARD_HASH_HEX + 1] = "";
		gz_strlcpy(expect_prev, ZERO_HASH, sizeof expect_prev);
		int64_t expect_seq = 1, last_seq = 0;
		sqlite3_bind_text(rows, 1, code, -1, SQLITE_TRANSIENT);
		int r2;
		while ((r2 = sqlite3_step(rows)) == SQLITE_ROW) {
			board_entry en;
			entry_from_row(rows, &en);
			stats->entries++;
			char h[BOARD_HASH_HEX + 1], what[200];
			board_hash(&en, h);
			if (strcmp(h, en.hash))
				problem(&v, BOARD_CHANGED, code, en.seq, en.id,
					"its content or metadata no longer match its hash");
			if (en.seq > expect_seq) {
				if (en.seq == expect_seq + 1)
					snprintf(what, sizeof what, "entry %lld is missing before entry %lld", (long long)expect_seq,
						 (long long)en.seq);
				else
					snprintf(what, sizeof what, "entries %lld to %lld are missing before entry %lld",
						 (long long)expect_seq, (long long)en.seq - 1, (long long)en.seq);
				problem(&v, BOARD_DELETED, code, expect_seq, 0, what);
			} else if (en.seq < expect_seq) {
				problem(&v, BOARD_INSERTED, code, en.seq, en.id, "its sequence number repeats");
			} else if (strcmp(en.prev_hash, expect_prev)) {
				problem(&v, BOARD_INSERTED, code, en.seq, en.id,
					"it does not link to the entry before it: inserted or replaced");
			}
			gz_strlcpy(expect_prev, en.hash, sizeof expect_prev);
			gz_strlcpy(last_hash, en.hash, sizeof last_hash);
			last_seq = en.seq;
			expect_seq = en.seq + 1;
		}
		sqlite3_reset(rows);
		if (r2 != SQLITE_DONE) {
			sqlite3_reset(places);
			return store_fail(s, r2, e, "verifying the board");
		}
		check_head(&v, code, last_seq, last_hash, head_seq, head_hash);
		gz_strlcpy(stats->head_hash, head_seq >= 0 ? head_hash : "", sizeof stats->head_hash);
		stats->head_seq = head_seq > 0 ? head_seq : 0;
	}
	sqlite3_reset(places);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "verifying the board");
	if (stats->places != 1) {
		stats->head_hash[0] = '\0';
		stats->head_seq = 0;
	}
	return GZ_OK;
}

/* --- settings and schedule ------------------------------------------------------------------ */

static const int prefix_lens[] = {2, 4, 6, 9, 12};

static void bind_prefixes(sqlite3_stmt *st, const char *code)
{
	size_t n = strlen(code);
	sqlite3_bind_text(st, 1, "", 0, SQLITE_STATIC);
	for (int i = 0; i < 5; i++)
		if (n >= (size_t)prefix_lens[i])
			sqlite3_bind_text(st, i + 2, code, prefix_lens[i], SQLITE_TRANSIENT);
}

void board_settings_of(store *s, const char *code, board_settings *out)
{
	bool community = board_is_community(code);
	*out = (board_settings){.art30 = !community, .finance_frequent = false, .general_months = 3, .major_days = 3};
	sqlite3_stmt *st = store_stmt(s, "SELECT place_code, art30, finance_frequent, general_months, major_days FROM"
					 " board_settings WHERE place_code IN (?2, ?3, ?4, ?5, ?6)"
					 " ORDER BY length(place_code) DESC LIMIT 1");
	if (!st)
		return;
	bind_prefixes(st, code);
	if (sqlite3_step(st) == SQLITE_ROW) {
		gz_strlcpy(out->set_at, store_col_text(st, 0), sizeof out->set_at);
		/* A setting above the village level decides only for its villages where it says
		 * nothing of communities: the urban law has no frequency, so art30 of a county row
		 * applies to communities only when set at the community itself. */
		if (strlen(out->set_at) == 12 || !community)
			out->art30 = sqlite3_column_int(st, 1);
		out->finance_frequent = sqlite3_column_int(st, 2);
		out->general_months = sqlite3_column_int(st, 3);
		out->major_days = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
}

gz_err board_settings_set(store *s, const gz_user *u, const char *code, const board_settings *in, int64_t now, gz_error *e)
{
	place p;
	if (!code || places_level_of(code) == PL_NONE || places_level_of(code) > PL_VILLAGE || !scope_contains(u->scope, code) ||
	    places_get(s, code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "place \"%s\" not found", code ? code : "");
	if (in->general_months != 1 && in->general_months != 2 && in->general_months != 3)
		return gz_fail(e, GZ_E_INVALID_VALUE, "general_months",
			       "general_months must be 1, 2 or 3 (Art. 30: at least quarterly)");
	if (in->major_days < 1 || in->major_days > 30)
		return gz_fail(e, GZ_E_INVALID_VALUE, "major_days", "major_days must be 1 to 30");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO board_settings VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
					 " ON CONFLICT(place_code) DO UPDATE SET art30 = excluded.art30,"
					 " finance_frequent = excluded.finance_frequent, general_months = excluded.general_months,"
					 " major_days = excluded.major_days, updated_by = excluded.updated_by,"
					 " updated_at = excluded.updated_at");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot save the board settings");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, in->art30);
	sqlite3_bind_int(st, 3, in->finance_frequent);
	sqlite3_bind_int(st, 4, in->general_months);
	sqlite3_bind_int(st, 5, in->major_days);
	sqlite3_bind_text(st, 6, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "saving the board settings");
}

/* The first day of the period of `months` months after the one that follows the period holding
 * date (YYYY-MM-DD): one publication per period, so a place whose last one fell in period P is
 * late from the start of P+2. Periods are aligned to the calendar year (quarters for 3). */
static void late_from(const char *date, int months, char out[11])
{
	int y = atoi(date), m = atoi(date + 5) - 1;
	int idx = (y * 12 + m) / months + 2;
	int start = idx * months;
	char b[32];
	snprintf(b, sizeof b, "%04d-%02d-01", start / 12, start % 12 + 1);
	gz_strlcpy(out, b, 11);
}

/* Add days to a YYYY-MM-DD date. */
static void add_days(const char *date, int days, char out[11])
{
	struct tm t = {.tm_year = atoi(date) - 1900, .tm_mon = atoi(date + 5) - 1, .tm_mday = atoi(date + 8) + days, .tm_hour = 12};
	time_t x = timegm(&t);
	struct tm r;
	gmtime_r(&x, &r);
	char b[48];
	snprintf(b, sizeof b, "%04d-%02d-%02d", r.tm_year + 1900, r.tm_mon + 1, r.tm_mday);
	gz_strlcpy(out, b, 11);
}

/* The Shanghai date of the newest entry of a category set at a place ("" when none). */
static void last_date(store *s, const char *code, bool finance, char out[11])
{
	sqlite3_stmt *st =
		finance ? store_stmt(s, "SELECT max(published_at) FROM board_entries WHERE place_code = ?1 AND category = 'finance'")
			: store_stmt(s, "SELECT max(published_at) FROM board_entries WHERE place_code = ?1 AND category IN"
					" ('village', 'procedure', 'resolution', 'briefing')");
	out[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		gz_date_shanghai(sqlite3_column_int64(st, 0), out);
	sqlite3_reset(st);
}

gz_err board_schedule(store *s, const gz_range *range, const char *today, const char *after, int scan,
		      board_late_visit fn, void *ctx, char *next_after, gz_error *e)
{
	next_after[0] = '\0';
	sqlite3_stmt *st = store_stmt(s, "SELECT code, name FROM places WHERE level = 5 AND code >= ?1 AND code < ?2"
					 " AND code > ?3 ORDER BY code LIMIT ?4");
	sqlite3_stmt *maj = store_stmt(
		s, "SELECT p.id, p.title, r.held_on FROM board_procedures p JOIN board_steps r ON r.procedure_id = p.id"
		   " AND r.step = 4 AND r.passed = 1 WHERE p.place_code = ?1 AND p.next_step = 5 ORDER BY p.id");
	if (!st || !maj)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot check the schedule");
	store_bind_range(st, 1, range);
	sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, scan + 1);
	/* The places are copied out first: the checks below run their own statements. */
	typedef struct {
		char code[GZ_CODE_MAX + 1];
		char name[PLACE_NAME_MAX * 4 + 1];
	} pl;
	pl *list = malloc(sizeof(pl) * (size_t)(scan > 0 ? scan : 1));
	if (!list) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory checking the schedule");
	}
	int n = 0, rc;
	bool more = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == scan) {
			more = true;
			break;
		}
		gz_strlcpy(list[n].code, store_col_text(st, 0), sizeof list[n].code);
		gz_strlcpy(list[n].name, store_col_text(st, 1), sizeof list[n].name);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(list);
		return store_fail(s, rc, e, "checking the schedule");
	}
	for (int i = 0; i < n; i++) {
		board_settings set;
		board_settings_of(s, list[i].code, &set);
		if (!set.art30)
			continue;
		board_late l = {.place_code = list[i].code, .place_name = list[i].name};
		char last[11], since[11];
		for (int fin = 0; fin < 2; fin++) {
			last_date(s, list[i].code, fin, last);
			int months = fin && set.finance_frequent ? 1 : set.general_months;
			l.item = fin ? "finance" : "general";
			l.last = last;
			if (!*last) {
				l.since = "";
				fn(ctx, &l);
				continue;
			}
			late_from(last, months, since);
			if (strcmp(today, since) >= 0) {
				l.since = since;
				fn(ctx, &l);
			}
		}
		sqlite3_bind_text(maj, 1, list[i].code, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(maj) == SQLITE_ROW) {
			char held[11];
			gz_strlcpy(held, store_col_text(maj, 2), sizeof held);
			add_days(held, set.major_days + 1, since);
			if (strcmp(today, since) < 0)
				continue;
			board_late m = {.place_code = list[i].code, .place_name = list[i].name, .item = "major", .last = held,
					.since = since, .procedure_id = sqlite3_column_int64(maj, 0),
					.title = store_col_text(maj, 1)};
			fn(ctx, &m);
		}
		sqlite3_reset(maj);
	}
	if (more && n > 0)
		gz_strlcpy(next_after, list[n - 1].code, GZ_CODE_MAX + 1);
	free(list);
	return GZ_OK;
}

/* --- vote rules ---------------------------------------------------------------------------- */

bool board_law_rule(const char *meeting, bool households, board_rule *out)
{
	const char *type = !meeting ? NULL
			   : !strcmp(meeting, "representatives") ? "village_reps"
			   : !strcmp(meeting, "villagers")       ? "village_assembly"
								 : NULL;
	const council_rule *cr = council_rule_of(type);
	if (!cr)
		return false;
	/* A villagers' meeting: adults (the first alternative) or households (the second). */
	int alt = households && cr->nquorum > 1 ? 1 : 0;
	const council_threshold *q = &cr->quorum[alt];
	memset(out, 0, sizeof *out);
	gz_strlcpy(out->meeting, meeting, sizeof out->meeting);
	out->quorum_num = q->num;
	out->quorum_den = q->den;
	out->quorum_strict = !q->inclusive;
	out->pass_num = cr->decision.num;
	out->pass_den = cr->decision.den;
	out->pass_strict = !cr->decision.inclusive;
	out->pass_of_due = false; /* the decision counts those present (CB_PRESENT) */
	snprintf(out->source, sizeof out->source, "《%s》%s：%s，所作决定%s%s", cr->law, cr->article, cr->quorum_text,
		 cr->decision_text, cr->nquorum > 1 ? (alt ? "（按户计：应到、实到为户数）" : "（按十八周岁以上村民计）") : "");
	out->law = true;
	return true;
}

gz_err board_rule_of(store *s, const char *code, const char *meeting, board_rule *out, gz_error *e)
{
	memset(out, 0, sizeof *out);
	if (board_word(board_meetings, meeting) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "meeting", "meeting \"%s\" is not one of committees, party,"
				" representatives, villagers", meeting ? meeting : "");
	if (board_law_rule(meeting, false, out))
		return GZ_OK;
	sqlite3_stmt *st = store_stmt(s, "SELECT place_code, quorum_num, quorum_den, quorum_strict, pass_num, pass_den,"
					 " pass_strict, pass_of_due, source FROM board_rules WHERE meeting = ?7 AND"
					 " place_code IN (?1, ?2, ?3, ?4, ?5, ?6) ORDER BY length(place_code) DESC LIMIT 1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the vote rules");
	bind_prefixes(st, code);
	sqlite3_bind_text(st, 7, meeting, -1, SQLITE_TRANSIENT);
	gz_err rc = gz_fail(e, GZ_E_INTERNAL, NULL, "no vote rule for meeting \"%s\"", meeting);
	if (sqlite3_step(st) == SQLITE_ROW) {
		gz_strlcpy(out->set_at, store_col_text(st, 0), sizeof out->set_at);
		gz_strlcpy(out->meeting, meeting, sizeof out->meeting);
		out->quorum_num = sqlite3_column_int(st, 1);
		out->quorum_den = sqlite3_column_int(st, 2);
		out->quorum_strict = sqlite3_column_int(st, 3);
		out->pass_num = sqlite3_column_int(st, 4);
		out->pass_den = sqlite3_column_int(st, 5);
		out->pass_strict = sqlite3_column_int(st, 6);
		out->pass_of_due = sqlite3_column_int(st, 7);
		gz_strlcpy(out->source, store_col_text(st, 8), sizeof out->source);
		rc = GZ_OK;
	}
	sqlite3_reset(st);
	return rc;
}

gz_err board_rule_set(store *s, const gz_user *u, const char *code, const board_rule *in, int64_t now, gz_error *e)
{
	place p;
	gz_err rc;
	if (!code || places_level_of(code) == PL_NONE || places_level_of(code) > PL_VILLAGE || !scope_contains(u->scope, code) ||
	    places_get(s, code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "place \"%s\" not found", code ? code : "");
	if (board_word(board_meetings, in->meeting) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "meeting", "meeting \"%s\" is not one of committees, party,"
				" representatives, villagers", in->meeting);
	board_rule law;
	if (board_law_rule(in->meeting, false, &law))
		return gz_fail(e, GZ_E_INVALID_VALUE, "meeting", "the rule of a %s meeting is the law's (%s), not a local setting",
			       in->meeting, law.source);
	/* The field at fault is named: a denominator out of its range, else the numerator. */
	if (in->quorum_den < 1 || in->quorum_den > 100)
		return gz_fail(e, GZ_E_INVALID_VALUE, "quorum_den", "the quorum's denominator must be 1 to 100");
	if (in->quorum_num < 0 || in->quorum_num > in->quorum_den)
		return gz_fail(e, GZ_E_INVALID_VALUE, "quorum_num", "the quorum must be a fraction from 0 to 1");
	if (in->pass_den < 1 || in->pass_den > 100)
		return gz_fail(e, GZ_E_INVALID_VALUE, "pass_den", "the majority's denominator must be 1 to 100");
	if (in->pass_num < 1 || in->pass_num > in->pass_den)
		return gz_fail(e, GZ_E_INVALID_VALUE, "pass_num", "the majority must be a fraction above 0 and at most 1");
	if ((rc = text_req("source", in->source, BOARD_RULE_SOURCE_MAX, false, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO board_rules VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
					 " ON CONFLICT(place_code, meeting) DO UPDATE SET quorum_num = excluded.quorum_num,"
					 " quorum_den = excluded.quorum_den, quorum_strict = excluded.quorum_strict,"
					 " pass_num = excluded.pass_num, pass_den = excluded.pass_den,"
					 " pass_strict = excluded.pass_strict, pass_of_due = excluded.pass_of_due,"
					 " source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot save the vote rule");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, in->meeting, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, in->quorum_num);
	sqlite3_bind_int(st, 4, in->quorum_den);
	sqlite3_bind_int(st, 5, in->quorum_strict);
	sqlite3_bind_int(st, 6, in->pass_num);
	sqlite3_bind_int(st, 7, in->pass_den);
	sqlite3_bind_int(st, 8, in->pass_strict);
	sqlite3_bind_int(st, 9, in->pass_of_due);
	sqlite3_bind_text(st, 10, in->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 12, now);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? GZ_OK : store_fail(s, r, e, "saving the vote rule");
}

/* a ⋛ num/den × b without division: a·den against num·b. */
static bool meets(int64_t a, int num, int den, int64_t b, bool strict)
{
	int64_t l = a * den, r = (int64_t)num * b;
	return strict ? l > r : l >= r;
}

gz_err board_rule_apply(const board_rule *r, const board_votes *v, bool *passed, gz_error *e)
{
	const int64_t max = BOARD_COUNT_MAX;
	if (v->due < 1 || v->due > max)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes.due", "due to attend must be 1 to %lld", (long long)max);
	if (v->present < 0 || v->present > v->due)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes.present", "present (%lld) must be 0 to the %lld due to attend",
			       (long long)v->present, (long long)v->due);
	if (v->votes_for < 0 || v->against < 0 || v->abstain < 0 || v->votes_for + v->against + v->abstain > v->present)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes.for",
			       "for, against and abstain (%lld + %lld + %lld) must not exceed the %lld present",
			       (long long)v->votes_for, (long long)v->against, (long long)v->abstain, (long long)v->present);
	if (!meets(v->present, r->quorum_num, r->quorum_den, v->due, r->quorum_strict))
		return gz_fail(e, GZ_E_QUORUM_NOT_MET, "votes.present",
			       "%lld of %lld present: the rule needs %s %d/%d (%s)", (long long)v->present, (long long)v->due,
			       r->quorum_strict ? "more than" : "at least", r->quorum_num, r->quorum_den, r->meeting);
	*passed = meets(v->votes_for, r->pass_num, r->pass_den, r->pass_of_due ? v->due : v->present, r->pass_strict);
	return GZ_OK;
}

/* --- 四议两公开 ------------------------------------------------------------------------------- */

struct proc_row {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1], status[12], title[BOARD_TITLE_MAX * 4 + 1], last_held[11];
	int next_step;
};

static gz_err proc_load(store *s, const gz_user *u, int64_t id, struct proc_row *p, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT place_code, status, title, next_step, (SELECT max(held_on) FROM board_steps"
					 " r WHERE r.procedure_id = p.id) FROM board_procedures p WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the procedure");
	sqlite3_bind_int64(st, 1, id);
	bool found = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->id = id;
		gz_strlcpy(p->place_code, store_col_text(st, 0), sizeof p->place_code);
		gz_strlcpy(p->status, store_col_text(st, 1), sizeof p->status);
		gz_strlcpy(p->title, store_col_text(st, 2), sizeof p->title);
		p->next_step = sqlite3_column_int(st, 3);
		gz_strlcpy(p->last_held, store_col_text(st, 4), sizeof p->last_held);
		found = !u || scope_contains(u->scope, p->place_code);
	}
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, NULL, "procedure %lld not found", (long long)id);
}

/* Check a step's own fields against the procedure's dates; today is the Shanghai date of now. */
static gz_err step_fields(const board_step_in *in, const char *last_held, int64_t now, gz_error *e)
{
	gz_err rc;
	char today[11];
	gz_date_shanghai(now, today);
	if (!valid_date(in->held_on))
		return gz_fail(e, GZ_E_INVALID_VALUE, "held_on", "date \"%s\" is not a valid YYYY-MM-DD", in->held_on ? in->held_on : "");
	if (strcmp(in->held_on, today) > 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "held_on", "date %s lies in the future", in->held_on);
	if (last_held && *last_held && strcmp(in->held_on, last_held) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "held_on", "date %s comes before the previous step (%s)", in->held_on, last_held);
	if ((rc = text_req("document", in->document, BOARD_BODY_MAX, true, e)) ||
	    (in->attachment && (rc = gz_text_check("attachment", in->attachment, 0, BOARD_ATTACH_MAX, e))))
		return rc;
	bool voting = in->step >= BOARD_STEP_CONSULT && in->step <= BOARD_STEP_RESOLVE;
	if (voting && !in->has_votes)
		return gz_fail(e, GZ_E_MISSING_FIELD, "votes", "step \"%s\" needs its vote record", board_steps[in->step]);
	if (!voting && in->has_votes)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "step \"%s\" has no vote", board_steps[in->step]);
	if (in->has_votes && in->votes.households && (in->step != BOARD_STEP_RESOLVE || !in->meeting || strcmp(in->meeting, "villagers")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes.households", "only a villagers' meeting is counted by households");
	if (in->step == BOARD_STEP_RESOLVE) {
		if (!in->meeting || (strcmp(in->meeting, "representatives") && strcmp(in->meeting, "villagers")))
			return gz_fail(e, GZ_E_INVALID_VALUE, "meeting", "the resolution is taken by representatives or villagers");
	} else if (in->meeting && *in->meeting) {
		return gz_fail(e, GZ_E_INVALID_VALUE, "meeting", "only the resolution step names its meeting");
	}
	return GZ_OK;
}

static gz_err step_insert(store *s, const gz_user *u, int64_t id, const board_step_in *in, const char *meeting, bool passed,
			  const char *source, int64_t entry, int64_t now, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO board_steps(procedure_id, step, held_on, document, attachment, meeting,"
					 " votes_for, against, abstain, present, due, passed, rule_source, entry_id, recorded_by,"
					 " recorded_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot record the step");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, in->step);
	sqlite3_bind_text(st, 3, in->held_on, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, in->document, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, in->attachment ? in->attachment : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, meeting ? meeting : "", -1, SQLITE_TRANSIENT);
	if (in->has_votes) {
		sqlite3_bind_int64(st, 7, in->votes.votes_for);
		sqlite3_bind_int64(st, 8, in->votes.against);
		sqlite3_bind_int64(st, 9, in->votes.abstain);
		sqlite3_bind_int64(st, 10, in->votes.present);
		sqlite3_bind_int64(st, 11, in->votes.due);
	}
	sqlite3_bind_int(st, 12, passed);
	sqlite3_bind_text(st, 13, source ? source : "", -1, SQLITE_TRANSIENT);
	if (entry)
		sqlite3_bind_int64(st, 14, entry);
	sqlite3_bind_text(st, 15, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 16, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "recording the step");
}

static gz_err proc_update(store *s, int64_t id, const char *status, int next, int64_t now, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE board_procedures SET status = ?2, next_step = ?3, updated_at = ?4 WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot update the procedure");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, next);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "updating the procedure");
}

gz_err board_procedure_create(store *s, const gz_user *u, const char *place_code, const char *title,
			      const board_step_in *proposal, int64_t now, int64_t *id_out, gz_error *e)
{
	gz_err rc;
	place p;
	if (!(u->role & BOARD_MANAGE_ROLES))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not run 四议两公开");
	if ((rc = village_or_fail(s, u, place_code, "place_code", &p, e)))
		return rc;
	if (board_is_community(place_code))
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "四议两公开 is a village's procedure, and \"%s\" is a community", p.name);
	if ((rc = text_req("title", title, BOARD_TITLE_MAX, false, e)))
		return rc;
	board_step_in in = *proposal;
	in.step = BOARD_STEP_PROPOSAL;
	if ((rc = step_fields(&in, NULL, now, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO board_procedures(place_code, title, status, next_step, created_by,"
					 " created_at, updated_at) VALUES(?1, ?2, 'open', 2, ?3, ?4, ?4)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot start the procedure");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return store_fail(s, r, e, "starting the procedure");
	int64_t id = sqlite3_last_insert_rowid(store_db(s));
	if ((rc = step_insert(s, u, id, &in, NULL, true, NULL, 0, now, e)))
		return rc;
	*id_out = id;
	return GZ_OK;
}

gz_err board_procedure_step(store *s, const gz_user *u, int64_t id, const board_step_in *in, int64_t now,
			    int64_t *entry_out, gz_error *e)
{
	gz_err rc;
	struct proc_row p;
	*entry_out = 0;
	if (!(u->role & BOARD_MANAGE_ROLES))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not run 四议两公开");
	if ((rc = proc_load(s, u, id, &p, e)))
		return rc;
	if (in->step < 1 || in->step > BOARD_STEPS)
		return gz_fail(e, GZ_E_INVALID_VALUE, "step", "step must be one of proposal, consultation, review, resolution,"
				" publish, result");
	if (!strcmp(p.status, "rejected"))
		return gz_fail(e, GZ_E_CONFLICT, "step", "procedure %lld ended: its vote at step \"%s\" did not pass",
			       (long long)id, board_steps[p.next_step]);
	if (!strcmp(p.status, "done"))
		return gz_fail(e, GZ_E_CONFLICT, "step", "procedure %lld is complete: its result was published", (long long)id);
	if (in->step < p.next_step)
		return gz_fail(e, GZ_E_CONFLICT, "step", "step \"%s\" was already recorded", board_steps[in->step]);
	if (in->step > p.next_step)
		return gz_fail(e, GZ_E_CONFLICT, "step", "step \"%s\" cannot come before \"%s\" (%s)", board_steps[in->step],
			       board_steps[p.next_step], step_names[p.next_step]);
	if ((rc = step_fields(in, p.last_held, now, e)))
		return rc;
	bool passed = true;
	board_rule rule = {0};
	const char *meeting = in->step == BOARD_STEP_CONSULT  ? "committees"
			      : in->step == BOARD_STEP_REVIEW ? "party"
			      : in->step == BOARD_STEP_RESOLVE ? in->meeting
							       : NULL;
	if (meeting) {
		/* The resolution step's rule is the law's, from council's table (a villagers' meeting
		 * counted by households takes Art. 22's second alternative). */
		if (!board_law_rule(meeting, in->votes.households, &rule) && (rc = board_rule_of(s, p.place_code, meeting, &rule, e)))
			return rc;
		if ((rc = board_rule_apply(&rule, &in->votes, &passed, e)))
			return rc;
	}
	int64_t entry = 0;
	if (in->step == BOARD_STEP_PUBLISH || in->step == BOARD_STEP_RESULT) {
		char title[BOARD_TITLE_MAX * 4 + 32];
		snprintf(title, sizeof title, "【%s】%s", step_names[in->step], p.title);
		/* The title may have grown past the limit: cut at a character boundary. */
		size_t chars = 0, i = 0, n = strlen(title);
		while (i < n && chars < BOARD_TITLE_MAX) {
			unsigned char c = (unsigned char)title[i];
			i += c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
			chars++;
		}
		title[i > n ? n : i] = '\0';
		board_entry en = {.place_code = p.place_code,
				  .category = "procedure",
				  .title = title,
				  .body = in->document,
				  .period = "",
				  .attachment = in->attachment ? in->attachment : "",
				  .reason = "",
				  .procedure_id = id,
				  .procedure_step = in->step,
				  .publisher = u->username,
				  .publisher_name = display_of(u),
				  .publisher_role = auth_role_word(u->role),
				  .published_at = now};
		if ((rc = chain_append(s, &en, NULL, e)))
			return rc;
		entry = en.id;
	}
	if ((rc = step_insert(s, u, id, in, meeting && in->step == BOARD_STEP_RESOLVE ? meeting : NULL, passed,
			      meeting ? rule.source : NULL, entry, now, e)))
		return rc;
	if (!passed)
		rc = proc_update(s, id, "rejected", in->step, now, e);
	else if (in->step == BOARD_STEP_RESULT)
		rc = proc_update(s, id, "done", 0, now, e);
	else
		rc = proc_update(s, id, "open", in->step + 1, now, e);
	if (rc)
		return rc;
	*entry_out = entry;
	return GZ_OK;
}

#define PROC_SELECT                                                                                         \
	"SELECT b.id, b.place_code, coalesce(p.name, ''), b.title, b.status, b.next_step, b.created_by,"    \
	" b.created_at, b.updated_at FROM board_procedures b LEFT JOIN places p ON p.level = 5 AND p.code = b.place_code"

static void proc_from_row(sqlite3_stmt *st, board_procedure *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->place_code = store_col_text(st, 1);
	p->place_name = store_col_text(st, 2);
	p->title = store_col_text(st, 3);
	p->status = store_col_text(st, 4);
	p->next_step = sqlite3_column_int(st, 5);
	p->created_by = store_col_text(st, 6);
	p->created_at = sqlite3_column_int64(st, 7);
	p->updated_at = sqlite3_column_int64(st, 8);
}

gz_err board_procedure_get(store *s, const gz_user *u, int64_t id, board_procedure_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, PROC_SELECT " WHERE b.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the procedure");
	sqlite3_bind_int64(st, 1, id);
	bool found = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		board_procedure p;
		proc_from_row(st, &p);
		if ((found = !u || scope_contains(u->scope, p.place_code)))
			fn(ctx, &p);
	}
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, NULL, "procedure %lld not found", (long long)id);
}

gz_err board_procedure_steps(store *s, int64_t id, board_step_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT step, held_on, document, attachment, meeting, rule_source, recorded_by,"
					 " votes_for IS NOT NULL, passed, coalesce(votes_for, 0), coalesce(against, 0),"
					 " coalesce(abstain, 0), coalesce(present, 0), coalesce(due, 0), coalesce(entry_id, 0),"
					 " recorded_at FROM board_steps WHERE procedure_id = ?1 ORDER BY step");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the steps");
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		board_step x = {.step = sqlite3_column_int(st, 0),
				.held_on = store_col_text(st, 1),
				.document = store_col_text(st, 2),
				.attachment = store_col_text(st, 3),
				.meeting = store_col_text(st, 4),
				.rule_source = store_col_text(st, 5),
				.recorded_by = store_col_text(st, 6),
				.has_votes = sqlite3_column_int(st, 7),
				.passed = sqlite3_column_int(st, 8),
				.votes = {sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11),
					  sqlite3_column_int64(st, 12), sqlite3_column_int64(st, 13)},
				.entry_id = sqlite3_column_int64(st, 14),
				.recorded_at = sqlite3_column_int64(st, 15)};
		if (fn(ctx, &x))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the steps");
}

gz_err board_procedures(store *s, const gz_range *range, int64_t before, int limit, board_procedure_visit fn, void *ctx,
			bool *more, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, PROC_SELECT " WHERE b.place_code >= ?1 AND b.place_code < ?2 AND b.id < ?3"
						    " ORDER BY b.id DESC LIMIT ?4");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot list procedures");
	store_bind_range(st, 1, range);
	sqlite3_bind_int64(st, 3, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(st, 4, limit + 1);
	int n = 0, rc;
	*more = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		board_procedure p;
		proc_from_row(st, &p);
		n++;
		if (fn(ctx, &p))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "listing procedures");
}
