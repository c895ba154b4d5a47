/*
 * req.c: request parsing and reply helpers for API handlers; see req.h.
 *
 * Everything here allocates from the h2o request pool (freed when the
 * request ends) except the reply buffer, which is released in rc_send().
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "../core/log.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../core/banned.h"

#define SESSION_COOKIE "sg_session"
#define SESSION_COOKIE_TLS "__Host-sg_session"

void rc_init(struct req_ctx *rc, h2o_req_t *req, db_t *db,
	     const struct server_config *cfg)
{
	memset(rc, 0, sizeof(*rc));
	rc->h2o_req = req;
	rc->db = db;
	rc->cfg = cfg;
	rc->method = h2o_strdup(&req->pool, req->method.base, req->method.len).base;
	buf_init(&rc->out, RC_REPLY_MAX);
	err_clear(&rc->er);
	rc_client_ip(rc);
}

void *rc_alloc(struct req_ctx *rc, size_t n)
{
	return h2o_mem_alloc_pool(&rc_h2o(rc)->pool, n);
}

static char *rc_strndup(struct req_ctx *rc, const char *s, size_t n)
{
	return h2o_strdup(&rc_h2o(rc)->pool, s, n).base;
}

const char *rc_param(struct req_ctx *rc, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < rc->nparams; i++)
		if (rc->params[i].name_len == n &&
		    !memcmp(rc->params[i].name, name, n))
			return rc->params[i].value;
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..n) into pool memory; NULL on a bad escape. */
static char *url_decode(struct req_ctx *rc, const char *s, size_t n)
{
	char *out = rc_alloc(rc, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (memchr(out, '\0', (size_t)(o - out)))
		return NULL;
	return out;
}

/*
 * Find a query parameter: 1 found (value decoded into *out, NULL if the
 * encoding is bad), 0 absent.
 */
static int query_lookup(struct req_ctx *rc, const char *name, char **out)
{
	h2o_req_t *req = rc_h2o(rc);
	const char *q, *end;
	size_t nlen = strlen(name);

	if (req->query_at == SIZE_MAX)
		return 0;
	q = req->path.base + req->query_at + 1;
	end = req->path.base + req->path.len;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *pend = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(pend - q));
		const char *kend = eq ? eq : pend;

		if ((size_t)(kend - q) == nlen && !memcmp(q, name, nlen)) {
			*out = eq ? url_decode(rc, eq + 1, (size_t)(pend - eq - 1))
				  : rc_strndup(rc, "", 0);
			return 1;
		}
		q = pend + 1;
	}
	return 0;
}

const char *rc_query(struct req_ctx *rc, const char *name)
{
	char *v = NULL;

	if (!query_lookup(rc, name, &v) || !v)
		return NULL;
	if (utf8_invalid_at(v, strlen(v)) != strlen(v))
		return NULL;
	return v;
}

sg_err rc_query_str(struct req_ctx *rc, const char *name, size_t max_chars,
		    const char **out)
{
	char *v = NULL;
	size_t len;

	*out = NULL;
	if (!query_lookup(rc, name, &v))
		return SG_OK;
	if (!v)
		return err_field(&rc->er, name, "malformed",
				 "bad percent-encoding");
	len = strlen(v);
	if (utf8_invalid_at(v, len) != len)
		return err_field(&rc->er, name, "invalid_utf8",
				 "not valid UTF-8 at byte %zu",
				 utf8_invalid_at(v, len));
	if (utf8_count(v, len) > max_chars)
		return err_field(&rc->er, name, "too_long",
				 "at most %zu characters", max_chars);
	*out = v;
	return SG_OK;
}

sg_err rc_query_int(struct req_ctx *rc, const char *name, int64_t def,
		    int64_t min, int64_t max, int64_t *out)
{
	char *v = NULL;

	*out = def;
	if (!query_lookup(rc, name, &v) || (v && !*v))
		return SG_OK;
	if (!v || util_parse_int(v, min, max, out))
		return err_field(&rc->er, name, "invalid",
				 "must be a whole number from %lld to %lld",
				 (long long)min, (long long)max);
	return SG_OK;
}

sg_err rc_paging(struct req_ctx *rc, struct paging *p)
{
	if (rc_query_int(rc, "page", 1, 1, 1000000000, &p->page) ||
	    rc_query_int(rc, "per_page", 20, 1, 200, &p->per_page))
		return rc->er.code;
	p->offset = (p->page - 1) * p->per_page;
	return SG_OK;
}

