/*
 * json.h: streaming JSON writer with a sticky error.
 *
 * Appends compact JSON to a struct buf. Like SQLite's sqlite3_str, every
 * call is a no-op once an error happened, so code writes a whole document
 * and checks jw_finish() once. The writer tracks nesting and commas itself;
 * callers only say what comes next.
 *
 *   struct buf out = BUF_INIT(1 << 20);
 *   struct json_writer jw;
 *   jw_init(&jw, &out);
 *   jw_obj_begin(&jw);
 *   jw_kv_str(&jw, "status", "ok");
 *   jw_obj_end(&jw);
 *   if (jw_finish(&jw)) ...error...
 *
 * Strings must be valid UTF-8; invalid input sets the error (the database
 * only holds validated text, so this means a bug, not bad user input).
 */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JW_MAX_DEPTH 32

struct json_writer {
	struct buf *out;
	int err;
	int depth;
	unsigned char has_items[JW_MAX_DEPTH]; /* per level: comma needed */
	unsigned char after_key;
};

void jw_init(struct json_writer *jw, struct buf *out);
/* 0 when the document is complete and nothing failed, else an sg_err. */
int jw_finish(struct json_writer *jw);

void jw_obj_begin(struct json_writer *jw);
void jw_obj_end(struct json_writer *jw);
void jw_arr_begin(struct json_writer *jw);
void jw_arr_end(struct json_writer *jw);
void jw_key(struct json_writer *jw, const char *key);

/* A NULL string writes null. */
void jw_str(struct json_writer *jw, const char *s);
void jw_strn(struct json_writer *jw, const char *s, size_t len);
void jw_int(struct json_writer *jw, int64_t v);
void jw_double(struct json_writer *jw, double v); /* non-finite: null */
void jw_bool(struct json_writer *jw, int v);
void jw_null(struct json_writer *jw);
/* Already-serialised JSON (trusted: e.g. a stored details document). */
void jw_raw(struct json_writer *jw, const char *json, size_t len);

/* key + value shorthands */
void jw_kv_str(struct json_writer *jw, const char *key, const char *s);
void jw_kv_int(struct json_writer *jw, const char *key, int64_t v);
void jw_kv_bool(struct json_writer *jw, const char *key, int v);
void jw_kv_null(struct json_writer *jw, const char *key);
/* s as a string, or null when s is NULL or "" (optional text fields). */
void jw_kv_str_opt(struct json_writer *jw, const char *key, const char *s);

/* Append s as a JSON string literal (with quotes) to b; for other writers. */
int json_quote(struct buf *b, const char *s, size_t len);

#endif
