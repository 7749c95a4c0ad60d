/* backup.c — copying a whole database with SQLite's online backup API, checking a copy, and
 * putting a copy back (gongzhi backup / restore). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "core/secret.h"
#include "store/store.h"

enum {
	BUSY_RETRY_MS = 20,     /* wait when a step finds the destination locked */
	BUSY_RETRIES = 500,     /* 10 s in all, the store's own bound */
	OPEN_BUSY_MS = 10000,
};

static gz_err db_fail(sqlite3 *db, int rc, gz_error *e, const char *what, const char *path)
{
	return gz_fail(e, (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? GZ_E_UNAVAILABLE : GZ_E_IO,
		       NULL, "%s \"%s\": %s", what, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static gz_err open_db(const char *path, int flags, sqlite3 **out, gz_error *e)
{
	int rc = sqlite3_open_v2(path, out, flags, NULL);
	if (rc != SQLITE_OK) {
		gz_err r = db_fail(*out, rc, e, "cannot open database", path);
		sqlite3_close_v2(*out);
		*out = NULL;
		return r;
	}
	sqlite3_busy_timeout(*out, OPEN_BUSY_MS);
	sqlite3_extended_result_codes(*out, 1);
	return GZ_OK;
}

/* Run a statement without results (pragmas, BEGIN/COMMIT). */
static int run(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* PRAGMA integrity_check on db: GZ_OK when its one row says ok. */
static gz_err integrity(sqlite3 *db, const char *path, gz_error *e)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, e, "cannot check database", path);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		gz_err r = db_fail(db, rc, e, "cannot check database", path);
		sqlite3_finalize(st);
		return r;
	}
	const char *first = (const char *)sqlite3_column_text(st, 0);
	gz_err r = GZ_OK;
	if (!first || strcmp(first, "ok"))
		r = gz_fail(e, GZ_E_INVALID_VALUE, NULL, "database \"%s\" is damaged: %.160s", path, first ? first : "?");
	sqlite3_finalize(st);
	return r;
}

static gz_err fsync_path(const char *path, bool dir, gz_error *e)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return gz_fail(e, GZ_E_IO, NULL, "cannot open \"%s\": %s", path, strerror(errno));
	int rc = fsync(fd);
	int err = errno;
	close(fd);
	if (rc != 0)
		return gz_fail(e, GZ_E_IO, NULL, "cannot sync \"%s\": %s", path, strerror(err));
	return GZ_OK;
}

