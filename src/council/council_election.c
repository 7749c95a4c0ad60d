/* council_election.c — elections by Arts. 13–15 of the Organic Law of Villagers' Committees: the
 * voter list from the registry, its 20-day publication, candidates, secret ballots, validity and
 * the run-off. No HTTP here (council_http.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "board/board.h"
#include "core/util.h"
#include "council/council.h"
#include "places/places.h"
#include "registry/registry.h"

enum { CANDIDATES_MAX = 100 };

static void col_copy(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	gz_strlcpy(dst, store_col_text(st, col), n);
}

static gz_err step_done(store *s, sqlite3_stmt *st, gz_error *e, const char *what)
{
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare %s", what);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, what);
}

static int64_t count_of(store *s, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return store_step_int(st);
}

/* Days from the epoch of a YYYY-MM-DD date; -1 when it is not one. */
static int64_t day_number(const char *d)
{
	int y, m, dd, n = 0;
	if (!d || strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10 || m < 1 || m > 12 ||
	    dd < 1 || dd > 31 || y < 2000 || y > 2100)
		return -1;
	struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd, .tm_hour = 12};
	time_t v = timegm(&t);
	if (t.tm_mday != dd)
		return -1;
	return (int64_t)v / 86400;
}

static int64_t today_number(int64_t now)
{
	char d[11];
	gz_date_shanghai(now, d);
	return day_number(d);
}

/* --- the count ------------------------------------------------------------------------------ */

bool council_election_decide(int round, int seats, int64_t registered, int64_t cast, council_candidate *c, int n,
			     char *rule, size_t rule_size)
{
	static const council_threshold valid_t = {CB_PRESENT, 1, 2, false}; /* 过半数 of the registered */
	static const council_threshold first = {CB_PRESENT, 1, 2, false};   /* 过半数 of the votes cast */
	static const council_threshold runoff = {CB_PRESENT, 1, 3, true};   /* 不得少于三分之一 */
	for (int i = 0; i < n; i++)
		c[i].elected = false;
	if (!council_meets(cast, registered, &valid_t)) {
		snprintf(rule, rule_size, "《村民委员会组织法》第十五条：登记选民%lld人，参加投票%lld人，未过半数，选举无效",
			 (long long)registered, (long long)cast);
		return false;
	}
	const council_threshold *win = round == 1 ? &first : &runoff;
	int idx[CANDIDATES_MAX];
	int m = n < CANDIDATES_MAX ? n : CANDIDATES_MAX;
	for (int i = 0; i < m; i++)
		idx[i] = i;
	for (int i = 1; i < m; i++) /* by votes, most first (stable) */
		for (int j = i; j > 0 && c[idx[j]].votes > c[idx[j - 1]].votes; j--) {
			int t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	int elected = 0;
	for (int k = 0; k < m;) {
		int g = k;
		while (g < m && c[idx[g]].votes == c[idx[k]].votes)
			g++;
		/* A group tied on votes is elected whole or not at all: the law does not break ties. */
		if (!council_meets(c[idx[k]].votes, cast, win) || elected + (g - k) > seats)
			break;
		for (int i = k; i < g; i++)
			c[idx[i]].elected = true;
		elected += g - k;
		k = g;
	}
	snprintf(rule, rule_size,
		 round == 1 ? "《村民委员会组织法》第十五条：登记选民%lld人，参加投票%lld人，过半数，选举有效；候选人获得参加投票的村民过半数的选票始得当选；应选%d人，当选%d人"
			    : "《村民委员会组织法》第十五条：另行选举，登记选民%lld人，参加投票%lld人，过半数，选举有效；以得票多的当选，但得票数不得少于已投选票数的三分之一；应选%d人，当选%d人",
		 (long long)registered, (long long)cast, seats, elected);
	return true;
}

/* --- elections ------------------------------------------------------------------------------ */

#define ELECTION_COLS                                                                                            \
	"x.id, x.place_code, x.kind, x.title, x.seats, x.round, x.election_day, x.status, coalesce(x.published_at, 0)," \
	" x.registered, x.cast_n, x.valid, x.rule, x.created_by, x.created_at,"                                       \
	" (SELECT count(*) FROM council_electors v WHERE v.election_id = x.id)"

static void election_from_row(store *s, sqlite3_stmt *st, council_election *x)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, x->place_code, sizeof x->place_code);
	col_copy(st, 2, x->kind, sizeof x->kind);
	col_copy(st, 3, x->title, sizeof x->title);
	x->seats = sqlite3_column_int(st, 4);
	x->round = sqlite3_column_int(st, 5);
	col_copy(st, 6, x->election_day, sizeof x->election_day);
	col_copy(st, 7, x->status, sizeof x->status);
	x->published_at = sqlite3_column_int64(st, 8);
	x->registered = sqlite3_column_int64(st, 9);
	x->cast = sqlite3_column_int64(st, 10);
	x->valid = sqlite3_column_int(st, 11) != 0;
	col_copy(st, 12, x->rule, sizeof x->rule);
	col_copy(st, 13, x->created_by, sizeof x->created_by);
	x->created_at = sqlite3_column_int64(st, 14);
	x->electors = sqlite3_column_int64(st, 15);
	(void)s;
}

