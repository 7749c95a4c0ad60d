/* store.c — SQLite backend of the store interface: per-thread connections, statement cache,
 * serialised writes, migrations. */
#include "store/store.h"
#include "store/walvfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/secret.h"
#include "core/util.h"

enum {
	BUSY_TIMEOUT_MS = 10000,  /* cross-process wait for SQLite's lock */
	WRITE_LOCK_WAIT_S = 10,   /* in-process wait for the write lock */
	BATCH_MAX = 256,
	CKPT_FRAMES = 32000,  /* WAL pages (128 MB) after which the checkpointer copies them back */
	TAIL_WAIT_MS = 20,    /* how long the writer waits for readers to restart the log */
	TAIL_FRAMES = 1000,   /* the checkpointer's rounds go on while one copies more frames than this */
	TAIL_ROUNDS = 6,      /* … at most this many rounds before leaving the rest to the writer */
	SYNC_WINDOW_MS = 100, /* STORE_SYNC_WINDOW: the longest an acknowledged commit stays unsynced */
};

struct cached {
	const char *sql;
	sqlite3_stmt *st;
};

/* Statements whose SQL was built at run time (store_stmt_text), cached by their text. */
enum { TEXT_CACHE = 64 };
struct cached_text {
	char *sql; /* owned copy */
	uint64_t hash;
	sqlite3_stmt *st;
	uint64_t used; /* when last handed out, for eviction */
};

/* Records a write transaction left for its end (store_defer), one buffer per kind: each record
 * is a size_t length followed by its bytes, padded to 8 bytes. */
enum { DEFER_KINDS = 8 };
struct deferred {
	const store_deferral *kind;
	unsigned char *buf;
	size_t len, cap, n;
};

struct conn {
	store *owner;
	sqlite3 *db;
	struct cached *cache;
	size_t ncache, capcache;
	struct cached_text text[TEXT_CACHE];
	size_t ntext;
	uint64_t text_clock;
	bool in_write;
	struct deferred defer[DEFER_KINDS];
	int ndefer;
	struct conn *prev, *next;
};

/* Where each kind's records stood when a job began, to drop only that job's on its failure. */
struct defer_mark {
	size_t len[DEFER_KINDS], n[DEFER_KINDS];
	int ndefer;
};

struct write_job {
	store_write_fn fn;
	void *ctx;
	gz_error *e;
	gz_err rc;
	bool done;
	store_done_fn on_done; /* submitted jobs: called after the commit, then the job is freed */
	void *done_ctx;
	struct write_job *next;
};

struct store {
	char *path;
	/* group writer */
	pthread_t writer;
	bool writer_running, writer_stop;
	pthread_mutex_t q_mu;
	pthread_cond_t q_cv, done_cv;
	struct write_job *q_head, *q_tail;
	pthread_key_t key;
	pthread_mutex_t conns_mu; /* guards the list of connections */
	struct conn *conns;
	pthread_mutex_t write_mu; /* one writer at a time inside the process */
	/* checkpointer: copies the WAL into the database beside the writer instead of inside
	 * the commit that crossed the threshold */
	pthread_t ckpt;
	bool ckpt_running, ckpt_stop, ckpt_wanted;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	atomic_uint ckpt_passes; /* passes the checkpointer finished */
	/* the writer's own view of the WAL (writer thread only) */
	int ckpt_frames;          /* WAL pages after which a pass is asked for (CKPT_FRAMES) */
	int wal_frames;           /* frames in the WAL after the last commit */
	int ckpt_next;            /* frames at which the next pass is asked for */
	bool ckpt_asked;          /* a pass was asked for and the log not yet restarted */
	unsigned ckpt_asked_pass; /* ckpt_passes when it was asked */
	/* durability: every commit synced, or commits synced by the checkpointer thread at most
	 * SYNC_WINDOW_MS after they were acknowledged */
	store_sync sync;
	atomic_uint commits, synced; /* commits of the writer; how many of them the last sync covered */
	uint64_t uid; /* store_uid */
};

static void defer_drop(struct conn *c, const struct defer_mark *m);

static const char *sync_pragma(store_sync mode)
{
	return mode == STORE_SYNC_WINDOW ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL";
}

