/*
 * err.h: the one error enum of shegong and the report that carries it.
 *
 * Domain functions return an sg_err and, when the caller passes a report,
 * describe the failure there: a one-line detail and, for invalid input, the
 * fields at fault. The HTTP layer maps a report to application/problem+json
 * in one place (http/req.c: rc_problem); the CLI prints the detail.
 *
 * A report is a fixed-size value: no allocation, safe to keep on the stack.
 * Texts longer than their slots are truncated, never overflowed.
 */
#ifndef SG_ERR_H
#define SG_ERR_H

#include <stddef.h>

typedef enum sg_err {
	SG_OK = 0,
	SG_ERR_MALFORMED,    /* 400: input that cannot be parsed at all */
	SG_ERR_UNAUTHORIZED, /* 401: no or bad credentials / session */
	SG_ERR_FORBIDDEN,    /* 403: authenticated but not allowed */
	SG_ERR_NOT_FOUND,    /* 404 */
	SG_ERR_CONFLICT,     /* 409: duplicate or state conflict */
	SG_ERR_TOO_LARGE,    /* 413 */
	SG_ERR_UNSUPPORTED,  /* 415: wrong content type */
	SG_ERR_INVALID,      /* 422: parsed, but field values break a rule */
	SG_ERR_THROTTLED,    /* 429: too many attempts, retry later */
	SG_ERR_NOMEM,        /* 500 */
	SG_ERR_DB,           /* 500: the database failed */
	SG_ERR_IO,           /* 500: a file or the system failed */
	SG_ERR_INTERNAL      /* 500: a bug */
} sg_err;

#define ERR_MAX_FIELDS 16

struct err_field {
	char field[64];    /* API field name, e.g. "region_code" or "rows[3].name" */
	char code[32];     /* machine code: required, invalid, too_long, ... */
	char message[256]; /* human sentence, English; the UI localises by code */
};

struct err_report {
	sg_err code;
	int retry_after;       /* seconds, for SG_ERR_THROTTLED; 0 otherwise */
	char type[40];         /* problem type when more precise than the code,
				  e.g. "password_change_required"; "" = code */
	char detail[512];
	size_t nfields;
	struct err_field fields[ERR_MAX_FIELDS];
};

#define ERR_REPORT_INIT { SG_OK, 0, "", "", 0, {{"", "", ""}} }

/* Reset a report to SG_OK with no fields. */
void err_clear(struct err_report *r);

/*
 * Set the code and detail; returns code so that callers can write
 * `return err_set(r, SG_ERR_NOT_FOUND, "region %s", code);`.
 * r may be NULL (then only the code is returned).
 */
sg_err err_set(struct err_report *r, sg_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Add one field error and set the code to SG_ERR_INVALID unless a code is
 * already set. Fields past ERR_MAX_FIELDS are counted into the detail only.
 * Returns SG_ERR_INVALID (or the code already set).
 */
sg_err err_field(struct err_report *r, const char *field, const char *code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Name the problem type more precisely than the code ("csrf_failed"). */
void err_type(struct err_report *r, const char *type);

/* HTTP status for a code (500 for the internal ones). */
int err_http_status(sg_err code);

/* Stable short name of a code, e.g. "not_found". */
const char *err_name(sg_err code);

#endif
