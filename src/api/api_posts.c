/*
 * api_posts.c: social work posts over HTTP (domain/post.h).
 *
 *   GET   /api/v1/posts?q=&region=&field=&level=&filled=&unit_type=&org_id=&status=&page=&per_page=
 *   POST  /api/v1/posts                 201 with the record
 *   GET   /api/v1/posts/vacancies?region=  active posts by field and level
 *   GET   /api/v1/posts/{id}
 *   PATCH /api/v1/posts/{id}            the fields sent
 *   POST  /api/v1/posts/{id}/fill       {worker_id, since}; 409 when filled
 *   POST  /api/v1/posts/{id}/vacate     {until}; 409 when vacant
 *   GET   /api/v1/posts/{id}/history    holders, newest first
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/post.h"
#include "../domain/worker.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSADMIN))
#define WRITE_ROLES ROLE_BIT(ROLE_BUREAU)

static const struct field_spec post_spec[] = {
	{ "title", FIELD_STRING, 0, POST_TITLE_MAX_CHARS },
	{ "unit_type", FIELD_STRING, 0, 24 },
	{ "org_id", FIELD_INT, 0, 0 },
	{ "unit_name", FIELD_STRING, 0, POST_TEXT_MAX_CHARS },
	{ "field", FIELD_STRING, 0, 32 },
	{ "required_level", FIELD_STRING, 0, 16 },
	{ "region_code", FIELD_STRING, 0, 12 },
	{ "purchased", FIELD_BOOL, 0, 0 },
	{ "status", FIELD_STRING, 0, 16 },
};

static sg_err path_id(struct req_ctx *rc, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such post");
	return SG_OK;
}

static sg_err read_input(struct req_ctx *rc, struct post_input *in)
{
	post_input_init(in);
	if (rc_body_check(rc, post_spec, sizeof(post_spec) / sizeof(post_spec[0])) != SG_OK)
		return rc->er.code;
	in->title = rc_body_str(rc, "title");
	in->unit_type = rc_body_str(rc, "unit_type");
	if (rc_body_has(rc, "org_id")) {
		in->org_id = rc_body_int(rc, "org_id", 0);
		if (in->org_id < 0)
			return err_field(&rc->er, "org_id", "unknown", "no such organisation");
	}
	in->unit_name = rc_body_str(rc, "unit_name");
	in->field = rc_body_str(rc, "field");
	in->required_level = rc_body_str(rc, "required_level");
	in->region_code = rc_body_str(rc, "region_code");
	in->purchased = rc_body_bool(rc, "purchased", -1);
	in->status = rc_body_str(rc, "status");
	return SG_OK;
}

static sg_err reply_post(struct req_ctx *rc, int status, int64_t id)
{
	struct post *p = rc_alloc(rc, sizeof(*p));

	if (post_get(rc->db, &rc->actor, id, p, &rc->er) != SG_OK)
		return rc->er.code;
	post_write_json(rc_json(rc, status), p);
	return SG_OK;
}

static sg_err posts_list(struct req_ctx *rc)
{
	struct post_filter f = { 0 };
	struct post *items = NULL;
	struct json_writer *jw;
	struct paging pg;
	const char *level, *unit_type;
	int64_t filled, total;
	size_t count;

	if (rc_paging(rc, &pg) != SG_OK ||
	    rc_query_str(rc, "q", 100, &f.q) != SG_OK ||
	    rc_query_str(rc, "region", 12, &f.region) != SG_OK ||
	    rc_query_str(rc, "field", 32, &f.field) != SG_OK ||
	    rc_query_str(rc, "level", 16, &level) != SG_OK ||
	    rc_query_int(rc, "filled", -1, -1, 1, &filled) != SG_OK ||
	    rc_query_str(rc, "unit_type", 24, &unit_type) != SG_OK ||
	    rc_query_int(rc, "org_id", 0, 0, INT64_MAX, &f.org_id) != SG_OK ||
	    rc_query_str(rc, "status", 16, &f.status) != SG_OK)
		return rc->er.code;
	f.level = level && *level ? worker_level_from_name(level) : -1;
	if (level && *level && f.level < 0)
		return err_field(&rc->er, "level", "not_allowed",
				 "none, assistant, intermediate or senior");
	f.unit_type = unit_type && *unit_type ? post_unit_type_from_name(unit_type) : -1;
	if (unit_type && *unit_type && f.unit_type < 0)
		return err_field(&rc->er, "unit_type", "not_allowed",
				 "org, government, public_institution or community");
	f.filled = (int)filled;
	f.offset = pg.offset;
	f.limit = pg.per_page;
	if (post_list(rc->db, &rc->actor, &f, &items, &count, &total, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	for (size_t i = 0; i < count; i++)
		post_write_json(jw, &items[i]);
	rc_list_end(rc, total, &pg);
	free(items);
	return SG_OK;
}

static sg_err posts_create(struct req_ctx *rc)
{
	struct post_input in;
	int64_t id;

	if (read_input(rc, &in) != SG_OK ||
	    post_create(rc->db, &rc->actor, &in, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_post(rc, 201, id);
}

static sg_err post_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	return reply_post(rc, 200, id);
}

static sg_err post_patch(struct req_ctx *rc)
{
	struct post_input in;
	int64_t id;

	if (path_id(rc, &id) != SG_OK || read_input(rc, &in) != SG_OK ||
	    post_update(rc->db, &rc->actor, id, &in, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_post(rc, 200, id);
}

static sg_err post_fill_one(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "worker_id", FIELD_INT, 1, 0 },
		{ "since", FIELD_STRING, 1, 10 },
	};
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK ||
	    post_fill(rc->db, &rc->actor, id, rc_body_int(rc, "worker_id", 0),
		      rc_body_str(rc, "since"), &rc->er) != SG_OK)
		return rc->er.code;
	return reply_post(rc, 200, id);
}

static sg_err post_vacate_one(struct req_ctx *rc)
{
	static const struct field_spec spec[] = { { "until", FIELD_STRING, 1, 10 } };
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    rc_body_check(rc, spec, 1) != SG_OK ||
	    post_vacate(rc->db, &rc->actor, id, rc_body_str(rc, "until"), &rc->er) != SG_OK)
		return rc->er.code;
	return reply_post(rc, 200, id);
}

static sg_err post_history_list(struct req_ctx *rc)
{
	struct post_holding *items;
	struct json_writer *jw;
	size_t count;
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    post_history(rc->db, &rc->actor, id, &items, &count, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < count; i++) {
		jw_obj_begin(jw);
		jw_kv_int(jw, "worker_id", items[i].worker_id);
		jw_kv_str(jw, "worker_name", items[i].worker_name);
		jw_kv_str(jw, "since", items[i].since);
		jw_kv_str_opt(jw, "until", items[i].until);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	free(items);
	return SG_OK;
}

static sg_err vacancies_list(struct req_ctx *rc)
{
	struct post_vacancy *items;
	struct json_writer *jw;
	const char *region;
	size_t count;

	if (rc_query_str(rc, "region", 12, &region) != SG_OK ||
	    post_vacancies(rc->db, &rc->actor, region, &items, &count, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < count; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "field", items[i].field);
		jw_kv_str(jw, "required_level", worker_level_name(items[i].required_level));
		jw_kv_int(jw, "posts", items[i].posts);
		jw_kv_int(jw, "filled", items[i].filled);
		jw_kv_int(jw, "vacant", items[i].posts - items[i].filled);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	free(items);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/posts", posts_list, 0, READ_ROLES },
	{ "POST", "/api/v1/posts", posts_create, 0, WRITE_ROLES },
	{ "GET", "/api/v1/posts/vacancies", vacancies_list, 0, READ_ROLES },
	{ "GET", "/api/v1/posts/{id}", post_get_one, 0, READ_ROLES },
	{ "PATCH", "/api/v1/posts/{id}", post_patch, 0, WRITE_ROLES },
	{ "POST", "/api/v1/posts/{id}/fill", post_fill_one, 0, WRITE_ROLES },
	{ "POST", "/api/v1/posts/{id}/vacate", post_vacate_one, 0, WRITE_ROLES },
	{ "GET", "/api/v1/posts/{id}/history", post_history_list, 0, READ_ROLES },
};

const struct route_table api_post_routes = ROUTE_TABLE(routes);
