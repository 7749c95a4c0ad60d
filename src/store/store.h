/* store.h — the one interface to the database. All SQL of gongzhi goes through it.
 *
 * Model: one store per data directory; each thread gets its own SQLite connection, opened
 * lazily on first use and closed when the thread ends or the store closes. Statements are
 * prepared once per connection and cached by the address of their SQL text, which must
 * therefore be a string literal (static storage). Writes are serialised inside the process by
 * one write lock and across processes by SQLite's own lock with a bounded wait, so a writer
 * queues rather than failing; each write is one transaction and is acknowledged only after
 * COMMIT returned: on disk (STORE_SYNC_FULL, the default), or in the operating system's cache
 * and on disk within 100 ms (STORE_SYNC_WINDOW, what the server runs unless told otherwise).
 *
 * SQLite is the backend today; PostgreSQL will implement the same functions. */
#ifndef GZ_STORE_H
#define GZ_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/scope.h"

typedef struct store store;

/* One numbered schema change of a module. Versions start at 1 and never change once landed. */
typedef struct {
	int version;
	const char *name;
	const char *sql;
} store_migration;

/* Open (creating when missing) the database file at path. *out is owned by the caller and
 * freed with store_close. */
gz_err store_open(store **out, const char *path, gz_error *e);
/* Close every connection still open and free the store. Call after worker threads ended. */
void store_close(store *s);
const char *store_path(const store *s);

/* When a commit is acknowledged. FULL: its WAL frames were synced to disk (fdatasync) inside the
 * commit — it survives a power cut; one sync per group commit. WINDOW: they were written to the
 * operating system (it survives kill -9 and any crash of gongzhi) and the checkpointer thread
 * syncs them within 100 ms — a power cut loses at most the commits of that window, never the
 * database's consistency (WAL frames are checksummed; recovery stops at the last whole commit).
 * Measured here: a sync takes ≈ 1.1 ms, so FULL caps 8 clients at ≈ 7,000 commits' worth of
 * writes a second whatever the code does. Set before store_writer_start, while no other
 * thread has used the store: it applies to this thread's connection and to those opened after. */
typedef enum { STORE_SYNC_FULL, STORE_SYNC_WINDOW } store_sync;
void store_set_sync(store *s, store_sync mode);
/* STORE_SYNC_WINDOW: commits acknowledged and not yet synced by the checkpointer thread (0 at
 * most 100 ms after the last one while the writer runs). Always 0 under STORE_SYNC_FULL. */
unsigned store_unsynced(store *s);
/* WAL pages after which the checkpointer copies them back (32,000, 128 MB, when pages <= 0);
 * before store_writer_start. Tests use a small number to see the log start again. */
void store_set_checkpoint_pages(store *s, int pages);

/* This thread's connection; NULL when it cannot be opened (logged). Every connection has the
 * SQL function gz_time(seconds): the time as gz_time_rfc3339 writes it (+08:00), NULL for NULL. */
sqlite3 *store_db(store *s);

/* A cached prepared statement for a literal sql, reset and with bindings cleared; NULL on a
 * preparation error (logged: it is a programming error). The statement stays owned by the
 * store; callers step it and may reset it, never finalize it. */
sqlite3_stmt *store_stmt(store *s, const char *sql);
/* The same for SQL built at run time (a list's WHERE made of only the filters it has): cached
 * by its text, up to 64 per connection, the least recently used one that is not stepping
 * replaced beyond that. NULL on a preparation error (logged). */
sqlite3_stmt *store_stmt_text(store *s, const char *sql);
/* Reset every cached statement of this thread, ending any read snapshot they held. The HTTP
 * layer calls it at the end of each request. */
void store_reset_all(store *s);

/* Step st for one page of a list: up to limit rows, each turned into a record of `size` bytes by
 * from_row(st, record, arg); one more row only sets *more. The records are malloc'd into *rows (the
 * caller frees them, also on error) and *n counts them; st is reset before returning, so the
 * caller may run other queries while it hands the records out. what names the list in errors. */
gz_err store_page(store *s, sqlite3_stmt *st, size_t size, int limit,
		  void (*from_row)(sqlite3_stmt *st, void *record, void *arg), void *arg, void **rows, int *n, bool *more,
		  const char *what, gz_error *e);

