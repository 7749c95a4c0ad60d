/* council_recall.c — recall of a villagers' committee member (罢免, 村民委员会组织法 第十六条):
 * the petition (at least 1/5 of the registered voters or at least 1/3 of the representatives)
 * and the tellers' count (valid when more than half of the registered voters vote; passed when
 * more than half of those voting approve). No HTTP here (council_http.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "council/council.h"
#include "places/places.h"

const council_recall_rules council_recall_rule = {
	.by_voters = {CB_MEMBERS, 1, 5, true},  /* 五分之一以上 of the registered voters */
	.by_reps = {CB_MEMBERS, 1, 3, true},    /* 三分之一以上 of the representatives */
	.turnout = {CB_MEMBERS, 1, 2, false},   /* 过半数 of the registered voters vote */
	.approval = {CB_PRESENT, 1, 2, false},  /* 过半数 of those voting approve */
	.law = "村民委员会组织法",
	.article = "第十六条",
};

void council_recall_decide(int64_t registered, int64_t cast, int64_t approve, bool *valid, bool *passed)
{
	*valid = council_meets(cast, registered, &council_recall_rule.turnout);
	*passed = *valid && council_meets(approve, cast, &council_recall_rule.approval);
}

bool council_recall_petition_ok(const char *basis, int64_t signers, int64_t total)
{
	if (!basis || signers > total)
		return false;
	if (!strcmp(basis, "voters"))
		return council_meets(signers, total, &council_recall_rule.by_voters);
	if (!strcmp(basis, "representatives"))
		return council_meets(signers, total, &council_recall_rule.by_reps);
	return false;
}

#define RECALL_COLS                                                                                                \
	"x.id, x.member_id, m.resident_id, x.place_code, r.name, x.reason, x.basis, x.signers, x.base, x.registered," \
	" x.status, x.cast, x.approve, x.valid, x.passed, x.rule, x.created_by, x.created_at, coalesce(x.counted_at, 0)"
#define RECALL_FROM \
	" FROM council_recalls x JOIN council_members m ON m.id = x.member_id JOIN residents r ON r.id = m.resident_id"

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	gz_strlcpy(dst, store_col_text(st, col), n);
}

static void recall_from_row(sqlite3_stmt *st, council_recall *x)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 0);
	x->member_id = sqlite3_column_int64(st, 1);
	x->resident_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, x->place_code, sizeof x->place_code);
	copy_col(st, 4, x->member_name, sizeof x->member_name);
	copy_col(st, 5, x->reason, sizeof x->reason);
	copy_col(st, 6, x->basis, sizeof x->basis);
	x->signers = sqlite3_column_int64(st, 7);
	x->base = sqlite3_column_int64(st, 8);
	x->registered = sqlite3_column_int64(st, 9);
	copy_col(st, 10, x->status, sizeof x->status);
	x->cast = sqlite3_column_int64(st, 11);
	x->approve = sqlite3_column_int64(st, 12);
	x->valid = sqlite3_column_int(st, 13) != 0;
	x->passed = sqlite3_column_int(st, 14) != 0;
	copy_col(st, 15, x->rule, sizeof x->rule);
	copy_col(st, 16, x->created_by, sizeof x->created_by);
	x->created_at = sqlite3_column_int64(st, 17);
	x->counted_at = sqlite3_column_int64(st, 18);
}

static void place_name_of(store *s, council_recall *x)
{
	place p;
	if (places_get(s, x->place_code, &p, NULL) == GZ_OK)
		gz_strlcpy(x->place_name, p.name, sizeof x->place_name);
}

static gz_err recall_load(store *s, int64_t id, council_recall *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " RECALL_COLS RECALL_FROM " WHERE x.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read recalls");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		recall_from_row(st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "recall %lld not found", (long long)id);
	place_name_of(s, out);
	return GZ_OK;
}

static gz_err runner(const gz_user *u, gz_error *e)
{
	if (!(u->role & (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "only the committees or an official record a recall");
	return GZ_OK;
}

gz_err council_recall_get(store *s, const gz_user *u, int64_t id, council_recall *out, gz_error *e)
{
	gz_err rc = recall_load(s, id, out, e);
	if (rc)
		return rc;
	if (!scope_contains(u->scope, out->place_code))
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "recall %lld not found", (long long)id);
	return GZ_OK;
}

static int64_t count1(store *s, const char *sql, const char *code)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	return store_step_int(st);
}

