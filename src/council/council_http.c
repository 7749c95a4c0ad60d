/* council_http.c — the routes of deliberation: JSON in, domain call, JSON out; the check-in QR
 * code; the residents' phone view of a meeting (check-in and secret ballots). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"
#include "core/qr.h"
#include "core/util.h"
#include "council/council.h"
#include "modules.h"
#include "places/places.h"
#include "registry/registry.h"

/* --- rendering ---------------------------------------------------------------------------- */

static json_t *when(int64_t t)
{
	if (!t)
		return json_null();
	char b[32];
	gz_time_rfc3339(t, b, sizeof b);
	return json_string(b);
}

static json_t *threshold_json(const council_threshold *t)
{
	static const char *const words[] = {"none", "adults", "households", "members", "present"};
	return json_pack("{ss si si sb}", "basis", words[t->basis], "num", t->num, "den", t->den, "inclusive", t->inclusive);
}

static json_t *rule_json(const council_rule *r)
{
	json_t *q = json_array();
	for (int i = 0; i < r->nquorum; i++)
		json_array_append_new(q, threshold_json(&r->quorum[i]));
	json_t *levels = json_array();
	for (int lv = r->level_from; lv <= r->level_to; lv++)
		json_array_append_new(levels, json_string(places_level_word((place_level)lv)));
	return json_pack("{ss ss ss ss so so so sb sb ss ss}", "type", r->type, "name", r->name, "law", r->law, "article",
			 r->article, "levels", levels, "quorum", q, "decision", threshold_json(&r->decision), "members_only",
			 r->members, "supervisor_agenda", r->supervisor_agenda, "quorum_text", r->quorum_text, "decision_text",
			 r->decision_text);
}

static json_t *meeting_json(const council_meeting *m)
{
	json_t *j = json_pack("{sI ss ss ss ss ss ss so ss sI}", "id", (json_int_t)m->id, "place_code", m->place_code,
			      "place_name", m->place_name, "type", m->type, "title", m->title, "venue", m->venue, "status",
			      m->status, "starts_at", when(m->starts_at), "created_by", m->created_by, "present",
			      (json_int_t)m->present);
	const council_rule *r = council_rule_of(m->type);
	json_object_set_new(j, "type_name", json_string(r ? r->name : m->type));
	json_object_set_new(j, "fixed_by", json_string(m->fixed_by));
	json_object_set_new(j, "fixed_at", when(m->fixed_at));
	json_object_set_new(j, "opened_at", when(m->opened_at));
	json_object_set_new(j, "closed_at", when(m->closed_at));
	json_object_set_new(j, "created_at", when(m->created_at));
	return j;
}

static json_t *item_json(const council_item *it)
{
	json_t *j = json_pack("{sI si ss}", "id", (json_int_t)it->id, "seq", it->seq, "title", it->title);
	json_object_set_new(j, "topic_id", it->topic_id ? json_integer(it->topic_id) : json_null());
	json_object_set_new(j, "topic", json_string(it->topic));
	json_object_set_new(j, "category", json_string(it->category));
	json_object_set_new(j, "case_id", it->case_id ? json_integer(it->case_id) : json_null());
	return j;
}

static json_t *vote_json(const council_vote *v)
{
	json_t *j = json_pack("{sI ss ss ss so so}", "id", (json_int_t)v->id, "question", v->question, "method", v->method,
			      "status", v->status, "opened_at", when(v->opened_at), "closed_at", when(v->closed_at));
	json_object_set_new(j, "item_id", v->item_id ? json_integer(v->item_id) : json_null());
	/* Results exist only once the vote is closed. */
	if (!strcmp(v->status, "closed"))
		json_object_set_new(j, "result",
				    json_pack("{sI sI sI sI sI sb ss}", "yes", (json_int_t)v->yes, "no", (json_int_t)v->no,
					      "abstain", (json_int_t)v->abstain, "present", (json_int_t)v->present, "cast",
					      (json_int_t)v->cast, "passed", v->passed, "rule", v->rule));
	else
		json_object_set_new(j, "result", json_null());
	return j;
}

static json_t *resolution_json(const council_resolution *r)
{
	json_t *j = json_pack("{sI sI sI ss sb ss ss ss so}", "id", (json_int_t)r->id, "meeting_id", (json_int_t)r->meeting_id,
			      "vote_id", (json_int_t)r->vote_id, "text", r->text, "passed", r->passed, "rule", r->rule,
			      "quorum", r->quorum, "decided_by", r->decided_by, "decided_at", when(r->decided_at));
	json_object_set_new(j, "item_id", r->item_id ? json_integer(r->item_id) : json_null());
	return j;
}

static json_t *quorum_json(const council_quorum *q)
{
	return json_pack("{sI sI sI sI sI sI sI sb sb sb ss ss}", "adults", (json_int_t)q->adults, "households",
			 (json_int_t)q->households, "members", (json_int_t)q->members, "present", (json_int_t)q->present,
			 "adults_present", (json_int_t)q->adults_present, "households_present",
			 (json_int_t)q->households_present, "members_present", (json_int_t)q->members_present, "met_first",
			 q->met[0], "met_second", q->met[1], "quorate", q->quorate, "text", q->text, "text_zh", q->zh);
}

static int add_item(void *ctx, const council_item *it)
{
	json_array_append_new(ctx, item_json(it));
	return 0;
}

static int add_vote(void *ctx, const council_vote *v)
{
	json_array_append_new(ctx, vote_json(v));
	return 0;
}

static int add_resolution(void *ctx, const council_resolution *r)
{
	json_array_append_new(ctx, resolution_json(r));
	return 0;
}

static int add_attendee(void *ctx, const council_attendee *a)
{
	json_array_append_new(ctx, json_pack("{sI sI ss ss ss so}", "resident_id", (json_int_t)a->resident_id, "household_id",
					     (json_int_t)a->household_id, "name", a->name, "via", a->via, "by", a->by, "at",
					     when(a->at)));
	return 0;
}

static const char *checkin_url(http_req *r, const council_meeting *m)
{
	return arena_printf(r->a, "%s/m/meeting/%lld?t=%s", http_public_base(r), (long long)m->id, m->token);
}

static void resolutions_links(store *s, json_t *res);

/* The meeting as the console shows it: rule, agenda, quorum, attendees, votes, resolutions. */
static gz_err meeting_full_json(http_req *r, const council_meeting *m, json_t **out)
{
	json_t *j = meeting_json(m);
	json_object_set_new(j, "minutes", json_string(m->minutes ? m->minutes : ""));
	json_object_set_new(j, "rule", rule_json(council_rule_of(m->type)));
	json_t *items = json_array(), *votes = json_array(), *res = json_array(), *att = json_array();
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "votes", votes);
	json_object_set_new(j, "resolutions", res);
	json_object_set_new(j, "attendees", att);
	council_quorum q;
	gz_err rc;
	if ((rc = council_items(r->store, m->id, add_item, items, &r->err)) ||
	    (rc = council_votes(r->store, m->id, add_vote, votes, &r->err)) ||
	    (rc = council_resolutions(r->store, m->id, add_resolution, res, &r->err)) ||
	    (rc = council_attendees(r->store, m->id, COUNCIL_LIST_MAX, add_attendee, att, &r->err)) ||
	    (rc = council_quorum_of(r->store, m, &q, &r->err))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "quorum", quorum_json(&q));
	resolutions_links(r->store, res);
	if (r->user->role & COUNCIL_CLERK_ROLES)
		json_object_set_new(j, "checkin_url", json_string(checkin_url(r, m)));
	*out = j;
	return GZ_OK;
}

