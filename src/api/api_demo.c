/*
 * api_demo.c: GET /api/v1/demo → {"demo_data": true|false}, public, so
 * that the sign-in page and the layout can show the banner "the people in
 * this system are synthetic" on a database loaded by make demo
 * (domain/setting.h, key demo_data).
 */
#include "api.h"
#include "../domain/setting.h"
#include "../core/banned.h"

static sg_err demo_get(struct req_ctx *rc)
{
	int demo = setting_demo_data(rc->db);
	struct json_writer *jw = rc_json(rc, 200);

	jw_obj_begin(jw);
	jw_kv_bool(jw, "demo_data", demo);
	jw_obj_end(jw);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/demo", demo_get, ROUTE_PUBLIC, 0 },
};

const struct route_table api_demo_routes = ROUTE_TABLE(routes);
