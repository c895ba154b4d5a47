/*
 * api_audit.c: GET /api/v1/audit, POST /api/v1/audit/verify and
 * GET /api/v1/jobs/{id}.
 *
 * Only the security and audit administrators reach the audit routes; the
 * system administrator has none, and no route changes or deletes a record.
 * Reading the log is not itself audited (it would flood the log with its
 * own reads). Verification is long work, so it runs as a job: the handler
 * queues it and answers 202 with the job, which the client then polls.
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/audit.h"
#include "../domain/jobs.h"
#include "../core/banned.h"

static int write_record(const struct audit_record *r, void *arg)
{
	struct json_writer *jw = arg;

	jw_obj_begin(jw);
	jw_kv_int(jw, "id", r->id);
	jw_kv_str(jw, "ts", r->ts);
	jw_kv_str(jw, "user_login", r->login);
	jw_kv_str(jw, "ip", r->ip);
	jw_kv_str(jw, "action", r->action);
	jw_kv_str(jw, "object_type", r->object_type);
	jw_kv_str(jw, "object_id", r->object_id);
	jw_kv_str(jw, "outcome", r->outcome);
	jw_key(jw, "details");
	if (r->details)
		jw_raw(jw, r->details, strlen(r->details)); /* checked at append */
	else
		jw_null(jw);
	jw_obj_end(jw);
	return 0;
}

static sg_err audit_get(struct req_ctx *rc)
{
	struct audit_filter f;
	struct paging p;
	struct json_writer *jw;
	int64_t total;

	memset(&f, 0, sizeof(f));
	if (rc_paging(rc, &p) || rc_query_str(rc, "action", 64, &f.action) ||
	    rc_query_str(rc, "user", 64, &f.login) ||
	    rc_query_str(rc, "outcome", 16, &f.outcome) ||
	    rc_query_str(rc, "from", 32, &f.from) ||
	    rc_query_str(rc, "to", 32, &f.to))
		return rc->er.code;
	/* items stream into the reply as they are read; if the query fails,
	   the problem reply replaces them */
	jw = rc_list_begin(rc);
	if (audit_list(rc->db, &rc->actor, &f, p.offset, p.per_page,
		       write_record, jw, &total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err audit_verify_post(struct req_ctx *rc)
{
	int64_t id;

	if (rc->body && rc_body_check(rc, NULL, 0) != SG_OK)
		return rc->er.code;
	if (jobs_submit(rc->db, &rc->actor, "audit_verify", NULL, &id,
			&rc->er) != SG_OK)
		return rc->er.code;
	return api_reply_job(rc, 202, id);
}

static sg_err job_get(struct req_ctx *rc)
{
	int64_t id;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such job");
	return api_reply_job(rc, 200, id);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/audit", audit_get, 0, ROLES_AUDIT_READERS },
	{ "POST", "/api/v1/audit/verify", audit_verify_post, 0,
	  ROLES_AUDIT_READERS },
	{ "GET", "/api/v1/jobs/{id}", job_get, 0, 0 },
};

const struct route_table api_audit_routes = ROUTE_TABLE(routes);