/* --- time arguments ------------------------------------------------------------------------ */

/* RFC 3339 "YYYY-MM-DDTHH:MM[:SS](Z|±hh:mm)" to seconds; false when malformed. */
static bool parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
		return false;
	const char *p = s + n;
	if (*p == ':') {
		int k = 0;
		if (sscanf(p, ":%2d%n", &sec, &k) != 1 || k != 3)
			return false;
		p += 3;
	}
	int off = 0;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59)
			return false;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || y < 1970)
		return false;
	struct tm t = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
	time_t v = timegm(&t);
	if (t.tm_mday != d) /* 31 February */
		return false;
	*out = (int64_t)v - off;
	return true;
}

/* A YYYY-MM-DD query parameter as midnight in Beijing, 0 when absent. */
static gz_err date_arg(http_req *r, const char *name, int64_t *out)
{
	const char *v;
	gz_err rc = http_query(r, name, 10, &v);
	*out = 0;
	if (rc || !v || !*v)
		return rc;
	char buf[40];
	snprintf(buf, sizeof buf, "%sT00:00+08:00", v);
	if (strlen(v) != 10 || !parse_time(buf, out))
		return http_fail(r, GZ_E_INVALID_VALUE, name, "%s \"%s\" is not a date (YYYY-MM-DD)", name, v);
	return GZ_OK;
}

static gz_err time_field(http_req *r, const char *name, bool required, int64_t *out)
{
	const char *v = http_body_str(r, name);
	*out = 0;
	if (!v)
		return required ? http_fail(r, GZ_E_MISSING_FIELD, name, "field \"%s\" is required", name) : GZ_OK;
	if (!parse_time(v, out))
		return http_fail(r, GZ_E_INVALID_VALUE, name, "%s \"%.40s\" is not an RFC 3339 time", name, v);
	return GZ_OK;
}

