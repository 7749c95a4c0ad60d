/* ref_server.c — the reference for `make bench`: bare libmicrohttpd + SQLite point read,
 * configured like gongzhi's server (internal thread pool, one connection per thread,
 * prepared statement), without auth, routing, JSON library or audit. gongzhi's
 * authenticated GET /api/v1/places/{code} is reported as a ratio of this. */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *db_path;
static _Thread_local sqlite3 *db;
static _Thread_local sqlite3_stmt *st;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
	if (!*con_cls) { /* answer on the second call, as gongzhi does, to keep connections alive */
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (!db) {
		sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
		sqlite3_prepare_v2(db, "SELECT name FROM places WHERE level=?1 AND code=?2", -1, &st, NULL);
	}
	const char *code = strrchr(url, '/');
	code = code ? code + 1 : "";
	size_t n = strlen(code);
	int level = n == 2 ? 1 : n == 4 ? 2 : n == 6 ? 3 : n == 9 ? 4 : n == 12 ? 5 : 0;
	char body[512];
	int status = 404;
	int len = snprintf(body, sizeof body, "{\"error\":\"not found\"}");
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		status = 200;
		len = snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"%s\"}", code, sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	struct MHD_Response *r = MHD_create_response_from_buffer((size_t)len, body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ref_server DB PORT [THREADS]\n");
		return 2;
	}
	db_path = argv[1];
	unsigned threads = argc > 3 ? (unsigned)atoi(argv[3]) : 4;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, (uint16_t)atoi(argv[2]), NULL, NULL,
						handle, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
						MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_END);
	if (!d)
		return 1;
	printf("ref serving\n");
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
