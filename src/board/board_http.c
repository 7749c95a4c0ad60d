/* board_http.c — the routes of the public board: publication and correction, the chain's status,
 * Art. 30's schedule, settings and vote rules, 四议两公开, and the public reading routes (no
 * account, rate-limited per client). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "cases/cases.h"
#include "core/qr.h"
#include "core/ratelimit.h"
#include "core/util.h"
#include "modules.h"
#include "places/places.h"

/* --- rendering ---------------------------------------------------------------------------- */

static json_t *when(int64_t t)
{
	if (!t)
		return json_null();
	char b[32];
	gz_time_rfc3339(t, b, sizeof b);
	return json_string(b);
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

/* The publisher as the public board names it: the display name recorded at publication, or, where
 * the account had none and the name recorded is the account's own, the body it speaks for: the
 * account name is not for the public. */
static const char *public_publisher(const board_entry *en)
{
	if (*en->publisher_name && strcmp(en->publisher_name, en->publisher))
		return en->publisher_name;
	bool community = board_is_community(en->place_code);
	if (!strcmp(en->publisher_role, "cadre"))
		return community ? "社区居民委员会" : "村民委员会";
	if (!strcmp(en->publisher_role, "supervisor"))
		return community ? "居务监督委员会" : "村务监督委员会";
	if (!strcmp(en->publisher_role, "official"))
		return "乡镇（街道）或区县人民政府";
	return "平台管理员";
}

/* An entry; public: without the publisher's account name. */
static json_t *entry_json(const board_entry *en, bool public_view)
{
	json_t *j = json_pack("{sI sI ss ss ss ss ss ss ss}", "id", (json_int_t)en->id, "seq", (json_int_t)en->seq,
			      "place_code", en->place_code, "place_name", en->place_name, "category", en->category, "title",
			      en->title, "body", en->body, "period", en->period, "attachment", en->attachment);
	json_object_set_new(j, "corrects", id_or_null(en->corrects));
	json_object_set_new(j, "corrected_by", id_or_null(en->corrected_by));
	json_object_set_new(j, "reason", json_string(en->reason));
	json_object_set_new(j, "procedure_id", id_or_null(en->procedure_id));
	json_object_set_new(j, "procedure_step",
			    en->procedure_step ? json_string(board_steps[en->procedure_step]) : json_null());
	json_object_set_new(j, "case_id", id_or_null(en->case_id));
	json_object_set_new(j, "resolution_id", id_or_null(en->resolution_id));
	if (!public_view)
		json_object_set_new(j, "publisher", json_string(en->publisher));
	json_object_set_new(j, "publisher_name", json_string(public_view ? public_publisher(en) : en->publisher_name));
	json_object_set_new(j, "publisher_role", json_string(en->publisher_role));
	json_object_set_new(j, "published_at", when(en->published_at));
	json_object_set_new(j, "prev_hash", json_string(en->prev_hash));
	json_object_set_new(j, "hash", json_string(en->hash));
	return j;
}

struct list {
	json_t *items;
	int64_t last;
	bool public_view;
};

static int add_entry(void *ctx, const board_entry *en)
{
	struct list *l = ctx;
	json_array_append_new(l->items, entry_json(en, l->public_view));
	l->last = en->id;
	return 0;
}

static int set_entry(void *ctx, const board_entry *en)
{
	*(json_t **)ctx = entry_json(en, false);
	return 0;
}

static int set_public_entry(void *ctx, const board_entry *en)
{
	*(json_t **)ctx = entry_json(en, true);
	return 0;
}

static const char *cursor_of(http_req *r, bool more, int64_t last)
{
	return more ? arena_printf(r->a, "%lld", (long long)last) : NULL;
}

/* A board belongs to a village or community, and what it shows is public: a reader whose scope
 * lies inside one (a grid worker's grid) reads that place's board. For the read routes only; the
 * caller's scope stays its own for every write. */
static void read_at_village(http_req *r)
{
	size_t village = (size_t)places_level_len(PL_VILLAGE);
	if (!r->user || strlen(r->user->scope) <= village)
		return;
	gz_user *u = arena_alloc(r->a, sizeof *u);
	if (!u)
		return;
	*u = *r->user;
	u->scope[village] = '\0';
	r->user = u;
}

/* --- entries ------------------------------------------------------------------------------- */

static gz_err entries_index(http_req *r)
{
	board_filter f = {0};
	const char *cursor;
	gz_err rc;
	read_at_village(r);
	if ((rc = http_list_args(r, &f.range, &f.limit, &cursor)) || (rc = http_query(r, "category", 16, &f.category)))
		return rc;
	if (f.category && board_word(board_categories, f.category) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "category", "category \"%s\" is not known", f.category);
	f.before = cursor ? strtoll(cursor, NULL, 10) : 0;
	struct list l = {json_array(), 0, false};
	bool more;
	if ((rc = board_entries(r->store, &f, add_entry, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, cursor_of(r, more, l.last));
	return GZ_OK;
}

static const http_field publish_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"category", JSON_STRING, true, 16},
	{"title", JSON_STRING, true, BOARD_TITLE_MAX},
	{"body", JSON_STRING, true, BOARD_BODY_MAX},
	{"period", JSON_STRING, false, 7},
	{"attachment", JSON_STRING, false, BOARD_ATTACH_MAX},
	{"case_id", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err published_reply(http_req *r, int64_t id, int64_t seq, const char *hash, const char *action)
{
	json_t *j = NULL;
	gz_err rc = board_entry_get(r->store, r->user, id, set_entry, &j, &r->err);
	if (rc)
		return rc;
	r->status = 201;
	http_audit(r, "board_entry", id, json_string_value(json_object_get(j, "place_code")));
	r->audit_detail = json_pack("{ss sI ss}", "action", action, "seq", (json_int_t)seq, "hash", hash);
	r->reply = j;
	return GZ_OK;
}

static gz_err entry_create(http_req *r)
{
	gz_err rc = http_body_check(r, publish_fields);
	if (rc)
		return rc;
	json_t *cid = json_object_get(r->body, "case_id");
	if (json_is_integer(cid) && json_integer_value(cid) <= 0)
		return http_fail(r, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)json_integer_value(cid));
	board_new in = {.place_code = http_body_str(r, "place_code"),
			.category = http_body_str(r, "category"),
			.title = http_body_str(r, "title"),
			.body = http_body_str(r, "body"),
			.period = http_body_str(r, "period"),
			.attachment = http_body_str(r, "attachment"),
			.case_id = json_is_integer(cid) ? json_integer_value(cid) : 0};
	int64_t id, seq;
	char hash[BOARD_HASH_HEX + 1];
	if ((rc = board_publish(r->store, r->user, &in, gz_now(), &id, &seq, hash, &r->err)))
		return rc;
	return published_reply(r, id, seq, hash, "publish");
}

static gz_err entry_show(http_req *r)
{
	int64_t id;
	read_at_village(r);
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	json_t *j = NULL;
	if ((rc = board_entry_get(r->store, r->user, id, set_entry, &j, &r->err)))
		return rc;
	r->reply = j;
	return GZ_OK;
}

static const http_field correct_fields[] = {
	{"title", JSON_STRING, true, BOARD_TITLE_MAX},
	{"body", JSON_STRING, true, BOARD_BODY_MAX},
	{"reason", JSON_STRING, true, BOARD_REASON_MAX},
	{"period", JSON_STRING, false, 7},
	{"attachment", JSON_STRING, false, BOARD_ATTACH_MAX},
	{NULL},
};

struct old_entry {
	char place[GZ_CODE_MAX + 1], category[16];
	int64_t case_id;
};

static int keep_old(void *ctx, const board_entry *en)
{
	struct old_entry *o = ctx;
	gz_strlcpy(o->place, en->place_code, sizeof o->place);
	gz_strlcpy(o->category, en->category, sizeof o->category);
	o->case_id = en->case_id;
	return 0;
}

static gz_err entry_correct(http_req *r)
{
	int64_t old;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &old)) || (rc = http_body_check(r, correct_fields)))
		return rc;
	struct old_entry o;
	if ((rc = board_entry_get(r->store, r->user, old, keep_old, &o, &r->err)))
		return rc;
	board_new in = {.place_code = o.place,
			.category = o.category,
			.title = http_body_str(r, "title"),
			.body = http_body_str(r, "body"),
			.period = http_body_str(r, "period"),
			.attachment = http_body_str(r, "attachment"),
			.case_id = o.case_id,
			.corrects = old,
			.reason = http_body_str(r, "reason")};
	int64_t id, seq;
	char hash[BOARD_HASH_HEX + 1];
	if ((rc = board_publish(r->store, r->user, &in, gz_now(), &id, &seq, hash, &r->err)))
		return rc;
	return published_reply(r, id, seq, hash, "correct");
}

