/* test_http.c — the route table: matching, parameters, 404 vs 405, and the table's own
 * invariants (every write route names its audit action; every route sits under /api/v1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/http.h"
#include "modules.h"

static void routes_match_with_params(void **state)
{
	(void)state;
	arena *a = arena_new(1 << 16);
	const http_route *rt;
	const char *params[HTTP_MAX_PARAMS] = {0};
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/places/4228/children", a, &rt, params), GZ_OK);
	assert_string_equal(rt->pattern, "/api/v1/places/{code}/children");
	assert_string_equal(params[0], "4228");
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/places/4228", a, &rt, params), GZ_OK);
	assert_string_equal(rt->pattern, "/api/v1/places/{code}");
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/places/", a, &rt, params), GZ_OK);
	assert_string_equal(rt->pattern, "/api/v1/places");
	assert_int_equal(http_route_find(HTTP_DELETE, "/api/v1/places/4228", a, &rt, params), GZ_E_METHOD);
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/nothing", a, &rt, params), GZ_E_NOT_FOUND);
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/places//children", a, &rt, params), GZ_E_NOT_FOUND);
	assert_int_equal(http_route_find(HTTP_GET, "/api/v1/places/42/children/x", a, &rt, params), GZ_E_NOT_FOUND);
	assert_int_equal(http_route_find(HTTP_POST, "/api/v1/auth/login", a, &rt, params), GZ_OK);
	assert_true(rt->flags & HF_PUBLIC);
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_int_equal(http_method_parse("BREW"), 0);
	arena_free(a);
}

static void route_table_invariants(void **state)
{
	(void)state;
	int n = 0;
	for (const gz_module *const *m = gz_modules; *m; m++) {
		assert_non_null((*m)->name);
		assert_non_null((*m)->migrations);
		for (const http_route *rt = (*m)->routes; rt->pattern; rt++, n++) {
			assert_int_equal(strncmp(rt->pattern, "/api/v1/", 8), 0);
			assert_non_null(rt->handler);
			if (rt->flags & HF_WRITE) {
				assert_non_null(rt->action);
				/* Anonymous writes (QR self-service) live under /public/ and nowhere else. */
				if (rt->flags & HF_PUBLIC)
					assert_int_equal(strncmp(rt->pattern, "/api/v1/public/", 15), 0);
			}
			/* No two routes share method and pattern. */
			for (const gz_module *const *m2 = gz_modules; *m2; m2++)
				for (const http_route *r2 = (*m2)->routes; r2->pattern; r2++)
					if (r2 != rt)
						assert_false(r2->method == rt->method && !strcmp(r2->pattern, rt->pattern));
		}
	}
	assert_true(n >= 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_match_with_params),
		cmocka_unit_test(route_table_invariants),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