static void conn_close(struct conn *c)
{
	for (int i = 0; i < DEFER_KINDS; i++)
		free(c->defer[i].buf);
	for (size_t i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	for (size_t i = 0; i < c->ntext; i++) {
		sqlite3_finalize(c->text[i].st);
		free(c->text[i].sql);
	}
	free(c->cache);
	sqlite3_close_v2(c->db);
	free(c);
}

static void conn_unlink(store *s, struct conn *c)
{
	pthread_mutex_lock(&s->conns_mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&s->conns_mu);
}

static void conn_thread_exit(void *p)
{
	struct conn *c = p;
	if (c->in_write) {
		defer_drop(c, NULL);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		pthread_mutex_unlock(&c->owner->write_mu);
	}
	conn_unlink(c->owner, c);
	conn_close(c);
}

/* gz_time(seconds): the time as gz_time_rfc3339 writes it, NULL for NULL. Rendering lists in
 * SQL with strftime cost a county's 20-row page a tenth of its time. */
static void sql_gz_time(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	char b[40];
	gz_time_rfc3339(sqlite3_value_int64(argv[0]), b, sizeof b);
	sqlite3_result_text(cx, b, -1, SQLITE_TRANSIENT);
}

static struct conn *conn_get(store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	if (c)
		return c;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->owner = s;
	int rc = sqlite3_open_v2(s->path, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "cannot open database \"%s\": %s", s->path,
		       c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	/* WAL lets readers run beside the one writer. synchronous=FULL: a commit returns once its
	 * frames are on disk, power cut or not; NORMAL (STORE_SYNC_WINDOW): once they are in the
	 * operating system's cache, which a killed process cannot lose, and the checkpointer thread
	 * syncs them within SYNC_WINDOW_MS. The map covers a county's database (SQLite caps it at
	 * 2 GB): B-tree pages are read in place, not copied by pread into each connection's cache. */
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA temp_store=MEMORY;"
		"PRAGMA cache_size=-32000;"
		"PRAGMA mmap_size=2147418112;";
	char *err = NULL;
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(c->db, sync_pragma(s->sync), NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_create_function_v2(c->db, "gz_time", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       sql_gz_time, NULL, NULL, NULL) != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "cannot configure database \"%s\": %s", s->path, err ? err : "?");
		sqlite3_free(err);
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	pthread_setspecific(s->key, c);
	pthread_mutex_lock(&s->conns_mu);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	pthread_mutex_unlock(&s->conns_mu);
	return c;
}

/* SQLite counts every allocation under one process-wide mutex unless told not to: with four
 * workers reading lists that lock and its futex waits were a tenth of a list's time. Must run
 * before SQLite initialises (otherwise SQLITE_MISUSE, and it keeps counting: harmless). */
static void sqlite_config_once(void)
{
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		gz_log(GZ_LOG_WARN, "sqlite: allocation statistics stay on (initialised before the store)");
	/* A commit's WAL frames in one write (walvfs.h); without it they are written one by one. */
	int rc = store_walvfs_register();
	if (rc != SQLITE_OK)
		gz_log(GZ_LOG_WARN, "sqlite: the WAL's writes are not gathered: %s", sqlite3_errstr(rc));
}

gz_err store_open(store **out, const char *path, gz_error *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_config_once);
	store *s = calloc(1, sizeof *s);
	if (!s)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory opening the store");
	static atomic_uint_fast64_t uids;
	s->uid = atomic_fetch_add(&uids, 1) + 1;
	s->path = strdup(path);
	if (!s->path) {
		free(s);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory opening the store");
	}
	pthread_key_create(&s->key, conn_thread_exit);
	pthread_mutex_init(&s->conns_mu, NULL);
	pthread_mutex_init(&s->write_mu, NULL);
	pthread_mutex_init(&s->q_mu, NULL);
	pthread_cond_init(&s->q_cv, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	if (!conn_get(s)) {
		store_close(s);
		return gz_fail(e, GZ_E_IO, NULL, "cannot open database \"%s\"", path);
	}
	gz_err rc = store_exec(s,
			       "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
			       "CREATE TABLE IF NOT EXISTS schema_migrations("
			       " module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
			       " applied_at INTEGER NOT NULL, PRIMARY KEY(module, version));",
			       e);
	if (rc) {
		store_close(s);
		return rc;
	}
	*out = s;
	return GZ_OK;
}

void store_close(store *s)
{
	if (!s)
		return;
	struct conn *mine = pthread_getspecific(s->key);
	if (mine)
		pthread_setspecific(s->key, NULL);
	pthread_mutex_lock(&s->conns_mu);
	struct conn *c = s->conns;
	s->conns = NULL;
	pthread_mutex_unlock(&s->conns_mu);
	/* Connections of threads that already ended were closed by the key destructor. */
	while (c) {
		struct conn *n = c->next;
		conn_close(c);
		c = n;
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->conns_mu);
	pthread_mutex_destroy(&s->write_mu);
	pthread_mutex_destroy(&s->q_mu);
	pthread_cond_destroy(&s->q_cv);
	pthread_cond_destroy(&s->done_cv);
	pthread_mutex_destroy(&s->ckpt_mu);
	pthread_cond_destroy(&s->ckpt_cv);
	free(s->path);
	free(s);
}

void store_set_sync(store *s, store_sync mode)
{
	s->sync = mode;
	struct conn *c = conn_get(s); /* connections of other threads open with it */
	if (c)
		sqlite3_exec(c->db, sync_pragma(mode), NULL, NULL, NULL);
}

void store_set_checkpoint_pages(store *s, int pages)
{
	s->ckpt_frames = pages > 0 ? pages : CKPT_FRAMES;
}

unsigned store_unsynced(store *s)
{
	return atomic_load(&s->commits) - atomic_load(&s->synced);
}

const char *store_path(const store *s)
{
	return s->path;
}

sqlite3 *store_db(store *s)
{
	struct conn *c = conn_get(s);
	return c ? c->db : NULL;
}

sqlite3_stmt *store_stmt(store *s, const char *sql)
{
	struct conn *c = conn_get(s);
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->ncache; i++) {
		if (c->cache[i].sql == sql) {
			sqlite3_stmt *st = c->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "cannot prepare statement: %s: %.120s", sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->ncache == c->capcache) {
		size_t cap = c->capcache ? c->capcache * 2 : 32;
		struct cached *n = realloc(c->cache, cap * sizeof *n);
		if (!n) {
			sqlite3_finalize(st);
			return NULL;
		}
		c->cache = n;
		c->capcache = cap;
	}
	c->cache[c->ncache].sql = sql;
	c->cache[c->ncache].st = st;
	c->ncache++;
	return st;
}

/* The cache key of a statement's text, read 8 bytes at a time: FNV-1a byte by byte took 5 µs
 * for a list's 4 kB of SQL, a thirtieth of the whole request. Equal hashes are compared in
 * full, so a collision costs a comparison, never a wrong statement. */
static uint64_t text_hash(const char *sql, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, sql + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, sql + i, n - i);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

sqlite3_stmt *store_stmt_text(store *s, const char *sql)
{
	struct conn *c = conn_get(s);
	if (!c)
		return NULL;
	size_t len = strlen(sql);
	uint64_t h = text_hash(sql, len);
	for (size_t i = 0; i < c->ntext; i++) {
		struct cached_text *t = &c->text[i];
		if (t->hash == h && !memcmp(t->sql, sql, len + 1)) {
			t->used = ++c->text_clock;
			sqlite3_reset(t->st);
			sqlite3_clear_bindings(t->st);
			return t->st;
		}
	}
	/* A free slot, or the least recently used statement that is not stepping. */
	struct cached_text *slot = NULL;
	if (c->ntext < TEXT_CACHE) {
		slot = &c->text[c->ntext];
	} else {
		for (size_t i = 0; i < c->ntext; i++)
			if (!sqlite3_stmt_busy(c->text[i].st) && (!slot || c->text[i].used < slot->used))
				slot = &c->text[i];
		if (!slot) {
			gz_log(GZ_LOG_ERROR, "every cached statement of this connection is stepping: %.120s", sql);
			return NULL;
		}
	}
	char *copy = strdup(sql);
	sqlite3_stmt *st = NULL;
	int rc = copy ? sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) : SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "cannot prepare statement: %s: %.120s", sqlite3_errmsg(c->db), sql);
		free(copy);
		return NULL;
	}
	if (slot == &c->text[c->ntext])
		c->ntext++;
	else {
		sqlite3_finalize(slot->st);
		free(slot->sql);
	}
	*slot = (struct cached_text){copy, h, st, ++c->text_clock};
	return st;
}

