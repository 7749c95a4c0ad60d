/* walvfs.c — SQLite's default VFS with a WAL file's writes gathered into one call per commit
 * (walvfs.h says why and what is guaranteed).
 *
 * How a commit is known to be over: SQLite publishes a commit's frames to readers by writing
 * the WAL index header twice around a memory barrier, and that barrier is a call of the
 * database file's xShmBarrier on the committing thread. So the database file is wrapped too,
 * and its xShmBarrier first writes what this thread's WAL file holds. Each connection of the
 * store lives on one thread (store.c), so "this thread's WAL file" is the connection's own.
 * Before the barrier a reader sees either the old index header or two that differ (and reads
 * the old snapshot or tries again), never the new frames. */
#include "store/walvfs.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum {
	FRAME_HEADER = 24, /* a WAL frame's header: bytes 4–7 are the database's size after a commit */
	HOLD_FIRST = 256 << 10, /* the first buffer: a group commit of a few cases is 30–40 frames */
	HOLD_MAX = 8 << 20,     /* held at most; a longer run of writes is written as it comes */
	/* The unix VFS writes at most 128 kB - 1 in one call (it masks the length with 0x1ffff and
	 * reports a short write as a full disk): held bytes go out in pieces of 124 kB. */
	WRITE_MAX = 124 << 10,
};

typedef struct {
	sqlite3_file base;  /* pMethods: &wal_methods or &db_methods */
	sqlite3_file *real; /* the default VFS's file, in the same allocation, after this struct */
	/* WAL files only: bytes written by SQLite and not yet by us, for file offset off.. */
	unsigned char *buf;
	size_t len, cap;
	sqlite3_int64 off;
	bool commit_next; /* the last write was a commit frame's header: its page comes next */
} gz_file;

static sqlite3_vfs *base;
static sqlite3_vfs vfs;
static sqlite3_io_methods wal_methods, db_methods;
/* The WAL file of this thread's connection holding bytes, if any. */
static _Thread_local gz_file *held;

static int hold_write(gz_file *f)
{
	if (held == f)
		held = NULL;
	if (!f->len)
		return SQLITE_OK;
	size_t len = f->len;
	f->len = 0; /* on an error too: SQLite fails the commit and writes those frames again */
	int rc = SQLITE_OK;
	for (size_t done = 0; done < len && rc == SQLITE_OK; done += WRITE_MAX) {
		size_t n = len - done < WRITE_MAX ? len - done : WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n, f->off + (sqlite3_int64)done);
	}
	return rc;
}

/* --- the WAL file ------------------------------------------------------------------------ */

/* Held until the page of a commit frame is in (the commit's last frame: written here, so that a
 * failure fails the commit), or until something else needs the file as it is. */
static int wal_write(sqlite3_file *pf, const void *data, int n, sqlite3_int64 ofs)
{
	gz_file *f = (gz_file *)pf;
	size_t un = (size_t)n;
	const unsigned char *b = data;
	bool commit_page = f->commit_next;
	f->commit_next = n == FRAME_HEADER && (b[4] | b[5] | b[6] | b[7]) != 0;
	bool follows = f->len && ofs == f->off + (sqlite3_int64)f->len;
	if (!follows || f->len + un > HOLD_MAX) {
		int rc = hold_write(f);
		if (rc != SQLITE_OK)
			return rc;
		f->off = ofs;
	}
	if (f->len + un > f->cap) {
		size_t cap = f->cap ? f->cap : HOLD_FIRST;
		while (cap < f->len + un)
			cap *= 2;
		unsigned char *nb = cap <= HOLD_MAX ? realloc(f->buf, cap) : NULL;
		if (!nb) { /* too long a run, or no memory: write it as it comes */
			int rc = hold_write(f);
			return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, n, ofs);
		}
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, un);
	f->len += un;
	if (held && held != f) { /* another file of this thread holds bytes: not the store's way */
		int rc = hold_write(held);
		if (rc != SQLITE_OK)
			return rc;
	}
	held = f;
	return commit_page ? hold_write(f) : SQLITE_OK;
}

