/* helpers.c — what handlers use to read input and shape replies (see http.h). */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"

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

gz_err http_scope_range(http_req *r, const char *under, gz_range *out)
{
	return scope_intersect(r->user ? r->user->scope : "\x01", under, out, &r->err);
}
