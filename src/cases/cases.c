/* cases.c — residents' problems: the domain rules (no HTTP here). */
#include "cases/cases.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/ids.h"
#include "core/util.h"
#include "places/places.h"
#include "registry/registry.h"

/* --- words -------------------------------------------------------------------------------- */

const char *const case_channels[] = {"spokesperson", "hall",  "breakfast", "briefing", "grid_visit",   "informant",
				     "qr",           "phone", "online",    "special_needs", NULL};
const char *const case_types[] = {"problem", "suggestion", "dispute", NULL};
const char *const case_kinds[] = {"major", "minor", "private", NULL};
const char *const case_statuses[] = {"submitted", "referred", "replied", "handling", "deliberating", "resolved", "closed", NULL};
const char *const case_resolutions[] = {"community", "volunteers", "resources", "upper", "department",
					"resident",  "market",     "mediation", NULL};
const char *const case_ratings[] = {"satisfied", "basic", "unsatisfied", NULL};
const char *const case_resource_categories[] = {"volunteers", "partner", "fund", "organization", "other", NULL};

int case_word(const char *const *list, const char *w)
{
	if (!w)
		return -1;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], w))
			return i;
	return -1;
}

bool cases_may_see_phone(gz_role r)
{
	return r & (ROLE_ADMIN | ROLE_CADRE | ROLE_GRID_WORKER);
}

void case_free(case_rec *c)
{
	if (c) {
		free(c->content);
		c->content = NULL;
	}
}

void case_events_free(case_event *ev, int n)
{
	for (int i = 0; i < n; i++)
		free(ev[i].note);
	free(ev);
}

/* Status bits, in the order of case_statuses. */
enum { S_SUBMITTED = 1, S_REFERRED = 2, S_REPLIED = 4, S_HANDLING = 8, S_DELIBERATING = 16, S_RESOLVED = 32, S_CLOSED = 64 };
#define S_OPEN (S_SUBMITTED | S_REFERRED | S_REPLIED | S_HANDLING | S_DELIBERATING)
/* Kind bits: not triaged, then case_kinds. */
enum { K_NONE = 1, K_MAJOR = 2, K_MINOR = 4, K_PRIVATE = 8, K_ANY = 15 };

static unsigned status_bit(const char *st)
{
	int i = case_word(case_statuses, st);
	return i < 0 ? 0 : 1u << i;
}

static unsigned kind_bit(const char *k)
{
	int i = case_word(case_kinds, k);
	return i < 0 ? K_NONE : 2u << i;
}

/* --- rows --------------------------------------------------------------------------------- */

/* Place name: the village's own, or "village · grid" below it (the village read only then). */
#define CASE_PLACE_NAME                                                                                    \
	" CASE WHEN length(c.place_code) > 12 THEN coalesce((SELECT v.name FROM places v WHERE v.level = 5"  \
	" AND v.code = substr(c.place_code, 1, 12)), '') || ' · ' || coalesce(p.name, '')"                   \
	" ELSE coalesce(p.name, '') END"
#define CASE_COLS                                                                                          \
	"c.id, c.tracking_code, c.place_code," CASE_PLACE_NAME ","                                           \
	" c.type, c.channel, coalesce(c.kind, ''), c.status, c.title, c.reporter_name, c.reporter_phone,"    \
	" coalesce(c.household_id, 0), coalesce(c.department_id, 0), coalesce(d.name, ''), c.parties,"       \
	" c.mediator, coalesce(c.outcome, ''), coalesce(c.resolution, ''), coalesce(c.rating, ''),"          \
	" c.reopened, c.year, c.work_year, c.month, c.due_days, c.due_at, coalesce(c.feedback_at, 0),"       \
	" coalesce(c.resolved_at, 0), coalesce(c.closed_at, 0), c.escalation_level,"                         \
	" coalesce(c.escalated_to, ''), c.created_by, c.created_at, c.updated_at"
/* A list row as JSON, rendered by SQLite's json_object (a list of 20 rendered by jansson spent half
 * its time building and writing the tree): the fields of cases_list_rows, then the sealed phone,
 * the id and the place code, whose name the visitor adds from places_list_name_json (the places
 * join, left out here, is dropped by SQLite as unused). Times as gz_time_rfc3339 writes them;
 * ?11 is the list's now. */
/* A case still waiting for its feedback past its due time (is_overdue in cases_http.c says the
 * same of a record); ?11 is now. */
#define CASE_OVERDUE " c.feedback_at IS NULL AND c.due_at < ?11 AND c.status NOT IN ('resolved', 'closed')"
#define CASE_T(x) "gz_time(" x ")"
/* JSON true or false as iif's two results: constant, so SQLite makes them once per statement
 * (json(iif(x, 'true', 'false')) parsed text twice a row, a tenth of a page's rendering). */
#define CASE_TRUE "json('true'), json('false')"
#define CASE_JSON                                                                                          \
	"json_object('id', c.id, 'tracking_code', c.tracking_code, 'place_code', c.place_code,"              \
	" 'type', c.type, 'channel', c.channel, 'kind', nullif(c.kind, ''),"                                 \
	" 'status', c.status, 'title', c.title, 'reporter_name', c.reporter_name,"                           \
	" 'department_name', coalesce(d.name, ''), 'resolution', nullif(c.resolution, ''),"                  \
	" 'reopened', iif(c.reopened, " CASE_TRUE "), 'year', c.year, 'work_year', c.work_year,"     \
	" 'carried_from', iif(c.work_year > c.year, c.year, NULL), 'due_at', " CASE_T("c.due_at") ","        \
	" 'overdue', iif(" CASE_OVERDUE ", " CASE_TRUE "), 'feedback_at', " CASE_T("nullif(c.feedback_at, 0)") ","                         \
	" 'escalation_level', c.escalation_level, 'created_at', " CASE_T("c.created_at") "),"                \
	" c.reporter_phone, c.id, c.place_code"
#define CASE_JOINS                                                                                         \
	" LEFT JOIN places p ON p.level = length(c.place_code) / 3 + 1 AND p.code = c.place_code"            \
	" LEFT JOIN case_departments d ON d.id = c.department_id"

static void case_from_row(sqlite3_stmt *st, void *rec, void *arg)
{
	(void)arg;
	case_rec *c = rec;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(c->tracking, store_col_text(st, 1), sizeof c->tracking);
	gz_strlcpy(c->place_code, store_col_text(st, 2), sizeof c->place_code);
	gz_strlcpy(c->place_name, store_col_text(st, 3), sizeof c->place_name);
	gz_strlcpy(c->type, store_col_text(st, 4), sizeof c->type);
	gz_strlcpy(c->channel, store_col_text(st, 5), sizeof c->channel);
	gz_strlcpy(c->kind, store_col_text(st, 6), sizeof c->kind);
	gz_strlcpy(c->status, store_col_text(st, 7), sizeof c->status);
	gz_strlcpy(c->title, store_col_text(st, 8), sizeof c->title);
	gz_strlcpy(c->reporter_name, store_col_text(st, 9), sizeof c->reporter_name);
	store_col_sealed(st, 10, c->reporter_phone, sizeof c->reporter_phone);
	c->household_id = sqlite3_column_int64(st, 11);
	c->department_id = sqlite3_column_int64(st, 12);
	gz_strlcpy(c->department_name, store_col_text(st, 13), sizeof c->department_name);
	gz_strlcpy(c->parties, store_col_text(st, 14), sizeof c->parties);
	gz_strlcpy(c->mediator, store_col_text(st, 15), sizeof c->mediator);
	gz_strlcpy(c->outcome, store_col_text(st, 16), sizeof c->outcome);
	gz_strlcpy(c->resolution, store_col_text(st, 17), sizeof c->resolution);
	gz_strlcpy(c->rating, store_col_text(st, 18), sizeof c->rating);
	c->reopened = sqlite3_column_int(st, 19);
	c->year = sqlite3_column_int(st, 20);
	c->work_year = sqlite3_column_int(st, 21);
	gz_strlcpy(c->month, store_col_text(st, 22), sizeof c->month);
	c->due_days = sqlite3_column_int(st, 23);
	c->due_at = sqlite3_column_int64(st, 24);
	c->feedback_at = sqlite3_column_int64(st, 25);
	c->resolved_at = sqlite3_column_int64(st, 26);
	c->closed_at = sqlite3_column_int64(st, 27);
	c->escalation_level = sqlite3_column_int(st, 28);
	gz_strlcpy(c->escalated_to, store_col_text(st, 29), sizeof c->escalated_to);
	gz_strlcpy(c->created_by, store_col_text(st, 30), sizeof c->created_by);
	c->created_at = sqlite3_column_int64(st, 31);
	c->updated_at = sqlite3_column_int64(st, 32);
}

/* The case by id with its content, without any scope check (callers check). */
static gz_err load(store *s, int64_t id, case_rec *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " CASE_COLS ", c.content FROM cases c" CASE_JOINS " WHERE c.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read case %lld", (long long)id);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		case_from_row(st, out, NULL);
		out->content = strdup(store_col_text(st, 33));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return out->content ? GZ_OK : gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	if (rc == SQLITE_DONE)
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "case %lld not found", (long long)id);
	return store_fail(s, rc, e, "reading a case");
}

int64_t cases_user_department(store *s, int64_t user_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT department_id FROM case_department_members WHERE user_id = ?1");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, user_id);
	return store_step_int(st);
}

/* The one check of who may see a case: inside the caller's subtree, and for a department user
 * only the cases referred to its department. Outside: 404, as if it did not exist. */
static bool may_see(store *s, const gz_user *u, const case_rec *c)
{
	if (!scope_contains(u->scope, c->place_code))
		return false;
	if (u->role == ROLE_DEPARTMENT) {
		int64_t d = cases_user_department(s, u->id);
		return d && d == c->department_id;
	}
	return true;
}

gz_err cases_get(store *s, const gz_user *u, int64_t id, int64_t now, case_rec *out, gz_error *e)
{
	(void)now;
	gz_err rc = load(s, id, out, e);
	if (rc)
		return rc;
	if (!may_see(s, u, out)) {
		case_free(out);
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "case %lld not found", (long long)id);
	}
	return GZ_OK;
}

gz_err cases_get_tracking(store *s, const char *tracking, case_rec *out, gz_error *e)
{
	char code[CASE_TRACKING_LEN + 1];
	size_t n = tracking ? strlen(tracking) : 0;
	if (n != CASE_TRACKING_LEN && n != CASE_TRACKING_OLD_LEN)
		return gz_fail(e, GZ_E_NOT_FOUND, "tracking_code", "no case has tracking code \"%.20s\"", tracking ? tracking : "");
	for (size_t i = 0; i < n; i++) /* codes are read aloud and typed: compared upper-cased */
		code[i] = (char)(tracking[i] >= 'a' && tracking[i] <= 'z' ? tracking[i] - 32 : tracking[i]);
	code[n] = '\0';
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM cases WHERE tracking_code = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read cases");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	int64_t id = store_step_int(st);
	if (!id)
		return gz_fail(e, GZ_E_NOT_FOUND, "tracking_code", "no case has tracking code \"%s\"", code);
	return load(s, id, out, e);
}

