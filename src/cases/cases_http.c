/* cases_http.c — the routes of residents' problems: JSON in, domain call, JSON out; the public
 * routes of QR self-service (no account, rate-limited per client); posters; figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "core/buf.h"
#include "core/ids.h"
#include "core/qr.h"
#include "core/ratelimit.h"
#include "core/sheet.h"
#include "core/util.h"
#include "modules.h"
#include "places/places.h"

/* --- rendering ---------------------------------------------------------------------------- */

/* Values from the database were checked as UTF-8 when they were written (the JSON parser and
 * gz_text_check refuse anything else) and keys are literals: the replies skip jansson's second
 * check of each (a list of 20 cases sets 700 of them). */
static json_t *text(const char *v)
{
	return json_string_nocheck(v);
}

static void put(json_t *o, const char *key, json_t *v)
{
	json_object_set_new_nocheck(o, key, v);
}

static json_t *when(int64_t t)
{
	if (!t)
		return json_null();
	char b[32];
	gz_time_rfc3339(t, b, sizeof b);
	return text(b);
}

static json_t *word_or_null(const char *w)
{
	return *w ? text(w) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static bool is_overdue(const case_rec *c, int64_t now)
{
	return !c->feedback_at && c->due_at < now && strcmp(c->status, "resolved") && strcmp(c->status, "closed");
}

/* A list row: the fields a list shows and filters by. Rendering JSON is most of a list's time
 * (jansson spends ≈ 0.2 µs on every key and value it writes), so the 11 fields only the case's
 * own page needs — its household, department id, mediation, rating, due days, resolved and
 * closed times, escalation target, creator, last change — come with GET /cases/{id}. */
static json_t *case_row_json(http_req *r, const case_rec *c, int64_t now)
{
	char phone[24];
	if (*c->reporter_phone && !cases_may_see_phone(r->user->role))
		ids_mask_phone(c->reporter_phone, phone);
	else
		gz_strlcpy(phone, c->reporter_phone, sizeof phone);
	json_t *j = json_object();
	put(j, "id", json_integer(c->id));
	put(j, "tracking_code", text(c->tracking));
	put(j, "place_code", text(c->place_code));
	put(j, "place_name", text(c->place_name));
	put(j, "type", text(c->type));
	put(j, "channel", text(c->channel));
	put(j, "kind", word_or_null(c->kind));
	put(j, "status", text(c->status));
	put(j, "title", text(c->title));
	put(j, "reporter_name", text(c->reporter_name));
	put(j, "reporter_phone", text(phone));
	put(j, "department_name", text(c->department_name));
	put(j, "resolution", word_or_null(c->resolution));
	put(j, "reopened", json_boolean(c->reopened));
	put(j, "year", json_integer(c->year));
	put(j, "work_year", json_integer(c->work_year));
	put(j, "carried_from", c->work_year > c->year ? json_integer(c->year) : json_null());
	put(j, "due_at", when(c->due_at));
	put(j, "overdue", json_boolean(is_overdue(c, now)));
	put(j, "feedback_at", when(c->feedback_at));
	put(j, "escalation_level", json_integer(c->escalation_level));
	put(j, "created_at", when(c->created_at));
	return j;
}

/* The whole case record (without content, history and images). */
static json_t *case_json(http_req *r, const case_rec *c, int64_t now)
{
	json_t *j = case_row_json(r, c, now);
	put(j, "household_id", id_or_null(c->household_id));
	put(j, "department_id", id_or_null(c->department_id));
	json_t *m = json_null();
	if (!strcmp(c->type, "dispute")) {
		m = json_object();
		put(m, "parties", text(c->parties));
		put(m, "mediator", text(c->mediator));
		put(m, "outcome", word_or_null(c->outcome));
	}
	put(j, "mediation", m);
	put(j, "rating", word_or_null(c->rating));
	put(j, "due_days", json_integer(c->due_days));
	put(j, "resolved_at", when(c->resolved_at));
	put(j, "closed_at", when(c->closed_at));
	put(j, "escalated_to", word_or_null(c->escalated_to));
	put(j, "created_by", text(c->created_by));
	put(j, "updated_at", when(c->updated_at));
	return j;
}

static json_t *files_json(store *s, int64_t case_id)
{
	case_file f[CASE_FILES_MAX];
	int n = 0;
	json_t *a = json_array();
	cases_files(s, case_id, f, &n, NULL);
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{sI ss sI so}", "id", (json_int_t)f[i].id, "mime", f[i].mime, "size",
						   (json_int_t)f[i].size, "created_at", when(f[i].created_at)));
	return a;
}

/* One history row as the staff (or, public_view, the reporter) see it. */
static json_t *event_json(case_event *ev, bool public_view)
{
	json_t *x = json_pack("{so ss ss}", "at", when(ev->at), "action", ev->action, "note", ev->note ? ev->note : "");
	if (public_view) {
		/* What it set, as the reporter may know it: the kind without the department's id. */
		char *colon = strchr(ev->detail, ':');
		if (colon && !strcmp(ev->action, "triage"))
			*colon = '\0';
		json_object_set_new(x, "detail", json_string(ev->detail));
	} else {
		json_object_set_new(x, "detail", json_string(ev->detail));
		json_object_set_new(x, "from", word_or_null(ev->from));
		json_object_set_new(x, "to", word_or_null(ev->to));
		json_object_set_new(x, "id", json_integer(ev->id));
		json_object_set_new(x, "actor", json_string(ev->actor));
	}
	return x;
}

static json_t *events_json(store *s, int64_t case_id, bool public_view)
{
	case_event *ev;
	int n;
	json_t *a = json_array();
	if (cases_events(s, case_id, public_view, &ev, &n, NULL))
		return a;
	for (int i = 0; i < n; i++)
		json_array_append_new(a, event_json(&ev[i], public_view));
	case_events_free(ev, n);
	return a;
}

/* The case with its content, history and images. */
static json_t *case_full_json(http_req *r, const case_rec *c, int64_t now)
{
	json_t *j = case_json(r, c, now);
	json_object_set_new(j, "content", json_string(c->content ? c->content : ""));
	json_object_set_new(j, "events", events_json(r->store, c->id, false));
	json_object_set_new(j, "files", files_json(r->store, c->id));
	return j;
}

