/*
 * api.h: the route tables of the API modules, one per domain concept.
 *
 * Each api_*.c file defines its table; the router walks them in this order.
 * Adding a module: define `const struct route_table api_x_routes` in
 * api_x.c and add it to api_tables in api.c.
 */
#ifndef SG_API_H
#define SG_API_H

#include "../http/router.h"

extern const struct route_table api_health_routes;
extern const struct route_table api_session_routes; /* /session, /me */
extern const struct route_table api_user_routes;    /* /users */
extern const struct route_table api_region_routes;  /* /regions */
extern const struct route_table api_audit_routes;   /* /audit, /jobs */
extern const struct route_table api_worker_routes;  /* /workers */
extern const struct route_table api_worker_history_routes; /* /workers/{id}/employments, records, pools; /pools */
extern const struct route_table api_selfservice_routes; /* /me/worker, /workers/{id}/account, /corrections */
extern const struct route_table api_registration_routes; /* /registrations */
extern const struct route_table api_certificate_routes; /* certificate PDF, /public/certificates */
extern const struct route_table api_org_routes;     /* /orgs, /credit-codes */
extern const struct route_table api_stats_routes;  /* /stats, /public/stats */
extern const struct route_table api_target_routes; /* /targets */
extern const struct route_table api_public_region_routes; /* /public/regions */
extern const struct route_table api_import_routes; /* /imports */
extern const struct route_table api_demo_routes; /* /demo: the synthetic-data banner */
extern const struct route_table api_export_routes; /* /exports */
extern const struct route_table api_station_routes; /* /stations, /coverage */
extern const struct route_table api_post_routes;   /* /posts */

/*
 * Reply with job id as who sees it (domain/jobs.h): {id, kind, state,
 * done, total, result, error, created_at, started_at, finished_at}; 202
 * when just queued, 200 when polled.
 */
sg_err api_reply_job(struct req_ctx *rc, int status, int64_t id);

extern const struct route_table *const api_tables[];
extern const size_t api_table_count;

#endif
