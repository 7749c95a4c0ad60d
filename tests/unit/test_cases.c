/* test_cases.c — residents' problems: every transition against every state, the role guards,
 * escalation with an injected clock, carry-over, the search text, and the figures' counters
 * against a direct count of the cases after a random history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"
#include "core/secret.h"
#include "places/places.h"
#include "testkit.h"

struct fx {
	char *dir;
	store *s;
	gz_user admin, cadre, other, supervisor, dept, outsider;
	int64_t dept_id;
};

/* 2023-05-01 09:00 Beijing time. */
static const int64_t T0 = 1682902800;
enum { DAY = 86400 };

/* The domain's writers run inside a write transaction, as the HTTP layer runs them. */
#define TX(call)                                                        \
	({                                                              \
		gz_error e_ = {0};                                      \
		assert_int_equal(store_write_begin(f->s, &e_), GZ_OK);  \
		gz_err rc_ = (call);                                    \
		if (rc_)                                                \
			store_write_rollback(f->s);                     \
		else                                                    \
			assert_int_equal(store_write_commit(f->s, &e_), GZ_OK); \
		rc_;                                                    \
	})

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tk_tmpdir();
	f->s = tk_store(f->dir);
	unsigned char key[32] = {7};
	secret_set_key(key);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	f->admin = (gz_user){.id = 1, .username = "admin", .role = ROLE_ADMIN, .scope = ""};
	f->cadre = (gz_user){.id = 2, .username = "xinmin", .role = ROLE_CADRE, .scope = "421003003006"};
	f->other = (gz_user){.id = 3, .username = "wenmiao", .role = ROLE_CADRE, .scope = "421003001003"};
	f->supervisor = (gz_user){.id = 4, .username = "jiandu", .role = ROLE_SUPERVISOR, .scope = "421003003006"};
	assert_int_equal(auth_user_create(f->s, "test", "zjj", "password-123", ROLE_DEPARTMENT, "421003", "住建局", &f->dept.id, &e),
			 GZ_OK);
	assert_int_equal(auth_user_create(f->s, "test", "jtj", "password-123", ROLE_DEPARTMENT, "421003", "交通局",
					  &f->outsider.id, &e),
			 GZ_OK);
	f->dept.role = f->outsider.role = ROLE_DEPARTMENT;
	strcpy(f->dept.username, "zjj");
	strcpy(f->outsider.username, "jtj");
	strcpy(f->dept.scope, "421003");
	strcpy(f->outsider.scope, "421003");
	case_department d, d2;
	assert_int_equal(TX(cases_department_add(f->s, &f->admin, "421003", "区住建局", T0, &d, &e)), GZ_OK);
	assert_int_equal(TX(cases_department_add(f->s, &f->admin, "421003", "区交通局", T0, &d2, &e)), GZ_OK);
	assert_int_equal(TX(cases_department_member(f->s, &f->admin, d.id, "zjj", &e)), GZ_OK);
	assert_int_equal(TX(cases_department_member(f->s, &f->admin, d2.id, "jtj", &e)), GZ_OK);
	f->dept_id = d.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	tk_rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t new_case(struct fx *f, const gz_user *u, const char *code, const char *title, int64_t when)
{
	case_new in = {.place_code = code, .channel = "spokesperson", .title = title, .content = "居民反映的问题，详见标题"};
	case_rec c;
	gz_error e = {0};
	gz_err rc = TX(cases_create(f->s, u, &in, when, &c, &e));
	if (rc)
		fail_msg("create: %s", e.message);
	case_free(&c);
	return c.id;
}

static gz_err act(struct fx *f, const gz_user *u, int64_t id, case_act a, int64_t when, case_rec *out)
{
	case_rec c;
	gz_error e = {0};
	gz_err rc = TX(cases_act(f->s, u, id, &a, when, &c, &e));
	if (!rc) {
		if (out)
			*out = c;
		else
			case_free(&c);
		out = NULL;
	}
	return rc;
}