/* Bind a scope range to parameters lo and hi of stmt (the shared way of filtering by place). */
int store_bind_range(sqlite3_stmt *st, int lo_idx, const gz_range *r);
/* Bind text that may be NULL. */
int store_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Bind personal data sealed with core/secret (NULL when plain is NULL or empty). */
void store_bind_sealed(sqlite3_stmt *st, int idx, const char *plain);
/* Open a sealed column into out ("" for NULL; "?" when it does not open under this key). */
void store_col_sealed(sqlite3_stmt *st, int col, char *out, size_t n);
/* Step a one-integer query and reset it: the value, or 0 when there is no row. */
int64_t store_step_int(sqlite3_stmt *st);
/* Column text as a C string ("" for NULL). The pointer lives until the next step/reset. */
const char *store_col_text(sqlite3_stmt *st, int col);

/* A unit of writing: runs inside a write transaction it must not end itself. Returns GZ_OK
 * to keep its changes, an error (with *e filled) to undo them. */
typedef gz_err (*store_write_fn)(store *s, void *ctx, gz_error *e);

/* Run fn inside a write transaction and return only after that transaction has committed
 * (on disk, or written to the OS and synced within 100 ms: store_sync). When the group writer
 * runs (store_writer_start), fn runs on the writer thread inside a savepoint, batched with the jobs of other threads into one COMMIT —
 * one fsync for many writes — and a failing fn undoes only its own changes; otherwise fn runs
 * on the calling thread in its own transaction. If the commit itself fails, every job of the
 * batch gets the error and none is acknowledged. Called from inside a job, fn just runs. */
gz_err store_write_run(store *s, store_write_fn fn, void *ctx, gz_error *e);
/* The same without waiting: fn is queued for the group writer and done(done_ctx, rc) is called
 * on the writer thread once its batch committed (or failed), in the order of the commits;
 * store_writer_stop returns after every done was called. done must be quick and must not
 * write. The HTTP layer suspends the connection meanwhile, so its worker thread serves other
 * connections instead of blocking on the commit. Without the writer, fn runs at once and done is called before returning. ctx and
 * e must live until done is called. */
typedef void (*store_done_fn)(void *done_ctx, gz_err rc);
void store_write_submit(store *s, store_write_fn fn, void *ctx, gz_error *e, store_done_fn done, void *done_ctx);
/* Work a write transaction leaves for its end: records queued with store_defer are handed to
 * their kind's flush, in one call per kind, right before the transaction commits — after every
 * job of a group-commit batch ran, and outside the jobs' savepoints. A job that fails has its
 * records dropped with its changes; a flush that fails fails the whole transaction (every job of
 * the batch gets the error, none is acknowledged). Use it for work that many writes share and
 * that nothing in the same transaction reads back: counters summed across a batch, and FTS5
 * inserts (FTS5 writes a new index segment at every savepoint it takes part in, so inserting
 * inside each job's savepoint cost a segment per write). rec (len bytes) is copied; flush gets
 * the records in the order they were queued and must not defer more. Fails with GZ_E_INTERNAL
 * outside a write transaction, GZ_E_NOMEM when the copy cannot be kept. */
typedef gz_err (*store_flush_fn)(store *s, const void *const *recs, const size_t *lens, size_t n, gz_error *e);
typedef struct {
	const char *name; /* what the records are, for errors */
	store_flush_fn flush;
} store_deferral;
gz_err store_defer(store *s, const store_deferral *kind, const void *rec, size_t len, gz_error *e);

/* Start / stop the group writer thread (the server does; the CLI writes directly). Stop runs
 * the jobs already queued, tells the submitted ones, then joins. With the writer runs a
 * checkpointer thread: the writer's commits no longer copy the WAL back into the database
 * themselves (SQLite's autocheckpoint did that inside the commit that crossed 1000 pages,
 * holding every write of that batch); the checkpointer does it beside them, passively, on its
 * own connection, every 32,000 WAL pages (store_set_checkpoint_pages), and syncs the database
 * in rounds until little is left unsynced; the writer then copies the rest between two batches
 * so that the log starts again from its beginning (a busy writer otherwise kept it growing
 * without end). The checkpointer also syncs the WAL under STORE_SYNC_WINDOW. */
gz_err store_writer_start(store *s, gz_error *e);
/* Copy the WAL back into the database now, on the calling thread's connection, outside any
 * transaction (GZ_E_INTERNAL inside one). truncate: a TRUNCATE checkpoint — every committed frame
 * copied and the -wal file cut to 0 bytes, so no page of a recent commit stays beside the database
 * (council: after a secret vote or an election's round closes, so no voter row can be paired with
 * the ballot written in the same commit); else PASSIVE. Safe while the server serves: it waits at
 * most ~100 ms for the writer and readers (a few tries), holding new writes off only that long
 * plus the copy; GZ_E_UNAVAILABLE when they stayed busy (nothing is lost: the WAL stays valid). */
gz_err store_checkpoint(store *s, bool truncate, gz_error *e);
void store_writer_stop(store *s);