void store_reset_all(store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c)
		return;
	for (size_t i = 0; i < c->ncache; i++)
		sqlite3_reset(c->cache[i].st);
	for (size_t i = 0; i < c->ntext; i++)
		sqlite3_reset(c->text[i].st);
}

gz_err store_page(store *s, sqlite3_stmt *st, size_t size, int limit,
		  void (*from_row)(sqlite3_stmt *st, void *record, void *arg), void *arg, void **rows, int *n, bool *more,
		  const char *what, gz_error *e)
{
	*rows = NULL;
	*n = 0;
	*more = false;
	unsigned char *buf = malloc(size * (size_t)(limit > 0 ? limit : 1));
	if (!buf) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory listing %s", what);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == limit) {
			*more = true;
			break;
		}
		from_row(st, buf + size * (size_t)(*n)++, arg);
	}
	sqlite3_reset(st);
	*rows = buf;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, rc, e, what);
	return GZ_OK;
}

int store_bind_range(sqlite3_stmt *st, int lo_idx, const gz_range *r)
{
	int rc = sqlite3_bind_text(st, lo_idx, r->lo, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, lo_idx + 1, r->hi, -1, SQLITE_TRANSIENT);
	return rc;
}

int store_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *store_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

gz_err store_fail(store *s, int rc, gz_error *e, const char *what)
{
	sqlite3 *db = store_db(s);
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int prim = rc & 0xff;
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return gz_fail(e, GZ_E_UNAVAILABLE, NULL, "database busy while %s", what);
	if (prim == SQLITE_CONSTRAINT)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "%s conflicts with existing data: %s", what, msg);
	gz_log(GZ_LOG_ERROR, "database error while %s: %s", what, msg);
	return gz_fail(e, GZ_E_INTERNAL, NULL, "database error while %s", what);
}