/* What the reporter sees: no staff names, no internal notes, no phone. */
static json_t *public_json(store *s, const case_rec *c)
{
	json_t *j = json_pack("{ss ss ss ss ss so ss}", "tracking_code", c->tracking, "place_name", c->place_name, "title",
			      c->title, "content", c->content ? c->content : "", "type", c->type, "kind", word_or_null(c->kind),
			      "status", c->status);
	json_object_set_new(j, "created_at", when(c->created_at));
	json_object_set_new(j, "due_at", when(c->due_at));
	json_object_set_new(j, "feedback_at", when(c->feedback_at));
	json_object_set_new(j, "resolved_at", when(c->resolved_at));
	json_object_set_new(j, "resolution", word_or_null(c->resolution));
	json_object_set_new(j, "rating", word_or_null(c->rating));
	json_object_set_new(j, "reopened", json_boolean(c->reopened));
	json_object_set_new(j, "can_evaluate", json_boolean(!strcmp(c->status, "resolved")));
	json_object_set_new(j, "events", events_json(s, c->id, true));
	json_object_set_new(j, "files", files_json(s, c->id));
	return j;
}

static void audit_case(http_req *r, const case_rec *c, const char *what)
{
	http_audit(r, "case", c->id, c->place_code);
	if (what)
		r->audit_detail = json_pack("{ss ss}", "action", what, "status", c->status);
}

/* --- staff routes ------------------------------------------------------------------------- */

static const http_field create_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"channel", JSON_STRING, true, 16},
	{"type", JSON_STRING, false, 12},
	{"title", JSON_STRING, true, CASE_TITLE_MAX},
	{"content", JSON_STRING, true, CASE_CONTENT_MAX},
	{"reporter_name", JSON_STRING, false, CASE_NAME_MAX},
	{"reporter_phone", JSON_STRING, false, 20},
	{"household_id", JSON_INTEGER, false, 0},
	{"parties", JSON_STRING, false, CASE_PARTIES_MAX},
	{NULL},
};

/* A new case as POST /cases answers it: what was written, with its one history row (the
 * submission) and no images yet. */
struct created {
	case_rec c;
	const char *content;
	int64_t now;
};

static json_t *created_reply(http_req *r)
{
	const struct created *k = r->reply_ctx;
	case_event ev = {.id = k->c.submit_event, .at = k->now, .note = ""};
	gz_strlcpy(ev.actor, k->c.created_by, sizeof ev.actor);
	gz_strlcpy(ev.action, "submit", sizeof ev.action);
	gz_strlcpy(ev.to, "submitted", sizeof ev.to);
	gz_strlcpy(ev.detail, k->c.channel, sizeof ev.detail);
	json_t *j = case_json(r, &k->c, k->now);
	put(j, "content", text(k->content));
	json_t *events = json_array();
	json_array_append_new(events, event_json(&ev, false));
	put(j, "events", events);
	put(j, "files", json_array());
	return j;
}

static gz_err case_create(http_req *r)
{
	gz_err rc = http_body_check(r, create_fields);
	if (rc)
		return rc;
	json_t *hid = json_object_get(r->body, "household_id");
	case_new in = {.place_code = http_body_str(r, "place_code"),
		       .channel = http_body_str(r, "channel"),
		       .type = http_body_str(r, "type"),
		       .title = http_body_str(r, "title"),
		       .content = http_body_str(r, "content"),
		       .reporter_name = http_body_str(r, "reporter_name"),
		       .reporter_phone = http_body_str(r, "reporter_phone"),
		       .parties = http_body_str(r, "parties"),
		       .household_id = json_is_integer(hid) ? json_integer_value(hid) : 0};
	if (json_is_integer(hid) && json_integer_value(hid) <= 0)
		return http_fail(r, GZ_E_NOT_FOUND, "household_id", "household %lld not found", (long long)json_integer_value(hid));
	case_rec c;
	int64_t now = gz_now();
	if ((rc = cases_create(r->store, r->user, &in, now, &c, &r->err)))
		return rc;
	r->status = 201;
	audit_case(r, &c, NULL);
	/* The reply after the commit, from what was written (not read back). */
	struct created *k = arena_alloc(r->a, sizeof *k);
	if (!k || !(k->content = arena_strdup(r->a, c.content ? c.content : ""))) {
		case_free(&c);
		return http_fail(r, GZ_E_NOMEM, NULL, "out of memory");
	}
	k->c = c;
	k->c.content = NULL;
	k->now = now;
	case_free(&c);
	r->reply_ctx = k;
	r->reply_after = created_reply;
	return GZ_OK;
}

static gz_err case_show(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	case_rec c;
	int64_t now = gz_now();
	if ((rc = cases_get(r->store, r->user, id, now, &c, &r->err)))
		return rc;
	r->reply = case_full_json(r, &c, now);
	case_free(&c);
	return GZ_OK;
}

static const http_field act_fields[] = {
	{"action", JSON_STRING, true, 16},
	{"note", JSON_STRING, false, CASE_NOTE_MAX},
	{"kind", JSON_STRING, false, 12},
	{"department_id", JSON_INTEGER, false, 0},
	{"resolution", JSON_STRING, false, 16},
	{"rating", JSON_STRING, false, 16},
	{"mediator", JSON_STRING, false, CASE_NAME_MAX},
	{"outcome", JSON_STRING, false, 16},
	{NULL},
};

static gz_err act_from_body(http_req *r, case_act *a)
{
	json_t *d = json_object_get(r->body, "department_id");
	*a = (case_act){.action = http_body_str(r, "action"),
			.note = http_body_str(r, "note"),
			.kind = http_body_str(r, "kind"),
			.resolution = http_body_str(r, "resolution"),
			.rating = http_body_str(r, "rating"),
			.mediator = http_body_str(r, "mediator"),
			.outcome = http_body_str(r, "outcome"),
			.department_id = json_is_integer(d) ? json_integer_value(d) : 0};
	if (json_is_integer(d) && json_integer_value(d) <= 0)
		return http_fail(r, GZ_E_NOT_FOUND, "department_id", "department %lld not found", (long long)json_integer_value(d));
	return GZ_OK;
}

static gz_err case_act_post(http_req *r)
{
	int64_t id;
	case_act a;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, act_fields)) || (rc = act_from_body(r, &a)))
		return rc;
	case_rec c;
	int64_t now = gz_now();
	if ((rc = cases_act(r->store, r->user, id, &a, now, &c, &r->err)))
		return rc;
	audit_case(r, &c, a.action);
	r->reply = case_full_json(r, &c, now);
	case_free(&c);
	return GZ_OK;
}

struct case_list {
	http_req *r;
	int64_t last, now;
	gz_sheet *sheet;
	int64_t rows;
};

/* The list's reply, written as SQLite renders its rows (cases_list_rows): each row's JSON with
 * the phone, masked by role, put back in before its closing brace. */
enum { LIST_REPLY_MAX = 8 << 20 };
struct row_list {
	http_req *r;
	gz_buf b;
	int n;
	int64_t last;
	bool failed;
};