/* Begin a write transaction: takes the process write lock (waiting at most a bounded time)
 * then BEGIN IMMEDIATE. GZ_E_UNAVAILABLE if the wait ran out. Not re-entrant. */
gz_err store_write_begin(store *s, gz_error *e);
/* COMMIT and release the write lock. On failure the transaction is rolled back. */
gz_err store_write_commit(store *s, gz_error *e);
/* ROLLBACK (if a transaction is open) and release the write lock. Safe to call twice. */
void store_write_rollback(store *s);
/* Open a read transaction on this thread's connection: every query until store_read_end sees
 * one snapshot, and SQLite takes its file locks once instead of once per statement (which
 * dominated a request's cost). No-op inside a write. */
void store_read_begin(store *s);
void store_read_end(store *s);
/* The database's data version as this thread's connection last saw it: it changes whenever
 * any connection, in any process, commits a change. Meaningful inside a transaction (after its
 * first statement ran), where it identifies the snapshot being read; caches tag entries with
 * it. */
uint32_t store_data_version(store *s);
/* Whether this thread's connection is inside a transaction (read or write). */
bool store_in_txn(store *s);
/* Whether this thread holds the write transaction. */
bool store_in_write(store *s);

/* Fill *e from this thread's last SQLite error; what names the operation. Returns the mapped
 * code: BUSY -> GZ_E_UNAVAILABLE, CONSTRAINT -> GZ_E_CONFLICT, otherwise GZ_E_INTERNAL. */
gz_err store_fail(store *s, int rc, gz_error *e, const char *what);

/* Apply the migrations of module that are not yet recorded, each in its own transaction.
 * migrations ends with an entry whose version is 0. */
gz_err store_migrate(store *s, const char *module, const store_migration *migrations, gz_error *e);

/* Execute SQL without results (DDL, pragmas) on this thread's connection. */
gz_err store_exec(store *s, const char *sql, gz_error *e);

/* A number naming this open store and no other the process opened before or after (1, 2, …):
 * what a cache of the store's data keys on, where an address could be reused. */
uint64_t store_uid(const store *s);

/* Key/value metadata (meta table, created by the store itself). Returns false if absent. */
bool store_meta_get(store *s, const char *key, char *out, size_t n);
gz_err store_meta_set(store *s, const char *key, const char *value, gz_error *e);

/* Tuning knobs for bulk loads on this thread's connection. */
void store_bulk_mode(store *s, bool on);

/* --- whole-database copies (backup.c): gongzhi backup / restore --------------------------- */

enum { STORE_STEP_PAGES = 256 }; /* pages copied per step by default: 1 MB at 4 KB pages */
typedef struct {
	int pages, page_size;
} store_backup_stats;
/* Called after each step of a copy with the pages copied so far and the total. */
typedef void (*store_progress_fn)(void *ctx, int done, int total);

/* Copy the database at src_path into a new file to_path with SQLite's online backup API, a
 * bounded number of pages per step. One read snapshot is held from the first step to the last:
 * the copy is the database exactly as committed when it began, and the server may keep writing
 * meanwhile (WAL: a reader never blocks the writer, and an outside write does not restart the
 * copy). step_pages pages per step (0: STORE_STEP_PAGES), pause_ms between steps (to leave
 * the disk to the server). The copy is written to to_path.part, checked (integrity_check), made
 * self-contained (rollback journal, no -wal file), synced and renamed to to_path; on failure
 * nothing is left. */
gz_err store_backup(const char *src_path, const char *to_path, int step_pages, int pause_ms, store_progress_fn progress,
		    void *ctx, store_backup_stats *stats, gz_error *e);
/* Check that path is an intact gongzhi database this build can open: integrity_check ok, a
 * schema_migrations table, no module unknown among modules[0..n) or newer than its
 * max_versions[i]. Fills stats (may be NULL) with its size. */
gz_err store_file_check(const char *path, const char *const *modules, const int *max_versions, int n,
			store_backup_stats *stats, gz_error *e);
/* Count the sealed values (core/secret) that queries (NULL-terminated, each selecting one BLOB
 * column) find in the database at path, and how many of them open under the loaded key. */
void store_sealed_probe(const char *path, const char *const *queries, int *checked, int *opened);
/* Replace the content of the database at db_path (created when missing) by that of from_path,
 * in one transaction of db_path (a crash meanwhile leaves the old content), then check it.
 * No other process may use db_path meanwhile: the caller makes sure no server runs. */
gz_err store_restore(const char *from_path, const char *db_path, store_progress_fn progress, void *ctx,
		     store_backup_stats *stats, gz_error *e);

#endif