/* Actions the reporter sees on the tracking page (the others are internal). */
static const char *const public_actions[] = {"submit", "triage", "reply",    "deliberate", "decide", "feedback",
					     "resolve", "evaluate", "close", "carry", NULL};

gz_err cases_events(store *s, int64_t case_id, bool public_only, case_event **ev, int *n, gz_error *e)
{
	*ev = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, "SELECT id, at, actor, action, coalesce(from_status, ''), coalesce(to_status, ''),"
					 " note, detail FROM case_events WHERE case_id = ?1 ORDER BY id LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the history of case %lld", (long long)case_id);
	case_event *v = calloc(CASE_EVENTS_MAX, sizeof *v);
	if (!v)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, CASE_EVENTS_MAX);
	int k = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *action = store_col_text(st, 3);
		if (public_only && case_word(public_actions, action) < 0)
			continue;
		case_event *x = &v[k];
		x->id = sqlite3_column_int64(st, 0);
		x->at = sqlite3_column_int64(st, 1);
		gz_strlcpy(x->actor, store_col_text(st, 2), sizeof x->actor);
		gz_strlcpy(x->action, action, sizeof x->action);
		gz_strlcpy(x->from, store_col_text(st, 4), sizeof x->from);
		gz_strlcpy(x->to, store_col_text(st, 5), sizeof x->to);
		gz_strlcpy(x->detail, store_col_text(st, 7), sizeof x->detail);
		x->note = strdup(store_col_text(st, 6));
		k++;
		if (!x->note)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		case_events_free(v, k);
		return store_fail(s, rc, e, "reading a case's history");
	}
	*ev = v;
	*n = k;
	return GZ_OK;
}

gz_err cases_files(store *s, int64_t case_id, case_file *out, int *n, gz_error *e)
{
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, "SELECT id, case_id, size, created_at, mime FROM case_files WHERE case_id = ?1"
					 " ORDER BY id LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the images of case %lld", (long long)case_id);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, CASE_FILES_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		case_file *f = &out[(*n)++];
		f->id = sqlite3_column_int64(st, 0);
		f->case_id = sqlite3_column_int64(st, 1);
		f->size = sqlite3_column_int64(st, 2);
		f->created_at = sqlite3_column_int64(st, 3);
		gz_strlcpy(f->mime, store_col_text(st, 4), sizeof f->mime);
	}
	sqlite3_reset(st);
	return GZ_OK;
}

/* --- counters for the figures --------------------------------------------------------------- */

/* What one case adds to the counters, and under which breakdown key. The figures are the sum
 * of this over the cases; every change applies (after − before), so the counters and a direct
 * count over the cases cannot disagree (tests compare them). */
typedef struct {
	char channel[16], type[12], kind[12], area[12], resolution[16];
	case_counts c;
} contrib;

static const char *area_of(const char *code)
{
	char township[10];
	if (strlen(code) < 9)
		return "";
	memcpy(township, code, 9);
	township[9] = '\0';
	return places_is_street(township) ? "street" : "township";
}

static void contrib_of(const case_rec *c, contrib *x)
{
	memset(x, 0, sizeof *x);
	gz_strlcpy(x->channel, c->channel, sizeof x->channel);
	gz_strlcpy(x->type, c->type, sizeof x->type);
	gz_strlcpy(x->kind, c->kind, sizeof x->kind);
	gz_strlcpy(x->area, area_of(c->place_code), sizeof x->area);
	gz_strlcpy(x->resolution, c->resolution, sizeof x->resolution);
	unsigned st = status_bit(c->status);
	x->c.collected = 1;
	x->c.resolved = (st & (S_RESOLVED | S_CLOSED)) != 0;
	x->c.carried = c->work_year > c->year;
	x->c.overdue = c->escalation_level > 0 || (c->feedback_at && c->feedback_at > c->due_at);
	x->c.fb_n = c->feedback_at != 0;
	x->c.fb_secs = c->feedback_at ? c->feedback_at - c->created_at : 0;
	x->c.fb_ontime = c->feedback_at && c->feedback_at <= c->due_at;
}

static bool counts_zero(const case_counts *c)
{
	return !c->collected && !c->resolved && !c->carried && !c->overdue && !c->fb_n && !c->fb_secs && !c->fb_ontime;
}

static void counts_add(case_counts *d, const case_counts *a, int sign)
{
	d->collected += sign * a->collected;
	d->resolved += sign * a->resolved;
	d->carried += sign * a->carried;
	d->overdue += sign * a->overdue;
	d->fb_n += sign * a->fb_n;
	d->fb_secs += sign * a->fb_secs;
	d->fb_ontime += sign * a->fb_ontime;
}

static const int stat_levels[] = {6, 9, 12};
/* Counties and townships keep the breakdown rows (dim 'x') only: their sum is the row of all
 * cases, which was one more row to change per level for every case. Villages keep the row of
 * all cases (dim '') only: a village's figures are counted from its own cases (a few thousand
 * at most), and its breakdown rows — one per channel, type, kind, area and resolution for each
 * of a county's villages — were the most scattered pages every new case wrote; a township's
 * figures list its villages from their rows. */
enum { STAT_KEYED_MAX = 9 };

/* The dim of the rows kept at level lvl. */
static const char *stat_dim(int lvl)
{
	return lvl > STAT_KEYED_MAX ? "" : "x";
}

/* One counter row's change: the key of a case_stats row and what to add to it. */
typedef struct {
	int lvl;
	char code[13], month[8];
	bool keyed; /* dim 'x' (by channel, type, kind, area, resolution) or '' (all cases) */
	contrib key;
} stat_delta;

static int stat_delta_cmp(const void *pa, const void *pb)
{
	const stat_delta *a = *(const stat_delta *const *)pa, *b = *(const stat_delta *const *)pb;
	int c;
	if (a->lvl != b->lvl)
		return a->lvl - b->lvl;
	if (a->keyed != b->keyed)
		return (int)a->keyed - (int)b->keyed;
	if ((c = strcmp(a->code, b->code)) || (c = strcmp(a->month, b->month)))
		return c;
	if (!a->keyed)
		return 0;
	if ((c = strcmp(a->key.channel, b->key.channel)) || (c = strcmp(a->key.type, b->key.type)) ||
	    (c = strcmp(a->key.kind, b->key.kind)) || (c = strcmp(a->key.area, b->key.area)))
		return c;
	return strcmp(a->key.resolution, b->key.resolution);
}

/* At the end of a write transaction: the counter changes of all its writes, summed per row
 * (a batch of cases shares its county's and townships' rows), one upsert per row. */
