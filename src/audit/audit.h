/* audit.h — the audit log: who did what, when, to which record, at which place.
 *
 * Every write goes through here: the HTTP dispatcher records each HF_WRITE route in the same
 * transaction as the write itself, and the CLI records its writes (imports, new users) the
 * same way, so a write and its audit row commit or roll back together. The log is
 * append-only: there is no route or function that edits or deletes an entry. */
#ifndef GZ_AUDIT_H
#define GZ_AUDIT_H

#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef struct {
	int64_t actor_id;    /* 0 for the system / command line */
	const char *actor;   /* username, or "cli" */
	const char *action;  /* "user.create", "places.import", "auth.login", … */
	const char *subject; /* "user:12", may be NULL */
	const char *place;   /* place code the record belongs to, may be NULL */
	const char *detail;  /* JSON text, may be NULL; never personal data in clear */
} audit_entry;

/* Append one entry. Must run inside the caller's write transaction (store_write_begin). */
gz_err audit_record(store *s, const audit_entry *en, gz_error *e);
/* The same as a write of its own, for what is not otherwise a write — an export is sent only
 * once it is in the log. */
gz_err audit_record_write(store *s, const audit_entry *en, gz_error *e);

/* The module's numbered schema changes (audit_migrations.c), applied by modules_migrate. */
extern const store_migration audit_migrations[];

#endif
