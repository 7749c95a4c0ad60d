/* fuzz_request.c — libFuzzer target: the request path. A real gongzhi server runs inside the
 * fuzzer process (libmicrohttpd, the router, the dispatcher's checks, every route's handler with
 * its body parsing and validation, the group writer) on a loopback port, over a data directory
 * in /dev/shm holding the places fixture, an account of each role and a record of each kind.
 *
 * Input: byte 0 chooses the route (of `gongzhi routes`), byte 1 the caller (one of the 8 roles,
 * no session, or the admin's cookie without its CSRF token); then up to the first newline the
 * path parameters and the query string, separated by tabs; after it the request body.
 * Invariants: a reply always comes, it is never 5xx, and an API error is
 * {"error":{"code":…,"message":…}}. Sanitizers catch the rest (the server runs in this
 * process, so an overflow in a handler is a crash here). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/secret.h"
#include "core/util.h"
#include "http/http.h"
#include "modules.h"
#include "places/places.h"
#include "store/store.h"

enum { MAX_ROUTES = 256, NROLES = 8, REPLY_MAX = 1 << 22, TIMEOUT_S = 20 };

static const char VILLAGE[] = "422802107213";
static const struct {
	const char *name;
	gz_role role;
	const char *scope;
} accounts[NROLES] = {
	{"f-admin", ROLE_ADMIN, ""},
	{"f-official", ROLE_OFFICIAL, "422802"},
	{"f-cadre", ROLE_CADRE, "422802107213"},
	{"f-supervisor", ROLE_SUPERVISOR, "422802107213"},
	{"f-grid", ROLE_GRID_WORKER, "422802107213"},
	{"f-spokes", ROLE_SPOKESPERSON, "422802107213"},
	{"f-dept", ROLE_DEPARTMENT, "422802"},
	{"f-resident", ROLE_RESIDENT, "422802107213"},
};
static const char PASSWORD[] = "fuzz-pass-123";

static store *st;
static unsigned port;
static const http_route *routes[MAX_ROUTES];
static int nroutes;
static char tokens[NROLES][AUTH_TOKEN_LEN + 1];
static char dir[64];
static char *reply;

static void login(int i)
{
	auth_session se;
	int retry;
	gz_error e = {0};
	if (auth_login(st, accounts[i].name, PASSWORD, "127.0.0.1", 86400, &se, &retry, &e)) {
		fprintf(stderr, "fuzz_request: cannot sign in %s: %s\n", accounts[i].name, e.message);
		abort();
	}
	memcpy(tokens[i], se.token, sizeof tokens[i]);
}

/* Send one raw request, read the whole reply into `reply`; its length, or -1 when no reply came. */
static long exchange(const char *req, size_t reqlen, const char *body, size_t bodylen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {TIMEOUT_S, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	/* Close with a reset once the reply is read: the server closes first ("Connection: close"),
	 * so each exchange otherwise left a loopback TIME_WAIT for 60 s; at ~850 exchanges a second
	 * they filled the 28k ephemeral ports and a new connection now and then met an old 4-tuple
	 * and was reset — reported as "closed without a reply" after 12,000–25,000 runs. */
	struct linger lg = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	/* The server may answer (413) and close before the body is sent: then read what came. */
	if (send(fd, req, reqlen, MSG_NOSIGNAL) == (ssize_t)reqlen && bodylen)
		send(fd, body, bodylen, MSG_NOSIGNAL);
	long n = 0;
	for (;;) {
		ssize_t r = recv(fd, reply + n, REPLY_MAX - 1 - (size_t)n, 0);
		if (r <= 0) {
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && n == 0)
				n = -1;
			break;
		}
		n += r;
		if (n >= REPLY_MAX - 1)
			break;
	}
	close(fd);
	if (n >= 0)
		reply[n] = '\0';
	return n;
}

