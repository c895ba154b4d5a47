/*
 * api_orgs.c: organisations over HTTP (domain/org.h).
 *
 *   GET   /api/v1/orgs?q=&region=&type=&status=&grade=&page=&per_page=
 *   POST  /api/v1/orgs                      201 with the record
 *   GET   /api/v1/orgs/{id}
 *   PATCH /api/v1/orgs/{id}                 the fields sent
 *   GET   /api/v1/orgs/{id}/ratings         newest first
 *   GET   /api/v1/orgs/{id}/staff           current staff, counts by level
 *   POST  /api/v1/orgs/{id}/ratings         {score, evaluated_on[, grade]}
 *   GET   /api/v1/credit-codes/{code}       the check the form shows live
 *   GET   /api/v1/settings/org-rating       rating cut-offs; PUT: sysadmin
 *   GET   /api/v1/public/orgs?region=&q=    no login: the public register
 *
 * The public list shows what a registry publishes (name, code, type,
 * region, grade) of active organisations, never contacts or people.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSADMIN))
#define WRITE_ROLES ROLE_BIT(ROLE_BUREAU)

static const struct field_spec org_spec[] = {
	{ "name", FIELD_STRING, 0, ORG_NAME_MAX_CHARS },
	{ "credit_code", FIELD_STRING, 0, 18 },
	{ "credit_override_reason", FIELD_STRING, 0, ORG_REASON_MAX_CHARS },
	{ "type", FIELD_STRING, 0, 24 },
	{ "region_code", FIELD_STRING, 0, 12 },
	{ "address", FIELD_STRING, 0, ORG_TEXT_MAX_CHARS },
	{ "legal_rep", FIELD_STRING, 0, ORG_TEXT_MAX_CHARS },
	{ "founded_on", FIELD_STRING, 0, 10 },
	{ "contact_name", FIELD_STRING, 0, ORG_TEXT_MAX_CHARS },
	{ "contact_phone", FIELD_STRING, 0, 20 },
	{ "status", FIELD_STRING, 0, 16 },
	{ "fields", FIELD_STRINGS, 0, 30 },
};

static sg_err path_id(struct req_ctx *rc, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such organisation");
	return SG_OK;
}

/* A checked body into in; absent fields stay NULL. */
static sg_err read_input(struct req_ctx *rc, struct org_input *in)
{
	memset(in, 0, sizeof(*in));
	if (rc_body_check(rc, org_spec, sizeof(org_spec) / sizeof(org_spec[0])) != SG_OK)
		return rc->er.code;
	in->name = rc_body_str(rc, "name");
	in->credit_code = rc_body_str(rc, "credit_code");
	in->credit_override_reason = rc_body_str(rc, "credit_override_reason");
	in->type = rc_body_str(rc, "type");
	in->region_code = rc_body_str(rc, "region_code");
	in->address = rc_body_str(rc, "address");
	in->legal_rep = rc_body_str(rc, "legal_rep");
	in->founded_on = rc_body_str(rc, "founded_on");
	in->contact_name = rc_body_str(rc, "contact_name");
	in->contact_phone = rc_body_str(rc, "contact_phone");
	in->status = rc_body_str(rc, "status");
	in->has_fields = rc_body_has(rc, "fields");
	in->fields = rc_body_strings(rc, "fields", &in->nfields);
	return SG_OK;
}

static sg_err reply_org(struct req_ctx *rc, int status, int64_t id)
{
	struct org *o = rc_alloc(rc, sizeof(*o));

	if (!o)
		return err_set(&rc->er, SG_ERR_NOMEM, "out of memory");
	if (org_get(rc->db, &rc->actor, id, o, &rc->er) != SG_OK)
		return rc->er.code;
	org_write_json(rc_json(rc, status), o);
	return SG_OK;
}