gz_err store_exec(store *s, const char *sql, gz_error *e)
{
	sqlite3 *db = store_db(s);
	if (!db)
		return gz_fail(e, GZ_E_IO, NULL, "cannot open database \"%s\"", s->path);
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		gz_log(GZ_LOG_ERROR, "sql failed: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return store_fail(s, rc, e, "executing sql");
	}
	return GZ_OK;
}

/* Run a cached statement without results (BEGIN IMMEDIATE, COMMIT of every write): sqlite3_exec
 * parsed the text each time, and its parser's allocation made glibc consolidate its free lists —
 * together a twentieth of the writer's time. SQLITE_OK or the error. */
static int step_cached(store *s, const char *sql)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return SQLITE_ERROR;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

gz_err store_write_begin(store *s, gz_error *e)
{
	struct conn *c = conn_get(s);
	if (!c)
		return gz_fail(e, GZ_E_IO, NULL, "cannot open database \"%s\"", s->path);
	if (c->in_write)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "write transaction already open");
	/* A read snapshot held by this thread would turn BEGIN IMMEDIATE into an error: a write
	 * starts from the newest state anyway. */
	store_read_end(s);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WRITE_LOCK_WAIT_S;
	int lr = pthread_mutex_timedlock(&s->write_mu, &until);
	if (lr == ETIMEDOUT)
		return gz_fail(e, GZ_E_UNAVAILABLE, NULL, "database busy: waited %d s for the write lock",
			       WRITE_LOCK_WAIT_S);
	if (lr != 0)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot take the write lock");
	int rc = step_cached(s, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK) {
		pthread_mutex_unlock(&s->write_mu);
		return store_fail(s, rc, e, "beginning a write");
	}
	c->in_write = true;
	return GZ_OK;
}

static void defer_drop(struct conn *c, const struct defer_mark *m)
{
	for (int i = 0; i < c->ndefer; i++) {
		c->defer[i].len = m && i < m->ndefer ? m->len[i] : 0;
		c->defer[i].n = m && i < m->ndefer ? m->n[i] : 0;
	}
}

static void defer_mark_of(const struct conn *c, struct defer_mark *m)
{
	m->ndefer = c->ndefer;
	for (int i = 0; i < c->ndefer; i++) {
		m->len[i] = c->defer[i].len;
		m->n[i] = c->defer[i].n;
	}
}

/* Hand every kind's records to its flush, in the order the kinds were first deferred. */
static gz_err defer_flush(store *s, struct conn *c, gz_error *e)
{
	gz_err rc = GZ_OK;
	for (int i = 0; i < c->ndefer && !rc; i++) {
		struct deferred *d = &c->defer[i];
		if (!d->n)
			continue;
		const void **recs = malloc(d->n * sizeof *recs);
		size_t *lens = malloc(d->n * sizeof *lens);
		if (!recs || !lens) {
			rc = gz_fail(e, GZ_E_NOMEM, NULL, "out of memory writing %s", d->kind->name);
		} else {
			size_t k = 0;
			for (size_t off = 0; off < d->len && k < d->n; k++) {
				memcpy(&lens[k], d->buf + off, sizeof(size_t));
				recs[k] = d->buf + off + sizeof(size_t);
				off += sizeof(size_t) + ((lens[k] + 7) & ~(size_t)7);
			}
			rc = d->kind->flush(s, recs, lens, k, e);
		}
		free(recs);
		free(lens);
	}
	defer_drop(c, NULL);
	return rc;
}

gz_err store_defer(store *s, const store_deferral *kind, const void *rec, size_t len, gz_error *e)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c || !c->in_write)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "%s deferred outside a write transaction", kind->name);
	struct deferred *d = NULL;
	for (int i = 0; i < c->ndefer && !d; i++)
		if (c->defer[i].kind == kind)
			d = &c->defer[i];
	if (!d) {
		if (c->ndefer == DEFER_KINDS)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "too many kinds of deferred writes (%s)", kind->name);
		d = &c->defer[c->ndefer++];
		d->kind = kind;
		d->len = d->n = 0;
	}
	size_t need = sizeof(size_t) + ((len + 7) & ~(size_t)7);
	if (d->len + need > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + need)
			cap *= 2;
		unsigned char *nb = realloc(d->buf, cap);
		if (!nb)
			return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory deferring %s", kind->name);
		d->buf = nb;
		d->cap = cap;
	}
	memcpy(d->buf + d->len, &len, sizeof len);
	memcpy(d->buf + d->len + sizeof len, rec, len);
	d->len += need;
	d->n++;
	return GZ_OK;
}

gz_err store_write_commit(store *s, gz_error *e)
{
	struct conn *c = conn_get(s);
	if (!c || !c->in_write)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "commit without a write transaction");
	gz_err out = defer_flush(s, c, e);
	/* Statements still stepping would keep the commit from completing cleanly. */
	store_reset_all(s);
	int rc = out ? SQLITE_ABORT : step_cached(s, "COMMIT");
	if (!out && rc != SQLITE_OK)
		out = store_fail(s, rc, e, "committing a write");
	if (out && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	else if (!out && s->sync == STORE_SYNC_WINDOW)
		atomic_fetch_add(&s->commits, 1); /* for the checkpointer's sync */
	c->in_write = false;
	pthread_mutex_unlock(&s->write_mu);
	return out;
}