static void force_state(struct fx *f, int64_t id, const char *status, const char *kind)
{
	sqlite3_stmt *st = store_stmt(f->s, "UPDATE cases SET status = ?2, kind = ?3, department_id = ?4 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (*kind)
		sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->dept_id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
}

/* The transitions table of docs/modules/cases.md, written out here independently of cases.c:
 * from which statuses, for which kinds ("" = not triaged) each action is allowed. */
static bool allowed(const char *action, const char *status, const char *kind)
{
	bool open = strcmp(status, "resolved") && strcmp(status, "closed");
	if (!strcmp(action, "triage"))
		return !strcmp(status, "submitted");
	if (!strcmp(action, "reply") || !strcmp(action, "return"))
		return !strcmp(status, "referred") && !strcmp(kind, "major");
	if (!strcmp(action, "deliberate"))
		return !strcmp(status, "handling") && !strcmp(kind, "minor");
	if (!strcmp(action, "decide"))
		return !strcmp(status, "deliberating") && !strcmp(kind, "minor");
	if (!strcmp(action, "feedback"))
		return open;
	if (!strcmp(action, "note"))
		return strcmp(status, "closed") != 0;
	if (!strcmp(action, "resolve"))
		return (!strcmp(status, "handling") || !strcmp(status, "replied")) && *kind;
	if (!strcmp(action, "evaluate") || !strcmp(action, "close"))
		return !strcmp(status, "resolved");
	fail_msg("unknown action %s", action);
	return false;
}

static void every_transition_against_every_state(void **state)
{
	struct fx *f = *state;
	static const char *const actions[] = {"triage",  "reply",   "return",   "deliberate", "decide",
					      "feedback", "note",    "resolve", "evaluate",   "close"};
	static const char *const statuses[] = {"submitted", "referred", "replied", "handling", "deliberating", "resolved", "closed"};
	static const char *const kinds[] = {"", "major", "minor", "private"};
	int tried = 0, ok = 0;
	for (size_t a = 0; a < sizeof actions / sizeof *actions; a++)
		for (size_t st = 0; st < sizeof statuses / sizeof *statuses; st++)
			for (size_t k = 0; k < 4; k++) {
				int64_t id = new_case(f, &f->cadre, "421003003006", "路灯不亮", T0);
				force_state(f, id, statuses[st], kinds[k]);
				const char *kind = kinds[k];
				case_act x = {.action = actions[a], .note = "办理说明", .kind = "minor", .rating = "satisfied",
					      .resolution = !strcmp(kind, "major") ? "department"
							    : !strcmp(kind, "private") ? "resident"
										       : "community"};
				case_rec after;
				gz_err rc = act(f, &f->admin, id, x, T0 + DAY, &after);
				bool want = allowed(actions[a], statuses[st], kind);
				tried++;
				if (want != (rc == GZ_OK))
					fail_msg("%s from %s/%s: got %d, want %s", actions[a], statuses[st], *kind ? kind : "none", rc,
						 want ? "allowed" : "409");
				if (!want)
					assert_int_equal(rc, GZ_E_CONFLICT);
				else {
					ok++;
					case_free(&after);
				}
			}
	assert_int_equal(tried, 280);
	assert_true(ok > 20);
}

static void where_each_transition_leads(void **state)
{
	struct fx *f = *state;
	case_rec c;
	/* 大事: referred to the department, its reply, then resolved; the reply does not stop the
	 * one-week clock, the resolution does. */
	int64_t id = new_case(f, &f->cadre, "421003003006", "道路硬化", T0);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "triage", .kind = "major"}, T0 + 1, NULL), GZ_E_MISSING_FIELD);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "triage", .kind = "major", .department_id = f->dept_id}, T0 + 10,
			     &c),
			 GZ_OK);
	assert_string_equal(c.status, "referred");
	assert_int_equal(c.department_id, f->dept_id);
	case_free(&c);
	assert_int_equal(act(f, &f->outsider, id, (case_act){.action = "reply", .note = "不归我们"}, T0 + 20, NULL), GZ_E_NOT_FOUND);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "reply", .note = "冒充部门"}, T0 + 20, NULL), GZ_E_FORBIDDEN);
	assert_int_equal(act(f, &f->dept, id, (case_act){.action = "reply"}, T0 + 20, NULL), GZ_E_INVALID_VALUE); /* note required */
	assert_int_equal(act(f, &f->dept, id, (case_act){.action = "reply", .note = "已列入计划"}, T0 + 20, &c), GZ_OK);
	assert_string_equal(c.status, "replied");
	assert_int_equal(c.feedback_at, 0);
	case_free(&c);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "resolve", .resolution = "volunteers", .note = "x"}, T0 + 30, NULL),
			 GZ_E_INVALID_VALUE);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "resolve", .resolution = "department", .note = "修好了"}, T0 + 30,
			     &c),
			 GZ_OK);
	assert_string_equal(c.status, "resolved");
	assert_int_equal(c.feedback_at, T0 + 30);
	assert_int_equal(c.resolved_at, T0 + 30);
	case_free(&c);
	/* Not satisfied reopens once; the second time it closes. */
	assert_int_equal(act(f, NULL, id, (case_act){.action = "evaluate", .rating = "unsatisfied"}, T0 + 40, &c), GZ_OK);
	assert_string_equal(c.status, "handling");
	assert_true(c.reopened);
	assert_string_equal(c.resolution, "");
	case_free(&c);
	assert_int_equal(act(f, &f->cadre, id, (case_act){.action = "resolve", .resolution = "upper", .note = "上级协调"}, T0 + 50, NULL),
			 GZ_OK);
	assert_int_equal(act(f, NULL, id, (case_act){.action = "evaluate", .rating = "unsatisfied"}, T0 + 60, &c), GZ_OK);
	assert_string_equal(c.status, "closed");
	assert_string_equal(c.rating, "unsatisfied");
	case_free(&c);
	/* The reporter may evaluate, nothing else. */
	int64_t id2 = new_case(f, &f->cadre, "421003003006", "噪音扰民", T0);
	assert_int_equal(act(f, NULL, id2, (case_act){.action = "triage", .kind = "minor"}, T0 + 1, NULL), GZ_E_FORBIDDEN);
	assert_int_equal(act(f, &f->supervisor, id2, (case_act){.action = "triage", .kind = "minor"}, T0 + 1, NULL), GZ_E_FORBIDDEN);
	assert_int_equal(act(f, &f->other, id2, (case_act){.action = "triage", .kind = "minor"}, T0 + 1, NULL), GZ_E_NOT_FOUND);
	/* Return: back to be triaged again, the department forgotten. */
	assert_int_equal(act(f, &f->cadre, id2, (case_act){.action = "triage", .kind = "major", .department_id = f->dept_id}, T0 + 2,
			     NULL),
			 GZ_OK);
	assert_int_equal(act(f, &f->dept, id2, (case_act){.action = "return", .note = "属物业管理"}, T0 + 3, &c), GZ_OK);
	assert_string_equal(c.status, "submitted");
	assert_string_equal(c.kind, "");
	assert_int_equal(c.department_id, 0);
	case_free(&c);
	/* A dispute is resolved by mediation, with its mediator and outcome. */
	case_new d = {.place_code = "421003003006", .channel = "grid_visit", .type = "dispute", .title = "邻里漏水纠纷",
		      .content = "楼上漏水"};
	gz_error e = {0};
	assert_int_equal(TX(cases_create(f->s, &f->cadre, &d, T0, &c, &e)), GZ_E_INVALID_VALUE); /* no parties */
	d.parties = "301 与 201 住户";
	assert_int_equal(TX(cases_create(f->s, &f->cadre, &d, T0, &c, &e)), GZ_OK);
	int64_t id3 = c.id;
	case_free(&c);
	assert_int_equal(act(f, &f->cadre, id3, (case_act){.action = "triage", .kind = "private"}, T0 + 1, NULL), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id3, (case_act){.action = "resolve", .resolution = "resident", .note = "x"}, T0 + 2, NULL),
			 GZ_E_INVALID_VALUE);
	assert_int_equal(act(f, &f->cadre, id3, (case_act){.action = "resolve", .resolution = "mediation", .note = "调解", .mediator = "老李"},
			     T0 + 2, NULL),
			 GZ_E_INVALID_VALUE);
	assert_int_equal(act(f, &f->cadre, id3,
			     (case_act){.action = "resolve", .resolution = "mediation", .note = "调解", .mediator = "老李", .outcome = "agreement"},
			     T0 + 2, &c),
			 GZ_OK);
	assert_string_equal(c.outcome, "agreement");
	assert_string_equal(c.mediator, "老李");
	case_free(&c);
	/* The history has every step, in order, with who took it. */
	case_event *ev;
	int n;
	assert_int_equal(cases_events(f->s, id, false, &ev, &n, &e), GZ_OK);
	static const char *const want[] = {"submit", "triage", "reply", "resolve", "evaluate", "resolve", "evaluate"};
	assert_int_equal(n, 7);
	for (int i = 0; i < n; i++)
		assert_string_equal(ev[i].action, want[i]);
	assert_string_equal(ev[2].actor, "zjj");
	assert_string_equal(ev[4].actor, "reporter");
	assert_string_equal(ev[4].from, "resolved");
	assert_string_equal(ev[4].to, "handling");
	case_events_free(ev, n);
}

