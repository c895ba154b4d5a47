/*
 * api_selfservice.c: a social worker's own record (domain/selfservice.h):
 *
 *   GET  /api/v1/me/worker          worker, qualifications, employments,
 *                                   records, pools; ID number masked
 *   GET  /api/v1/me/worker/export   the same as a JSON file download
 *   GET  /api/v1/me/worker/export.pdf   the same, printable (PDF)
 *   POST /api/v1/me/worker/reveal   {"reason"} -> {"id_number"}, audited
 *   PUT  /api/v1/workers/{id}/account   {"user_id"} link a worker-role
 *                                   user to the record (bureau; 0 unlinks)
 *   GET  /api/v1/me/worker/corrections   the caller's correction requests
 *   POST /api/v1/me/worker/corrections   {"field","new_value","reason"} (201)
 *   GET  /api/v1/corrections?state=      review queue of a bureau's scope
 *   POST /api/v1/corrections/{id}/approve   apply through the worker update
 *   POST /api/v1/corrections/{id}/reject    {"reason"}
 *
 * The record is found through the caller's account, never from the URL.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/certpdf.h"
#include "../domain/correction.h"
#include "../domain/selfservice.h"
#include "../domain/worker.h"
#include "../core/banned.h"

static sg_err me_worker_get(struct req_ctx *rc)
{
	return selfservice_write(rc->db, &rc->actor, rc_json(rc, 200), &rc->er);
}

static sg_err me_worker_export(struct req_ctx *rc)
{
	if (selfservice_write(rc->db, &rc->actor, rc_json(rc, 200), &rc->er) != SG_OK)
		return rc->er.code;
	rc_add_header(rc, "Content-Disposition", "attachment; filename=\"my-record.json\"");
	return SG_OK;
}

static sg_err me_worker_pdf(struct req_ctx *rc)
{
	struct buf *pdf = rc_alloc(rc, sizeof(*pdf));
	sg_err code;

	buf_init(pdf, CERTPDF_MAX_BYTES);
	if (selfservice_pdf(rc->db, &rc->actor, pdf, &rc->er) != SG_OK) {
		buf_release(pdf);
		return rc->er.code;
	}
	rc_add_header(rc, "Content-Disposition", "attachment; filename=\"my-record.pdf\"");
	code = rc_bytes(rc, 200, "application/pdf", buf_cstr(pdf), pdf->len);
	buf_release(pdf);
	return code;
}

static sg_err me_worker_reveal(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "reason", FIELD_STRING, 1, WORKER_REASON_MAX_CHARS },
	};
	char number[IDCARD_SIZE];
	struct json_writer *jw;

	if (rc_body_check(rc, spec, 1) != SG_OK)
		return rc->er.code;
	if (selfservice_reveal(rc->db, &rc->actor, rc_body_str(rc, "reason"), number,
			       &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "id_number", number);
	jw_obj_end(jw);
	memset(number, 0, sizeof(number));
	return SG_OK;
}

static sg_err worker_account_put(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "user_id", FIELD_INT, 1, 0 },
	};
	int64_t id;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such worker");
	if (rc_body_check(rc, spec, 1) != SG_OK)
		return rc->er.code;
	if (selfservice_link(rc->db, &rc->actor, id, rc_body_int(rc, "user_id", 0),
			     &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static int write_corr(const struct correction *c, void *arg)
{
	correction_write_json(arg, c);
	return 0;
}

static sg_err reply_corr(struct req_ctx *rc, int status, int64_t id)
{
	struct correction *c = rc_alloc(rc, sizeof(*c));

	if (correction_get(rc->db, &rc->actor, id, c, &rc->er) != SG_OK)
		return rc->er.code;
	correction_write_json(rc_json(rc, status), c);
	return SG_OK;
}

static sg_err my_corrections_get(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);

	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	if (correction_mine(rc->db, &rc->actor, write_corr, jw, &rc->er) != SG_OK)
		return rc->er.code;
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err my_corrections_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "field", FIELD_STRING, 1, 16 },
		{ "new_value", FIELD_STRING, 1, CORRECTION_VALUE_MAX_CHARS },
		{ "reason", FIELD_STRING, 1, WORKER_REASON_MAX_CHARS },
	};
	int64_t id;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (correction_request(rc->db, &rc->actor, rc_body_str(rc, "field"),
			       rc_body_str(rc, "new_value"), rc_body_str(rc, "reason"), &id,
			       &rc->er) != SG_OK)
		return rc->er.code;
	return reply_corr(rc, 201, id);
}

static sg_err corrections_get(struct req_ctx *rc)
{
	const char *state = NULL;
	struct json_writer *jw;
	struct paging p;
	int64_t total;

	rc_paging(rc, &p);
	rc_query_str(rc, "state", 16, &state);
	if (rc->er.code != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (correction_list(rc->db, &rc->actor, state, p.offset, p.per_page, write_corr, jw,
			    &total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err decide(struct req_ctx *rc, int approve)
{
	static const struct field_spec spec[] = {
		{ "reason", FIELD_STRING, 0, WORKER_REASON_MAX_CHARS },
	};
	int64_t id;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such correction");
	if (rc_body_check(rc, spec, 1) != SG_OK)
		return rc->er.code;
	if (correction_decide(rc->db, &rc->actor, id, approve, rc_body_str(rc, "reason"),
			      &rc->er) != SG_OK)
		return rc->er.code;
	return reply_corr(rc, 200, id);
}

static sg_err correction_approve(struct req_ctx *rc)
{
	return decide(rc, 1);
}

static sg_err correction_reject(struct req_ctx *rc)
{
	return decide(rc, 0);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/me/worker", me_worker_get, 0, ROLE_BIT(ROLE_WORKER) },
	{ "GET", "/api/v1/me/worker/export", me_worker_export, 0, ROLE_BIT(ROLE_WORKER) },
	{ "GET", "/api/v1/me/worker/export.pdf", me_worker_pdf, 0, ROLE_BIT(ROLE_WORKER) },
	{ "POST", "/api/v1/me/worker/reveal", me_worker_reveal, 0, ROLE_BIT(ROLE_WORKER) },
	{ "GET", "/api/v1/me/worker/corrections", my_corrections_get, 0, ROLE_BIT(ROLE_WORKER) },
	{ "POST", "/api/v1/me/worker/corrections", my_corrections_post, 0,
	  ROLE_BIT(ROLE_WORKER) },
	{ "PUT", "/api/v1/workers/{id}/account", worker_account_put, 0, ROLE_BIT(ROLE_BUREAU) },
	{ "GET", "/api/v1/corrections", corrections_get, 0, ROLE_BIT(ROLE_BUREAU) },
	{ "POST", "/api/v1/corrections/{id}/approve", correction_approve, 0,
	  ROLE_BIT(ROLE_BUREAU) },
	{ "POST", "/api/v1/corrections/{id}/reject", correction_reject, 0,
	  ROLE_BIT(ROLE_BUREAU) },
};

const struct route_table api_selfservice_routes = ROUTE_TABLE(routes);