void store_write_rollback(store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c || !c->in_write)
		return;
	defer_drop(c, NULL);
	store_reset_all(s);
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->in_write = false;
	pthread_mutex_unlock(&s->write_mu);
}

void store_read_begin(store *s)
{
	struct conn *c = conn_get(s);
	if (!c || c->in_write || !sqlite3_get_autocommit(c->db))
		return;
	sqlite3_stmt *st = store_stmt(s, "BEGIN");
	if (st)
		sqlite3_step(st);
}

void store_read_end(store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c || c->in_write || sqlite3_get_autocommit(c->db))
		return;
	store_reset_all(s);
	if (step_cached(s, "COMMIT") != SQLITE_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

uint32_t store_data_version(store *s)
{
	sqlite3 *db = store_db(s);
	unsigned int v = 0;
	if (db)
		sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	return v;
}

bool store_in_txn(store *s)
{
	sqlite3 *db = store_db(s);
	return db && !sqlite3_get_autocommit(db);
}

bool store_in_write(store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	return c && c->in_write;
}

gz_err store_migrate(store *s, const char *module, const store_migration *m, gz_error *e)
{
	for (; m->version; m++) {
		sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM schema_migrations WHERE module=?1 AND version=?2");
		if (!st)
			return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read schema_migrations");
		sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, m->version);
		int done = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (done)
			continue;
		gz_err rc = store_write_begin(s, e);
		if (rc)
			return rc;
		rc = store_exec(s, m->sql, e);
		if (!rc) {
			st = store_stmt(s, "INSERT INTO schema_migrations(module, version, name, applied_at)"
					   " VALUES(?1, ?2, ?3, ?4)");
			sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, m->version);
			sqlite3_bind_text(st, 3, m->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, gz_now());
			int sr = sqlite3_step(st);
			if (sr != SQLITE_DONE)
				rc = store_fail(s, sr, e, "recording a migration");
		}
		if (rc) {
			store_write_rollback(s);
			gz_log(GZ_LOG_ERROR, "migration %s/%d \"%s\" failed", module, m->version, m->name);
			return rc;
		}
		rc = store_write_commit(s, e);
		if (rc)
			return rc;
		gz_log(GZ_LOG_DEBUG, "applied migration %s/%d %s", module, m->version, m->name);
	}
	return GZ_OK;
}

uint64_t store_uid(const store *s)
{
	return s->uid;
}

bool store_meta_get(store *s, const char *key, char *out, size_t n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM meta WHERE key=?1");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(out, n, "%s", store_col_text(st, 0));
	sqlite3_reset(st);
	return found;
}

gz_err store_meta_set(store *s, const char *key, const char *value, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO meta(key, value) VALUES(?1, ?2)"
					 " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot write meta");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "writing meta");
}

void store_bulk_mode(store *s, bool on)
{
	/* A bulk load is still one transaction that is committed durably; a larger page cache
	 * only keeps the B-tree pages in memory while it grows. */
	if (on)
		store_exec(s, "PRAGMA cache_size=-262144", NULL);
	else
		store_exec(s, "PRAGMA cache_size=-32000", NULL);
}

/* --- group commit ----------------------------------------------------------------------- */

/* After each commit of the writer's connection (replaces its autocheckpoint). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	store *s = arg;
	if (frames < s->ckpt_next - s->ckpt_frames) /* the log started again from its beginning */
		s->ckpt_next = s->ckpt_frames;
	s->wal_frames = frames;
	if (!s->ckpt_asked && frames >= s->ckpt_next) {
		s->ckpt_asked = true;
		s->ckpt_asked_pass = atomic_load(&s->ckpt_passes);
		pthread_mutex_lock(&s->ckpt_mu);
		s->ckpt_wanted = true;
		pthread_cond_signal(&s->ckpt_cv);
		pthread_mutex_unlock(&s->ckpt_mu);
	}
	return SQLITE_OK;
}

/* The checkpointer copied the bulk of the WAL beside the writer; the writer copies the rest
 * between two batches and waits briefly for readers, so that its next commit starts the log
 * from its beginning. SQLite restarts the log only when a write begins with every frame copied
 * back: a writer that never pauses starved that, and the WAL grew by 150 MB a second under
 * load, to gigabytes, each page read searching a longer index of it. Busy readers: tried again
 * CKPT_FRAMES later. Writer thread only, outside a transaction. */
static void ckpt_tail(store *s, sqlite3 *db)
{
	if (!s->ckpt_asked || atomic_load(&s->ckpt_passes) == s->ckpt_asked_pass)
		return;
	int nlog = 0, nckpt = 0;
	sqlite3_busy_timeout(db, TAIL_WAIT_MS);
	int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, &nlog, &nckpt);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	s->ckpt_asked = false;
	if (rc == SQLITE_OK) {
		s->ckpt_next = s->ckpt_frames;
	} else {
		if (rc != SQLITE_BUSY)
			gz_log(GZ_LOG_WARN, "checkpoint of \"%s\" failed: %s", s->path, sqlite3_errmsg(db));
		s->ckpt_next = s->wal_frames + s->ckpt_frames;
	}
}

