/* places_http.c — the places module's migrations and routes (API.md "First contracts"). */
#include <string.h>

#include "modules.h"
#include "places/places.h"


static const char *parent_code(arena *a, const place *p)
{
	if (p->level <= PL_PROVINCE)
		return NULL;
	return arena_strndup(a, p->code, (size_t)places_level_len(p->level - 1));
}

static json_t *place_json(http_req *r, const place *p)
{
	const char *parent = parent_code(r->a, p);
	return json_pack("{ss ss ss s:s?}", "code", p->code, "name", p->name, "level",
			 places_level_word(p->level), "parent_code", parent);
}

static json_t *path_json(http_req *r, const char *code)
{
	place path[PL__COUNT];
	int n = 0;
	json_t *arr = json_array();
	if (places_path(r->store, code, path, &n, NULL))
		return arr;
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{ss ss ss}", "code", path[i].code, "name", path[i].name,
						     "level", places_level_word(path[i].level)));
	return arr;
}

static json_t *counts_json(http_req *r, const char *code)
{
	int64_t counts[PL__COUNT];
	if (places_counts(r->store, code, counts, NULL))
		return json_object();
	json_t *o = json_object();
	place_level own = *code ? places_level_of(code) : PL_NONE;
	for (int lv = own + 1; lv < PL__COUNT; lv++)
		/* Grids and buildings are shown once the registry lays them out. */
		if (lv <= PL_VILLAGE || counts[lv] > 0)
			json_object_set_new(o, places_level_word((place_level)lv), json_integer(counts[lv]));
	return o;
}

struct list_ctx {
	http_req *r;
	json_t *items;
	bool with_path;
};

static int add_item(void *c, const place *p)
{
	struct list_ctx *lc = c;
	json_t *j = place_json(lc->r, p);
	json_object_set_new(j, "child_count", json_integer(places_child_count(lc->r->store, p->code, p->level)));
	if (lc->with_path)
		json_object_set_new(j, "path", path_json(lc->r, p->code));
	json_array_append_new(lc->items, j);
	return 0;
}

static gz_err list_children(http_req *r, const char *code)
{
	const char *cursor;
	int limit;
	gz_err rc;
	if ((rc = http_query(r, "cursor", GZ_CODE_MAX, &cursor)) || (rc = http_query_limit(r, &limit)))
		return rc;
	if (cursor && places_level_of(cursor) == PL_NONE)
		return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", cursor);
	struct list_ctx lc = {r, json_array(), false};
	bool more;
	rc = places_children(r->store, code, cursor, limit, add_item, &lc, &more, &r->err);
	if (rc) {
		json_decref(lc.items);
		return rc;
	}
	size_t n = json_array_size(lc.items);
	const char *next = NULL;
	if (more && n)
		next = arena_strdup(r->a, json_string_value(json_object_get(json_array_get(lc.items, n - 1), "code")));
	http_reply_list(r, lc.items, next);
	if (!*code && !cursor)
		json_object_set_new(r->reply, "counts", counts_json(r, ""));
	return GZ_OK;
}

/* GET /api/v1/places?q=&under=&cursor=&limit= — search by name; without q, the provinces. */
static gz_err places_list(http_req *r)
{
	const char *q, *under, *cursor;
	int limit;
	gz_err rc;
	if ((rc = http_query(r, "q", 50, &q)) || (rc = http_query(r, "under", GZ_CODE_MAX, &under)))
		return rc;
	if (!q || !*q)
		return list_children(r, "");
	if ((rc = http_query(r, "cursor", 24, &cursor)) || (rc = http_query_limit(r, &limit)))
		return rc;
	place_level ul = PL_NONE;
	if (under && *under) {
		place up;
		if ((rc = places_get(r->store, under, &up, &r->err))) {
			snprintf(r->err.field, sizeof r->err.field, "under");
			return rc;
		}
		ul = up.level;
	}
	gz_range range;
	scope_range_of(under ? under : "", &range);
	struct list_ctx lc = {r, json_array(), true};
	char next[24];
	rc = places_search(r->store, q, &range, ul, cursor, limit, add_item, &lc, next, &r->err);
	if (rc) {
		json_decref(lc.items);
		return rc;
	}
	http_reply_list(r, lc.items, *next ? arena_strdup(r->a, next) : NULL);
	return GZ_OK;
}

/* GET /api/v1/places/{code} */
static gz_err places_show(http_req *r)
{
	place path[PL__COUNT];
	int n;
	gz_err rc = places_path(r->store, r->param[0], path, &n, &r->err);
	if (rc)
		return rc;
	const place *p = &path[n - 1];
	json_t *j = place_json(r, p);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{ss ss ss}", "code", path[i].code, "name", path[i].name, "level",
						     places_level_word(path[i].level)));
	json_object_set_new(j, "path", arr);
	int64_t counts[PL__COUNT];
	if ((rc = places_counts(r->store, p->code, counts, &r->err))) {
		json_decref(j);
		return rc;
	}
	json_t *co = json_object();
	for (int lv = p->level + 1; lv < PL__COUNT; lv++)
		/* Grids and buildings are shown once the registry lays them out. */
		if (lv <= PL_VILLAGE || counts[lv] > 0)
			json_object_set_new(co, places_level_word((place_level)lv), json_integer(counts[lv]));
	json_object_set_new(j, "counts", co);
	json_object_set_new(j, "child_count", json_integer(p->level + 1 < PL__COUNT ? counts[p->level + 1] : 0));
	if (p->level == PL_TOWNSHIP)
		json_object_set_new(j, "is_street", json_boolean(places_is_street(p->code)));
	r->reply = j;
	return GZ_OK;
}

/* GET /api/v1/places/{code}/children */
static gz_err places_children_route(http_req *r)
{
	return list_children(r, r->param[0]);
}

static const http_route places_routes[] = {
	{HTTP_GET, "/api/v1/places", places_list, 0, 0, 0, NULL},
	{HTTP_GET, "/api/v1/places/{code}", places_show, 0, 0, 0, NULL},
	{HTTP_GET, "/api/v1/places/{code}/children", places_children_route, 0, 0, 0, NULL},
	{0},
};

const gz_module places_module = {"places", places_migrations, places_routes, NULL};
