/* council_select.c — choosing projects from applications by reviewers' scores (seed 001: a
 * district's governance-innovation projects, 35 applications, 6 chosen). No HTTP here. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "council/council.h"
#include "places/places.h"

enum { APPLICATIONS_MAX = 500 };

static gz_err step_done(store *s, sqlite3_stmt *st, gz_error *e, const char *what)
{
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare %s", what);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, what);
}

static void place_name(store *s, const char *code, char *out, size_t n)
{
	place p;
	if (places_get(s, code, &p, NULL) == GZ_OK)
		gz_strlcpy(out, p.name, n);
}

int council_mean_cmp(int64_t sum_a, int64_t n_a, int64_t sum_b, int64_t n_b)
{
	if (!n_a || !n_b)
		return (n_a > 0) - (n_b > 0);
	/* sum_a/n_a vs sum_b/n_b without division: scores ≤ 100 and reviewers are few, no overflow. */
	int64_t l = sum_a * n_b, r = sum_b * n_a;
	return (l > r) - (l < r);
}

static gz_err reviewer(const gz_user *u, gz_error *e)
{
	if (u->role != ROLE_ADMIN && u->role != ROLE_OFFICIAL)
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "only an administrator or an official runs a selection");
	return GZ_OK;
}

#define SEL_COLS                                                                                           \
	"x.id, x.place_code, x.title, x.picks, x.status, x.created_by, x.created_at, coalesce(x.closed_at, 0)," \
	" (SELECT count(*) FROM council_applications a WHERE a.selection_id = x.id)"

static void sel_from_row(sqlite3_stmt *st, council_selection *x)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(x->place_code, store_col_text(st, 1), sizeof x->place_code);
	gz_strlcpy(x->title, store_col_text(st, 2), sizeof x->title);
	x->picks = sqlite3_column_int(st, 3);
	gz_strlcpy(x->status, store_col_text(st, 4), sizeof x->status);
	gz_strlcpy(x->created_by, store_col_text(st, 5), sizeof x->created_by);
	x->created_at = sqlite3_column_int64(st, 6);
	x->closed_at = sqlite3_column_int64(st, 7);
	x->applications = sqlite3_column_int64(st, 8);
}

static gz_err sel_load(store *s, int64_t id, council_selection *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " SEL_COLS " FROM council_selections x WHERE x.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read selections");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		sel_from_row(st, out);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "selection_id", "selection %lld not found", (long long)id);
	place_name(s, out->place_code, out->place_name, sizeof out->place_name);
	return GZ_OK;
}

gz_err council_selection_get(store *s, const gz_user *u, int64_t id, council_selection *out, gz_error *e)
{
	gz_err rc = sel_load(s, id, out, e);
	if (rc)
		return rc;
	if (u->role == ROLE_RESIDENT || !scope_contains(u->scope, out->place_code))
		return gz_fail(e, GZ_E_NOT_FOUND, "selection_id", "selection %lld not found", (long long)id);
	return GZ_OK;
}

gz_err council_selection_create(store *s, const gz_user *u, const char *place_code, const char *title, int picks,
				int64_t now, council_selection *out, gz_error *e)
{
	gz_err rc;
	place p;
	if ((rc = reviewer(u, e)))
		return rc;
	if (!place_code || places_level_of(place_code) == PL_NONE || !scope_contains(u->scope, place_code) ||
	    places_get(s, place_code, &p, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%.20s\" not found", place_code ? place_code : "");
	if ((rc = gz_text_check("title", title, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	if (picks < 1 || picks > 100)
		return gz_fail(e, GZ_E_INVALID_VALUE, "picks", "picks must be 1 to 100");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_selections(place_code, title, picks, status, created_by, created_at)"
					 " VALUES (?1, ?2, ?3, 'open', ?4, ?5)");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, picks);
	sqlite3_bind_text(st, 4, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = step_done(s, st, e, "creating a selection")))
		return rc;
	return sel_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_selections(store *s, const gz_range *range, council_selection_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " SEL_COLS " FROM council_selections x"
					 " WHERE x.place_code >= ?1 AND x.place_code < ?2 ORDER BY x.id DESC LIMIT 200");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read selections");
	store_bind_range(st, 1, range);
	council_selection *rows = calloc(200, sizeof *rows);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory listing selections");
	}
	int n = 0;
	while (n < 200 && sqlite3_step(st) == SQLITE_ROW)
		sel_from_row(st, &rows[n++]);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		place_name(s, rows[i].place_code, rows[i].place_name, sizeof rows[i].place_name);
		if (fn(ctx, &rows[i]))
			break;
	}
	free(rows);
	return GZ_OK;
}