/* --- the answers to a case ------------------------------------------------------------------ */

/* ?cursor= and ?limit= of a list of answers (at most BOARD_CASE_ANSWERS_MAX a page). */
static gz_err answers_args(http_req *r, board_case_filter *f)
{
	const char *cursor;
	gz_err rc;
	if ((rc = http_query_limit(r, &f->limit)) || (rc = http_query(r, "cursor", 20, &cursor)))
		return rc;
	if (cursor && (!*cursor || !gz_all_digits(cursor, strlen(cursor))))
		return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", cursor);
	f->before = cursor ? strtoll(cursor, NULL, 10) : 0;
	return GZ_OK;
}

static gz_err answers_reply(http_req *r, const board_case_filter *f, bool public_view)
{
	struct list l = {json_array(), 0, public_view};
	bool more;
	gz_err rc = board_case_answers(r->store, public_view ? NULL : r->user, f, gz_now(), add_entry, &l, &more, NULL,
				       &r->err);
	if (rc) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, cursor_of(r, more, l.last));
	return GZ_OK;
}

/* GET /board/cases/{id}: the board's answers to a case the caller may see. */
static gz_err case_answers(http_req *r)
{
	board_case_filter f = {0};
	gz_err rc;
	if ((rc = http_param_id(r, 0, &f.case_id)) || (rc = answers_args(r, &f)))
		return rc;
	return answers_reply(r, &f, false);
}

