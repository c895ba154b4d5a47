/*
 * export_job.h: exports too large to build while the browser waits run as
 * background jobs ("export", domain/jobs.h) into a file beside the
 * database, which the submitter then downloads as a file stream.
 *
 * The synchronous GET /exports/{kind} builds small lists in memory; above
 * its row cap the browser queues the same export here instead. The job
 * writes <db>.export-<job id>.<ext> with export_run() (the same checks,
 * masking and audit record as any export) and records {rows, size,
 * file_name}. Files are kept until the server next starts
 * (import_sweep_files removes them), so a download can be repeated.
 */
#ifndef SG_EXPORT_JOB_H
#define SG_EXPORT_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "../domain/actor.h"
#include "../domain/jobs.h"
#include "export.h"

/*
 * Queue the export of kind with options o (format, reveal, reason) and the
 * filter read through param(ctx, name) for each of the kind's parameters.
 * *job_id gets the job. SG_ERR_FORBIDDEN for a role that may not export.
 */
sg_err export_submit(db_t *db, const struct actor *who,
		     const struct export_kind *kind, const struct export_options *o,
		     export_param_fn param, void *ctx, int64_t *job_id,
		     struct err_report *er);

/* The job function of kind "export" (listed in jobs.c). */
sg_err job_export(struct job_ctx *ctx, struct err_report *er);

/*
 * The file of who's finished export job id: its path and the attachment
 * name. SG_ERR_NOT_FOUND when the job is not who's export, SG_ERR_CONFLICT
 * while it has not succeeded, SG_ERR_IO when the file is gone (removed at
 * a restart: export again).
 */
sg_err export_job_file(db_t *db, const struct actor *who, int64_t id, char *path,
		       size_t path_size, char *name, size_t name_size,
		       struct err_report *er);

#endif