static gz_err open_selection(store *s, const gz_user *u, int64_t id, council_selection *x, gz_error *e)
{
	gz_err rc;
	if ((rc = reviewer(u, e)) || (rc = council_selection_get(s, u, id, x, e)))
		return rc;
	if (strcmp(x->status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "selection %lld is closed", (long long)id);
	return GZ_OK;
}

/* The applications of a selection with their scores (caller's own in mine), malloc'd into *out. */
static gz_err load_apps(store *s, const gz_user *u, int64_t id, council_application **out, int *n, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT a.id, a.place_code, a.title, a.chosen, coalesce(a.rank, 0),"
					 " (SELECT count(*) FROM council_scores c WHERE c.application_id = a.id),"
					 " (SELECT coalesce(sum(score), 0) FROM council_scores c WHERE c.application_id = a.id),"
					 " coalesce((SELECT score FROM council_scores c WHERE c.application_id = a.id AND c.reviewer_id = ?2), -1)"
					 " FROM council_applications a WHERE a.selection_id = ?1"
					 " ORDER BY CASE WHEN a.rank IS NULL THEN 1 ELSE 0 END, a.rank, a.id LIMIT 500");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read applications");
	council_application *a = calloc(APPLICATIONS_MAX, sizeof *a);
	if (!a)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading applications");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, u->id);
	int k = 0;
	while (k < APPLICATIONS_MAX && sqlite3_step(st) == SQLITE_ROW) {
		council_application *x = &a[k++];
		x->id = sqlite3_column_int64(st, 0);
		x->selection_id = id;
		gz_strlcpy(x->place_code, store_col_text(st, 1), sizeof x->place_code);
		gz_strlcpy(x->title, store_col_text(st, 2), sizeof x->title);
		x->chosen = sqlite3_column_int(st, 3) != 0;
		x->rank = sqlite3_column_int(st, 4);
		x->scores = sqlite3_column_int64(st, 5);
		x->sum = sqlite3_column_int64(st, 6);
		x->mine = sqlite3_column_int(st, 7);
	}
	sqlite3_reset(st);
	*out = a;
	*n = k;
	return GZ_OK;
}