static int add_row(void *ctx, const char *json, size_t len, const char *place_name, size_t place_len, const char *phone,
		   int64_t id)
{
	struct row_list *l = ctx;
	char shown[24];
	if (*phone && !cases_may_see_phone(l->r->user->role))
		ids_mask_phone(phone, shown);
	else
		gz_strlcpy(shown, phone, sizeof shown);
	/* A phone holds digits, '+', '-' and spaces once checked (ids_phone_check), its mask those
	 * and '*', one that does not open "?": nothing to escape, and anything else is refused
	 * rather than written raw. */
	bool plain = true;
	for (const char *p = shown; *p; p++)
		plain = plain && ((*p >= '0' && *p <= '9') || *p == '*' || *p == '?' || *p == '+' || *p == '-' || *p == ' ');
	if (!plain || len < 2 || json[len - 1] != '}' || (l->n && buf_append(&l->b, ",", 1)) ||
	    buf_append(&l->b, json, len - 1) || buf_append(&l->b, ",\"place_name\":", 14) ||
	    buf_append(&l->b, place_name, place_len) || buf_append(&l->b, ",\"reporter_phone\":\"", 19) ||
	    buf_append(&l->b, shown, strlen(shown)) || buf_append(&l->b, "\"}", 2)) {
		l->failed = true;
		return 1;
	}
	l->n++;
	l->last = id;
	return 0;
}

/* Reads the list filters shared by the list and its export. */
static gz_err filter_args(http_req *r, case_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *cursor, *year, *wyear, *overdue, *escalated;
	gz_err rc;
	if ((rc = http_list_args(r, &f->range, &f->limit, &cursor)) || (rc = http_query(r, "status", 16, &f->status)) ||
	    (rc = http_query(r, "kind", 12, &f->kind)) || (rc = http_query(r, "channel", 16, &f->channel)) ||
	    (rc = http_query(r, "type", 12, &f->type)) || (rc = http_query(r, "q", 50, &f->q)) ||
	    (rc = http_query(r, "year", 4, &year)) || (rc = http_query(r, "work_year", 4, &wyear)) ||
	    (rc = http_query(r, "overdue", 1, &overdue)) || (rc = http_query(r, "escalated", 1, &escalated)))
		return rc;
	if (f->status && !*f->status)
		f->status = NULL;
	if (f->status && strcmp(f->status, "open") && case_word(case_statuses, f->status) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "status", "status \"%s\" is not a case status or open", f->status);
	if (f->kind && !*f->kind)
		f->kind = NULL;
	if (f->kind && strcmp(f->kind, "none") && case_word(case_kinds, f->kind) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "kind", "kind must be major, minor, private or none");
	if (f->channel && !*f->channel)
		f->channel = NULL;
	if (f->channel && case_word(case_channels, f->channel) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "channel", "channel \"%s\" is not an intake channel", f->channel);
	if (f->type && !*f->type)
		f->type = NULL;
	if (f->type && case_word(case_types, f->type) < 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "type", "type must be problem, suggestion or dispute");
	const char *years[2] = {year, wyear};
	int *dst[2] = {&f->year, &f->work_year};
	for (int i = 0; i < 2; i++) {
		if (!years[i] || !*years[i])
			continue;
		if (strlen(years[i]) != 4 || !gz_all_digits(years[i], 4) || atoi(years[i]) < 2000)
			return http_fail(r, GZ_E_INVALID_VALUE, i ? "work_year" : "year", "year \"%s\" is not a year", years[i]);
		*dst[i] = atoi(years[i]);
	}
	f->overdue = overdue && !strcmp(overdue, "1");
	f->escalated = escalated && !strcmp(escalated, "1");
	f->before = cursor ? strtoll(cursor, NULL, 10) : 0;
	return GZ_OK;
}

/* Chinese labels for the problem list (问题清单) export. */
static const char *label(const char *const *words, const char *const *labels, const char *w)
{
	int i = case_word(words, w);
	return i < 0 ? "" : labels[i];
}

static const char *const channel_zh[] = {"社区发言人", "居民议事堂", "早餐会", "村情发布会", "网格走访",
					 "廉情信息员", "扫码自助",   "电话",   "网上",       "特殊群体上报"};
static const char *const type_zh[] = {"问题", "意见建议", "矛盾纠纷"};
static const char *const kind_zh[] = {"大事", "小事", "私事"};
static const char *const status_zh[] = {"待分流", "已转办", "部门已答复", "办理中", "民议中", "已解决", "已办结"};
static const char *const resolution_zh[] = {"社区自行解决", "社区带领志愿团队", "链接资源/上报争取", "上级协调",
					    "部门办理",     "居民自行解决",     "市场渠道",           "调解"};

static int export_case(void *ctx, const case_rec *c)
{
	struct case_list *l = ctx;
	char created[11], due[11], id[24];
	gz_date_shanghai(c->created_at, created);
	gz_date_shanghai(c->due_at, due);
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	const char *cells[] = {id,
			       created,
			       c->place_name,
			       c->title,
			       label(case_channels, channel_zh, c->channel),
			       label(case_types, type_zh, c->type),
			       *c->kind ? label(case_kinds, kind_zh, c->kind) : "未分流",
			       label(case_statuses, status_zh, c->status),
			       due,
			       is_overdue(c, l->now) ? "是" : "",
			       c->department_name,
			       label(case_resolutions, resolution_zh, c->resolution),
			       c->work_year > c->year ? "是" : ""};
	sheet_row(l->sheet, cells, (int)(sizeof cells / sizeof *cells));
	l->rows++;
	l->last = c->id;
	return 0;
}

/* Every export is in the audit log with who, where and how many rows — or it is not sent. */
static gz_err export_audit(http_req *r, const char *action, const char *where, int64_t rows)
{
	audit_entry en = {.actor_id = r->user->id, .actor = r->user->username, .action = action, .subject = "cases",
			  .place = where, .detail = arena_printf(r->a, "{\"rows\":%lld}", (long long)rows)};
	return audit_record_write(r->store, &en, &r->err);
}

static gz_err list_export(http_req *r, case_filter *f, bool xlsx)
{
	static const char *const head[] = {"编号", "登记日期", "地点", "标题", "渠道", "类型", "分流",
					   "状态", "反馈期限", "超期", "承办部门", "解决方式", "结转"};
	static const int widths[] = {8, 12, 24, 40, 12, 10, 8, 10, 12, 6, 20, 18, 6};
	struct case_list l = {r, 0, gz_now(), NULL, 0};
	gz_err rc = sheet_open(&l.sheet, xlsx, &r->err);
	if (rc)
		return rc;
	sheet_add(l.sheet, "问题清单", head, 13, widths);
	/* The whole list, page by page (at most 100,000 rows in one file). */
	f->limit = 500;
	bool more = true;
	while (more && !rc && l.rows < 100000) {
		rc = cases_list(r->store, r->user, f, l.now, export_case, &l, &more, &r->err);
		f->before = l.last;
	}
	if (rc) {
		sheet_abort(l.sheet);
		return rc;
	}
	int fd;
	if ((rc = sheet_finish(l.sheet, &fd, &r->err)))
		return rc;
	if ((rc = export_audit(r, "case.export", f->range.lo, l.rows))) {
		close(fd);
		return rc;
	}
	http_table_reply(r, fd, xlsx, "cases", "问题清单");
	return GZ_OK;
}