static long simple(const char *method, const char *path, const char *token, const char *json)
{
	char req[4096];
	int n = snprintf(req, sizeof req,
			 "%s %s HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 method, path, token, json ? strlen(json) : 0);
	return exchange(req, (size_t)n, json, json ? strlen(json) : 0);
}

static void cleanup(void)
{
	char path[128];
	static const char *const files[] = {"gongzhi.db", "gongzhi.db-wal", "gongzhi.db-shm"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	auth_global_init();
	gz_log_set_level(GZ_LOG_ERROR);
	setenv("GONGZHI_INTAKE_LIMIT", "100000000,100000000", 1);
	auth_set_throttle(1 << 30, 1 << 30, 1);
	reply = malloc(REPLY_MAX);
	snprintf(dir, sizeof dir, "/dev/shm/gz-fuzz-XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof dir, "/tmp/gz-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	atexit(cleanup);
	char db[128];
	snprintf(db, sizeof db, "%s/gongzhi.db", dir);
	gz_error e = {0};
	unsigned char key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	secret_set_key(key);
	const char *places = getenv("GZ_FUZZ_PLACES");
	places_import_stats ps;
	if (store_open(&st, db, &e) || modules_migrate(st, &e) ||
	    places_import(st, places ? places : "tests/fixtures/places", "cli", NULL, NULL, &ps, &e)) {
		fprintf(stderr, "fuzz_request: cannot prepare %s: %s\n", dir, e.message);
		abort();
	}
	for (int i = 0; i < NROLES; i++)
		if (auth_user_create(st, "cli", accounts[i].name, PASSWORD, accounts[i].role, accounts[i].scope, NULL, NULL,
				     &e)) {
			fprintf(stderr, "fuzz_request: cannot add %s: %s\n", accounts[i].name, e.message);
			abort();
		}
	for (const gz_module *const *m = gz_modules; *m; m++)
		for (const http_route *rt = (*m)->routes; rt->pattern && nroutes < MAX_ROUTES; rt++)
			routes[nroutes++] = rt;
	http_config cfg = {.listen = "127.0.0.1:0", .web_root = NULL, .threads = 2, .session_ttl = 86400};
	http_server *srv = http_start(st, &cfg, &e);
	if (!srv) {
		fprintf(stderr, "fuzz_request: cannot serve: %s\n", e.message);
		abort();
	}
	port = http_port(srv);
	for (int i = 0; i < NROLES; i++)
		login(i);
	/* One record of each kind, so that ids 1 and the grid/building codes lead somewhere. */
	const char *admin = tokens[0], *cadre = tokens[2];
	simple("POST", "/api/v1/grids", cadre, "{\"village_code\":\"422802107213\",\"name\":\"一组\"}");
	simple("POST", "/api/v1/buildings", cadre, "{\"grid_code\":\"422802107213001\",\"name\":\"1栋\",\"kind\":\"building\"}");
	simple("POST", "/api/v1/households", cadre,
	       "{\"place_code\":\"422802107213001001\",\"address\":\"高峰村一组1栋101\",\"phone\":\"13812345678\"}");
	simple("POST", "/api/v1/residents", cadre,
	       "{\"household_id\":1,\"name\":\"张三\",\"gender\":\"male\",\"birth_date\":\"1980-05-06\","
	       "\"id_number\":\"422802198005060014\",\"relation\":\"户主\"}");
	simple("POST", "/api/v1/residents", cadre,
	       "{\"household_id\":1,\"name\":\"李四\",\"gender\":\"female\",\"birth_date\":\"1982-03-14\",\"relation\":\"配偶\"}");
	simple("POST", "/api/v1/cases", cadre,
	       "{\"place_code\":\"422802107213\",\"channel\":\"phone\",\"type\":\"problem\",\"title\":\"路灯不亮\","
	       "\"content\":\"一组路灯坏了\",\"reporter_phone\":\"13712345678\"}");
	simple("POST", "/api/v1/departments", admin, "{\"place_code\":\"422802\",\"name\":\"县水利局\"}");
	simple("POST", "/api/v1/grid-roles", cadre, "{\"grid_code\":\"422802107213001\",\"role\":\"leader\",\"name\":\"王五\"}");
	simple("POST", "/api/v1/visits", cadre, "{\"household_id\":1,\"note\":\"走访\"}");
	simple("POST", "/api/v1/case-resources", cadre, "{\"place_code\":\"422802107213\",\"kind\":\"volunteer\",\"name\":\"志愿队\"}");
	(void)VILLAGE;
	return 0;
}

/* Append s[0..n) to out, percent-encoding every byte outside keep (and outside A-Za-z0-9-._~). */
static size_t encode(char *out, size_t cap, const uint8_t *s, size_t n, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		uint8_t c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c) ||
		    (c && strchr(keep, c))) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}

static void crash(const char *why, const char *req, long n)
{
	fprintf(stderr, "fuzz_request: %s\n--- request\n%s\n--- reply (%ld bytes)\n%.2000s\n", why, req, n, n > 0 ? reply : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 1 << 16)
		return 0;
	const http_route *rt = routes[data[0] % nroutes];
	int who = data[1] % (NROLES + 2); /* NROLES: no session; NROLES + 1: the admin's cookie, no CSRF */
	const uint8_t *p = data + 2, *end = data + size;
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	const uint8_t *head_end = nl ? nl : end;
	const uint8_t *body = nl ? nl + 1 : end;
	size_t bodylen = (size_t)(end - body);

	static char path[16384], req[32768];
	size_t o = 0;
	const char *pat = rt->pattern;
	while (*pat && o < sizeof path - 1024) {
		if (*pat == '{') {
			const uint8_t *tab = memchr(p, '\t', (size_t)(head_end - p));
			const uint8_t *pe = tab ? tab : head_end;
			if (pe == p)
				path[o++] = '1';
			else
				o += encode(path + o, sizeof path - o, p, (size_t)(pe - p), "");
			p = tab ? tab + 1 : head_end;
			pat = strchr(pat, '}') + 1;
		} else {
			path[o++] = *pat++;
		}
	}
	path[o] = '\0';
	if (p < head_end) {
		path[o++] = '?';
		encode(path + o, sizeof path - o, p, (size_t)(head_end - p), "=&");
	}
	static const char *const mnames[] = {"", "GET", "POST", "", "PUT", "", "", "", "PATCH", "", "", "", "", "", "",
					     "", "DELETE"};
	char auth[256] = "";
	if (who < NROLES)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tokens[who]);
	else if (who == NROLES + 1)
		snprintf(auth, sizeof auth, "Cookie: gz_session=%s\r\n", tokens[0]);
	int n = snprintf(req, sizeof req,
			 "%s %s HTTP/1.1\r\nHost: fuzz\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 mnames[rt->method & 31], path, auth,
			 rt->flags & HF_RAW_BODY ? "application/octet-stream" : "application/json", bodylen);
	long got = exchange(req, (size_t)n, (const char *)body, bodylen);
	if (got < 0)
		crash("no reply", req, got);
	if (got == 0)
		crash("the connection closed without a reply", req, got);
	int status = 0;
	if (sscanf(reply, "HTTP/1.%*d %d", &status) != 1)
		crash("no status line", req, got);
	if (status >= 500)
		crash("a 5xx reply", req, got);
	const char *sep = strstr(reply, "\r\n\r\n");
	if (status >= 400 && sep && strstr(reply, "Content-Type: application/json") &&
	    strncmp(sep + 4, "{\"error\":{\"code\":\"", 18))
		crash("an error reply without the documented shape", req, got);
	/* Keep the sessions alive for the next inputs. */
	if (who < NROLES && (status == 401 || strstr(rt->pattern, "logout")))
		login(who);
	if (who == NROLES + 1 && strstr(rt->pattern, "logout"))
		login(0);
	return 0;
}