/* STORE_SYNC_WINDOW: make every commit acknowledged so far durable. fdatasync through a
 * descriptor of our own flushes the file's pages whoever wrote them (the writer's connection
 * keeps its own). */
static void wal_sync(store *s)
{
	unsigned upto = atomic_load(&s->commits);
	if (upto == atomic_load(&s->synced))
		return;
	char path[4096];
	snprintf(path, sizeof path, "%s-wal", s->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT) /* no WAL: the last connection closed and copied it back */
			gz_log(GZ_LOG_WARN, "cannot open \"%s\" to sync it: %s", path, strerror(errno));
		return;
	}
	if (fdatasync(fd) == 0)
		atomic_store(&s->synced, upto);
	else
		gz_log(GZ_LOG_ERROR, "cannot sync \"%s\": %s", path, strerror(errno));
	close(fd);
}

/* One PASSIVE checkpoint: copy what no reader still needs, never wait for the writer or readers.
 * *log: the frames the log held when it began; *done: how many of them are copied now. False on
 * an error (logged) or when another checkpoint held the log (SQLITE_BUSY: the writer's tail). */
static bool ckpt_passive(store *s, sqlite3 *db, int *log, int *done)
{
	int rc = db ? sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, log, done) : SQLITE_ERROR;
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		gz_log(GZ_LOG_WARN, "checkpoint of \"%s\" failed: %s", s->path, db ? sqlite3_errmsg(db) : "no connection");
	return rc == SQLITE_OK;
}

/* Sync the database file through the connection's own file (closing a descriptor of our own
 * would drop the process's locks on it). */
static void db_sync(store *s, sqlite3 *db)
{
	sqlite3_file *f = NULL;
	if (db && sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK && f && f->pMethods &&
	    f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) != SQLITE_OK)
		gz_log(GZ_LOG_WARN, "cannot sync \"%s\" after a checkpoint", s->path);
}

/* The checkpointer's work once the log is long, before the writer copies the rest (ckpt_tail)
 * with every write held meanwhile. That tail syncs the log written since its last sync and every
 * database page copied since the database's last sync — SQLite syncs the database only when a
 * checkpoint reaches the end of the log, never here with the writer ahead — so left to it, that
 * was every page of the whole pass: 60–100 ms with every write held, several times a second at a
 * million cases. So after the pass come rounds of: sync the log and the database, copy what the
 * writer added meanwhile; until a round copies little, which is then all the tail has to sync
 * besides its own copy. */
static void ckpt_passes_run(store *s, sqlite3 *db)
{
	int log = 0, done = 0;
	if (!ckpt_passive(s, db, &log, &done))
		return;
	for (int round = 0; round < TAIL_ROUNDS; round++) {
		if (s->sync == STORE_SYNC_WINDOW)
			wal_sync(s);
		db_sync(s, db);
		int before = done;
		if (!ckpt_passive(s, db, &log, &done))
			return;
		int copied = done >= before ? done - before : done; /* the log started again: all new */
		if (copied <= TAIL_FRAMES)
			return;
	}
}

static void *ckpt_main(void *arg)
{
	store *s = arg;
	pthread_setname_np(pthread_self(), "gz-checkpoint");
	pthread_mutex_lock(&s->ckpt_mu);
	for (;;) {
		if (s->sync == STORE_SYNC_WINDOW) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += SYNC_WINDOW_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!s->ckpt_wanted && !s->ckpt_stop)
				if (pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &until) == ETIMEDOUT)
					break;
		} else {
			while (!s->ckpt_wanted && !s->ckpt_stop)
				pthread_cond_wait(&s->ckpt_cv, &s->ckpt_mu);
		}
		bool stop = s->ckpt_stop, wanted = s->ckpt_wanted;
		s->ckpt_wanted = false;
		pthread_mutex_unlock(&s->ckpt_mu);
		if (s->sync == STORE_SYNC_WINDOW)
			wal_sync(s);
		if (stop) {
			pthread_mutex_lock(&s->ckpt_mu);
			break;
		}
		if (wanted) {
			ckpt_passes_run(s, store_db(s));
			atomic_fetch_add(&s->ckpt_passes, 1);
		}
		pthread_mutex_lock(&s->ckpt_mu);
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	return NULL;
}

static gz_err run_direct(store *s, store_write_fn fn, void *ctx, gz_error *e)
{
	gz_err rc = store_write_begin(s, e);
	if (rc)
		return rc;
	rc = fn(s, ctx, e);
	store_reset_all(s);
	if (rc) {
		store_write_rollback(s);
		return rc;
	}
	return store_write_commit(s, e);
}