static gz_err stats_flush(store *s, const void *const *recs, const size_t *lens, size_t n, gz_error *e)
{
	(void)lens;
	const stat_delta **v = malloc(n * sizeof *v);
	if (!v)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory counting cases");
	for (size_t i = 0; i < n; i++)
		v[i] = recs[i];
	qsort(v, n, sizeof *v, stat_delta_cmp);
	/* Most rows exist after the first cases of a month: an UPDATE finds and changes them in one
	 * seek (an upsert tries the insert first, then seeks again to update). */
	sqlite3_stmt *up = store_stmt(
		s, "UPDATE case_stats SET collected = collected + ?10, resolved = resolved + ?11, carried = carried + ?12,"
		   " overdue = overdue + ?13, fb_n = fb_n + ?14, fb_secs = fb_secs + ?15, fb_ontime = fb_ontime + ?16"
		   " WHERE lvl = ?1 AND dim = ?2 AND place_code = ?3 AND month = ?4 AND channel = ?5 AND type = ?6"
		   " AND kind = ?7 AND area = ?8 AND resolution = ?9");
	sqlite3_stmt *ins = store_stmt(
		s, "INSERT INTO case_stats(lvl, dim, place_code, month, channel, type, kind, area, resolution, collected,"
		   " resolved, carried, overdue, fb_n, fb_secs, fb_ontime)"
		   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
	gz_err rc = up && ins ? GZ_OK : gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count cases");
	sqlite3 *db = store_db(s);
	for (size_t i = 0; i < n && !rc;) {
		const stat_delta *k = v[i];
		case_counts d = {0};
		for (; i < n && !stat_delta_cmp(&v[i], &k); i++)
			counts_add(&d, &v[i]->key.c, 1);
		if (counts_zero(&d))
			continue;
		for (int pass = 0; pass < 2; pass++) {
			sqlite3_stmt *st = pass ? ins : up;
			sqlite3_bind_int(st, 1, k->lvl);
			sqlite3_bind_text(st, 2, k->keyed ? "x" : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, k->code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, k->month, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, k->keyed ? k->key.channel : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, k->keyed ? k->key.type : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 7, k->keyed ? k->key.kind : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 8, k->keyed ? k->key.area : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 9, k->keyed ? k->key.resolution : "", -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 10, d.collected);
			sqlite3_bind_int64(st, 11, d.resolved);
			sqlite3_bind_int64(st, 12, d.carried);
			sqlite3_bind_int64(st, 13, d.overdue);
			sqlite3_bind_int64(st, 14, d.fb_n);
			sqlite3_bind_int64(st, 15, d.fb_secs);
			sqlite3_bind_int64(st, 16, d.fb_ontime);
			int sr = sqlite3_step(st);
			sqlite3_reset(st);
			if (sr != SQLITE_DONE) {
				rc = store_fail(s, sr, e, "counting cases");
				break;
			}
			if (!pass && sqlite3_changes(db) > 0)
				break; /* the row was there */
		}
	}
	free(v);
	return rc;
}

static const store_deferral stats_deferral = {"the counters of cases", stats_flush};

/* Add d to the counters of code's county, township and village for month (under key's
 * breakdown, or the row of all cases when key is NULL) — at the end of the transaction. */
static gz_err stats_put(store *s, const char *code, const char *month, const contrib *key, const case_counts *d,
			gz_error *e)
{
	size_t len = strlen(code);
	for (size_t i = 0; i < sizeof stat_levels / sizeof *stat_levels; i++) {
		if (len < (size_t)stat_levels[i] || (key && stat_levels[i] > STAT_KEYED_MAX))
			break;
		if (!key && stat_levels[i] <= STAT_KEYED_MAX)
			continue;
		stat_delta x;
		memset(&x, 0, sizeof x);
		x.lvl = stat_levels[i];
		memcpy(x.code, code, (size_t)x.lvl);
		gz_strlcpy(x.month, month, sizeof x.month);
		x.keyed = key != NULL;
		if (key)
			x.key = *key;
		x.key.c = *d;
		gz_err rc = store_defer(s, &stats_deferral, &x, sizeof x, e);
		if (rc)
			return rc;
	}
	return GZ_OK;
}

static bool same_key(const contrib *a, const contrib *b)
{
	return !strcmp(a->channel, b->channel) && !strcmp(a->type, b->type) && !strcmp(a->kind, b->kind) &&
	       !strcmp(a->area, b->area) && !strcmp(a->resolution, b->resolution);
}

/* Move the counters from what `before` contributed (NULL: a new case) to what `after` does. */
static gz_err stats_apply(store *s, const case_rec *before, const case_rec *after, gz_error *e)
{
	contrib b = {0}, a;
	if (before)
		contrib_of(before, &b);
	contrib_of(after, &a);
	case_counts d = a.c;
	counts_add(&d, &b.c, -1);
	gz_err rc = GZ_OK;
	if (!counts_zero(&d))
		rc = stats_put(s, after->place_code, after->month, NULL, &d, e);
	if (rc)
		return rc;
	if (before && same_key(&a, &b))
		return counts_zero(&d) ? GZ_OK : stats_put(s, after->place_code, after->month, &a, &d, e);
	if (before) {
		case_counts neg = {0};
		counts_add(&neg, &b.c, -1);
		if ((rc = stats_put(s, before->place_code, before->month, &b, &neg, e)))
			return rc;
	}
	return stats_put(s, after->place_code, after->month, &a, &a.c, e);
}

/* --- history ------------------------------------------------------------------------------ */

static gz_err event_add(store *s, int64_t case_id, int64_t now, const gz_user *u, const char *actor, const char *action,
			const char *from, const char *to, const char *note, const char *detail, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO case_events(case_id, at, actor_id, actor, action, from_status,"
					 " to_status, note, detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot record the history of case %lld", (long long)case_id);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, now);
	if (u)
		sqlite3_bind_int64(st, 3, u->id);
	sqlite3_bind_text(st, 4, u ? u->username : actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
	store_bind_text(st, 6, from && *from ? from : NULL);
	store_bind_text(st, 7, to && *to ? to : NULL);
	sqlite3_bind_text(st, 8, note ? note : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, detail ? detail : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "recording a case's history");
}

/* Write the mutable columns of c back (the rest never changes after intake). */
static gz_err save(store *s, const case_rec *c, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(
		s, "UPDATE cases SET kind = ?2, status = ?3, department_id = ?4, mediator = ?5, outcome = ?6,"
		   " resolution = ?7, rating = ?8, reopened = ?9, work_year = ?10, feedback_at = ?11, resolved_at = ?12,"
		   " closed_at = ?13, escalation_level = ?14, escalated_to = ?15, updated_at = ?16 WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot update case %lld", (long long)c->id);
	sqlite3_bind_int64(st, 1, c->id);
	store_bind_text(st, 2, *c->kind ? c->kind : NULL);
	sqlite3_bind_text(st, 3, c->status, -1, SQLITE_TRANSIENT);
	if (c->department_id)
		sqlite3_bind_int64(st, 4, c->department_id);
	sqlite3_bind_text(st, 5, c->mediator, -1, SQLITE_TRANSIENT);
	store_bind_text(st, 6, *c->outcome ? c->outcome : NULL);
	store_bind_text(st, 7, *c->resolution ? c->resolution : NULL);
	store_bind_text(st, 8, *c->rating ? c->rating : NULL);
	sqlite3_bind_int(st, 9, c->reopened);
	sqlite3_bind_int(st, 10, c->work_year);
	int64_t times[] = {c->feedback_at, c->resolved_at, c->closed_at};
	for (int i = 0; i < 3; i++)
		if (times[i])
			sqlite3_bind_int64(st, 11 + i, times[i]);
	sqlite3_bind_int(st, 14, c->escalation_level);
	store_bind_text(st, 15, *c->escalated_to ? c->escalated_to : NULL);
	sqlite3_bind_int64(st, 16, c->updated_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "updating a case");
}

/* Save c, count the change against `before` and write the history row. */
static gz_err commit_change(store *s, const case_rec *before, case_rec *c, int64_t now, const gz_user *u,
			    const char *actor, const char *action, const char *note, const char *detail, gz_error *e)
{
	c->updated_at = now;
	gz_err rc;
	if ((rc = save(s, c, e)) || (rc = stats_apply(s, before, c, e)))
		return rc;
	return event_add(s, c->id, now, u, actor, action, before->status, c->status, note, detail, e);
}

/* --- intake ------------------------------------------------------------------------------- */

/* Split text for the single-character index: every character a token (CJK, and ASCII letters
 * and digits too, so 301 finds 1301 and Fi finds WiFi); punctuation and spaces separate. In the
 * index a separator is itself a token ("zz", which no single character produces), so a phrase
 * never matches across a comma or from the title into the content. */
char *cases_search_text(const char *s, bool index)
{
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 4), *o = out;
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	bool sep = false; /* a separator is pending */
	while (*p) {
		int len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		bool token;
		if (*p < 0x80)
			token = (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
		else /* CJK punctuation (、。「」，！？ …) and general punctuation separate like ASCII's */
			token = !((p[0] == 0xe3 && p[1] == 0x80) || (p[0] == 0xef && (p[1] == 0xbc || p[1] == 0xbd) &&
								       !(p[1] == 0xbc && p[2] >= 0x90 && p[2] <= 0x99)) ||
				  (p[0] == 0xe2 && p[1] == 0x80));
		if (!token) {
			sep = o != out;
			for (int i = 0; i < len && *p; i++)
				p++;
			continue;
		}
		if (sep && index) {
			memcpy(o, "zz ", 3);
			o += 3;
		}
		sep = false;
		for (int i = 0; i < len && *p; i++)
			*o++ = (char)*p++;
		*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* The tracking code of case id: its number in the first 5 characters, so that new codes follow
 * each other in the index of codes — random ones put every new case on a page of its own
 * among thousands, written again at every checkpoint (at a million cases that index cost the
 * writer and the checkpointer a sixth of their time) — and 7 random ones, which are what
 * makes a code hard to guess. Past 31^5 (28.6 million) cases the number starts again; the
 * random part and the unique index keep codes apart. */
static void make_tracking(int64_t id, char out[CASE_TRACKING_LEN + 1])
{
	/* Crockford-like: no 0/O, 1/I/L, so a code read over the phone is not misheard. */
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	enum { N = sizeof alphabet - 1, TOP = 256 / N * N, NUMBER = 5 };
	uint64_t v = (uint64_t)id;
	for (int i = NUMBER - 1; i >= 0; i--) {
		out[i] = alphabet[v % N];
		v /= N;
	}
	/* Random bytes drawn 512 at a time for the thread (a getrandom system call per code was 2 %
	 * of the writer's time); bytes at or above TOP are dropped so every character is equally
	 * likely. A byte is used once. */
	static _Thread_local unsigned char pool[512];
	static _Thread_local size_t used = sizeof pool;
	for (int i = NUMBER; i < CASE_TRACKING_LEN;) {
		if (used == sizeof pool) {
			randombytes_buf(pool, sizeof pool);
			used = 0;
		}
		unsigned char b = pool[used];
		pool[used++] = 0;
		if (b < TOP)
			out[i++] = alphabet[b % N];
	}
	out[CASE_TRACKING_LEN] = '\0';
}

int cases_due_days(store *s, const char *code, char set_at[GZ_CODE_MAX + 1])
{
	if (set_at)
		set_at[0] = '\0';
	/* Every prefix of code sorts between its province and code itself: one range read (an IN
	 * list of the seven prefixes made SQLite build a table for each intake), then the longest
	 * setting that is a prefix wins. Settings are few. */
	sqlite3_stmt *st = store_stmt(s, "SELECT place_code, due_days FROM case_settings"
					 " WHERE place_code >= ?1 AND place_code <= ?2");
	size_t n = strlen(code);
	if (!st || n < 2)
		return CASE_DUE_DAYS;
	sqlite3_bind_text(st, 1, code, 2, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, (int)n, SQLITE_STATIC);
	int days = CASE_DUE_DAYS;
	size_t best = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *pc = store_col_text(st, 0);
		size_t pl = strlen(pc);
		if (pl > best && pl <= n && !strncmp(pc, code, pl)) {
			best = pl;
			days = sqlite3_column_int(st, 1);
			if (set_at)
				gz_strlcpy(set_at, pc, GZ_CODE_MAX + 1);
		}
	}
	sqlite3_reset(st);
	return days;
}

static gz_err opt_text(const char *field, const char *v, size_t max, gz_error *e)
{
	return v ? gz_text_check(field, v, 0, max, e) : GZ_OK;
}

/* The search index follows the cases in batches: FTS5 indexed a batch of a few cases per commit
 * at about 40 µs a case (a new segment each time, merged again later), a quarter of the single
 * writer's time per case at a million cases; 256 at a time cost about 11 µs a case. The cases
 * above the mark TEXT_KEY (at most TEXT_BATCH - 1 of them) are searched by scanning their text
 * (PLAN_TAIL), so a search finds a case the moment it is acknowledged. */
enum { TEXT_BATCH = 256 };
#define TEXT_KEY "cases.text_indexed"

static int64_t text_indexed(store *s)
{
	char v[24];
	return store_meta_get(s, TEXT_KEY, v, sizeof v) ? strtoll(v, NULL, 10) : 0;
}

/* Index every case above the mark and move the mark; in the caller's write transaction. */
static gz_err text_catch_up(store *s, gz_error *e)
{
	int64_t hw = text_indexed(s), last = hw;
	sqlite3_stmt *rd = store_stmt(s, "SELECT id, title, content FROM cases WHERE id > ?1 ORDER BY id");
	sqlite3_stmt *ins = store_stmt(s, "INSERT INTO case_text(rowid, body) VALUES(?1, ?2)");
	if (!rd || !ins)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot index cases");
	sqlite3_bind_int64(rd, 1, hw);
	gz_err rc = GZ_OK;
	int sr;
	while (!rc && (sr = sqlite3_step(rd)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(rd, 0);
		const char *title = store_col_text(rd, 1), *content = store_col_text(rd, 2);
		size_t tl = strlen(title), cl = strlen(content);
		char *joined = malloc(tl + cl + 2), *text = NULL;
		if (joined) {
			memcpy(joined, title, tl);
			joined[tl] = '\n';
			memcpy(joined + tl + 1, content, cl + 1);
			text = cases_search_text(joined, true);
			free(joined);
		}
		if (!text) {
			rc = gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
			break;
		}
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_STATIC);
		int ir = sqlite3_step(ins);
		sqlite3_reset(ins);
		free(text);
		if (ir != SQLITE_DONE)
			rc = store_fail(s, ir, e, "indexing a case");
		last = id;
	}
	if (!rc && sr != SQLITE_DONE)
		rc = store_fail(s, sr, e, "reading cases to index");
	sqlite3_reset(rd);
	if (!rc && last > hw) {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)last);
		rc = store_meta_set(s, TEXT_KEY, v, e);
	}
	return rc;
}

static gz_err text_job(store *s, void *ctx, gz_error *e)
{
	(void)ctx;
	return text_catch_up(s, e);
}

gz_err cases_text_follow(store *s, gz_error *e)
{
	int64_t hw = text_indexed(s), top = 0;
	sqlite3_stmt *mx = store_stmt(s, "SELECT coalesce(max(id), 0) FROM cases");
	if (mx)
		top = store_step_int(mx);
	return top > hw ? store_write_run(s, text_job, NULL, e) : GZ_OK;
}