const char *rc_header(struct req_ctx *rc, const char *name)
{
	h2o_req_t *req = rc_h2o(rc);
	size_t nlen = strlen(name);

	for (size_t i = 0; i < req->headers.size; i++) {
		h2o_header_t *h = &req->headers.entries[i];

		if (h->name->len == nlen && !strncasecmp(h->name->base, name, nlen))
			return rc_strndup(rc, h->value.base, h->value.len);
	}
	return NULL;
}

const char *rc_client_ip(struct req_ctx *rc)
{
	h2o_req_t *req = rc_h2o(rc);
	struct sockaddr_storage ss;
	socklen_t len;

	if (rc->actor.ip[0])
		return rc->actor.ip;
	if (rc->cfg && rc->cfg->trust_proxy) {
		const char *xff = rc_header(rc, "x-forwarded-for");

		if (xff) {
			const char *last = strrchr(xff, ',');

			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			util_strlcpy(rc->actor.ip, last, sizeof(rc->actor.ip));
			return rc->actor.ip;
		}
	}
	len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	if (len == 0)
		return rc->actor.ip;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			  rc->actor.ip, sizeof(rc->actor.ip));
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  rc->actor.ip, sizeof(rc->actor.ip));
	return rc->actor.ip;
}

/* ---- JSON body ------------------------------------------------------- */

sg_err rc_parse_body(struct req_ctx *rc)
{
	h2o_req_t *req = rc_h2o(rc);
	const char *ct;
	json_error_t jerr;
	size_t at;

	if (req->entity.base == NULL || req->entity.len == 0)
		return SG_OK;
	ct = rc_header(rc, "content-type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return err_set(&rc->er, SG_ERR_UNSUPPORTED,
			       "request body must be application/json");
	at = utf8_invalid_at(req->entity.base, req->entity.len);
	if (at != req->entity.len)
		return err_set(&rc->er, SG_ERR_MALFORMED,
			       "request body is not valid UTF-8 at byte %zu", at);
	rc->body = json_loadb(req->entity.base, req->entity.len,
			      JSON_REJECT_DUPLICATES, &jerr);
	if (!rc->body)
		return err_set(&rc->er, SG_ERR_MALFORMED,
			       "malformed JSON at line %d, column %d (byte %d): %s",
			       jerr.line, jerr.column, jerr.position, jerr.text);
	return SG_OK;
}

static const char *field_type_name(enum field_type t)
{
	switch (t) {
	case FIELD_STRING: return "a string";
	case FIELD_INT: return "a whole number";
	case FIELD_BOOL: return "true or false";
	case FIELD_OBJECT: return "an object";
	case FIELD_NUMBER: return "a number";
	case FIELD_STRINGS: return "an array of strings";
	}
	return "?";
}

static int field_type_ok(enum field_type t, json_t *v)
{
	switch (t) {
	case FIELD_STRING: return json_is_string(v);
	case FIELD_INT: return json_is_integer(v);
	case FIELD_BOOL: return json_is_boolean(v);
	case FIELD_OBJECT: return json_is_object(v);
	case FIELD_NUMBER: return json_is_number(v);
	case FIELD_STRINGS: {
		size_t i;
		json_t *item;

		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, item)
			if (!json_is_string(item) ||
			    memchr(json_string_value(item), '\0', json_string_length(item)))
				return 0;
		return 1;
	}
	}
	return 0;
}

sg_err rc_body_check(struct req_ctx *rc, const struct field_spec *specs,
		     size_t nspecs)
{
	const char *key;
	json_t *v;

	if (!rc->body)
		return err_set(&rc->er, SG_ERR_MALFORMED,
			       "a JSON object is required as the request body");
	if (!json_is_object(rc->body))
		return err_set(&rc->er, SG_ERR_MALFORMED,
			       "the request body must be a JSON object");
	json_object_foreach(rc->body, key, v) {
		size_t i;

		for (i = 0; i < nspecs; i++)
			if (!strcmp(specs[i].name, key))
				break;
		if (i == nspecs) {
			err_field(&rc->er, key, "unknown", "unknown field");
			continue;
		}
		if (json_is_null(v))
			continue;
		if (!field_type_ok(specs[i].type, v)) {
			err_field(&rc->er, key, "type", "must be %s",
				  field_type_name(specs[i].type));
			continue;
		}
		if (specs[i].type == FIELD_STRING) {
			size_t max = specs[i].max_chars ? specs[i].max_chars : 1000;
			const char *s = json_string_value(v);
			size_t len = json_string_length(v);

			if (memchr(s, '\0', len))
				err_field(&rc->er, key, "invalid",
					  "must not contain NUL characters");
			else if (utf8_count(s, len) > max)
				err_field(&rc->er, key, "too_long",
					  "at most %zu characters", max);
		}
		if (specs[i].type == FIELD_STRINGS) {
			size_t max = specs[i].max_chars ? specs[i].max_chars : 50;

			if (json_array_size(v) > max)
				err_field(&rc->er, key, "too_long",
					  "at most %zu items", max);
		}
	}
	for (size_t i = 0; i < nspecs; i++) {
		json_t *f = json_object_get(rc->body, specs[i].name);

		if (specs[i].required && (!f || json_is_null(f) ||
		    (json_is_string(f) && json_string_length(f) == 0)))
			err_field(&rc->er, specs[i].name, "required",
				  "is required");
	}
	return rc->er.code;
}

