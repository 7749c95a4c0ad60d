/* server.c — libmicrohttpd glue: request life cycle, the dispatcher that enforces each route's
 * flags, error rendering, static files of the console. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/util.h"
#include "http/http.h"
#include "modules.h"

#ifndef GZ_VERSION
#define GZ_VERSION "0.1.0"
#endif

enum {
	ARENA_CAP = 8 << 20,       /* per-request memory ceiling */
	PUBLIC_BODY_MAX = 4096,    /* body limit when no route matched */
	DRAIN_MAX = 16 << 20,      /* oversized bodies up to this are drained, larger ones cut off */
	CONNECTION_TIMEOUT_S = 30,
	CONNECTION_LIMIT = 1000,
};

struct http_server {
	struct MHD_Daemon *d;
	store *s;
	http_config cfg;
	unsigned port;
	char web_root[PATH_MAX];
	bool has_web;
};

struct conn_ctx {
	arena *a;
	gz_buf body;
	int method;
	bool api;
	const http_route *route;
	gz_err route_err;
	const char *params[HTTP_MAX_PARAMS];
	bool too_large, responded;
	/* A write waiting for its commit: the connection is suspended meanwhile. */
	struct MHD_Connection *conn;
	http_req req;
	bool pending;
	_Atomic bool write_done;
	gz_err write_rc;
};

/* One spare arena per worker thread: a connection is served by one pool thread, so the
 * arena a request frees is the one the next request on this thread takes. A thread-specific
 * key (not _Thread_local) so that the spare is freed when the thread ends. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *p)
{
	arena_free(p);
}

static void spare_init(void)
{
	pthread_key_create(&spare_key, spare_free);
}

static arena *arena_take(void)
{
	pthread_once(&spare_once, spare_init);
	arena *a = pthread_getspecific(spare_key);
	if (a) {
		pthread_setspecific(spare_key, NULL);
		return a;
	}
	return arena_new(ARENA_CAP);
}

static void arena_give(arena *a)
{
	pthread_once(&spare_once, spare_init);
	if (!pthread_getspecific(spare_key)) {
		arena_reset(a);
		pthread_setspecific(spare_key, a);
	} else {
		arena_free(a);
	}
}

/* --- the system routes ------------------------------------------------------------------ */

static gz_err health(http_req *r)
{
	r->reply = json_pack("{ss ss}", "status", "ok", "version", GZ_VERSION);
	return GZ_OK;
}

static const http_route system_routes[] = {
	{HTTP_GET, "/api/v1/health", health, HF_PUBLIC, 0, 0, NULL},
	{0},
};
static const store_migration no_migrations[] = {{0}};
const gz_module system_module = {"system", no_migrations, system_routes, NULL};

/* --- replies ---------------------------------------------------------------------------- */

static void common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

/* Render body into the request's arena (or malloc when a is NULL) and queue it. The arena
 * outlives the reply: it is recycled only when libmicrohttpd reports the request complete. */
/* The reply text, grown in the arena as jansson writes it: one pass over the JSON (rendering
 * into a fixed first guess, then again at the exact size, rendered a list of 20 cases twice). */
struct render {
	arena *a;
	char *p;
	size_t len, cap;
	bool failed;
};

static int render_part(const char *part, size_t n, void *data)
{
	struct render *rd = data;
	if (rd->len + n > rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 4096;
		while (cap < rd->len + n)
			cap *= 2;
		char *np = rd->a ? arena_alloc_raw(rd->a, cap) : realloc(rd->p, cap);
		if (!np) {
			rd->failed = true;
			return -1;
		}
		if (rd->a && rd->len)
			memcpy(np, rd->p, rd->len);
		rd->p = np;
		rd->cap = cap;
	}
	memcpy(rd->p + rd->len, part, n);
	rd->len += n;
	return 0;
}