/* --- the chain ------------------------------------------------------------------------------ */

static const char *const problem_words[] = {"", "changed", "deleted", "inserted"};

static void add_problem(void *ctx, const board_problem *p)
{
	json_t *a = ctx;
	if (json_array_size(a) >= 200)
		return;
	json_array_append_new(a, json_pack("{ss ss sI so ss}", "kind", problem_words[p->kind], "place_code", p->place_code,
					   "seq", (json_int_t)p->seq, "entry_id", id_or_null(p->id), "what", p->what));
}

static json_t *chain_json(store *s, const gz_range *range, gz_error *e)
{
	board_verify_stats st;
	json_t *problems = json_array();
	if (board_verify(s, range, add_problem, problems, &st, e)) {
		json_decref(problems);
		return NULL;
	}
	return json_pack("{sb sI sI sI sI s{sI so} so}", "intact", st.problems == 0, "places", (json_int_t)st.places,
			 "entries", (json_int_t)st.entries, "problem_count", (json_int_t)st.problems, "head_seq",
			 (json_int_t)st.head_seq, "head", "seq", (json_int_t)st.head_seq, "hash",
			 *st.head_hash ? json_string(st.head_hash) : json_null(), "problems", problems);
}

static gz_err chain_get(http_req *r)
{
	gz_range range;
	gz_err rc;
	read_at_village(r);
	if ((rc = http_under_arg(r, &range)))
		return rc;
	json_t *j = chain_json(r->store, &range, &r->err);
	if (!j)
		return r->err.code ? r->err.code : GZ_E_INTERNAL;
	r->reply = j;
	return GZ_OK;
}

/* --- schedule ------------------------------------------------------------------------------- */

static int add_late(void *ctx, const board_late *l)
{
	json_t *j = json_pack("{ss ss ss}", "place_code", l->place_code, "place_name", l->place_name, "item", l->item);
	json_object_set_new(j, "last_published", *l->last ? json_string(l->last) : json_null());
	json_object_set_new(j, "late_since", *l->since ? json_string(l->since) : json_null());
	json_object_set_new(j, "never", json_boolean(!*l->last));
	if (l->procedure_id) {
		json_object_set_new(j, "procedure_id", json_integer(l->procedure_id));
		json_object_set_new(j, "title", json_string(l->title));
	}
	json_array_append_new(ctx, j);
	return 0;
}

