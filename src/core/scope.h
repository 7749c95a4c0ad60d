/* scope.h — the one scope mechanism: a user's scope is a place code, and what they may see
 * is that code's subtree, i.e. the code-prefix range [code, code+1).
 *
 * Every module filters its reads and checks its writes through these functions (the store
 * binds gz_range values into `place_code >= ?lo AND place_code < ?hi`), so no handler
 * remembers scope rules of its own. The national scope is the empty code "". */
#ifndef GZ_SCOPE_H
#define GZ_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum { GZ_CODE_MAX = 18 }; /* building code: village 12 + grid 3 + building 3 */

/* A half-open range of place codes [lo, hi): exactly the codes that start with a prefix. */
typedef struct {
	char lo[GZ_CODE_MAX + 1];
	char hi[GZ_CODE_MAX + 1];
} gz_range;

/* The subtree range of prefix (digits only, at most GZ_CODE_MAX; "" = the whole country). */
void scope_range_of(const char *prefix, gz_range *out);

/* Whether place code lies in the subtree of scope (a code is in its own subtree). */
bool scope_contains(const char *scope, const char *code);

/* The range a caller with scope may read when asking for `under` (NULL or "" = everything
 * they may see): the intersection of the two subtrees. When under lies outside scope the
 * result is GZ_E_NOT_FOUND (saying it exists would leak); when under lies above scope the
 * caller's own subtree is returned, since asking for a wider area narrows to what they may
 * see. */
gz_err scope_intersect(const char *scope, const char *under, gz_range *out, gz_error *e);

#endif
