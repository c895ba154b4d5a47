/*
 * buf.h: growable byte buffer with a required maximum size.
 *
 * Modelled on git's strbuf and curl's dynbuf. Every buffer has a ceiling
 * fixed at init: growth past it fails instead of letting input decide how
 * much memory we take. Errors are sticky: after a failed append, `err` stays
 * set and further appends do nothing, so a writer can append freely and
 * check once at the end.
 *
 * Invariants: when alloc > 0, ptr[len] == '\0'. An empty, never-grown buffer
 * has ptr == NULL; use buf_cstr() to read it as a C string.
 * Ownership: the buffer owns ptr until buf_release() or buf_detach().
 */
#ifndef SG_BUF_H
#define SG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t max; /* largest len allowed, excluding the NUL */
	int err;    /* sticky: 0 ok, else SG_ERR_NOMEM or SG_ERR_TOO_LARGE */
};

#define BUF_INIT(maxlen) { NULL, 0, 0, (maxlen), 0 }

void buf_init(struct buf *b, size_t max);
/* Free the memory and return to the empty state (max kept, err cleared). */
void buf_release(struct buf *b);
/* Keep the memory, drop the contents and the error. */
void buf_reset(struct buf *b);
/* Make room for `extra` more bytes; 0 or the sticky error. */
int buf_grow(struct buf *b, size_t extra);

int buf_add(struct buf *b, const void *data, size_t len);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/*
 * Append "%q%" for SQL `LIKE ? ESCAPE '\'`: q found anywhere, its own %,
 * _ and \ taken literally.
 */
int buf_add_like_pattern(struct buf *b, const char *q);

/* Contents as a C string; "" for an empty buffer. */
const char *buf_cstr(const struct buf *b);
/* Hand the memory to the caller (free() it); buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