static int64_t escalate(struct fx *f, int64_t now)
{
	int n = -1;
	gz_error e = {0};
	assert_int_equal(cases_escalate(f->s, now, 100, &n, &e), GZ_OK);
	return n;
}

static void escalation_follows_the_clock(void **state)
{
	struct fx *f = *state;
	int64_t late = new_case(f, &f->cadre, "421003003006", "井盖缺失", T0);
	int64_t answered = new_case(f, &f->cadre, "421003003006", "绿化带", T0);
	assert_int_equal(act(f, &f->cadre, answered, (case_act){.action = "feedback", .note = "已安排"}, T0 + 3 * DAY, NULL), GZ_OK);
	/* A place with a shorter limit: 3 days under 文庙社区. */
	gz_error e = {0};
	assert_int_equal(TX(cases_set_due_days(f->s, &f->admin, "421003001003", 3, T0, &e)), GZ_OK);
	int64_t quick = new_case(f, &f->other, "421003001003", "楼道杂物", T0);

	assert_int_equal(escalate(f, T0 + 3 * DAY - 1), 0);
	assert_int_equal(escalate(f, T0 + 3 * DAY), 1); /* the 3-day place, to the township */
	assert_int_equal(escalate(f, T0 + 6 * DAY - 1), 0);
	assert_int_equal(escalate(f, T0 + 6 * DAY), 1); /* a second period without feedback: to the county */
	case_rec c;
	assert_int_equal(cases_get(f->s, &f->admin, quick, T0, &c, &e), GZ_OK);
	assert_int_equal(c.escalation_level, 2);
	assert_string_equal(c.escalated_to, "421003");
	case_free(&c);
	assert_int_equal(escalate(f, T0 + 7 * DAY - 1), 0);
	assert_int_equal(escalate(f, T0 + 7 * DAY), 1); /* the late one, to the township */
	assert_int_equal(cases_get(f->s, &f->admin, late, T0, &c, &e), GZ_OK);
	assert_int_equal(c.escalation_level, 1);
	assert_string_equal(c.escalated_to, "421003003");
	case_free(&c);
	assert_int_equal(escalate(f, T0 + 7 * DAY + 1), 0); /* nothing twice */
	assert_int_equal(escalate(f, T0 + 14 * DAY), 1); /* the late one → county */
	assert_int_equal(escalate(f, T0 + 100 * DAY), 0);
	assert_int_equal(cases_get(f->s, &f->admin, answered, T0, &c, &e), GZ_OK);
	assert_int_equal(c.escalation_level, 0);
	case_free(&c);
	/* The history says who escalated it: the system. */
	case_event *ev;
	int n;
	assert_int_equal(cases_events(f->s, late, false, &ev, &n, &e), GZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ev[1].action, "escalate");
	assert_string_equal(ev[1].actor, "system");
	assert_string_equal(ev[2].detail, "2:421003");
	case_events_free(ev, n);
}