/* Queue JSON text as the reply: mode says who frees it (PERSISTENT: the arena or static). */
static enum MHD_Result send_text(struct MHD_Connection *c, int status, const char *text, size_t len,
				 enum MHD_ResponseMemoryMode mode, const http_header *extra)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)text, mode);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	common_headers(resp);
	for (const http_header *h = extra; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, arena *a, int status, json_t *body,
				 const http_header *extra)
{
	static const char fallback[] = "{\"error\":{\"code\":\"internal\",\"message\":\"cannot render reply\"}}";
	struct render rd = {.a = a};
	if (json_dump_callback(body, render_part, &rd, JSON_COMPACT) != 0 || rd.failed)
		rd.len = 0;
	char *text = rd.p;
	size_t len = rd.len, cap = rd.cap;
	if (!text || len == 0 || len > cap) {
		if (text && !a)
			free(text);
		return send_text(c, 500, fallback, sizeof fallback - 1, MHD_RESPMEM_PERSISTENT, extra);
	}
	return send_text(c, status, text, len, a ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE, extra);
}

static json_t *error_json(const gz_error *e, gz_err code)
{
	const char *msg = e->message[0] ? e->message : gz_err_default_message(code);
	json_t *err = json_pack("{ss ss}", "code", gz_err_word(code), "message", msg);
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	return json_pack("{so}", "error", err);
}

static enum MHD_Result send_error(struct MHD_Connection *c, arena *a, gz_err code, const gz_error *e,
				  const http_header *extra)
{
	gz_error dflt = {0};
	json_t *body = error_json(e ? e : &dflt, code);
	enum MHD_Result ret = send_json(c, a, gz_err_status(code), body, extra);
	json_decref(body);
	return ret;
}

/* --- static files ----------------------------------------------------------------------- */

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
		{".gif", "image/gif"}, {".webp", "image/webp"}, {".ico", "image/x-icon"}, {".woff", "font/woff"},
		{".woff2", "font/woff2"}, {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"},
		{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{".csv", "text/csv; charset=utf-8"}, {".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

/* Whether a decoded URL path is safe to map into the web root: absolute, no "." or ".."
 * segment, no backslash or NUL, no empty segment. */
static bool static_path_ok(const char *url)
{
	if (url[0] != '/' || strchr(url, '\\') || strlen(url) > 512)
		return false;
	const char *seg = url + 1;
	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.') || (n == 0 && end))
			return false;
		if (n > 0 && seg[0] == '.')
			return false; /* no dot-files */
		if (!end)
			break;
		seg = end + 1;
	}
	return true;
}

static enum MHD_Result serve_file(struct MHD_Connection *c, const char *file, bool immutable)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return MHD_NO;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return MHD_NO;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((size_t)sb.st_size, fd);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", content_type(file));
	MHD_add_response_header(resp, "Cache-Control",
				immutable ? "public, max-age=31536000, immutable" : "no-cache");
	common_headers(resp);
	if (strstr(file, ".html"))
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline';"
					" font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result serve_static(http_server *srv, struct MHD_Connection *c, const char *url)
{
	gz_error e = {0};
	if (!srv->has_web) {
		gz_fail(&e, GZ_E_NOT_FOUND, NULL, "console not built: no web root");
		return send_error(c, NULL, GZ_E_NOT_FOUND, &e, NULL);
	}
	if (!static_path_ok(url)) {
		gz_fail(&e, GZ_E_NOT_FOUND, NULL, "path \"%.80s\" not found", url);
		return send_error(c, NULL, GZ_E_NOT_FOUND, &e, NULL);
	}
	char file[PATH_MAX + 600];
	const char *rel = strcmp(url, "/") ? url : "/index.html";
	snprintf(file, sizeof file, "%s%s", srv->web_root, rel);
	struct stat sb;
	if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode))
		if (serve_file(c, file, strncmp(url, "/assets/", 8) == 0) == MHD_YES)
			return MHD_YES;
	/* Client-side routes get their page: the residents' phone pages (/m, /m/report/4228…) m.html,
	 * Vant only, else the console's index (/places/4228; also /m/… with a bundle that has no
	 * m.html); missing files a 404. */
	const char *last = strrchr(url, '/');
	if (!strchr(last, '.')) {
		bool phone = !strcmp(url, "/m") || !strncmp(url, "/m/", 3);
		if (phone) {
			snprintf(file, sizeof file, "%s/m.html", srv->web_root);
			if (serve_file(c, file, false) == MHD_YES)
				return MHD_YES;
		}
		snprintf(file, sizeof file, "%s/index.html", srv->web_root);
		if (serve_file(c, file, false) == MHD_YES)
			return MHD_YES;
	}
	gz_fail(&e, GZ_E_NOT_FOUND, NULL, "file \"%.80s\" not found", url);
	return send_error(c, NULL, GZ_E_NOT_FOUND, &e, NULL);
}