static gz_err cases_index(http_req *r)
{
	case_filter f;
	const char *format;
	gz_err rc;
	if ((rc = filter_args(r, &f)) || (rc = http_query(r, "format", 8, &format)))
		return rc;
	if (format) {
		bool xlsx;
		if ((rc = http_format_arg(r, &xlsx)))
			return rc;
		return list_export(r, &f, xlsx);
	}
	struct row_list l = {.r = r};
	buf_init(&l.b, LIST_REPLY_MAX);
	bool more;
	if ((rc = cases_list_rows(r->store, r->user, &f, gz_now(), add_row, &l, &more, &r->err)) ||
	    (l.failed && (rc = http_fail(r, GZ_E_INTERNAL, NULL, "cannot render the list of cases"))) ||
	    (rc = http_reply_list_text(r, l.b.p ? l.b.p : "", l.b.len, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL))) {
		buf_release(&l.b);
		return rc;
	}
	buf_release(&l.b);
	return GZ_OK;
}

/* --- images ------------------------------------------------------------------------------- */

static gz_err file_reply(http_req *r, int64_t case_id, int64_t file_id)
{
	case_file meta;
	void *data;
	gz_err rc = cases_file_get(r->store, case_id, file_id, &meta, &data, &r->err);
	if (rc)
		return rc;
	rc = http_bytes_reply(r, data, (size_t)meta.size, arena_strdup(r->a, meta.mime));
	free(data);
	http_add_header(r, "Cache-Control", "private, max-age=86400");
	return rc;
}

static gz_err file_add_reply(http_req *r, const case_file *f, const char *at_place)
{
	r->status = 201;
	r->reply = json_pack("{sI ss sI so}", "id", (json_int_t)f->id, "mime", f->mime, "size", (json_int_t)f->size,
			     "created_at", when(f->created_at));
	http_audit(r, "case", f->case_id, at_place);
	r->audit_detail = json_pack("{sI sI}", "file", (json_int_t)f->id, "size", (json_int_t)f->size);
	return GZ_OK;
}

static gz_err case_file_post(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	case_file f;
	case_rec c;
	if ((rc = cases_get(r->store, r->user, id, gz_now(), &c, &r->err)))
		return rc;
	const char *at_place = arena_strdup(r->a, c.place_code);
	case_free(&c);
	if ((rc = cases_file_add(r->store, r->user, id, r->raw, r->raw_len, gz_now(), &f, &r->err)))
		return rc;
	return file_add_reply(r, &f, at_place);
}

static gz_err case_file_get(http_req *r)
{
	int64_t id, fid;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_param_id(r, 1, &fid)))
		return rc;
	case_rec c;
	if ((rc = cases_get(r->store, r->user, id, gz_now(), &c, &r->err)))
		return rc;
	case_free(&c);
	return file_reply(r, id, fid);
}

/* --- carry-over, settings ----------------------------------------------------------------- */

static const http_field carry_fields[] = {{"under", JSON_STRING, true, GZ_CODE_MAX}, {"year", JSON_INTEGER, true, 0}, {NULL}};

static gz_err carry_post(http_req *r)
{
	gz_err rc = http_body_check(r, carry_fields);
	if (rc)
		return rc;
	const char *under = http_body_str(r, "under");
	json_int_t year = json_integer_value(json_object_get(r->body, "year"));
	if (year < 2000 || year > 2100)
		return http_fail(r, GZ_E_INVALID_VALUE, "year", "year must be between 2000 and 2100");
	if (places_level_of(under) == PL_NONE)
		return http_fail(r, GZ_E_INVALID_VALUE, "under", "place code \"%s\" is not valid", under);
	int64_t n;
	if ((rc = cases_carry_over(r->store, r->user, under, (int)year, gz_now(), &n, &r->err)))
		return rc;
	r->reply = json_pack("{sI sI ss}", "carried", (json_int_t)n, "work_year", year + 1, "under", under);
	r->audit_subject = "cases";
	r->audit_place = under;
	r->audit_detail = json_pack("{sI sI}", "year", year, "carried", (json_int_t)n);
	return GZ_OK;
}

static gz_err code_param(http_req *r, const char **code)
{
	*code = r->param[0];
	if (places_level_of(*code) == PL_NONE)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "place \"%.20s\" not found", *code);
	return GZ_OK;
}

static gz_err settings_reply(http_req *r, const char *code)
{
	place p;
	if (!scope_contains(r->user->scope, code) || places_get(r->store, code, &p, NULL) != GZ_OK)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "place \"%s\" not found", code);
	char at[GZ_CODE_MAX + 1];
	int days = cases_due_days(r->store, code, at);
	r->reply = json_pack("{ss ss si so}", "place_code", code, "place_name", p.name, "due_days", days, "set_at",
			     *at ? json_string(at) : json_null());
	return GZ_OK;
}

static gz_err settings_get(http_req *r)
{
	const char *code;
	gz_err rc = code_param(r, &code);
	return rc ? rc : settings_reply(r, code);
}

static const http_field settings_fields[] = {{"due_days", JSON_INTEGER, true, 0}, {NULL}};

static gz_err settings_put(http_req *r)
{
	const char *code;
	gz_err rc;
	if ((rc = code_param(r, &code)) || (rc = http_body_check(r, settings_fields)))
		return rc;
	json_int_t days = json_integer_value(json_object_get(r->body, "due_days"));
	if (days < 1 || days > 60)
		return http_fail(r, GZ_E_INVALID_VALUE, "due_days", "due_days must be 1 to 60");
	if ((rc = cases_set_due_days(r->store, r->user, code, (int)days, gz_now(), &r->err)))
		return rc;
	r->audit_subject = arena_printf(r->a, "case_settings:%s", code);
	r->audit_place = code;
	r->audit_detail = json_pack("{sI}", "due_days", days);
	return settings_reply(r, code);
}

/* --- departments -------------------------------------------------------------------------- */

static json_t *dept_json(const case_department *d)
{
	return json_pack("{sI ss ss ss sI sI}", "id", (json_int_t)d->id, "place_code", d->place_code, "place_name",
			 d->place_name, "name", d->name, "members", (json_int_t)d->members, "open", (json_int_t)d->open);
}

static int add_dept(void *ctx, const case_department *d)
{
	json_array_append_new(ctx, dept_json(d));
	return 0;
}

