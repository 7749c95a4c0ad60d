/* registry_http.c — the registry's routes: JSON in, domain call, JSON out with personal data
 * masked by the caller's role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "audit/audit.h"
#include "core/ids.h"
#include "core/util.h"
#include "modules.h"
#include "places/places.h"
#include "registry/registry.h"

/* --- rendering -------------------------------------------------------------------------- */

static const char *shown_id(http_req *r, const char *id)
{
	if (!*id || registry_may_see_id(r->user->role))
		return id;
	char *m = arena_alloc(r->a, strlen(id) + 1);
	ids_mask(id, m);
	return m;
}

static const char *shown_phone(http_req *r, const char *phone)
{
	if (!*phone || registry_may_see_phone(r->user->role))
		return phone;
	char *m = arena_alloc(r->a, strlen(phone) + 1);
	ids_mask_phone(phone, m);
	return m;
}

static const char *when(http_req *r, int64_t t)
{
	char *b = arena_alloc(r->a, 32);
	gz_time_rfc3339(t, b, 32);
	return b;
}

static json_t *unit_json(const reg_unit *x, bool building)
{
	json_t *j = json_pack("{ss ss sI sI sI}", "code", x->code, "name", x->name, "households", (json_int_t)x->households,
			      "residents", (json_int_t)x->residents, "care", (json_int_t)x->care);
	if (building) {
		json_object_set_new(j, "kind", json_string(x->kind));
		json_object_set_new(j, "address", json_string(x->address));
		json_object_set_new(j, "grid_code", json_string(x->parent_code));
		json_object_set_new(j, "grid_name", json_string(x->parent_name));
	} else {
		json_object_set_new(j, "village_code", json_string(x->parent_code));
		json_object_set_new(j, "village_name", json_string(x->parent_name));
		json_object_set_new(j, "note", json_string(x->note));
		json_object_set_new(j, "buildings", json_integer(x->buildings));
	}
	return j;
}

static json_t *household_json(http_req *r, const reg_household *h)
{
	return json_pack("{sI ss ss ss ss so ss sI sI ss ss}", "id", (json_int_t)h->id, "place_code", h->place_code,
			 "place_name", h->place_name, "address", h->address, "phone", shown_phone(r, h->phone), "head_id",
			 h->head_id ? json_integer(h->head_id) : json_null(), "head_name", h->head_name, "members",
			 (json_int_t)h->members, "care", (json_int_t)h->care, "created_at", when(r, h->created_at),
			 "updated_at", when(r, h->updated_at));
}

static json_t *resident_json(http_req *r, const reg_resident *x)
{
	json_t *tags = json_array();
	for (int i = 0; i < x->ntags; i++)
		json_array_append_new(tags, json_string(x->tags[i]));
	return json_pack("{sI sI ss ss ss ss si ss ss ss ss ss ss ss so ss ss}", "id", (json_int_t)x->id, "household_id",
			 (json_int_t)x->household_id, "place_code", x->place_code, "name", x->name, "gender", x->gender,
			 "birth_date", x->birth_date, "age", registry_age(x->birth_date), "id_number",
			 shown_id(r, x->id_number), "phone", shown_phone(r, x->phone), "ethnicity", x->ethnicity,
			 "hukou", x->hukou, "political", x->political, "relation", x->relation, "status", x->status,
			 "tags", tags, "created_at", when(r, x->created_at), "updated_at", when(r, x->updated_at));
}

/* --- shared request helpers ----------------------------------------------------------- */

/* A resident account reads its own household only. 0 for every other role; a resident
 * account not linked to a household is refused. */
static gz_err own_household(http_req *r, int64_t *out)
{
	*out = 0;
	if (r->user->role != ROLE_RESIDENT)
		return GZ_OK;
	if (!r->user->household_id)
		return http_fail(r, GZ_E_FORBIDDEN, NULL, "this resident account is not linked to a household");
	*out = r->user->household_id;
	return GZ_OK;
}

/* --- grids and buildings ---------------------------------------------------------------- */

struct unit_list {
	json_t *items;
	bool building;
	char last[GZ_CODE_MAX + 1];
};

static int add_unit(void *c, const reg_unit *x)
{
	struct unit_list *l = c;
	json_array_append_new(l->items, unit_json(x, l->building));
	gz_strlcpy(l->last, x->code, sizeof l->last);
	return 0;
}

