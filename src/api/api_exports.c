/*
 * api_exports.c: list downloads as XLSX or CSV.
 *
 *   GET /api/v1/exports                 -> {"items":[{"kind","title","columns":[...]}]},
 *                                          the kinds the caller's role may export
 *   GET /api/v1/exports/{kind}?format=xlsx|csv[&reveal=1&reason=...]&<list filters>
 *       -> the file, Content-Disposition attachment with a Chinese name
 *   POST /api/v1/exports/{kind}?<the same>  -> 202, a background job
 *   GET /api/v1/exports/jobs/{id}/file      -> the job's file, streamed
 *
 * Direct downloads are synchronous and capped at EXPORT_SYNC_MAX_ROWS rows
 * (413 above: the browser then queues the same export as a job, whose file
 * h2o streams from disk, io/export_job.h):
 * at the measured 31,000 rows/s to CSV and 24,000 rows/s to XLSX
 * (bench/export.sh), the cap holds one event loop for at most about two
 * seconds while the other loops keep serving. The file is built in a
 * temporary file (libxlsxwriter writes files), read back into the reply
 * and removed. SHEGONG_EXPORT_MAX_ROWS in the server's environment moves
 * the cap (tests set it low).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "../core/buf.h"
#include "../core/util.h"
#include "../io/export.h"
#include "../io/export_job.h"
#include "../core/banned.h"

#define EXPORT_SYNC_MAX_ROWS 50000
#define EXPORT_REPLY_MAX (60u << 20)

static int64_t sync_max_rows(void)
{
	const char *v = getenv("SHEGONG_EXPORT_MAX_ROWS");
	int64_t n;
	if (v && util_parse_int(v, 1, INT64_MAX, &n) == 0)
		return n;
	return EXPORT_SYNC_MAX_ROWS;
}

static const char *query_param(void *ctx, const char *name)
{
	struct req_ctx *rc = ctx;
	const char *v = NULL;
	/* bad UTF-8 or an over-long value is reported in rc->er, checked below */
	if (rc_query_str(rc, name, 200, &v) != SG_OK)
		return NULL;
	return v;
}

static sg_err exports_list(struct req_ctx *rc)
{
	size_t n;
	const struct export_kind *k = export_kinds(&n);
	struct json_writer *jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < n; i++) {
		if (!export_kind_allowed(&k[i], &rc->actor))
			continue;
		jw_obj_begin(jw);
		jw_kv_str(jw, "kind", k[i].name);
		jw_kv_str(jw, "title", k[i].title);
		jw_key(jw, "columns");
		jw_arr_begin(jw);
		for (size_t c = 0; c < k[i].ncols; c++) {
			jw_obj_begin(jw);
			jw_kv_str(jw, "name", k[i].cols[c].name);
			jw_kv_str(jw, "header", k[i].cols[c].header);
			jw_obj_end(jw);
		}
		jw_arr_end(jw);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CSV_TYPE "text/csv; charset=utf-8"

/* The export kind of the path and the options and filter of the query. */
static sg_err read_request(struct req_ctx *rc, const struct export_kind **kind,
			   struct export_options *o)
{
	const char *fmt = NULL, *reason = NULL;
	int64_t reveal = 0;

	*kind = export_kind_find(rc_param(rc, "kind"));
	if (!*kind)
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no export kind %s", rc_param(rc, "kind"));
	if (rc_query_str(rc, "format", 8, &fmt) != SG_OK ||
	    rc_query_int(rc, "reveal", 0, 0, 1, &reveal) != SG_OK ||
	    rc_query_str(rc, "reason", 200, &reason) != SG_OK)
		return rc->er.code;
	for (const char *const *p = (*kind)->params; *p; p++)
		if (query_param(rc, *p) == NULL && rc->er.code != SG_OK)
			return rc->er.code;
	o->format = sheetw_format_parse(fmt && fmt[0] ? fmt : "xlsx");
	if (!o->format)
		return err_field(&rc->er, "format", "invalid", "format is xlsx or csv");
	o->reveal = (int)reveal;
	o->reason = reason;
	return SG_OK;
}

static void add_disposition(struct req_ctx *rc, const char *name)
{
	char disp[1024];

	export_content_disposition(name, disp, sizeof(disp));
	rc_add_header(rc, "content-disposition", disp);
}

static sg_err exports_get(struct req_ctx *rc)
{
	const struct export_kind *kind;
	struct export_options o = { 0, 0, NULL, sync_max_rows(), 0 };
	char path[] = "/tmp/shegong-export-XXXXXX";
	char name[256], count[24], chunk[65536];
	struct buf data = BUF_INIT(EXPORT_REPLY_MAX);
	int64_t rows = 0;
	sg_err code;
	size_t r;
	FILE *f;
	int fd;

	if (read_request(rc, &kind, &o) != SG_OK)
		return rc->er.code;
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(&rc->er, SG_ERR_IO, "temporary file: %s", strerror(errno));
	close(fd);
	code = export_run(rc->db, &rc->actor, kind, query_param, rc, &o, path, &rows, &rc->er);
	if (code != SG_OK) {
		unlink(path);
		return code;
	}
	if (!(f = fopen(path, "rb"))) {
		unlink(path);
		return err_set(&rc->er, SG_ERR_IO, "export file vanished");
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, r);
	fclose(f);
	unlink(path);
	if (data.err) {
		buf_release(&data);
		return err_set(&rc->er, SG_ERR_TOO_LARGE, "export too large to download");
	}
	code = rc_bytes(rc, 200, o.format == SHEETW_XLSX ? XLSX_TYPE : CSV_TYPE,
			data.ptr ? data.ptr : "", data.len);
	buf_release(&data);
	if (code != SG_OK)
		return code;
	export_filename(kind, o.format, name, sizeof(name));
	add_disposition(rc, name);
	snprintf(count, sizeof(count), "%lld", (long long)rows);
	rc_add_header(rc, "x-export-rows", count);
	return SG_OK;
}

static sg_err exports_post(struct req_ctx *rc)
{
	const struct export_kind *kind;
	struct export_options o = { 0, 0, NULL, 0, 0 };
	int64_t id;

	if ((rc->body && rc_body_check(rc, NULL, 0) != SG_OK) ||
	    read_request(rc, &kind, &o) != SG_OK ||
	    export_submit(rc->db, &rc->actor, kind, &o, query_param, rc, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return api_reply_job(rc, 202, id);
}

static sg_err export_file_get(struct req_ctx *rc)
{
	char path[4200], name[256];
	size_t n;
	int64_t id;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such export");
	if (export_job_file(rc->db, &rc->actor, id, path, sizeof(path), name, sizeof(name),
			    &rc->er) != SG_OK) {
		/* a file removed at a restart is gone for the client, not a server fault */
		if (rc->er.code == SG_ERR_IO)
			rc->er.code = SG_ERR_NOT_FOUND;
		return rc->er.code;
	}
	n = strlen(path);
	rc_file(rc, n > 5 && !strcmp(path + n - 5, ".xlsx") ? XLSX_TYPE : CSV_TYPE, path);
	add_disposition(rc, name);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/exports", exports_list, 0, EXPORT_ROLES },
	{ "GET", "/api/v1/exports/{kind}", exports_get, 0, EXPORT_ROLES },
	{ "POST", "/api/v1/exports/{kind}", exports_post, 0, EXPORT_ROLES },
	{ "GET", "/api/v1/exports/jobs/{id}/file", export_file_get, 0, EXPORT_ROLES },
};

const struct route_table api_export_routes = ROUTE_TABLE(routes);