static gz_err schedule_get(http_req *r)
{
	const char *under, *cursor, *date;
	gz_range range;
	gz_err rc;
	read_at_village(r);
	if ((rc = http_query(r, "under", GZ_CODE_MAX, &under)) || (rc = http_query(r, "cursor", GZ_CODE_MAX, &cursor)) ||
	    (rc = http_query(r, "date", 10, &date)))
		return rc;
	if (under && *under && places_level_of(under) == PL_NONE)
		return http_fail(r, GZ_E_INVALID_VALUE, "under", "place code \"%s\" is not valid", under);
	if (cursor && places_level_of(cursor) != PL_VILLAGE)
		return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", cursor);
	char today[11];
	gz_date_shanghai(gz_now(), today);
	if (date) {
		/* Checking as of another day (what was late at a month's end): never after today. */
		if (strlen(date) != 10 || date[4] != '-' || date[7] != '-' || !gz_all_digits(date, 4) ||
		    !gz_all_digits(date + 5, 2) || !gz_all_digits(date + 8, 2) || strcmp(date, today) > 0)
			return http_fail(r, GZ_E_INVALID_VALUE, "date", "date \"%s\" is not a YYYY-MM-DD up to today", date);
		gz_strlcpy(today, date, sizeof today);
	}
	if ((rc = http_scope_range(r, under, &range)))
		return rc;
	json_t *items = json_array();
	char next[GZ_CODE_MAX + 1];
	if ((rc = board_schedule(r->store, &range, today, cursor, 2000, add_late, items, next, &r->err))) {
		json_decref(items);
		return rc;
	}
	http_reply_list(r, items, *next ? arena_strdup(r->a, next) : NULL);
	json_object_set_new(r->reply, "date", json_string(today));
	return GZ_OK;
}

/* --- settings and rules ---------------------------------------------------------------------- */

static gz_err code_param(http_req *r, const char **code)
{
	*code = r->param[0];
	place p;
	if (places_level_of(*code) == PL_NONE || places_level_of(*code) > PL_VILLAGE || !scope_contains(r->user->scope, *code) ||
	    places_get(r->store, *code, &p, NULL) != GZ_OK)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "place \"%.20s\" not found", *code);
	return GZ_OK;
}

static gz_err settings_reply(http_req *r, const char *code)
{
	board_settings s;
	board_settings_of(r->store, code, &s);
	r->reply = json_pack("{ss sb sb si si so}", "place_code", code, "art30", s.art30, "finance_frequent",
			     s.finance_frequent, "general_months", s.general_months, "major_days", s.major_days, "set_at",
			     *s.set_at ? json_string(s.set_at) : json_null());
	return GZ_OK;
}

static gz_err settings_get(http_req *r)
{
	const char *code;
	read_at_village(r);
	gz_err rc = code_param(r, &code);
	return rc ? rc : settings_reply(r, code);
}

