/*
 * api_health.c: GET /api/v1/health, for load balancers and monitoring.
 *
 * Public and cheap: it answers from memory, with no database round trip,
 * so that probing it never competes with real traffic.
 */
#include "api.h"
#include "../core/banned.h"

static sg_err health_get(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);

	jw_obj_begin(jw);
	jw_kv_str(jw, "status", "ok");
	jw_kv_str(jw, "service", "shegong");
	jw_kv_str(jw, "version", SHEGONG_VERSION);
	jw_obj_end(jw);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/health", health_get, ROUTE_PUBLIC, 0 },
};

const struct route_table api_health_routes = ROUTE_TABLE(routes);
