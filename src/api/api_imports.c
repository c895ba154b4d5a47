/*
 * api_imports.c: /api/v1/imports: upload a spreadsheet to import as a
 * background job, list one's imports, download templates and error
 * reports (io/import_job.h, io/import.h).
 *
 * The upload is a JSON body {kind, mode, encoding, sheet, file_name,
 * content_base64}: the HTTP layer takes JSON bodies only (and caps them,
 * server max_body), which keeps one parsing path; the browser reads the
 * chosen file and sends it base64-encoded. Large files go through
 * `shegong import` on the server.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "../io/import.h"
#include "../io/import_job.h"
#include "../http/server.h"
#include "../core/banned.h"

#define IMPORT_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG))
#define REPORT_MAX (64u << 20)

static void write_job(struct json_writer *jw, const struct job_info *j)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", j->id);
	jw_kv_str(jw, "kind", j->kind);
	jw_kv_str(jw, "state", j->state);
	jw_kv_int(jw, "done", j->done);
	jw_kv_int(jw, "total", j->total);
	jw_key(jw, "result");
	if (j->result)
		jw_raw(jw, j->result, strlen(j->result));
	else
		jw_null(jw);
	jw_kv_str(jw, "error", j->error);
	jw_kv_str(jw, "created_at", j->created_at);
	jw_obj_end(jw);
}

static sg_err imports_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 32 },
		{ "mode", FIELD_STRING, 0, 32 },
		{ "encoding", FIELD_STRING, 0, 32 },
		{ "sheet", FIELD_STRING, 0, 100 },
		{ "file_name", FIELD_STRING, 0, 255 },
		{ "content_base64", FIELD_STRING, 1, 300u << 20 },
	};
	struct import_request req;
	const char *b64;
	unsigned char *data;
	size_t b64len, len = 0;
	struct job_info j;
	int64_t id;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	req.kind = rc_body_str(rc, "kind");
	req.mode = rc_body_str(rc, "mode");
	req.encoding = rc_body_str(rc, "encoding");
	req.sheet = rc_body_str(rc, "sheet");
	req.file_name = rc_body_str(rc, "file_name");
	b64 = rc_body_str(rc, "content_base64");
	b64len = strlen(b64);
	data = rc_alloc(rc, b64len / 4 * 3 + 3);
	if (sodium_base642bin(data, b64len / 4 * 3 + 3, b64, b64len, " \r\n", &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_field(&rc->er, "content_base64", "invalid", "not base64");
	if (import_submit(rc->db, &rc->actor, rc->cfg->db_path, &req, data, len, &id,
			  &rc->er) != SG_OK ||
	    jobs_get(rc->db, &rc->actor, id, &j, &rc->er) != SG_OK)
		return rc->er.code;
	write_job(rc_json(rc, 202), &j);
	job_info_free(&j);
	return SG_OK;
}

static sg_err imports_get(struct req_ctx *rc)
{
	struct paging p;
	struct json_writer *jw;
	int64_t total = 0;

	if (rc_paging(rc, &p) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (import_list(rc->db, &rc->actor, p.offset, p.per_page, jw, &total,
			&rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A spreadsheet file as an attachment named name.{csv,xlsx}; b is released. */
static sg_err send_sheet(struct req_ctx *rc, const char *name, int xlsx, struct buf *b)
{
	char disp[200];
	sg_err code;

	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.%s\"", name, xlsx ? "xlsx" : "csv");
	rc_add_header(rc, "content-disposition", disp);
	code = rc_bytes(rc, 200, xlsx ? XLSX_TYPE : "text/csv; charset=utf-8", b->ptr, b->len);
	buf_release(b);
	return code == SG_OK ? SG_OK : err_set(&rc->er, code, "reply too large");
}

static int wants_xlsx(struct req_ctx *rc)
{
	const char *format = rc_query(rc, "format");

	return format && !strcmp(format, "xlsx");
}

static sg_err template_get(struct req_ctx *rc)
{
	struct buf b = BUF_INIT(4u << 20);
	const char *kind = rc_param(rc, "kind");
	char name[80];

	if (import_template_bytes(kind, rc_query(rc, "format"), rc->cfg->db_path, &b,
				  &rc->er) != SG_OK) {
		buf_release(&b);
		return rc->er.code;
	}
	snprintf(name, sizeof(name), "template-%s", kind);
	return send_sheet(rc, name, wants_xlsx(rc), &b);
}

static sg_err errors_get(struct req_ctx *rc)
{
	struct buf b = BUF_INIT(REPORT_MAX);
	char name[80];
	int64_t id;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such import");
	if (import_report_bytes(rc->db, &rc->actor, id, rc_query(rc, "format"),
				rc->cfg->db_path, &b, &rc->er) != SG_OK) {
		buf_release(&b);
		return rc->er.code;
	}
	snprintf(name, sizeof(name), "import-%lld-errors", (long long)id);
	return send_sheet(rc, name, wants_xlsx(rc), &b);
}

static const struct route routes[] = {
	{ "POST", "/api/v1/imports", imports_post, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports", imports_get, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports/templates/{kind}", template_get, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports/{id}/errors", errors_get, 0, IMPORT_ROLES },
};

const struct route_table api_import_routes = ROUTE_TABLE(routes);