gz_err cases_create(store *s, const gz_user *u, const case_new *in, int64_t now, case_rec *out, gz_error *e)
{
	gz_err rc;
	place p;
	if (!in->place_code || places_level_of(in->place_code) == PL_NONE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "place code \"%s\" is not a place code",
			       in->place_code ? in->place_code : "");
	if ((u && !scope_contains(u->scope, in->place_code)) || places_get(s, in->place_code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", in->place_code);
	if (p.level < PL_VILLAGE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code",
			       "a case belongs to a village, community, grid or building, not to \"%s\"", p.name);
	const char *channel = u ? in->channel : "qr";
	const char *type = in->type && *in->type ? in->type : "problem";
	if (case_word(case_channels, channel) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "channel", "channel \"%s\" is not one of the intake channels",
			       channel ? channel : "");
	if (case_word(case_types, type) < 0 || (!u && !strcmp(type, "dispute")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "type", "type \"%s\" must be problem, suggestion%s", type,
			       u ? " or dispute" : "");
	if ((rc = gz_text_check("title", in->title ? in->title : "", 1, CASE_TITLE_MAX, e)) ||
	    (rc = gz_text_check_lines("content", in->content ? in->content : "", 1, CASE_CONTENT_MAX, e)) ||
	    (rc = opt_text("reporter_name", in->reporter_name, CASE_NAME_MAX, e)))
		return rc;
	const char *parties = in->parties ? in->parties : "";
	if (!strcmp(type, "dispute")) {
		if ((rc = gz_text_check_lines("parties", parties, 1, CASE_PARTIES_MAX, e)))
			return rc;
	} else if (*parties) {
		return gz_fail(e, GZ_E_INVALID_VALUE, "parties", "only a dispute names parties");
	}
	char last4[5];
	if (in->reporter_phone && *in->reporter_phone && (rc = ids_phone_check("reporter_phone", in->reporter_phone, last4, e)))
		return rc;
	if (in->household_id) {
		gz_range r;
		scope_range_of(u ? u->scope : in->place_code, &r);
		reg_household h;
		if (registry_household_get(s, &r, in->household_id, &h, NULL) != GZ_OK)
			return gz_fail(e, GZ_E_NOT_FOUND, "household_id", "household %lld not found", (long long)in->household_id);
		if (strncmp(h.place_code, in->place_code, 12))
			return gz_fail(e, GZ_E_INVALID_VALUE, "household_id", "household %lld is not in the case's village",
				       (long long)in->household_id);
	}

	case_rec c;
	memset(&c, 0, sizeof c);
	gz_strlcpy(c.place_code, in->place_code, sizeof c.place_code);
	gz_strlcpy(c.type, type, sizeof c.type);
	gz_strlcpy(c.channel, channel, sizeof c.channel);
	gz_strlcpy(c.status, "submitted", sizeof c.status);
	char date[11];
	gz_date_shanghai(now, date);
	c.year = c.work_year = atoi(date);
	memcpy(c.month, date, 7);
	c.month[7] = '\0';
	c.due_days = cases_due_days(s, in->place_code, NULL);
	c.due_at = now + (int64_t)c.due_days * 86400;
	c.created_at = c.updated_at = now;

	/* The case's number is taken here (the writer is the only one) because its code carries it. */
	sqlite3_stmt *next = store_stmt(s, "SELECT coalesce(max(id), 0) + 1 FROM cases");
	sqlite3_stmt *st = store_stmt(
		s, "INSERT INTO cases(id, tracking_code, place_code, type, channel, status, title, content, reporter_name,"
		   " reporter_phone, household_id, parties, year, work_year, month, due_days, due_at, created_by, created_at,"
		   " updated_at) VALUES(?17, ?1, ?2, ?3, ?4, 'submitted', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14,"
		   " ?15, ?16, ?16)");
	if (!st || !next)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot record a case");
	c.id = store_step_int(next);
	int sr = SQLITE_CONSTRAINT;
	for (int attempt = 0; attempt < 4 && sr == SQLITE_CONSTRAINT; attempt++) {
		make_tracking(c.id, c.tracking);
		sqlite3_bind_text(st, 1, c.tracking, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, c.place_code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, c.type, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, c.channel, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, in->title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, in->content, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, in->reporter_name ? in->reporter_name : "", -1, SQLITE_TRANSIENT);
		store_bind_sealed(st, 8, in->reporter_phone);
		if (in->household_id)
			sqlite3_bind_int64(st, 9, in->household_id);
		sqlite3_bind_text(st, 10, parties, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 11, c.year);
		sqlite3_bind_text(st, 12, c.month, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 13, c.due_days);
		sqlite3_bind_int64(st, 14, c.due_at);
		sqlite3_bind_text(st, 15, u ? u->username : "public", -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 16, now);
		sqlite3_bind_int64(st, 17, c.id);
		sr = sqlite3_step(st);
		sqlite3_reset(st);
	}
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "recording a case");

	/* The search index: this case and those before it, once TEXT_BATCH wait (text_catch_up). */
	if (c.id - text_indexed(s) >= TEXT_BATCH && (rc = text_catch_up(s, e)))
		return rc;
	if ((rc = stats_apply(s, NULL, &c, e)) ||
	    (rc = event_add(s, c.id, now, u, "public", "submit", NULL, "submitted", NULL, channel, e)))
		return rc;
	c.submit_event = sqlite3_last_insert_rowid(store_db(s));
	/* The reply: what was just written, without reading it back. */
	c.content = strdup(in->content);
	if (!c.content)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	gz_strlcpy(c.title, in->title, sizeof c.title);
	gz_strlcpy(c.reporter_name, in->reporter_name ? in->reporter_name : "", sizeof c.reporter_name);
	gz_strlcpy(c.reporter_phone, in->reporter_phone ? in->reporter_phone : "", sizeof c.reporter_phone);
	gz_strlcpy(c.parties, parties, sizeof c.parties);
	c.household_id = in->household_id;
	gz_strlcpy(c.created_by, u ? u->username : "public", sizeof c.created_by);
	if (p.level > PL_VILLAGE) { /* a grid or building is named with its village, as CASE_COLS does */
		place v;
		char vcode[13];
		memcpy(vcode, p.code, 12);
		vcode[12] = '\0';
		if (places_get(s, vcode, &v, NULL) != GZ_OK)
			v.name[0] = '\0';
		char both[sizeof v.name + sizeof p.name + 8];
		snprintf(both, sizeof both, "%s · %s", v.name, p.name);
		gz_strlcpy(c.place_name, both, sizeof c.place_name);
	} else {
		gz_strlcpy(c.place_name, p.name, sizeof c.place_name);
	}
	*out = c;
	return GZ_OK;
}

/* --- lists -------------------------------------------------------------------------------- */

/* The filter of a list plan, with only the terms its filters need (a term per filter that is
 * always there, "?5 IS NULL OR …", cost SQLite as much again as the walk itself): ?1 ?2 the
 * range, ?3 the cursor, ?4 … ?13 the filters, ?14 the limit. */
static void list_where(const case_filter *f, int64_t dept, bool range, char *out, size_t n)
{
	/* Cheap and selective terms first: SQLite tests them in the order written, on every entry
	 * of the index it walks. */
	snprintf(out, n, "%s c.id < ?3%s%s%s%s%s%s%s%s%s", range ? " c.place_code >= ?1 AND c.place_code < ?2 AND" : "",
		 f->channel ? " AND c.channel = ?6" : "", f->type ? " AND c.type = ?7" : "",
		 f->kind ? " AND coalesce(c.kind, 'none') = ?5" : "",
		 !f->status ? "" : !strcmp(f->status, "open") ? " AND c.status NOT IN ('resolved', 'closed')" : " AND c.status = ?4",
		 f->year ? " AND c.year = ?8" : "", f->work_year ? " AND c.work_year = ?9" : "",
		 f->overdue ? " AND" CASE_OVERDUE : "",
		 f->escalated ? " AND c.escalation_level > 0" : "", dept ? " AND c.department_id = ?13" : "");
}

/* Roughly how many cases lie in range (from the counters), to choose the list's plan. */
static int64_t range_size(store *s, const gz_range *r)
{
	size_t len = strlen(r->lo);
	if (len > 12)
		return 0;
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(sum(collected), 0) FROM case_stats"
					 " WHERE lvl = ?3 AND dim = ?4 AND place_code >= ?1 AND place_code < ?2");
	if (!st)
		return 0;
	int lvl = len <= 6 ? 6 : len <= 9 ? 9 : 12;
	store_bind_range(st, 1, r);
	sqlite3_bind_int(st, 3, lvl);
	sqlite3_bind_text(st, 4, stat_dim(lvl), -1, SQLITE_STATIC);
	return store_step_int(st);
}

/* The plans of a list: the columns (those of case_from_row, or a row as JSON) and the filter go
 * in as %s. */
#define PLAN_SEARCH                                                                                        \
	"SELECT %s FROM case_text t JOIN cases c ON c.id = t.rowid" CASE_JOINS                                \
	" WHERE case_text MATCH ?15 AND t.rowid < ?3 AND t.rowid <= ?17 AND%s ORDER BY t.rowid DESC LIMIT ?14"
/* The cases not yet in the search index (above ?17, fewer than TEXT_BATCH): their text read. A
 * phrase of single characters matches where its characters stand side by side with no separator
 * between them, and the title never runs into the content, so ?18 is the query's characters
 * without separators, found in the title, a newline, the content; lower() folds ASCII as the
 * index's tokenizer does. */
#define PLAN_TAIL                                                                                          \
	"SELECT %s FROM cases c" CASE_JOINS " WHERE c.id > ?17 AND instr(lower(c.title || char(10) || c.content), ?18)" \
	" AND%s ORDER BY c.id DESC LIMIT ?14"
#define PLAN_DEPT                                                                                          \
	"SELECT %s FROM cases c INDEXED BY cases_department" CASE_JOINS                                       \
	" WHERE c.department_id = ?13 AND%s ORDER BY c.id DESC LIMIT ?14"
#define PLAN_LEVEL(IDX, N)                                                                                 \
	"SELECT %s FROM cases c INDEXED BY " IDX CASE_JOINS " WHERE substr(c.place_code, 1, " N ") = ?16"       \
	" AND%s ORDER BY c.id DESC LIMIT ?14"
#define PLAN_SCAN "SELECT %s FROM cases c NOT INDEXED" CASE_JOINS " WHERE%s ORDER BY c.id DESC LIMIT ?14"
#define PLAN_PLACE                                                                                         \
	"SELECT %s FROM (SELECT c.id FROM cases c INDEXED BY cases_county"                                   \
	" WHERE substr(c.place_code, 1, 6) >= ?1 AND substr(c.place_code, 1, 6) < ?2 AND%s"                   \
	" ORDER BY c.id DESC LIMIT ?14) x JOIN cases c ON c.id = x.id" CASE_JOINS " ORDER BY c.id DESC"

/* The list's statement, bound; NULL in *out with GZ_OK when the list is empty by its nature (a
 * department user without a department, a search with nothing searchable). */
static gz_err list_stmt(store *s, const gz_user *u, const case_filter *f, int64_t now, bool json, int part, int got,
			sqlite3_stmt **out, gz_error *e)
{
	*out = NULL;
	bool search = f->q && *f->q;
	if (part > (search ? 1 : 0))
		return GZ_OK;
	int64_t dept = 0;
	if (u->role == ROLE_DEPARTMENT) {
		dept = cases_user_department(s, u->id);
		if (!dept)
			return GZ_OK; /* a department user not yet in a department has no queue */
	}
	const char *plan;
	char *match = NULL, *needle = NULL;
	int64_t hw = 0;
	size_t level_len = strlen(f->range.lo);
	bool by_level = false;
	if (search) {
		/* One phrase of single characters: 低保 → "低 保"; quotes inside are doubled. */
		char *split = cases_search_text(f->q, false);
		if (!split)
			return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
		size_t n = strlen(split);
		while (n && split[n - 1] == ' ')
			split[--n] = '\0';
		if (!n) {
			free(split);
			return GZ_OK; /* nothing searchable (only punctuation) */
		}
		match = malloc(n + 3);
		if (!match) {
			free(split);
			return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
		}
		snprintf(match, n + 3, "\"%s\"", split);
		size_t k = 0; /* the tail's needle: the characters side by side, ASCII in lower case */
		for (size_t i = 0; i < n; i++)
			if (split[i] != ' ')
				split[k++] = split[i] >= 'A' && split[i] <= 'Z' ? (char)(split[i] | 0x20) : split[i];
		split[k] = '\0';
		needle = split;
		hw = text_indexed(s);
		plan = part ? PLAN_SEARCH : PLAN_TAIL;
	} else if (dept) {
		plan = PLAN_DEPT;
	} else if (level_len == 6 || level_len == 9 || level_len >= 12) {
		/* A county, township or village: its own index holds its cases in id order, so the
		 * newest come first and the page stops the walk (migration 2); a grid or building is
		 * read in its village's, whose entries carry the place code (migration 3). */
		plan = level_len == 6 ? PLAN_LEVEL("cases_county", "6")
		       : level_len == 9 ? PLAN_LEVEL("cases_township", "9")
					: PLAN_LEVEL("cases_village", "12");
		by_level = true;
	} else {
		/* The country, a province or a city holding most cases: walk them newest first and
		 * stop at the page. A small province or city: its counties' entries are collected,
		 * the page's ids sorted, then joined with names. */
		int64_t total = 0, in_range = range_size(s, &f->range);
		sqlite3_stmt *mx = store_stmt(s, "SELECT coalesce(max(id), 0) FROM cases");
		if (mx)
			total = store_step_int(mx);
		if (!*f->range.lo || in_range * 200 >= total)
			plan = PLAN_SCAN;
		else
			plan = PLAN_PLACE;
	}
	char where[512], sql[4096];
	/* A level plan's substr(place_code, 1, n) = ?16 is the range itself, unless it is a grid's
	 * or building's inside its village's index. */
	list_where(f, dept, !by_level || level_len > 12, where, sizeof where);
	int len = snprintf(sql, sizeof sql, plan, json ? CASE_JSON : CASE_COLS, where);
	sqlite3_stmt *st = len > 0 && (size_t)len < sizeof sql ? store_stmt_text(s, sql) : NULL;
	if (!st) {
		free(match);
		free(needle);
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read cases");
	}
	/* Parameters of filters the plan leaves out are not in the statement: SQLITE_RANGE. */
	store_bind_range(st, 1, &f->range);
	sqlite3_bind_int64(st, 3, f->before > 0 ? f->before : INT64_MAX);
	store_bind_text(st, 4, f->status);
	store_bind_text(st, 5, f->kind);
	store_bind_text(st, 6, f->channel);
	store_bind_text(st, 7, f->type);
	sqlite3_bind_int(st, 8, f->year);
	sqlite3_bind_int(st, 9, f->work_year);
	sqlite3_bind_int(st, 10, f->overdue);
	sqlite3_bind_int64(st, 11, now);
	sqlite3_bind_int(st, 12, f->escalated);
	sqlite3_bind_int64(st, 13, dept);
	sqlite3_bind_int(st, 14, f->limit + 1 - got);
	if (match) {
		sqlite3_bind_text(st, 15, match, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 17, hw);
		sqlite3_bind_text(st, 18, needle, -1, SQLITE_TRANSIENT);
	}
	if (by_level)
		sqlite3_bind_text(st, 16, f->range.lo, level_len > 12 ? 12 : -1, SQLITE_TRANSIENT);
	free(match);
	free(needle);
	*out = st;
	return GZ_OK;
}

/* A list's plans stepped into fn, up to f->limit rows (a search: the cases above the index mark,
 * the newest, then the index); *more when a row lies beyond the page. Once fn returns non-zero
 * the rows are only counted (keep_counting: *more still tells) or the walk ends (*more false). */
typedef int (*list_row_fn)(sqlite3_stmt *st, void *ctx);

static gz_err list_walk(store *s, const gz_user *u, const case_filter *f, int64_t now, bool json, bool keep_counting,
			list_row_fn fn, void *ctx, bool *more, gz_error *e)
{
	*more = false;
	int n = 0;
	bool stop = false;
	for (int part = 0; !*more; part++) {
		sqlite3_stmt *st;
		gz_err rc = list_stmt(s, u, f, now, json, part, n, &st, e);
		if (rc || !st)
			return rc;
		int sr;
		while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == f->limit) {
				*more = true;
				break;
			}
			n++;
			if (stop || !fn(st, ctx))
				continue;
			stop = true;
			if (!keep_counting) {
				sqlite3_reset(st);
				return GZ_OK;
			}
		}
		sqlite3_reset(st);
		if (sr != SQLITE_ROW && sr != SQLITE_DONE)
			return store_fail(s, sr, e, "reading cases");
	}
	return GZ_OK;
}

