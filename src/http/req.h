/*
 * req.h: what an API handler sees of an HTTP request, and how it replies.
 *
 * Handlers (src/api/) are thin: parse and check input with the rc_*
 * helpers, call one domain function, write JSON. They never write SQL and
 * never touch libh2o directly.
 *
 * Contract of a handler (route_fn):
 *  - success: write the reply with rc_json() (then the writer), rc_list_*,
 *    or rc_no_content(), and return SG_OK;
 *  - failure: fill rc->er (err_set / err_field, or pass &rc->er to the
 *    domain function) and return its code; the router then sends
 *    application/problem+json built from rc->er in one place.
 *
 * Memory: everything a req_ctx points to lives until the response is sent.
 * rc_alloc() gives request-lifetime memory (freed with the request).
 */
#ifndef SG_REQ_H
#define SG_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../domain/actor.h"

#define RC_MAX_PARAMS 4
#define RC_MAX_HEADERS 6

struct server_config;

struct req_ctx {
	void *h2o_req;               /* h2o_req_t *, for http/ only */
	db_t *db;                    /* this event loop's connection */
	const struct server_config *cfg;
	struct actor actor;          /* the session's user; user_id 0 if none */
	char csrf_token[48];         /* the session's CSRF token, "" if none */
	const char *method;          /* "GET", "POST", ... (NUL-terminated) */
	json_t *body;                /* parsed JSON body, or NULL */

	size_t nparams;              /* path parameters, from {name} in routes */
	struct {
		const char *name;    /* points into the route pattern */
		size_t name_len;
		char value[128];
	} params[RC_MAX_PARAMS];

	struct err_report er;        /* filled by a failing handler */
	int status;                  /* reply status, 0 until a reply starts */
	const char *content_type;    /* of the reply */
	int raw;                     /* reply is rc_bytes(), not JSON */
	const char *file;            /* reply is this file (rc_file()), or NULL */
	struct buf out;              /* reply body */
	struct json_writer jw;       /* writer over out, for rc_json() */

	size_t nheaders;             /* extra reply headers */
	struct {
		const char *name;
		char *value;         /* request-lifetime memory */
	} headers[RC_MAX_HEADERS];
};

/* Request-lifetime memory; never NULL (aborts on exhaustion like h2o). */
void *rc_alloc(struct req_ctx *rc, size_t n);

/* A path parameter by name ({code} in the route), or NULL. */
const char *rc_param(struct req_ctx *rc, const char *name);

/*
 * A query-string parameter, percent-decoded and checked as UTF-8, in
 * request memory; NULL if absent. An invalid encoding counts as absent
 * and is reported by rc_query_str() instead.
 */
const char *rc_query(struct req_ctx *rc, const char *name);
/*
 * Strict versions that fill rc->er and return its code on bad input:
 * rc_query_str() checks UTF-8 and max_chars (code points); rc_query_int()
 * parses a whole integer in [min, max] (absent: *out = def, SG_OK).
 */
sg_err rc_query_str(struct req_ctx *rc, const char *name, size_t max_chars,
		    const char **out);
sg_err rc_query_int(struct req_ctx *rc, const char *name, int64_t def,
		    int64_t min, int64_t max, int64_t *out);

/* A request header (case-insensitive name) in request memory, or NULL. */
const char *rc_header(struct req_ctx *rc, const char *name);

struct paging {
	int64_t page;     /* 1-based */
	int64_t per_page; /* 1..200, default 20 */
	int64_t offset;   /* (page - 1) * per_page */
};
/* Read ?page=&per_page= (defaults 1 and 20, per_page at most 200). */
sg_err rc_paging(struct req_ctx *rc, struct paging *p);

/*
 * Body validation from a table (kvalid style). Checks that the body is a
 * JSON object, that it has no field outside the table, that each present
 * field has the declared type, that required fields are present and
 * non-null, and that strings fit max_chars code points (0: 1000). All
 * problems are collected into rc->er with the field named.
 */
enum field_type {
	FIELD_STRING, FIELD_INT, FIELD_BOOL, FIELD_OBJECT,
	FIELD_NUMBER,  /* integer or decimal */
	FIELD_STRINGS, /* array of strings; max_chars is the most items (0: 50) */
};
struct field_spec {
	const char *name;
	enum field_type type;
	int required;
	size_t max_chars;
};
sg_err rc_body_check(struct req_ctx *rc, const struct field_spec *specs,
		     size_t nspecs);
/* After rc_body_check: the field's value, or NULL/def when absent or null. */
const char *rc_body_str(struct req_ctx *rc, const char *name);
/* A FIELD_STRINGS field as an array in request memory (*n items), or NULL. */
const char **rc_body_strings(struct req_ctx *rc, const char *name, size_t *n);
double rc_body_double(struct req_ctx *rc, const char *name, double def);
int64_t rc_body_int(struct req_ctx *rc, const char *name, int64_t def);
int rc_body_bool(struct req_ctx *rc, const char *name, int def);
/* 1 if the field is present in the body (even as null). */
int rc_body_has(struct req_ctx *rc, const char *name);

/* Start a JSON reply with this status; returns the writer to fill. */
struct json_writer *rc_json(struct req_ctx *rc, int status);
/* 204 with no body. */
void rc_no_content(struct req_ctx *rc);
/*
 * Reply with the file at path, streamed from disk by h2o (nothing held in
 * memory, so any size): for finished exports. content_type must be a string
 * literal; path is copied. A file that cannot be opened by then is a 404.
 */
void rc_file(struct req_ctx *rc, const char *content_type, const char *path);

/*
 * A non-JSON reply (a PDF, a CSV): copies len bytes of data; content_type
 * must be a string literal. SG_OK, or SG_ERR_TOO_LARGE past the reply cap.
 */
sg_err rc_bytes(struct req_ctx *rc, int status, const char *content_type,
		const void *data, size_t len);
/*
 * Paged list reply: rc_list_begin() opens {"items":[ ; write each item with
 * the returned writer; rc_list_end() closes with total, page and per_page.
 */
struct json_writer *rc_list_begin(struct req_ctx *rc);
void rc_list_end(struct req_ctx *rc, int64_t total, const struct paging *p);

/* Add a reply header (name must be a string literal). */
void rc_add_header(struct req_ctx *rc, const char *name, const char *value);
/*
 * Set or clear (value NULL) the session cookie, with HttpOnly,
 * SameSite=Strict, Path=/, and Secure + the __Host- prefix when the server
 * runs behind TLS.
 */
void rc_set_session_cookie(struct req_ctx *rc, const char *token);
/* The session cookie's value from the request, or NULL. */
const char *rc_session_cookie(struct req_ctx *rc);

/* Client IP as text ("" if unknown), already copied into rc->actor.ip. */
const char *rc_client_ip(struct req_ctx *rc);

#endif