static void carry_over_moves_unresolved_cases_once(void **state)
{
	struct fx *f = *state;
	int64_t open1 = new_case(f, &f->cadre, "421003003006", "屋顶漏水", T0);
	int64_t done = new_case(f, &f->cadre, "421003003006", "路灯", T0);
	assert_int_equal(act(f, &f->cadre, done, (case_act){.action = "triage", .kind = "minor"}, T0 + 1, NULL), GZ_OK);
	assert_int_equal(act(f, &f->cadre, done, (case_act){.action = "resolve", .resolution = "community", .note = "修"}, T0 + 2, NULL),
			 GZ_OK);
	int64_t elsewhere = new_case(f, &f->other, "421003001003", "巷道", T0);
	int64_t n = -1;
	gz_error e = {0};
	assert_int_equal(TX(cases_carry_over(f->s, &f->cadre, "421003003006", 2023, T0 + 200 * DAY, &n, &e)), GZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(TX(cases_carry_over(f->s, &f->cadre, "421003003006", 2023, T0 + 200 * DAY, &n, &e)), GZ_OK);
	assert_int_equal(n, 0);
	case_rec c;
	assert_int_equal(cases_get(f->s, &f->admin, open1, T0, &c, &e), GZ_OK);
	assert_int_equal(c.year, 2023);
	assert_int_equal(c.work_year, 2024);
	case_free(&c);
	assert_int_equal(cases_get(f->s, &f->admin, elsewhere, T0, &c, &e), GZ_OK);
	assert_int_equal(c.work_year, 2023); /* outside the place: untouched */
	case_free(&c);
	/* Still open at the end of 2024: onto 2025's list. */
	assert_int_equal(TX(cases_carry_over(f->s, &f->cadre, "421003003006", 2024, T0 + 600 * DAY, &n, &e)), GZ_OK);
	assert_int_equal(n, 1);
	/* The cadre cannot carry another community's cases. */
	assert_int_equal(TX(cases_carry_over(f->s, &f->cadre, "421003001003", 2023, T0, &n, &e)), GZ_E_NOT_FOUND);
}

static void search_text_splits_characters(void **state)
{
	(void)state;
	char *t = cases_search_text("低保户，水管漏水！WiFi坏了2次", true);
	assert_string_equal(t, "低 保 户 zz 水 管 漏 水 zz W i F i 坏 了 2 次 ");
	free(t);
	t = cases_search_text("低保户，水管漏水！WiFi坏了2次", false);
	assert_string_equal(t, "低 保 户 水 管 漏 水 W i F i 坏 了 2 次 ");
	free(t);
	t = cases_search_text("“路灯” 1301室\n", true);
	assert_string_equal(t, "路 灯 zz 1 3 0 1 室 ");
	free(t);
}

struct found {
	int n;
	int64_t ids[16];
};

static int collect(void *ctx, const case_rec *c)
{
	struct found *x = ctx;
	if (x->n < 16)
		x->ids[x->n++] = c->id;
	return 0;
}

static struct found search(struct fx *f, const gz_user *u, const char *q)
{
	case_filter fl = {.q = q, .limit = 16};
	scope_range_of(u->scope, &fl.range);
	struct found x = {0};
	bool more;
	gz_error e = {0};
	assert_int_equal(cases_list(f->s, u, &fl, T0, collect, &x, &more, &e), GZ_OK);
	return x;
}

/* The same answers from the cases not yet in the search index (read directly) and, after
 * cases_text_follow, from the index. */
static void search_finds_one_and_two_characters_in_scope(void **state)
{
	struct fx *f = *state;
	int64_t a = new_case(f, &f->cadre, "421003003006", "低保复核", T0);
	int64_t b = new_case(f, &f->cadre, "421003003006", "水管爆裂", T0);
	new_case(f, &f->other, "421003001003", "低保申请", T0);
	int64_t w = new_case(f, &f->cadre, "421003003006", "WiFi信号，水 管道", T0);
	for (int indexed = 0; indexed < 2; indexed++) {
		if (indexed) {
			gz_error e = {0};
			assert_int_equal(cases_text_follow(f->s, &e), GZ_OK);
		}
		struct found x = search(f, &f->cadre, "低保");
		assert_int_equal(x.n, 1);
		assert_int_equal(x.ids[0], a);
		x = search(f, &f->cadre, "水");
		assert_int_equal(x.n, 2);
		assert_int_equal(x.ids[0], w); /* newest first */
		assert_int_equal(x.ids[1], b);
		x = search(f, &f->cadre, "水管爆裂");
		assert_int_equal(x.n, 1);
		x = search(f, &f->cadre, "水管");
		assert_int_equal(x.n, 1); /* not across the space in "水 管道" */
		assert_int_equal(x.ids[0], b);
		x = search(f, &f->cadre, "wifi");
		assert_int_equal(x.n, 1); /* ASCII in either case */
		assert_int_equal(x.ids[0], w);
		x = search(f, &f->cadre, "号，水");
		assert_int_equal(x.n, 0); /* not across the comma */
		x = search(f, &f->cadre, "保低");
		assert_int_equal(x.n, 0); /* a phrase, not a bag of characters */
		x = search(f, &f->admin, "低保");
		assert_int_equal(x.n, 2);
		x = search(f, &f->cadre, "\"*)(");
		assert_int_equal(x.n, 0); /* search syntax is text, not an error */
		x = search(f, &f->cadre, "复核居");
		assert_int_equal(x.n, 0); /* not across the title into the content */
	}
}

/* Creating cases indexes them a batch at a time on its own; a search paged with the cursor
 * reads the newest (not yet indexed) first, then the index, each case once. */
static void search_pages_across_the_index_mark(void **state)
{
	struct fx *f = *state;
	enum { N = 300 };
	int64_t ids[N];
	for (int i = 0; i < N; i++)
		ids[i] = new_case(f, &f->cadre, "421003003006", i % 3 ? "路灯不亮" : "井盖缺失", T0 + i);
	char mark[24] = "";
	assert_true(store_meta_get(f->s, "cases.text_indexed", mark, sizeof mark));
	int64_t m = strtoll(mark, NULL, 10);
	assert_true(m >= ids[255] && m < ids[N - 1]); /* some indexed by creation alone, some not yet */
	case_filter fl = {.q = "路灯", .limit = 7};
	scope_range_of(f->cadre.scope, &fl.range);
	int seen = 0, expect = N - 1;
	bool more = true;
	while (more) {
		struct found x = {0};
		gz_error e = {0};
		assert_int_equal(cases_list(f->s, &f->cadre, &fl, T0, collect, &x, &more, &e), GZ_OK);
		assert_true(x.n == 7 || !more);
		for (int i = 0; i < x.n; i++) {
			while (expect >= 0 && expect % 3 == 0)
				expect--;
			assert_true(expect >= 0);
			assert_int_equal(x.ids[i], ids[expect]); /* newest first, none twice, none skipped */
			expect--;
			seen++;
		}
		if (x.n)
			fl.before = x.ids[x.n - 1];
	}
	assert_int_equal(seen, N - N / 3);
}

static bool counts_equal(const case_counts *a, const case_counts *b)
{
	return a->collected == b->collected && a->resolved == b->resolved && a->carried == b->carried &&
	       a->overdue == b->overdue && a->fb_n == b->fb_n && a->fb_secs == b->fb_secs && a->fb_ontime == b->fb_ontime;
}

static const case_counts *row_of(const case_fig_row *rows, int n, const char *key)
{
	static const case_counts zero;
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].key, key))
			return &rows[i].c;
	return &zero;
}

