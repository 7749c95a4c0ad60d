/* helpers.c — what handlers use to read input and shape replies (see http.h). */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/util.h"
#include "http/http.h"
#include "places/places.h"

gz_err http_fail(http_req *r, gz_err code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gz_vfail(&r->err, code, field, fmt, ap);
	va_end(ap);
	return code;
}

gz_err http_query(http_req *r, const char *name, size_t maxchars, const char **out)
{
	*out = NULL;
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return GZ_OK;
	size_t n = strlen(v);
	if (!gz_utf8_valid(v, n))
		return http_fail(r, GZ_E_INVALID_UTF8, name, "query parameter \"%s\" is not valid utf-8", name);
	if (gz_utf8_chars(v, n) > maxchars)
		return http_fail(r, GZ_E_INVALID_VALUE, name, "query parameter \"%s\" is longer than %zu characters",
				 name, maxchars);
	*out = arena_strndup(r->a, v, n);
	return *out ? GZ_OK : http_fail(r, GZ_E_NOMEM, NULL, "out of memory");
}

gz_err http_query_limit(http_req *r, int *out)
{
	const char *v;
	gz_err rc = http_query(r, "limit", 12, &v);
	*out = 50;
	if (rc || !v)
		return rc;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 500)
		return http_fail(r, GZ_E_INVALID_VALUE, "limit", "limit \"%s\" must be a whole number from 1 to 500", v);
	*out = (int)n;
	return GZ_OK;
}

static const char *type_word(int t)
{
	switch (t) {
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true or false";
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	default: return "a value";
	}
}

static bool type_ok(json_t *v, int t)
{
	switch (t) {
	case JSON_TRUE: return json_is_boolean(v);
	case JSON_REAL: return json_is_number(v);
	default: return json_typeof(v) == (json_type)t;
	}
}

gz_err http_body_check(http_req *r, const http_field *spec)
{
	const char *key;
	json_t *val;
	json_object_foreach(r->body, key, val) {
		const http_field *f = spec;
		while (f->name && strcmp(f->name, key))
			f++;
		if (!f->name)
			return http_fail(r, GZ_E_UNKNOWN_FIELD, arena_strndup(r->a, key, strnlen(key, 60)),
					 "unknown field \"%.60s\"", key);
	}
	for (const http_field *f = spec; f->name; f++) {
		json_t *v = json_object_get(r->body, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return http_fail(r, GZ_E_MISSING_FIELD, f->name, "field \"%s\" is required", f->name);
			continue;
		}
		if (!type_ok(v, f->type))
			return http_fail(r, GZ_E_INVALID_TYPE, f->name, "field \"%s\" must be %s", f->name,
					 type_word(f->type));
		if (f->type == JSON_STRING) {
			size_t max = f->maxchars ? f->maxchars : 1000;
			if (gz_utf8_chars(json_string_value(v), json_string_length(v)) > max)
				return http_fail(r, GZ_E_INVALID_VALUE, f->name, "field \"%s\" is longer than %zu characters",
						 f->name, max);
		}
	}
	return GZ_OK;
}

const char *http_body_str(http_req *r, const char *name)
{
	return json_string_value(json_object_get(r->body, name));
}

void http_add_header(http_req *r, const char *name, const char *value)
{
	http_header *h = arena_alloc(r->a, sizeof *h);
	if (!h || !value)
		return;
	h->name = name;
	h->value = value;
	h->next = r->headers;
	r->headers = h;
}

void http_reply_list(http_req *r, json_t *items, const char *next_cursor)
{
	r->reply = json_pack("{so s:s?}", "items", items, "next_cursor", next_cursor);
}

gz_err http_reply_list_text(http_req *r, const char *items, size_t len, const char *next_cursor)
{
	/* The envelope of http_reply_list; a cursor is digits (an id), written as a string. */
	static const char head[] = "{\"items\":[", mid[] = "],\"next_cursor\":";
	size_t cl = next_cursor ? strlen(next_cursor) + 2 : 4, n = sizeof head - 1 + len + sizeof mid - 1 + cl + 1;
	char *t = arena_alloc_raw(r->a, n + 1), *p = t;
	if (!t)
		return http_fail(r, GZ_E_NOMEM, NULL, "the list is too large to send");
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	memcpy(p, items, len);
	p += len;
	memcpy(p, mid, sizeof mid - 1);
	p += sizeof mid - 1;
	p += next_cursor ? (size_t)sprintf(p, "\"%s\"", next_cursor) : (size_t)sprintf(p, "null");
	*p++ = '}';
	*p = '\0';
	r->reply_text = t;
	r->reply_text_len = (size_t)(p - t);
	return GZ_OK;
}

