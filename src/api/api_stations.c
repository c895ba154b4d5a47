/*
 * api_stations.c: the three-tier service network and its coverage over
 * HTTP (domain/station.h, domain/coverage.h).
 *
 *   GET   /api/v1/stations?q=&region=&tier=&status=&standard=&org_id=&page=&per_page=
 *   POST  /api/v1/stations                 201 with the record
 *   GET   /api/v1/stations/{id}
 *   PATCH /api/v1/stations/{id}            the fields sent
 *   GET   /api/v1/coverage?region=         figures of one region
 *   GET   /api/v1/coverage/children?region=  figures of each child (the tree)
 *   GET   /api/v1/coverage/gaps?region=&level=town|village|community&page=&per_page=
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/coverage.h"
#include "../domain/station.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSADMIN))
#define WRITE_ROLES ROLE_BIT(ROLE_BUREAU)

static const struct field_spec station_spec[] = {
	{ "name", FIELD_STRING, 0, STATION_NAME_MAX_CHARS },
	{ "tier", FIELD_STRING, 0, 16 },
	{ "region_code", FIELD_STRING, 0, 12 },
	{ "operator_org_id", FIELD_INT, 0, 0 },
	{ "address", FIELD_STRING, 0, STATION_TEXT_MAX_CHARS },
	{ "established_on", FIELD_STRING, 0, 10 },
	{ "status", FIELD_STRING, 0, 16 },
	{ "duplicate_reason", FIELD_STRING, 0, STATION_TEXT_MAX_CHARS },
	{ "site_area", FIELD_NUMBER, 0, 0 },
	{ "has_equipment", FIELD_BOOL, 0, 0 },
	{ "equipment_note", FIELD_STRING, 0, STATION_TEXT_MAX_CHARS },
	{ "staff_count", FIELD_INT, 0, 0 },
	{ "resident_workers", FIELD_INT, 0, 0 },
	{ "functions", FIELD_STRINGS, 0, 30 },
	{ "projects", FIELD_STRING, 0, STATION_TEXT_MAX_CHARS },
	{ "has_procedures", FIELD_BOOL, 0, 0 },
	{ "has_rules", FIELD_BOOL, 0, 0 },
};

static sg_err path_id(struct req_ctx *rc, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such station");
	return SG_OK;
}

/* An integer member: absent keeps STATION_ABSENT, null means 0. */
static int64_t body_count(struct req_ctx *rc, const char *name)
{
	return rc_body_has(rc, name) ? rc_body_int(rc, name, 0) : STATION_ABSENT;
}

static sg_err read_input(struct req_ctx *rc, struct station_input *in)
{
	station_input_init(in);
	if (rc_body_check(rc, station_spec, sizeof(station_spec) / sizeof(station_spec[0])) != SG_OK)
		return rc->er.code;
	in->name = rc_body_str(rc, "name");
	in->tier = rc_body_str(rc, "tier");
	in->region_code = rc_body_str(rc, "region_code");
	in->operator_org_id = body_count(rc, "operator_org_id");
	in->address = rc_body_str(rc, "address");
	in->established_on = rc_body_str(rc, "established_on");
	in->status = rc_body_str(rc, "status");
	in->duplicate_reason = rc_body_str(rc, "duplicate_reason");
	if (rc_body_has(rc, "site_area"))
		in->site_area = rc_body_double(rc, "site_area", 0);
	in->has_equipment = rc_body_bool(rc, "has_equipment", STATION_FLAG_ABSENT);
	in->equipment_note = rc_body_str(rc, "equipment_note");
	in->staff_count = body_count(rc, "staff_count");
	in->resident_workers = body_count(rc, "resident_workers");
	in->has_functions = rc_body_has(rc, "functions");
	in->functions = rc_body_strings(rc, "functions", &in->nfunctions);
	in->projects = rc_body_str(rc, "projects");
	in->has_procedures = rc_body_bool(rc, "has_procedures", STATION_FLAG_ABSENT);
	in->has_rules = rc_body_bool(rc, "has_rules", STATION_FLAG_ABSENT);
	return SG_OK;
}

static sg_err reply_station(struct req_ctx *rc, int status, int64_t id)
{
	struct station *s = rc_alloc(rc, sizeof(*s));

	if (station_get(rc->db, &rc->actor, id, s, &rc->er) != SG_OK)
		return rc->er.code;
	station_write_json(rc_json(rc, status), s);
	return SG_OK;
}

