/*
 * api_registrations.c: the registration cycle (登记), for bureau and org
 * accounts inside their region subtree (domain/registration.h,
 * docs/dev/registration-contract.md):
 *
 *   GET   /api/v1/workers/{id}/registrations     a worker's applications
 *   POST  /api/v1/workers/{id}/registrations     {"kind","qualification_id",
 *         "ce_hours"?} -> 201, state not_applied
 *   GET   /api/v1/registrations                  state, region, kind,
 *         expiring_within (days), q, page, per_page
 *   GET   /api/v1/registrations/{id}             one, with allowed_actions
 *   PATCH /api/v1/registrations/{id}             {"qualification_id"?,
 *         "ce_hours"?}: only in not_applied and pending
 *   POST  /api/v1/registrations/{id}/transitions {"action","reason"?}
 *
 * Who may take which action is the domain's decision (409 for an action
 * the state does not allow, 403 for a role or the first reviewer); the
 * certificate PDF and the public verification live in api_certificates.c.
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/registration.h"
#include "../core/banned.h"

#define REG_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG))

/* A positive integer path parameter; anything else is not found. */
static sg_err path_id(struct req_ctx *rc, const char *what, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such %s", what);
	return SG_OK;
}

static sg_err reply_one(struct req_ctx *rc, int status, int64_t id)
{
	struct registration *r = rc_alloc(rc, sizeof(*r));

	if (registration_get(rc->db, &rc->actor, id, r, &rc->er) != SG_OK)
		return rc->er.code;
	registration_write_json(rc_json(rc, status), r);
	return SG_OK;
}

static int write_item(const struct registration *r, void *arg)
{
	registration_write_json(arg, r);
	return 0;
}

/* The list, with the filters of the query string and a fixed worker or none. */
static sg_err list(struct req_ctx *rc, int64_t worker_id)
{
	struct registration_filter f;
	struct json_writer *jw;
	struct paging p;
	int64_t total;

	memset(&f, 0, sizeof(f));
	f.worker_id = worker_id;
	rc_paging(rc, &p);
	rc_query_str(rc, "state", 16, &f.state);
	rc_query_str(rc, "region", 12, &f.region);
	rc_query_str(rc, "kind", 16, &f.kind);
	rc_query_str(rc, "q", 50, &f.q);
	rc_query_int(rc, "expiring_within", -1, 0, 36600, &f.expiring_within);
	if (rc->er.code != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (registration_list(rc->db, &rc->actor, &f, p.offset, p.per_page, write_item,
			      jw, &total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err registrations_get(struct req_ctx *rc)
{
	return list(rc, 0);
}

static sg_err worker_registrations_get(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, "worker", &id) != SG_OK)
		return rc->er.code;
	return list(rc, id);
}

static sg_err worker_registrations_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 16 },
		{ "qualification_id", FIELD_INT, 1, 0 },
		{ "ce_hours", FIELD_INT, 0, 0 },
	};
	int64_t worker_id, id;

	if (path_id(rc, "worker", &worker_id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (registration_create(rc->db, &rc->actor, worker_id, rc_body_str(rc, "kind"),
				rc_body_int(rc, "qualification_id", 0),
				rc_body_int(rc, "ce_hours", -1), &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 201, id);
}

static sg_err registration_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, "registration", &id) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 200, id);
}

static sg_err registration_patch(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "qualification_id", FIELD_INT, 0, 0 },
		{ "ce_hours", FIELD_INT, 0, 0 },
	};
	int64_t id;

	if (path_id(rc, "registration", &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (registration_update(rc->db, &rc->actor, id,
				rc_body_int(rc, "qualification_id", 0),
				rc_body_has(rc, "ce_hours"),
				rc_body_int(rc, "ce_hours", -1), &rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 200, id);
}

static sg_err transitions_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "action", FIELD_STRING, 1, 32 },
		{ "reason", FIELD_STRING, 0, REGISTRATION_REASON_MAX_CHARS },
	};
	int64_t id;

	if (path_id(rc, "registration", &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (registration_transition(rc->db, &rc->actor, id,
				    registration_action_from_name(rc_body_str(rc, "action")),
				    rc_body_str(rc, "reason"), &rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 200, id);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/workers/{id}/registrations", worker_registrations_get, 0,
	  REG_ROLES },
	{ "POST", "/api/v1/workers/{id}/registrations", worker_registrations_post, 0,
	  REG_ROLES },
	{ "GET", "/api/v1/registrations", registrations_get, 0, REG_ROLES },
	{ "GET", "/api/v1/registrations/{id}", registration_get_one, 0, REG_ROLES },
	{ "PATCH", "/api/v1/registrations/{id}", registration_patch, 0, REG_ROLES },
	{ "POST", "/api/v1/registrations/{id}/transitions", transitions_post, 0,
	  REG_ROLES },
};

const struct route_table api_registration_routes = ROUTE_TABLE(routes);