static int64_t int_field(http_req *r, const char *name)
{
	json_t *v = json_object_get(r->body, name);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* An id field: absent 0, else positive (404 naming it otherwise). */
static gz_err id_field(http_req *r, const char *name, const char *what, int64_t *out)
{
	json_t *v = json_object_get(r->body, name);
	*out = 0;
	if (!json_is_integer(v))
		return GZ_OK;
	if (json_integer_value(v) <= 0)
		return http_fail(r, GZ_E_NOT_FOUND, name, "%s %lld not found", what, (long long)json_integer_value(v));
	*out = json_integer_value(v);
	return GZ_OK;
}

/* --- rules and catalogue -------------------------------------------------------------------- */

static gz_err rules_get(http_req *r)
{
	json_t *a = json_array();
	for (int i = 0; i < council_nrules; i++)
		json_array_append_new(a, rule_json(&council_rules[i]));
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static json_t *topic_json(const council_topic *t)
{
	return json_pack("{sI sI ss ss ss sb}", "id", (json_int_t)t->id, "category_id", (json_int_t)t->category_id, "category",
			 t->category, "name", t->name, "source", t->source, "retired", t->retired);
}

static int add_topic(void *ctx, const council_topic *t)
{
	json_array_append_new(ctx, topic_json(t));
	return 0;
}

static gz_err topics_get(http_req *r)
{
	const char *all;
	gz_err rc = http_query(r, "all", 1, &all);
	if (rc)
		return rc;
	json_t *a = json_array();
	if ((rc = council_topics(r->store, all && !strcmp(all, "1"), add_topic, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static const http_field topic_fields[] = {
	{"category_id", JSON_INTEGER, true, 0},
	{"name", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{"source", JSON_STRING, false, 200},
	{NULL},
};

static gz_err topic_post(http_req *r)
{
	gz_err rc = http_body_check(r, topic_fields);
	if (rc)
		return rc;
	council_topic t;
	if ((rc = council_topic_add(r->store, r->user, int_field(r, "category_id"), http_body_str(r, "name"),
				    http_body_str(r, "source"), &t, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "council_topic", t.id, "");
	r->reply = topic_json(&t);
	return GZ_OK;
}

static const http_field topic_patch_fields[] = {
	{"name", JSON_STRING, false, COUNCIL_TITLE_MAX},
	{"retired", JSON_TRUE, false, 0},
	{NULL},
};

static gz_err topic_patch(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, topic_patch_fields)))
		return rc;
	json_t *ret = json_object_get(r->body, "retired");
	council_topic t;
	if ((rc = council_topic_update(r->store, r->user, id, http_body_str(r, "name"),
				       json_is_boolean(ret) ? json_is_true(ret) : -1, &t, &r->err)))
		return rc;
	http_audit(r, "council_topic", t.id, "");
	r->reply = topic_json(&t);
	return GZ_OK;
}

/* --- members --------------------------------------------------------------------------------- */

static json_t *member_json(const council_member *m)
{
	return json_pack("{sI sI sI ss ss ss so so}", "id", (json_int_t)m->id, "resident_id", (json_int_t)m->resident_id,
			 "household_id", (json_int_t)m->household_id, "place_code", m->place_code, "name", m->name, "kind",
			 m->kind, "since_at", when(m->since_at), "until_at", when(m->until_at));
}

static int add_member(void *ctx, const council_member *m)
{
	json_array_append_new(ctx, member_json(m));
	return 0;
}

static gz_err members_get(http_req *r)
{
	gz_range range;
	gz_err rc;
	if ((rc = http_under_arg(r, &range)))
		return rc;
	json_t *a = json_array();
	if ((rc = council_members(r->store, &range, add_member, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static const http_field member_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"resident_id", JSON_INTEGER, true, 0},
	{"kind", JSON_STRING, true, 16},
	{NULL},
};

static gz_err member_post(http_req *r)
{
	gz_err rc;
	int64_t rid;
	if ((rc = http_body_check(r, member_fields)) || (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	council_member m;
	if ((rc = council_member_add(r->store, r->user, http_body_str(r, "place_code"), rid, http_body_str(r, "kind"), gz_now(),
				     &m, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "council_member", m.id, m.place_code);
	r->reply = member_json(&m);
	return GZ_OK;
}

static gz_err member_delete(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_member m;
	if ((rc = council_member_end(r->store, r->user, id, gz_now(), &m, &r->err)))
		return rc;
	http_audit(r, "council_member", m.id, m.place_code);
	r->reply = member_json(&m);
	return GZ_OK;
}

/* --- meetings -------------------------------------------------------------------------------- */

struct meeting_list {
	json_t *items;
	int64_t last;
};

static int add_meeting(void *ctx, const council_meeting *m)
{
	struct meeting_list *l = ctx;
	json_array_append_new(l->items, meeting_json(m));
	l->last = m->id;
	return 0;
}

static gz_err meetings_get(http_req *r)
{
	council_filter f = {0};
	const char *cursor;
	gz_err rc;
	if ((rc = http_list_args(r, &f.range, &f.limit, &cursor)) || (rc = date_arg(r, "from", &f.from)) ||
	    (rc = date_arg(r, "to", &f.to)) || (rc = http_query(r, "type", 16, &f.type)) ||
	    (rc = http_query(r, "status", 12, &f.status)))
		return rc;
	if (f.to)
		f.to += 86400; /* to is inclusive: the whole day */
	if (f.type && !*f.type)
		f.type = NULL;
	if (f.type && !council_rule_of(f.type))
		return http_fail(r, GZ_E_INVALID_VALUE, "type", "type \"%s\" is not a meeting type", f.type);
	if (f.status && !*f.status)
		f.status = NULL;
	f.before = cursor ? strtoll(cursor, NULL, 10) : 0;
	struct meeting_list l = {json_array(), 0};
	bool more = false;
	if ((rc = council_meetings(r->store, r->user, &f, add_meeting, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

static const http_field meeting_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"type", JSON_STRING, true, 20},
	{"title", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{"venue", JSON_STRING, true, COUNCIL_VENUE_MAX},
	{"starts_at", JSON_STRING, true, 40},
	{NULL},
};

static gz_err reply_meeting(http_req *r, const council_meeting *m, int status)
{
	json_t *j;
	gz_err rc = meeting_full_json(r, m, &j);
	if (rc)
		return rc;
	r->status = status;
	r->reply = j;
	return GZ_OK;
}

static gz_err meeting_post(http_req *r)
{
	gz_err rc;
	council_meeting_in in = {0};
	if ((rc = http_body_check(r, meeting_fields)) || (rc = time_field(r, "starts_at", true, &in.starts_at)))
		return rc;
	in.place_code = http_body_str(r, "place_code");
	in.type = http_body_str(r, "type");
	in.title = http_body_str(r, "title");
	in.venue = http_body_str(r, "venue");
	council_meeting m;
	if ((rc = council_meeting_create(r->store, r->user, &in, gz_now(), &m, &r->err)))
		return rc;
	http_audit(r, "meeting", m.id, m.place_code);
	rc = reply_meeting(r, &m, 201);
	council_meeting_free(&m);
	return rc;
}

struct household_rows {
	reg_resident *rows;
	int n;
};

static int collect(void *ctx, const reg_resident *x)
{
	struct household_rows *hh = ctx;
	if (hh->n < 20)
		hh->rows[hh->n++] = *x;
	return 0;
}

/* A resident's view: the meeting, its agenda and votes, and the adults of their household with
 * whether each is checked in and has voted. No attendee list, no token. */
static gz_err resident_view(http_req *r, const council_meeting *m)
{
	json_t *j = meeting_json(m);
	json_t *items = json_array(), *votes = json_array(), *mine = json_array();
	json_object_set_new(j, "items", items);
	json_object_set_new(j, "votes", votes);
	json_object_set_new(j, "household", mine);
	gz_err rc;
	if ((rc = council_items(r->store, m->id, add_item, items, &r->err)) ||
	    (rc = council_votes(r->store, m->id, add_vote, votes, &r->err))) {
		json_decref(j);
		return rc;
	}
	gz_range range;
	scope_range_of(r->user->scope, &range);
	reg_resident_filter f = {.household_id = r->user->household_id, .status = "present"};
	struct household_rows hh = {calloc(20, sizeof(reg_resident)), 0};
	if (!hh.rows) {
		json_decref(j);
		return http_fail(r, GZ_E_NOMEM, NULL, "out of memory");
	}
	bool more;
	rc = registry_residents(r->store, &range, &f, 0, 20, collect, &hh, &more, &r->err);
	for (int i = 0; !rc && i < hh.n; i++) {
		const reg_resident *x = &hh.rows[i];
		if (registry_age(x->birth_date) < 18)
			continue;
		sqlite3_stmt *st = store_stmt(r->store, "SELECT count(*) FROM council_attendance WHERE meeting_id = ?1 AND resident_id = ?2");
		sqlite3_bind_int64(st, 1, m->id);
		sqlite3_bind_int64(st, 2, x->id);
		bool in = store_step_int(st) > 0;
		json_t *voted = json_array();
		size_t k;
		json_t *v;
		json_array_foreach(votes, k, v)
		{
			int64_t vid = json_integer_value(json_object_get(v, "id"));
			if (council_has_voted(r->store, vid, x->id))
				json_array_append_new(voted, json_integer(vid));
		}
		json_array_append_new(mine, json_pack("{sI ss sb so}", "resident_id", (json_int_t)x->id, "name", x->name,
						      "checked_in", in, "voted", voted));
	}
	free(hh.rows);
	if (rc) {
		json_decref(j);
		return rc;
	}
	r->reply = j;
	return GZ_OK;
}

static gz_err meeting_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	rc = r->user->role == ROLE_RESIDENT ? resident_view(r, &m) : reply_meeting(r, &m, 200);
	council_meeting_free(&m);
	return rc;
}

static const http_field meeting_patch_fields[] = {
	{"title", JSON_STRING, false, COUNCIL_TITLE_MAX},
	{"venue", JSON_STRING, false, COUNCIL_VENUE_MAX},
	{"starts_at", JSON_STRING, false, 40},
	{"minutes", JSON_STRING, false, COUNCIL_MINUTES_MAX},
	{NULL},
};

static gz_err meeting_patch(http_req *r)
{
	int64_t id;
	council_meeting_in in = {0};
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, meeting_patch_fields)) ||
	    (rc = time_field(r, "starts_at", false, &in.starts_at)))
		return rc;
	in.title = http_body_str(r, "title");
	in.venue = http_body_str(r, "venue");
	council_meeting m;
	if ((rc = council_meeting_update(r->store, r->user, id, &in, http_body_str(r, "minutes"), gz_now(), &m, &r->err)))
		return rc;
	http_audit(r, "meeting", m.id, m.place_code);
	rc = reply_meeting(r, &m, 200);
	council_meeting_free(&m);
	return rc;
}

static const http_field act_fields[] = {{"action", JSON_STRING, true, 16}, {NULL}};

static gz_err meeting_act(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, act_fields)))
		return rc;
	council_meeting m;
	const char *action = http_body_str(r, "action");
	if ((rc = council_meeting_act(r->store, r->user, id, action, gz_now(), &m, &r->err)))
		return rc;
	http_audit(r, "meeting", m.id, m.place_code);
	r->audit_detail = json_pack("{ss ss}", "action", action, "status", m.status);
	rc = reply_meeting(r, &m, 200);
	council_meeting_free(&m);
	return rc;
}

static const http_field item_fields[] = {
	{"title", JSON_STRING, false, COUNCIL_TITLE_MAX},
	{"topic_id", JSON_INTEGER, false, 0},
	{"case_id", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err item_post(http_req *r)
{
	int64_t id, topic, kase;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, item_fields)) ||
	    (rc = id_field(r, "topic_id", "topic", &topic)) || (rc = id_field(r, "case_id", "case", &kase)))
		return rc;
	const char *title = http_body_str(r, "title");
	if (!topic && !kase && !title)
		return http_fail(r, GZ_E_MISSING_FIELD, "title", "an agenda item needs a title, a topic or a case");
	council_item it;
	if ((rc = council_item_add(r->store, r->user, id, title, topic, kase, gz_now(), &it, &r->err)))
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	http_audit(r, "meeting", id, m.place_code);
	r->audit_detail = json_pack("{ss sI sI}", "action", "agenda_add", "item", (json_int_t)it.id, "case", (json_int_t)kase);
	council_meeting_free(&m);
	r->status = 201;
	r->reply = item_json(&it);
	return GZ_OK;
}

static gz_err item_delete(http_req *r)
{
	int64_t id, item;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_param_id(r, 1, &item)))
		return rc;
	if ((rc = council_item_remove(r->store, r->user, id, item, &r->err)))
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	http_audit(r, "meeting", id, m.place_code);
	r->audit_detail = json_pack("{ss sI}", "action", "agenda_remove", "item", (json_int_t)item);
	rc = reply_meeting(r, &m, 200);
	council_meeting_free(&m);
	return rc;
}

static const http_field checkin_fields[] = {
	{"resident_id", JSON_INTEGER, true, 0},
	{"token", JSON_STRING, false, 64},
	{NULL},
};

static gz_err checkin_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, checkin_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	council_attendee a;
	if ((rc = council_checkin(r->store, r->user, id, rid, http_body_str(r, "token"), gz_now(), &a, &r->err)))
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	http_audit(r, "meeting", id, m.place_code);
	r->audit_detail = json_pack("{ss sI ss}", "action", "checkin", "resident", (json_int_t)rid, "via", a.via);
	council_meeting_free(&m);
	r->status = 201;
	r->reply = json_pack("{sI ss ss so}", "resident_id", (json_int_t)a.resident_id, "name", a.name, "via", a.via, "at",
			     when(a.at));
	return GZ_OK;
}

static gz_err qr_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	council_meeting_free(&m);
	size_t len;
	const council_rule *rule = council_rule_of(m.type);
	char *svg = qr_svg_poster(checkin_url(r, &m), arena_printf(r->a, "%s · 扫码签到", rule ? rule->name : "会议"),
				  arena_printf(r->a, "%s · %s", m.place_name, m.title),
				  arena_printf(r->a, "会场：%s　请用居民账号登录后扫码签到并参加表决", m.venue), &len);
	if (!svg)
		return http_fail(r, GZ_E_INTERNAL, NULL, "cannot draw the QR code");
	rc = http_bytes_reply(r, svg, len, "image/svg+xml");
	free(svg);
	return rc;
}

/* --- votes and resolutions ------------------------------------------------------------------- */

static const http_field vote_fields[] = {
	{"question", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{"method", JSON_STRING, true, 8},
	{"item_id", JSON_INTEGER, false, 0},
	{"yes", JSON_INTEGER, false, 0},
	{"no", JSON_INTEGER, false, 0},
	{"abstain", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err vote_post(http_req *r)
{
	int64_t id, item;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, vote_fields)) ||
	    (rc = id_field(r, "item_id", "agenda item", &item)))
		return rc;
	int64_t yes = int_field(r, "yes"), no = int_field(r, "no"), abstain = int_field(r, "abstain");
	if (yes > 1000000 || no > 1000000 || abstain > 1000000)
		return http_fail(r, GZ_E_INVALID_VALUE, "yes", "counts must be below a million");
	council_vote v;
	if ((rc = council_vote_create(r->store, r->user, id, item, http_body_str(r, "question"), http_body_str(r, "method"), yes,
				      no, abstain, gz_now(), &v, &r->err)))
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	http_audit(r, "vote", v.id, m.place_code);
	council_meeting_free(&m);
	r->status = 201;
	r->reply = vote_json(&v);
	return GZ_OK;
}

static gz_err vote_close(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_vote v;
	if ((rc = council_vote_close(r->store, r->user, id, gz_now(), &v, &r->err)))
		return rc;
	r->checkpoint_after = true; /* no page of the ballots left in the WAL beside the voters */
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, v.meeting_id, &m, &r->err)))
		return rc;
	http_audit(r, "vote", v.id, m.place_code);
	council_meeting_free(&m);
	r->reply = vote_json(&v);
	return GZ_OK;
}