static void compare_figures(struct fx *f, const char *under, const char *from, const char *to)
{
	gz_range r;
	scope_range_of(under, &r);
	case_figures kept, direct;
	gz_error e = {0};
	assert_int_equal(cases_figures(f->s, &r, from, to, false, &kept, &e), GZ_OK);
	assert_int_equal(cases_figures(f->s, &r, from, to, true, &direct, &e), GZ_OK);
	if (!counts_equal(&kept.total, &direct.total))
		fail_msg("%s %s..%s: kept %lld collected / %lld resolved, counted %lld / %lld", under, from, to,
			 (long long)kept.total.collected, (long long)kept.total.resolved, (long long)direct.total.collected,
			 (long long)direct.total.resolved);
	for (int i = 0; case_kinds[i]; i++)
		assert_true(counts_equal(row_of(kept.kind, kept.nkind, case_kinds[i]), row_of(direct.kind, direct.nkind, case_kinds[i])));
	assert_true(counts_equal(row_of(kept.kind, kept.nkind, ""), row_of(direct.kind, direct.nkind, "")));
	for (int i = 0; case_channels[i]; i++)
		assert_true(counts_equal(row_of(kept.channel, kept.nchannel, case_channels[i]),
					 row_of(direct.channel, direct.nchannel, case_channels[i])));
	for (int i = 0; case_resolutions[i]; i++)
		assert_true(counts_equal(row_of(kept.resolution, kept.nresolution, case_resolutions[i]),
					 row_of(direct.resolution, direct.nresolution, case_resolutions[i])));
	for (int a = 0; a < 2; a++)
		for (int k = 0; k < 4; k++)
			assert_true(counts_equal(&kept.area_kind[a][k], &direct.area_kind[a][k]));
	assert_int_equal(kept.nmonth, direct.nmonth);
	for (int i = 0; i < kept.nmonth; i++) {
		assert_string_equal(kept.month[i].month, direct.month[i].month);
		assert_true(counts_equal(&kept.month[i].c, &direct.month[i].c));
	}
	assert_int_equal(kept.nchild, direct.nchild);
	for (int i = 0; i < kept.nchild; i++) {
		assert_string_equal(kept.child[i].code, direct.child[i].code);
		assert_true(counts_equal(&kept.child[i].c, &direct.child[i].c));
	}
	case_figures_free(&kept);
	case_figures_free(&direct);
}

