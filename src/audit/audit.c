/* audit.c — appending to the audit log. */
#include "audit/audit.h"

#include "core/util.h"

gz_err audit_record(store *s, const audit_entry *en, gz_error *e)
{
	if (!store_in_write(s))
		return gz_fail(e, GZ_E_INTERNAL, NULL, "audit entry \"%s\" outside a write transaction",
			       en->action);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO audit_log(at, actor_id, actor, action, subject,"
					 " place_code, detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare audit insert");
	sqlite3_bind_int64(st, 1, gz_now());
	if (en->actor_id)
		sqlite3_bind_int64(st, 2, en->actor_id);
	store_bind_text(st, 3, en->actor ? en->actor : "system");
	store_bind_text(st, 4, en->action);
	store_bind_text(st, 5, en->subject);
	store_bind_text(st, 6, en->place && *en->place ? en->place : NULL);
	store_bind_text(st, 7, en->detail);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "writing the audit log");
	return GZ_OK;
}

static gz_err record_job(store *s, void *ctx, gz_error *e)
{
	return audit_record(s, ctx, e);
}

gz_err audit_record_write(store *s, const audit_entry *en, gz_error *e)
{
	return store_write_run(s, record_job, (void *)en, e);
}