static gz_err vote_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_vote v;
	if ((rc = council_vote_get(r->store, r->user, id, &v, &r->err)))
		return rc;
	r->reply = vote_json(&v);
	return GZ_OK;
}

static const http_field ballot_fields[] = {
	{"resident_id", JSON_INTEGER, true, 0},
	{"choice", JSON_STRING, true, 8},
	{NULL},
};

static gz_err ballot_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, ballot_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	if ((rc = council_ballot_cast(r->store, r->user, id, rid, http_body_str(r, "choice"), &r->err)))
		return rc;
	/* The audit row says that this account cast a ballot in this vote, never what it chose. */
	http_audit(r, "vote", id, r->user->scope);
	r->audit_detail = json_pack("{ss}", "action", "ballot");
	r->status = 201;
	r->reply = json_pack("{sI sb}", "vote_id", (json_int_t)id, "cast", 1);
	return GZ_OK;
}

static const http_field resolution_fields[] = {
	{"vote_id", JSON_INTEGER, true, 0},
	{"text", JSON_STRING, true, COUNCIL_TEXT_MAX},
	{NULL},
};

static gz_err resolution_post(http_req *r)
{
	int64_t id, vid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, resolution_fields)) ||
	    (rc = id_field(r, "vote_id", "vote", &vid)))
		return rc;
	council_resolution res;
	if ((rc = council_resolution_add(r->store, r->user, id, vid, http_body_str(r, "text"), gz_now(), &res, &r->err)))
		return rc;
	council_meeting m;
	if ((rc = council_meeting_get(r->store, r->user, id, &m, &r->err)))
		return rc;
	http_audit(r, "resolution", res.id, m.place_code);
	council_meeting_free(&m);
	r->status = 201;
	r->reply = resolution_json(&res);
	return GZ_OK;
}

static int add_case_meeting(void *ctx, const council_meeting *m)
{
	json_array_append_new(ctx, meeting_json(m));
	return 0;
}

static gz_err case_meetings_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	json_t *a = json_array();
	if ((rc = council_case_meetings(r->store, r->user, id, add_case_meeting, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

/* --- resolutions become work ------------------------------------------------------------------- */

static json_t *link_json(const council_entry_link *l)
{
	if (!l->entry_id)
		return json_null();
	return json_pack("{sI sI ss ss so}", "id", (json_int_t)l->entry_id, "seq", (json_int_t)l->seq, "hash", l->hash, "by",
			 l->by, "at", when(l->at));
}

static json_t *work_case_json(const council_work_case *w)
{
	json_t *j = json_pack("{sI sb ss so sb}", "case_id", (json_int_t)w->case_id, "created", w->created, "linked_by",
			      w->linked_by, "linked_at", when(w->linked_at), "visible", w->visible);
	if (w->visible) {
		json_object_set_new(j, "tracking", json_string(w->tracking));
		json_object_set_new(j, "place_code", json_string(w->place_code));
		json_object_set_new(j, "place_name", json_string(w->place_name));
		json_object_set_new(j, "title", json_string(w->title));
		json_object_set_new(j, "status", json_string(w->status));
		json_object_set_new(j, "kind", *w->kind ? json_string(w->kind) : json_null());
	}
	return j;
}

/* The links of a resolution: its board entries and how many cases implement it. */
static void links_into(store *s, json_t *j, int64_t id)
{
	council_entry_link pub, res;
	int64_t n = 0;
	council_work_links(s, id, &pub, &res, &n, NULL);
	json_object_set_new(j, "board_entry", link_json(&pub));
	json_object_set_new(j, "result_entry", link_json(&res));
	json_object_set_new(j, "cases_count", json_integer(n));
}

/* After the resolutions of a meeting are read (no query while they step). */
static void resolutions_links(store *s, json_t *res)
{
	size_t i;
	json_t *x;
	json_array_foreach(res, i, x)
	{
		links_into(s, x, json_integer_value(json_object_get(x, "id")));
	}
}

static int add_work_case(void *ctx, const council_work_case *w)
{
	json_array_append_new(ctx, work_case_json(w));
	return 0;
}

static gz_err resolution_view(http_req *r, int64_t id, int status)
{
	council_resolution res;
	council_meeting m;
	gz_err rc = council_resolution_get(r->store, r->user, id, &res, &m, &r->err);
	if (rc)
		return rc;
	json_t *j = resolution_json(&res);
	json_object_set_new(j, "meeting", meeting_json(&m));
	council_meeting_free(&m);
	links_into(r->store, j, id);
	json_t *cases = json_array();
	json_object_set_new(j, "cases", cases);
	if ((rc = council_work_cases(r->store, r->user, id, add_work_case, cases, &r->err))) {
		json_decref(j);
		return rc;
	}
	r->status = status;
	r->reply = j;
	return GZ_OK;
}

static gz_err resolution_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	return rc ? rc : resolution_view(r, id, 200);
}

static const http_field work_fields[] = {
	{"case_id", JSON_INTEGER, false, 0},
	{"place_code", JSON_STRING, false, GZ_CODE_MAX},
	{"title", JSON_STRING, false, CASE_TITLE_MAX},
	{"content", JSON_STRING, false, CASE_CONTENT_MAX},
	{"type", JSON_STRING, false, 16},
	{"channel", JSON_STRING, false, 16},
	{NULL},
};

static gz_err work_post(http_req *r)
{
	int64_t id, cid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, work_fields)) ||
	    (rc = id_field(r, "case_id", "case", &cid)))
		return rc;
	council_work_in in = {.case_id = cid,
			      .place_code = http_body_str(r, "place_code"),
			      .title = http_body_str(r, "title"),
			      .content = http_body_str(r, "content"),
			      .type = http_body_str(r, "type"),
			      .channel = http_body_str(r, "channel")};
	council_work_case w;
	if ((rc = council_work_add(r->store, r->user, id, &in, gz_now(), &w, &r->err)))
		return rc;
	http_audit(r, "resolution", id, w.place_code);
	r->audit_detail = json_pack("{ss sI sb}", "action", "case", "case_id", (json_int_t)w.case_id, "created", w.created);
	r->status = 201;
	r->reply = work_case_json(&w);
	return GZ_OK;
}

