/*
 * import_job.h: imports as background jobs (jobs.h kind "import"), their
 * uploads, their error reports and the list of a user's imports.
 *
 * import_submit() stores the uploaded bytes in a file beside the database
 * ("<db>.upload-<random>", mode 0600) and queues an "import" job whose
 * params name the kind, mode, encoding, sheet, file name and that path.
 * job_import() runs import_run() with the job's actor (so its scope
 * applies), reports progress, writes the error report tables
 * (migrations/sqlite/016_imports.sql) and removes the upload when it
 * ends, whatever the outcome (a process killed mid-import leaves its
 * upload behind; the job is marked failed at the next start).
 *
 * Visibility: a report or a list entry is the submitter's own (jobs_get()
 * rules); anyone else gets SG_ERR_NOT_FOUND. The system actor (CLI)
 * lists everyone's imports.
 */
#ifndef SG_IMPORT_JOB_H
#define SG_IMPORT_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../domain/actor.h"
#include "../domain/jobs.h"

#define IMPORT_UPLOAD_MAX (200u << 20)

struct import_request {
	const char *kind;       /* required */
	const char *mode;       /* strict (default) | skip-invalid */
	const char *encoding;   /* auto (default) | utf-8 | gb18030 */
	const char *sheet;      /* or NULL */
	const char *file_name;  /* as uploaded, for the audit record and the list */
};

/*
 * Validate req (SG_ERR_INVALID naming the field), check who may import
 * the kind (SG_ERR_FORBIDDEN), store data (len bytes, at most
 * IMPORT_UPLOAD_MAX: SG_ERR_TOO_LARGE) beside db_path and queue the job.
 * *job_id gets its id. The upload is removed again on any failure.
 */
sg_err import_submit(db_t *db, const struct actor *who, const char *db_path,
		     const struct import_request *req, const void *data,
		     size_t len, int64_t *job_id, struct err_report *er);

/*
 * Uploads in pieces, for files larger than one request body: begin gives
 * who a fresh token (32 hex digits) naming an empty file beside db_path,
 * removing who's earlier uploads not yet submitted (one pending upload per
 * user bounds what an abandoned one leaves on the disk);
 * append adds len bytes at offset, which must be the size so far
 * (SG_ERR_CONFLICT on field "offset" otherwise, *size telling where to
 * resume; SG_ERR_TOO_LARGE past IMPORT_UPLOAD_MAX; SG_ERR_NOT_FOUND for a
 * token that is not who's); submit_upload queues the import of the whole
 * file like import_submit(), the job then owning and removing it. An
 * upload never submitted is removed at the next server start
 * (import_sweep_files).
 */
#define IMPORT_TOKEN_LEN 32
sg_err import_upload_begin(const char *db_path, const struct actor *who,
			   char token[IMPORT_TOKEN_LEN + 1], struct err_report *er);
sg_err import_upload_append(const char *db_path, const struct actor *who, const char *token,
			    int64_t offset, const void *data, size_t len, int64_t *size,
			    struct err_report *er);
sg_err import_submit_upload(db_t *db, const struct actor *who, const char *db_path,
			    const struct import_request *req, const char *token,
			    int64_t *job_id, struct err_report *er);

/* The job function of kind "import" (listed in jobs.c). */
sg_err job_import(struct job_ctx *ctx, struct err_report *er);

/*
 * The error report of import job id as "csv" (the default, NULL or "")
 * or "xlsx" bytes into out (see import_errors_write(); written beside
 * db_path, read back and removed). SG_ERR_NOT_FOUND if who may not see
 * the job or it has no report yet; SG_ERR_INVALID (field "format").
 */
sg_err import_report_bytes(db_t *db, const struct actor *who, int64_t id,
			   const char *format, const char *db_path, struct buf *out,
			   struct err_report *er);

/*
 * Remove what a stopped server left beside db_path: upload files no queued
 * import refers to (a running one died with the process), temporary output
 * files and finished exports (io/export_job.h: kept until a restart). Call before any job runs. Returns how many were removed,
 * -1 if the directory or the database could not be read.
 */
int import_sweep_files(db_t *db, const char *db_path);

/*
 * The template of kind as "csv" or "xlsx" bytes into out (written to a
 * temporary file beside db_path, read back and removed). SG_ERR_NOT_FOUND
 * for an unknown kind, SG_ERR_INVALID (field "format") for another format.
 */
sg_err import_template_bytes(const char *kind, const char *format, const char *db_path,
			     struct buf *out, struct err_report *er);

/* One import as import_list() hands it out; valid during the callback. */
struct import_entry {
	int64_t id;
	const char *state;       /* jobs.h states: queued, running, succeeded, failed */
	const char *kind, *mode, *file_name; /* NULL if the params lack them */
	int64_t done, total;     /* rows */
	const char *result;      /* import_result_json() object text, or NULL */
	const char *error;       /* or NULL */
	const char *created_at;
	const char *finished_at; /* or NULL */
	const char *login;       /* the submitter's; "system" for none */
};

/*
 * who's own imports (the system actor: everyone's), newest first, skipping
 * offset and handing at most limit to each(e, arg) (non-zero stops);
 * *total counts them all.
 */
sg_err import_list(db_t *db, const struct actor *who, int64_t offset, int64_t limit,
		   int (*each)(const struct import_entry *e, void *arg), void *arg,
		   int64_t *total, struct err_report *er);

#endif