static gz_err election_load(store *s, int64_t id, council_election *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ELECTION_COLS " FROM council_elections x WHERE x.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read elections");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		election_from_row(s, st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "election_id", "election %lld not found", (long long)id);
	place p;
	if (places_get(s, out->place_code, &p, NULL) == GZ_OK)
		gz_strlcpy(out->place_name, p.name, sizeof out->place_name);
	return GZ_OK;
}

static bool visible(const gz_user *u, const char *code)
{
	if (u->role == ROLE_RESIDENT)
		return u->household_id && scope_contains(code, u->scope);
	return scope_contains(u->scope, code);
}

gz_err council_election_get(store *s, const gz_user *u, int64_t id, council_election *out, gz_error *e)
{
	gz_err rc = election_load(s, id, out, e);
	if (rc)
		return rc;
	if (!visible(u, out->place_code))
		return gz_fail(e, GZ_E_NOT_FOUND, "election_id", "election %lld not found", (long long)id);
	return GZ_OK;
}

/* Elections are run for the villagers (Art. 12's election committee) by the committees' staff. */
static gz_err runner(const gz_user *u, gz_error *e)
{
	if (!(u->role & (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "only the committees or an official run an election");
	return GZ_OK;
}

gz_err council_election_create(store *s, const gz_user *u, const char *place_code, const char *kind, const char *title,
			       int seats, const char *election_day, int64_t now, council_election *out, gz_error *e)
{
	gz_err rc;
	if ((rc = runner(u, e)))
		return rc;
	if (!kind || (strcmp(kind, "committee") && strcmp(kind, "spokesperson")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "kind", "kind must be committee or spokesperson");
	place p;
	if (!place_code || places_level_of(place_code) != PL_VILLAGE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "an election is held by a village or community");
	if (!scope_contains(u->scope, place_code) || places_get(s, place_code, &p, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", place_code);
	if ((rc = gz_text_check("title", title, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	if (seats < 1 || seats > COUNCIL_SEATS_MAX)
		return gz_fail(e, GZ_E_INVALID_VALUE, "seats", "seats must be 1 to %d", COUNCIL_SEATS_MAX);
	int64_t day = day_number(election_day);
	if (day < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "election_day", "election_day must be a date (YYYY-MM-DD)");
	if (day < today_number(now))
		return gz_fail(e, GZ_E_INVALID_VALUE, "election_day", "election day %s has passed", election_day);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_elections(place_code, kind, title, seats, election_day, status,"
					 " created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'registering', ?6, ?7)");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, seats);
	sqlite3_bind_text(st, 5, election_day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	if ((rc = step_done(s, st, e, "creating an election")))
		return rc;
	return election_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_elections(store *s, const gz_range *range, council_election_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ELECTION_COLS " FROM council_elections x"
					 " WHERE x.place_code >= ?1 AND x.place_code < ?2 ORDER BY x.id DESC LIMIT 200");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read elections");
	store_bind_range(st, 1, range);
	council_election *rows = calloc(200, sizeof *rows);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory listing elections");
	}
	int n = 0;
	/* Collected first: the place names need other statements. */
	while (n < 200 && sqlite3_step(st) == SQLITE_ROW)
		election_from_row(s, st, &rows[n++]);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		place p;
		if (places_get(s, rows[i].place_code, &p, NULL) == GZ_OK)
			gz_strlcpy(rows[i].place_name, p.name, sizeof rows[i].place_name);
		if (fn(ctx, &rows[i]))
			break;
	}
	free(rows);
	return GZ_OK;
}

/* --- the voter list ------------------------------------------------------------------------- */

/* The birth date on or before which someone is 18 on day (YYYY-MM-DD). */
static void adult_on(const char *day, char out[11])
{
	int y = atoi(day) - 18;
	snprintf(out, 11, "%04u-%.2s-%.2s", (unsigned)(y < 0 ? 0 : y) % 10000u, day + 5, day + 8);
}

struct collect {
	int64_t (*rows)[2]; /* resident, household */
	int n, cap;
	const char *cutoff;
	int64_t last;
};

static int collect_adult(void *ctx, const reg_resident *r)
{
	struct collect *c = ctx;
	c->last = r->id;
	/* Art. 13 (1): 18 on election day, hukou in the village; the others are added one by one. */
	if (strcmp(r->birth_date, c->cutoff) > 0 || strcmp(r->hukou, "local") || strcmp(r->status, "present"))
		return 0;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->rows, (size_t)cap * sizeof *c->rows);
		if (!p)
			return 1;
		c->rows = p;
		c->cap = cap;
	}
	c->rows[c->n][0] = r->id;
	c->rows[c->n][1] = r->household_id;
	c->n++;
	return 0;
}

static gz_err registering(store *s, const gz_user *u, int64_t id, council_election *x, gz_error *e)
{
	gz_err rc;
	if ((rc = runner(u, e)) || (rc = council_election_get(s, u, id, x, e)))
		return rc;
	if (strcmp(x->status, "registering"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "the voter list of election %lld is closed (%s)", (long long)id, x->status);
	return GZ_OK;
}

gz_err council_electors_from_registry(store *s, const gz_user *u, int64_t id, int64_t now, int64_t *added, gz_error *e)
{
	council_election x;
	gz_err rc = registering(s, u, id, &x, e);
	if (rc)
		return rc;
	(void)now;
	char cutoff[11];
	adult_on(x.election_day, cutoff);
	gz_range range;
	scope_range_of(x.place_code, &range);
	struct collect c = {NULL, 0, 0, cutoff, 0};
	reg_resident_filter f = {.status = "present"};
	bool more = true;
	while (more && !rc && c.n < 200000)
		rc = registry_residents(s, &range, &f, c.last, 500, collect_adult, &c, &more, e);
	*added = 0;
	sqlite3_stmt *st = store_stmt(s, "INSERT OR IGNORE INTO council_electors(election_id, resident_id, household_id, basis,"
					 " added_by) VALUES (?1, ?2, ?3, 'hukou_resident', ?4)");
	for (int i = 0; !rc && i < c.n; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, c.rows[i][0]);
		sqlite3_bind_int64(st, 3, c.rows[i][1]);
		sqlite3_bind_text(st, 4, u->username, -1, SQLITE_TRANSIENT);
		if (!(rc = step_done(s, st, e, "registering voters")))
			*added += sqlite3_changes(store_db(s));
	}
	free(c.rows);
	return rc;
}

gz_err council_elector_add(store *s, const gz_user *u, int64_t id, int64_t resident_id, const char *basis, const char *note,
			   gz_error *e)
{
	council_election x;
	gz_err rc = registering(s, u, id, &x, e);
	if (rc)
		return rc;
	if (!basis || (strcmp(basis, "hukou_away") && strcmp(basis, "resident_approved") && strcmp(basis, "hukou_resident")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "basis", "basis must be hukou_resident, hukou_away or resident_approved");
	if (note && (rc = gz_text_check("note", note, 0, 200, e)))
		return rc;
	if (!strcmp(basis, "resident_approved") && (!note || !*note))
		return gz_fail(e, GZ_E_MISSING_FIELD, "note",
			       "a voter without hukou here needs the villagers' meeting's approval: say which (note)");
	gz_range range;
	scope_range_of(x.place_code, &range);
	reg_resident r;
	if (registry_resident_get(s, &range, resident_id, &r, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "resident_id", "resident %lld not found at \"%s\"", (long long)resident_id,
			       x.place_code);
	char cutoff[11];
	adult_on(x.election_day, cutoff);
	if (strcmp(r.birth_date, cutoff) > 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not 18 on election day", (long long)resident_id);
	if (!strcmp(r.status, "deceased"))
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is deceased", (long long)resident_id);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_electors(election_id, resident_id, household_id, basis, note, added_by)"
					 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, resident_id);
	sqlite3_bind_int64(st, 3, r.household_id);
	sqlite3_bind_text(st, 4, basis, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, u->username, -1, SQLITE_TRANSIENT);
	rc = step_done(s, st, e, "registering a voter");
	if (rc == GZ_E_CONFLICT) /* Art. 13: no double registration */
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is already on the voter list", (long long)resident_id);
	return rc;
}

gz_err council_electors(store *s, int64_t id, int64_t household, int limit, council_elector_visit fn, void *ctx,
			gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT v.resident_id, v.household_id, coalesce(r.name, ''), v.basis, v.note"
					 " FROM council_electors v LEFT JOIN residents r ON r.id = v.resident_id"
					 " WHERE v.election_id = ?1 AND (?2 = 0 OR v.household_id = ?2) ORDER BY r.name, v.resident_id"
					 " LIMIT ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the voter list");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, household);
	sqlite3_bind_int(st, 3, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_elector v = {.resident_id = sqlite3_column_int64(st, 0), .household_id = sqlite3_column_int64(st, 1)};
		col_copy(st, 2, v.name, sizeof v.name);
		col_copy(st, 3, v.basis, sizeof v.basis);
		col_copy(st, 4, v.note, sizeof v.note);
		if (fn(ctx, &v))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the voter list");
}

bool council_is_elector(store *s, int64_t id, int64_t resident_id)
{
	return count_of(s, "SELECT count(*) FROM council_electors WHERE election_id = ?1 AND resident_id = ?2", id, resident_id) > 0;
}

/* --- candidates ---------------------------------------------------------------------------- */

#define CAND_SQL                                                                                     \
	"SELECT c.id, c.resident_id, c.votes, coalesce(r.name, ''), c.round, c.elected FROM council_candidates c" \
	" LEFT JOIN residents r ON r.id = c.resident_id WHERE c.election_id = ?1 AND c.round = ?2 ORDER BY c.id"

static void cand_from_row(sqlite3_stmt *st, council_candidate *c)
{
	c->id = sqlite3_column_int64(st, 0);
	c->resident_id = sqlite3_column_int64(st, 1);
	c->votes = sqlite3_column_int64(st, 2);
	col_copy(st, 3, c->name, sizeof c->name);
	c->round = sqlite3_column_int(st, 4);
	c->elected = sqlite3_column_int(st, 5) != 0;
}

static int load_candidates(store *s, int64_t id, int round, council_candidate *out, int max)
{
	sqlite3_stmt *st = store_stmt(s, CAND_SQL);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, round);
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		cand_from_row(st, &out[n++]);
	sqlite3_reset(st);
	return n;
}

gz_err council_candidates(store *s, int64_t id, int round, council_candidate_visit fn, void *ctx, gz_error *e)
{
	council_candidate c[CANDIDATES_MAX];
	int n = load_candidates(s, id, round, c, CANDIDATES_MAX);
	council_election x;
	gz_err rc = election_load(s, id, &x, e);
	if (rc)
		return rc;
	bool counted = x.round > round || !strcmp(x.status, "counted");
	for (int i = 0; i < n; i++) {
		if (!counted)
			c[i].votes = 0, c[i].elected = false; /* nothing before the count */
		if (fn(ctx, &c[i]))
			break;
	}
	return GZ_OK;
}

gz_err council_candidate_add(store *s, const gz_user *u, int64_t id, int64_t resident_id, council_candidate *out,
			     gz_error *e)
{
	council_election x;
	gz_err rc;
	if ((rc = runner(u, e)) || (rc = council_election_get(s, u, id, &x, e)))
		return rc;
	if (strcmp(x.status, "registering") && strcmp(x.status, "published"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "election %lld is %s: candidates are nominated before voting", (long long)id,
			       x.status);
	if (!council_is_elector(s, id, resident_id))
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not a registered voter of this election",
			       (long long)resident_id);
	if (count_of(s, "SELECT count(*) FROM council_candidates WHERE election_id = ?1 AND round = ?2", id, 1) >= CANDIDATES_MAX)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "election %lld has %d candidates, the most it may", (long long)id,
			       CANDIDATES_MAX);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_candidates(election_id, round, resident_id) VALUES (?1, 1, ?2)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, resident_id);
	rc = step_done(s, st, e, "nominating a candidate");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is already a candidate", (long long)resident_id);
	if (rc)
		return rc;
	council_candidate c[CANDIDATES_MAX];
	int n = load_candidates(s, id, 1, c, CANDIDATES_MAX);
	for (int i = 0; i < n; i++)
		if (c[i].resident_id == resident_id) {
			*out = c[i];
			return GZ_OK;
		}
	return gz_fail(e, GZ_E_INTERNAL, NULL, "candidate vanished");
}

/* --- voting -------------------------------------------------------------------------------- */

/* Seats to fill in the election's current round. */
static int round_seats(store *s, const council_election *x)
{
	if (x->round == 1)
		return x->seats;
	int64_t won = count_of(s, "SELECT count(*) FROM council_candidates WHERE election_id = ?1 AND round < ?2 AND elected = 1",
			       x->id, x->round);
	return x->seats - (int)won;
}

/* Seats still unfilled after the rounds counted so far. */
static int unfilled(store *s, const council_election *x)
{
	return x->seats - (int)count_of(s, "SELECT count(*) FROM council_candidates WHERE election_id = ?1 AND round <= ?2"
					   " AND elected = 1", x->id, x->round);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

gz_err council_election_cast(store *s, const gz_user *u, int64_t id, int64_t resident_id, const int64_t *choices, int n,
			     gz_error *e)
{
	if (u->role != ROLE_RESIDENT || !u->household_id)
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "a ballot is cast by the voter from a resident account");
	council_election x;
	gz_err rc = council_election_get(s, u, id, &x, e);
	if (rc)
		return rc;
	if (strcmp(x.status, "voting"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "election %lld is not taking ballots (%s)", (long long)id, x.status);
	int64_t household = count_of(s, "SELECT household_id FROM council_electors WHERE election_id = ?1 AND resident_id = ?2",
				     id, resident_id);
	if (!household || household != u->household_id)
		return gz_fail(e, GZ_E_FORBIDDEN, "resident_id", "resident %lld is not a registered voter of your household",
			       (long long)resident_id);
	int seats = round_seats(s, &x);
	if (n < 0 || n > seats)
		return gz_fail(e, GZ_E_INVALID_VALUE, "choices", "a ballot marks at most %d candidates", seats);
	council_candidate c[CANDIDATES_MAX];
	int nc = load_candidates(s, id, x.round, c, CANDIDATES_MAX);
	int64_t sorted[COUNCIL_SEATS_MAX];
	for (int i = 0; i < n; i++) {
		bool ok = false;
		for (int j = 0; j < nc; j++)
			ok = ok || c[j].id == choices[i];
		if (!ok)
			return gz_fail(e, GZ_E_INVALID_VALUE, "choices", "%lld is not a candidate of this round", (long long)choices[i]);
		sorted[i] = choices[i];
	}
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_id);
	char text[COUNCIL_SEATS_MAX * 21 + 1] = "";
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		if (i && sorted[i] == sorted[i - 1])
			return gz_fail(e, GZ_E_INVALID_VALUE, "choices", "candidate %lld is marked twice", (long long)sorted[i]);
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%lld", i ? "," : "", (long long)sorted[i]);
	}
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_election_voted(election_id, round, resident_id) VALUES (?1, ?2, ?3)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_int64(st, 3, resident_id);
	rc = step_done(s, st, e, "recording a voter");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld has already voted", (long long)resident_id);
	if (rc)
		return rc;
	unsigned char key[16];
	randombytes_buf(key, sizeof key);
	st = store_stmt(s, "INSERT INTO council_election_ballots(election_id, round, ballot_key, choices) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_blob(st, 3, key, sizeof key, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
	return step_done(s, st, e, "recording a ballot");
}

bool council_election_has_voted(store *s, int64_t id, int round, int64_t resident_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_election_voted WHERE election_id = ?1 AND round = ?2"
					 " AND resident_id = ?3");
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, round);
	sqlite3_bind_int64(st, 3, resident_id);
	return store_step_int(st) > 0;
}

