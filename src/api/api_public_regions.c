/*
 * api_public_regions.c: the region tree for the public disclosure page
 * (信息公开), without sign-in:
 *
 *   GET /api/v1/public/regions                    the provinces
 *   GET /api/v1/public/regions/{code}/children    a region's children
 *
 * Region codes and names are public (GB/T 2260), so these answer for the
 * whole tree whoever asks, signed in or not: the page lets anyone choose
 * the region whose published figures to see. Only code, name, level and
 * whether there are children are written: population and subtree counts
 * stay behind sign-in. Rate-limited like the other public data routes.
 */
#include <string.h>

#include "api.h"
#include "../domain/region.h"
#include "../core/banned.h"

static void write_list(struct req_ctx *rc, const struct region_list *l,
		       const struct paging *pg)
{
	struct json_writer *jw = rc_list_begin(rc);

	for (size_t i = 0; i < l->count; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "code", l->items[i].code);
		jw_kv_str(jw, "name", l->items[i].name);
		jw_kv_str(jw, "level", region_level_name(l->items[i].level));
		jw_kv_bool(jw, "has_children", l->items[i].has_children);
		jw_obj_end(jw);
	}
	rc_list_end(rc, l->total, pg);
}

/* An unscoped reader that is nobody: the tree is public, the caller's scope is not. */
static void public_actor(struct actor *a)
{
	memset(a, 0, sizeof(*a));
}

static sg_err public_roots(struct req_ctx *rc)
{
	struct region_list list = REGION_LIST_INIT;
	struct actor anyone;
	struct paging pg = { 0 };
	sg_err e;

	if (rc_paging(rc, &pg) != SG_OK)
		return rc->er.code;
	public_actor(&anyone);
	e = region_roots(rc->db, &anyone, pg.offset, pg.per_page, &list, &rc->er);
	if (e == SG_OK)
		write_list(rc, &list, &pg);
	region_list_release(&list);
	return e;
}

static sg_err public_children(struct req_ctx *rc)
{
	struct region_list list = REGION_LIST_INIT;
	struct actor anyone;
	struct paging pg = { 0 };
	sg_err e;

	if (rc_paging(rc, &pg) != SG_OK)
		return rc->er.code;
	public_actor(&anyone);
	e = region_children(rc->db, &anyone, rc_param(rc, "code"), pg.offset,
			    pg.per_page, &list, &rc->er);
	if (e == SG_OK)
		write_list(rc, &list, &pg);
	region_list_release(&list);
	return e;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/public/regions", public_roots,
	  ROUTE_PUBLIC | ROUTE_RATE_LIMITED, 0 },
	{ "GET", "/api/v1/public/regions/{code}/children", public_children,
	  ROUTE_PUBLIC | ROUTE_RATE_LIMITED, 0 },
};

const struct route_table api_public_region_routes = ROUTE_TABLE(routes);
