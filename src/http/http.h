/* http.h — the route table, the request handed to handlers, and helpers for handlers.
 *
 * A route is {method, pattern, handler, flags, roles, body limit, audit action}. The
 * dispatcher (server.c) enforces all of it before the handler runs: authentication, role,
 * CSRF on cookie-authenticated writes, the body limit, JSON parsing, and for HF_WRITE routes
 * one write transaction around the handler plus its audit record. Handlers only validate
 * their own fields, call domain functions and set r->reply.
 *
 * Ownership: everything reachable from http_req lives until the request ends. r->body and
 * r->reply are jansson values owned by the request (released by the dispatcher); a handler
 * that sets r->reply hands over its reference. */
#ifndef GZ_HTTP_H
#define GZ_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/error.h"
#include "store/store.h"

typedef enum {
	HTTP_GET = 1,
	HTTP_POST = 2,
	HTTP_PUT = 4,
	HTTP_PATCH = 8,
	HTTP_DELETE = 16,
} http_method;

enum {
	HF_PUBLIC = 1u << 0,    /* no session needed */
	HF_WRITE = 1u << 1,     /* one write transaction + audit record; CSRF for cookies */
	HF_JSON_BODY = 1u << 2, /* body must be a JSON object, parsed into r->body */
	HF_RAW_BODY = 1u << 3,  /* body handed over as bytes (r->raw, r->raw_len): file uploads */
};

enum { HTTP_MAX_PARAMS = 4, HTTP_BODY_DEFAULT = 1 << 20 };

typedef struct http_req http_req;
typedef gz_err (*http_handler)(http_req *r);

typedef struct {
	int method;
	const char *pattern; /* "/api/v1/places/{code}/children" */
	http_handler handler;
	unsigned flags;
	unsigned roles;      /* ROLE_* bits allowed; 0 means any signed-in user */
	size_t body_max;     /* 0: HTTP_BODY_DEFAULT */
	const char *action;  /* audit action of a write route, e.g. "user.create" */
} http_route;

typedef struct http_header {
	const char *name, *value;
	struct http_header *next;
} http_header;

struct http_req {
	arena *a;
	store *store;
	const http_route *route;
	int method;
	const char *path;
	const char *param[HTTP_MAX_PARAMS];
	json_t *body;          /* HF_JSON_BODY: the parsed object */
	const char *raw;       /* HF_RAW_BODY: the bytes as received */
	size_t raw_len;
	const gz_user *user;   /* NULL on a public route */
	const char *token;     /* the session token used (NULL on public routes) */
	const char *client;    /* peer address: use http_client(), which fills it on demand */
	void *conn;            /* struct MHD_Connection * */
	const struct http_config *cfg;

	int status;            /* reply status, 200 unless set */
	json_t *reply;
	/* Or, for a write, the reply built after its commit on the request's own thread (the
	 * handler runs on the store's group writer: building the reply there held every other
	 * write). Called once, with reply_ctx set by the handler (arena memory: the call may not
	 * happen, when the commit fails); may read, must not write; NULL means out of memory (500,
	 * the write stays). */
	json_t *(*reply_after)(http_req *r);
	void *reply_ctx;
	const char *reply_text; /* or a reply already rendered as JSON (arena-owned: http_reply_list_text) */
	size_t reply_text_len;
	gz_error err;
	http_header *headers;  /* extra reply headers */
	int reply_fd;          /* > 0: reply with this file instead of r->reply (closed by the server) */
	const char *reply_type, *reply_name; /* its content type and download name */

	/* Audit of a write: filled by the handler, written by the dispatcher in the same
	 * transaction. subject names the record ("user:12"), place its place code. */
	const char *audit_subject;
	const char *audit_place;
	json_t *audit_detail;
	/* A write: once it committed, empty the WAL before replying (store_checkpoint, truncate). */
	bool checkpoint_after;
};

/* The server's settings. */
typedef struct http_config {
	const char *listen;      /* "127.0.0.1:8080" */
	const char *web_root;    /* directory of the built console, may be NULL */
	unsigned threads;        /* pool size */
	long session_ttl;        /* seconds */
} http_config;

/* Start serving in background threads; returns NULL (and fills e) on failure. */
typedef struct http_server http_server;
http_server *http_start(store *s, const http_config *cfg, gz_error *e);
/* The port actually bound (useful with port 0). */
unsigned http_port(const http_server *srv);
void http_stop(http_server *srv);

