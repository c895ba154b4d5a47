/*
 * router.h: the route table and its dispatch.
 *
 * Each API module exports a table of routes (see api/api.h); the router
 * matches method + path (with {name} segments), loads the session,
 * enforces login, role, CSRF and the first-login password change, runs the
 * handler and turns its error report into problem+json. Permission
 * denials are audited here, once for every route.
 */
#ifndef SG_ROUTER_H
#define SG_ROUTER_H

#include "../core/err.h"
#include "req.h"

typedef sg_err (*route_fn)(struct req_ctx *rc);

enum route_flags {
	ROUTE_PUBLIC = 1,       /* no session needed (a session is still read) */
	ROUTE_PASSWORD_CHANGE = 2, /* allowed while a password change is due */
	ROUTE_RATE_LIMITED = 4, /* public data: per-client limit (ratelimit.h) */
};

struct route {
	const char *method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *pattern; /* "/api/v1/regions/{code}/children" */
	route_fn fn;
	unsigned flags;      /* enum route_flags */
	unsigned roles;      /* ROLE_BIT mask; 0 = any signed-in user */
};

struct route_table {
	const struct route *routes;
	size_t count;
};

#define ROUTE_TABLE(arr) { (arr), sizeof(arr) / sizeof((arr)[0]) }

/*
 * Find the route for method and path; fills rc params. Returns the route,
 * or NULL with *path_known set when the path exists for another method
 * (405) and clear when it does not (404).
 */
const struct route *router_match(struct req_ctx *rc, const char *method,
				 const char *path, size_t path_len,
				 int *path_known);

/* Run a matched request end to end (auth, CSRF, handler, problem reply). */
void router_run(struct req_ctx *rc, const struct route *r);

#endif