static gz_err entry_reply(http_req *r, int64_t id, const char *action, const council_entry_link *l)
{
	council_resolution res;
	council_meeting m;
	gz_err rc = council_resolution_get(r->store, r->user, id, &res, &m, &r->err);
	if (rc)
		return rc;
	http_audit(r, "resolution", id, m.place_code);
	council_meeting_free(&m);
	/* As the board's own publications: the entry's sequence number and hash in the audit row. */
	r->audit_detail = json_pack("{ss sI sI ss}", "action", action, "entry_id", (json_int_t)l->entry_id, "seq",
				    (json_int_t)l->seq, "hash", l->hash);
	return resolution_view(r, id, 201);
}

static gz_err publish_post(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_entry_link l;
	if ((rc = council_work_publish(r->store, r->user, id, gz_now(), &l, &r->err)))
		return rc;
	return entry_reply(r, id, "publish", &l);
}

static const http_field result_fields[] = {
	{"text", JSON_STRING, true, COUNCIL_RESULT_MAX},
	{NULL},
};

static gz_err result_post(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, result_fields)))
		return rc;
	council_entry_link l;
	if ((rc = council_work_result(r->store, r->user, id, http_body_str(r, "text"), gz_now(), &l, &r->err)))
		return rc;
	return entry_reply(r, id, "result", &l);
}

static int add_case_resolution(void *ctx, const council_resolution *res, const council_meeting *m)
{
	json_t *j = resolution_json(res);
	json_object_set_new(j, "meeting", meeting_json(m));
	json_array_append_new(ctx, j);
	return 0;
}

