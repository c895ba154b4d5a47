/*
 * jobs.h: background jobs: a queue in the database and a worker pool.
 *
 * Long work (verifying the audit chain, imports, exports) never runs on an
 * HTTP event loop: the handler calls jobs_submit(), which inserts a queued
 * row and returns its id at once (the API answers 202), and a worker thread
 * claims the row, runs the kind's function and stores its progress, its
 * result (a JSON document) or its error. Clients poll GET /api/v1/jobs/{id}.
 *
 * Kinds are a table in jobs.c, one line each: {name, function, roles that
 * may submit it, roles that see everyone's jobs of it}. Everyone else sees
 * only their own jobs; the system actor may do anything.
 *
 * Threads: each worker has its own database handle. Workers are woken by
 * jobs_submit() in this process and poll once a second for jobs queued by
 * another process (a CLI command on the same database).
 */
#ifndef SG_JOBS_H
#define SG_JOBS_H

#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../db/db.h"
#include "actor.h"

#define JOB_KIND_MAX 32

/* What a running job's function sees. */
struct job_ctx {
	int64_t id;
	const char *kind;
	db_t *db;               /* the worker's own connection */
	struct actor who;       /* the submitter, with their role and scope */
	const char *params;     /* the submitted JSON object, or NULL */
	struct buf result;      /* the function writes a JSON document here */
	/* private to jobs.c */
	int64_t done, total;
	int64_t last_write_ms;
};

/*
 * A job's function. SG_OK: the job succeeded with ctx->result (empty means
 * null). Otherwise the job failed with er->detail as its error. A function
 * that sees jobs_should_stop() should return soon (any code): the job is
 * then recorded as interrupted.
 */
typedef sg_err (*job_fn)(struct job_ctx *ctx, struct err_report *er);

/*
 * Start nthreads workers (at least 1) on the database at db_path. First
 * marks every job left 'running' (by a process that died) as failed with
 * "interrupted (server stopped)". The key must be loaded (secret_load).
 * SG_OK, or an error with nothing left running.
 */
sg_err jobs_start(const char *db_path, int nthreads, struct err_report *er);

/*
 * Ask running jobs to stop (jobs_should_stop() turns 1), wake idle workers
 * and join them all. Jobs still queued stay queued for the next start.
 * No-op when the pool is not running.
 */
void jobs_stop(void);

/* 1 once jobs_stop() has been called; job functions poll it. */
int jobs_should_stop(void);

/*
 * Report progress: done out of total units. Cheap to call often: the row
 * is written at most every 250 ms (and always when done == total). Call it
 * between transactions: inside one, the update shows only at commit.
 */
void jobs_progress(struct job_ctx *ctx, int64_t done, int64_t total);

/*
 * Queue a job of `kind` for `who` with params (a JSON object, or NULL).
 * Audited as "job.submit". SG_ERR_INVALID (field "kind") for an unknown
 * kind or bad params, SG_ERR_FORBIDDEN when who's role may not run it.
 */
sg_err jobs_submit(db_t *db, const struct actor *who, const char *kind,
		   const char *params_json, int64_t *id_out,
		   struct err_report *er);

struct job_info {
	int64_t id;
	char kind[JOB_KIND_MAX];
	char state[16];             /* queued, running, succeeded, failed */
	int64_t done, total;
	char *result;               /* JSON text or NULL (owned) */
	char *error;                /* or NULL (owned) */
	char created_at[UTIL_TIME_LEN];
	char started_at[UTIL_TIME_LEN];  /* "" until started */
	char finished_at[UTIL_TIME_LEN]; /* "" until finished */
};

/*
 * One job as `who` may see it: their own, or any job of a kind that who's
 * role oversees (secadmin and auditor see every audit_verify job).
 * Anything else is SG_ERR_NOT_FOUND, as if it did not exist.
 * Free with job_info_free().
 */
sg_err jobs_get(db_t *db, const struct actor *who, int64_t id,
		struct job_info *out, struct err_report *er);
void job_info_free(struct job_info *j);

#endif
