/* buf.h — an owning, growable byte buffer with a hard size cap.
 *
 * Invariants: p is NUL-terminated whenever it is not NULL; len < cap; len never exceeds max.
 * An append that would pass max (or fails to allocate) leaves the buffer unchanged and
 * returns -1, so request bodies and exports are bounded by construction. Nothing outside
 * buf.c writes the fields. */
#ifndef GZ_BUF_H
#define GZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *p;
	size_t len, cap, max;
} gz_buf;

/* An empty buffer that may grow to max bytes of content. */
void buf_init(gz_buf *b, size_t max);
/* Free the storage and reset to empty (max is kept). */
void buf_release(gz_buf *b);
/* Append n bytes; 0 on success, -1 past max or out of memory (buffer unchanged). */
int buf_append(gz_buf *b, const void *data, size_t n);
int buf_puts(gz_buf *b, const char *s);
int buf_printf(gz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the storage to the caller (who frees it) and reset the buffer. May return NULL
 * when empty. */
char *buf_detach(gz_buf *b, size_t *len);

#endif