/* Rows go to the visitor as they are stepped: a page of 4 kB records malloc'd, zeroed and freed
 * was a tenth of a list's time. */
struct visit_rec {
	case_visit fn;
	void *ctx;
	case_rec row;
};

static int visit_rec(sqlite3_stmt *st, void *ctx)
{
	struct visit_rec *v = ctx;
	case_from_row(st, &v->row, NULL);
	return v->fn(v->ctx, &v->row);
}

gz_err cases_list(store *s, const gz_user *u, const case_filter *f, int64_t now, case_visit fn, void *ctx, bool *more,
		  gz_error *e)
{
	struct visit_rec v = {.fn = fn, .ctx = ctx};
	return list_walk(s, u, f, now, false, true, visit_rec, &v, more, e);
}

struct visit_row {
	case_row_visit fn;
	void *ctx;
	store *s;
	int64_t places_version;
	bool failed;
};

static int visit_row(sqlite3_stmt *st, void *ctx)
{
	struct visit_row *v = ctx;
	char phone[sizeof ((case_rec *)0)->reporter_phone], place_json[4096];
	store_col_sealed(st, 1, phone, sizeof phone);
	size_t place_len = places_list_name_json(v->s, v->places_version, store_col_text(st, 3), place_json, sizeof place_json);
	if (!place_len) {
		v->failed = true;
		return 1;
	}
	return v->fn(v->ctx, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), place_json,
		     place_len, phone, sqlite3_column_int64(st, 2));
}

gz_err cases_list_rows(store *s, const gz_user *u, const case_filter *f, int64_t now, case_row_visit fn, void *ctx,
		       bool *more, gz_error *e)
{
	struct visit_row v = {fn, ctx, s, places_version(s), false};
	gz_err rc = list_walk(s, u, f, now, true, false, visit_row, &v, more, e);
	return rc || !v.failed ? rc : gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the name of a case's place");
}

/* --- transitions -------------------------------------------------------------------------- */

/* The rules of the 五民 cycle as data: which action may be taken from which status, for which
 * kinds of case, by whom, and whether it needs a note. Where it leads is decided in act_apply. */
static const struct rule {
	const char *action;
	unsigned from;  /* status bits */
	unsigned kinds; /* kind bits */
	unsigned roles;
	bool note_required;
	bool department; /* a department user must be of the case's department */
	bool reporter;   /* the reporter may take it through the tracking code */
} rules[] = {
	{"triage", S_SUBMITTED, K_ANY, CASE_MANAGE_ROLES, false, false, false},
	{"reply", S_REFERRED, K_MAJOR, ROLE_ADMIN | ROLE_DEPARTMENT, true, true, false},
	{"return", S_REFERRED, K_MAJOR, ROLE_ADMIN | ROLE_DEPARTMENT, true, true, false},
	{"deliberate", S_HANDLING, K_MINOR, CASE_MANAGE_ROLES, false, false, false},
	{"decide", S_DELIBERATING, K_MINOR, CASE_MANAGE_ROLES, true, false, false},
	{"feedback", S_OPEN, K_ANY, CASE_MANAGE_ROLES | ROLE_GRID_WORKER, true, false, false},
	{"note", S_OPEN | S_RESOLVED, K_ANY, CASE_READ_ROLES & ~ROLE_SUPERVISOR, true, true, false},
	{"resolve", S_HANDLING | S_REPLIED, K_MAJOR | K_MINOR | K_PRIVATE, CASE_MANAGE_ROLES, true, false, false},
	{"evaluate", S_RESOLVED, K_ANY, CASE_MANAGE_ROLES | ROLE_GRID_WORKER, false, false, true},
	{"close", S_RESOLVED, K_ANY, CASE_MANAGE_ROLES, true, false, false},
};

/* Who may resolve a case of each kind, and how. */
static const char *const resolve_major[] = {"department", "upper", NULL};
static const char *const resolve_minor[] = {"community", "volunteers", "resources", "upper", NULL};
static const char *const resolve_private[] = {"resident", "market", NULL};
static const char *const resolve_dispute[] = {"mediation", NULL};

static const struct rule *rule_of(const char *action)
{
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (!strcmp(rules[i].action, action))
			return &rules[i];
	return NULL;
}

static const char *kind_label(const char *kind)
{
	return !*kind ? "not yet triaged" : !strcmp(kind, "major") ? "a major matter (大事)"
					: !strcmp(kind, "minor")   ? "a minor matter (小事)"
								   : "a private matter (私事)";
}

/* Check the action against the rules; fills nothing on success. */
static gz_err act_guard(store *s, const gz_user *u, const case_rec *c, const struct rule *r, const case_act *a, gz_error *e)
{
	if (!u && !r->reporter)
		return gz_fail(e, GZ_E_FORBIDDEN, "action", "the reporter cannot %s a case", r->action);
	if (u && !(u->role & r->roles))
		return gz_fail(e, GZ_E_FORBIDDEN, "action", "role \"%s\" may not %s a case", auth_role_word(u->role), r->action);
	if (u && u->role == ROLE_DEPARTMENT && r->department && cases_user_department(s, u->id) != c->department_id)
		return gz_fail(e, GZ_E_FORBIDDEN, "action", "case %lld is not referred to your department", (long long)c->id);
	if (!(status_bit(c->status) & r->from))
		return gz_fail(e, GZ_E_CONFLICT, "action", "cannot %s case %lld while it is %s", r->action, (long long)c->id,
			       c->status);
	if (!(kind_bit(c->kind) & r->kinds))
		return gz_fail(e, GZ_E_CONFLICT, "action", "cannot %s case %lld: it is %s", r->action, (long long)c->id,
			       kind_label(c->kind));
	const char *note = a->note ? a->note : "";
	gz_err rc = gz_text_check_lines("note", note, r->note_required ? 1 : 0, CASE_NOTE_MAX, e);
	return rc;
}

