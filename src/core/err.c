/*
 * err.c: error report helpers and the one mapping from sg_err to HTTP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "utf8.h"
#include "banned.h"

/*
 * Texts here are cut to fixed slots; a cut inside a multi-byte character
 * would make invalid UTF-8 that the JSON writer refuses. Back up to the
 * last whole character.
 */
static void trim_utf8(char *s)
{
	size_t len = strlen(s), ok = utf8_invalid_at(s, len);

	if (ok < len)
		s[ok] = '\0';
}

void err_clear(struct err_report *r)
{
	r->code = SG_OK;
	r->retry_after = 0;
	r->type[0] = '\0';
	r->detail[0] = '\0';
	r->nfields = 0;
}

sg_err err_set(struct err_report *r, sg_err code, const char *fmt, ...)
{
	va_list ap;

	if (!r)
		return code;
	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	trim_utf8(r->detail);
	return code;
}

sg_err err_field(struct err_report *r, const char *field, const char *code,
		 const char *fmt, ...)
{
	va_list ap;
	struct err_field *f;

	if (!r)
		return SG_ERR_INVALID;
	if (r->code == SG_OK)
		r->code = SG_ERR_INVALID;
	if (r->nfields >= ERR_MAX_FIELDS)
		return r->code;
	f = &r->fields[r->nfields++];
	snprintf(f->field, sizeof(f->field), "%s", field);
	snprintf(f->code, sizeof(f->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	trim_utf8(f->field);
	trim_utf8(f->code);
	trim_utf8(f->message);
	if (!r->detail[0]) {
		snprintf(r->detail, sizeof(r->detail), "%s: %s", f->field,
			 f->message);
		trim_utf8(r->detail);
	}
	return r->code;
}

void err_type(struct err_report *r, const char *type)
{
	if (r)
		snprintf(r->type, sizeof(r->type), "%s", type);
}

static const struct {
	int status;
	const char *name;
} err_table[] = {
	[SG_OK] = { 200, "ok" },
	[SG_ERR_MALFORMED] = { 400, "malformed" },
	[SG_ERR_UNAUTHORIZED] = { 401, "unauthorized" },
	[SG_ERR_FORBIDDEN] = { 403, "forbidden" },
	[SG_ERR_NOT_FOUND] = { 404, "not_found" },
	[SG_ERR_CONFLICT] = { 409, "conflict" },
	[SG_ERR_TOO_LARGE] = { 413, "too_large" },
	[SG_ERR_UNSUPPORTED] = { 415, "unsupported_media_type" },
	[SG_ERR_INVALID] = { 422, "invalid" },
	[SG_ERR_THROTTLED] = { 429, "throttled" },
	[SG_ERR_NOMEM] = { 500, "out_of_memory" },
	[SG_ERR_DB] = { 500, "database_error" },
	[SG_ERR_IO] = { 500, "io_error" },
	[SG_ERR_INTERNAL] = { 500, "internal_error" },
};

int err_http_status(sg_err code)
{
	if ((size_t)code >= sizeof(err_table) / sizeof(err_table[0]))
		return 500;
	return err_table[code].status;
}

const char *err_name(sg_err code)
{
	if ((size_t)code >= sizeof(err_table) / sizeof(err_table[0]))
		return "internal_error";
	return err_table[code].name;
}
