/*
 * router.c: route matching and the checks every API request passes
 * through, in one place: session, login, password change due, role, CSRF.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "ratelimit.h"
#include "router.h"
#include "../api/api.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../domain/audit.h"
#include "../domain/auth.h"
#include "../core/banned.h"

/*
 * Match pattern against path; {name} segments capture one non-empty path
 * segment into rc->params. Returns 1 on a match.
 */
static int pattern_match(struct req_ctx *rc, const char *pat, const char *path,
			 size_t plen)
{
	const char *p = path, *end = path + plen;

	rc->nparams = 0;
	while (*pat) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *seg_end = memchr(p, '/', (size_t)(end - p));
			size_t n;

			if (!close || rc->nparams >= RC_MAX_PARAMS)
				return 0;
			if (!seg_end)
				seg_end = end;
			n = (size_t)(seg_end - p);
			if (n == 0 || n >= sizeof(rc->params[0].value))
				return 0;
			rc->params[rc->nparams].name = pat + 1;
			rc->params[rc->nparams].name_len = (size_t)(close - pat - 1);
			memcpy(rc->params[rc->nparams].value, p, n);
			rc->params[rc->nparams].value[n] = '\0';
			rc->nparams++;
			p = seg_end;
			pat = close + 1;
			continue;
		}
		if (p == end || *p != *pat)
			return 0;
		p++;
		pat++;
	}
	return p == end;
}

const struct route *router_match(struct req_ctx *rc, const char *method,
				 const char *path, size_t path_len,
				 int *path_known)
{
	*path_known = 0;
	for (size_t t = 0; t < api_table_count; t++) {
		const struct route_table *tab = api_tables[t];

		for (size_t i = 0; i < tab->count; i++) {
			const struct route *r = &tab->routes[i];

			if (!pattern_match(rc, r->pattern, path, path_len))
				continue;
			if (!strcmp(r->method, method))
				return r;
			*path_known = 1;
		}
	}
	rc->nparams = 0;
	return NULL;
}

static int is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

/*
 * The request path as printable ASCII for the audit record: bytes outside
 * 0x21..0x7e are percent-encoded, so a path with invalid UTF-8 (h2o decodes
 * %FF) still makes a valid record instead of silently skipping the audit.
 */
static void path_for_audit(h2o_req_t *req, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < req->path_normalized.len && o + 4 < outlen; i++) {
		unsigned char c = (unsigned char)req->path_normalized.base[i];

		if (c > 0x20 && c < 0x7f && c != '%') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* Audit a refusal; if even that fails, the refusal still stands (logged). */
static void audit_denial(struct req_ctx *rc, const char *why)
{
	struct err_report er = ERR_REPORT_INIT;
	char path[160], object[176], details[64];
	struct audit_entry e = {
		.action = "permission.denied",
		.object_type = "route",
		.object_id = object,
		.outcome = AUDIT_DENIED,
		.details_json = details,
	};

	path_for_audit(rc_h2o(rc), path, sizeof(path));
	snprintf(object, sizeof(object), "%s %s", rc->method, path);
	snprintf(details, sizeof(details), "{\"reason\":\"%s\"}", why);
	if (audit_append(rc->db, &rc->actor, &e, &er) != SG_OK)
		log_error("audit of a denied request failed: %s", er.detail);
}

static sg_err check_access(struct req_ctx *rc, const struct route *r)
{
	const char *token = rc_session_cookie(rc);
	int signed_in = 0;

	if (r->flags & ROUTE_RATE_LIMITED) {
		struct timespec now;
		int wait;

		clock_gettime(CLOCK_MONOTONIC, &now);
		wait = ratelimit_take(rc_client_ip(rc), (int64_t)now.tv_sec * 1000 +
					       now.tv_nsec / 1000000);
		if (wait) {
			rc->er.retry_after = wait;
			err_type(&rc->er, "rate_limited");
			return err_set(&rc->er, SG_ERR_THROTTLED,
				       "too many requests from your address; "
				       "retry in %d s", wait);
		}
	}
	if (token) {
		struct err_report er = ERR_REPORT_INIT;
		sg_err code = auth_session_resume(rc->db, token, &rc->actor,
						  rc->csrf_token, &er);

		if (code == SG_OK)
			signed_in = 1;
		else if (code != SG_ERR_UNAUTHORIZED) {
			rc->er = er;
			return code;
		}
	}
	if (r->flags & ROUTE_PUBLIC)
		return SG_OK;
	if (!signed_in) {
		err_type(&rc->er, "login_required");
		return err_set(&rc->er, SG_ERR_UNAUTHORIZED,
			       "please sign in (no valid session)");
	}
	if (r->roles && !role_in(rc->actor.role, r->roles)) {
		audit_denial(rc, "role");
		err_type(&rc->er, "role_forbidden");
		return err_set(&rc->er, SG_ERR_FORBIDDEN,
			       "your role (%s) may not do this",
			       role_name(rc->actor.role));
	}
	if (!is_safe_method(rc->method)) {
		const char *sent = rc_header(rc, "x-csrf-token");

		if (!sent || !rc->csrf_token[0] ||
		    !util_streq_ct(sent, rc->csrf_token)) {
			audit_denial(rc, "csrf");
			err_type(&rc->er, "csrf_failed");
			return err_set(&rc->er, SG_ERR_FORBIDDEN,
				       "missing or wrong X-CSRF-Token header");
		}
	}
	if (rc->actor.must_change_password && !(r->flags & ROUTE_PASSWORD_CHANGE)) {
		err_type(&rc->er, "password_change_required");
		return err_set(&rc->er, SG_ERR_FORBIDDEN,
			       "change your one-time password first");
	}
	return SG_OK;
}

void router_run(struct req_ctx *rc, const struct route *r)
{
	sg_err code = check_access(rc, r);

	if (code == SG_OK)
		code = rc_parse_body(rc);
	if (code == SG_OK) {
		code = r->fn(rc);
		if (code == SG_OK && rc->status == 0)
			code = err_set(&rc->er, SG_ERR_INTERNAL,
				       "handler %s %s wrote no reply", r->method,
				       r->pattern);
	}
	if (code != SG_OK) {
		if (rc->er.code == SG_OK)
			err_set(&rc->er, code, "%s", err_name(code));
		rc->status = 0;
		rc->nheaders = 0;
		rc_write_problem(rc);
	}
}