/* Copy src (main) into dst page by page; progress after each step. */
static gz_err copy_pages(sqlite3 *src, sqlite3 *dst, const char *src_path, const char *dst_path, int step_pages,
			 int pause_ms, store_progress_fn progress, void *ctx, store_backup_stats *stats, gz_error *e)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return db_fail(dst, sqlite3_errcode(dst), e, "cannot start copying into", dst_path);
	int rc, busy = 0;
	do {
		rc = sqlite3_backup_step(b, step_pages);
		if (rc == SQLITE_OK || rc == SQLITE_DONE) {
			busy = 0;
			if (progress)
				progress(ctx, sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
					 sqlite3_backup_pagecount(b));
			if (rc == SQLITE_OK && pause_ms > 0)
				sqlite3_sleep(pause_ms);
		} else if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && busy++ < BUSY_RETRIES) {
			sqlite3_sleep(BUSY_RETRY_MS);
			rc = SQLITE_OK;
		}
	} while (rc == SQLITE_OK);
	int pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return db_fail(dst, rc, e, "cannot copy", src_path);
	if (stats) {
		stats->pages = pages;
		sqlite3_stmt *st;
		stats->page_size = 0;
		if (sqlite3_prepare_v2(src, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				stats->page_size = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
	}
	return GZ_OK;
}

gz_err store_backup(const char *src_path, const char *to_path, int step_pages, int pause_ms, store_progress_fn progress,
		    void *ctx, store_backup_stats *stats, gz_error *e)
{
	char part[PATH_MAX];
	if (snprintf(part, sizeof part, "%s.part", to_path) >= (int)sizeof part)
		return gz_fail(e, GZ_E_INVALID_VALUE, "to", "path \"%.80s\" is too long", to_path);
	unlink(part);
	sqlite3 *src = NULL, *dst = NULL;
	gz_err r = open_db(src_path, SQLITE_OPEN_READONLY, &src, e);
	if (r)
		return r;
	/* One read transaction for the whole copy: every step reads the same snapshot, so the copy
	 * is the database exactly as committed when it began, and a write of the server meanwhile
	 * (another connection) neither restarts the copy nor waits for it (WAL: readers never block
	 * the writer). Without it SQLite restarts the copy after each outside write. */
	int rc = run(src, "BEGIN");
	if (rc == SQLITE_OK)
		rc = run(src, "SELECT count(*) FROM sqlite_schema");
	if (rc != SQLITE_OK) {
		r = db_fail(src, rc, e, "cannot read database", src_path);
		goto out;
	}
	if ((r = open_db(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, e)))
		goto out;
	if ((r = copy_pages(src, dst, src_path, part, step_pages > 0 ? step_pages : STORE_STEP_PAGES, pause_ms, progress, ctx, stats, e)))
		goto out;
	run(src, "COMMIT");
	/* A self-contained file: rollback journal, nothing left in a -wal beside it. */
	if ((rc = run(dst, "PRAGMA journal_mode=DELETE")) != SQLITE_OK) {
		r = db_fail(dst, rc, e, "cannot finish", part);
		goto out;
	}
	if ((r = integrity(dst, part, e)))
		goto out;
	sqlite3_close_v2(dst);
	dst = NULL;
	if ((r = fsync_path(part, false, e)))
		goto out;
	if (rename(part, to_path) != 0) {
		r = gz_fail(e, GZ_E_IO, "to", "cannot rename \"%s\" to \"%s\": %s", part, to_path, strerror(errno));
		goto out;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", to_path);
	r = fsync_path(dirname(dir), true, e);
out:
	if (dst)
		sqlite3_close_v2(dst);
	sqlite3_close_v2(src);
	if (r)
		unlink(part);
	return r;
}

gz_err store_file_check(const char *path, const char *const *modules, const int *max_versions, int n,
			store_backup_stats *stats, gz_error *e)
{
	if (access(path, R_OK) != 0)
		return gz_fail(e, GZ_E_IO, "from", "cannot read \"%s\": %s", path, strerror(errno));
	sqlite3 *db = NULL;
	gz_err r = open_db(path, SQLITE_OPEN_READONLY, &db, e);
	if (r)
		return r;
	if ((r = integrity(db, path, e)))
		goto out;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT module, max(version) FROM schema_migrations GROUP BY module", -1, &st,
				    NULL);
	if (rc != SQLITE_OK) {
		r = gz_fail(e, GZ_E_INVALID_VALUE, "from", "\"%s\" is not a gongzhi database: %s", path,
			    sqlite3_errmsg(db));
		goto out;
	}
	int rows = 0;
	while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		const char *m = (const char *)sqlite3_column_text(st, 0);
		int v = sqlite3_column_int(st, 1);
		int i = 0;
		while (i < n && strcmp(modules[i], m ? m : ""))
			i++;
		if (i == n || v > max_versions[i])
			r = gz_fail(e, GZ_E_INVALID_VALUE, "from",
				    "\"%s\" was written by a newer gongzhi (schema %s version %d): upgrade first", path,
				    m ? m : "?", v);
	}
	sqlite3_finalize(st);
	if (!r && rc != SQLITE_DONE)
		r = db_fail(db, rc, e, "cannot read", path);
	if (!r && !rows)
		r = gz_fail(e, GZ_E_INVALID_VALUE, "from", "\"%s\" is not a gongzhi database: no schema recorded", path);
	if (!r && stats) {
		stats->pages = stats->page_size = 0;
		if (sqlite3_prepare_v2(db, "SELECT page_count, page_size FROM pragma_page_count, pragma_page_size", -1,
				       &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				stats->pages = sqlite3_column_int(st, 0);
				stats->page_size = sqlite3_column_int(st, 1);
			}
			sqlite3_finalize(st);
		}
	}
out:
	sqlite3_close_v2(db);
	return r;
}

void store_sealed_probe(const char *path, const char *const *queries, int *checked, int *opened)
{
	*checked = *opened = 0;
	sqlite3 *db = NULL;
	gz_error e;
	if (open_db(path, SQLITE_OPEN_READONLY, &db, &e))
		return;
	for (const char *const *q = queries; *q; q++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, *q, -1, &st, NULL) != SQLITE_OK)
			continue; /* a table this copy does not have yet */
		while (sqlite3_step(st) == SQLITE_ROW) {
			const void *box = sqlite3_column_blob(st, 0);
			int len = sqlite3_column_bytes(st, 0);
			if (!box || len <= 0)
				continue;
			char plain[1024];
			(*checked)++;
			if (secret_open(box, (size_t)len, plain, sizeof plain))
				(*opened)++;
			sodium_memzero(plain, sizeof plain);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close_v2(db);
}

gz_err store_restore(const char *from_path, const char *db_path, store_progress_fn progress, void *ctx,
		     store_backup_stats *stats, gz_error *e)
{
	sqlite3 *src = NULL, *dst = NULL;
	gz_err r = open_db(from_path, SQLITE_OPEN_READONLY, &src, e);
	if (r)
		return r;
	int rc = run(src, "BEGIN");
	if (rc == SQLITE_OK)
		rc = run(src, "SELECT count(*) FROM sqlite_schema");
	if (rc != SQLITE_OK) {
		r = db_fail(src, rc, e, "cannot read database", from_path);
		goto out;
	}
	if ((r = open_db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, e)))
		goto out;
	/* The copy is one transaction of the destination: a crash meanwhile leaves the old
	 * content, a finished copy is on disk (synchronous=FULL) before this returns. */
	run(dst, "PRAGMA synchronous=FULL");
	if ((r = copy_pages(src, dst, from_path, db_path, STORE_STEP_PAGES, 0, progress, ctx, stats, e)))
		goto out;
	r = integrity(dst, db_path, e);
out:
	if (dst)
		sqlite3_close_v2(dst);
	run(src, "COMMIT");
	sqlite3_close_v2(src);
	return r;
}