static gz_err case_resolutions_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	json_t *a = json_array();
	if ((rc = council_case_resolutions(r->store, r->user, id, add_case_resolution, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	resolutions_links(r->store, a);
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

/* --- recall (Art. 16) ----------------------------------------------------------------------------- */

static json_t *recall_json(const council_recall *x)
{
	json_t *j = json_pack("{sI sI sI ss ss ss ss ss sI sI sI ss ss so}", "id", (json_int_t)x->id, "member_id",
			      (json_int_t)x->member_id, "resident_id", (json_int_t)x->resident_id, "place_code", x->place_code,
			      "place_name", x->place_name, "member_name", x->member_name, "reason", x->reason, "basis", x->basis,
			      "signers", (json_int_t)x->signers, "base", (json_int_t)x->base, "registered",
			      (json_int_t)x->registered, "status", x->status, "created_by", x->created_by, "created_at",
			      when(x->created_at));
	if (!strcmp(x->status, "counted"))
		json_object_set_new(j, "result", json_pack("{sI sI sb sb ss so}", "cast", (json_int_t)x->cast, "approve",
							   (json_int_t)x->approve, "valid", x->valid, "passed", x->passed,
							   "rule", x->rule, "counted_at", when(x->counted_at)));
	else
		json_object_set_new(j, "result", json_null());
	return j;
}

static int add_recall(void *ctx, const council_recall *x)
{
	json_array_append_new(ctx, recall_json(x));
	return 0;
}

static gz_err recalls_get(http_req *r)
{
	gz_range range;
	gz_err rc;
	if ((rc = http_under_arg(r, &range)))
		return rc;
	json_t *a = json_array();
	if ((rc = council_recalls(r->store, &range, add_recall, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static gz_err recall_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_recall x;
	if ((rc = council_recall_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	r->reply = recall_json(&x);
	return GZ_OK;
}

static const http_field recall_fields[] = {
	{"member_id", JSON_INTEGER, true, 0},
	{"reason", JSON_STRING, true, COUNCIL_REASON_MAX},
	{"basis", JSON_STRING, true, 16},
	{"signers", JSON_INTEGER, true, 0},
	{NULL},
};

static gz_err recall_post(http_req *r)
{
	int64_t mid;
	gz_err rc;
	if ((rc = http_body_check(r, recall_fields)) || (rc = id_field(r, "member_id", "committee member", &mid)))
		return rc;
	int64_t signers = int_field(r, "signers");
	if (signers < 1 || signers > 10000000)
		return http_fail(r, GZ_E_INVALID_VALUE, "signers", "signers must be 1 to 10000000");
	council_recall x;
	if ((rc = council_recall_petition(r->store, r->user, mid, http_body_str(r, "reason"), http_body_str(r, "basis"), signers,
					  gz_now(), &x, &r->err)))
		return rc;
	http_audit(r, "recall", x.id, x.place_code);
	r->status = 201;
	r->reply = recall_json(&x);
	return GZ_OK;
}

static const http_field recall_count_fields[] = {
	{"cast", JSON_INTEGER, true, 0},
	{"approve", JSON_INTEGER, true, 0},
	{NULL},
};

static gz_err recall_count_post(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, recall_count_fields)))
		return rc;
	int64_t cast = int_field(r, "cast"), approve = int_field(r, "approve");
	if (cast < 0 || cast > 10000000)
		return http_fail(r, GZ_E_INVALID_VALUE, "cast", "cast must be 0 to 10000000");
	if (approve < 0 || approve > 10000000)
		return http_fail(r, GZ_E_INVALID_VALUE, "approve", "approve must be 0 to 10000000");
	council_recall x;
	if ((rc = council_recall_count(r->store, r->user, id, cast, approve, gz_now(), &x, &r->err)))
		return rc;
	http_audit(r, "recall", x.id, x.place_code);
	r->audit_detail = json_pack("{ss sI sI sb}", "action", "count", "cast", (json_int_t)cast, "approve", (json_int_t)approve,
				    "passed", x.passed);
	r->reply = recall_json(&x);
	return GZ_OK;
}

/* --- elections ------------------------------------------------------------------------------- */

static json_t *election_json(const council_election *x)
{
	json_t *j = json_pack("{sI ss ss ss ss si si ss ss sI sI sI sb ss ss}", "id", (json_int_t)x->id, "place_code",
			      x->place_code, "place_name", x->place_name, "kind", x->kind, "title", x->title, "seats", x->seats,
			      "round", x->round, "election_day", x->election_day, "status", x->status, "electors",
			      (json_int_t)x->electors, "registered", (json_int_t)x->registered, "cast", (json_int_t)x->cast,
			      "valid", x->valid, "rule", x->rule, "created_by", x->created_by);
	json_object_set_new(j, "published_at", when(x->published_at));
	json_object_set_new(j, "created_at", when(x->created_at));
	return j;
}

static int add_election(void *ctx, const council_election *x)
{
	json_array_append_new(ctx, election_json(x));
	return 0;
}

static gz_err elections_get(http_req *r)
{
	gz_range range;
	gz_err rc;
	if ((rc = http_under_arg(r, &range)))
		return rc;
	json_t *a = json_array();
	if ((rc = council_elections(r->store, &range, add_election, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static const http_field election_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"kind", JSON_STRING, true, 16},
	{"title", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{"seats", JSON_INTEGER, true, 0},
	{"election_day", JSON_STRING, true, 10},
	{NULL},
};

static json_t *candidate_json(const council_candidate *c)
{
	return json_pack("{sI sI ss si sI sb}", "id", (json_int_t)c->id, "resident_id", (json_int_t)c->resident_id, "name",
			 c->name, "round", c->round, "votes", (json_int_t)c->votes, "elected", c->elected);
}

static int add_candidate(void *ctx, const council_candidate *c)
{
	json_array_append_new(ctx, candidate_json(c));
	return 0;
}

struct elector_list {
	http_req *r;
	json_t *items;
	int64_t election;
	int round;
};

static int add_elector(void *ctx, const council_elector *v)
{
	struct elector_list *l = ctx;
	json_t *x = json_pack("{sI sI ss ss ss}", "resident_id", (json_int_t)v->resident_id, "household_id",
			      (json_int_t)v->household_id, "name", v->name, "basis", v->basis, "note", v->note);
	if (l->r->user->role == ROLE_RESIDENT)
		json_object_set_new(x, "voted", json_boolean(council_election_has_voted(l->r->store, l->election, l->round,
											 v->resident_id)));
	json_array_append_new(l->items, x);
	return 0;
}

static int add_station(void *ctx, const council_station *v)
{
	json_array_append_new(ctx, json_pack("{ss si sI sI sI si ss ss sI}", "station", v->station, "round", v->round, "issued",
					     (json_int_t)v->issued, "returned", (json_int_t)v->returned, "invalid",
					     (json_int_t)v->invalid, "corrections", v->corrections, "reason", v->reason,
					     "entered_by", v->entered_by, "entered_at", (json_int_t)v->entered_at));
	return 0;
}

/* The election with its candidates of every round (votes once counted) and, for staff, the voter
 * list; for a resident, the voters of their household and whether each has voted this round. */
static gz_err election_reply(http_req *r, const council_election *x, int status)
{
	json_t *j = election_json(x);
	json_t *cands = json_array();
	json_object_set_new(j, "candidates", cands);
	struct elector_list l = {r, json_array(), x->id, x->round};
	json_object_set_new(j, r->user->role == ROLE_RESIDENT ? "household" : "voters", l.items);
	gz_err rc = GZ_OK;
	for (int round = 1; !rc && round <= x->round; round++)
		rc = council_candidates(r->store, x->id, round, add_candidate, cands, &r->err);
	if (!rc)
		rc = council_electors(r->store, x->id, r->user->role == ROLE_RESIDENT ? r->user->household_id : 0, 2000, add_elector,
				      &l, &r->err);
	if (!rc && r->user->role != ROLE_RESIDENT) { /* the polling stations' paper counts */
		json_t *st = json_array();
		json_object_set_new(j, "stations", st);
		for (int round = 1; !rc && round <= x->round; round++)
			rc = council_stations(r->store, x->id, round, add_station, st, &r->err);
	}
	if (rc) {
		json_decref(j);
		return rc;
	}
	r->status = status;
	r->reply = j;
	return GZ_OK;
}

static gz_err election_post(http_req *r)
{
	gz_err rc = http_body_check(r, election_fields);
	if (rc)
		return rc;
	int64_t seats = int_field(r, "seats");
	council_election x;
	if ((rc = council_election_create(r->store, r->user, http_body_str(r, "place_code"), http_body_str(r, "kind"),
					  http_body_str(r, "title"), seats < 0 || seats > 1000 ? 0 : (int)seats,
					  http_body_str(r, "election_day"), gz_now(), &x, &r->err)))
		return rc;
	http_audit(r, "election", x.id, x.place_code);
	return election_reply(r, &x, 201);
}

static gz_err election_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_election x;
	if ((rc = council_election_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	return election_reply(r, &x, 200);
}

static const http_field elector_fields[] = {
	{"from_registry", JSON_TRUE, false, 0},
	{"resident_id", JSON_INTEGER, false, 0},
	{"basis", JSON_STRING, false, 20},
	{"note", JSON_STRING, false, 200},
	{NULL},
};

static gz_err elector_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, elector_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	int64_t added = 0;
	if (json_is_true(json_object_get(r->body, "from_registry"))) {
		if (rid)
			return http_fail(r, GZ_E_INVALID_VALUE, "resident_id", "give from_registry or a resident, not both");
		rc = council_electors_from_registry(r->store, r->user, id, gz_now(), &added, &r->err);
	} else if (rid) {
		rc = council_elector_add(r->store, r->user, id, rid, http_body_str(r, "basis"), http_body_str(r, "note"), &r->err);
		added = 1;
	} else {
		return http_fail(r, GZ_E_MISSING_FIELD, "resident_id", "say whom to register, or from_registry");
	}
	if (rc)
		return rc;
	council_election x;
	if ((rc = council_election_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "election", id, x.place_code);
	r->audit_detail = json_pack("{ss sI}", "action", "register", "added", (json_int_t)added);
	r->status = 201;
	r->reply = json_pack("{sI sI}", "added", (json_int_t)added, "electors", (json_int_t)x.electors);
	return GZ_OK;
}

static const http_field candidate_fields[] = {{"resident_id", JSON_INTEGER, true, 0}, {NULL}};

static gz_err candidate_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, candidate_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	council_candidate c;
	if ((rc = council_candidate_add(r->store, r->user, id, rid, &c, &r->err)))
		return rc;
	council_election x;
	if ((rc = council_election_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "election", id, x.place_code);
	r->audit_detail = json_pack("{ss sI}", "action", "candidate", "resident", (json_int_t)rid);
	r->status = 201;
	r->reply = candidate_json(&c);
	return GZ_OK;
}

static gz_err election_act(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, act_fields)))
		return rc;
	const char *action = http_body_str(r, "action");
	council_election x;
	if ((rc = council_election_act(r->store, r->user, id, action, gz_now(), &x, &r->err)))
		return rc;
	/* A round closed: no page of its ballots left in the WAL beside its voters. */
	r->checkpoint_after = !strcmp(action, "count") || !strcmp(action, "cancel");
	http_audit(r, "election", id, x.place_code);
	r->audit_detail = json_pack("{ss ss si}", "action", action, "status", x.status, "round", x.round);
	return election_reply(r, &x, 200);
}

static const http_field election_ballot_fields[] = {
	{"resident_id", JSON_INTEGER, true, 0},
	{"choices", JSON_ARRAY, true, 0},
	{NULL},
};

static gz_err election_ballot_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, election_ballot_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	json_t *a = json_object_get(r->body, "choices");
	size_t n = json_array_size(a);
	if (n > COUNCIL_SEATS_MAX)
		return http_fail(r, GZ_E_INVALID_VALUE, "choices", "a ballot marks at most %d candidates", COUNCIL_SEATS_MAX);
	int64_t choices[COUNCIL_SEATS_MAX];
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_integer(v))
			return http_fail(r, GZ_E_INVALID_TYPE, "choices", "choices must be candidate ids");
		choices[i] = json_integer_value(v);
	}
	if ((rc = council_election_cast(r->store, r->user, id, rid, choices, (int)n, &r->err)))
		return rc;
	/* Audited as a ballot of this account in this election, never its content. */
	http_audit(r, "election", id, r->user->scope);
	r->audit_detail = json_pack("{ss}", "action", "ballot");
	r->status = 201;
	r->reply = json_pack("{sI sb}", "election_id", (json_int_t)id, "cast", 1);
	return GZ_OK;
}

/* --- paper ballots (issue 5) ------------------------------------------------------------------ */

static const http_field paper_voter_fields[] = {
	{"resident_id", JSON_INTEGER, true, 0},
	{NULL},
};

static gz_err paper_voter_post(http_req *r)
{
	int64_t id, rid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, paper_voter_fields)) ||
	    (rc = id_field(r, "resident_id", "resident", &rid)))
		return rc;
	if ((rc = council_paper_voter(r->store, r->user, id, rid, &r->err)))
		return rc;
	council_election x;
	if ((rc = council_election_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	/* Audited as "voted" only: no station, no ballot. */
	http_audit(r, "election", id, x.place_code);
	r->audit_detail = json_pack("{ss sI}", "action", "paper_voter", "resident", (json_int_t)rid);
	r->status = 201;
	r->reply = json_pack("{sI sI sb}", "election_id", (json_int_t)id, "resident_id", (json_int_t)rid, "voted", 1);
	return GZ_OK;
}

static const http_field paper_count_fields[] = {
	{"station", JSON_STRING, true, COUNCIL_STATION_MAX},
	{"issued", JSON_INTEGER, true, 0},
	{"returned", JSON_INTEGER, true, 0},
	{"invalid", JSON_INTEGER, true, 0},
	{"votes", JSON_ARRAY, true, 0},
	{"reason", JSON_STRING, false, 200},
	{NULL},
};

static gz_err paper_count_post(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, paper_count_fields)))
		return rc;
	json_t *a = json_object_get(r->body, "votes");
	size_t n = json_array_size(a);
	enum { MAXV = 100 };
	if (n > MAXV)
		return http_fail(r, GZ_E_INVALID_VALUE, "votes", "a count names at most %d candidates", MAXV);
	council_paper_votes v[MAXV];
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i), *cid = json_object_get(o, "candidate_id"), *nv = json_object_get(o, "votes");
		if (!json_is_object(o) || !json_is_integer(cid) || !json_is_integer(nv))
			return http_fail(r, GZ_E_INVALID_TYPE, "votes", "votes must be {candidate_id, votes} objects");
		v[i] = (council_paper_votes){json_integer_value(cid), json_integer_value(nv)};
	}
	bool corrected = false;
	if ((rc = council_paper_count(r->store, r->user, id, http_body_str(r, "station"), int_field(r, "issued"),
				      int_field(r, "returned"), int_field(r, "invalid"), v, (int)n, http_body_str(r, "reason"),
				      gz_now(), &corrected, &r->err)))
		return rc;
	council_election x;
	if ((rc = council_election_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "election", id, x.place_code);
	r->audit_detail = json_pack("{ss ss sb ss}", "action", corrected ? "paper_correction" : "paper_count", "station",
				    http_body_str(r, "station"), "corrected", corrected, "reason",
				    http_body_str(r, "reason") ? http_body_str(r, "reason") : "");
	return election_reply(r, &x, corrected ? 200 : 201);
}

