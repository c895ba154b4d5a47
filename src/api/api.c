/*
 * api.c: the list of route tables the router walks, in order.
 */
#include <string.h>

#include "api.h"
#include "../domain/jobs.h"
#include "../core/banned.h"

const struct route_table *const api_tables[] = {
	&api_health_routes,
	&api_session_routes,
	&api_user_routes,
	&api_region_routes,
	&api_audit_routes,
	&api_worker_routes,
	&api_worker_history_routes,
	&api_selfservice_routes,
	&api_registration_routes,
	&api_certificate_routes,
	&api_org_routes,
	&api_stats_routes,
	&api_target_routes,
	&api_public_region_routes,
	&api_demo_routes,
	&api_import_routes,
	&api_export_routes,
	&api_station_routes,
	&api_post_routes,
};

const size_t api_table_count = sizeof(api_tables) / sizeof(api_tables[0]);

sg_err api_reply_job(struct req_ctx *rc, int status, int64_t id)
{
	struct json_writer *jw;
	struct job_info j;

	if (jobs_get(rc->db, &rc->actor, id, &j, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, status);
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", j.id);
	jw_kv_str(jw, "kind", j.kind);
	jw_kv_str(jw, "state", j.state);
	jw_kv_int(jw, "done", j.done);
	jw_kv_int(jw, "total", j.total);
	jw_key(jw, "result");
	if (j.result)
		jw_raw(jw, j.result, strlen(j.result)); /* checked by the worker */
	else
		jw_null(jw);
	jw_kv_str(jw, "error", j.error);
	jw_kv_str(jw, "created_at", j.created_at);
	jw_kv_str(jw, "started_at", j.started_at[0] ? j.started_at : NULL);
	jw_kv_str(jw, "finished_at", j.finished_at[0] ? j.finished_at : NULL);
	jw_obj_end(jw);
	job_info_free(&j);
	return SG_OK;
}