/* Routing (exposed for tests). Finds the route for method+path among every module's routes,
 * filling params. GZ_E_NOT_FOUND when no pattern matches, GZ_E_METHOD when a pattern matches
 * but not the method. */
gz_err http_route_find(int method, const char *path, arena *a, const http_route **out,
		       const char *params[HTTP_MAX_PARAMS]);
int http_method_parse(const char *m);

/* --- helpers for handlers --------------------------------------------------------------- */

/* Query parameter name (decoded), NULL when absent. Invalid UTF-8 or more than maxchars
 * characters fails with 400/422 naming the parameter. */
gz_err http_query(http_req *r, const char *name, size_t maxchars, const char **out);
/* ?limit= (default 50, 1..500) */
gz_err http_query_limit(http_req *r, int *out);

/* A field of a JSON body spec. */
typedef struct {
	const char *name;
	int type;          /* JSON_STRING, JSON_INTEGER, JSON_TRUE (boolean), JSON_OBJECT, … */
	bool required;
	size_t maxchars;   /* strings: max characters (0: 1000) */
} http_field;
/* Check r->body against spec (terminated by {NULL}): unknown fields, missing required ones,
 * wrong types, over-long or invalid strings. Fills r->err. */
gz_err http_body_check(http_req *r, const http_field *spec);
/* The string value of a body field, or NULL when absent/null. */
const char *http_body_str(http_req *r, const char *name);

/* Name the record a write route changed, for its audit row: subject "kind:id", and the place
 * code it belongs to (copied). */
void http_audit(http_req *r, const char *kind, int64_t id, const char *place_code);
/* A request header's value, NULL when absent. */
const char *http_request_header(http_req *r, const char *name);
/* The peer's address as text ("127.0.0.1"). */
const char *http_client(http_req *r);

/* Add a header to the reply (strings must live as long as the request). */
void http_add_header(http_req *r, const char *name, const char *value);
/* Set r->reply to {"items": items, "next_cursor": cursor|null}; takes items. */
void http_reply_list(http_req *r, json_t *items, const char *next_cursor);
/* The same with the items already JSON text (len bytes: objects separated by commas, rendered
 * elsewhere — a list whose rows SQLite wrote); next_cursor is digits or NULL. Copied into the
 * arena; GZ_E_NOMEM (filled) when it does not fit. */
gz_err http_reply_list_text(http_req *r, const char *items, size_t len, const char *next_cursor);
/* Fill r->err and return code, for handlers: return http_fail(r, GZ_E_NOT_FOUND, …). */
gz_err http_fail(http_req *r, gz_err code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The caller's scope range intersected with ?under=… (see scope_intersect). */
gz_err http_scope_range(http_req *r, const char *under, gz_range *out);

/* Path parameter i as a record id (digits, at most 15): 404 naming it otherwise. */
gz_err http_param_id(http_req *r, int i, int64_t *out);
/* ?under=<place code>: checked as a code (422 otherwise) and narrowed to the caller's scope
 * (404 outside it, as scope_intersect says); fills *range. */
gz_err http_under_arg(http_req *r, gz_range *range);
/* The common list arguments: ?under= (a valid code, intersected with the caller's scope),
 * ?limit=, ?cursor= (digits, or NULL when absent). */
gz_err http_list_args(http_req *r, gz_range *range, int *limit, const char **cursor);
/* ?format=xlsx|csv (default xlsx). */
gz_err http_format_arg(http_req *r, bool *xlsx);
/* Reply with the file fd as a download: content type, an ASCII fallback name and the real
 * (Chinese) name, RFC 6266. */
void http_file_reply(http_req *r, int fd, const char *type, const char *ascii_name, const char *name);
/* The same for a spreadsheet: ascii_base and base get .xlsx or .csv. */
void http_table_reply(http_req *r, int fd, bool xlsx, const char *ascii_base, const char *base);
/* Where the residents' phone pages live, for links and QR codes: GONGZHI_PUBLIC_URL when the
 * server sits behind a proxy, else http:// and the Host the request came to (arena string). */
const char *http_public_base(http_req *r);
/* Reply with bytes held in memory (copied to an anonymous file), shown inline. */
gz_err http_bytes_reply(http_req *r, const void *data, size_t n, const char *type);

#endif