/* Count the current round: tally the ballots, decide, record votes and winners. */
static gz_err count_round(store *s, council_election *x, int64_t now, gz_error *e)
{
	council_candidate c[CANDIDATES_MAX];
	int n = load_candidates(s, x->id, x->round, c, CANDIDATES_MAX);
	for (int i = 0; i < n; i++)
		c[i].votes = 0;
	sqlite3_stmt *st = store_stmt(s, "SELECT choices FROM council_election_ballots WHERE election_id = ?1 AND round = ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count ballots");
	sqlite3_bind_int64(st, 1, x->id);
	sqlite3_bind_int(st, 2, x->round);
	int64_t ballots = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ballots++;
		const char *p = store_col_text(st, 0);
		while (*p) {
			int64_t cid = strtoll(p, (char **)&p, 10);
			for (int i = 0; i < n; i++)
				if (c[i].id == cid)
					c[i].votes++;
			if (*p == ',')
				p++;
			else if (*p)
				break;
		}
	}
	sqlite3_reset(st);
	/* The paper ballots: each station's votes, and the ballots returned as participation. */
	st = store_stmt(s, "SELECT candidate_id, votes FROM council_election_station_votes WHERE election_id = ?1 AND round = ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count paper ballots");
	sqlite3_bind_int64(st, 1, x->id);
	sqlite3_bind_int(st, 2, x->round);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			if (c[i].id == sqlite3_column_int64(st, 0))
				c[i].votes += sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	int64_t voters = count_of(s, "SELECT count(*) FROM council_election_voted WHERE election_id = ?1 AND round = ?2", x->id,
				  x->round);
	int64_t issued = count_of(s, "SELECT coalesce(sum(issued), 0) FROM council_election_stations WHERE election_id = ?1"
				     " AND round = ?2", x->id, x->round);
	int64_t returned = count_of(s, "SELECT coalesce(sum(returned), 0) FROM council_election_stations WHERE election_id = ?1"
				       " AND round = ?2", x->id, x->round);
	/* Every online ballot has its voter; the paper ballots issued are at most the voters checked off. */
	if (voters < ballots || issued > voters - ballots) {
		gz_log(GZ_LOG_ERROR, "election %lld round %d: %lld voters, %lld ballots, %lld paper issued", (long long)x->id,
		       x->round, (long long)voters, (long long)ballots, (long long)issued);
		return gz_fail(e, GZ_E_INTERNAL, NULL, "election %lld: the ballots do not match the voters", (long long)x->id);
	}
	voters = ballots + returned; /* 参加投票: online ballots and paper ballots returned */
	char rule[600];
	bool valid = council_election_decide(x->round, round_seats(s, x), x->registered, voters, c, n, rule, sizeof rule);
	gz_err rc;
	st = store_stmt(s, "UPDATE council_candidates SET votes = ?2, elected = ?3 WHERE id = ?1");
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, c[i].id);
		sqlite3_bind_int64(st, 2, c[i].votes);
		sqlite3_bind_int(st, 3, c[i].elected);
		if ((rc = step_done(s, st, e, "recording the count")))
			return rc;
	}
	st = store_stmt(s, "UPDATE council_elections SET status = 'counted', cast_n = ?2, valid = ?3, rule = ?4 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, x->id);
	sqlite3_bind_int64(st, 2, voters);
	sqlite3_bind_int(st, 3, valid);
	sqlite3_bind_text(st, 4, rule, -1, SQLITE_TRANSIENT);
	(void)now;
	return step_done(s, st, e, "closing the count");
}

