/* audit_migrations.c — the audit module's numbered schema changes. Append only: a landed
 * migration never changes; a new one takes the next number. */
#include "audit/audit.h"

const store_migration audit_migrations[] = {
	{1, "audit log",
	 "CREATE TABLE audit_log("
	 " id INTEGER PRIMARY KEY,"
	 " at INTEGER NOT NULL,"
	 " actor_id INTEGER,"
	 " actor TEXT NOT NULL,"
	 " action TEXT NOT NULL,"
	 " subject TEXT,"
	 " place_code TEXT,"
	 " detail TEXT);"
	 "CREATE INDEX audit_place ON audit_log(place_code, id);"
	 /* Append-only, enforced by the database as well as by the absence of routes. */
	 "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
	 " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	 "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
	 " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"},
	/* The log is read newest first along its ids (audit_http.c, the planner's choice for every
	 * scope); the index by place served no query and cost every write one more B-tree page. */
	{2, "no index by place", "DROP INDEX audit_place;"},
	{0},
};
