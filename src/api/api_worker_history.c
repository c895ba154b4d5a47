/*
 * api_worker_history.c: a worker's service history, honours and
 * disciplinary records, and talent pools (domain/employment.h, pool.h):
 *
 *   GET    /api/v1/workers/{id}/employments          latest first
 *   POST   /api/v1/workers/{id}/employments          add (201)
 *   PUT    /api/v1/workers/{id}/employments/{eid}    replace
 *   DELETE /api/v1/workers/{id}/employments/{eid}    bureau only
 *   GET    /api/v1/workers/{id}/records?kind=        honours, discipline
 *   POST   /api/v1/workers/{id}/records              add (201)
 *   DELETE /api/v1/workers/{id}/records/{rid}        bureau only
 *   GET    /api/v1/workers/{id}/pools                memberships, history kept
 *   POST   /api/v1/workers/{id}/pools                join a pool (201), bureau
 *   PATCH  /api/v1/workers/{id}/pools/{pid}          grade, recertify_on, bureau
 *   DELETE /api/v1/workers/{id}/pools/{pid}          leave, bureau
 *   GET    /api/v1/pools/{pool}                      members: region, level,
 *                                                    grade, due_by, page
 *
 * Scope and masking as for /api/v1/workers: a worker outside the caller's
 * subtree is 404, ID numbers appear masked only.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/employment.h"
#include "../domain/pool.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG))

static sg_err path_id(struct req_ctx *rc, const char *name, const char *what,
		      int64_t *id)
{
	if (util_parse_int(rc_param(rc, name), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such %s", what);
	return SG_OK;
}

/* ---- employments ------------------------------------------------------ */

static int write_employment(const struct employment *e, void *arg)
{
	employment_write_json(arg, e);
	return 0;
}

static sg_err employments_get(struct req_ctx *rc)
{
	struct json_writer *jw;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	if (employment_list(rc->db, &rc->actor, id, write_employment, jw, &rc->er) != SG_OK)
		return rc->er.code;
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static const struct field_spec employment_spec[] = {
	{ "org_id", FIELD_INT, 0, 0 },
	{ "org_name", FIELD_STRING, 0, WORKER_ORG_NAME_MAX_CHARS },
	{ "post", FIELD_STRING, 0, WORKER_POST_MAX_CHARS },
	{ "field", FIELD_STRING, 0, 32 },
	{ "started_on", FIELD_STRING, 1, 16 },
	{ "ended_on", FIELD_STRING, 0, 16 },
};

static sg_err read_employment(struct req_ctx *rc, struct employment_input *in)
{
	if (rc_body_check(rc, employment_spec,
			  sizeof(employment_spec) / sizeof(employment_spec[0])) != SG_OK)
		return rc->er.code;
	in->org_id = rc_body_int(rc, "org_id", 0);
	in->org_name = rc_body_str(rc, "org_name");
	in->post = rc_body_str(rc, "post");
	in->field = rc_body_str(rc, "field");
	in->started_on = rc_body_str(rc, "started_on");
	in->ended_on = rc_body_str(rc, "ended_on");
	return SG_OK;
}

static sg_err reply_employment(struct req_ctx *rc, int status, int64_t wid, int64_t eid)
{
	struct employment *e = rc_alloc(rc, sizeof(*e));

	if (employment_get(rc->db, &rc->actor, wid, eid, e, &rc->er) != SG_OK)
		return rc->er.code;
	employment_write_json(rc_json(rc, status), e);
	return SG_OK;
}

static sg_err employments_post(struct req_ctx *rc)
{
	struct employment_input in;
	int64_t id, eid;

	if (path_id(rc, "id", "worker", &id) != SG_OK || read_employment(rc, &in) != SG_OK)
		return rc->er.code;
	if (employment_add(rc->db, &rc->actor, id, &in, &eid, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_employment(rc, 201, id, eid);
}

static sg_err employment_put(struct req_ctx *rc)
{
	struct employment_input in;
	int64_t id, eid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "eid", "employment", &eid) != SG_OK ||
	    read_employment(rc, &in) != SG_OK)
		return rc->er.code;
	if (employment_update(rc->db, &rc->actor, id, eid, &in, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_employment(rc, 200, id, eid);
}

static sg_err employment_del(struct req_ctx *rc)
{
	int64_t id, eid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "eid", "employment", &eid) != SG_OK)
		return rc->er.code;
	if (employment_delete(rc->db, &rc->actor, id, eid, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

/* ---- honours and discipline ------------------------------------------- */

struct record_find {
	int64_t id;
	struct json_writer *jw;
};

static int write_record(const struct worker_record *r, void *arg)
{
	worker_record_write_json(arg, r);
	return 0;
}

static int write_record_found(const struct worker_record *r, void *arg)
{
	struct record_find *f = arg;

	if (r->id != f->id)
		return 0;
	worker_record_write_json(f->jw, r);
	return 1;
}

static sg_err records_get(struct req_ctx *rc)
{
	struct json_writer *jw;
	const char *kind = NULL;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    rc_query_str(rc, "kind", 16, &kind) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	if (worker_records(rc->db, &rc->actor, id, kind, write_record, jw, &rc->er) != SG_OK)
		return rc->er.code;
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err records_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 16 },
		{ "title", FIELD_STRING, 1, EMPLOYMENT_TITLE_MAX_CHARS },
		{ "issuer", FIELD_STRING, 0, WORKER_ORG_NAME_MAX_CHARS },
		{ "dated_on", FIELD_STRING, 1, 16 },
		{ "note", FIELD_STRING, 0, EMPLOYMENT_NOTE_MAX_CHARS },
	};
	struct worker_record_input in;
	struct record_find f;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	in.kind = rc_body_str(rc, "kind");
	in.title = rc_body_str(rc, "title");
	in.issuer = rc_body_str(rc, "issuer");
	in.dated_on = rc_body_str(rc, "dated_on");
	in.note = rc_body_str(rc, "note");
	if (worker_record_add(rc->db, &rc->actor, id, &in, &f.id, &rc->er) != SG_OK)
		return rc->er.code;
	f.jw = rc_json(rc, 201);
	return worker_records(rc->db, &rc->actor, id, in.kind, write_record_found, &f,
			      &rc->er);
}

static sg_err record_del(struct req_ctx *rc)
{
	int64_t id, rid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "rid", "record", &rid) != SG_OK)
		return rc->er.code;
	if (worker_record_remove(rc->db, &rc->actor, id, rid, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

/* ---- pools ------------------------------------------------------------ */

struct member_find {
	int64_t id;
	struct json_writer *jw;
};

static int write_member(const struct pool_member *m, void *arg)
{
	pool_member_write_json(arg, m);
	return 0;
}

static int write_member_found(const struct pool_member *m, void *arg)
{
	struct member_find *f = arg;

	if (m->id != f->id)
		return 0;
	pool_member_write_json(f->jw, m);
	return 1;
}

static sg_err worker_pools_get(struct req_ctx *rc)
{
	struct json_writer *jw;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	if (pool_of_worker(rc->db, &rc->actor, id, write_member, jw, &rc->er) != SG_OK)
		return rc->er.code;
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err reply_member(struct req_ctx *rc, int status, int64_t wid, int64_t mid)
{
	struct member_find f = { .id = mid };

	f.jw = rc_json(rc, status);
	return pool_of_worker(rc->db, &rc->actor, wid, write_member_found, &f, &rc->er);
}

static sg_err worker_pools_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "pool", FIELD_STRING, 1, 16 },
		{ "grade", FIELD_STRING, 0, 16 },
		{ "joined_on", FIELD_STRING, 1, 16 },
		{ "recertify_on", FIELD_STRING, 0, 16 },
	};
	struct pool_input in;
	int64_t id, mid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	in.pool = rc_body_str(rc, "pool");
	in.grade = rc_body_str(rc, "grade");
	in.joined_on = rc_body_str(rc, "joined_on");
	in.recertify_on = rc_body_str(rc, "recertify_on");
	if (pool_add(rc->db, &rc->actor, id, &in, &mid, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_member(rc, 201, id, mid);
}

static sg_err worker_pool_patch(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "grade", FIELD_STRING, 0, 16 },
		{ "recertify_on", FIELD_STRING, 0, 16 },
	};
	int64_t id, mid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "pid", "pool membership", &mid) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (pool_update(rc->db, &rc->actor, id, mid, rc_body_str(rc, "grade"),
			rc_body_has(rc, "recertify_on") ?
				(rc_body_str(rc, "recertify_on") ? rc_body_str(rc, "recertify_on") : "") :
				NULL,
			&rc->er) != SG_OK)
		return rc->er.code;
	return reply_member(rc, 200, id, mid);
}

