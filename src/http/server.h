/*
 * server.h: the HTTP server (libh2o, one event loop per core).
 *
 * Serves the JSON API under /api/v1 and the built web UI (web/dist) at /.
 * Each event-loop thread has its own listening socket (SO_REUSEPORT) and
 * its own database connection; handlers run on the loop and must be quick.
 * Long work goes to the job pool (domain/jobs.h) and is polled.
 *
 * server_run() blocks until SIGTERM or SIGINT, then stops accepting, lets
 * in-flight requests finish (up to shutdown_grace_ms), closes every
 * database connection and returns.
 */
#ifndef SG_SERVER_H
#define SG_SERVER_H

#include <stddef.h>

#include "../core/err.h"

struct server_config {
	const char *db_path;
	const char *bind_addr;     /* default 127.0.0.1 */
	int port;                  /* default 8080 */
	const char *web_root;      /* built UI; default web/dist */
	const char *access_log;    /* file path; NULL: no access log */
	int threads;               /* event loops; 0: one per core */
	int job_threads;           /* background job workers; default 1 */
	size_t max_body;           /* bytes; larger requests get 413 */
	size_t max_header_bytes;   /* sum of header names and values; 431 */
	int max_connections;       /* whole process; extra ones are closed */
	int idle_timeout_ms;       /* keep-alive and header read timeout */
	int shutdown_grace_ms;     /* how long in-flight requests may take */
	int behind_tls;            /* Secure + __Host- cookie (TLS proxy in front) */
	int trust_proxy;           /* client IP from X-Forwarded-For */
	int public_rate;           /* public data requests per minute per
				      client (burst: half, at least 10); 0 off */
};

/* Defaults for every field (db_path NULL). */
void server_config_defaults(struct server_config *cfg);

/*
 * Run until a stop signal. SG_OK after a clean shutdown; otherwise an
 * error (cannot bind, cannot open the database) with a detail in er.
 */
sg_err server_run(const struct server_config *cfg, struct err_report *er);

#endif