/* --- dispatch --------------------------------------------------------------------------- */

static const char *client_address(struct MHD_Connection *c, arena *a)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "?";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf, sizeof buf);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf, sizeof buf);
	}
	return arena_strdup(a, buf);
}

const char *http_client(http_req *r)
{
	if (!r->client)
		r->client = client_address(r->conn, r->a);
	return r->client;
}

static gz_err authenticate(http_req *r)
{
	const char *token = NULL;
	bool cookie = false;
	const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	if (authz && !strncasecmp(authz, "Bearer ", 7)) {
		token = authz + 7;
		while (*token == ' ')
			token++;
	} else {
		token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "gz_session");
		cookie = token != NULL;
	}
	if (!token || !*token)
		return http_fail(r, GZ_E_UNAUTHORIZED, NULL, "not signed in: send a bearer token or the session cookie");
	gz_user *u = arena_alloc(r->a, sizeof *u);
	if (!u)
		return http_fail(r, GZ_E_NOMEM, NULL, "out of memory");
	gz_err rc = auth_session_user(r->store, token, u, &r->err);
	if (rc)
		return rc;
	u->via_cookie = cookie;
	r->user = u;
	r->token = arena_strdup(r->a, token);
	return GZ_OK;
}

static gz_err parse_body(http_req *r, const gz_buf *body)
{
	if (!body->len)
		return http_fail(r, GZ_E_INVALID_JSON, NULL, "request body is empty: a json object is expected");
	json_error_t je;
	json_t *j = json_loadb(body->p, body->len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		if (json_error_code(&je) == json_error_invalid_utf8)
			return http_fail(r, GZ_E_INVALID_UTF8, NULL, "request body is not valid utf-8 near byte %d",
					 je.position);
		return http_fail(r, GZ_E_INVALID_JSON, NULL, "malformed json at line %d column %d: %s", je.line,
				 je.column, je.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return http_fail(r, GZ_E_INVALID_TYPE, NULL, "request body must be a json object");
	}
	r->body = j;
	return GZ_OK;
}

/* A write route as one job of the group writer: the handler and its audit row commit
 * together or not at all. Runs on the writer thread; r lives on the waiting worker's stack. */
static gz_err write_job(store *s, void *ctx, gz_error *e)
{
	(void)s;
	(void)e; /* the same as &r->err */
	http_req *r = ctx;
	const http_route *rt = r->route;
	gz_err rc = rt->handler(r);
	if (!rc && !r->reply && !r->reply_after) /* a reply that failed to build undoes the write */
		rc = http_fail(r, GZ_E_INTERNAL, NULL, "%s built no reply", rt->pattern);
	if (rc)
		return rc;
	char *detail = r->audit_detail ? json_dumps(r->audit_detail, JSON_COMPACT) : NULL;
	audit_entry en = {.actor_id = r->user ? r->user->id : 0,
			  .actor = r->user ? r->user->username : "anonymous",
			  .action = rt->action ? rt->action : rt->pattern,
			  .subject = r->audit_subject,
			  .place = r->audit_place,
			  .detail = detail};
	rc = audit_record(r->store, &en, &r->err);
	free(detail);
	return rc;
}

/* Everything of a route up to its handler; a write route's handler is left to the group writer
 * (*write set). */
static gz_err run_route(http_req *r, struct conn_ctx *cx, bool *write)
{
	const http_route *rt = r->route;
	gz_err rc;
	if (!(rt->flags & HF_PUBLIC)) {
		store_read_begin(r->store);
		rc = authenticate(r);
		if (rc || (rt->flags & HF_WRITE))
			store_read_end(r->store);
		if (rc)
			return rc;
		if (rt->roles && !(r->user->role & rt->roles))
			return http_fail(r, GZ_E_FORBIDDEN, NULL, "role \"%s\" may not use %s",
					 auth_role_word(r->user->role), rt->pattern);
		/* SameSite=Strict already keeps other sites' requests cookie-less; the token makes a
		 * forged write fail even where a browser ignores SameSite. */
		if (r->user->via_cookie && r->method != HTTP_GET &&
		    !auth_csrf_ok(r->user, MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token")))
			return http_fail(r, GZ_E_CSRF, NULL, "missing or wrong X-CSRF-Token header");
	}
	if (rt->flags & HF_JSON_BODY) {
		if ((rc = parse_body(r, &cx->body)))
			return rc;
	} else if (rt->flags & HF_RAW_BODY) {
		r->raw = cx->body.p ? cx->body.p : "";
		r->raw_len = cx->body.len;
	} else if (cx->body.len) {
		return http_fail(r, GZ_E_BAD_REQUEST, NULL, "%s takes no request body", rt->pattern);
	}
	if (!(rt->flags & HF_WRITE)) {
		store_read_begin(r->store);
		rc = rt->handler(r);
		store_read_end(r->store);
		if (!rc && !r->reply && !r->reply_text && r->reply_fd <= 0)
			rc = http_fail(r, GZ_E_INTERNAL, NULL, "%s built no reply", rt->pattern);
		return rc;
	}
	*write = true;
	return GZ_OK;
}

/* A file reply (exports): streamed from the descriptor, which libmicrohttpd closes. */
static enum MHD_Result send_file(struct MHD_Connection *c, http_req *r)
{
	struct stat sb;
	if (fstat(r->reply_fd, &sb) != 0) {
		close(r->reply_fd);
		return MHD_NO;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((size_t)sb.st_size, r->reply_fd);
	if (!resp) {
		close(r->reply_fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->reply_type ? r->reply_type : "application/octet-stream");
	if (r->reply_name)
		MHD_add_response_header(resp, "Content-Disposition", r->reply_name);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	common_headers(resp);
	for (const http_header *h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The reply to a request whose route ran (or failed) with rc. */
static enum MHD_Result finish(http_server *srv, struct MHD_Connection *c, struct conn_ctx *cx, gz_err rc, const char *url)
{
	http_req *r = &cx->req;
	store_read_end(srv->s);
	store_reset_all(srv->s);
	if (store_in_write(srv->s)) /* a handler that returned inside its own transaction */
		store_write_rollback(srv->s);
	enum MHD_Result ret;
	if (!rc && r->reply_fd > 0) {
		ret = send_file(c, r);
	} else if (rc) {
		if (r->reply_fd > 0)
			close(r->reply_fd);
		if (gz_err_status(rc) >= 500)
			gz_log(GZ_LOG_ERROR, "%s %s: %s", r->route ? r->route->pattern : "-", url, r->err.message);
		ret = send_error(c, cx->a, rc, &r->err, r->headers);
	} else if (r->reply_text) {
		ret = send_text(c, r->status, r->reply_text, r->reply_text_len, MHD_RESPMEM_PERSISTENT, r->headers);
	} else if (!r->reply && r->reply_after && !(r->reply = r->reply_after(r))) {
		gz_error e;
		gz_fail(&e, GZ_E_NOMEM, NULL, "out of memory building the reply of \"%.80s\"", url);
		gz_log(GZ_LOG_ERROR, "%s", e.message);
		ret = send_error(c, cx->a, GZ_E_NOMEM, &e, r->headers);
	} else {
		json_t *reply = r->reply ? r->reply : json_object();
		ret = send_json(c, cx->a, r->status, reply, r->headers);
		if (!r->reply)
			json_decref(reply);
	}
	json_decref(r->reply);
	json_decref(r->body);
	json_decref(r->audit_detail);
	r->reply = r->body = r->audit_detail = NULL;
	return ret;
}

/* Called on the writer thread once the write committed (or failed): wake the connection, whose
 * next call of on_request sends the reply. */
static void write_done(void *ctx, gz_err rc)
{
	struct conn_ctx *cx = ctx;
	cx->write_rc = rc;
	cx->write_done = true;
	MHD_resume_connection(cx->conn);
}

static enum MHD_Result dispatch(http_server *srv, struct MHD_Connection *c, struct conn_ctx *cx, const char *url)
{
	http_req *r = &cx->req;
	*r = (http_req){.a = cx->a, .store = srv->s, .cfg = &srv->cfg, .conn = c, .path = url,
			.method = cx->method, .status = 200, .route = cx->route};
	memcpy(r->param, cx->params, sizeof r->param);
	gz_err rc;
	bool write = false;
	if (cx->route_err)
		rc = http_fail(r, cx->route_err, NULL, cx->route_err == GZ_E_METHOD ? "method not allowed on \"%.80s\""
										     : "no route \"%.80s\"", url);
	else
		rc = run_route(r, cx, &write);
	if (rc || !write)
		return finish(srv, c, cx, rc, url);
	/* A write: queue it for the group writer and let this thread serve other connections until
	 * the commit (a thread blocked on fsync would hold every connection it serves). Suspend
	 * before submitting, so the resume cannot come first. */
	store_read_end(srv->s);
	store_reset_all(srv->s);
	cx->conn = c;
	cx->pending = true;
	cx->write_done = false;
	MHD_suspend_connection(c);
	store_write_submit(srv->s, write_job, r, &r->err, write_done, cx);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	http_server *srv = cls;
	struct conn_ctx *cx = *con_cls;
	if (!cx) {
		cx = calloc(1, sizeof *cx);
		if (!cx)
			return MHD_NO;
		cx->a = arena_take();
		if (!cx->a) {
			free(cx);
			return MHD_NO;
		}
		*con_cls = cx;
		cx->method = http_method_parse(method);
		cx->api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
		size_t max = PUBLIC_BODY_MAX;
		if (cx->api) {
			cx->route_err = http_route_find(cx->method, url, cx->a, &cx->route, cx->params);
			if (cx->route && cx->route->body_max)
				max = cx->route->body_max;
			else if (cx->route)
				max = HTTP_BODY_DEFAULT;
		}
		buf_init(&cx->body, max);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
		if (declared > max && declared > DRAIN_MAX) {
			/* Far too large to read: refuse before the upload starts (libmicrohttpd takes a
			 * reply only before an upload or after it) and close the connection. */
			cx->too_large = cx->responded = true;
			gz_error e;
			gz_fail(&e, GZ_E_TOO_LARGE, NULL, "request body larger than %zu bytes", max);
			return send_error(c, cx->a, GZ_E_TOO_LARGE, &e, NULL);
		}
		/* A moderately oversized body is read and dropped, then refused: replying while the
		 * client still sends would make the kernel reset the connection and the client could
		 * lose the reply. */
		if (declared > max)
			cx->too_large = true;
		/* Otherwise respond on a later call: answering the first one closes keep-alive
		 * connections. */
		return MHD_YES;
	}
	if (*upload_size) {
		/* A chunked body that grows past the limit is drained without being kept, and
		 * refused once it has ended. */
		if (!cx->too_large && buf_append(&cx->body, upload, *upload_size) != 0)
			cx->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (cx->pending) {
		if (!cx->write_done)
			return MHD_YES;
		cx->pending = false;
		if (!cx->write_rc && cx->req.checkpoint_after) { /* on this worker thread, not the writer's */
			gz_error ce = {0};
			if (store_checkpoint(srv->s, true, &ce))
				gz_log(GZ_LOG_WARN, "%s: %s", url, ce.message);
		}
		return finish(srv, c, cx, cx->write_rc, url);
	}
	if (cx->responded)
		return MHD_YES;
	cx->responded = true;
	if (cx->too_large) {
		gz_error e;
		gz_fail(&e, GZ_E_TOO_LARGE, NULL, "request body larger than %zu bytes", cx->body.max);
		return send_error(c, cx->a, GZ_E_TOO_LARGE, &e, NULL);
	}
	if (!cx->api) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
			gz_error e;
			gz_fail(&e, GZ_E_METHOD, NULL, "method \"%.10s\" not allowed on files", method);
			return send_error(c, cx->a, GZ_E_METHOD, &e, NULL);
		}
		return serve_static(srv, c, url);
	}
	return dispatch(srv, c, cx, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn_ctx *cx = *con_cls;
	if (!cx)
		return;
	buf_release(&cx->body);
	arena_give(cx->a);
	free(cx);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	gz_log(GZ_LOG_WARN, "http: %s", line);
}

http_server *http_start(store *s, const http_config *cfg, gz_error *e)
{
	http_server *srv = calloc(1, sizeof *srv);
	if (!srv) {
		gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
		return NULL;
	}
	srv->s = s;
	srv->cfg = *cfg;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char host[64] = "127.0.0.1";
	unsigned port = 8080;
	const char *colon = strrchr(cfg->listen, ':');
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - cfg->listen), cfg->listen);
		port = (unsigned)strtoul(colon + 1, NULL, 10);
	} else {
		port = (unsigned)strtoul(cfg->listen, NULL, 10);
	}
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		gz_fail(e, GZ_E_INVALID_VALUE, "listen", "cannot listen on \"%s\": expected IPv4:PORT", cfg->listen);
		free(srv);
		return NULL;
	}
	sa.sin_port = htons((uint16_t)port);
	if (cfg->web_root && realpath(cfg->web_root, srv->web_root)) {
		char index[PATH_MAX + 16];
		snprintf(index, sizeof index, "%s/index.html", srv->web_root);
		srv->has_web = access(index, R_OK) == 0;
	}
	if (!srv->has_web)
		gz_log(GZ_LOG_WARN, "no console at \"%s\": serving the API only (run make)",
		       cfg->web_root ? cfg->web_root : "");
	unsigned threads = cfg->threads ? cfg->threads : 4;
	if (store_writer_start(s, e) != GZ_OK) {
		free(srv);
		return NULL;
	}
	/* poll(), not epoll: every write suspends its connection until the commit, and with epoll
	 * libmicrohttpd takes the socket out of the set and puts it back (two epoll_ctl calls per
	 * write, and system calls are dear here); a worker polls a quarter of at most 1,000
	 * connections. Creation at a million cases: 8,300-8,400 -> 9,000-9,200/s; lists unchanged. */
	srv->d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)port, NULL, NULL,
				  on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				  srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT, MHD_OPTION_END);
	if (!srv->d) {
		gz_fail(e, GZ_E_IO, "listen", "cannot listen on \"%s\": %s", cfg->listen, strerror(errno));
		store_writer_stop(s);
		free(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : port;
	return srv;
}

unsigned http_port(const http_server *srv)
{
	return srv->port;
}

void http_stop(http_server *srv)
{
	if (!srv)
		return;
	/* The writer first: it finishes what is queued and wakes the connections waiting on it
	 * (libmicrohttpd must not be stopped with connections suspended); writes arriving meanwhile
	 * run on their own thread. */
	store_writer_stop(srv->s);
	MHD_stop_daemon(srv->d);
	free(srv);
}
