/* test_store.c — the store: migrations applied once, read snapshots, and the group writer
 * (many threads' writes batched into shared commits, a failing job undoing only itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "testkit.h"

struct fx {
	char *dir;
	store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tk_tmpdir();
	f->s = tk_store(f->dir);
	gz_error e = {0};
	assert_int_equal(store_exec(f->s, "CREATE TABLE t(id INTEGER PRIMARY KEY, who INTEGER, n INTEGER)", &e), GZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_writer_stop(f->s);
	store_close(f->s);
	tk_rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t count_rows(store *s, const char *sql)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

struct row {
	int who, n;
};

static gz_err insert_job(store *s, void *ctx, gz_error *e)
{
	struct row *r = ctx;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO t(who, n) VALUES(?1, ?2)");
	sqlite3_bind_int(st, 1, r->who);
	sqlite3_bind_int(st, 2, r->n);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, "inserting");
	/* Every seventh job changes its mind after writing: its row must not survive. */
	if (r->n % 7 == 3)
		return gz_fail(e, GZ_E_INVALID_VALUE, "n", "job %d refuses", r->n);
	return GZ_OK;
}

struct worker {
	store *s;
	int who, ok, refused;
};

static void *writer_client(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 40; i++) {
		struct row r = {w->who, i};
		gz_error e = {0};
		gz_err rc = store_write_run(w->s, insert_job, &r, &e);
		if (rc == GZ_OK)
			w->ok++;
		else if (rc == GZ_E_INVALID_VALUE && strstr(e.message, "refuses"))
			w->refused++;
	}
	return NULL;
}

static void group_writer_batches_and_isolates_failures(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	enum { N = 16 };
	pthread_t th[N];
	struct worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){f->s, i, 0, 0};
		pthread_create(&th[i], NULL, writer_client, &w[i]);
	}
	int ok = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
		refused += w[i].refused;
	}
	/* 40 jobs per thread; n = 3, 10, 17, 24, 31, 38 refuse. */
	assert_int_equal(refused, N * 6);
	assert_int_equal(ok, N * 34);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t"), N * 34);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE n % 7 = 3"), 0);
	/* Acknowledged means committed: a fresh connection sees every row. */
	store_writer_stop(f->s);
	char path[512];
	snprintf(path, sizeof path, "%s/gongzhi.db", f->dir);
	store *other;
	assert_int_equal(store_open(&other, path, &e), GZ_OK);
	assert_int_equal(count_rows(other, "SELECT count(*) FROM t"), N * 34);
	store_close(other);
}

static gz_err nested_job(store *s, void *ctx, gz_error *e)
{
	struct row inner = {99, 1};
	/* A job that calls another write function simply runs it in the same transaction. */
	gz_err rc = store_write_run(s, insert_job, &inner, e);
	if (rc)
		return rc;
	return insert_job(s, ctx, e);
}

static void direct_mode_and_nesting(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	struct row r = {98, 2};
	assert_int_equal(store_write_run(f->s, nested_job, &r, &e), GZ_OK);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who IN (98, 99)"), 2);
	struct row bad = {97, 3}; /* refuses: nothing of it stays */
	assert_int_equal(store_write_run(f->s, insert_job, &bad, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 97"), 0);
	assert_false(store_in_write(f->s));
}

/* Deferred records: summed at the end of the transaction into table sums(who, total). */
static int flushes, flush_fails_at = -1;

static gz_err sums_flush(store *s, const void *const *recs, const size_t *lens, size_t n, gz_error *e)
{
	flushes++;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO sums(who, total) VALUES(?1, ?2)"
					 " ON CONFLICT(who) DO UPDATE SET total = total + excluded.total");
	for (size_t i = 0; i < n; i++) {
		struct row r;
		assert_int_equal(lens[i], sizeof r);
		memcpy(&r, recs[i], sizeof r);
		if (r.n == flush_fails_at)
			return gz_fail(e, GZ_E_IO, NULL, "flush refuses %d", r.n);
		sqlite3_bind_int(st, 1, r.who);
		sqlite3_bind_int(st, 2, r.n);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, rc, e, "summing");
	}
	return GZ_OK;
}

static const store_deferral sums_kind = {"test sums", sums_flush};