static sg_err stations_list(struct req_ctx *rc)
{
	struct station_filter f = { 0 };
	struct station *items = NULL;
	struct json_writer *jw;
	struct paging pg;
	const char *tier;
	int64_t standard;
	size_t count;
	int64_t total;

	if (rc_paging(rc, &pg) != SG_OK ||
	    rc_query_str(rc, "q", 100, &f.q) != SG_OK ||
	    rc_query_str(rc, "region", 12, &f.region) != SG_OK ||
	    rc_query_str(rc, "tier", 16, &tier) != SG_OK ||
	    rc_query_str(rc, "status", 16, &f.status) != SG_OK ||
	    rc_query_int(rc, "standard", -1, -1, 1, &standard) != SG_OK ||
	    rc_query_int(rc, "org_id", 0, 0, INT64_MAX, &f.org_id) != SG_OK)
		return rc->er.code;
	if (tier && *tier && !(f.tier = station_tier_from_name(tier)))
		return err_field(&rc->er, "tier", "not_allowed", "centre, station or room");
	f.standard = (int)standard;
	f.offset = pg.offset;
	f.limit = pg.per_page;
	if (station_list(rc->db, &rc->actor, &f, &items, &count, &total, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	for (size_t i = 0; i < count; i++)
		station_write_json(jw, &items[i]);
	rc_list_end(rc, total, &pg);
	free(items);
	return SG_OK;
}

static sg_err stations_create(struct req_ctx *rc)
{
	struct station_input in;
	int64_t id;

	if (read_input(rc, &in) != SG_OK ||
	    station_create(rc->db, &rc->actor, &in, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_station(rc, 201, id);
}

static sg_err station_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	return reply_station(rc, 200, id);
}

static sg_err station_patch(struct req_ctx *rc)
{
	struct station_input in;
	int64_t id;

	if (path_id(rc, &id) != SG_OK || read_input(rc, &in) != SG_OK ||
	    station_update(rc->db, &rc->actor, id, &in, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_station(rc, 200, id);
}

/* ---- coverage ----------------------------------------------------------- */

static sg_err coverage_region(struct req_ctx *rc, const char **region)
{
	return rc_query_str(rc, "region", 12, region);
}

static sg_err coverage_one(struct req_ctx *rc)
{
	struct coverage c;
	const char *region;

	if (coverage_region(rc, &region) != SG_OK ||
	    coverage_get(rc->db, &rc->actor, region, &c, &rc->er) != SG_OK)
		return rc->er.code;
	coverage_write_json(rc_json(rc, 200), &c);
	return SG_OK;
}

static sg_err coverage_tree(struct req_ctx *rc)
{
	struct coverage *items;
	struct json_writer *jw;
	const char *region;
	size_t count;

	if (coverage_region(rc, &region) != SG_OK ||
	    coverage_children(rc->db, &rc->actor, region, &items, &count, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < count; i++)
		coverage_write_json(jw, &items[i]);
	jw_arr_end(jw);
	jw_obj_end(jw);
	free(items);
	return SG_OK;
}

static sg_err coverage_gap_list(struct req_ctx *rc)
{
	struct coverage_gap *items;
	struct json_writer *jw;
	struct paging pg;
	const char *region, *level;
	size_t count;
	int64_t total;
	int kind;

	if (rc_paging(rc, &pg) != SG_OK || coverage_region(rc, &region) != SG_OK ||
	    rc_query_str(rc, "level", 16, &level) != SG_OK)
		return rc->er.code;
	kind = coverage_gap_kind_from_name(level ? level : "town");
	if (coverage_gaps(rc->db, &rc->actor, region, kind, pg.offset, pg.per_page,
			  &items, &count, &total, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	for (size_t i = 0; i < count; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "code", items[i].code);
		jw_kv_str(jw, "name", items[i].name);
		jw_kv_str(jw, "parent_name", items[i].parent_name);
		jw_obj_end(jw);
	}
	rc_list_end(rc, total, &pg);
	free(items);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/stations", stations_list, 0, READ_ROLES },
	{ "POST", "/api/v1/stations", stations_create, 0, WRITE_ROLES },
	{ "GET", "/api/v1/stations/{id}", station_get_one, 0, READ_ROLES },
	{ "PATCH", "/api/v1/stations/{id}", station_patch, 0, WRITE_ROLES },
	{ "GET", "/api/v1/coverage", coverage_one, 0, READ_ROLES },
	{ "GET", "/api/v1/coverage/children", coverage_tree, 0, READ_ROLES },
	{ "GET", "/api/v1/coverage/gaps", coverage_gap_list, 0, READ_ROLES },
};

const struct route_table api_station_routes = ROUTE_TABLE(routes);