static sg_err worker_pool_del(struct req_ctx *rc)
{
	int64_t id, mid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "pid", "pool membership", &mid) != SG_OK)
		return rc->er.code;
	if (pool_remove(rc->db, &rc->actor, id, mid, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static sg_err pool_members_get(struct req_ctx *rc)
{
	struct pool_filter f;
	struct paging p;
	struct json_writer *jw;
	int64_t total;

	memset(&f, 0, sizeof(f));
	f.pool = rc_param(rc, "pool");
	if (!pool_name_valid(f.pool))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such pool");
	rc_paging(rc, &p);
	rc_query_str(rc, "region", 12, &f.region);
	rc_query_str(rc, "level", 16, &f.level);
	rc_query_str(rc, "grade", 16, &f.grade);
	rc_query_str(rc, "due_by", 10, &f.due_by);
	if (rc->er.code != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (pool_list(rc->db, &rc->actor, &f, p.offset, p.per_page, write_member, jw,
		      &total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/workers/{id}/employments", employments_get, 0, READ_ROLES },
	{ "POST", "/api/v1/workers/{id}/employments", employments_post, 0, READ_ROLES },
	{ "PUT", "/api/v1/workers/{id}/employments/{eid}", employment_put, 0, READ_ROLES },
	{ "DELETE", "/api/v1/workers/{id}/employments/{eid}", employment_del, 0,
	  ROLE_BIT(ROLE_BUREAU) },
	{ "GET", "/api/v1/workers/{id}/records", records_get, 0, READ_ROLES },
	{ "POST", "/api/v1/workers/{id}/records", records_post, 0, READ_ROLES },
	{ "DELETE", "/api/v1/workers/{id}/records/{rid}", record_del, 0,
	  ROLE_BIT(ROLE_BUREAU) },
	{ "GET", "/api/v1/workers/{id}/pools", worker_pools_get, 0, READ_ROLES },
	{ "POST", "/api/v1/workers/{id}/pools", worker_pools_post, 0, ROLE_BIT(ROLE_BUREAU) },
	{ "PATCH", "/api/v1/workers/{id}/pools/{pid}", worker_pool_patch, 0,
	  ROLE_BIT(ROLE_BUREAU) },
	{ "DELETE", "/api/v1/workers/{id}/pools/{pid}", worker_pool_del, 0,
	  ROLE_BIT(ROLE_BUREAU) },
	{ "GET", "/api/v1/pools/{pool}", pool_members_get, 0, READ_ROLES },
};

const struct route_table api_worker_history_routes = ROUTE_TABLE(routes);