static gz_err defer_job(store *s, void *ctx, gz_error *e)
{
	gz_err rc = insert_job(s, ctx, e); /* refuses when n % 7 == 3, after writing */
	if (rc == GZ_E_INVALID_VALUE) {
		/* A refusing job deferred something first: it must be dropped with its row. */
		store_defer(s, &sums_kind, ctx, sizeof(struct row), NULL);
		return rc;
	}
	return rc ? rc : store_defer(s, &sums_kind, ctx, sizeof(struct row), e);
}

static void *defer_client(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 40; i++) {
		struct row r = {w->who, i};
		gz_error e = {0};
		if (store_write_run(w->s, defer_job, &r, &e) == GZ_OK)
			w->ok++;
	}
	return NULL;
}

static void deferred_records_follow_their_jobs(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(store_exec(f->s, "CREATE TABLE sums(who INTEGER PRIMARY KEY, total INTEGER)", &e), GZ_OK);
	/* Outside a transaction there is nothing to defer to. */
	struct row r0 = {1, 1};
	assert_int_equal(store_defer(f->s, &sums_kind, &r0, sizeof r0, &e), GZ_E_INTERNAL);
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	enum { N = 8 };
	pthread_t th[N];
	struct worker w[N];
	flushes = 0;
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){f->s, i, 0, 0};
		pthread_create(&th[i], NULL, defer_client, &w[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].ok, 34);
	}
	/* Each thread's total is the sum of its accepted n (0..39 without 3, 10, 17, 24, 31, 38),
	 * whatever batches the writer made; fewer flushes than jobs when batches formed. */
	int expect = 0;
	for (int i = 0; i < 40; i++)
		if (i % 7 != 3)
			expect += i;
	for (int i = 0; i < N; i++) {
		sqlite3_stmt *st = store_stmt(f->s, "SELECT total FROM sums WHERE who = ?1");
		sqlite3_bind_int(st, 1, i);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), expect);
		sqlite3_reset(st);
	}
	assert_true(flushes >= 1 && flushes <= N * 34);
	/* A flush that fails fails its transaction: the job's own row goes too. */
	flush_fails_at = 5;
	struct row bad = {50, 5};
	assert_int_equal(store_write_run(f->s, defer_job, &bad, &e), GZ_E_IO);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 50"), 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM sums WHERE who = 50"), 0);
	flush_fails_at = -1;
	/* Direct mode (no writer): flushed by the commit as well. */
	store_writer_stop(f->s);
	struct row direct = {60, 6};
	assert_int_equal(store_write_run(f->s, defer_job, &direct, &e), GZ_OK);
	assert_int_equal(count_rows(f->s, "SELECT total FROM sums WHERE who = 60"), 6);
	assert_false(store_in_write(f->s));
}

/* store_checkpoint: the WAL cut to 0 bytes while the group writer runs, the rows kept; refused
 * inside a transaction. */
static off_t wal_size(const char *dir)
{
	char path[600];
	snprintf(path, sizeof path, "%s/gongzhi.db-wal", dir);
	struct stat sb;
	return stat(path, &sb) ? 0 : sb.st_size;
}

static void checkpoint_empties_the_wal(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	for (int i = 0; i < 20; i++) {
		struct row r = {55, i * 7}; /* n % 7 == 0: every job keeps its row */
		assert_int_equal(store_write_run(f->s, insert_job, &r, &e), GZ_OK);
	}
	assert_true(wal_size(f->dir) > 0);
	assert_int_equal(store_checkpoint(f->s, false, &e), GZ_OK); /* passive: copied, the file kept */
	assert_true(wal_size(f->dir) > 0);
	assert_int_equal(store_checkpoint(f->s, true, &e), GZ_OK);
	assert_int_equal(wal_size(f->dir), 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 55"), 20);
	/* The writer goes on after it. */
	struct row r = {55, 700};
	assert_int_equal(store_write_run(f->s, insert_job, &r, &e), GZ_OK);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 55"), 21);
	store_writer_stop(f->s);
	assert_int_equal(store_write_begin(f->s, &e), GZ_OK);
	assert_int_equal(store_checkpoint(f->s, true, &e), GZ_E_INTERNAL);
	store_write_rollback(f->s);
}

/* Writes that never pause, with readers beside them: the log still starts again from its
 * beginning, so the WAL stays near the checkpoint threshold (50 pages here) instead of growing
 * by every write — SQLite restarts it only when a write begins with all of it copied back, and
 * a busy writer never gave it that moment (the WAL grew to gigabytes under load). */
static gz_err blob_job(store *s, void *ctx, gz_error *e)
{
	(void)ctx;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO big(b) VALUES(zeroblob(6000))"); /* two pages */
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "inserting");
}