static gz_err act_apply(store *s, const case_rec *before, case_rec *c, const case_act *a, int64_t now, char *detail,
			size_t dsz, gz_error *e)
{
	const char *act = a->action;
	if (!strcmp(act, "triage")) {
		if (case_word(case_kinds, a->kind) < 0)
			return gz_fail(e, GZ_E_INVALID_VALUE, "kind", "kind must be major (大事), minor (小事) or private (私事)");
		gz_strlcpy(c->kind, a->kind, sizeof c->kind);
		snprintf(detail, dsz, "%s", a->kind);
		if (!strcmp(a->kind, "major")) {
			case_department d;
			if (!a->department_id)
				return gz_fail(e, GZ_E_MISSING_FIELD, "department_id",
					       "a major matter is referred to a department: say which (department_id)");
			if (cases_department_get(s, NULL, a->department_id, &d, NULL) != GZ_OK)
				return gz_fail(e, GZ_E_NOT_FOUND, "department_id", "department %lld not found",
					       (long long)a->department_id);
			if (!scope_contains(d.place_code, c->place_code))
				return gz_fail(e, GZ_E_INVALID_VALUE, "department_id", "department \"%s\" does not serve place \"%s\"",
					       d.name, c->place_code);
			c->department_id = d.id;
			gz_strlcpy(c->department_name, d.name, sizeof c->department_name);
			snprintf(detail, dsz, "major:%lld", (long long)d.id);
			gz_strlcpy(c->status, "referred", sizeof c->status);
		} else {
			if (a->department_id)
				return gz_fail(e, GZ_E_INVALID_VALUE, "department_id", "only a major matter is referred to a department");
			gz_strlcpy(c->status, "handling", sizeof c->status);
		}
	} else if (!strcmp(act, "reply")) {
		gz_strlcpy(c->status, "replied", sizeof c->status);
	} else if (!strcmp(act, "return")) {
		/* Not this department's business: back to the committee to triage again. */
		c->kind[0] = '\0';
		c->department_id = 0;
		c->department_name[0] = '\0';
		gz_strlcpy(c->status, "submitted", sizeof c->status);
	} else if (!strcmp(act, "deliberate")) {
		gz_strlcpy(c->status, "deliberating", sizeof c->status);
	} else if (!strcmp(act, "decide")) {
		gz_strlcpy(c->status, "handling", sizeof c->status);
	} else if (!strcmp(act, "feedback")) {
		if (!c->feedback_at)
			c->feedback_at = now;
	} else if (!strcmp(act, "resolve")) {
		/* A dispute, whatever its kind, ends in mediation with its mediator and outcome. */
		bool dispute = !strcmp(c->type, "dispute");
		const char *const *allowed = dispute			 ? resolve_dispute
					     : !strcmp(c->kind, "major") ? resolve_major
					     : !strcmp(c->kind, "minor") ? resolve_minor
									 : resolve_private;
		if (case_word(case_resolutions, a->resolution) < 0)
			return gz_fail(e, GZ_E_INVALID_VALUE, "resolution", "say who resolved it (resolution)");
		if (case_word(allowed, a->resolution) < 0)
			return gz_fail(e, GZ_E_INVALID_VALUE, "resolution", "%s is not resolved by \"%s\"",
				       dispute ? "a dispute (矛盾纠纷)" : kind_label(c->kind), a->resolution);
		if (dispute) {
			gz_err rc;
			if ((rc = gz_text_check("mediator", a->mediator ? a->mediator : "", 1, CASE_NAME_MAX, e)))
				return rc;
			if (!a->outcome || (strcmp(a->outcome, "agreement") && strcmp(a->outcome, "no_agreement")))
				return gz_fail(e, GZ_E_INVALID_VALUE, "outcome", "outcome must be agreement or no_agreement");
			gz_strlcpy(c->mediator, a->mediator, sizeof c->mediator);
			gz_strlcpy(c->outcome, a->outcome, sizeof c->outcome);
		}
		gz_strlcpy(c->resolution, a->resolution, sizeof c->resolution);
		snprintf(detail, dsz, "%s", a->resolution);
		gz_strlcpy(c->status, "resolved", sizeof c->status);
		c->resolved_at = now;
		if (!c->feedback_at)
			c->feedback_at = now; /* the answer is the feedback */
	} else if (!strcmp(act, "evaluate")) {
		if (case_word(case_ratings, a->rating) < 0)
			return gz_fail(e, GZ_E_INVALID_VALUE, "rating", "rating must be satisfied, basic or unsatisfied");
		gz_strlcpy(c->rating, a->rating, sizeof c->rating);
		snprintf(detail, dsz, "%s", a->rating);
		if (!strcmp(a->rating, "unsatisfied") && !before->reopened) {
			/* Not satisfied: handled again, once. */
			c->reopened = true;
			c->resolution[0] = '\0';
			c->mediator[0] = '\0';
			c->outcome[0] = '\0';
			c->resolved_at = 0;
			gz_strlcpy(c->status, "handling", sizeof c->status);
		} else {
			gz_strlcpy(c->status, "closed", sizeof c->status);
			c->closed_at = now;
		}
	} else if (!strcmp(act, "close")) {
		gz_strlcpy(c->status, "closed", sizeof c->status);
		c->closed_at = now;
	}
	return GZ_OK;
}

gz_err cases_act(store *s, const gz_user *u, int64_t id, const case_act *a, int64_t now, case_rec *out, gz_error *e)
{
	const struct rule *r = a->action ? rule_of(a->action) : NULL;
	if (!r)
		return gz_fail(e, GZ_E_INVALID_VALUE, "action", "action \"%s\" is not one of triage, reply, return, deliberate,"
			       " decide, feedback, note, resolve, evaluate, close", a->action ? a->action : "");
	case_rec before, c;
	gz_err rc = u ? cases_get(s, u, id, now, &before, e) : load(s, id, &before, e);
	if (rc)
		return rc;
	c = before;
	c.content = NULL;
	char detail[64] = "";
	if (!(rc = act_guard(s, u, &before, r, a, e)) && !(rc = act_apply(s, &before, &c, a, now, detail, sizeof detail, e)))
		rc = commit_change(s, &before, &c, now, u, "reporter", r->action, a->note, detail, e);
	case_free(&before);
	if (rc)
		return rc;
	return load(s, id, out, e);
}

/* --- images ------------------------------------------------------------------------------- */

static const char *image_type(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

gz_err cases_file_add(store *s, const gz_user *u, int64_t case_id, const void *data, size_t n, int64_t now,
		      case_file *out, gz_error *e)
{
	case_rec c;
	gz_err rc = u ? cases_get(s, u, case_id, now, &c, e) : load(s, case_id, &c, e);
	if (rc)
		return rc;
	bool closed = !strcmp(c.status, "closed");
	case_free(&c);
	if (closed)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "case %lld is closed: no more images", (long long)case_id);
	if (n > CASE_FILE_MAX)
		return gz_fail(e, GZ_E_TOO_LARGE, "file", "an image may be at most %d bytes", CASE_FILE_MAX);
	const char *mime = image_type(data, n);
	if (!mime)
		return gz_fail(e, GZ_E_INVALID_VALUE, "file", "the file is not a JPEG, PNG or WebP image");
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM case_files WHERE case_id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read images");
	sqlite3_bind_int64(st, 1, case_id);
	if (store_step_int(st) >= CASE_FILES_MAX)
		return gz_fail(e, GZ_E_CONFLICT, "file", "case %lld already has %d images", (long long)case_id, CASE_FILES_MAX);
	st = store_stmt(s, "INSERT INTO case_files(case_id, mime, size, data, created_at) VALUES(?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot store an image");
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_text(st, 2, mime, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)n);
	sqlite3_bind_blob(st, 4, data, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "storing an image");
	out->id = sqlite3_last_insert_rowid(store_db(s));
	out->case_id = case_id;
	out->size = (int64_t)n;
	out->created_at = now;
	gz_strlcpy(out->mime, mime, sizeof out->mime);
	return GZ_OK;
}

gz_err cases_file_get(store *s, int64_t case_id, int64_t file_id, case_file *meta, void **data, gz_error *e)
{
	*data = NULL;
	sqlite3_stmt *st = store_stmt(s, "SELECT mime, size, created_at, data FROM case_files WHERE id = ?1 AND case_id = ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read images");
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, case_id);
	gz_err rc = GZ_OK;
	if (sqlite3_step(st) == SQLITE_ROW) {
		gz_strlcpy(meta->mime, store_col_text(st, 0), sizeof meta->mime);
		meta->id = file_id;
		meta->case_id = case_id;
		meta->size = sqlite3_column_bytes(st, 3);
		meta->created_at = sqlite3_column_int64(st, 2);
		*data = malloc(meta->size ? (size_t)meta->size : 1);
		if (*data)
			memcpy(*data, sqlite3_column_blob(st, 3), (size_t)meta->size);
		else
			rc = gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	} else {
		rc = gz_fail(e, GZ_E_NOT_FOUND, NULL, "image %lld of case %lld not found", (long long)file_id, (long long)case_id);
	}
	sqlite3_reset(st);
	return rc;
}

/* --- escalation and carry-over ----------------------------------------------------------- */

struct escalate_job {
	int64_t now;
	int batch, n;
};

static gz_err escalate_job(store *s, void *ctx, gz_error *e)
{
	struct escalate_job *j = ctx;
	/* The partial index cases_waiting holds exactly the cases still waiting for feedback. */
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM cases INDEXED BY cases_waiting"
					 " WHERE feedback_at IS NULL AND escalation_level < 2 AND due_at <= ?1"
					 " AND (escalation_level = 0 OR due_at + due_days * 86400 <= ?1) ORDER BY due_at LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot find overdue cases");
	sqlite3_bind_int64(st, 1, j->now);
	sqlite3_bind_int(st, 2, j->batch);
	int64_t *ids = malloc(sizeof *ids * (size_t)j->batch);
	if (!ids) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	}
	int n = 0;
	while (n < j->batch && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	gz_err rc = GZ_OK;
	for (int i = 0; i < n && !rc; i++) {
		case_rec before, c;
		if ((rc = load(s, ids[i], &before, e)))
			break;
		c = before;
		c.content = NULL;
		c.escalation_level = before.escalation_level + 1;
		/* Level 1: the township (first 9 digits); level 2: the county (first 6). */
		snprintf(c.escalated_to, sizeof c.escalated_to, "%.*s", c.escalation_level == 1 ? 9 : 6, c.place_code);
		char detail[64];
		snprintf(detail, sizeof detail, "%d:%s", c.escalation_level, c.escalated_to);
		rc = commit_change(s, &before, &c, j->now, NULL, "system", "escalate", NULL, detail, e);
		if (!rc) {
			char subject[32], adetail[96];
			snprintf(subject, sizeof subject, "case:%lld", (long long)c.id);
			snprintf(adetail, sizeof adetail, "{\"level\":%d,\"to\":\"%s\"}", c.escalation_level, c.escalated_to);
			audit_entry en = {.actor_id = 0, .actor = "system", .action = "case.escalate", .subject = subject,
					  .place = c.place_code, .detail = adetail};
			rc = audit_record(s, &en, e);
		}
		case_free(&before);
		j->n++;
	}
	free(ids);
	return rc;
}

gz_err cases_escalate(store *s, int64_t now, int batch, int *n, gz_error *e)
{
	struct escalate_job j = {now, batch > 0 ? batch : 1, 0};
	gz_err rc = store_write_run(s, escalate_job, &j, e);
	*n = rc ? 0 : j.n;
	return rc;
}