/* --- paper ballots -------------------------------------------------------------------------- */

static gz_err voting(store *s, const gz_user *u, int64_t id, council_election *x, gz_error *e)
{
	gz_err rc;
	if ((rc = runner(u, e)) || (rc = council_election_get(s, u, id, x, e)))
		return rc;
	if (strcmp(x->status, "voting"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "election %lld is not taking ballots (%s)", (long long)id, x->status);
	return GZ_OK;
}

gz_err council_paper_voter(store *s, const gz_user *u, int64_t id, int64_t resident_id, gz_error *e)
{
	council_election x;
	gz_err rc = voting(s, u, id, &x, e);
	if (rc)
		return rc;
	if (!council_is_elector(s, id, resident_id))
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not a registered voter of this election",
			       (long long)resident_id);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_election_voted(election_id, round, resident_id) VALUES (?1, ?2, ?3)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_int64(st, 3, resident_id);
	rc = step_done(s, st, e, "checking off a voter");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld has already voted", (long long)resident_id);
	return rc;
}

gz_err council_paper_count(store *s, const gz_user *u, int64_t id, const char *station, int64_t issued, int64_t returned,
			   int64_t invalid, const council_paper_votes *votes, int n, const char *reason, int64_t now,
			   bool *corrected, gz_error *e)
{
	council_election x;
	gz_err rc = voting(s, u, id, &x, e);
	if (rc)
		return rc;
	if ((rc = gz_text_check("station", station, 1, COUNCIL_STATION_MAX, e)))
		return rc;
	if (reason && (rc = gz_text_check("reason", reason, 0, 200, e)))
		return rc;
	if (issued < 0 || issued > 1000000)
		return gz_fail(e, GZ_E_INVALID_VALUE, "issued", "issued must be 0 to 1000000");
	if (returned < 0 || returned > issued)
		return gz_fail(e, GZ_E_INVALID_VALUE, "returned", "%lld ballots returned of %lld issued", (long long)returned,
			       (long long)issued);
	if (invalid < 0 || invalid > returned)
		return gz_fail(e, GZ_E_INVALID_VALUE, "invalid", "%lld invalid ballots of %lld returned", (long long)invalid,
			       (long long)returned);
	int seats = round_seats(s, &x);
	int64_t valid = returned - invalid, total = 0;
	council_candidate c[CANDIDATES_MAX];
	int nc = load_candidates(s, id, x.round, c, CANDIDATES_MAX);
	if (n < 0 || n > nc)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "the round has %d candidates", nc);
	for (int i = 0; i < n; i++) {
		bool ok = false;
		for (int j = 0; j < nc; j++)
			ok = ok || c[j].id == votes[i].candidate_id;
		if (!ok)
			return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "%lld is not a candidate of this round",
				       (long long)votes[i].candidate_id);
		for (int j = 0; j < i; j++)
			if (votes[j].candidate_id == votes[i].candidate_id)
				return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "candidate %lld is counted twice",
					       (long long)votes[i].candidate_id);
		if (votes[i].votes < 0 || votes[i].votes > valid)
			return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "candidate %lld has %lld votes of %lld valid ballots",
				       (long long)votes[i].candidate_id, (long long)votes[i].votes, (long long)valid);
		total += votes[i].votes;
	}
	if (total > valid * seats)
		return gz_fail(e, GZ_E_INVALID_VALUE, "votes", "%lld votes on %lld valid ballots of at most %d marks each",
			       (long long)total, (long long)valid, seats);
	sqlite3_stmt *st = store_stmt(s, "SELECT issued FROM council_election_stations WHERE election_id = ?1 AND round = ?2"
					 " AND station = ?3");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the stations");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_text(st, 3, station, -1, SQLITE_TRANSIENT);
	int64_t before = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		before = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*corrected = before >= 0;
	if (*corrected && (!reason || !*reason))
		return gz_fail(e, GZ_E_CONFLICT, "reason", "station \"%s\" has its count: a correction needs a reason", station);
	int64_t online = count_of(s, "SELECT count(*) FROM council_election_ballots WHERE election_id = ?1 AND round = ?2", id,
				  x.round);
	int64_t checked = count_of(s, "SELECT count(*) FROM council_election_voted WHERE election_id = ?1 AND round = ?2", id,
				   x.round) - online;
	int64_t others = count_of(s, "SELECT coalesce(sum(issued), 0) FROM council_election_stations WHERE election_id = ?1"
				     " AND round = ?2", id, x.round) - (before > 0 ? before : 0);
	if (others + issued > checked)
		return gz_fail(e, GZ_E_INVALID_VALUE, "issued",
			       "%lld paper ballots issued at the stations but %lld voters checked off (%lld registered, %lld voted online)",
			       (long long)(others + issued), (long long)checked, (long long)x.registered, (long long)online);
	if (!*corrected && count_of(s, "SELECT count(*) FROM council_election_stations WHERE election_id = ?1 AND round = ?2", id,
				    x.round) >= COUNCIL_STATIONS_MAX)
		return gz_fail(e, GZ_E_CONFLICT, "station", "election %lld has %d polling stations, the most it may", (long long)id,
			       COUNCIL_STATIONS_MAX);
	st = store_stmt(s, "INSERT INTO council_election_stations(election_id, round, station, issued, returned, invalid,"
			   " entered_by, entered_at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			   " ON CONFLICT (election_id, round, station) DO UPDATE SET issued = excluded.issued,"
			   " returned = excluded.returned, invalid = excluded.invalid, entered_by = excluded.entered_by,"
			   " entered_at = excluded.entered_at, reason = excluded.reason, corrections = corrections + 1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_text(st, 3, station, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, issued);
	sqlite3_bind_int64(st, 5, returned);
	sqlite3_bind_int64(st, 6, invalid);
	sqlite3_bind_text(st, 7, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_text(st, 9, reason ? reason : "", -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, e, "entering a station's count")))
		return rc;
	st = store_stmt(s, "DELETE FROM council_election_station_votes WHERE election_id = ?1 AND round = ?2 AND station = ?3");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, x.round);
	sqlite3_bind_text(st, 3, station, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, e, "replacing a station's votes")))
		return rc;
	st = store_stmt(s, "INSERT INTO council_election_station_votes(election_id, round, station, candidate_id, votes)"
			   " VALUES (?1, ?2, ?3, ?4, ?5)");
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, x.round);
		sqlite3_bind_text(st, 3, station, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, votes[i].candidate_id);
		sqlite3_bind_int64(st, 5, votes[i].votes);
		if ((rc = step_done(s, st, e, "entering a station's votes")))
			return rc;
	}
	return GZ_OK;
}