static const http_field settings_fields[] = {
	{"art30", JSON_TRUE, false, 0},
	{"finance_frequent", JSON_TRUE, false, 0},
	{"general_months", JSON_INTEGER, false, 0},
	{"major_days", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err settings_put(http_req *r)
{
	const char *code;
	gz_err rc;
	if ((rc = code_param(r, &code)) || (rc = http_body_check(r, settings_fields)))
		return rc;
	board_settings s;
	board_settings_of(r->store, code, &s);
	json_t *v;
	if ((v = json_object_get(r->body, "art30")) && json_is_boolean(v))
		s.art30 = json_is_true(v);
	if ((v = json_object_get(r->body, "finance_frequent")) && json_is_boolean(v))
		s.finance_frequent = json_is_true(v);
	if ((v = json_object_get(r->body, "general_months")) && json_is_integer(v))
		s.general_months = json_integer_value(v) > 12 || json_integer_value(v) < 0 ? 0 : (int)json_integer_value(v);
	if ((v = json_object_get(r->body, "major_days")) && json_is_integer(v))
		s.major_days = json_integer_value(v) > 1000 || json_integer_value(v) < 0 ? 0 : (int)json_integer_value(v);
	if ((rc = board_settings_set(r->store, r->user, code, &s, gz_now(), &r->err)))
		return rc;
	r->audit_subject = arena_printf(r->a, "board_settings:%s", code);
	r->audit_place = code;
	r->audit_detail = json_pack("{sb sb si si}", "art30", s.art30, "finance_frequent", s.finance_frequent,
				    "general_months", s.general_months, "major_days", s.major_days);
	return settings_reply(r, code);
}

static json_t *rule_json(const board_rule *x)
{
	return json_pack("{ss si si sb si si sb ss ss so sb}", "meeting", x->meeting, "quorum_num", x->quorum_num, "quorum_den",
			 x->quorum_den, "quorum_strict", x->quorum_strict, "pass_num", x->pass_num, "pass_den", x->pass_den,
			 "pass_strict", x->pass_strict, "pass_of", x->pass_of_due ? "due" : "present", "source", x->source,
			 "set_at", *x->set_at ? json_string(x->set_at) : json_null(), "law", x->law);
}

static gz_err rules_reply(http_req *r, const char *code)
{
	json_t *a = json_array();
	for (int i = 0; board_meetings[i]; i++) {
		board_rule x;
		gz_err rc = board_rule_of(r->store, code, board_meetings[i], &x, &r->err);
		if (rc) {
			json_decref(a);
			return rc;
		}
		json_array_append_new(a, rule_json(&x));
	}
	r->reply = json_pack("{ss so}", "place_code", code, "items", a);
	return GZ_OK;
}

static gz_err rules_get(http_req *r)
{
	const char *code;
	read_at_village(r);
	gz_err rc = code_param(r, &code);
	return rc ? rc : rules_reply(r, code);
}

static const http_field rule_fields[] = {
	{"meeting", JSON_STRING, true, 16},
	{"quorum_num", JSON_INTEGER, true, 0},
	{"quorum_den", JSON_INTEGER, true, 0},
	{"quorum_strict", JSON_TRUE, true, 0},
	{"pass_num", JSON_INTEGER, true, 0},
	{"pass_den", JSON_INTEGER, true, 0},
	{"pass_strict", JSON_TRUE, true, 0},
	{"pass_of", JSON_STRING, true, 8},
	{"source", JSON_STRING, true, BOARD_RULE_SOURCE_MAX},
	{NULL},
};

static int small_int(http_req *r, const char *name)
{
	json_int_t v = json_integer_value(json_object_get(r->body, name));
	return v < -1000 || v > 1000 ? -1 : (int)v;
}

static gz_err rule_put(http_req *r)
{
	const char *code;
	gz_err rc;
	if ((rc = code_param(r, &code)) || (rc = http_body_check(r, rule_fields)))
		return rc;
	const char *of = http_body_str(r, "pass_of");
	if (strcmp(of, "due") && strcmp(of, "present"))
		return http_fail(r, GZ_E_INVALID_VALUE, "pass_of", "pass_of must be due or present");
	board_rule x = {.quorum_num = small_int(r, "quorum_num"),
			.quorum_den = small_int(r, "quorum_den"),
			.quorum_strict = json_is_true(json_object_get(r->body, "quorum_strict")),
			.pass_num = small_int(r, "pass_num"),
			.pass_den = small_int(r, "pass_den"),
			.pass_strict = json_is_true(json_object_get(r->body, "pass_strict")),
			.pass_of_due = !strcmp(of, "due")};
	gz_strlcpy(x.meeting, http_body_str(r, "meeting"), sizeof x.meeting);
	gz_strlcpy(x.source, http_body_str(r, "source"), sizeof x.source);
	if ((rc = board_rule_set(r->store, r->user, code, &x, gz_now(), &r->err)))
		return rc;
	r->audit_subject = arena_printf(r->a, "board_rule:%s:%s", code, x.meeting);
	r->audit_place = code;
	r->audit_detail = json_incref(r->body);
	return rules_reply(r, code);
}

/* --- 四议两公开 ------------------------------------------------------------------------------- */

static json_t *proc_json(const board_procedure *p)
{
	json_t *j = json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)p->id, "place_code", p->place_code, "place_name",
			      p->place_name, "title", p->title, "status", p->status, "created_by", p->created_by);
	json_object_set_new(j, "next_step", p->next_step ? json_string(board_steps[p->next_step]) : json_null());
	json_object_set_new(j, "created_at", when(p->created_at));
	json_object_set_new(j, "updated_at", when(p->updated_at));
	return j;
}

static int set_proc(void *ctx, const board_procedure *p)
{
	*(json_t **)ctx = proc_json(p);
	return 0;
}

static int add_step(void *ctx, const board_step *x)
{
	json_t *j = json_pack("{ss ss ss ss sb ss}", "step", board_steps[x->step], "held_on", x->held_on, "document",
			      x->document, "attachment", x->attachment, "passed", x->passed, "recorded_by", x->recorded_by);
	json_object_set_new(j, "meeting", *x->meeting ? json_string(x->meeting) : json_null());
	json_object_set_new(j, "votes", x->has_votes ? json_pack("{sI sI sI sI sI}", "for", (json_int_t)x->votes.votes_for,
								  "against", (json_int_t)x->votes.against, "abstain",
								  (json_int_t)x->votes.abstain, "present",
								  (json_int_t)x->votes.present, "due", (json_int_t)x->votes.due)
						     : json_null());
	json_object_set_new(j, "rule_source", *x->rule_source ? json_string(x->rule_source) : json_null());
	json_object_set_new(j, "entry_id", id_or_null(x->entry_id));
	json_object_set_new(j, "recorded_at", when(x->recorded_at));
	json_array_append_new(ctx, j);
	return 0;
}

