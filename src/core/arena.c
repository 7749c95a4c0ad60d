/* arena.c — bump allocator over a chain of blocks, with deferred cleanups. */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_MIN = 16384, ALIGN = 16 };

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct defer {
	struct defer *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct block *head;
	struct defer *defers;
	size_t cap, total;
};

arena *arena_new(size_t cap)
{
	arena *a = calloc(1, sizeof *a);
	if (a)
		a->cap = cap;
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	for (struct defer *d = a->defers; d; d = d->next)
		d->fn(d->p);
	struct block *b = a->head;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

void arena_reset(arena *a)
{
	if (!a)
		return;
	for (struct defer *d = a->defers; d; d = d->next)
		d->fn(d->p);
	a->defers = NULL;
	/* Keep the oldest block (the last in the chain): it is the one every request needs. */
	struct block *b = a->head;
	while (b && b->next) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	a->head = b;
	if (b)
		b->used = 0;
	a->total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *arena_alloc_raw(arena *a, size_t n)
{
	if (!a)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n > a->cap || a->total > a->cap - n)
		return NULL;
	struct block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > BLOCK_MIN ? n : BLOCK_MIN;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int arena_defer(arena *a, void (*fn)(void *), void *p)
{
	struct defer *d = arena_alloc(a, sizeof *d);
	if (!d) {
		fn(p);
		return -1;
	}
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}

size_t arena_used(const arena *a)
{
	return a ? a->total : 0;
}