gz_err council_stations(store *s, int64_t id, int round, council_station_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT station, round, issued, returned, invalid, corrections, reason, entered_by,"
					 " entered_at FROM council_election_stations WHERE election_id = ?1 AND round = ?2"
					 " ORDER BY station");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the stations");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, round);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_station v = {.round = sqlite3_column_int(st, 1),
				     .issued = sqlite3_column_int64(st, 2),
				     .returned = sqlite3_column_int64(st, 3),
				     .invalid = sqlite3_column_int64(st, 4),
				     .corrections = sqlite3_column_int(st, 5),
				     .entered_at = sqlite3_column_int64(st, 8)};
		col_copy(st, 0, v.station, sizeof v.station);
		col_copy(st, 6, v.reason, sizeof v.reason);
		col_copy(st, 7, v.entered_by, sizeof v.entered_by);
		if (fn(ctx, &v))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the stations");
}

/* Round 2 (另行选举): the candidates are the non-winners with the most votes, one more than the
 * seats left (a tie at the last place brings all of it). */
static gz_err start_runoff(store *s, council_election *x, gz_error *e)
{
	int left = unfilled(s, x);
	council_candidate c[CANDIDATES_MAX], rest[CANDIDATES_MAX];
	int n = load_candidates(s, x->id, x->round, c, CANDIDATES_MAX), m = 0;
	for (int i = 0; i < n; i++)
		if (!c[i].elected)
			rest[m++] = c[i];
	for (int i = 1; i < m; i++)
		for (int j = i; j > 0 && rest[j].votes > rest[j - 1].votes; j--) {
			council_candidate t = rest[j];
			rest[j] = rest[j - 1];
			rest[j - 1] = t;
		}
	int take = 0;
	while (take < m && (take < left + 1 || rest[take].votes == rest[take - 1].votes))
		take++;
	if (!take)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "election %lld has no candidate left for a run-off", (long long)x->id);
	int next = x->round + 1;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_candidates(election_id, round, resident_id) VALUES (?1, ?2, ?3)");
	gz_err rc;
	for (int i = 0; i < take; i++) {
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int(st, 2, next);
		sqlite3_bind_int64(st, 3, rest[i].resident_id);
		if ((rc = step_done(s, st, e, "naming the run-off's candidates")))
			return rc;
	}
	st = store_stmt(s, "UPDATE council_elections SET status = 'voting', round = ?2, cast_n = 0, valid = 0, rule = '',"
			   " registered = (SELECT count(*) FROM council_electors WHERE election_id = ?1) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, x->id);
	sqlite3_bind_int(st, 2, next);
	return step_done(s, st, e, "starting the run-off");
}