static gz_err proc_reply(http_req *r, int64_t id)
{
	json_t *j = NULL;
	gz_err rc = board_procedure_get(r->store, r->user, id, set_proc, &j, &r->err);
	if (rc)
		return rc;
	json_t *steps = json_array();
	if ((rc = board_procedure_steps(r->store, id, add_step, steps, &r->err))) {
		json_decref(steps);
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "steps", steps);
	r->reply = j;
	return GZ_OK;
}

struct proc_list {
	json_t *items;
	int64_t last;
};

static int add_proc(void *ctx, const board_procedure *p)
{
	struct proc_list *l = ctx;
	json_array_append_new(l->items, proc_json(p));
	l->last = p->id;
	return 0;
}

static gz_err procs_index(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor;
	gz_err rc;
	read_at_village(r);
	if ((rc = http_list_args(r, &range, &limit, &cursor)))
		return rc;
	struct proc_list l = {json_array(), 0};
	bool more;
	if ((rc = board_procedures(r->store, &range, cursor ? strtoll(cursor, NULL, 10) : 0, limit, add_proc, &l, &more,
				   &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, cursor_of(r, more, l.last));
	return GZ_OK;
}

static const http_field votes_fields[] = {
	{"for", JSON_INTEGER, true, 0},     {"against", JSON_INTEGER, true, 0}, {"abstain", JSON_INTEGER, true, 0},
	{"present", JSON_INTEGER, true, 0}, {"due", JSON_INTEGER, true, 0},     {"households", JSON_TRUE, false, 0},
	{NULL},
};

/* The fields every step shares; step and meeting are the caller's. */
static gz_err step_from_body(http_req *r, board_step_in *in)
{
	in->held_on = http_body_str(r, "held_on");
	in->document = http_body_str(r, "document");
	in->attachment = http_body_str(r, "attachment");
	in->meeting = http_body_str(r, "meeting");
	json_t *v = json_object_get(r->body, "votes");
	in->has_votes = json_is_object(v);
	if (!in->has_votes)
		return GZ_OK;
	/* Check the nested object with the same spec machinery. */
	json_t *outer = r->body;
	r->body = v;
	gz_err rc = http_body_check(r, votes_fields);
	r->body = outer;
	if (rc) {
		char f[80];
		snprintf(f, sizeof f, "votes.%s", r->err.field);
		gz_strlcpy(r->err.field, f, sizeof r->err.field);
		return rc;
	}
	const json_int_t lim = BOARD_COUNT_MAX;
	int64_t *dst[] = {&in->votes.votes_for, &in->votes.against, &in->votes.abstain, &in->votes.present, &in->votes.due};
	for (int i = 0; i < 5; i++) {
		json_int_t x = json_integer_value(json_object_get(v, votes_fields[i].name));
		if (x < 0 || x > lim)
			return http_fail(r, GZ_E_INVALID_VALUE, arena_printf(r->a, "votes.%s", votes_fields[i].name),
					 "%s must be 0 to %lld", votes_fields[i].name, (long long)lim);
		*dst[i] = x;
	}
	in->votes.households = json_is_true(json_object_get(v, "households"));
	return GZ_OK;
}

static const http_field proc_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"title", JSON_STRING, true, BOARD_TITLE_MAX},
	{"held_on", JSON_STRING, true, 10},
	{"document", JSON_STRING, true, BOARD_BODY_MAX},
	{"attachment", JSON_STRING, false, BOARD_ATTACH_MAX},
	{NULL},
};