/* The level index holding a range's cases and the term that walks it (?1 ?2 bind the range): a
 * county's, township's or village's own, a grid's or building's village's, a province's or a
 * city's counties'. There is no index by the whole place code: it cost every new case one more
 * B-tree page of its own (migration 5). */
static const char *level_index(const gz_range *r, char *term, size_t n)
{
	size_t len = strlen(r->lo);
	int lvl = len >= 12 ? 12 : len >= 9 ? 9 : 6;
	if (len >= 6)
		snprintf(term, n, "substr(c.place_code, 1, %d) = substr(?1, 1, %d)", lvl, lvl);
	else
		snprintf(term, n, "substr(c.place_code, 1, 6) >= ?1 AND substr(c.place_code, 1, 6) < ?2");
	return lvl == 12 ? "cases_village" : lvl == 9 ? "cases_township" : "cases_county";
}

gz_err cases_carry_over(store *s, const gz_user *u, const char *under, int year, int64_t now, int64_t *carried,
			gz_error *e)
{
	*carried = 0;
	gz_range r;
	gz_err rc = scope_intersect(u->scope, under, &r, e);
	if (rc)
		return rc;
	if (year < 2000 || year > 2100)
		return gz_fail(e, GZ_E_INVALID_VALUE, "year", "year must be between 2000 and 2100");
	char term[128], sql[512];
	const char *index = level_index(&r, term, sizeof term);
	snprintf(sql, sizeof sql, "SELECT c.id FROM cases c INDEXED BY %s WHERE %s AND c.place_code >= ?1 AND c.place_code < ?2"
		 " AND c.work_year = ?3 AND c.status NOT IN ('resolved', 'closed') AND c.id > ?4 ORDER BY c.id LIMIT 256", index, term);
	sqlite3_stmt *st = store_stmt_text(s, sql);
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read cases");
	int64_t after = 0;
	char note[64];
	snprintf(note, sizeof note, "%d", year + 1);
	for (;;) {
		int64_t ids[256];
		int n = 0;
		store_bind_range(st, 1, &r);
		sqlite3_bind_int(st, 3, year);
		sqlite3_bind_int64(st, 4, after);
		while (sqlite3_step(st) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!n)
			break;
		for (int i = 0; i < n; i++) {
			case_rec before, c;
			if ((rc = load(s, ids[i], &before, e)))
				return rc;
			c = before;
			c.content = NULL;
			c.work_year = year + 1;
			rc = commit_change(s, &before, &c, now, u, NULL, "carry", NULL, note, e);
			case_free(&before);
			if (rc)
				return rc;
			(*carried)++;
		}
		after = ids[n - 1];
	}
	return GZ_OK;
}

/* --- settings ----------------------------------------------------------------------------- */

gz_err cases_set_due_days(store *s, const gz_user *u, const char *code, int days, int64_t now, gz_error *e)
{
	place p;
	if (!scope_contains(u->scope, code) || places_get(s, code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "place \"%s\" not found", code);
	if (days < 1 || days > 60)
		return gz_fail(e, GZ_E_INVALID_VALUE, "due_days", "due_days must be 1 to 60");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO case_settings(place_code, due_days, updated_by, updated_at)"
					 " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(place_code) DO UPDATE SET due_days = excluded.due_days,"
					 " updated_by = excluded.updated_by, updated_at = excluded.updated_at");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot save settings");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, days);
	sqlite3_bind_text(st, 3, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "saving settings");
}

/* --- departments ------------------------------------------------------------------------- */

#define DEPT_SELECT                                                                                       \
	"SELECT d.id, d.place_code, coalesce(p.name, ''), d.name,"                                      \
	" (SELECT count(*) FROM case_department_members m WHERE m.department_id = d.id),"                 \
	" (SELECT count(*) FROM cases c WHERE c.department_id = d.id AND c.status = 'referred')"           \
	" FROM case_departments d LEFT JOIN places p ON p.level = length(d.place_code) / 3 + 1" \
	" AND p.code = d.place_code"

static void dept_from_row(sqlite3_stmt *st, case_department *d)
{
	d->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(d->place_code, store_col_text(st, 1), sizeof d->place_code);
	gz_strlcpy(d->place_name, store_col_text(st, 2), sizeof d->place_name);
	gz_strlcpy(d->name, store_col_text(st, 3), sizeof d->name);
	d->members = sqlite3_column_int64(st, 4);
	d->open = sqlite3_column_int64(st, 5);
}

gz_err cases_department_get(store *s, const gz_user *u, int64_t id, case_department *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, DEPT_SELECT " WHERE d.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read departments");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		dept_from_row(st, out);
	sqlite3_reset(st);
	if (!found || (u && !scope_contains(u->scope, out->place_code)))
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "department %lld not found", (long long)id);
	return GZ_OK;
}