/* Art. 15: the result is announced on the spot — and on the village's (community's) public board,
 * as one entry of its affairs (村务/居务) written by whoever recorded the count: the numbers, the
 * rule applied and who was elected, with their votes. Board entries are never edited, and the
 * count is final, so it goes up with the count itself. */
static gz_err publish_result(store *s, const gz_user *u, int64_t id, int64_t now, gz_error *e)
{
	council_election x;
	gz_err rc = council_election_get(s, u, id, &x, e);
	if (rc)
		return rc;
	council_candidate c[CANDIDATES_MAX];
	int n = load_candidates(s, x.id, x.round, c, CANDIDATES_MAX);
	char title[COUNCIL_TITLE_MAX * 4 + 64];
	snprintf(title, sizeof title, "选举结果公告：%s%s", x.title, x.round > 1 ? "（另行选举）" : "");
	size_t cap = 2048 + (size_t)n * 256;
	char *body = malloc(cap);
	if (!body)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	/* cap holds the fixed lines (rule ≤ 600 bytes) and 256 bytes a candidate (names ≤ 200). */
	size_t o = (size_t)snprintf(body, cap, "选举日：%s\n%s\n", x.election_day, x.rule);
	for (int pass = 0; pass < 2 && o < cap; pass++) {
		o += (size_t)snprintf(body + o, cap - o, "%s", pass ? "未当选：" : "当选：");
		int k = 0;
		for (int i = 0; i < n && o < cap; i++)
			if (c[i].elected == !pass)
				o += (size_t)snprintf(body + o, cap - o, "%s%s（%lld票）", k++ ? "、" : "", c[i].name,
						      (long long)c[i].votes);
		if (o < cap)
			o += (size_t)snprintf(body + o, cap - o, "%s\n", k ? "" : "无");
	}
	char village[13];
	gz_strlcpy(village, x.place_code, sizeof village);
	board_new bn = {.place_code = village, .category = "village", .title = title, .body = body};
	int64_t entry, seq;
	char hash[BOARD_HASH_HEX + 1];
	rc = board_publish(s, u, &bn, now, &entry, &seq, hash, e);
	free(body);
	return rc;
}