static gz_err depts_list(http_req *r)
{
	const char *under, *serving;
	gz_err rc;
	if ((rc = http_query(r, "under", GZ_CODE_MAX, &under)) || (rc = http_query(r, "serving", GZ_CODE_MAX, &serving)))
		return rc;
	json_t *items = json_array();
	if (serving && *serving) {
		if (places_level_of(serving) == PL_NONE) {
			json_decref(items);
			return http_fail(r, GZ_E_INVALID_VALUE, "serving", "place code \"%s\" is not valid", serving);
		}
		rc = cases_departments(r->store, NULL, serving, add_dept, items, &r->err);
	} else {
		gz_range range;
		if (under && *under && places_level_of(under) == PL_NONE)
			rc = http_fail(r, GZ_E_INVALID_VALUE, "under", "place code \"%s\" is not valid", under);
		else if (!(rc = http_scope_range(r, under, &range)))
			rc = cases_departments(r->store, &range, NULL, add_dept, items, &r->err);
	}
	if (rc) {
		json_decref(items);
		return rc;
	}
	http_reply_list(r, items, NULL);
	return GZ_OK;
}

static const http_field dept_fields[] = {{"place_code", JSON_STRING, true, GZ_CODE_MAX},
					 {"name", JSON_STRING, true, CASE_NAME_MAX},
					 {NULL}};

static gz_err dept_create(http_req *r)
{
	gz_err rc = http_body_check(r, dept_fields);
	if (rc)
		return rc;
	case_department d;
	if ((rc = cases_department_add(r->store, r->user, http_body_str(r, "place_code"), http_body_str(r, "name"), gz_now(),
				       &d, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "department", d.id, d.place_code);
	r->reply = dept_json(&d);
	return GZ_OK;
}

static const http_field member_fields[] = {{"username", JSON_STRING, true, 32}, {NULL}};

static gz_err dept_member(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, member_fields)))
		return rc;
	const char *username = http_body_str(r, "username");
	if ((rc = cases_department_member(r->store, r->user, id, username, &r->err)))
		return rc;
	case_department d;
	if ((rc = cases_department_get(r->store, r->user, id, &d, &r->err)))
		return rc;
	http_audit(r, "department", d.id, d.place_code);
	r->audit_detail = json_pack("{ss}", "member", username);
	r->reply = dept_json(&d);
	return GZ_OK;
}

/* --- resources (资源清单) ------------------------------------------------------------------ */

static json_t *res_json(const case_resource *x)
{
	return json_pack("{sI ss ss ss ss ss ss so}", "id", (json_int_t)x->id, "place_code", x->place_code, "place_name",
			 x->place_name, "name", x->name, "category", x->category, "contact", x->contact, "note", x->note,
			 "created_at", when(x->created_at));
}

static int add_res(void *ctx, const case_resource *x)
{
	json_array_append_new(ctx, res_json(x));
	return 0;
}

static gz_err res_list(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor;
	gz_err rc = http_list_args(r, &range, &limit, &cursor);
	if (rc)
		return rc;
	json_t *items = json_array();
	if ((rc = cases_resources(r->store, &range, add_res, items, &r->err))) {
		json_decref(items);
		return rc;
	}
	http_reply_list(r, items, NULL);
	return GZ_OK;
}

static const http_field res_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX}, {"name", JSON_STRING, true, CASE_NAME_MAX},
	{"category", JSON_STRING, true, 16},		{"contact", JSON_STRING, false, CASE_NAME_MAX},
	{"note", JSON_STRING, false, 500},		{NULL},
};