gz_err council_application_add(store *s, const gz_user *u, int64_t id, const char *place_code, const char *title,
			       int64_t now, council_application *out, gz_error *e)
{
	council_selection x;
	gz_err rc = open_selection(s, u, id, &x, e);
	if (rc)
		return rc;
	place p;
	if (!place_code || places_level_of(place_code) < PL_VILLAGE || !scope_contains(x.place_code, place_code) ||
	    places_get(s, place_code, &p, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "applicant \"%.20s\" not found under \"%s\"",
			       place_code ? place_code : "", x.place_code);
	if ((rc = gz_text_check("title", title, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	if (x.applications >= APPLICATIONS_MAX)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "selection %lld has %d applications, the most it may", (long long)id,
			       APPLICATIONS_MAX);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_applications(selection_id, place_code, title, created_at)"
					 " VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	rc = step_done(s, st, e, "adding an application");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "title", "\"%s\" has already applied with \"%s\"", p.name, title);
	if (rc)
		return rc;
	*out = (council_application){.id = sqlite3_last_insert_rowid(store_db(s)), .selection_id = id, .mine = -1};
	gz_strlcpy(out->place_code, place_code, sizeof out->place_code);
	gz_strlcpy(out->place_name, p.name, sizeof out->place_name);
	gz_strlcpy(out->title, title, sizeof out->title);
	return GZ_OK;
}

gz_err council_score(store *s, const gz_user *u, int64_t id, int64_t application_id, int score, int64_t now, gz_error *e)
{
	council_selection x;
	gz_err rc = open_selection(s, u, id, &x, e);
	if (rc)
		return rc;
	if (score < 0 || score > 100)
		return gz_fail(e, GZ_E_INVALID_VALUE, "score", "a score is 0 to 100");
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_applications WHERE id = ?1 AND selection_id = ?2");
	sqlite3_bind_int64(st, 1, application_id);
	sqlite3_bind_int64(st, 2, id);
	if (!store_step_int(st))
		return gz_fail(e, GZ_E_NOT_FOUND, "application_id", "application %lld not found", (long long)application_id);
	st = store_stmt(s, "INSERT INTO council_scores(application_id, reviewer_id, reviewer, score, at) VALUES (?1, ?2, ?3, ?4, ?5)"
			   " ON CONFLICT (application_id, reviewer_id) DO UPDATE SET score = excluded.score, at = excluded.at");
	sqlite3_bind_int64(st, 1, application_id);
	sqlite3_bind_int64(st, 2, u->id);
	sqlite3_bind_text(st, 3, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, score);
	sqlite3_bind_int64(st, 5, now);
	return step_done(s, st, e, "recording a score");
}

gz_err council_applications(store *s, const gz_user *u, int64_t id, council_application_visit fn, void *ctx, gz_error *e)
{
	council_selection x;
	council_application *a;
	int n;
	gz_err rc;
	if ((rc = council_selection_get(s, u, id, &x, e)) || (rc = load_apps(s, u, id, &a, &n, e)))
		return rc;
	for (int i = 0; i < n; i++) {
		place_name(s, a[i].place_code, a[i].place_name, sizeof a[i].place_name);
		if (fn(ctx, &a[i]))
			break;
	}
	free(a);
	return GZ_OK;
}

static int by_mean(const void *pa, const void *pb)
{
	const council_application *a = pa, *b = pb;
	int c = council_mean_cmp(b->sum, b->scores, a->sum, a->scores); /* highest first */
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

gz_err council_selection_close(store *s, const gz_user *u, int64_t id, int64_t now, council_selection *out, gz_error *e)
{
	council_selection x;
	council_application *a;
	int n;
	gz_err rc;
	if ((rc = open_selection(s, u, id, &x, e)) || (rc = load_apps(s, u, id, &a, &n, e)))
		return rc;
	qsort(a, (size_t)n, sizeof *a, by_mean);
	int ranked = 0;
	while (ranked < n && a[ranked].scores)
		ranked++;
	if (ranked < x.picks) {
		free(a);
		return gz_fail(e, GZ_E_CONFLICT, NULL, "%d applications are scored, %d are to be chosen", ranked, x.picks);
	}
	/* The last chosen and the first not chosen must differ. */
	if (ranked > x.picks && !council_mean_cmp(a[x.picks - 1].sum, a[x.picks - 1].scores, a[x.picks].sum, a[x.picks].scores)) {
		rc = gz_fail(e, GZ_E_CONFLICT, NULL, "applications %lld and %lld tie at place %d: score again to break the tie",
			     (long long)a[x.picks - 1].id, (long long)a[x.picks].id, x.picks);
		free(a);
		return rc;
	}
	sqlite3_stmt *st = store_stmt(s, "UPDATE council_applications SET rank = ?2, chosen = ?3 WHERE id = ?1");
	for (int i = 0; !rc && i < ranked; i++) {
		/* Equal means share a rank (competition ranking). */
		int rank = i && !council_mean_cmp(a[i].sum, a[i].scores, a[i - 1].sum, a[i - 1].scores) ? a[i - 1].rank : i + 1;
		a[i].rank = rank;
		sqlite3_bind_int64(st, 1, a[i].id);
		sqlite3_bind_int(st, 2, rank);
		sqlite3_bind_int(st, 3, i < x.picks);
		rc = step_done(s, st, e, "ranking applications");
	}
	free(a);
	if (rc)
		return rc;
	st = store_stmt(s, "UPDATE council_selections SET status = 'closed', closed_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = step_done(s, st, e, "closing a selection")))
		return rc;
	return sel_load(s, id, out, e);
}