static gz_err list_units(http_req *r, int level)
{
	gz_range range;
	int limit;
	const char *cursor;
	gz_err rc = http_list_args(r, &range, &limit, &cursor);
	if (rc)
		return rc;
	struct unit_list l = {json_array(), level == PL_BUILDING, ""};
	bool more;
	if ((rc = registry_units(r->store, level, &range, cursor, limit, add_unit, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_strdup(r->a, l.last) : NULL);
	return GZ_OK;
}

static gz_err grids_list(http_req *r)
{
	return list_units(r, PL_GRID);
}

static gz_err buildings_list(http_req *r)
{
	return list_units(r, PL_BUILDING);
}

static gz_err grid_show(http_req *r)
{
	reg_unit g;
	gz_err rc = registry_grid_get(r->store, r->user, r->param[0], &g, &r->err);
	if (rc)
		return rc;
	json_t *j = unit_json(&g, false);
	gz_range range;
	scope_range_of(g.code, &range);
	struct unit_list l = {json_array(), true, ""};
	bool more;
	registry_units(r->store, PL_BUILDING, &range, NULL, 500, add_unit, &l, &more, NULL);
	/* In a grid's own page `buildings` is the list itself (its length is the count). */
	json_object_set_new(j, "buildings", l.items);
	r->reply = j;
	return GZ_OK;
}

static const http_field grid_fields[] = {
	{"village_code", JSON_STRING, true, GZ_CODE_MAX},
	{"name", JSON_STRING, true, REG_NAME_MAX},
	{"note", JSON_STRING, false, REG_NOTE_MAX},
	{NULL},
};

static gz_err grid_create(http_req *r)
{
	gz_err rc = http_body_check(r, grid_fields);
	if (rc)
		return rc;
	reg_unit g;
	if ((rc = registry_grid_create(r->store, r->user, http_body_str(r, "village_code"), http_body_str(r, "name"),
				       http_body_str(r, "note"), &g, &r->err)))
		return rc;
	r->status = 201;
	r->audit_subject = arena_printf(r->a, "grid:%s", g.code);
	r->audit_place = arena_strdup(r->a, g.code);
	r->reply = unit_json(&g, false);
	return GZ_OK;
}

static const http_field grid_patch_fields[] = {
	{"name", JSON_STRING, false, REG_NAME_MAX},
	{"note", JSON_STRING, false, REG_NOTE_MAX},
	{NULL},
};

static gz_err grid_update(http_req *r)
{
	gz_err rc = http_body_check(r, grid_patch_fields);
	if (rc)
		return rc;
	reg_unit g;
	if ((rc = registry_grid_update(r->store, r->user, r->param[0], http_body_str(r, "name"), http_body_str(r, "note"),
				       &g, &r->err)))
		return rc;
	r->audit_subject = arena_printf(r->a, "grid:%s", g.code);
	r->audit_place = arena_strdup(r->a, g.code);
	r->reply = unit_json(&g, false);
	return GZ_OK;
}

static const http_field building_fields[] = {
	{"grid_code", JSON_STRING, true, GZ_CODE_MAX},
	{"name", JSON_STRING, true, REG_NAME_MAX},
	{"kind", JSON_STRING, true, 12},
	{"address", JSON_STRING, false, REG_ADDR_MAX},
	{NULL},
};

static gz_err building_create(http_req *r)
{
	gz_err rc = http_body_check(r, building_fields);
	if (rc)
		return rc;
	reg_unit b;
	if ((rc = registry_building_create(r->store, r->user, http_body_str(r, "grid_code"), http_body_str(r, "name"),
					   http_body_str(r, "kind"), http_body_str(r, "address"), &b, &r->err)))
		return rc;
	r->status = 201;
	r->audit_subject = arena_printf(r->a, "building:%s", b.code);
	r->audit_place = arena_strdup(r->a, b.code);
	r->reply = unit_json(&b, true);
	return GZ_OK;
}

/* --- households ------------------------------------------------------------------------- */

struct hh_list {
	http_req *r;
	json_t *items;
	int64_t last;
};

static int add_household(void *c, const reg_household *h)
{
	struct hh_list *l = c;
	json_array_append_new(l->items, household_json(l->r, h));
	l->last = h->id;
	return 0;
}

static gz_err households_list(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor, *q;
	gz_err rc;
	int64_t own;
	if ((rc = http_list_args(r, &range, &limit, &cursor)) || (rc = http_query(r, "q", 50, &q)) || (rc = own_household(r, &own)))
		return rc;
	struct hh_list l = {r, json_array(), 0};
	bool more;
	if (own) {
		reg_household h;
		if (!cursor && registry_household_get(r->store, &range, own, &h, NULL) == GZ_OK)
			add_household(&l, &h);
		http_reply_list(r, l.items, NULL);
		return GZ_OK;
	}
	if ((rc = registry_households(r->store, &range, q && *q ? q : NULL, cursor ? strtoll(cursor, NULL, 10) : 0,
				      limit, add_household, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

struct res_list {
	http_req *r;
	json_t *items;
	int64_t last;
};

static int add_resident(void *c, const reg_resident *x)
{
	struct res_list *l = c;
	json_array_append_new(l->items, resident_json(l->r, x));
	l->last = x->id;
	return 0;
}

static int add_event(void *c, const reg_event *ev)
{
	struct res_list *l = c;
	json_t *detail = *ev->detail ? json_loads(ev->detail, 0, NULL) : NULL;
	json_array_append_new(l->items, json_pack("{sI sI ss ss ss ss so}", "id", (json_int_t)ev->id, "resident_id",
						  (json_int_t)ev->resident_id, "resident_name", ev->resident_name, "at",
						  when(l->r, ev->at), "kind", ev->kind, "actor", ev->actor, "detail",
						  detail ? detail : json_null()));
	return 0;
}

static json_t *household_visits(http_req *r, int64_t household_id);

static gz_err household_show(http_req *r)
{
	int64_t id, own;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = own_household(r, &own)))
		return rc;
	if (own && id != own)
		return http_fail(r, GZ_E_NOT_FOUND, "id", "household %lld not found", (long long)id);
	gz_range range;
	scope_range_of(r->user->scope, &range);
	reg_household h;
	if ((rc = registry_household_get(r->store, &range, id, &h, &r->err)))
		return rc;
	json_t *j = household_json(r, &h);
	place path[PL__COUNT];
	int n = 0;
	json_t *pj = json_array();
	if (places_path(r->store, h.place_code, path, &n, NULL) == GZ_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(pj, json_pack("{ss ss ss}", "code", path[i].code, "name", path[i].name, "level",
							    places_level_word(path[i].level)));
	json_object_set_new(j, "path", pj);
	struct res_list members = {r, json_array(), 0};
	reg_resident_filter f = {.household_id = h.id};
	bool more;
	registry_residents(r->store, &range, &f, 0, 200, add_resident, &members, &more, NULL);
	json_object_set_new(j, "members", members.items); /* the count of the list reply, here the list */
	struct res_list events = {r, json_array(), 0};
	registry_events(r->store, h.id, 50, add_event, &events, NULL);
	/* Visit notes and the file's history are for the staff who keep it. */
	if (own) {
		json_decref(events.items);
	} else {
		json_object_set_new(j, "events", events.items);
		json_object_set_new(j, "visits", household_visits(r, h.id));
	}
	r->reply = j;
	return GZ_OK;
}

static const http_field household_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"address", JSON_STRING, true, REG_ADDR_MAX},
	{"phone", JSON_STRING, false, 20},
	{NULL},
};

static gz_err household_create(http_req *r)
{
	gz_err rc = http_body_check(r, household_fields);
	if (rc)
		return rc;
	reg_household h;
	if ((rc = registry_household_create(r->store, r->user, http_body_str(r, "place_code"), http_body_str(r, "address"),
					    http_body_str(r, "phone"), &h, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "household", h.id, h.place_code);
	r->reply = household_json(r, &h);
	return GZ_OK;
}

static const http_field household_patch_fields[] = {
	{"address", JSON_STRING, false, REG_ADDR_MAX},
	{"phone", JSON_STRING, false, 20},
	{"head_id", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err household_update(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, household_patch_fields)))
		return rc;
	json_t *head = json_object_get(r->body, "head_id");
	int64_t head_id = head && json_is_integer(head) ? json_integer_value(head) : 0;
	if (head && json_is_integer(head) && head_id <= 0)
		return http_fail(r, GZ_E_INVALID_VALUE, "head_id", "head_id must be a resident id");
	reg_household h;
	if ((rc = registry_household_update(r->store, r->user, id, http_body_str(r, "address"), http_body_str(r, "phone"),
					    head_id, &h, &r->err)))
		return rc;
	http_audit(r, "household", h.id, h.place_code);
	r->reply = household_json(r, &h);
	return GZ_OK;
}

/* --- residents -------------------------------------------------------------------------- */

static gz_err residents_list(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor;
	reg_resident_filter f = {0};
	gz_err rc;
	if ((rc = http_list_args(r, &range, &limit, &cursor)) || (rc = http_query(r, "q", REG_NAME_MAX, &f.q)) ||
	    (rc = http_query(r, "phone4", 4, &f.phone4)) || (rc = http_query(r, "id_number", 18, &f.id_number)) ||
	    (rc = http_query(r, "tag", REG_TAG_MAX, &f.tag)) || (rc = http_query(r, "status", 12, &f.status)))
		return rc;
	if (f.phone4 && *f.phone4 && (strlen(f.phone4) != 4 || !gz_all_digits(f.phone4, 4)))
		return http_fail(r, GZ_E_INVALID_VALUE, "phone4", "phone4 must be the last 4 digits");
	if ((rc = own_household(r, &f.household_id)))
		return rc;
	struct res_list l = {r, json_array(), 0};
	bool more;
	if ((rc = registry_residents(r->store, &range, &f, cursor ? strtoll(cursor, NULL, 10) : 0, limit, add_resident, &l,
				     &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

static gz_err resident_show(http_req *r)
{
	int64_t id, own;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = own_household(r, &own)))
		return rc;
	gz_range range;
	scope_range_of(r->user->scope, &range);
	reg_resident x;
	if ((rc = registry_resident_get(r->store, &range, id, &x, &r->err)))
		return rc;
	if (own && x.household_id != own)
		return http_fail(r, GZ_E_NOT_FOUND, "id", "resident %lld not found", (long long)id);
	r->reply = resident_json(r, &x);
	return GZ_OK;
}

static const http_field resident_fields[] = {
	{"household_id", JSON_INTEGER, false, 0},
	{"name", JSON_STRING, false, REG_NAME_MAX},
	{"gender", JSON_STRING, false, 8},
	{"birth_date", JSON_STRING, false, 10},
	{"id_number", JSON_STRING, false, 18},
	{"phone", JSON_STRING, false, 20},
	{"ethnicity", JSON_STRING, false, 20},
	{"hukou", JSON_STRING, false, 10},
	{"political", JSON_STRING, false, 20},
	{"relation", JSON_STRING, false, 10},
	{"tags", JSON_ARRAY, false, 0},
	{"arrival", JSON_STRING, false, 12},
	{NULL},
};

static gz_err resident_in(http_req *r, reg_resident_in *in)
{
	gz_err rc = http_body_check(r, resident_fields);
	if (rc)
		return rc;
	memset(in, 0, sizeof *in);
	json_t *hid = json_object_get(r->body, "household_id");
	in->household_id = hid && json_is_integer(hid) ? json_integer_value(hid) : 0;
	in->name = http_body_str(r, "name");
	in->gender = http_body_str(r, "gender");
	in->birth_date = http_body_str(r, "birth_date");
	in->id_number = http_body_str(r, "id_number");
	in->phone = http_body_str(r, "phone");
	in->ethnicity = http_body_str(r, "ethnicity");
	in->hukou = http_body_str(r, "hukou");
	in->political = http_body_str(r, "political");
	in->relation = http_body_str(r, "relation");
	in->arrival = http_body_str(r, "arrival");
	json_t *tags = json_object_get(r->body, "tags");
	if (tags && json_is_array(tags)) {
		if (json_array_size(tags) > REG_TAGS_MAX)
			return http_fail(r, GZ_E_INVALID_VALUE, "tags", "at most %d care tags", REG_TAGS_MAX);
		in->has_tags = true;
		size_t i;
		json_t *t;
		json_array_foreach(tags, i, t) {
			if (!json_is_string(t))
				return http_fail(r, GZ_E_INVALID_TYPE, "tags", "field \"tags\" must be an array of strings");
			in->tags[in->ntags++] = json_string_value(t);
		}
	}
	return GZ_OK;
}

static gz_err resident_create(http_req *r)
{
	reg_resident_in in;
	gz_err rc = resident_in(r, &in);
	if (rc)
		return rc;
	if (!in.household_id)
		return http_fail(r, GZ_E_MISSING_FIELD, "household_id", "field \"household_id\" is required");
	reg_resident x;
	if ((rc = registry_resident_create(r->store, r->user, &in, &x, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "resident", x.id, x.place_code);
	r->reply = resident_json(r, &x);
	return GZ_OK;
}

static gz_err resident_update(http_req *r)
{
	int64_t id;
	reg_resident_in in;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = resident_in(r, &in)))
		return rc;
	if (in.household_id)
		return http_fail(r, GZ_E_INVALID_VALUE, "household_id", "moving a resident to another household is a transfer event, not an edit");
	if (in.arrival)
		return http_fail(r, GZ_E_INVALID_VALUE, "arrival", "arrival is given only when a resident is added");
	reg_resident x;
	if ((rc = registry_resident_update(r->store, r->user, id, &in, &x, &r->err)))
		return rc;
	http_audit(r, "resident", x.id, x.place_code);
	r->reply = resident_json(r, &x);
	return GZ_OK;
}

static const http_field event_fields[] = {
	{"kind", JSON_STRING, true, 12},
	{"date", JSON_STRING, true, 10},
	{"note", JSON_STRING, false, 200},
	{"to_household_id", JSON_INTEGER, false, 0},
	{NULL},
};

/* POST /api/v1/residents/{id}/events — move out, death, return, transfer. */
static gz_err resident_event(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, event_fields)))
		return rc;
	json_t *to = json_object_get(r->body, "to_household_id");
	reg_resident x;
	if ((rc = registry_resident_event(r->store, r->user, id, http_body_str(r, "kind"), http_body_str(r, "date"),
					  http_body_str(r, "note"), json_is_integer(to) ? json_integer_value(to) : 0, &x,
					  &r->err)))
		return rc;
	http_audit(r, "resident", x.id, x.place_code);
	r->audit_detail = json_pack("{ss}", "kind", http_body_str(r, "kind"));
	r->reply = resident_json(r, &x);
	return GZ_OK;
}

static const http_field move_fields[] = {{"grid_code", JSON_STRING, true, GZ_CODE_MAX}, {NULL}};

/* POST /api/v1/buildings/{code}/move — to another grid of the village. */
static gz_err building_move(http_req *r)
{
	gz_err rc = http_body_check(r, move_fields);
	if (rc)
		return rc;
	reg_unit b;
	char old[GZ_CODE_MAX + 1];
	if ((rc = registry_building_move(r->store, r->user, r->param[0], http_body_str(r, "grid_code"), &b, old, &r->err)))
		return rc;
	r->audit_subject = arena_printf(r->a, "building:%s", b.code);
	r->audit_place = arena_strdup(r->a, b.code);
	r->audit_detail = json_pack("{ss ss}", "from", old, "to", b.code);
	json_t *j = unit_json(&b, true);
	json_object_set_new(j, "moved_from", json_string(old));
	r->reply = j;
	return GZ_OK;
}

/* --- care tags ------------------------------------------------------------------------- */

static int add_tag(void *c, const char *tag, int64_t n)
{
	json_array_append_new(c, json_pack("{ss sI}", "tag", tag, "residents", (json_int_t)n));
	return 0;
}

static gz_err tags_list(http_req *r)
{
	gz_range range;
	const char *under;
	gz_err rc;
	if ((rc = http_query(r, "under", GZ_CODE_MAX, &under)) || (rc = http_scope_range(r, under, &range)))
		return rc;
	json_t *items = json_array();
	if ((rc = registry_tags(r->store, &range, add_tag, items, &r->err))) {
		json_decref(items);
		return rc;
	}
	http_reply_list(r, items, NULL);
	return GZ_OK;
}

static const http_field tag_fields[] = {{"tag", JSON_STRING, true, REG_TAG_MAX}, {NULL}};

static gz_err tag_create(http_req *r)
{
	gz_err rc;
	if ((rc = http_body_check(r, tag_fields)) ||
	    (rc = registry_tag_add(r->store, r->user, http_body_str(r, "tag"), &r->err)))
		return rc;
	r->status = 201;
	r->audit_subject = arena_printf(r->a, "care_tag:%s", http_body_str(r, "tag"));
	r->audit_place = r->user->scope;
	r->reply = json_pack("{ss}", "tag", http_body_str(r, "tag"));
	return GZ_OK;
}

/* --- grid roles ------------------------------------------------------------------------ */

static json_t *role_json(http_req *r, const reg_grid_role *x)
{
	return json_pack("{sI ss ss ss so so ss ss so}", "id", (json_int_t)x->id, "place_code", x->place_code, "place_name",
			 x->place_name, "role", x->role, "resident_id", x->resident_id ? json_integer(x->resident_id) : json_null(),
			 "user_id", x->user_id ? json_integer(x->user_id) : json_null(), "holder_name", x->holder_name, "since",
			 when(r, x->since_at), "until", x->until_at ? json_string(when(r, x->until_at)) : json_null());
}

struct role_list {
	http_req *r;
	json_t *items;
	int64_t last;
};

static int add_role(void *c, const reg_grid_role *x)
{
	struct role_list *l = c;
	json_array_append_new(l->items, role_json(l->r, x));
	l->last = x->id;
	return 0;
}

static gz_err roles_list(http_req *r)
{
	const char *history, *cursor;
	gz_range range;
	int limit;
	gz_err rc;
	if ((rc = http_list_args(r, &range, &limit, &cursor)) || (rc = http_query(r, "history", 5, &history)))
		return rc;
	struct role_list l = {r, json_array(), 0};
	bool more;
	if ((rc = registry_roles(r->store, &range, history && !strcmp(history, "1"), cursor ? strtoll(cursor, NULL, 10) : 0,
				 limit, add_role, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

static const http_field role_fields[] = {
	{"place_code", JSON_STRING, true, GZ_CODE_MAX},
	{"role", JSON_STRING, true, 16},
	{"resident_id", JSON_INTEGER, false, 0},
	{"user_id", JSON_INTEGER, false, 0},
	{NULL},
};

static gz_err role_assign(http_req *r)
{
	gz_err rc = http_body_check(r, role_fields);
	if (rc)
		return rc;
	json_t *rid = json_object_get(r->body, "resident_id"), *uid = json_object_get(r->body, "user_id");
	reg_grid_role x;
	if ((rc = registry_role_assign(r->store, r->user, http_body_str(r, "place_code"), http_body_str(r, "role"),
				       json_is_integer(rid) ? json_integer_value(rid) : 0,
				       json_is_integer(uid) ? json_integer_value(uid) : 0, &x, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "grid_role", x.id, x.place_code);
	r->reply = role_json(r, &x);
	return GZ_OK;
}

static gz_err role_end(http_req *r)
{
	int64_t id;
	gz_err rc = http_param_id(r, 0, &id);
	if (rc)
		return rc;
	reg_grid_role x;
	if ((rc = registry_role_end(r->store, r->user, id, &x, &r->err)))
		return rc;
	http_audit(r, "grid_role", x.id, x.place_code);
	r->reply = role_json(r, &x);
	return GZ_OK;
}

/* --- visits --------------------------------------------------------------------------- */

static json_t *visit_json(http_req *r, const reg_visit *v)
{
	json_t *j = json_pack("{sI sI ss ss ss ss ss sb ss}", "id", (json_int_t)v->id, "household_id", (json_int_t)v->household_id,
			      "place_code", v->place_code, "address", v->address, "visited_on", v->visited_on, "visitor",
			      v->visitor, "findings", v->findings, "follow_up", v->follow_up, "created_at", when(r, v->created_at));
	if (v->resolved_at) {
		json_object_set_new(j, "resolved_at", json_string(when(r, v->resolved_at)));
		json_object_set_new(j, "resolved_by", json_string(v->resolved_by));
		json_object_set_new(j, "resolution", json_string(v->resolution));
	} else {
		json_object_set_new(j, "resolved_at", json_null());
	}
	return j;
}

static const http_field resolve_fields[] = {{"resolution", JSON_STRING, true, REG_NOTE_MAX}, {NULL}};

/* POST /api/v1/visits/{id}/resolve — close a follow-up, saying what was done. */
static gz_err visit_resolve(http_req *r)
{
	int64_t id;
	gz_err rc;
	if ((rc = http_param_id(r, 0, &id)) || (rc = http_body_check(r, resolve_fields)))
		return rc;
	reg_visit v;
	if ((rc = registry_visit_resolve(r->store, r->user, id, http_body_str(r, "resolution"), &v, &r->err)))
		return rc;
	http_audit(r, "visit", v.id, v.place_code);
	r->reply = visit_json(r, &v);
	return GZ_OK;
}

struct visit_list {
	http_req *r;
	json_t *items;
	int64_t last;
};

static int add_visit(void *c, const reg_visit *v)
{
	struct visit_list *l = c;
	json_array_append_new(l->items, visit_json(l->r, v));
	l->last = v->id;
	return 0;
}

static gz_err visits_list(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor, *hid, *follow;
	gz_err rc;
	if ((rc = http_list_args(r, &range, &limit, &cursor)) || (rc = http_query(r, "household_id", 15, &hid)) ||
	    (rc = http_query(r, "follow_up", 5, &follow)))
		return rc;
	if (hid && !gz_all_digits(hid, strlen(hid)))
		return http_fail(r, GZ_E_INVALID_VALUE, "household_id", "household_id must be a number");
	struct visit_list l = {r, json_array(), 0};
	bool more;
	if ((rc = registry_visits(r->store, &range, hid ? strtoll(hid, NULL, 10) : 0, follow && !strcmp(follow, "1"),
				  cursor ? strtoll(cursor, NULL, 10) : 0, limit, add_visit, &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

static const http_field visit_fields[] = {
	{"household_id", JSON_INTEGER, true, 0},
	{"visited_on", JSON_STRING, true, 10},
	{"findings", JSON_STRING, true, REG_FINDINGS_MAX},
	{"follow_up", JSON_TRUE, false, 0},
	{NULL},
};

static gz_err visit_create(http_req *r)
{
	gz_err rc = http_body_check(r, visit_fields);
	if (rc)
		return rc;
	reg_visit v;
	if ((rc = registry_visit_add(r->store, r->user, json_integer_value(json_object_get(r->body, "household_id")),
				     http_body_str(r, "visited_on"), http_body_str(r, "findings"),
				     json_is_true(json_object_get(r->body, "follow_up")), &v, &r->err)))
		return rc;
	r->status = 201;
	http_audit(r, "visit", v.id, v.place_code);
	r->reply = visit_json(r, &v);
	return GZ_OK;
}

static json_t *household_visits(http_req *r, int64_t household_id)
{
	gz_range all;
	scope_range_of(r->user->scope, &all);
	struct visit_list l = {r, json_array(), 0};
	bool more;
	registry_visits(r->store, &all, household_id, false, 0, 20, add_visit, &l, &more, NULL);
	return l.items;
}

struct unvisited_list {
	http_req *r;
	json_t *items;
	int64_t last;
};

static int add_unvisited(void *c, const reg_household *h, const char *last)
{
	struct unvisited_list *l = c;
	json_t *j = household_json(l->r, h);
	json_object_set_new(j, "last_visit", *last ? json_string(last) : json_null());
	json_array_append_new(l->items, j);
	l->last = h->id;
	return 0;
}

/* GET /api/v1/visits/overdue?under=&days= — households not visited in `days` days. */
static gz_err visits_overdue(http_req *r)
{
	gz_range range;
	int limit;
	const char *cursor, *days_s;
	gz_err rc;
	if ((rc = http_list_args(r, &range, &limit, &cursor)) || (rc = http_query(r, "days", 5, &days_s)))
		return rc;
	int days = 30;
	if (days_s) {
		if (!gz_all_digits(days_s, strlen(days_s)) || atoi(days_s) < 1 || atoi(days_s) > 3650)
			return http_fail(r, GZ_E_INVALID_VALUE, "days", "days must be 1 to 3650");
		days = atoi(days_s);
	}
	struct unvisited_list l = {r, json_array(), 0};
	bool more;
	if ((rc = registry_unvisited(r->store, &range, days, cursor ? strtoll(cursor, NULL, 10) : 0, limit, add_unvisited,
				     &l, &more, &r->err))) {
		json_decref(l.items);
		return rc;
	}
	http_reply_list(r, l.items, more ? arena_printf(r->a, "%lld", (long long)l.last) : NULL);
	return GZ_OK;
}

/* --- spreadsheets ------------------------------------------------------------------------ */

static gz_err template_get(http_req *r)
{
	bool xlsx;
	int fd;
	gz_err rc;
	if ((rc = http_format_arg(r, &xlsx)) || (rc = registry_template(xlsx, &fd, &r->err)))
		return rc;
	http_table_reply(r, fd, xlsx, "residents", "居民信息导入模板");
	return GZ_OK;
}

/* GET /api/v1/residents/export?under=&format= — 一楼一册 / a grid's roster. */
static gz_err export_get(http_req *r)
{
	bool xlsx;
	const char *under;
	gz_range range;
	gz_err rc;
	if ((rc = http_format_arg(r, &xlsx)) || (rc = http_query(r, "under", GZ_CODE_MAX, &under)) ||
	    (rc = http_scope_range(r, under, &range)))
		return rc;
	int fd;
	int64_t rows;
	if ((rc = registry_export(r->store, r->user, &range, xlsx, &fd, &rows, &r->err)))
		return rc;
	/* Every export is in the audit log with who, what and how many rows — or it is not sent. */
	const char *detail = arena_printf(r->a, "{\"format\":\"%s\",\"rows\":%lld,\"under\":\"%s\",\"masked\":%s}",
					  xlsx ? "xlsx" : "csv", (long long)rows, range.lo,
					  registry_may_see_id(r->user->role) ? "false" : "true");
	audit_entry en = {.actor_id = r->user->id, .actor = r->user->username, .action = "resident.export",
			  .subject = "residents", .place = range.lo, .detail = detail};
	if ((rc = audit_record_write(r->store, &en, &r->err))) {
		close(fd);
		return rc;
	}
	place p;
	const char *name = *range.lo && places_get(r->store, range.lo, &p, NULL) == GZ_OK ? arena_printf(r->a, "%s居民名册", p.name)
											    : "居民名册";
	http_table_reply(r, fd, xlsx, "residents", name);
	return GZ_OK;
}

/* POST /api/v1/residents/import?under=&mode=good|all — the file is the body. */
static gz_err import_post(http_req *r)
{
	const char *under, *mode;
	gz_err rc;
	if ((rc = http_query(r, "under", GZ_CODE_MAX, &under)) || (rc = http_query(r, "mode", 8, &mode)))
		return rc;
	if (!under || !*under)
		return http_fail(r, GZ_E_MISSING_FIELD, "under", "say which village, grid or building to import into (?under=)");
	if (mode && strcmp(mode, "good") && strcmp(mode, "all"))
		return http_fail(r, GZ_E_INVALID_VALUE, "mode", "mode must be good (import the good rows) or all (all or nothing)");
	if (!r->raw_len)
		return http_fail(r, GZ_E_INVALID_VALUE, "file", "send the xlsx or csv file as the request body");
	reg_import_report *rep = malloc(sizeof *rep);
	if (!rep)
		return http_fail(r, GZ_E_NOMEM, NULL, "out of memory");
	rc = registry_import(r->store, r->user, under, r->raw, r->raw_len, mode && !strcmp(mode, "all"), rep, &r->err);
	if (!rc) {
		json_t *errors = json_array();
		for (int i = 0; i < rep->nerrors; i++)
			json_array_append_new(errors, json_pack("{sI ss ss}", "row", (json_int_t)rep->errors[i].row, "field",
								rep->errors[i].field, "message", rep->errors[i].message));
		bool committed = !(rep->all_or_nothing && rep->rejected > 0);
		r->reply = json_pack("{ss sb sI sI sI sI so}", "mode", rep->all_or_nothing ? "all" : "good", "committed",
				     committed, "rows", (json_int_t)rep->rows, "imported", (json_int_t)rep->imported, "rejected",
				     (json_int_t)rep->rejected, "households_created", (json_int_t)rep->households_created, "errors",
				     errors);
		r->audit_subject = "residents";
		r->audit_place = arena_strdup(r->a, under);
		r->audit_detail = json_pack("{ss sI sI sI}", "mode", rep->all_or_nothing ? "all" : "good", "rows",
					    (json_int_t)rep->rows, "imported", (json_int_t)rep->imported, "rejected",
					    (json_int_t)rep->rejected);
	}
	free(rep);
	return rc;
}

#define W (HF_WRITE | HF_JSON_BODY)
static const http_route registry_routes[] = {
	{HTTP_GET, "/api/v1/grids", grids_list, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/grids", grid_create, W, REG_WRITE_ROLES, 16384, "grid.create"},
	{HTTP_GET, "/api/v1/grids/{code}", grid_show, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_PATCH, "/api/v1/grids/{code}", grid_update, W, REG_WRITE_ROLES, 16384, "grid.update"},
	{HTTP_GET, "/api/v1/buildings", buildings_list, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/buildings", building_create, W, REG_WRITE_ROLES, 16384, "building.create"},
	{HTTP_POST, "/api/v1/buildings/{code}/move", building_move, W, ROLE_ADMIN | ROLE_CADRE, 4096, "building.move"},
	{HTTP_GET, "/api/v1/households", households_list, 0, REG_READ_ROLES | ROLE_RESIDENT, 0, NULL},
	{HTTP_POST, "/api/v1/households", household_create, W, REG_WRITE_ROLES, 16384, "household.create"},
	{HTTP_GET, "/api/v1/households/{id}", household_show, 0, REG_READ_ROLES | ROLE_RESIDENT, 0, NULL},
	{HTTP_PATCH, "/api/v1/households/{id}", household_update, W, REG_WRITE_ROLES, 16384, "household.update"},
	{HTTP_GET, "/api/v1/residents", residents_list, 0, REG_READ_ROLES | ROLE_RESIDENT, 0, NULL},
	{HTTP_POST, "/api/v1/residents", resident_create, W, REG_WRITE_ROLES, 16384, "resident.create"},
	{HTTP_GET, "/api/v1/residents/template", template_get, 0, REG_WRITE_ROLES, 0, NULL},
	{HTTP_GET, "/api/v1/residents/export", export_get, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/residents/import", import_post, HF_WRITE | HF_RAW_BODY, REG_WRITE_ROLES, 32 << 20, "resident.import"},
	{HTTP_GET, "/api/v1/residents/{id}", resident_show, 0, REG_READ_ROLES | ROLE_RESIDENT, 0, NULL},
	{HTTP_PATCH, "/api/v1/residents/{id}", resident_update, W, REG_WRITE_ROLES, 16384, "resident.update"},
	{HTTP_POST, "/api/v1/residents/{id}/events", resident_event, W, REG_WRITE_ROLES, 4096, "resident.event"},
	{HTTP_GET, "/api/v1/grid-roles", roles_list, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/grid-roles", role_assign, W, ROLE_ADMIN | ROLE_CADRE, 4096, "grid_role.assign"},
	{HTTP_POST, "/api/v1/grid-roles/{id}/end", role_end, HF_WRITE, ROLE_ADMIN | ROLE_CADRE, 0, "grid_role.end"},
	{HTTP_GET, "/api/v1/visits", visits_list, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/visits", visit_create, W, REG_WRITE_ROLES, 16384, "visit.create"},
	{HTTP_GET, "/api/v1/visits/overdue", visits_overdue, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/visits/{id}/resolve", visit_resolve, W, REG_WRITE_ROLES, 4096, "visit.resolve"},
	{HTTP_GET, "/api/v1/care-tags", tags_list, 0, REG_READ_ROLES, 0, NULL},
	{HTTP_POST, "/api/v1/care-tags", tag_create, W, ROLE_ADMIN | ROLE_CADRE, 4096, "care_tag.create"},
	{0},
};

const gz_module registry_module = {"registry", registry_migrations, registry_routes, NULL};