static gz_err res_create(http_req *r)
{
	gz_err rc = http_body_check(r, res_fields);
	if (rc)
		return rc;
	case_resource in = {0}, out;
	gz_strlcpy(in.place_code, http_body_str(r, "place_code"), sizeof in.place_code);
	gz_strlcpy(in.name, http_body_str(r, "name"), sizeof in.name);
	gz_strlcpy(in.category, http_body_str(r, "category"), sizeof in.category);
	const char *contact = http_body_str(r, "contact"), *note = http_body_str(r, "note");
	gz_strlcpy(in.contact, contact ? contact : "", sizeof in.contact);
	gz_strlcpy(in.note, note ? note : "", sizeof in.note);
	if ((rc = cases_resource_add(r->store, r->user, &in, gz_now(), &out, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "case_resource", out.id, out.place_code);
	r->reply = res_json(&out);
	return GZ_OK;
}

static gz_err res_delete(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	case_resource x;
	if ((rc = cases_resource_remove(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "case_resource", x.id, x.place_code);
	r->audit_detail = json_pack("{ss}", "name", x.name);
	r->reply = res_json(&x);
	return GZ_OK;
}

/* --- figures ------------------------------------------------------------------------------ */

static json_t *counts_json(const case_counts *c)
{
	json_t *j = json_pack("{sI sI sI sI sI}", "collected", (json_int_t)c->collected, "resolved", (json_int_t)c->resolved,
			      "carried", (json_int_t)c->carried, "overdue", (json_int_t)c->overdue, "feedback_n",
			      (json_int_t)c->fb_n);
	json_object_set_new(j, "rate", json_real(c->collected ? (double)c->resolved / (double)c->collected : 0));
	json_object_set_new(j, "feedback_avg_hours", json_real(c->fb_n ? (double)c->fb_secs / (double)c->fb_n / 3600.0 : 0));
	json_object_set_new(j, "feedback_ontime", json_integer(c->fb_ontime));
	return j;
}

static json_t *rows_json(const case_fig_row *rows, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		if (!rows[i].c.collected)
			continue; /* a key all of whose cases moved on (triaged, resolved) */
		json_t *j = counts_json(&rows[i].c);
		json_object_set_new(j, "key", word_or_null(rows[i].key));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *area_json(const case_counts k[4])
{
	case_counts all = {0};
	for (int i = 0; i < 4; i++) {
		all.collected += k[i].collected;
		all.resolved += k[i].resolved;
	}
	return json_pack("{sI sI sI sI sI sI}", "collected", (json_int_t)all.collected, "resolved", (json_int_t)all.resolved,
			 "major", (json_int_t)k[0].collected, "minor", (json_int_t)k[1].collected, "private",
			 (json_int_t)k[2].collected, "untriaged", (json_int_t)k[3].collected);
}

static gz_err month_arg(http_req *r, const char *name, const char **out)
{
	gz_err rc = http_query(r, name, 7, out);
	if (rc)
		return rc;
	const char *m = *out;
	if (m && *m &&
	    (strlen(m) != 7 || !gz_all_digits(m, 4) || m[4] != '-' || !gz_all_digits(m + 5, 2) || atoi(m + 5) < 1 ||
	     atoi(m + 5) > 12))
		return http_fail(r, GZ_E_INVALID_VALUE, name, "%s must be a month YYYY-MM, not \"%s\"", name, m);
	return GZ_OK;
}

static const char *place_name_of(http_req *r, const char *code)
{
	place p;
	if (!*code)
		return "全国";
	return places_get(r->store, code, &p, NULL) == GZ_OK ? arena_strdup(r->a, p.name) : "";
}

static gz_err figures_xlsx(http_req *r, const case_figures *f, const char *under, const char *from, const char *to);

static gz_err figures_get(http_req *r)
{
	const char *under, *from, *to, *format;
	gz_range range;
	gz_err rc;
	if ((rc = http_query(r, "under", GZ_CODE_MAX, &under)) || (rc = month_arg(r, "from", &from)) ||
	    (rc = month_arg(r, "to", &to)) || (rc = http_query(r, "format", 8, &format)))
		return rc;
	if (under && *under && places_level_of(under) == PL_NONE)
		return http_fail(r, GZ_E_INVALID_VALUE, "under", "place code \"%s\" is not valid", under);
	if (format && strcmp(format, "xlsx"))
		return http_fail(r, GZ_E_INVALID_VALUE, "format", "figures are exported as xlsx");
	if ((rc = http_scope_range(r, under, &range)))
		return rc;
	case_figures f;
	if ((rc = cases_figures(r->store, &range, from, to, false, &f, &r->err)))
		return rc;
	if (format) {
		rc = figures_xlsx(r, &f, range.lo, from ? from : "", to ? to : "");
		case_figures_free(&f);
		return rc;
	}
	json_t *j = json_pack("{ss ss so so}", "under", range.lo, "name", place_name_of(r, range.lo), "from",
			      from && *from ? json_string(from) : json_null(), "to", to && *to ? json_string(to) : json_null());
	json_t *totals = counts_json(&f.total);
	json_object_set_new(totals, "open", json_integer(f.open));
	json_object_set_new(j, "totals", totals);
	json_object_set_new(j, "by_channel", rows_json(f.channel, f.nchannel));
	json_object_set_new(j, "by_type", rows_json(f.type, f.ntype));
	json_object_set_new(j, "by_kind", rows_json(f.kind, f.nkind));
	json_object_set_new(j, "by_resolution", rows_json(f.resolution, f.nresolution));
	json_object_set_new(j, "by_area", json_pack("{so so}", "street", area_json(f.area_kind[0]), "township",
						     area_json(f.area_kind[1])));
	json_t *months = json_array();
	for (int i = 0; i < f.nmonth; i++)
		json_array_append_new(months, json_pack("{ss sI sI}", "month", f.month[i].month, "collected",
							(json_int_t)f.month[i].c.collected, "resolved",
							(json_int_t)f.month[i].c.resolved));
	json_object_set_new(j, "by_month", months);
	json_t *children = json_array();
	for (int i = 0; i < f.nchild; i++) {
		json_t *c = counts_json(&f.child[i].c);
		json_object_set_new(c, "code", json_string(f.child[i].code));
		json_object_set_new(c, "name", json_string(place_name_of(r, f.child[i].code)));
		json_array_append_new(children, c);
	}
	json_object_set_new(j, "by_child", children);
	case_figures_free(&f);
	r->reply = j;
	return GZ_OK;
}

static void counts_cells(gz_sheet *s, int col, const case_counts *c)
{
	sheet_number(s, col, (double)c->collected);
	sheet_number(s, col + 1, (double)c->resolved);
	sheet_number(s, col + 2, c->collected ? (double)c->resolved / (double)c->collected : 0);
	sheet_number(s, col + 3, (double)c->carried);
	sheet_number(s, col + 4, (double)c->overdue);
	sheet_number(s, col + 5, c->fb_n ? (double)c->fb_secs / (double)c->fb_n / 3600.0 : 0);
}

static void rows_sheet(gz_sheet *s, const char *name, const char *first, const case_fig_row *rows, int n,
		       const char *const *words, const char *const *labels)
{
	const char *head[] = {first, "收集", "已解决", "解决率", "结转", "超期", "平均反馈(小时)"};
	static const int widths[] = {20, 10, 10, 10, 10, 10, 16};
	sheet_add(s, name, head, 7, widths);
	for (int i = 0; i < n; i++) {
		if (!rows[i].c.collected)
			continue;
		sheet_text(s, 0, !*rows[i].key ? "未分流" : label(words, labels, rows[i].key));
		counts_cells(s, 1, &rows[i].c);
		sheet_next_row(s);
	}
}

static gz_err figures_xlsx(http_req *r, const case_figures *f, const char *under, const char *from, const char *to)
{
	gz_sheet *s;
	gz_err rc = sheet_open(&s, true, &r->err);
	if (rc)
		return rc;
	const char *name = place_name_of(r, under);
	static const char *const head[] = {"项目", "数值"};
	static const int widths[] = {24, 40};
	sheet_add(s, "汇总", head, 2, widths);
	const char *period = arena_printf(r->a, "%s 至 %s", *from ? from : "开始", *to ? to : "至今");
	const char *facts[][2] = {{"地区", name}, {"地区编码", under}, {"期间(按登记月份)", period}};
	for (int i = 0; i < 3; i++)
		sheet_row(s, facts[i], 2);
	const char *labels[] = {"收集", "已解决", "解决率", "结转", "超期", "平均反馈(小时)"};
	case_counts t = f->total;
	double vals[] = {(double)t.collected, (double)t.resolved, t.collected ? (double)t.resolved / (double)t.collected : 0,
			 (double)t.carried,   (double)t.overdue,  t.fb_n ? (double)t.fb_secs / (double)t.fb_n / 3600.0 : 0};
	for (int i = 0; i < 6; i++) {
		sheet_text(s, 0, labels[i]);
		sheet_number(s, 1, vals[i]);
		sheet_next_row(s);
	}
	rows_sheet(s, "按渠道", "渠道", f->channel, f->nchannel, case_channels, channel_zh);
	rows_sheet(s, "按类型", "类型", f->type, f->ntype, case_types, type_zh);
	rows_sheet(s, "三事分流", "分流", f->kind, f->nkind, case_kinds, kind_zh);
	rows_sheet(s, "解决方式", "解决方式", f->resolution, f->nresolution, case_resolutions, resolution_zh);
	static const char *const area_head[] = {"层级", "收集", "大事", "小事", "私事", "未分流"};
	sheet_add(s, "街道与乡镇", area_head, 6, NULL);
	for (int a = 0; a < 2; a++) {
		sheet_text(s, 0, a ? "乡镇" : "街道");
		int64_t all = 0;
		for (int k = 0; k < 4; k++) {
			all += f->area_kind[a][k].collected;
			sheet_number(s, 2 + k, (double)f->area_kind[a][k].collected);
		}
		sheet_number(s, 1, (double)all);
		sheet_next_row(s);
	}
	static const char *const month_head[] = {"月份", "收集", "已解决", "解决率", "结转", "超期", "平均反馈(小时)"};
	sheet_add(s, "按月", month_head, 7, NULL);
	for (int i = 0; i < f->nmonth; i++) {
		sheet_text(s, 0, f->month[i].month);
		counts_cells(s, 1, &f->month[i].c);
		sheet_next_row(s);
	}
	static const char *const child_head[] = {"编码", "地区", "收集", "已解决", "解决率", "结转", "超期", "平均反馈(小时)"};
	static const int child_widths[] = {20, 24, 10, 10, 10, 10, 10, 16};
	sheet_add(s, "下级地区", child_head, 8, child_widths);
	for (int i = 0; i < f->nchild; i++) {
		sheet_text(s, 0, f->child[i].code);
		sheet_text(s, 1, place_name_of(r, f->child[i].code));
		counts_cells(s, 2, &f->child[i].c);
		sheet_next_row(s);
	}
	int fd;
	if ((rc = sheet_finish(s, &fd, &r->err)))
		return rc;
	if ((rc = export_audit(r, "case.figures_export", under, f->total.collected))) {
		close(fd);
		return rc;
	}
	http_table_reply(r, fd, true, "case-figures", arena_printf(r->a, "%s诉求统计", name));
	return GZ_OK;
}

/* --- the QR poster ------------------------------------------------------------------------ */

static gz_err poster_get(http_req *r)
{
	const char *code, *format, *point;
	gz_err rc;
	if ((rc = http_query(r, "place", GZ_CODE_MAX, &code)) || (rc = http_query(r, "format", 4, &format)) ||
	    (rc = http_query(r, "point", 30, &point)))
		return rc;
	if (!code || !*code)
		return http_fail(r, GZ_E_MISSING_FIELD, "place", "say which village, grid or building the poster is for (?place=)");
	if (format && strcmp(format, "svg") && strcmp(format, "png"))
		return http_fail(r, GZ_E_INVALID_VALUE, "format", "format must be svg or png");
	place path[PL__COUNT];
	int n;
	if (places_level_of(code) == PL_NONE || !scope_contains(r->user->scope, code) ||
	    places_path(r->store, code, path, &n, NULL) != GZ_OK || n == 0)
		return http_fail(r, GZ_E_NOT_FOUND, "place", "place \"%s\" not found", code);
	if (path[n - 1].level < PL_VILLAGE)
		return http_fail(r, GZ_E_INVALID_VALUE, "place", "a poster is for a village, community, grid or building");
	const char *url = arena_printf(r->a, "%s/m/report/%s", http_public_base(r), code);
	bool png = format && !strcmp(format, "png");
	size_t len;
	void *bytes;
	if (png) {
		bytes = qr_png(url, 12, &len);
	} else {
		/* The place as people say it: township, village and below. */
		char *where = arena_strdup(r->a, "");
		for (int i = 0; i < n; i++)
			if (path[i].level >= PL_TOWNSHIP)
				where = arena_printf(r->a, "%s%s%s", where, *where ? " " : "", path[i].name);
		if (point && *point)
			where = arena_printf(r->a, "%s · %s", where, point);
		bytes = qr_svg_poster(url, "扫码反映问题 · 24小时「云柜」", where,
				      "手机扫码即可提交，无需注册；凭查询码查看办理进度并评价，一周内答复", &len);
	}
	if (!bytes)
		return http_fail(r, GZ_E_INTERNAL, NULL, "cannot draw the QR code");
	rc = http_bytes_reply(r, bytes, len, png ? "image/png" : "image/svg+xml");
	free(bytes);
	if (!rc)
		r->reply_name = arena_printf(r->a, "inline; filename=\"poster-%s.%s\"", code, png ? "png" : "svg");
	return rc;
}

/* --- public routes (扫码自助: no account) --------------------------------------------------- */

static ratelimit intake_limit = {.mu = PTHREAD_MUTEX_INITIALIZER};
static ratelimit lookup_limit = {.mu = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;

static void limits_init(void)
{
	/* GONGZHI_INTAKE_LIMIT="submissions per hour,lookups per minute" (per client address). */
	int submit = 20, lookup = 120;
	const char *v = getenv("GONGZHI_INTAKE_LIMIT");
	if (v)
		sscanf(v, "%d,%d", &submit, &lookup);
	ratelimit_init(&intake_limit, submit, 3600);
	ratelimit_init(&lookup_limit, lookup, 60);
}

static gz_err limited(http_req *r, ratelimit *rl)
{
	pthread_once(&limits_once, limits_init);
	int wait = 0;
	if (ratelimit_hit(rl, http_client(r), gz_now(), &wait))
		return GZ_OK;
	http_add_header(r, "Retry-After", arena_printf(r->a, "%d", wait > 0 ? wait : 1));
	return http_fail(r, GZ_E_TOO_MANY, NULL, "too many requests from this address: try again in %d seconds", wait);
}

static gz_err public_place(http_req *r)
{
	gz_err rc = limited(r, &lookup_limit);
	if (rc)
		return rc;
	const char *code = r->param[0];
	place path[PL__COUNT];
	int n;
	if (places_level_of(code) == PL_NONE || places_path(r->store, code, path, &n, NULL) != GZ_OK || n == 0)
		return http_fail(r, GZ_E_NOT_FOUND, NULL, "place \"%.20s\" not found", code);
	json_t *p = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(p, json_pack("{ss ss ss}", "code", path[i].code, "name", path[i].name, "level",
						   places_level_word(path[i].level)));
	r->reply = json_pack("{ss ss ss so sb}", "code", code, "name", path[n - 1].name, "level",
			     places_level_word(path[n - 1].level), "path", p, "accepts_cases", path[n - 1].level >= PL_VILLAGE);
	return GZ_OK;
}

static const http_field public_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"type", JSON_STRING, false, 12},
	{"title", JSON_STRING, true, CASE_TITLE_MAX},
	{"content", JSON_STRING, true, CASE_CONTENT_MAX},
	{"reporter_name", JSON_STRING, false, CASE_NAME_MAX},
	{"reporter_phone", JSON_STRING, false, 20},
	{NULL},
};

static gz_err public_submit(http_req *r)
{
	gz_err rc;
	if ((rc = http_body_check(r, public_fields)) || (rc = limited(r, &intake_limit)))
		return rc;
	case_new in = {.place_code = http_body_str(r, "place_code"),
		       .type = http_body_str(r, "type"),
		       .title = http_body_str(r, "title"),
		       .content = http_body_str(r, "content"),
		       .reporter_name = http_body_str(r, "reporter_name"),
		       .reporter_phone = http_body_str(r, "reporter_phone")};
	case_rec c;
	if ((rc = cases_create(r->store, NULL, &in, gz_now(), &c, &r->err)))
		return rc;
	r->status = 201;
	r->reply = json_pack("{ss ss so ss}", "tracking_code", c.tracking, "place_name", c.place_name, "due_at", when(c.due_at),
			     "status", c.status);
	http_audit(r, "case", c.id, c.place_code);
	r->audit_detail = json_pack("{ss ss}", "channel", "qr", "client", http_client(r));
	case_free(&c);
	return GZ_OK;
}

/* The case of the tracking code in the path. */
static gz_err tracked(http_req *r, case_rec *c)
{
	return cases_get_tracking(r->store, r->param[0], c, &r->err);
}

static gz_err public_show(http_req *r)
{
	gz_err rc = limited(r, &lookup_limit);
	if (rc)
		return rc;
	case_rec c;
	if ((rc = tracked(r, &c)))
		return rc;
	r->reply = public_json(r->store, &c);
	case_free(&c);
	return GZ_OK;
}

static const http_field evaluate_fields[] = {{"rating", JSON_STRING, true, 16}, {"note", JSON_STRING, false, CASE_NOTE_MAX}, {NULL}};

static gz_err public_evaluate(http_req *r)
{
	gz_err rc;
	case_rec c;
	if ((rc = limited(r, &lookup_limit)) || (rc = http_body_check(r, evaluate_fields)) || (rc = tracked(r, &c)))
		return rc;
	case_act a = {.action = "evaluate", .rating = http_body_str(r, "rating"), .note = http_body_str(r, "note")};
	int64_t id = c.id;
	case_free(&c);
	if ((rc = cases_act(r->store, NULL, id, &a, gz_now(), &c, &r->err)))
		return rc;
	audit_case(r, &c, "evaluate");
	r->reply = public_json(r->store, &c);
	case_free(&c);
	return GZ_OK;
}

static gz_err public_file_post(http_req *r)
{
	gz_err rc;
	case_rec c;
	if ((rc = limited(r, &lookup_limit)) || (rc = tracked(r, &c)))
		return rc;
	int64_t id = c.id;
	const char *at_place = arena_strdup(r->a, c.place_code);
	case_free(&c);
	case_file f;
	if ((rc = cases_file_add(r->store, NULL, id, r->raw, r->raw_len, gz_now(), &f, &r->err)))
		return rc;
	return file_add_reply(r, &f, at_place);
}

static gz_err public_file_get(http_req *r)
{
	gz_err rc;
	case_rec c;
	int64_t fid;
	if ((rc = limited(r, &lookup_limit)) || (rc = http_param_id(r, 1, &fid)) || (rc = tracked(r, &c)))
		return rc;
	int64_t id = c.id;
	case_free(&c);
	return file_reply(r, id, fid);
}

/* --- the timer ---------------------------------------------------------------------------- */

static void cases_tick(store *s, int64_t now)
{
	gz_error e = {0};
	int n = 0, total = 0;
	/* Batches keep each write job short; a backlog is worked off within the tick. */
	do {
		if (cases_escalate(s, now, 200, &n, &e)) {
			gz_log(GZ_LOG_WARN, "escalating overdue cases failed: %s", e.message);
			break;
		}
		total += n;
	} while (n == 200 && total < 100000);
	if (total)
		gz_log(GZ_LOG_INFO, "escalated %d overdue case(s)", total);
	if (cases_text_follow(s, &e))
		gz_log(GZ_LOG_WARN, "indexing cases for search failed: %s", e.message);
}

#define W (HF_WRITE | HF_JSON_BODY)
#define STAFF (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER)
static const http_route cases_routes[] = {
	{HTTP_GET, "/api/v1/cases", cases_index, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/cases", case_create, W, CASE_CREATE_ROLES, 32768, "case.create"},
	{HTTP_GET, "/api/v1/cases/figures", figures_get, 0, STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/cases/carry-over", carry_post, W, CASE_MANAGE_ROLES, 4096, "case.carry_over"},
	{HTTP_GET, "/api/v1/cases/poster", poster_get, 0, ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_GRID_WORKER, 0, NULL},
	{HTTP_GET, "/api/v1/cases/{id}", case_show, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/cases/{id}/actions", case_act_post, W, CASE_READ_ROLES & ~ROLE_SUPERVISOR, 16384, "case.act"},
	{HTTP_POST, "/api/v1/cases/{id}/files", case_file_post, HF_WRITE | HF_RAW_BODY, CASE_READ_ROLES & ~ROLE_SUPERVISOR,
	 CASE_FILE_MAX, "case.file"},
	{HTTP_GET, "/api/v1/cases/{id}/files/{file}", case_file_get, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/case-settings/{code}", settings_get, 0, STAFF, 0, NULL},
	{HTTP_PUT, "/api/v1/case-settings/{code}", settings_put, W, CASE_MANAGE_ROLES, 1024, "case.settings"},
	{HTTP_GET, "/api/v1/departments", depts_list, 0, CASE_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/departments", dept_create, W, ROLE_ADMIN | ROLE_OFFICIAL, 4096, "department.create"},
	{HTTP_POST, "/api/v1/departments/{id}/members", dept_member, W, ROLE_ADMIN | ROLE_OFFICIAL, 1024, "department.member"},
	{HTTP_GET, "/api/v1/case-resources", res_list, 0, STAFF, 0, NULL},
	{HTTP_POST, "/api/v1/case-resources", res_create, W, CASE_MANAGE_ROLES | ROLE_GRID_WORKER, 8192, "case_resource.create"},
	{HTTP_DELETE, "/api/v1/case-resources/{id}", res_delete, HF_WRITE, CASE_MANAGE_ROLES | ROLE_GRID_WORKER, 0,
	 "case_resource.delete"},
	{HTTP_GET, "/api/v1/public/places/{code}", public_place, HF_PUBLIC, 0, 0, NULL},
	{HTTP_POST, "/api/v1/public/cases", public_submit, HF_PUBLIC | W, 0, 32768, "case.submit"},
	{HTTP_GET, "/api/v1/public/cases/{tracking}", public_show, HF_PUBLIC, 0, 0, NULL},
	{HTTP_POST, "/api/v1/public/cases/{tracking}/evaluate", public_evaluate, HF_PUBLIC | W, 0, 8192, "case.evaluate"},
	{HTTP_POST, "/api/v1/public/cases/{tracking}/files", public_file_post, HF_PUBLIC | HF_WRITE | HF_RAW_BODY, 0,
	 CASE_FILE_MAX, "case.file"},
	{HTTP_GET, "/api/v1/public/cases/{tracking}/files/{file}", public_file_get, HF_PUBLIC, 0, 0, NULL},
	{0},
};

const gz_module cases_module = {"cases", cases_migrations, cases_routes, cases_tick};