/* --- selections ------------------------------------------------------------------------------ */

static json_t *selection_json(const council_selection *x)
{
	json_t *j = json_pack("{sI ss ss ss si ss sI ss}", "id", (json_int_t)x->id, "place_code", x->place_code, "place_name",
			      x->place_name, "title", x->title, "picks", x->picks, "status", x->status, "applications",
			      (json_int_t)x->applications, "created_by", x->created_by);
	json_object_set_new(j, "created_at", when(x->created_at));
	json_object_set_new(j, "closed_at", when(x->closed_at));
	return j;
}

static int add_selection(void *ctx, const council_selection *x)
{
	json_array_append_new(ctx, selection_json(x));
	return 0;
}

static json_t *application_json(const council_application *a)
{
	json_t *j = json_pack("{sI ss ss ss sI sb}", "id", (json_int_t)a->id, "place_code", a->place_code, "place_name",
			      a->place_name, "title", a->title, "scores", (json_int_t)a->scores, "chosen", a->chosen);
	/* The mean to one decimal, rounded half up, in integers: (20·sum + n) / (2·n) tenths. */
	json_object_set_new(j, "mean_tenths", a->scores ? json_integer((20 * a->sum + a->scores) / (2 * a->scores)) : json_null());
	json_object_set_new(j, "my_score", a->mine >= 0 ? json_integer(a->mine) : json_null());
	json_object_set_new(j, "rank", a->rank ? json_integer(a->rank) : json_null());
	return j;
}

static int add_application(void *ctx, const council_application *a)
{
	json_array_append_new(ctx, application_json(a));
	return 0;
}

static gz_err selections_get(http_req *r)
{
	gz_range range;
	gz_err rc;
	if ((rc = http_under_arg(r, &range)))
		return rc;
	json_t *a = json_array();
	if ((rc = council_selections(r->store, &range, add_selection, a, &r->err))) {
		json_decref(a);
		return rc;
	}
	http_reply_list(r, a, NULL);
	return GZ_OK;
}

static gz_err selection_reply(http_req *r, const council_selection *x, int status)
{
	json_t *j = selection_json(x), *apps = json_array();
	json_object_set_new(j, "items", apps);
	gz_err rc = council_applications(r->store, r->user, x->id, add_application, apps, &r->err);
	if (rc) {
		json_decref(j);
		return rc;
	}
	r->status = status;
	r->reply = j;
	return GZ_OK;
}

static const http_field selection_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"title", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{"picks", JSON_INTEGER, true, 0},
	{NULL},
};

static gz_err selection_post(http_req *r)
{
	gz_err rc = http_body_check(r, selection_fields);
	if (rc)
		return rc;
	int64_t picks = int_field(r, "picks");
	council_selection x;
	if ((rc = council_selection_create(r->store, r->user, http_body_str(r, "place_code"), http_body_str(r, "title"),
					   picks < 0 || picks > 1000 ? 0 : (int)picks, gz_now(), &x, &r->err)))
		return rc;
	http_audit(r, "selection", x.id, x.place_code);
	return selection_reply(r, &x, 201);
}

static gz_err selection_get(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_selection x;
	if ((rc = council_selection_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	return selection_reply(r, &x, 200);
}

static const http_field application_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"title", JSON_STRING, true, COUNCIL_TITLE_MAX},
	{NULL},
};

