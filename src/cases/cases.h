/* cases.h — residents' problems (民情诉求): intake by channel, 三事分流 triage, the 五民 cycle,
 * feedback within a week with escalation, carry-over, search and figures
 * (docs/modules/cases.md).
 *
 * Contract: every function takes the caller (gz_user) and checks scope itself — a case outside
 * the caller's subtree, or not referred to a department user's department, is GZ_E_NOT_FOUND.
 * Every function that writes takes `now` (seconds since the epoch) instead of reading the clock,
 * so tests, the demo loader and the escalation timer decide the time; it must run inside a store
 * write job (store_write_run) and does not write the audit log of the HTTP request (the
 * dispatcher does) — but writes nobody asked for (escalation) record their own audit rows.
 * Out-parameters are filled on GZ_OK only; strings inside them are owned by the struct. */
#ifndef GZ_CASES_H
#define GZ_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

extern const store_migration cases_migrations[];

enum {
	CASE_TITLE_MAX = 100,    /* characters */
	CASE_CONTENT_MAX = 2000,
	CASE_NOTE_MAX = 2000,
	CASE_NAME_MAX = 50,
	CASE_PARTIES_MAX = 500,
	/* A tracking code: the case's number in 5 characters, then 7 drawn at random (34.7 bits),
	 * of 2–9 and A–Z without I, L, O. Codes given before 2026-12 are 10 random characters and
	 * stay valid. */
	CASE_TRACKING_LEN = 12,
	CASE_TRACKING_OLD_LEN = 10,
	CASE_FILE_MAX = 2 << 20, /* bytes per image */
	CASE_FILES_MAX = 6,      /* images per case */
	CASE_DUE_DAYS = 7,       /* 1510: feedback within one week */
	CASE_EVENTS_MAX = 200,   /* history rows returned with a case */
};

#define CASE_READ_ROLES                                                                               \
	(ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER | ROLE_SPOKESPERSON | \
	 ROLE_DEPARTMENT)
#define CASE_CREATE_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_GRID_WORKER | ROLE_SPOKESPERSON)
#define CASE_MANAGE_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)

/* Word lists (API values). Each is NULL-terminated. */
extern const char *const case_channels[], *const case_types[], *const case_kinds[], *const case_statuses[],
	*const case_resolutions[], *const case_ratings[], *const case_resource_categories[];
/* Index of w in list, -1 when absent. */
int case_word(const char *const *list, const char *w);
/* Whether a role sees reporters' phones in full. */
bool cases_may_see_phone(gz_role r);

typedef struct {
	int64_t id;
	char tracking[CASE_TRACKING_LEN + 1];
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char type[12], channel[16], kind[12] /* "" = not triaged */, status[16];
	char title[CASE_TITLE_MAX * 4 + 1];
	char *content; /* malloc'd (NULL in list rows); free with case_free */
	char reporter_name[CASE_NAME_MAX * 4 + 1];
	char reporter_phone[24]; /* in clear: the caller masks it by role */
	int64_t household_id, department_id;
	char department_name[401];
	char parties[CASE_PARTIES_MAX * 4 + 1], mediator[CASE_NAME_MAX * 4 + 1], outcome[16];
	char resolution[16], rating[16];
	bool reopened;
	int year, work_year;
	char month[8]; /* YYYY-MM of submission, Asia/Shanghai */
	int due_days;
	int64_t due_at, feedback_at, resolved_at, closed_at; /* 0 = not yet */
	int escalation_level;
	char escalated_to[GZ_CODE_MAX + 1];
	char created_by[AUTH_NAME_MAX + 1];
	int64_t created_at, updated_at;
	int64_t submit_event; /* set by cases_create only: the id of the history row it wrote */
} case_rec;

void case_free(case_rec *c);

typedef struct {
	int64_t id, at;
	char actor[AUTH_NAME_MAX + 1];
	char action[16], from[16], to[16];
	char detail[64]; /* the kind, resolution, rating, escalation target … it set */
	char *note;      /* malloc'd */
} case_event;

typedef struct {
	int64_t id, case_id, size, created_at;
	char mime[16];
} case_file;

/* --- intake ------------------------------------------------------------------------------ */

