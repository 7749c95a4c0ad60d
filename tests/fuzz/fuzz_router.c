/* fuzz_router.c — libFuzzer target: the router and path parameters. Input: one byte choosing
 * the method, then the path. Checks what the dispatcher relies on: a found route has the method
 * asked for, its parameters are non-empty segments without '/', and putting them back into the
 * pattern gives the path again; the id, place-code and ID-number checks that parameters go
 * through never misbehave and agree with their contracts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ids.h"
#include "core/scope.h"
#include "core/util.h"
#include "http/http.h"

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "fuzz_router: %s (path \"%s\")\n", what, path);
	abort();
}

static void check_scope(const char *p)
{
	size_t n = strlen(p);
	if (n > GZ_CODE_MAX || !gz_all_digits(p, n))
		return;
	gz_range r;
	scope_range_of(p, &r);
	/* The range is the subtree: the code itself is in it, and so is the code with one digit more. */
	if (strcmp(r.lo, p) > 0 || (*r.hi && strcmp(p, r.hi) >= 0))
		fail("a code is outside its own range", p);
	if (!scope_contains(p, p))
		fail("a code is outside its own subtree", p);
	if (!scope_contains("", p))
		fail("a code is outside the whole country", p);
	gz_error e;
	gz_range x;
	if (scope_intersect("", p, &x, &e) != GZ_OK || strcmp(x.lo, r.lo) || strcmp(x.hi, r.hi))
		fail("the national scope does not narrow to the code asked for", p);
}

static void check_citizen(const char *p)
{
	ids_citizen c;
	gz_error e;
	if (ids_citizen_check(p, &c, &e) == GZ_OK) {
		if (strlen(c.norm) != 18 || ids_citizen_check_digit(c.norm) != c.norm[17])
			fail("an accepted ID number with a wrong check digit", p);
		if (!ids_date_ok(c.birth))
			fail("an accepted ID number with an impossible birth date", p);
	}
	char masked[256];
	if (strlen(p) < sizeof masked) {
		ids_mask(p, masked);
		if (strlen(masked) > strlen(p))
			fail("a mask longer than its input", p);
		ids_mask_phone(p, masked);
	}
	char last4[5];
	ids_phone_check("phone", p, last4, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	static const int methods[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, 0, 3};
	int method = methods[data[0] % (sizeof methods / sizeof *methods)];
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	arena *a = arena_new(1 << 20);
	const http_route *rt = NULL;
	const char *params[HTTP_MAX_PARAMS] = {0};
	gz_err rc = http_route_find(method, path, a, &rt, params);
	if (rc == GZ_OK) {
		if (!rt || rt->method != method)
			fail("a route of another method", path);
		/* Rebuild the path from the pattern and the parameters. */
		char back[8192];
		size_t n = 0;
		int np = 0;
		for (const char *p = rt->pattern; *p && n < sizeof back - 1;) {
			if (*p == '{') {
				const char *v = params[np++];
				if (!v || !*v || strchr(v, '/'))
					fail("an empty parameter or one holding a slash", path);
				size_t l = strlen(v);
				if (n + l >= sizeof back)
					break;
				memcpy(back + n, v, l);
				n += l;
				p = strchr(p, '}') + 1;
				check_scope(v);
				check_citizen(v);
				http_req r = {.a = a};
				r.param[0] = v;
				int64_t id;
				if (http_param_id(&r, 0, &id) == GZ_OK && (id < 0 || strlen(v) > 15))
					fail("an accepted id out of range", path);
			} else {
				back[n++] = *p++;
			}
		}
		back[n] = '\0';
		size_t pl = strlen(path);
		if (strcmp(back, path) && !(pl && path[pl - 1] == '/' && !strncmp(back, path, pl - 1) && strlen(back) == pl - 1))
			fail("parameters put back do not give the path", path);
	} else if (rc != GZ_E_NOT_FOUND && rc != GZ_E_METHOD) {
		fail("an error other than not found or method not allowed", path);
	} else if (rt) {
		fail("a route returned with an error", path);
	}
	check_scope(path);
	check_citizen(path);
	arena_free(a);
	free(path);
	return 0;
}