gz_err cases_department_add(store *s, const gz_user *u, const char *place_code, const char *name, int64_t now,
			    case_department *out, gz_error *e)
{
	place p;
	gz_err rc;
	if (!scope_contains(u->scope, place_code) || places_get(s, place_code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", place_code);
	if (p.level > PL_TOWNSHIP)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "a department serves a township or a larger area, not \"%s\"",
			       p.name);
	if ((rc = gz_text_check("name", name, 1, CASE_NAME_MAX, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO case_departments(place_code, name, created_at) VALUES(?1, ?2, ?3)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot add a department");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr == SQLITE_CONSTRAINT)
		return gz_fail(e, GZ_E_CONFLICT, "name", "department \"%s\" already exists at \"%s\"", name, p.name);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "adding a department");
	return cases_department_get(s, NULL, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

static void dept_from_row_cb(sqlite3_stmt *st, void *rec, void *arg)
{
	(void)arg;
	dept_from_row(st, rec);
}

gz_err cases_departments(store *s, const gz_range *range, const char *serving, case_dept_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st;
	if (serving) {
		/* The departments of the place and of every place above it. */
		st = store_stmt(s, DEPT_SELECT " WHERE d.place_code IN (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
					       " ORDER BY length(d.place_code) DESC, d.id LIMIT 1000");
		static const int lens[] = {2, 4, 6, 9, 12, 15, 18};
		size_t n = strlen(serving);
		if (st)
			for (int i = 0; i < 7; i++)
				if (n >= (size_t)lens[i])
					sqlite3_bind_text(st, i + 1, serving, lens[i], SQLITE_TRANSIENT);
	} else {
		st = store_stmt(s, DEPT_SELECT " WHERE d.place_code >= ?1 AND d.place_code < ?2 ORDER BY d.place_code, d.id LIMIT 1000");
		if (st)
			store_bind_range(st, 1, range);
	}
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read departments");
	case_department *rows;
	int n;
	bool more;
	gz_err rc = store_page(s, st, sizeof *rows, 1000, dept_from_row_cb, NULL, (void **)&rows, &n, &more, "reading departments", e);
	if (!rc)
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	free(rows);
	return rc;
}

gz_err cases_department_member(store *s, const gz_user *u, int64_t dept_id, const char *username, gz_error *e)
{
	case_department d;
	gz_err rc = cases_department_get(s, u, dept_id, &d, e);
	if (rc)
		return rc;
	int64_t uid;
	gz_role role;
	char scope[GZ_CODE_MAX + 1];
	if (!username || !auth_user_find(s, username, &uid, &role, scope))
		return gz_fail(e, GZ_E_NOT_FOUND, "username", "user \"%s\" not found", username ? username : "");
	if (role != ROLE_DEPARTMENT)
		return gz_fail(e, GZ_E_INVALID_VALUE, "username", "user \"%s\" is not a department user", username);
	if (!scope_contains(scope, d.place_code) && !scope_contains(d.place_code, scope))
		return gz_fail(e, GZ_E_INVALID_VALUE, "username", "user \"%s\" works outside the department's area", username);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO case_department_members(user_id, department_id) VALUES(?1, ?2)"
					 " ON CONFLICT(user_id) DO UPDATE SET department_id = excluded.department_id");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot add a member");
	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_int64(st, 2, dept_id);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	return sr == SQLITE_DONE ? GZ_OK : store_fail(s, sr, e, "adding a member");
}

/* --- resources (资源清单) ------------------------------------------------------------------ */

#define RES_SELECT                                                                                         \
	"SELECT r.id, r.place_code, coalesce(p.name, ''), r.name, r.category, r.contact, r.note, r.created_at"  \
	" FROM case_resources r LEFT JOIN places p ON p.level = length(r.place_code) / 3 + 1 AND p.code = r.place_code"

static void res_from_row(sqlite3_stmt *st, void *rec, void *arg)
{
	(void)arg;
	case_resource *r = rec;
	r->id = sqlite3_column_int64(st, 0);
	gz_strlcpy(r->place_code, store_col_text(st, 1), sizeof r->place_code);
	gz_strlcpy(r->place_name, store_col_text(st, 2), sizeof r->place_name);
	gz_strlcpy(r->name, store_col_text(st, 3), sizeof r->name);
	gz_strlcpy(r->category, store_col_text(st, 4), sizeof r->category);
	gz_strlcpy(r->contact, store_col_text(st, 5), sizeof r->contact);
	gz_strlcpy(r->note, store_col_text(st, 6), sizeof r->note);
	r->created_at = sqlite3_column_int64(st, 7);
}

static gz_err res_get(store *s, const gz_user *u, int64_t id, case_resource *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, RES_SELECT " WHERE r.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read resources");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		res_from_row(st, out, NULL);
	sqlite3_reset(st);
	if (!found || !scope_contains(u->scope, out->place_code))
		return gz_fail(e, GZ_E_NOT_FOUND, NULL, "resource %lld not found", (long long)id);
	return GZ_OK;
}

gz_err cases_resource_add(store *s, const gz_user *u, const case_resource *in, int64_t now, case_resource *out,
			  gz_error *e)
{
	place p;
	gz_err rc;
	if (!scope_contains(u->scope, in->place_code) || places_get(s, in->place_code, &p, NULL) != GZ_OK)
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", in->place_code);
	if ((rc = gz_text_check("name", in->name, 1, CASE_NAME_MAX, e)) ||
	    (rc = gz_text_check("contact", in->contact, 0, CASE_NAME_MAX, e)) ||
	    (rc = gz_text_check_lines("note", in->note, 0, 500, e)))
		return rc;
	if (case_word(case_resource_categories, in->category) < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "category",
			       "category must be volunteers, partner, fund, organization or other");
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO case_resources(place_code, name, category, contact, note, created_by,"
					 " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot add a resource");
	sqlite3_bind_text(st, 1, in->place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, in->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, in->category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, in->contact, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, in->note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	if (sr != SQLITE_DONE)
		return store_fail(s, sr, e, "adding a resource");
	return res_get(s, u, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err cases_resource_remove(store *s, const gz_user *u, int64_t id, case_resource *out, gz_error *e)
{
	gz_err rc = res_get(s, u, id, out, e);
	if (rc)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM case_resources WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot remove a resource");
	sqlite3_bind_int64(st, 1, id);
	int sr = sqlite3_step(st);
	sqlite3_reset(st);
	return sr == SQLITE_DONE ? GZ_OK : store_fail(s, sr, e, "removing a resource");
}

gz_err cases_resources(store *s, const gz_range *range, case_res_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, RES_SELECT " WHERE r.place_code >= ?1 AND r.place_code < ?2 ORDER BY r.place_code, r.id"
					 " LIMIT 1001");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read resources");
	store_bind_range(st, 1, range);
	case_resource *rows;
	int n;
	bool more;
	gz_err rc = store_page(s, st, sizeof *rows, 1000, res_from_row, NULL, (void **)&rows, &n, &more, "reading resources", e);
	if (!rc)
		for (int i = 0; i < n; i++)
			if (fn(ctx, &rows[i]))
				break;
	free(rows);
	return rc;
}

/* --- figures ------------------------------------------------------------------------------ */

void case_figures_free(case_figures *f)
{
	free(f->child);
	f->child = NULL;
}

static void counts_from_cols(sqlite3_stmt *st, int col, case_counts *c)
{
	c->collected = sqlite3_column_int64(st, col);
	c->resolved = sqlite3_column_int64(st, col + 1);
	c->carried = sqlite3_column_int64(st, col + 2);
	c->overdue = sqlite3_column_int64(st, col + 3);
	c->fb_n = sqlite3_column_int64(st, col + 4);
	c->fb_secs = sqlite3_column_int64(st, col + 5);
	c->fb_ontime = sqlite3_column_int64(st, col + 6);
}

static void fig_row_add(case_fig_row *rows, int *n, int cap, const char *key, const case_counts *c)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(rows[i].key, key)) {
			counts_add(&rows[i].c, c, 1);
			return;
		}
	if (*n < cap) {
		memset(&rows[*n], 0, sizeof rows[*n]);
		gz_strlcpy(rows[*n].key, key, sizeof rows[*n].key);
		counts_add(&rows[*n].c, c, 1);
		(*n)++;
	}
}

/* One breakdown key's counts into every breakdown of f. */
static void fig_breakdown(case_figures *f, const contrib *k, const case_counts *c)
{
	fig_row_add(f->channel, &f->nchannel, 16, k->channel, c);
	fig_row_add(f->type, &f->ntype, 4, k->type, c);
	fig_row_add(f->kind, &f->nkind, 4, k->kind, c);
	if (*k->resolution)
		fig_row_add(f->resolution, &f->nresolution, 12, k->resolution, c);
	int area = !strcmp(k->area, "street") ? 0 : !strcmp(k->area, "township") ? 1 : -1;
	int kind = case_word(case_kinds, k->kind);
	if (area >= 0)
		counts_add(&f->area_kind[area][kind < 0 ? 3 : kind], c, 1);
}

static void fig_month(case_figures *f, const char *month, const case_counts *c)
{
	for (int i = 0; i < f->nmonth; i++)
		if (!strcmp(f->month[i].month, month)) {
			counts_add(&f->month[i].c, c, 1);
			return;
		}
	if (f->nmonth < CASE_FIG_MONTHS) {
		int i = f->nmonth++;
		memset(&f->month[i], 0, sizeof f->month[i]);
		gz_strlcpy(f->month[i].month, month, sizeof f->month[i].month);
		counts_add(&f->month[i].c, c, 1);
	}
}

static void fig_child(case_figures *f, const char *code, size_t len, const case_counts *c)
{
	char key[GZ_CODE_MAX + 1];
	snprintf(key, sizeof key, "%.*s", (int)len, code);
	for (int i = 0; i < f->nchild; i++)
		if (!strcmp(f->child[i].code, key)) {
			counts_add(&f->child[i].c, c, 1);
			return;
		}
	if (f->nchild < CASE_FIG_CHILDREN) {
		int i = f->nchild++;
		memset(&f->child[i], 0, sizeof f->child[i]);
		gz_strlcpy(f->child[i].code, key, sizeof f->child[i].code);
		counts_add(&f->child[i].c, c, 1);
	}
}

static int cmp_month(const void *a, const void *b)
{
	return strcmp(((const char *)a), ((const char *)b));
}

static int cmp_child(const void *a, const void *b)
{
	return strcmp(((const char *)a), ((const char *)b));
}

static size_t child_len(size_t u)
{
	return u < 6 ? u + 2 : u + 3;
}

/* The figures straight from the cases in range (below a village, and as the tests' oracle). */
static gz_err figures_direct(store *s, const gz_range *range, const char *from, const char *to, bool totals,
			     bool children, case_figures *f, gz_error *e)
{
	char term[128], sql[1024];
	const char *index = level_index(range, term, sizeof term);
	snprintf(sql, sizeof sql,
		 "SELECT c.place_code, c.type, c.channel, coalesce(c.kind, ''), c.status, coalesce(c.resolution, ''), c.year,"
		 " c.work_year, c.month, c.due_at, coalesce(c.feedback_at, 0), c.escalation_level, c.created_at"
		 " FROM cases c INDEXED BY %s WHERE %s AND c.place_code >= ?1 AND c.place_code < ?2 AND c.month >= ?3"
		 " AND c.month <= ?4", index, term);
	sqlite3_stmt *st = store_stmt_text(s, sql);
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count cases");
	store_bind_range(st, 1, range);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
	size_t clen = child_len(strlen(range->lo));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		case_rec c;
		memset(&c, 0, sizeof c);
		gz_strlcpy(c.place_code, store_col_text(st, 0), sizeof c.place_code);
		gz_strlcpy(c.type, store_col_text(st, 1), sizeof c.type);
		gz_strlcpy(c.channel, store_col_text(st, 2), sizeof c.channel);
		gz_strlcpy(c.kind, store_col_text(st, 3), sizeof c.kind);
		gz_strlcpy(c.status, store_col_text(st, 4), sizeof c.status);
		gz_strlcpy(c.resolution, store_col_text(st, 5), sizeof c.resolution);
		c.year = sqlite3_column_int(st, 6);
		c.work_year = sqlite3_column_int(st, 7);
		gz_strlcpy(c.month, store_col_text(st, 8), sizeof c.month);
		c.due_at = sqlite3_column_int64(st, 9);
		c.feedback_at = sqlite3_column_int64(st, 10);
		c.escalation_level = sqlite3_column_int(st, 11);
		c.created_at = sqlite3_column_int64(st, 12);
		contrib k;
		contrib_of(&c, &k);
		if (totals) {
			counts_add(&f->total, &k.c, 1);
			fig_breakdown(f, &k, &k.c);
			fig_month(f, c.month, &k.c);
		}
		if (children)
			fig_child(f, c.place_code, clen, &k.c);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "counting cases");
}

gz_err cases_figures(store *s, const gz_range *range, const char *from, const char *to, bool direct, case_figures *out,
		     gz_error *e)
{
	memset(out, 0, sizeof *out);
	out->child = calloc(CASE_FIG_CHILDREN, sizeof *out->child);
	if (!out->child)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	from = from && *from ? from : "0000-00";
	to = to && *to ? to : "9999-99";
	size_t u = strlen(range->lo), c = child_len(u);
	gz_err rc = GZ_OK;
	bool totals_direct = direct || u > STAT_KEYED_MAX, children_direct = direct || c > 12;
	if (totals_direct || children_direct)
		rc = figures_direct(s, range, from, to, totals_direct, children_direct, out, e);
	if (!rc && !totals_direct) {
		int lvl = u <= 6 ? 6 : u <= 9 ? 9 : 12;
		sqlite3_stmt *st = store_stmt(
			s, "SELECT month, sum(collected), sum(resolved), sum(carried), sum(overdue), sum(fb_n), sum(fb_secs),"
			   " sum(fb_ontime) FROM case_stats WHERE lvl = ?3 AND dim = 'x' AND place_code >= ?1 AND place_code < ?2"
			   " AND month >= ?4 AND month <= ?5 GROUP BY month");
		sqlite3_stmt *bx = store_stmt(
			s, "SELECT channel, type, kind, area, resolution, sum(collected), sum(resolved), sum(carried),"
			   " sum(overdue), sum(fb_n), sum(fb_secs), sum(fb_ontime) FROM case_stats WHERE lvl = ?3 AND dim = 'x'"
			   " AND place_code >= ?1 AND place_code < ?2 AND month >= ?4 AND month <= ?5 GROUP BY 1, 2, 3, 4, 5");
		if (!st || !bx)
			rc = gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read figures");
		sqlite3_stmt *qs[2] = {st, bx};
		for (int q = 0; q < 2 && !rc; q++) {
			store_bind_range(qs[q], 1, range);
			sqlite3_bind_int(qs[q], 3, lvl);
			sqlite3_bind_text(qs[q], 4, from, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(qs[q], 5, to, -1, SQLITE_TRANSIENT);
			int sr;
			while ((sr = sqlite3_step(qs[q])) == SQLITE_ROW) {
				case_counts cc;
				if (q == 0) {
					counts_from_cols(qs[q], 1, &cc);
					counts_add(&out->total, &cc, 1);
					fig_month(out, store_col_text(qs[q], 0), &cc);
				} else {
					contrib k;
					memset(&k, 0, sizeof k);
					gz_strlcpy(k.channel, store_col_text(qs[q], 0), sizeof k.channel);
					gz_strlcpy(k.type, store_col_text(qs[q], 1), sizeof k.type);
					gz_strlcpy(k.kind, store_col_text(qs[q], 2), sizeof k.kind);
					gz_strlcpy(k.area, store_col_text(qs[q], 3), sizeof k.area);
					gz_strlcpy(k.resolution, store_col_text(qs[q], 4), sizeof k.resolution);
					counts_from_cols(qs[q], 5, &cc);
					fig_breakdown(out, &k, &cc);
				}
			}
			sqlite3_reset(qs[q]);
			if (sr != SQLITE_DONE)
				rc = store_fail(s, sr, e, "reading figures");
		}
	}
	if (!rc && !children_direct) {
		int lvl = c <= 6 ? 6 : (int)c;
		sqlite3_stmt *st = store_stmt(
			s, "SELECT substr(place_code, 1, ?6), sum(collected), sum(resolved), sum(carried), sum(overdue), sum(fb_n),"
			   " sum(fb_secs), sum(fb_ontime) FROM case_stats WHERE lvl = ?3 AND dim = ?7 AND place_code >= ?1"
			   " AND place_code < ?2 AND month >= ?4 AND month <= ?5 GROUP BY 1");
		if (!st)
			rc = gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read figures");
		else {
			store_bind_range(st, 1, range);
			sqlite3_bind_int(st, 3, lvl);
			sqlite3_bind_text(st, 7, stat_dim(lvl), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, from, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 5, to, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 6, (int)c);
			int sr;
			while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
				case_counts cc;
				counts_from_cols(st, 1, &cc);
				const char *code = store_col_text(st, 0);
				fig_child(out, code, strlen(code), &cc);
			}
			sqlite3_reset(st);
			if (sr != SQLITE_DONE)
				rc = store_fail(s, sr, e, "reading figures");
		}
	}
	if (rc) {
		case_figures_free(out);
		return rc;
	}
	/* Places and months come back in order: months by their text, places by their code. */
	qsort(out->month, (size_t)out->nmonth, sizeof out->month[0], cmp_month);
	qsort(out->child, (size_t)out->nchild, sizeof out->child[0], cmp_child);
	out->open = out->total.collected - out->total.resolved;
	return GZ_OK;
}