const char **rc_body_strings(struct req_ctx *rc, const char *name, size_t *n)
{
	json_t *v = rc->body ? json_object_get(rc->body, name) : NULL;
	const char **out;

	*n = 0;
	if (!json_is_array(v))
		return NULL;
	out = rc_alloc(rc, (json_array_size(v) + 1) * sizeof(*out));
	for (size_t i = 0; out && i < json_array_size(v); i++) {
		json_t *item = json_array_get(v, i);

		if (json_is_string(item))
			out[(*n)++] = json_string_value(item);
	}
	return out;
}

double rc_body_double(struct req_ctx *rc, const char *name, double def)
{
	json_t *v = rc->body ? json_object_get(rc->body, name) : NULL;

	return json_is_number(v) ? json_number_value(v) : def;
}

const char *rc_body_str(struct req_ctx *rc, const char *name)
{
	json_t *v = rc->body ? json_object_get(rc->body, name) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t rc_body_int(struct req_ctx *rc, const char *name, int64_t def)
{
	json_t *v = rc->body ? json_object_get(rc->body, name) : NULL;

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

int rc_body_bool(struct req_ctx *rc, const char *name, int def)
{
	json_t *v = rc->body ? json_object_get(rc->body, name) : NULL;

	return json_is_boolean(v) ? json_is_true(v) : def;
}

int rc_body_has(struct req_ctx *rc, const char *name)
{
	return rc->body && json_object_get(rc->body, name) != NULL;
}

/* ---- replies ---------------------------------------------------------- */

struct json_writer *rc_json(struct req_ctx *rc, int status)
{
	buf_reset(&rc->out);
	rc->raw = 0;
	rc->status = status;
	rc->content_type = "application/json; charset=utf-8";
	jw_init(&rc->jw, &rc->out);
	return &rc->jw;
}

void rc_no_content(struct req_ctx *rc)
{
	buf_reset(&rc->out);
	rc->status = 204;
	rc->content_type = NULL;
}

sg_err rc_bytes(struct req_ctx *rc, int status, const char *content_type,
		const void *data, size_t len)
{
	buf_reset(&rc->out);
	if (buf_add(&rc->out, data, len))
		return err_set(&rc->er, SG_ERR_TOO_LARGE, "reply too large");
	rc->status = status;
	rc->content_type = content_type;
	rc->raw = 1;
	return SG_OK;
}

void rc_file(struct req_ctx *rc, const char *content_type, const char *path)
{
	size_t n = strlen(path) + 1;
	char *copy = rc_alloc(rc, n);

	memcpy(copy, path, n);
	rc->file = copy;
	rc->status = 200;
	rc->content_type = content_type;
	rc->raw = 1;
}

struct json_writer *rc_list_begin(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);

	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	return jw;
}

void rc_list_end(struct req_ctx *rc, int64_t total, const struct paging *p)
{
	struct json_writer *jw = &rc->jw;

	jw_arr_end(jw);
	jw_kv_int(jw, "total", total);
	jw_kv_int(jw, "page", p->page);
	jw_kv_int(jw, "per_page", p->per_page);
	jw_obj_end(jw);
}

void rc_add_header(struct req_ctx *rc, const char *name, const char *value)
{
	if (rc->nheaders >= RC_MAX_HEADERS)
		return;
	rc->headers[rc->nheaders].name = name;
	rc->headers[rc->nheaders].value = rc_strndup(rc, value, strlen(value));
	rc->nheaders++;
}

void rc_set_session_cookie(struct req_ctx *rc, const char *token)
{
	int tls = rc->cfg && rc->cfg->behind_tls;
	char cookie[256];

	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
		 tls ? SESSION_COOKIE_TLS : SESSION_COOKIE, token ? token : "",
		 tls ? "; Secure" : "", token ? "" : "; Max-Age=0");
	rc_add_header(rc, "set-cookie", cookie);
}

