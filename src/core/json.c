/*
 * json.c: streaming JSON writer; see json.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "err.h"
#include "utf8.h"
#include "banned.h"

void jw_init(struct json_writer *jw, struct buf *out)
{
	memset(jw, 0, sizeof(*jw));
	jw->out = out;
	jw->err = out->err;
}

int jw_finish(struct json_writer *jw)
{
	if (!jw->err && jw->out->err)
		jw->err = jw->out->err;
	if (!jw->err && jw->depth != 0)
		jw->err = SG_ERR_INTERNAL;
	return jw->err;
}

/* Comma handling shared by every value: called before writing one. */
static int jw_value_prefix(struct json_writer *jw)
{
	if (jw->err)
		return -1;
	if (jw->after_key) {
		jw->after_key = 0;
		return 0;
	}
	if (jw->depth > 0 && jw->has_items[jw->depth - 1])
		buf_addch(jw->out, ',');
	if (jw->depth > 0)
		jw->has_items[jw->depth - 1] = 1;
	if (jw->out->err)
		jw->err = jw->out->err;
	return jw->err ? -1 : 0;
}

static void jw_open(struct json_writer *jw, char c)
{
	if (jw_value_prefix(jw))
		return;
	if (jw->depth >= JW_MAX_DEPTH) {
		jw->err = SG_ERR_INTERNAL;
		return;
	}
	buf_addch(jw->out, c);
	jw->has_items[jw->depth++] = 0;
}

static void jw_close(struct json_writer *jw, char c)
{
	if (jw->err)
		return;
	if (jw->depth == 0 || jw->after_key) {
		jw->err = SG_ERR_INTERNAL;
		return;
	}
	jw->depth--;
	if (buf_addch(jw->out, c))
		jw->err = jw->out->err;
}

void jw_obj_begin(struct json_writer *jw) { jw_open(jw, '{'); }
void jw_obj_end(struct json_writer *jw) { jw_close(jw, '}'); }
void jw_arr_begin(struct json_writer *jw) { jw_open(jw, '['); }
void jw_arr_end(struct json_writer *jw) { jw_close(jw, ']'); }

int json_quote(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	if (utf8_invalid_at(s, len) != len)
		return b->err ? b->err : SG_ERR_INTERNAL;
	buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t n = 0;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		esc[n++] = '\\';
		switch (c) {
		case '"': esc[n++] = '"'; break;
		case '\\': esc[n++] = '\\'; break;
		case '\n': esc[n++] = 'n'; break;
		case '\r': esc[n++] = 'r'; break;
		case '\t': esc[n++] = 't'; break;
		default:
			esc[n++] = 'u';
			esc[n++] = '0';
			esc[n++] = '0';
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		}
		buf_add(b, esc, n);
	}
	buf_add(b, s + run, len - run);
	return buf_addch(b, '"');
}

void jw_key(struct json_writer *jw, const char *key)
{
	if (jw_value_prefix(jw))
		return;
	if (jw->depth == 0) {
		jw->err = SG_ERR_INTERNAL;
		return;
	}
	if (json_quote(jw->out, key, strlen(key)) || buf_addch(jw->out, ':'))
		jw->err = jw->out->err ? jw->out->err : SG_ERR_INTERNAL;
	jw->after_key = 1;
}

void jw_strn(struct json_writer *jw, const char *s, size_t len)
{
	if (jw_value_prefix(jw))
		return;
	if (json_quote(jw->out, s, len))
		jw->err = jw->out->err ? jw->out->err : SG_ERR_INTERNAL;
}

void jw_str(struct json_writer *jw, const char *s)
{
	if (!s)
		jw_null(jw);
	else
		jw_strn(jw, s, strlen(s));
}

void jw_raw(struct json_writer *jw, const char *json, size_t len)
{
	if (jw_value_prefix(jw))
		return;
	if (buf_add(jw->out, json, len))
		jw->err = jw->out->err;
}

void jw_int(struct json_writer *jw, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);

	jw_raw(jw, tmp, (size_t)n);
}

void jw_double(struct json_writer *jw, double v)
{
	char tmp[32];
	int n;

	if (!isfinite(v)) {
		jw_null(jw);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%.15g", v);
	jw_raw(jw, tmp, (size_t)n);
}

void jw_bool(struct json_writer *jw, int v)
{
	if (v)
		jw_raw(jw, "true", 4);
	else
		jw_raw(jw, "false", 5);
}

void jw_null(struct json_writer *jw) { jw_raw(jw, "null", 4); }

void jw_kv_str(struct json_writer *jw, const char *key, const char *s)
{
	jw_key(jw, key);
	jw_str(jw, s);
}

void jw_kv_int(struct json_writer *jw, const char *key, int64_t v)
{
	jw_key(jw, key);
	jw_int(jw, v);
}

void jw_kv_bool(struct json_writer *jw, const char *key, int v)
{
	jw_key(jw, key);
	jw_bool(jw, v);
}

void jw_kv_null(struct json_writer *jw, const char *key)
{
	jw_key(jw, key);
	jw_null(jw);
}

void jw_kv_str_opt(struct json_writer *jw, const char *key, const char *s)
{
	if (s && *s)
		jw_kv_str(jw, key, s);
	else
		jw_kv_null(jw, key);
}