static int wal_read(sqlite3_file *pf, void *out, int n, sqlite3_int64 ofs)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, ofs);
}

static int wal_close(sqlite3_file *pf)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

static int wal_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *pf, int flags)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wal_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wal_control(sqlite3_file *pf, int op, void *arg)
{
	gz_file *f = (gz_file *)pf;
	int rc = hold_write(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

/* --- calls passed through (the database file, and the rest of the WAL file's) -------------- */

#define REAL(pf) (((gz_file *)(pf))->real)

static int pass_close(sqlite3_file *pf)
{
	return REAL(pf)->pMethods->xClose(REAL(pf));
}
static int pass_read(sqlite3_file *pf, void *out, int n, sqlite3_int64 ofs)
{
	return REAL(pf)->pMethods->xRead(REAL(pf), out, n, ofs);
}
static int pass_write(sqlite3_file *pf, const void *data, int n, sqlite3_int64 ofs)
{
	return REAL(pf)->pMethods->xWrite(REAL(pf), data, n, ofs);
}
static int pass_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	return REAL(pf)->pMethods->xTruncate(REAL(pf), size);
}
static int pass_sync(sqlite3_file *pf, int flags)
{
	return REAL(pf)->pMethods->xSync(REAL(pf), flags);
}
static int pass_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	return REAL(pf)->pMethods->xFileSize(REAL(pf), size);
}
static int pass_lock(sqlite3_file *pf, int level)
{
	return REAL(pf)->pMethods->xLock(REAL(pf), level);
}
static int pass_unlock(sqlite3_file *pf, int level)
{
	return REAL(pf)->pMethods->xUnlock(REAL(pf), level);
}
static int pass_reserved(sqlite3_file *pf, int *out)
{
	return REAL(pf)->pMethods->xCheckReservedLock(REAL(pf), out);
}
static int pass_control(sqlite3_file *pf, int op, void *arg)
{
	return REAL(pf)->pMethods->xFileControl(REAL(pf), op, arg);
}
static int pass_sector(sqlite3_file *pf)
{
	return REAL(pf)->pMethods->xSectorSize(REAL(pf));
}
static int pass_device(sqlite3_file *pf)
{
	return REAL(pf)->pMethods->xDeviceCharacteristics(REAL(pf));
}
static int pass_shm_map(sqlite3_file *pf, int page, int size, int extend, void volatile **out)
{
	return REAL(pf)->pMethods->xShmMap(REAL(pf), page, size, extend, out);
}
static int pass_shm_lock(sqlite3_file *pf, int ofs, int n, int flags)
{
	return REAL(pf)->pMethods->xShmLock(REAL(pf), ofs, n, flags);
}
static int pass_shm_unmap(sqlite3_file *pf, int del)
{
	return REAL(pf)->pMethods->xShmUnmap(REAL(pf), del);
}
static int pass_fetch(sqlite3_file *pf, sqlite3_int64 ofs, int n, void **out)
{
	return REAL(pf)->pMethods->xFetch(REAL(pf), ofs, n, out);
}
static int pass_unfetch(sqlite3_file *pf, sqlite3_int64 ofs, void *p)
{
	return REAL(pf)->pMethods->xUnfetch(REAL(pf), ofs, p);
}

/* The database file's barrier: SQLite may be about to publish what this thread wrote to its WAL
 * (a commit's index header). Normally nothing is held here any more — the commit frame's page
 * wrote it — but a commit that rewrote frame checksums after its last frame leaves those
 * headers. A failure here cannot be returned: publishing frames that are not in the file would
 * let readers read pages that are not there, so the process stops instead (the commit was not
 * acknowledged; recovery at the next open ends the log before it). */