gz_err council_election_act(store *s, const gz_user *u, int64_t id, const char *action, int64_t now, council_election *out,
			    gz_error *e)
{
	council_election x;
	gz_err rc;
	if ((rc = runner(u, e)) || (rc = council_election_get(s, u, id, &x, e)))
		return rc;
	if (!action)
		return gz_fail(e, GZ_E_MISSING_FIELD, "action", "say what to do: publish, open, count, runoff or cancel");
	int64_t today = today_number(now), day = day_number(x.election_day);
	sqlite3_stmt *st = NULL;
	if (!strcmp(action, "publish")) {
		if (strcmp(x.status, "registering"))
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld is %s: cannot publish its list", (long long)id, x.status);
		if (!x.electors)
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld has no registered voter", (long long)id);
		/* Art. 14: the list is published at least 20 days before election day. */
		if (day - today < COUNCIL_LIST_DAYS)
			return gz_fail(e, GZ_E_CONFLICT, "action",
				       "the voter list must be published %d days before election day %s: %lld days are left",
				       COUNCIL_LIST_DAYS, x.election_day, (long long)(day - today));
		st = store_stmt(s, "UPDATE council_elections SET status = 'published', published_at = ?2 WHERE id = ?1");
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, now);
	} else if (!strcmp(action, "open")) {
		if (strcmp(x.status, "published"))
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld is %s: publish its voter list first", (long long)id,
				       x.status);
		if (today < day)
			return gz_fail(e, GZ_E_CONFLICT, "action", "voting opens on election day %s", x.election_day);
		int64_t nc = count_of(s, "SELECT count(*) FROM council_candidates WHERE election_id = ?1 AND round = ?2", id, 1);
		if (nc <= x.seats) /* Art. 15: more candidates than seats */
			return gz_fail(e, GZ_E_CONFLICT, "action", "%lld candidates for %d seats: there must be more candidates than seats",
				       (long long)nc, x.seats);
		st = store_stmt(s, "UPDATE council_elections SET status = 'voting',"
				   " registered = (SELECT count(*) FROM council_electors WHERE election_id = ?1) WHERE id = ?1");
		sqlite3_bind_int64(st, 1, id);
	} else if (!strcmp(action, "count")) {
		if (strcmp(x.status, "voting"))
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld is %s: nothing to count", (long long)id, x.status);
		if ((rc = count_round(s, &x, now, e)) || (rc = publish_result(s, u, id, now, e)))
			return rc;
	} else if (!strcmp(action, "runoff")) {
		if (strcmp(x.status, "counted") || !x.valid)
			return gz_fail(e, GZ_E_CONFLICT, "action", "a run-off follows a valid count (election %lld is %s%s)", (long long)id,
				       x.status, !strcmp(x.status, "counted") ? ", void" : "");
		if (x.round >= 2)
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld has had its run-off", (long long)id);
		if (unfilled(s, &x) <= 0)
			return gz_fail(e, GZ_E_CONFLICT, "action", "every seat of election %lld is filled", (long long)id);
		if ((rc = start_runoff(s, &x, e)))
			return rc;
	} else if (!strcmp(action, "cancel")) {
		if (!strcmp(x.status, "counted") || !strcmp(x.status, "cancelled"))
			return gz_fail(e, GZ_E_CONFLICT, "action", "election %lld is %s", (long long)id, x.status);
		st = store_stmt(s, "UPDATE council_elections SET status = 'cancelled' WHERE id = ?1");
		sqlite3_bind_int64(st, 1, id);
	} else {
		return gz_fail(e, GZ_E_INVALID_VALUE, "action", "action \"%.20s\" is not publish, open, count, runoff or cancel", action);
	}
	if (st && (rc = step_done(s, st, e, "changing an election's state")))
		return rc;
	return election_load(s, id, out, e);
}