/* Savepoint statements are literals, so the writer prepares each once (store_stmt). */
static void savepoint(store *s, const char *sql)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

static void run_batch(store *s, struct write_job *batch)
{
	gz_error begin_err = {0};
	gz_err brc = store_write_begin(s, &begin_err);
	sqlite3 *db = store_db(s);
	struct conn *wc = conn_get(s);
	bool any_ok = false;
	for (struct write_job *j = batch; j; j = j->next) {
		if (brc) {
			j->rc = brc;
			if (j->e)
				*j->e = begin_err;
			continue;
		}
		struct defer_mark mark;
		defer_mark_of(wc, &mark);
		savepoint(s, "SAVEPOINT job");
		j->rc = j->fn(s, j->ctx, j->e);
		store_reset_all(s);
		if (sqlite3_get_autocommit(db)) {
			/* SQLite rolled the whole transaction back (disk full, I/O error): the jobs
			 * before this one are lost too, and none after it can run. */
			brc = gz_fail(&begin_err, GZ_E_INTERNAL, NULL, "write transaction aborted by the database");
			for (struct write_job *k = batch; k; k = k->next) {
				if (k == j->next)
					break;
				if (k->rc == GZ_OK) {
					k->rc = brc;
					if (k->e)
						*k->e = begin_err;
				}
			}
			store_write_rollback(s);
			continue;
		}
		if (j->rc) {
			savepoint(s, "ROLLBACK TO job");
			defer_drop(wc, &mark);
		} else
			any_ok = true;
		savepoint(s, "RELEASE job");
	}
	if (brc)
		return;
	gz_error commit_err = {0};
	gz_err crc = any_ok ? store_write_commit(s, &commit_err) : (store_write_rollback(s), GZ_OK);
	if (crc) {
		for (struct write_job *j = batch; j; j = j->next) {
			if (j->rc)
				continue;
			j->rc = crc;
			if (j->e)
				*j->e = commit_err;
		}
	}
}

static void *writer_main(void *arg)
{
	store *s = arg;
	pthread_setname_np(pthread_self(), "gz-writer");
	sqlite3 *db = store_db(s);
	if (db && s->ckpt_running)
		sqlite3_wal_hook(db, wal_hook, s);
	pthread_mutex_lock(&s->q_mu);
	for (;;) {
		while (!s->q_head && !s->writer_stop)
			pthread_cond_wait(&s->q_cv, &s->q_mu);
		if (!s->q_head && s->writer_stop)
			break;
		/* Take what is queued, up to a batch. */
		struct write_job *batch = s->q_head, *last = batch;
		int n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		s->q_head = last->next;
		if (!s->q_head)
			s->q_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->q_mu);

		run_batch(s, batch);

		/* Submitted jobs hear of their commit through their callback (outside the lock: it
		 * wakes a connection); waiting ones through the condition. (A notifier thread making
		 * those calls instead measured no faster: the writer saved what the other processor,
		 * as busy with the HTTP threads, then spent.) */
		struct write_job *waiting = NULL;
		for (struct write_job *j = batch, *next; j; j = next) {
			next = j->next;
			if (j->on_done) {
				j->on_done(j->done_ctx, j->rc);
				free(j);
			} else {
				j->next = waiting;
				waiting = j;
			}
		}
		pthread_mutex_lock(&s->q_mu);
		for (struct write_job *j = waiting; j; j = j->next)
			j->done = true;
		pthread_cond_broadcast(&s->done_cv);
		if (db && s->ckpt_running && s->ckpt_asked) {
			pthread_mutex_unlock(&s->q_mu);
			ckpt_tail(s, db);
			pthread_mutex_lock(&s->q_mu);
		}
	}
	pthread_mutex_unlock(&s->q_mu);
	return NULL;
}

static void ckpt_stop(store *s)
{
	if (!s->ckpt_running)
		return;
	pthread_mutex_lock(&s->ckpt_mu);
	s->ckpt_stop = true;
	pthread_cond_signal(&s->ckpt_cv);
	pthread_mutex_unlock(&s->ckpt_mu);
	pthread_join(s->ckpt, NULL);
	s->ckpt_running = false;
}

gz_err store_writer_start(store *s, gz_error *e)
{
	if (s->writer_running)
		return GZ_OK;
	s->writer_stop = false;
	s->ckpt_stop = false;
	/* A first pass at once: after a crash the log recovered at open is not yet copied back, and
	 * until it is every read searches its index. */
	s->ckpt_wanted = true;
	if (!s->ckpt_frames)
		s->ckpt_frames = CKPT_FRAMES;
	s->ckpt_next = s->ckpt_frames;
	s->ckpt_asked = false;
	/* Without the checkpointer the writer keeps SQLite's autocheckpoint, and nobody would sync
	 * a window: every commit is then synced itself (the writer's connection opens after this). */
	s->ckpt_running = pthread_create(&s->ckpt, NULL, ckpt_main, s) == 0;
	if (!s->ckpt_running && s->sync == STORE_SYNC_WINDOW) {
		gz_log(GZ_LOG_WARN, "no checkpointer thread: every commit of \"%s\" is synced", s->path);
		store_set_sync(s, STORE_SYNC_FULL);
	}
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		ckpt_stop(s);
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot start the writer thread");
	}
	s->writer_running = true;
	return GZ_OK;
}

