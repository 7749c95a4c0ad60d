/* arena.h — a per-request memory pool: many allocations, one free.
 *
 * Contract: everything allocated from an arena lives until arena_free(); nothing is freed
 * alone. An arena has a hard cap on its total size (set at arena_new) so that no request can
 * grow without bound; an allocation past the cap returns NULL. Deferred cleanups
 * (arena_defer) run in reverse order at arena_free, for resources owned by the request that
 * were not allocated in it (a jansson value, a file descriptor). */
#ifndef GZ_ARENA_H
#define GZ_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

/* New arena that may hold at most cap bytes in all. NULL when out of memory. */
arena *arena_new(size_t cap);
/* Run deferred cleanups, then free every block. NULL is allowed. */
void arena_free(arena *a);

/* Zeroed, 16-byte aligned memory of n bytes; NULL past the cap or out of memory. */
void *arena_alloc(arena *a, size_t n);
/* Like arena_alloc without zeroing, for buffers about to be overwritten whole. */
void *arena_alloc_raw(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Call fn(p) when the arena is freed. Returns 0, or -1 when out of memory (fn is then
 * called at once so that the resource is never leaked). */
int arena_defer(arena *a, void (*fn)(void *), void *p);

/* Run deferred cleanups and forget every allocation, keeping the first block for reuse: a
 * worker thread recycles one arena across requests instead of asking malloc each time. */
void arena_reset(arena *a);

/* Bytes handed out so far (for tests and limits). */
size_t arena_used(const arena *a);

#endif