typedef struct {
	const char *place_code, *channel, *type, *title, *content;
	const char *reporter_name, *reporter_phone, *parties; /* optional (NULL) */
	int64_t household_id;                                 /* 0: none */
} case_new;

/* Record a case. u NULL means the public (QR self-service): the place must then be a village,
 * grid or building, the channel is forced to "qr" and type to problem or suggestion. Fills *out
 * (free with case_free). */
gz_err cases_create(store *s, const gz_user *u, const case_new *in, int64_t now, case_rec *out, gz_error *e);

/* --- reading ----------------------------------------------------------------------------- */

/* One case by id, with content. */
gz_err cases_get(store *s, const gz_user *u, int64_t id, int64_t now, case_rec *out, gz_error *e);
/* One case by tracking code as a resident typed it (letters of any case; 12 or 10 characters):
 * GZ_E_NOT_FOUND for anything else. The public routes. */
gz_err cases_get_tracking(store *s, const char *tracking, case_rec *out, gz_error *e);
/* History, oldest first, at most CASE_EVENTS_MAX. public_only keeps the reporter's view. *ev
 * is malloc'd (free each note and the array with case_events_free). */
gz_err cases_events(store *s, int64_t case_id, bool public_only, case_event **ev, int *n, gz_error *e);
void case_events_free(case_event *ev, int n);
gz_err cases_files(store *s, int64_t case_id, case_file *out, int *n, gz_error *e); /* out: CASE_FILES_MAX */

typedef struct {
	gz_range range;
	const char *status; /* a status, "open", or NULL */
	const char *kind;   /* a kind, "none", or NULL */
	const char *channel, *type, *q;
	int year, work_year;
	bool overdue, escalated;
	int64_t before; /* cursor: ids below it */
	int limit;
} case_filter;

/* Newest first. Calls fn for each row (content NULL) while the query is stepping — fn must not
 * run queries of its own; stops early when fn returns non-zero (*more still tells whether rows
 * lie beyond the page). */
typedef int (*case_visit)(void *ctx, const case_rec *c);
gz_err cases_list(store *s, const gz_user *u, const case_filter *f, int64_t now, case_visit fn, void *ctx, bool *more,
		  gz_error *e);
/* The same page with each row already a JSON object (SQLite's json_object): id, tracking_code,
 * place_code, type, channel, kind, status, title, reporter_name, department_name, resolution,
 * reopened, year, work_year, carried_from, due_at, overdue (against now), feedback_at,
 * escalation_level, created_at — the list row of the HTTP API without its place name and phone.
 * fn gets the place name as a JSON string (place_len bytes, places_list_name_json) and the phone
 * opened but not masked (masking is the caller's, by role), with the id for the cursor. json and
 * place_name live until fn returns; fn must not query; a non-zero return stops the page. */
typedef int (*case_row_visit)(void *ctx, const char *json, size_t len, const char *place_name, size_t place_len,
			      const char *phone, int64_t id);
gz_err cases_list_rows(store *s, const gz_user *u, const case_filter *f, int64_t now, case_row_visit fn, void *ctx,
		       bool *more, gz_error *e);

/* --- transitions ------------------------------------------------------------------------- */

typedef struct {
	const char *action, *note;
	const char *kind, *resolution, *rating, *mediator, *outcome;
	int64_t department_id;
} case_act;

/* Apply one transition (the rules are the table in cases.c). u NULL = the reporter through the
 * tracking code (only "evaluate"). GZ_E_CONFLICT when not allowed in the current state,
 * GZ_E_FORBIDDEN for a role that may never take it. Fills *out with the case after. */
gz_err cases_act(store *s, const gz_user *u, int64_t id, const case_act *a, int64_t now, case_rec *out, gz_error *e);

/* Attach an image (JPEG, PNG or WebP by its first bytes). u NULL = the reporter. */
gz_err cases_file_add(store *s, const gz_user *u, int64_t case_id, const void *data, size_t n, int64_t now,
		      case_file *out, gz_error *e);
/* The image bytes (malloc'd into *data). */
gz_err cases_file_get(store *s, int64_t case_id, int64_t file_id, case_file *meta, void **data, gz_error *e);

/* Escalate cases without feedback past their due time: to the township (level 1), and one
 * more due period later to the county (level 2). At most `batch` cases per call; *n counts
 * them. Runs its own write job. */