gz_err http_scope_range(http_req *r, const char *under, gz_range *out)
{
	return scope_intersect(r->user ? r->user->scope : "\x01", under, out, &r->err);
}

gz_err http_param_id(http_req *r, int i, int64_t *out)
{
	const char *p = r->param[i];
	size_t n = strlen(p);
	if (!n || !gz_all_digits(p, n) || n > 15)
		return http_fail(r, GZ_E_NOT_FOUND, "id", "record \"%.20s\" not found", p);
	*out = strtoll(p, NULL, 10);
	return GZ_OK;
}

gz_err http_under_arg(http_req *r, gz_range *range)
{
	const char *under;
	gz_err rc = http_query(r, "under", GZ_CODE_MAX, &under);
	if (rc)
		return rc;
	if (under && *under && places_level_of(under) == PL_NONE)
		return http_fail(r, GZ_E_INVALID_VALUE, "under", "place code \"%s\" is not valid", under);
	return http_scope_range(r, under, range);
}

gz_err http_list_args(http_req *r, gz_range *range, int *limit, const char **cursor)
{
	gz_err rc;
	if ((rc = http_query_limit(r, limit)) || (rc = http_query(r, "cursor", 20, cursor)))
		return rc;
	if (*cursor && !gz_all_digits(*cursor, strlen(*cursor)))
		return http_fail(r, GZ_E_INVALID_VALUE, "cursor", "cursor \"%s\" is not valid", *cursor);
	return http_under_arg(r, range);
}

gz_err http_format_arg(http_req *r, bool *xlsx)
{
	const char *f;
	gz_err rc = http_query(r, "format", 8, &f);
	if (rc)
		return rc;
	if (f && strcmp(f, "xlsx") && strcmp(f, "csv"))
		return http_fail(r, GZ_E_INVALID_VALUE, "format", "format must be xlsx or csv");
	*xlsx = !f || !strcmp(f, "xlsx");
	return GZ_OK;
}

void http_file_reply(http_req *r, int fd, const char *type, const char *ascii_name, const char *name)
{
	r->reply_fd = fd;
	r->reply_type = type;
	/* RFC 6266: an ASCII fallback name and the Chinese one, percent-encoded as UTF-8. */
	char enc[512] = "";
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && k + 4 < sizeof enc; p++)
		k += (size_t)snprintf(enc + k, sizeof enc - k, "%%%02X", *p);
	r->reply_name = arena_printf(r->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii_name, enc);
}

void http_table_reply(http_req *r, int fd, bool xlsx, const char *ascii_base, const char *base)
{
	const char *ext = xlsx ? "xlsx" : "csv";
	http_file_reply(r, fd,
			xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
			arena_printf(r->a, "%s.%s", ascii_base, ext), arena_printf(r->a, "%s.%s", base, ext));
}

gz_err http_bytes_reply(http_req *r, const void *data, size_t n, const char *type)
{
	int fd = memfd_create("reply", MFD_CLOEXEC);
	if (fd < 0)
		return http_fail(r, GZ_E_INTERNAL, NULL, "cannot prepare the reply");
	const char *p = data;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w <= 0) {
			close(fd);
			return http_fail(r, GZ_E_INTERNAL, NULL, "cannot prepare the reply");
		}
		done += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	r->reply_fd = fd;
	r->reply_type = type;
	r->reply_name = NULL;
	return GZ_OK;
}

const char *http_request_header(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void http_audit(http_req *r, const char *kind, int64_t id, const char *place_code)
{
	r->audit_subject = arena_printf(r->a, "%s:%lld", kind, (long long)id);
	r->audit_place = place_code ? arena_strdup(r->a, place_code) : NULL;
}

const char *http_public_base(http_req *r)
{
	const char *env = getenv("GONGZHI_PUBLIC_URL");
	if (env && *env)
		return env;
	const char *host = http_request_header(r, "Host");
	if (!host || !*host || strlen(host) > 200 || strpbrk(host, "\"<>\\ /"))
		host = "127.0.0.1:8080";
	return arena_printf(r->a, "http://%s", host);
}