struct churn {
	store *s;
	int jobs, ok;
	volatile int *stop;
};

static void *blob_writer(void *arg)
{
	struct churn *c = arg;
	for (int i = 0; i < c->jobs; i++) {
		gz_error e = {0};
		if (store_write_run(c->s, blob_job, NULL, &e) == GZ_OK)
			c->ok++;
	}
	return NULL;
}

static void *blob_reader(void *arg)
{
	struct churn *c = arg;
	while (!*c->stop) {
		store_read_begin(c->s);
		count_rows(c->s, "SELECT count(*) FROM big");
		store_read_end(c->s);
		store_reset_all(c->s);
	}
	return NULL;
}

static void wal_restarts_under_continuous_writes(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(store_exec(f->s, "CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB)", &e), GZ_OK);
	store_set_checkpoint_pages(f->s, 50);
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	enum { W = 4, R = 2, JOBS = 300 };
	volatile int stop = 0;
	pthread_t tw[W], tr[R];
	struct churn cw[W], cr = {f->s, 0, 0, &stop};
	for (int i = 0; i < R; i++)
		pthread_create(&tr[i], NULL, blob_reader, &cr);
	off_t most = 0;
	for (int i = 0; i < W; i++) {
		cw[i] = (struct churn){f->s, JOBS, 0, &stop};
		pthread_create(&tw[i], NULL, blob_writer, &cw[i]);
	}
	int ok = 0;
	for (int i = 0; i < W; i++) {
		pthread_join(tw[i], NULL);
		ok += cw[i].ok;
	}
	most = wal_size(f->dir);
	stop = 1;
	for (int i = 0; i < R; i++)
		pthread_join(tr[i], NULL);
	assert_int_equal(ok, W * JOBS);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM big"), W * JOBS);
	/* 1,200 writes of two pages each: ≈ 10 MB of WAL if it never started again. */
	fprintf(stderr, "# WAL after %d writes: %lld bytes\n", ok, (long long)most);
	assert_true(most < 2 * 1024 * 1024);
}

/* STORE_SYNC_WINDOW: a write is acknowledged before it is synced, and synced within the window. */
static void window_sync_follows_the_writes(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	store_set_sync(f->s, STORE_SYNC_WINDOW);
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	for (int i = 0; i < 5; i++) {
		struct row r = {77, i * 7};
		assert_int_equal(store_write_run(f->s, insert_job, &r, &e), GZ_OK);
	}
	unsigned left = store_unsynced(f->s);
	for (int i = 0; i < 50 && left; i++) { /* up to 1 s: the window is 100 ms */
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
		left = store_unsynced(f->s);
	}
	assert_int_equal(left, 0);
	store_writer_stop(f->s);
	store_set_sync(f->s, STORE_SYNC_FULL);
	struct row r = {77, 70};
	assert_int_equal(store_write_run(f->s, insert_job, &r, &e), GZ_OK);
	assert_int_equal(store_unsynced(f->s), 0); /* FULL: synced inside the commit */
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 77"), 6);
}

/* --- submitted jobs: told of their commit -------------------------------------------------- */

struct told {
	pthread_mutex_t mu;
	int calls[64], ok, failed;
	char *path; /* to look at the database from a connection of its own */
	int missing;  /* rows a told job's commit should have made visible and did not */
};

struct submitted {
	struct told *t;
	struct row r;
	gz_error e;
};