const char *rc_session_cookie(struct req_ctx *rc)
{
	h2o_req_t *req = rc_h2o(rc);
	const char *want = rc->cfg && rc->cfg->behind_tls ? SESSION_COOKIE_TLS
							  : SESSION_COOKIE;
	size_t wlen = strlen(want);

	for (size_t i = 0; i < req->headers.size; i++) {
		h2o_header_t *h = &req->headers.entries[i];
		const char *p, *end;

		if (h->name != &H2O_TOKEN_COOKIE->buf)
			continue;
		p = h->value.base;
		end = p + h->value.len;
		while (p < end) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			const char *cend = semi ? semi : end;

			while (p < cend && *p == ' ')
				p++;
			if ((size_t)(cend - p) > wlen && !memcmp(p, want, wlen) &&
			    p[wlen] == '=')
				return rc_strndup(rc, p + wlen + 1,
						  (size_t)(cend - p - wlen - 1));
			p = cend + 1;
		}
	}
	return NULL;
}

static const char *status_title(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	}
	return status >= 500 ? "Internal Server Error" : "Error";
}

void rc_write_problem(struct req_ctx *rc)
{
	struct err_report *er = &rc->er;
	int status = rc->status >= 400 ? rc->status : err_http_status(er->code);
	struct json_writer *jw;
	char type[64];

	/* internals stay out of the reply; they go to the log */
	if (status >= 500)
		log_error("%s %.*s: %s", rc->method,
			  (int)rc_h2o(rc)->path_normalized.len,
			  rc_h2o(rc)->path_normalized.base, er->detail);
	snprintf(type, sizeof(type), "/problems/%s",
		 er->type[0] ? er->type : err_name(er->code));
	jw = rc_json(rc, status);
	rc->content_type = "application/problem+json; charset=utf-8";
	jw_obj_begin(jw);
	jw_kv_str(jw, "type", type);
	jw_kv_str(jw, "title", status_title(status));
	jw_kv_int(jw, "status", status);
	jw_kv_str(jw, "detail", status >= 500 ? "internal error, see the server log"
					   : er->detail);
	jw_key(jw, "errors");
	jw_arr_begin(jw);
	for (size_t i = 0; i < er->nfields; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "field", er->fields[i].field);
		jw_kv_str(jw, "code", er->fields[i].code);
		jw_kv_str(jw, "message", er->fields[i].message);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	if (er->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%d", er->retry_after);
		rc_add_header(rc, "retry-after", ra);
	}
}

void rc_send(struct req_ctx *rc)
{
	h2o_req_t *req = rc_h2o(rc);

	if (rc->status == 0 || (rc->content_type && !rc->raw &&
				rc->status != 204 && jw_finish(&rc->jw) != 0)) {
		err_clear(&rc->er);
		err_set(&rc->er, SG_ERR_INTERNAL, "reply could not be written");
		rc->status = 0;
		rc->nheaders = 0;
		rc_write_problem(rc);
	}
	req->res.status = rc->status;
	req->res.reason = status_title(rc->status);
	if (rc->content_type && !rc->file)
		h2o_add_header(&req->pool, &req->res.headers,
			       H2O_TOKEN_CONTENT_TYPE, NULL, rc->content_type,
			       strlen(rc->content_type));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL,
		       NULL, H2O_STRLIT("no-store"));
	for (size_t i = 0; i < rc->nheaders; i++)
		h2o_add_header_by_str(&req->pool, &req->res.headers,
				      rc->headers[i].name,
				      strlen(rc->headers[i].name), 1, NULL,
				      rc->headers[i].value,
				      strlen(rc->headers[i].value));
	if (rc->file) {
		/* h2o sets the type and length and streams the file */
		h2o_iovec_t mime = h2o_iovec_init(rc->content_type, strlen(rc->content_type));

		if (h2o_file_send(req, rc->status, req->res.reason, rc->file, mime, 0) != 0)
			h2o_send_error_404(req, "Not Found", "the file is gone", 0);
	} else {
		h2o_send_inline(req, buf_cstr(&rc->out), rc->out.len);
	}
	buf_release(&rc->out);
	if (rc->body)
		json_decref(rc->body);
	rc->body = NULL;
}