static gz_err application_post(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, application_fields)))
		return rc;
	council_application a;
	if ((rc = council_application_add(r->store, r->user, id, http_body_str(r, "place_code"), http_body_str(r, "title"),
					  gz_now(), &a, &r->err)))
		return rc;
	http_audit(r, "selection", id, a.place_code);
	r->audit_detail = json_pack("{ss sI}", "action", "apply", "application", (json_int_t)a.id);
	r->status = 201;
	r->reply = application_json(&a);
	return GZ_OK;
}

static const http_field score_fields[] = {{"score", JSON_INTEGER, true, 0}, {NULL}};

static gz_err score_put(http_req *r)
{
	int64_t id, app;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_param_id(r, 1, &app)) || (rc = http_body_check(r, score_fields)))
		return rc;
	int64_t score = int_field(r, "score");
	if ((rc = council_score(r->store, r->user, id, app, score < -1 || score > 1000 ? -1 : (int)score, gz_now(), &r->err)))
		return rc;
	council_selection x;
	if ((rc = council_selection_get(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "selection", id, x.place_code);
	r->audit_detail = json_pack("{ss sI sI}", "action", "score", "application", (json_int_t)app, "score", (json_int_t)score);
	return selection_reply(r, &x, 200);
}

static gz_err selection_close(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	council_selection x;
	if ((rc = council_selection_close(r->store, r->user, id, gz_now(), &x, &r->err)))
		return rc;
	http_audit(r, "selection", id, x.place_code);
	return selection_reply(r, &x, 200);
}

#define W (HF_WRITE | HF_JSON_BODY)
#define READ (COUNCIL_READ_ROLES)
#define MANAGE (COUNCIL_MANAGE_ROLES)
static const http_route council_routes[] = {
	{HTTP_GET, "/api/v1/council/rules", rules_get, 0, 0, 0, NULL},
	{HTTP_GET, "/api/v1/council/topics", topics_get, 0, READ, 0, NULL},
	{HTTP_POST, "/api/v1/council/topics", topic_post, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096, "council_topic.create"},
	{HTTP_PATCH, "/api/v1/council/topics/{id}", topic_patch, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096, "council_topic.update"},
	{HTTP_GET, "/api/v1/council/members", members_get, 0, READ, 0, NULL},
	{HTTP_POST, "/api/v1/council/members", member_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 1024, "council_member.add"},
	{HTTP_DELETE, "/api/v1/council/members/{id}", member_delete, HF_WRITE, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 0,
	 "council_member.end"},
	{HTTP_GET, "/api/v1/council/meetings", meetings_get, 0, READ, 0, NULL},
	{HTTP_POST, "/api/v1/council/meetings", meeting_post, W, MANAGE, 8192, "meeting.create"},
	{HTTP_GET, "/api/v1/council/meetings/{id}", meeting_get, 0, READ | ROLE_RESIDENT, 0, NULL},
	{HTTP_PATCH, "/api/v1/council/meetings/{id}", meeting_patch, W, MANAGE, 128 * 1024, "meeting.update"},
	{HTTP_POST, "/api/v1/council/meetings/{id}/actions", meeting_act, W, MANAGE, 1024, "meeting.act"},
	{HTTP_POST, "/api/v1/council/meetings/{id}/items", item_post, W, MANAGE, 4096, "meeting.agenda"},
	{HTTP_DELETE, "/api/v1/council/meetings/{id}/items/{item}", item_delete, HF_WRITE, MANAGE, 0, "meeting.agenda"},
	{HTTP_POST, "/api/v1/council/meetings/{id}/attendance", checkin_post, W, COUNCIL_CLERK_ROLES | ROLE_RESIDENT, 1024,
	 "meeting.checkin"},
	{HTTP_GET, "/api/v1/council/meetings/{id}/qr", qr_get, 0, COUNCIL_CLERK_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/council/meetings/{id}/votes", vote_post, W, MANAGE, 4096, "vote.create"},
	{HTTP_POST, "/api/v1/council/meetings/{id}/resolutions", resolution_post, W, MANAGE, 16384, "resolution.create"},
	{HTTP_GET, "/api/v1/council/votes/{id}", vote_get, 0, READ | ROLE_RESIDENT, 0, NULL},
	{HTTP_POST, "/api/v1/council/votes/{id}/close", vote_close, HF_WRITE, MANAGE, 0, "vote.close"},
	{HTTP_POST, "/api/v1/council/votes/{id}/ballots", ballot_post, W, ROLE_RESIDENT, 1024, "vote.ballot"},
	{HTTP_GET, "/api/v1/council/cases/{id}/meetings", case_meetings_get, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/council/resolutions/{id}", resolution_get, 0, READ, 0, NULL},
	{HTTP_POST, "/api/v1/council/resolutions/{id}/cases", work_post, W, COUNCIL_WORK_ROLES, 16384, "resolution.case"},
	{HTTP_POST, "/api/v1/council/resolutions/{id}/publish", publish_post, HF_WRITE, COUNCIL_WORK_ROLES, 0,
	 "resolution.publish"},
	{HTTP_POST, "/api/v1/council/resolutions/{id}/result", result_post, W, COUNCIL_WORK_ROLES, 32768, "resolution.result"},
	{HTTP_GET, "/api/v1/council/cases/{id}/resolutions", case_resolutions_get, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/council/recalls", recalls_get, 0, ROLE_STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/council/recalls", recall_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 16384, "recall.petition"},
	{HTTP_GET, "/api/v1/council/recalls/{id}", recall_get, 0, ROLE_STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/council/recalls/{id}/count", recall_count_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 1024,
	 "recall.count"},
	{HTTP_GET, "/api/v1/council/elections", elections_get, 0, READ, 0, NULL},
	{HTTP_POST, "/api/v1/council/elections", election_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 4096, "election.create"},
	{HTTP_GET, "/api/v1/council/elections/{id}", election_get, 0, READ | ROLE_RESIDENT, 0, NULL},
	{HTTP_POST, "/api/v1/council/elections/{id}/electors", elector_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 2048,
	 "election.register"},
	{HTTP_POST, "/api/v1/council/elections/{id}/candidates", candidate_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 1024,
	 "election.candidate"},
	{HTTP_POST, "/api/v1/council/elections/{id}/actions", election_act, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE, 1024,
	 "election.act"},
	{HTTP_GET, "/api/v1/council/selections", selections_get, 0, ROLE_STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/council/selections", selection_post, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096, "selection.create"},
	{HTTP_GET, "/api/v1/council/selections/{id}", selection_get, 0, ROLE_STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/council/selections/{id}/applications", application_post, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096,
	 "selection.apply"},
	{HTTP_PUT, "/api/v1/council/selections/{id}/applications/{app}/score", score_put, W, ROLE_ADMIN | ROLE_OFFICIAL, 1024,
	 "selection.score"},
	{HTTP_POST, "/api/v1/council/selections/{id}/close", selection_close, HF_WRITE, ROLE_ADMIN | ROLE_OFFICIAL, 0,
	 "selection.close"},
	{HTTP_POST, "/api/v1/council/elections/{id}/ballots", election_ballot_post, W, ROLE_RESIDENT, 4096, "election.ballot"},
	{HTTP_POST, "/api/v1/council/elections/{id}/paper-voters", paper_voter_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE,
	 1024, "election.paper_voter"},
	{HTTP_POST, "/api/v1/council/elections/{id}/paper-counts", paper_count_post, W, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE,
	 8192, "election.paper_count"},
	{0},
};

const gz_module council_module = {"council", council_migrations, council_routes, NULL};
