/* scope.c — subtree ranges over place codes. */
#include "core/scope.h"

#include <stdio.h>
#include <string.h>

void scope_range_of(const char *prefix, gz_range *out)
{
	size_t n = strlen(prefix);
	if (n > GZ_CODE_MAX)
		n = GZ_CODE_MAX;
	if (n == 0) {
		/* Codes are decimal digits; ':' is the character after '9'. */
		strcpy(out->lo, "");
		strcpy(out->hi, ":");
		return;
	}
	memcpy(out->lo, prefix, n);
	out->lo[n] = '\0';
	memcpy(out->hi, prefix, n);
	out->hi[n] = '\0';
	/* Incrementing the last character gives the first string past every extension of the
	 * prefix; '9'+1 is ':' which still sorts after every digit string. */
	out->hi[n - 1] = (char)(out->hi[n - 1] + 1);
}

bool scope_contains(const char *scope, const char *code)
{
	size_t n = strlen(scope);
	return strncmp(scope, code, n) == 0;
}

gz_err scope_intersect(const char *scope, const char *under, gz_range *out, gz_error *e)
{
	if (!under || !*under) {
		scope_range_of(scope, out);
		return GZ_OK;
	}
	if (scope_contains(scope, under)) {
		scope_range_of(under, out);
		return GZ_OK;
	}
	if (scope_contains(under, scope)) {
		scope_range_of(scope, out);
		return GZ_OK;
	}
	return gz_fail(e, GZ_E_NOT_FOUND, "under", "place \"%s\" not found in your scope", under);
}