static sg_err orgs_list(struct req_ctx *rc)
{
	struct org_filter f = { 0 };
	struct paging pg;
	struct org *items = NULL;
	struct json_writer *jw;
	size_t count;
	int64_t total, grade;

	if (rc_paging(rc, &pg) != SG_OK ||
	    rc_query_str(rc, "q", 100, &f.q) != SG_OK ||
	    rc_query_str(rc, "region", 12, &f.region) != SG_OK ||
	    rc_query_str(rc, "type", 24, &f.type) != SG_OK ||
	    rc_query_str(rc, "status", 16, &f.status) != SG_OK ||
	    rc_query_int(rc, "grade", 0, -1, 5, &grade) != SG_OK)
		return rc->er.code;
	f.grade = (int)grade;
	f.offset = pg.offset;
	f.limit = pg.per_page;
	if (org_list(rc->db, &rc->actor, &f, &items, &count, &total, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	for (size_t i = 0; i < count; i++)
		org_write_json(jw, &items[i]);
	rc_list_end(rc, total, &pg);
	free(items);
	return SG_OK;
}

static sg_err public_orgs_list(struct req_ctx *rc)
{
	struct org_filter f = { .status = "active" };
	struct paging pg;
	struct org *items = NULL;
	struct json_writer *jw;
	size_t count;
	int64_t total;

	if (rc_paging(rc, &pg) != SG_OK ||
	    rc_query_str(rc, "q", 100, &f.q) != SG_OK ||
	    rc_query_str(rc, "region", 12, &f.region) != SG_OK)
		return rc->er.code;
	f.offset = pg.offset;
	f.limit = pg.per_page;
	if (org_list(rc->db, actor_system(), &f, &items, &count, &total, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	for (size_t i = 0; i < count; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "name", items[i].name);
		jw_kv_str(jw, "credit_code", items[i].credit_code);
		jw_kv_str(jw, "type", items[i].type);
		jw_kv_str(jw, "region_code", items[i].region_code);
		jw_kv_str(jw, "region_name", items[i].region_name);
		if (items[i].grade && !items[i].grade_expired)
			jw_kv_int(jw, "grade", items[i].grade);
		else
			jw_kv_null(jw, "grade");
		jw_obj_end(jw);
	}
	rc_list_end(rc, total, &pg);
	free(items);
	return SG_OK;
}

static sg_err orgs_create(struct req_ctx *rc)
{
	struct org_input in;
	int64_t id;

	if (read_input(rc, &in) != SG_OK ||
	    org_create(rc->db, &rc->actor, &in, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_org(rc, 201, id);
}

static sg_err org_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	return reply_org(rc, 200, id);
}

static sg_err org_patch(struct req_ctx *rc)
{
	struct org_input in;
	int64_t id;

	if (path_id(rc, &id) != SG_OK || read_input(rc, &in) != SG_OK ||
	    org_update(rc->db, &rc->actor, id, &in, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_org(rc, 200, id);
}

static void write_rating(struct json_writer *jw, const struct org_rating *r)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", r->id);
	jw_kv_int(jw, "grade", r->grade);
	jw_key(jw, "score");
	jw_double(jw, r->score);
	jw_kv_str(jw, "evaluated_on", r->evaluated_on);
	jw_kv_str(jw, "valid_until", r->valid_until);
	jw_kv_bool(jw, "expired", r->expired);
	jw_obj_end(jw);
}

static sg_err ratings_list(struct req_ctx *rc)
{
	struct org_rating *items;
	struct json_writer *jw;
	size_t count;
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    org_ratings(rc->db, &rc->actor, id, &items, &count, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < count; i++)
		write_rating(jw, &items[i]);
	jw_arr_end(jw);
	jw_obj_end(jw);
	free(items);
	return SG_OK;
}

static sg_err ratings_add(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "score", FIELD_NUMBER, 0, 0 },
		{ "grade", FIELD_INT, 0, 0 },
		{ "evaluated_on", FIELD_STRING, 1, 10 },
	};
	struct org_rating_input in;
	struct org_rating *items;
	size_t count;
	int64_t id, rating_id;

	if (path_id(rc, &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	in.score = rc_body_double(rc, "score", NAN);
	in.grade = (int)rc_body_int(rc, "grade", 0);
	in.evaluated_on = rc_body_str(rc, "evaluated_on");
	if (org_rating_add(rc->db, &rc->actor, id, &in, &rating_id, &rc->er) != SG_OK ||
	    org_ratings(rc->db, &rc->actor, id, &items, &count, &rc->er) != SG_OK)
		return rc->er.code;
	for (size_t i = 0; i < count; i++)
		if (items[i].id == rating_id)
			write_rating(rc_json(rc, 201), &items[i]);
	free(items);
	return SG_OK;
}

static sg_err staff_get(struct req_ctx *rc)
{
	static const char *const levels[] = { "none", "assistant", "intermediate", "senior" };
	struct org_staff_member *items;
	struct json_writer *jw;
	int64_t id, by_level[4];
	size_t count;

	if (path_id(rc, &id) != SG_OK ||
	    org_staff(rc->db, &rc->actor, id, &items, &count, by_level, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_int(jw, "total", (int64_t)count);
	jw_key(jw, "by_level");
	jw_obj_begin(jw);
	for (int i = 0; i < 4; i++)
		jw_kv_int(jw, levels[i], by_level[i]);
	jw_obj_end(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < count; i++) {
		jw_obj_begin(jw);
		jw_kv_int(jw, "worker_id", items[i].worker_id);
		jw_kv_str(jw, "name", items[i].name);
		jw_kv_str(jw, "level", levels[items[i].level & 3]);
		if (items[i].post[0])
			jw_kv_str(jw, "post", items[i].post);
		else
			jw_kv_null(jw, "post");
		jw_kv_str(jw, "started_on", items[i].started_on);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	free(items);
	return SG_OK;
}

static sg_err credit_code_get(struct req_ctx *rc)
{
	static const char *const results[] = { "ok", "length", "character", "check" };
	struct creditcode_info info;
	struct json_writer *jw;
	const char *code = rc_param(rc, "code");
	enum creditcode_result r = creditcode_check(code, &info);

	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_bool(jw, "valid", r == CREDITCODE_OK);
	jw_kv_str(jw, "result", results[r]);
	if (r == CREDITCODE_OK || r == CREDITCODE_CHECK) {
		char check[2] = { info.expected_check, '\0' };

		jw_kv_str(jw, "expected_check", check);
		jw_kv_str(jw, "authority", creditcode_authority(info.authority));
		jw_kv_str(jw, "region_code", info.region);
	}
	if (r == CREDITCODE_CHARACTER)
		jw_kv_int(jw, "bad_position", info.bad_position);
	jw_obj_end(jw);
	return SG_OK;
}

static void write_cutoffs(struct json_writer *jw, const int least[5])
{
	jw_obj_begin(jw);
	for (int i = 0; i < 5; i++) {
		char key[8];

		snprintf(key, sizeof(key), "grade%d", 5 - i);
		jw_kv_int(jw, key, least[i]);
	}
	jw_kv_int(jw, "scale", 1000);
	jw_kv_int(jw, "valid_years", 5);
	jw_obj_end(jw);
}

static sg_err cutoffs_get(struct req_ctx *rc)
{
	int least[5];

	if (org_cutoffs_get(rc->db, least, &rc->er) != SG_OK)
		return rc->er.code;
	write_cutoffs(rc_json(rc, 200), least);
	return SG_OK;
}

static sg_err cutoffs_put(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "grade5", FIELD_INT, 1, 0 }, { "grade4", FIELD_INT, 1, 0 },
		{ "grade3", FIELD_INT, 1, 0 }, { "grade2", FIELD_INT, 1, 0 },
		{ "grade1", FIELD_INT, 1, 0 }, { "scale", FIELD_INT, 0, 0 },
		{ "valid_years", FIELD_INT, 0, 0 },
	};
	int least[5];

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	for (int i = 0; i < 5; i++) {
		char key[8];
		int64_t v;

		snprintf(key, sizeof(key), "grade%d", 5 - i);
		v = rc_body_int(rc, key, -1);
		least[i] = v < -1 || v > 100000 ? -1 : (int)v;
	}
	if (org_cutoffs_set(rc->db, &rc->actor, least, &rc->er) != SG_OK)
		return rc->er.code;
	write_cutoffs(rc_json(rc, 200), least);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/orgs", orgs_list, 0, READ_ROLES },
	{ "POST", "/api/v1/orgs", orgs_create, 0, WRITE_ROLES },
	{ "GET", "/api/v1/orgs/{id}", org_get_one, 0, READ_ROLES },
	{ "PATCH", "/api/v1/orgs/{id}", org_patch, 0, WRITE_ROLES },
	{ "GET", "/api/v1/orgs/{id}/ratings", ratings_list, 0, READ_ROLES },
	{ "GET", "/api/v1/orgs/{id}/staff", staff_get, 0, READ_ROLES },
	{ "POST", "/api/v1/orgs/{id}/ratings", ratings_add, 0, WRITE_ROLES },
	{ "GET", "/api/v1/credit-codes/{code}", credit_code_get, 0, READ_ROLES },
	{ "GET", "/api/v1/settings/org-rating", cutoffs_get, 0, READ_ROLES },
	{ "PUT", "/api/v1/settings/org-rating", cutoffs_put, 0, ROLE_BIT(ROLE_SYSADMIN) },
	{ "GET", "/api/v1/public/orgs", public_orgs_list,
	  ROUTE_PUBLIC | ROUTE_RATE_LIMITED, 0 },
};

const struct route_table api_org_routes = ROUTE_TABLE(routes);