static gz_err proc_create(http_req *r)
{
	gz_err rc = http_body_check(r, proc_fields);
	if (rc)
		return rc;
	board_step_in in = {.step = BOARD_STEP_PROPOSAL,
			    .held_on = http_body_str(r, "held_on"),
			    .document = http_body_str(r, "document"),
			    .attachment = http_body_str(r, "attachment")};
	int64_t id;
	const char *code = http_body_str(r, "place_code");
	if ((rc = board_procedure_create(r->store, r->user, code, http_body_str(r, "title"), &in, gz_now(), &id, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "board_procedure", id, code);
	r->audit_detail = json_pack("{ss}", "step", "proposal");
	return proc_reply(r, id);
}

static const http_field step_fields[] = {
	{"step", JSON_STRING, true, 16},
	{"held_on", JSON_STRING, true, 10},
	{"document", JSON_STRING, true, BOARD_BODY_MAX},
	{"attachment", JSON_STRING, false, BOARD_ATTACH_MAX},
	{"meeting", JSON_STRING, false, 16},
	{"votes", JSON_OBJECT, false, 0},
	{NULL},
};

static gz_err proc_step(http_req *r)
{
	int64_t id;
	gz_err rc;
	board_step_in in = {0};
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, step_fields)) || (rc = step_from_body(r, &in)))
		return rc;
	const char *word = http_body_str(r, "step");
	in.step = board_word(board_steps, word);
	if (in.step < 1)
		return http_fail(r, GZ_E_INVALID_VALUE, "step", "step \"%s\" is not one of proposal, consultation, review,"
				 " resolution, publish, result", word);
	int64_t entry;
	if ((rc = board_procedure_step(r->store, r->user, id, &in, gz_now(), &entry, &r->err)))
		return rc;
	json_t *j = NULL;
	board_procedure_get(r->store, r->user, id, set_proc, &j, NULL);
	http_audit(r, "board_procedure", id, j ? json_string_value(json_object_get(j, "place_code")) : NULL);
	r->audit_detail = json_pack("{ss so}", "step", word, "entry_id", id_or_null(entry));
	json_decref(j);
	return proc_reply(r, id);
}

static gz_err proc_show(http_req *r)
{
	int64_t id;
	read_at_village(r);
	gz_err rc = http_param_id(r, 0, &id);
	return rc ? rc : proc_reply(r, id);
}

/* --- the QR poster of a board ----------------------------------------------------------------- */

/* GET /board/poster/{code}?format=svg|png: the QR code residents scan at the physical board to
 * read it on their phone (/m/board/{code}). */
static gz_err poster_get(http_req *r)
{
	const char *code = r->param[0], *format;
	gz_err rc;
	read_at_village(r);
	if ((rc = http_query(r, "format", 4, &format)))
		return rc;
	if (format && strcmp(format, "svg") && strcmp(format, "png"))
		return http_fail(r, GZ_E_INVALID_VALUE, "format", "format must be svg or png");
	place path[PL__COUNT];
	int n;
	if (places_level_of(code) != PL_VILLAGE || !scope_contains(r->user->scope, code) ||
	    places_path(r->store, code, path, &n, NULL) != GZ_OK || n == 0)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "board \"%.20s\" not found", code);
	const char *url = arena_printf(r->a, "%s/m/board/%s", http_public_base(r), code);
	bool png = format && !strcmp(format, "png");
	size_t len;
	void *bytes;
	if (png) {
		bytes = qr_png(url, 12, &len);
	} else {
		char *where = arena_strdup(r->a, "");
		for (int i = 0; i < n; i++)
			if (path[i].level >= PL_TOWNSHIP)
				where = arena_printf(r->a, "%s%s%s", where, *where ? " " : "", path[i].name);
		bytes = qr_svg_poster(url, board_is_community(code) ? "扫码查看居务公开栏" : "扫码查看村务公开栏", where,
				      "党务、村务、财务公开，四议两公开，发布会答复：手机扫码即可查看，无需注册", &len);
	}
	if (!bytes)
		return http_fail(r, GZ_E_INTERNAL, NULL, "cannot draw the QR code");
	rc = http_bytes_reply(r, bytes, len, png ? "image/png" : "image/svg+xml");
	free(bytes);
	if (!rc)
		r->reply_name = arena_printf(r->a, "inline; filename=\"board-%s.%s\"", code, png ? "png" : "svg");
	return rc;
}

/* --- public routes (公开栏: no account) ----------------------------------------------------- */