static void db_shm_barrier(sqlite3_file *pf)
{
	if (held && hold_write(held) != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "cannot write the WAL before publishing a commit: stopping");
		abort();
	}
	REAL(pf)->pMethods->xShmBarrier(REAL(pf));
}

/* --- the VFS ----------------------------------------------------------------------------- */

static int gz_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *pf, int flags, int *out_flags)
{
	(void)v;
	if (!(flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_DB)))
		return base->xOpen(base, name, pf, flags, out_flags); /* journals, temporary files */
	gz_file *f = (gz_file *)pf;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	int rc = base->xOpen(base, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		/* A failed open may still have set methods that must close it (SQLite's rule). */
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		f->base.pMethods = NULL;
		return rc;
	}
	if (f->real->pMethods->iVersion < 3) { /* not the file methods this was written for */
		f->real->pMethods->xClose(f->real);
		return base->xOpen(base, name, pf, flags, out_flags);
	}
	f->base.pMethods = flags & SQLITE_OPEN_WAL ? &wal_methods : &db_methods;
	return SQLITE_OK;
}

static int gz_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return base->xDelete(base, name, sync_dir);
}
static int gz_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return base->xAccess(base, name, flags, out);
}
static int gz_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return base->xFullPathname(base, name, n, out);
}
static int gz_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base->xRandomness(base, n, out);
}
static int gz_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return base->xSleep(base, us);
}
static int gz_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return base->xCurrentTime(base, out);
}
static int gz_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base->xGetLastError(base, n, out);
}
static int gz_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return base->xCurrentTimeInt64(base, out);
}

int store_walvfs_register(void)
{
	base = sqlite3_vfs_find(NULL);
	if (!base)
		return SQLITE_ERROR;
	if (base->iVersion < 2 || !base->xCurrentTimeInt64)
		return SQLITE_MISUSE; /* not the unix VFS this was written for: keep it as it is */
	vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(gz_file) + base->szOsFile,
		.mxPathname = base->mxPathname,
		.zName = "gongzhi",
		.xOpen = gz_open,
		.xDelete = gz_delete,
		.xAccess = gz_access,
		.xFullPathname = gz_full_pathname,
		/* No extensions are loaded: these are the default VFS's own, never called here. */
		.xDlOpen = base->xDlOpen,
		.xDlError = base->xDlError,
		.xDlSym = base->xDlSym,
		.xDlClose = base->xDlClose,
		.xRandomness = gz_randomness,
		.xSleep = gz_sleep,
		.xCurrentTime = gz_current_time,
		.xGetLastError = gz_last_error,
		.xCurrentTimeInt64 = gz_current_time64,
	};
	const sqlite3_io_methods pass = {
		.iVersion = 3,
		.xClose = pass_close,
		.xRead = pass_read,
		.xWrite = pass_write,
		.xTruncate = pass_truncate,
		.xSync = pass_sync,
		.xFileSize = pass_size,
		.xLock = pass_lock,
		.xUnlock = pass_unlock,
		.xCheckReservedLock = pass_reserved,
		.xFileControl = pass_control,
		.xSectorSize = pass_sector,
		.xDeviceCharacteristics = pass_device,
		.xShmMap = pass_shm_map,
		.xShmLock = pass_shm_lock,
		.xShmBarrier = db_shm_barrier,
		.xShmUnmap = pass_shm_unmap,
		.xFetch = pass_fetch,
		.xUnfetch = pass_unfetch,
	};
	db_methods = pass;
	wal_methods = pass;
	wal_methods.xClose = wal_close;
	wal_methods.xRead = wal_read;
	wal_methods.xWrite = wal_write;
	wal_methods.xTruncate = wal_truncate;
	wal_methods.xSync = wal_sync;
	wal_methods.xFileSize = wal_size;
	wal_methods.xFileControl = wal_control;
	return sqlite3_vfs_register(&vfs, 1);
}
