/*
 * api_regions.c: the region tree over HTTP, for any signed-in user,
 * always within the user's region scope (domain/region.h):
 *
 *   GET /api/v1/regions                      the caller's roots
 *   GET /api/v1/regions?q=&level=            search by name fragment or
 *                                            code prefix (items with path)
 *   GET /api/v1/regions/{code}               one region, path, subtree sizes
 *   GET /api/v1/regions/{code}/children      its children, by code
 *
 * A level without q lists every region of that level in scope. Lists are
 * paged (?page=&per_page=). Regions outside the scope are 404, like
 * unknown ones.
 */
#include "api.h"
#include "../domain/region.h"
#include "../core/banned.h"

static void write_fields(struct json_writer *jw, const struct region *r)
{
	jw_kv_str(jw, "code", r->code);
	jw_kv_str(jw, "name", r->name);
	jw_kv_str(jw, "level", region_level_name(r->level));
	if (r->parent_code[0])
		jw_kv_str(jw, "parent_code", r->parent_code);
	else
		jw_kv_null(jw, "parent_code");
	if (r->population == REGION_POPULATION_UNKNOWN)
		jw_kv_null(jw, "population");
	else
		jw_kv_int(jw, "population", r->population);
	jw_kv_bool(jw, "has_children", r->has_children);
}

static void write_path(struct json_writer *jw, const struct region *r)
{
	jw_key(jw, "path");
	jw_arr_begin(jw);
	for (size_t i = 0; i < r->npath; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "code", r->path[i].code);
		jw_kv_str(jw, "name", r->path[i].name);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
}

static void write_list(struct req_ctx *rc, const struct region_list *l,
		       const struct paging *pg, int with_path)
{
	struct json_writer *jw = rc_list_begin(rc);

	for (size_t i = 0; i < l->count; i++) {
		jw_obj_begin(jw);
		write_fields(jw, &l->items[i]);
		if (with_path)
			write_path(jw, &l->items[i]);
		jw_obj_end(jw);
	}
	rc_list_end(rc, l->total, pg);
}

static sg_err regions_list(struct req_ctx *rc)
{
	struct region_list list = REGION_LIST_INIT;
	struct region_query query = { 0 };
	const char *level = NULL;
	struct paging pg = { 0 };
	sg_err e;

	/* check every parameter so that one reply names all bad ones */
	rc_query_str(rc, "q", REGION_QUERY_MAX_CHARS, &query.q);
	rc_query_str(rc, "level", 16, &level);
	rc_paging(rc, &pg);
	if (level && *level && !(query.level = region_level_from_name(level)))
		err_field(&rc->er, "level", "invalid",
			  "must be one of province, city, county, town, village");
	if (rc->er.code != SG_OK)
		return rc->er.code;

	query.offset = pg.offset;
	query.limit = pg.per_page;
	if ((query.q && *query.q) || query.level)
		e = region_search(rc->db, &rc->actor, &query, &list, &rc->er);
	else
		e = region_roots(rc->db, &rc->actor, pg.offset, pg.per_page,
				 &list, &rc->er);
	if (e == SG_OK)
		write_list(rc, &list, &pg, query.level || (query.q && *query.q));
	region_list_release(&list);
	return e;
}

static sg_err regions_get(struct req_ctx *rc)
{
	struct region *r = rc_alloc(rc, sizeof(*r));
	struct json_writer *jw;
	sg_err e = region_get(rc->db, &rc->actor, rc_param(rc, "code"), r, &rc->er);

	if (e != SG_OK)
		return e;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	write_fields(jw, r);
	write_path(jw, r);
	jw_key(jw, "descendant_counts");
	jw_obj_begin(jw);
	for (int l = REGION_CITY; l <= REGION_VILLAGE; l++)
		jw_kv_int(jw, region_level_name(l), r->descendants[l]);
	jw_obj_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err regions_children(struct req_ctx *rc)
{
	struct region_list list = REGION_LIST_INIT;
	struct paging pg = { 0 };
	sg_err e;

	if (rc_paging(rc, &pg) != SG_OK)
		return rc->er.code;
	e = region_children(rc->db, &rc->actor, rc_param(rc, "code"), pg.offset,
			    pg.per_page, &list, &rc->er);
	if (e == SG_OK)
		write_list(rc, &list, &pg, 0);
	region_list_release(&list);
	return e;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/regions", regions_list, 0, 0 },
	{ "GET", "/api/v1/regions/{code}", regions_get, 0, 0 },
	{ "GET", "/api/v1/regions/{code}/children", regions_children, 0, 0 },
};

const struct route_table api_region_routes = ROUTE_TABLE(routes);