static ratelimit read_limit = {.mu = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t limit_once = PTHREAD_ONCE_INIT;

static void limit_init(void)
{
	/* GONGZHI_BOARD_LIMIT: public board reads per minute per client address. */
	int n = 240;
	const char *v = getenv("GONGZHI_BOARD_LIMIT");
	if (v)
		n = atoi(v) > 0 ? atoi(v) : n;
	ratelimit_init(&read_limit, n, 60);
}

static gz_err limited(http_req *r)
{
	pthread_once(&limit_once, limit_init);
	int wait = 0;
	if (ratelimit_hit(&read_limit, http_client(r), gz_now(), &wait))
		return GZ_OK;
	http_add_header(r, "Retry-After", arena_printf(r->a, "%d", wait > 0 ? wait : 1));
	return http_fail(r, GZ_E_TOO_MANY, NULL, "too many requests from this address: try again in %d seconds", wait);
}

static gz_err public_board(http_req *r)
{
	gz_err rc;
	if ((rc = limited(r)))
		return rc;
	const char *code = r->param[0], *cursor, *category;
	int limit;
	place path[PL__COUNT];
	int n;
	if (places_level_of(code) != PL_VILLAGE || places_path(r->store, code, path, &n, NULL) != GZ_OK || n == 0)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "place \"%.20s\" not found", code);
	if ((rc = http_query_limit(r, &limit)) || (rc = http_query(r, "cursor", 20, &cursor)) ||
	    (rc = http_query(r, "category", 16, &category)))
		return rc;
	if (cursor && !gz_all_digits(cursor, strlen(cursor)))
		return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", cursor);
	if (category && board_word(board_categories, category) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "category", "category \"%s\" is not known", category);
	board_filter f = {.category = category, .before = cursor ? strtoll(cursor, NULL, 10) : 0, .limit = limit};
	scope_range_of(code, &f.range);
	struct list l = {json_array(), 0, true};
	bool more;
	if ((rc = board_entries(r->store, &f, add_entry, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, cursor_of(r, more, l.last));
	json_t *p = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(p, json_pack("{ss ss}", "code", path[i].code, "name", path[i].name));
	json_object_set_new(r->reply, "place", json_pack("{ss ss so sb}", "code", code, "name", path[n - 1].name, "path", p,
							 "community", board_is_community(code)));
	json_t *chain = chain_json(r->store, &f.range, &r->err);
	if (!chain)
		return r->err.code ? r->err.code : GZ_E_INTERNAL;
	/* The public sees whether the chain holds and its head, not the details of a break. */
	json_object_del(chain, "problems");
	json_object_set_new(r->reply, "chain", chain);
	return GZ_OK;
}

static gz_err public_entry(http_req *r)
{
	gz_err rc;
	int64_t id;
	if ((rc = limited(r)) || (rc = http_param_id(r, 0, &id)))
		return rc;
	json_t *j = NULL;
	if ((rc = board_entry_get(r->store, NULL, id, set_public_entry, &j, &r->err)))
		return rc;
	r->reply = j;
	return GZ_OK;
}

/* GET /public/board/cases/{tracking}: the answers to a resident's case, by its tracking code. */
static gz_err public_case_answers(http_req *r)
{
	board_case_filter f = {.tracking = r->param[0]};
	gz_err rc;
	if ((rc = limited(r)) || (rc = answers_args(r, &f)))
		return rc;
	return answers_reply(r, &f, true);
}

#define W (HF_WRITE | HF_JSON_BODY)
static const http_route board_routes[] = {
	{HTTP_GET, "/api/v1/board/entries", entries_index, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/board/entries", entry_create, W, BOARD_PUBLISH_ROLES, 65536, "board.publish"},
	{HTTP_GET, "/api/v1/board/entries/{id}", entry_show, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/board/entries/{id}/corrections", entry_correct, W, BOARD_PUBLISH_ROLES, 65536, "board.correct"},
	{HTTP_GET, "/api/v1/board/cases/{id}", case_answers, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/board/chain", chain_get, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/board/poster/{code}", poster_get, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/board/schedule", schedule_get, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/board/procedures", procs_index, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/board/procedures", proc_create, W, BOARD_MANAGE_ROLES, 65536, "board.procedure"},
	{HTTP_GET, "/api/v1/board/procedures/{id}", proc_show, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/board/procedures/{id}/steps", proc_step, W, BOARD_MANAGE_ROLES, 65536, "board.procedure_step"},
	{HTTP_GET, "/api/v1/board-settings/{code}", settings_get, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_PUT, "/api/v1/board-settings/{code}", settings_put, W, BOARD_MANAGE_ROLES, 1024, "board.settings"},
	{HTTP_GET, "/api/v1/board-rules/{code}", rules_get, 0, BOARD_READ_ROLES, 0, NULL},
	{HTTP_PUT, "/api/v1/board-rules/{code}", rule_put, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096, "board.rule"},
	{HTTP_GET, "/api/v1/public/board/entries/{id}", public_entry, HF_PUBLIC, 0, 0, NULL},
	{HTTP_GET, "/api/v1/public/board/cases/{tracking}", public_case_answers, HF_PUBLIC, 0, 0, NULL},
	{HTTP_GET, "/api/v1/public/board/{code}", public_board, HF_PUBLIC, 0, 0, NULL},
	{0},
};

const gz_module board_module = {"board", board_migrations, board_routes, NULL};