static void told_done(void *ctx, gz_err rc)
{
	struct submitted *j = ctx;
	struct told *t = j->t;
	/* Committed means visible to any other connection already. */
	int seen = -1;
	if (!rc) {
		sqlite3 *db;
		sqlite3_stmt *st;
		if (sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE who = ?1 AND n = ?2", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int(st, 1, j->r.who);
			sqlite3_bind_int(st, 2, j->r.n);
			if (sqlite3_step(st) == SQLITE_ROW)
				seen = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	}
	struct timespec slow = {0, 2 * 1000000L}; /* a slow callback: jobs queue up meanwhile */
	nanosleep(&slow, NULL);
	pthread_mutex_lock(&t->mu);
	t->calls[j->r.n]++;
	if (rc)
		t->failed++;
	else {
		t->ok++;
		if (seen != 1)
			t->missing++;
	}
	pthread_mutex_unlock(&t->mu);
}

/* store_write_submit: every job's done is called once, after its commit is visible, with the
 * job's own outcome (a refusing job gets its error and its row is gone), and all of them before
 * store_writer_stop returns — the HTTP layer resumes its connections there and must not stop
 * with one still suspended. */
static void submitted_jobs_hear_of_their_commit(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	store_set_sync(f->s, STORE_SYNC_WINDOW);
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	char path[512];
	snprintf(path, sizeof path, "%s/gongzhi.db", f->dir);
	struct told t = {.path = path};
	pthread_mutex_init(&t.mu, NULL);
	enum { N = 64 };
	static struct submitted jobs[N];
	for (int i = 0; i < N; i++) {
		jobs[i] = (struct submitted){&t, {5, i}, {0}};
		store_write_submit(f->s, insert_job, &jobs[i].r, &jobs[i].e, told_done, &jobs[i]);
		if (i % 8 == 7) { /* in several batches */
			struct timespec ts = {0, 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	store_writer_stop(f->s);
	int refused = 0;
	for (int i = 0; i < N; i++) {
		assert_int_equal(t.calls[i], 1);
		refused += i % 7 == 3;
	}
	assert_int_equal(t.failed, refused);
	assert_int_equal(t.ok, N - refused);
	assert_int_equal(t.missing, 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM t WHERE who = 5"), N - refused);
	pthread_mutex_destroy(&t.mu);
}

/* --- the WAL's writes gathered per commit (walvfs.c) ---------------------------------------- */

/* A row whose blob is all one letter: a page read before its frame was written would not be. */
static gz_err letter_job(store *s, void *ctx, gz_error *e)
{
	int n = *(int *)ctx;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO letters(n, b) VALUES(?1, replace(zeroblob(?2), x'00', char(97 + ?1 % 26)))");
	sqlite3_bind_int(st, 1, n);
	sqlite3_bind_int(st, 2, 3000 + n % 5000); /* one to two pages */
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "inserting");
}

/* One transaction of about 10 MB: longer than the VFS holds (8 MB) and than one write of the
 * unix VFS (128 kB). */
static gz_err big_job(store *s, void *ctx, gz_error *e)
{
	(void)ctx;
	sqlite3_stmt *st = store_stmt(s, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2000)"
					 " INSERT INTO letters(n, b) SELECT 100000 + i, replace(zeroblob(5000), x'00', 'z') FROM k");
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "inserting");
}

static int64_t plain_count(const char *path, const char *sql)
{
	/* SQLite's own unix VFS, as the sqlite3 shell or a backup tool would read the files. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, "unix"), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int rc = sqlite3_step(st);
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
		n = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Acknowledged means in the operating system's files: a process killed right after its last
 * commit returned (a big one, then many small group commits) leaves every row in the WAL, and
 * the files read back whole by SQLite's plain VFS. */
static void commits_are_in_the_files_when_acknowledged(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "gongzhi");
	assert_int_equal(store_exec(f->s, "CREATE TABLE letters(n INTEGER PRIMARY KEY, b BLOB)", &e), GZ_OK);
	char path[512];
	snprintf(path, sizeof path, "%s/gongzhi.db", f->dir);
	int ack[2];
	assert_int_equal(pipe(ack), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the child: its own store and writer, then SIGKILL without closing */
		close(ack[0]);
		store *s;
		gz_error ce = {0};
		if (store_open(&s, path, &ce))
			_exit(2);
		store_set_sync(s, STORE_SYNC_WINDOW); /* the server's way: no sync inside a commit */
		if (store_writer_start(s, &ce) || store_write_run(s, big_job, NULL, &ce))
			_exit(2);
		int done = 2000;
		for (int i = 0; i < 300; i++) {
			if (store_write_run(s, letter_job, &i, &ce) == GZ_OK)
				done++;
		}
		if (write(ack[1], &done, sizeof done) != sizeof done)
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	close(ack[1]);
	int acknowledged = 0;
	assert_int_equal(read(ack[0], &acknowledged, sizeof acknowledged), (ssize_t)sizeof acknowledged);
	close(ack[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(acknowledged, 2300);
	assert_int_equal(plain_count(path, "SELECT count(*) FROM letters"), acknowledged);
	assert_int_equal(plain_count(path, "SELECT count(*) FROM letters WHERE n < 100000 AND"
					   " b <> replace(zeroblob(3000 + n % 5000), x'00', char(97 + n % 26))"), 0);
	assert_int_equal(plain_count(path, "PRAGMA integrity_check"), 1);
}

struct letters_reader {
	store *s;
	volatile int *stop;
	int reads, wrong;
};

static void *letters_reader(void *arg)
{
	struct letters_reader *r = arg;
	while (!*r->stop) {
		store_read_begin(r->s);
		r->wrong += (int)count_rows(r->s, "SELECT count(*) FROM letters"
						  " WHERE b <> replace(zeroblob(3000 + n % 5000), x'00', char(97 + n % 26))");
		store_read_end(r->s);
		store_reset_all(r->s);
		r->reads++;
	}
	return NULL;
}

/* Readers on other threads read the writer's frames from the file the moment a commit is
 * visible to them: never a page the VFS still held. */
static void readers_never_read_a_held_frame(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	assert_int_equal(store_exec(f->s, "CREATE TABLE letters(n INTEGER PRIMARY KEY, b BLOB)", &e), GZ_OK);
	store_set_sync(f->s, STORE_SYNC_WINDOW); /* the server's way: no sync inside a commit */
	assert_int_equal(store_writer_start(f->s, &e), GZ_OK);
	volatile int stop = 0;
	enum { R = 2 };
	pthread_t tr[R];
	struct letters_reader rd[R];
	for (int i = 0; i < R; i++) {
		rd[i] = (struct letters_reader){f->s, &stop, 0, 0};
		pthread_create(&tr[i], NULL, letters_reader, &rd[i]);
	}
	for (int i = 0; i < 400; i++)
		assert_int_equal(store_write_run(f->s, letter_job, &i, &e), GZ_OK);
	stop = 1;
	int reads = 0;
	for (int i = 0; i < R; i++) {
		pthread_join(tr[i], NULL);
		assert_int_equal(rd[i].wrong, 0);
		reads += rd[i].reads;
	}
	assert_true(reads > 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM letters"), 400);
}

static void migrations_apply_once(void **state)
{
	struct fx *f = *state;
	static const store_migration m[] = {
		{1, "one", "CREATE TABLE m1(x)"},
		{2, "two", "INSERT INTO m1 VALUES (1)"},
		{0},
	};
	gz_error e = {0};
	assert_int_equal(store_migrate(f->s, "testmod", m, &e), GZ_OK);
	assert_int_equal(store_migrate(f->s, "testmod", m, &e), GZ_OK);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM m1"), 1);
	static const store_migration broken[] = {
		{1, "one", "CREATE TABLE m1(x)"},
		{2, "two", "INSERT INTO m1 VALUES (1)"},
		{3, "bad", "CREATE TABLE m2(y); THIS IS NOT SQL"},
		{0},
	};
	assert_int_not_equal(store_migrate(f->s, "testmod", broken, &e), GZ_OK);
	/* The failed migration left nothing behind. */
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM sqlite_master WHERE name='m2'"), 0);
	assert_int_equal(count_rows(f->s, "SELECT count(*) FROM schema_migrations WHERE module='testmod'"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(group_writer_batches_and_isolates_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(deferred_records_follow_their_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_mode_and_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(migrations_apply_once, setup, teardown),
		cmocka_unit_test_setup_teardown(checkpoint_empties_the_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(wal_restarts_under_continuous_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(window_sync_follows_the_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(submitted_jobs_hear_of_their_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(commits_are_in_the_files_when_acknowledged, setup, teardown),
		cmocka_unit_test_setup_teardown(readers_never_read_a_held_frame, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