gz_err council_recall_petition(store *s, const gz_user *u, int64_t member_id, const char *reason, const char *basis,
			       int64_t signers, int64_t now, council_recall *out, gz_error *e)
{
	gz_err rc;
	if ((rc = runner(u, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "SELECT place_code, kind, until_at IS NOT NULL FROM council_members WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the members' register");
	sqlite3_bind_int64(st, 1, member_id);
	char code[GZ_CODE_MAX + 1] = "", kind[16] = "";
	bool left = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_col(st, 0, code, sizeof code);
		copy_col(st, 1, kind, sizeof kind);
		left = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	if (!*code || !scope_contains(u->scope, code) || strcmp(kind, "committee") || left)
		return gz_fail(e, GZ_E_NOT_FOUND, "member_id", "committee member %lld not found", (long long)member_id);
	if (strlen(code) != 12 || atoi(code + 9) < 200)
		return gz_fail(e, GZ_E_INVALID_VALUE, "member_id",
			       "recall by petition is the villagers' committees' (Art. 16); a community's 居民会议 replaces its members");
	if ((rc = gz_text_check_lines("reason", reason, 1, COUNCIL_REASON_MAX, e)))
		return rc;
	if (!basis || (strcmp(basis, "voters") && strcmp(basis, "representatives")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "basis", "basis must be voters or representatives");
	/* The registered voters: the list of the latest committee election whose list was published. */
	int64_t registered = count1(s, "SELECT count(*) FROM council_electors WHERE election_id = (SELECT max(id) FROM"
				       " council_elections WHERE place_code = ?1 AND kind = 'committee' AND status IN"
				       " ('published', 'voting', 'counted'))", code);
	if (registered <= 0)
		return gz_fail(e, GZ_E_CONFLICT, "member_id", "village \"%s\" has no published voter list to count the recall on",
			       code);
	int64_t base = registered;
	if (!strcmp(basis, "representatives"))
		base = count1(s, "SELECT count(*) FROM council_members WHERE place_code = ?1 AND kind = 'representative'"
				 " AND until_at IS NULL", code);
	if (signers < 1 || signers > base)
		return gz_fail(e, GZ_E_INVALID_VALUE, "signers", "signers must be 1 to the %lld %s", (long long)base, basis);
	if (!council_recall_petition_ok(basis, signers, base))
		return gz_fail(e, GZ_E_INVALID_VALUE, "signers", "the petition needs at least %s of the %lld %s: %lld signed",
			       !strcmp(basis, "voters") ? "1/5" : "1/3", (long long)base, basis, (long long)signers);
	st = store_stmt(s, "SELECT count(*) FROM council_recalls WHERE member_id = ?1 AND status = 'petitioned'");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read recalls");
	sqlite3_bind_int64(st, 1, member_id);
	if (store_step_int(st))
		return gz_fail(e, GZ_E_CONFLICT, "member_id", "a recall of member %lld waits for its count", (long long)member_id);
	st = store_stmt(s, "INSERT INTO council_recalls(place_code, member_id, reason, basis, signers, base, registered, status,"
			   " created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'petitioned', ?8, ?9)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot record the petition");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, member_id);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, basis, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, signers);
	sqlite3_bind_int64(st, 6, base);
	sqlite3_bind_int64(st, 7, registered);
	sqlite3_bind_text(st, 8, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return store_fail(s, src, e, "recording the petition");
	return recall_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_recall_count(store *s, const gz_user *u, int64_t id, int64_t cast, int64_t approve, int64_t now,
			    council_recall *out, gz_error *e)
{
	gz_err rc;
	council_recall x;
	if ((rc = council_recall_get(s, u, id, &x, e)) || (rc = runner(u, e)))
		return rc;
	if (strcmp(x.status, "petitioned"))
		return gz_fail(e, GZ_E_CONFLICT, "id", "recall %lld is already counted", (long long)id);
	if (cast < 0 || cast > x.registered)
		return gz_fail(e, GZ_E_INVALID_VALUE, "cast", "cast must be 0 to the %lld registered voters", (long long)x.registered);
	if (approve < 0 || approve > cast)
		return gz_fail(e, GZ_E_INVALID_VALUE, "approve", "approve must be 0 to the %lld cast", (long long)cast);
	bool valid, passed;
	council_recall_decide(x.registered, cast, approve, &valid, &passed);
	char rule[600];
	snprintf(rule, sizeof rule,
		 "《%s》%s：登记参加选举的村民%lld人，投票%lld人（须过半数），赞成罢免%lld票（须超过投票人数的半数）；%s",
		 council_recall_rule.law, council_recall_rule.article, (long long)x.registered, (long long)cast,
		 (long long)approve, !valid ? "投票人数未过半数，罢免无效" : passed ? "罢免通过" : "罢免未通过");
	sqlite3_stmt *st = store_stmt(s, "UPDATE council_recalls SET status = 'counted', cast = ?2, approve = ?3, valid = ?4,"
					 " passed = ?5, rule = ?6, counted_by = ?7, counted_at = ?8 WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count the recall");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, cast);
	sqlite3_bind_int64(st, 3, approve);
	sqlite3_bind_int(st, 4, valid);
	sqlite3_bind_int(st, 5, passed);
	sqlite3_bind_text(st, 6, rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return store_fail(s, src, e, "counting the recall");
	if (passed) {
		/* Recalled: the member leaves the register. */
		st = store_stmt(s, "UPDATE council_members SET until_at = ?2 WHERE id = ?1 AND until_at IS NULL");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot end the membership");
		sqlite3_bind_int64(st, 1, x.member_id);
		sqlite3_bind_int64(st, 2, now);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE)
			return store_fail(s, src, e, "ending the membership");
	}
	return recall_load(s, id, out, e);
}

gz_err council_recalls(store *s, const gz_range *range, council_recall_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " RECALL_COLS RECALL_FROM
					 " WHERE x.place_code >= ?1 AND x.place_code < ?2 ORDER BY x.id DESC LIMIT 200");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read recalls");
	store_bind_range(st, 1, range);
	council_recall *rows = calloc(200, sizeof *rows);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory listing recalls");
	}
	int n = 0;
	while (n < 200 && sqlite3_step(st) == SQLITE_ROW)
		recall_from_row(st, &rows[n++]);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		place_name_of(s, &rows[i]);
		if (fn(ctx, &rows[i]))
			break;
	}
	free(rows);
	return GZ_OK;
}
