/* router.c — matching a method and path against every module's route table. */
#include <string.h>

#include "http/http.h"
#include "modules.h"

int http_method_parse(const char *m)
{
	if (!strcmp(m, "GET"))
		return HTTP_GET;
	if (!strcmp(m, "POST"))
		return HTTP_POST;
	if (!strcmp(m, "PUT"))
		return HTTP_PUT;
	if (!strcmp(m, "PATCH"))
		return HTTP_PATCH;
	if (!strcmp(m, "DELETE"))
		return HTTP_DELETE;
	return 0;
}

/* Match path against pattern segment by segment; {name} matches one non-empty segment. */
static bool match(const char *pattern, const char *path, arena *a, const char *params[HTTP_MAX_PARAMS])
{
	int np = 0;
	const char *p = pattern, *u = path;
	while (*p && *u) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *ue = strchr(u, '/');
			if (!pe)
				return false;
			if (!ue)
				ue = u + strlen(u);
			if (ue == u || np == HTTP_MAX_PARAMS)
				return false;
			if (params)
				params[np] = a ? arena_strndup(a, u, (size_t)(ue - u)) : NULL;
			np++;
			p = pe + 1;
			u = ue;
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	/* A single trailing slash is tolerated ("/api/v1/places/"). */
	if (*p == '\0' && u[0] == '/' && u[1] == '\0')
		return true;
	return *p == '\0' && *u == '\0';
}

gz_err http_route_find(int method, const char *path, arena *a, const http_route **out,
		       const char *params[HTTP_MAX_PARAMS])
{
	bool path_known = false;
	for (const gz_module *const *m = gz_modules; *m; m++) {
		for (const http_route *rt = (*m)->routes; rt && rt->pattern; rt++) {
			if (!match(rt->pattern, path, NULL, NULL))
				continue;
			path_known = true;
			if (rt->method != method)
				continue;
			match(rt->pattern, path, a, params);
			*out = rt;
			return GZ_OK;
		}
	}
	*out = NULL;
	return path_known ? GZ_E_METHOD : GZ_E_NOT_FOUND;
}
