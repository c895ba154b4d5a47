/*
 * api.c: the list of route tables the router walks, in order.
 */
#include "api.h"
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
