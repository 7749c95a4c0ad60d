/* audit_http.c — reading the audit log over HTTP (admin: all; official: their subtree). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/util.h"
#include "modules.h"


/* GET /api/v1/audit?actor=&action=&under=&cursor=&limit= — newest first. */
static gz_err audit_list(http_req *r)
{
	const char *actor, *action, *under, *cursor;
	int limit;
	gz_err rc;
	if ((rc = http_query(r, "actor", AUTH_NAME_MAX, &actor)) ||
	    (rc = http_query(r, "action", 64, &action)) || (rc = http_query(r, "under", GZ_CODE_MAX, &under)) ||
	    (rc = http_query(r, "cursor", 20, &cursor)) || (rc = http_query_limit(r, &limit)))
		return rc;
	int64_t before = INT64_MAX;
	if (cursor) {
		if (!gz_all_digits(cursor, strlen(cursor)))
			return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", cursor);
		before = strtoll(cursor, NULL, 10);
	}
	gz_range range;
	if ((rc = http_scope_range(r, under, &range)))
		return rc;
	/* Entries without a place (system, accounts) are the national administrator's only. */
	bool national = r->user->scope[0] == '\0' && (!under || !*under);
	sqlite3_stmt *st = store_stmt(
		r->store,
		"SELECT id, at, actor, action, subject, place_code, detail FROM audit_log"
		" WHERE id < ?1"
		"   AND ((place_code >= ?2 AND place_code < ?3) OR (?4 AND place_code IS NULL))"
		"   AND (?5 IS NULL OR actor = ?5) AND (?6 IS NULL OR action = ?6)"
		" ORDER BY id DESC LIMIT ?7");
	if (!st)
		return http_fail(r, GZ_E_INTERNAL, NULL, "cannot read the audit log");
	sqlite3_bind_int64(st, 1, before);
	store_bind_range(st, 2, &range);
	sqlite3_bind_int(st, 4, national);
	store_bind_text(st, 5, actor);
	store_bind_text(st, 6, action);
	sqlite3_bind_int(st, 7, limit + 1);
	json_t *items = json_array();
	int n = 0;
	int64_t last = 0;
	bool more = false;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		char at[40];
		gz_time_rfc3339(sqlite3_column_int64(st, 1), at, sizeof at);
		json_t *detail = NULL;
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			detail = json_loads(store_col_text(st, 6), 0, NULL);
		last = sqlite3_column_int64(st, 0);
		json_array_append_new(
			items, json_pack("{sI ss ss ss s:s? s:s? so}", "id", (json_int_t)last, "at", at, "actor",
					 store_col_text(st, 2), "action", store_col_text(st, 3), "subject",
					 sqlite3_column_text(st, 4) ? store_col_text(st, 4) : NULL, "place_code",
					 sqlite3_column_text(st, 5) ? store_col_text(st, 5) : NULL, "detail",
					 detail ? detail : json_null()));
		n++;
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		json_decref(items);
		return store_fail(r->store, src, &r->err, "reading the audit log");
	}
	http_reply_list(r, items, more ? arena_printf(r->a, "%lld", (long long)last) : NULL);
	return GZ_OK;
}

static const http_route audit_routes[] = {
	{HTTP_GET, "/api/v1/audit", audit_list, 0, ROLE_ADMIN | ROLE_OFFICIAL, 0, NULL},
	{0},
};

const gz_module audit_module = {"audit", audit_migrations, audit_routes, NULL};