/* After a random history — intake over months and places, triage, department replies, 民议,
 * feedback, resolutions, unsatisfied evaluations, escalation, carry-over — the counters the
 * figures read agree with a count of the cases themselves, at every level and period. */
/* Tracking codes: the case's number then a random part; found as typed (lower case too); codes
 * of the old form (10 random characters) still found; anything else not found. */
static void tracking_codes_carry_the_number(void **state)
{
	struct fx *f = *state;
	static const char digits[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	char prev[CASE_TRACKING_LEN + 1] = "";
	gz_error e = {0};
	for (int i = 0; i < 40; i++) {
		int64_t id = new_case(f, &f->cadre, "421003003006", "路灯不亮", T0 + i);
		case_rec c;
		assert_int_equal(cases_get(f->s, &f->cadre, id, T0 + i, &c, &e), GZ_OK);
		assert_int_equal(strlen(c.tracking), 12);
		int64_t number = 0;
		for (int k = 0; k < 12; k++) {
			const char *at = strchr(digits, c.tracking[k]);
			assert_non_null(at);
			if (k < 5)
				number = number * 31 + (at - digits);
		}
		assert_int_equal(number, id);
		/* New codes follow each other in the index of codes (their number comes first). */
		assert_true(strcmp(prev, c.tracking) < 0);
		strcpy(prev, c.tracking);
		case_free(&c);
	}
	int64_t id = new_case(f, &f->cadre, "421003003006", "旧码", T0 + 100);
	case_rec c;
	char lower[CASE_TRACKING_LEN + 1];
	assert_int_equal(cases_get(f->s, &f->cadre, id, T0 + 100, &c, &e), GZ_OK);
	for (int k = 0; k <= 12; k++)
		lower[k] = (char)(c.tracking[k] >= 'A' && c.tracking[k] <= 'Z' ? c.tracking[k] + 32 : c.tracking[k]);
	case_free(&c);
	assert_int_equal(cases_get_tracking(f->s, lower, &c, &e), GZ_OK);
	assert_int_equal(c.id, id);
	case_free(&c);
	/* The same number with another random part. */
	lower[11] = lower[11] == 'z' ? 'y' : 'z';
	assert_int_equal(cases_get_tracking(f->s, lower, &c, &e), GZ_E_NOT_FOUND);
	/* A code given before: ten random characters. */
	sqlite3_stmt *st = store_stmt(f->s, "UPDATE cases SET tracking_code = 'K7QW2MXP9D' WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(store_write_begin(f->s, &e), GZ_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	assert_int_equal(store_write_commit(f->s, &e), GZ_OK);
	assert_int_equal(cases_get_tracking(f->s, "k7qw2mxp9d", &c, &e), GZ_OK);
	assert_int_equal(c.id, id);
	case_free(&c);
	const char *bad[] = {"", "K7QW2MXP9", "K7QW2MXP9DA", NULL};
	for (int k = 0; bad[k]; k++)
		assert_int_equal(cases_get_tracking(f->s, bad[k], &c, &e), GZ_E_NOT_FOUND);
	assert_int_equal(cases_get_tracking(f->s, NULL, &c, &e), GZ_E_NOT_FOUND);
}

static void counters_agree_with_a_direct_count(void **state)
{
	struct fx *f = *state;
	static const char *const places[] = {"421003003006", "421003003001", "421003001003", "421003005007", "421003001001"};
	static const char *const kinds[] = {"major", "minor", "private"};
	static const char *const res[3][2] = {{"department", "upper"}, {"community", "volunteers"}, {"resident", "market"}};
	srand(12345);
	int n = 0;
	for (int i = 0; i < 300; i++) {
		const char *p = places[rand() % 5];
		int64_t when = T0 + (int64_t)(rand() % 400) * DAY;
		case_new in = {.place_code = p, .channel = case_channels[rand() % 10], .type = rand() % 4 ? "problem" : "suggestion",
			       .title = rand() % 2 ? "水管漏水" : "路灯不亮", .content = "内容"};
		case_rec c;
		gz_error e = {0};
		assert_int_equal(TX(cases_create(f->s, &f->admin, &in, when, &c, &e)), GZ_OK);
		n++;
		case_free(&c);
		int k = rand() % 4;
		if (k == 3)
			continue; /* never triaged */
		act(f, &f->admin, c.id, (case_act){.action = "triage", .kind = kinds[k], .department_id = k == 0 ? f->dept_id : 0},
		    when + 3600, NULL);
		if (rand() % 3 == 0)
			act(f, &f->admin, c.id, (case_act){.action = "feedback", .note = "已回复"}, when + (rand() % 10) * DAY, NULL);
		if (k == 0)
			act(f, &f->dept, c.id, (case_act){.action = "reply", .note = "部门答复"}, when + 2 * DAY, NULL);
		if (k == 1 && rand() % 3 == 0) {
			act(f, &f->admin, c.id, (case_act){.action = "deliberate"}, when + DAY, NULL);
			act(f, &f->admin, c.id, (case_act){.action = "decide", .note = "表决通过"}, when + 2 * DAY, NULL);
		}
		if (rand() % 4)
			act(f, &f->admin, c.id, (case_act){.action = "resolve", .resolution = res[k][rand() % 2], .note = "办结"},
			    when + (rand() % 20) * DAY, NULL);
		if (rand() % 3 == 0)
			act(f, NULL, c.id, (case_act){.action = "evaluate", .rating = case_ratings[rand() % 3]}, when + 21 * DAY, NULL);
	}
	escalate(f, T0 + 410 * DAY);
	escalate(f, T0 + 430 * DAY);
	int64_t carried;
	gz_error e = {0};
	assert_int_equal(TX(cases_carry_over(f->s, &f->admin, "421003003", 2023, T0 + 250 * DAY, &carried, &e)), GZ_OK);
	assert_true(carried > 0);
	compare_figures(f, "", "", "");
	compare_figures(f, "42", "", "");
	compare_figures(f, "421003", "", "");
	compare_figures(f, "421003", "2023-06", "2023-12");
	compare_figures(f, "421003003", "", "");
	compare_figures(f, "421003003006", "2024-01", "2024-03");
	/* And the total is the number of cases created. */
	gz_range all;
	scope_range_of("", &all);
	case_figures fig;
	assert_int_equal(cases_figures(f->s, &all, NULL, NULL, false, &fig, &e), GZ_OK);
	assert_int_equal(fig.total.collected, n);
	case_figures_free(&fig);
	/* Counties and townships keep breakdown rows only; villages their rows of all cases only. */
	sqlite3_stmt *st = store_stmt(f->s, "SELECT count(*) FROM case_stats WHERE lvl = 12 AND dim = 'x'");
	assert_int_equal(store_step_int(st), 0);
	st = store_stmt(f->s, "SELECT count(*) FROM case_stats WHERE lvl < 12 AND dim = ''");
	assert_int_equal(store_step_int(st), 0);
	st = store_stmt(f->s, "SELECT count(*) FROM case_stats WHERE lvl = 12 AND dim = ''");
	assert_true(store_step_int(st) > 0);
	st = store_stmt(f->s, "SELECT count(*) FROM case_stats WHERE lvl < 12 AND dim = 'x'");
	assert_true(store_step_int(st) > 0);
}

int main(void)
{
	auth_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_transition_against_every_state, setup, teardown),
		cmocka_unit_test_setup_teardown(where_each_transition_leads, setup, teardown),
		cmocka_unit_test_setup_teardown(escalation_follows_the_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(carry_over_moves_unresolved_cases_once, setup, teardown),
		cmocka_unit_test(search_text_splits_characters),
		cmocka_unit_test_setup_teardown(search_finds_one_and_two_characters_in_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(search_pages_across_the_index_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(counters_agree_with_a_direct_count, setup, teardown),
		cmocka_unit_test_setup_teardown(tracking_codes_carry_the_number, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