void store_writer_stop(store *s)
{
	if (!s->writer_running)
		return;
	pthread_mutex_lock(&s->q_mu);
	s->writer_stop = true;
	pthread_cond_broadcast(&s->q_cv);
	pthread_mutex_unlock(&s->q_mu);
	pthread_join(s->writer, NULL);
	s->writer_running = false;
	ckpt_stop(s);
}

gz_err store_write_run(store *s, store_write_fn fn, void *ctx, gz_error *e)
{
	if (store_in_write(s)) /* already inside a job or a transaction of this thread */
		return fn(s, ctx, e);
	if (!s->writer_running || pthread_equal(pthread_self(), s->writer))
		return run_direct(s, fn, ctx, e);
	/* The writer needs the newest state; a snapshot held here would only delay checkpoints. */
	store_read_end(s);
	struct write_job job = {.fn = fn, .ctx = ctx, .e = e};
	pthread_mutex_lock(&s->q_mu);
	if (s->q_tail)
		s->q_tail->next = &job;
	else
		s->q_head = &job;
	s->q_tail = &job;
	pthread_cond_signal(&s->q_cv);
	while (!job.done)
		pthread_cond_wait(&s->done_cv, &s->q_mu);
	pthread_mutex_unlock(&s->q_mu);
	return job.rc;
}

void store_write_submit(store *s, store_write_fn fn, void *ctx, gz_error *e, store_done_fn done, void *done_ctx)
{
	struct write_job *job = s->writer_running && !store_in_write(s) ? calloc(1, sizeof *job) : NULL;
	if (!job) {
		/* No writer (the CLI), inside a job already, or out of memory: run it here. */
		done(done_ctx, store_write_run(s, fn, ctx, e));
		return;
	}
	store_read_end(s);
	*job = (struct write_job){.fn = fn, .ctx = ctx, .e = e, .on_done = done, .done_ctx = done_ctx};
	pthread_mutex_lock(&s->q_mu);
	if (s->writer_stop) { /* stopping: nobody would take it */
		pthread_mutex_unlock(&s->q_mu);
		free(job);
		done(done_ctx, run_direct(s, fn, ctx, e));
		return;
	}
	if (s->q_tail)
		s->q_tail->next = job;
	else
		s->q_head = job;
	s->q_tail = job;
	pthread_cond_signal(&s->q_cv);
	pthread_mutex_unlock(&s->q_mu);
}

void store_bind_sealed(sqlite3_stmt *st, int idx, const char *plain)
{
	if (!plain || !*plain) {
		sqlite3_bind_null(st, idx);
		return;
	}
	size_t n = strlen(plain);
	unsigned char box[256];
	if (n + SECRET_OVERHEAD > sizeof box) {
		sqlite3_bind_null(st, idx);
		return;
	}
	size_t len = secret_seal(plain, n, box);
	sqlite3_bind_blob(st, idx, box, (int)len, SQLITE_TRANSIENT);
}

void store_col_sealed(sqlite3_stmt *st, int col, char *out, size_t n)
{
	out[0] = '\0';
	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return;
	if (!secret_open(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), out, n))
		gz_strlcpy(out, "?", n); /* wrong key: never a crash, never garbage */
}

int64_t store_step_int(sqlite3_stmt *st)
{
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

gz_err store_checkpoint(store *s, bool truncate, gz_error *e)
{
	enum { WAIT_MS = 100, TRIES = 3 };
	sqlite3 *db = store_db(s);
	if (!db)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "no database connection for a checkpoint");
	if (!sqlite3_get_autocommit(db))
		return gz_fail(e, GZ_E_INTERNAL, NULL, "a checkpoint cannot run inside a transaction");
	/* TRUNCATE waits for the writer and the readers and holds new writers off while it runs: the
	 * wait is bounded here, and a busy checkpoint is tried again a few times, never for long. */
	sqlite3_busy_timeout(db, WAIT_MS);
	int rc = SQLITE_BUSY, nlog = -1, nckpt = -1;
	for (int i = 0; i < TRIES && rc == SQLITE_BUSY; i++) {
		if (i) {
			struct timespec ts = {0, 10 * 1000000L};
			nanosleep(&ts, NULL);
		}
		rc = sqlite3_wal_checkpoint_v2(db, NULL, truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, &nlog,
					       &nckpt);
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_BUSY)
		return gz_fail(e, GZ_E_UNAVAILABLE, NULL, "the checkpoint of \"%s\" waited too long", s->path);
	if (rc != SQLITE_OK)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "the checkpoint of \"%s\" failed: %s", s->path, sqlite3_errmsg(db));
	return GZ_OK;
}