gz_err cases_escalate(store *s, int64_t now, int batch, int *n, gz_error *e);

/* Index the cases the search index does not hold yet (cases_create indexes them TEXT_BATCH at a
 * time; searches read the few above the mark directly). Runs its own write job when there are
 * any; the timer calls it so that a quiet place's newest cases are indexed too. */
gz_err cases_text_follow(store *s, gz_error *e);

/* Put the year's unresolved cases under `under` onto the next year's work list. */
gz_err cases_carry_over(store *s, const gz_user *u, const char *under, int year, int64_t now, int64_t *carried,
			gz_error *e);

/* --- settings, departments, resources ----------------------------------------------------- */

/* Due days for a place: the nearest setting on its path, else CASE_DUE_DAYS; *set_at gets the
 * code where it is set ("" for the default). */
int cases_due_days(store *s, const char *code, char set_at[GZ_CODE_MAX + 1]);
gz_err cases_set_due_days(store *s, const gz_user *u, const char *code, int days, int64_t now, gz_error *e);

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char name[CASE_NAME_MAX * 4 + 1];
	int64_t members, open;
} case_department;

gz_err cases_department_add(store *s, const gz_user *u, const char *place_code, const char *name, int64_t now,
			    case_department *out, gz_error *e);
gz_err cases_department_get(store *s, const gz_user *u, int64_t id, case_department *out, gz_error *e);
typedef int (*case_dept_visit)(void *ctx, const case_department *d);
/* Departments in range, or (serving non-NULL) those serving that place: its own and its
 * ancestors'. */
gz_err cases_departments(store *s, const gz_range *range, const char *serving, case_dept_visit fn, void *ctx,
			 gz_error *e);
/* Make a department-role user a member (one department per user). */
gz_err cases_department_member(store *s, const gz_user *u, int64_t dept_id, const char *username, gz_error *e);
/* The department of a department user, 0 when none. */
int64_t cases_user_department(store *s, int64_t user_id);

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char name[CASE_NAME_MAX * 4 + 1];
	char category[16];
	char contact[CASE_NAME_MAX * 4 + 1];
	char note[500 * 4 + 1];
	int64_t created_at;
} case_resource;

gz_err cases_resource_add(store *s, const gz_user *u, const case_resource *in, int64_t now, case_resource *out,
			  gz_error *e);
gz_err cases_resource_remove(store *s, const gz_user *u, int64_t id, case_resource *out, gz_error *e);
typedef int (*case_res_visit)(void *ctx, const case_resource *r);
gz_err cases_resources(store *s, const gz_range *range, case_res_visit fn, void *ctx, gz_error *e);

/* --- figures ----------------------------------------------------------------------------- */

typedef struct {
	int64_t collected, resolved, carried, overdue, fb_n, fb_secs, fb_ontime;
} case_counts;

enum { CASE_FIG_MONTHS = 121, CASE_FIG_CHILDREN = 1024 };

typedef struct {
	char key[24];
	case_counts c;
} case_fig_row;

typedef struct {
	case_counts total;
	int64_t open;
	case_fig_row channel[16], type[4], kind[4], resolution[12];
	int nchannel, ntype, nkind, nresolution;
	case_counts area_kind[2][4]; /* [street|township][major, minor, private, none] */
	struct {
		char month[8];
		case_counts c;
	} month[CASE_FIG_MONTHS];
	int nmonth;
	struct {
		char code[GZ_CODE_MAX + 1];
		case_counts c;
	} *child; /* malloc'd, free with case_figures_free */
	int nchild;
} case_figures;

/* Figures for a subtree and months [from, to] ("YYYY-MM", either may be ""). From the counters
 * kept at county, township and village level; below a village (and when direct is set) from
 * the cases themselves. */
gz_err cases_figures(store *s, const gz_range *range, const char *from, const char *to, bool direct,
		     case_figures *out, gz_error *e);
void case_figures_free(case_figures *f);

/* Split text for the single-character full-text index: every character a token; punctuation
 * and spaces separate (index: as a separator token, so phrases do not match across them).
 * Exposed for tests. Returns malloc'd text. */
char *cases_search_text(const char *s, bool index);

#endif
