/*
 * api_imports.c: /api/v1/imports: upload a spreadsheet to import as a
 * background job, list one's imports, download templates and error
 * reports (io/import_job.h, io/import.h).
 *
 * The HTTP layer takes JSON bodies only, capped (server max_body, 1 MiB by
 * default) for every route alike: one parsing path, and no route where an
 * anonymous client can make the server buffer a large body. So a file
 * travels base64-encoded: whole in {kind, mode, encoding, sheet,
 * file_name, content_base64} when small, else in pieces of up to 1 MiB
 * (POST /imports/uploads for a token, POST /imports/uploads/{token}
 * {offset, content_base64} per piece, in order, resumable from the size
 * returned) and then {kind, ..., upload: token}.
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

/* The base64 body field into request memory: *data, *len. */
static sg_err body_base64(struct req_ctx *rc, const char *field, unsigned char **data,
			  size_t *len)
{
	const char *b64 = rc_body_str(rc, field);
	size_t b64len = strlen(b64);

	*data = rc_alloc(rc, b64len / 4 * 3 + 3);
	if (sodium_base642bin(*data, b64len / 4 * 3 + 3, b64, b64len, " \r\n", len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_field(&rc->er, field, "invalid", "not base64");
	return SG_OK;
}

static sg_err imports_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 32 },
		{ "mode", FIELD_STRING, 0, 32 },
		{ "encoding", FIELD_STRING, 0, 32 },
		{ "sheet", FIELD_STRING, 0, 100 },
		{ "file_name", FIELD_STRING, 0, 255 },
		{ "content_base64", FIELD_STRING, 0, 300u << 20 },
		{ "upload", FIELD_STRING, 0, IMPORT_TOKEN_LEN },
	};
	struct import_request req;
	unsigned char *data;
	const char *upload;
	size_t len = 0;
	int64_t id;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	req.kind = rc_body_str(rc, "kind");
	req.mode = rc_body_str(rc, "mode");
	req.encoding = rc_body_str(rc, "encoding");
	req.sheet = rc_body_str(rc, "sheet");
	req.file_name = rc_body_str(rc, "file_name");
	upload = rc_body_str(rc, "upload");
	if (!upload == !rc_body_str(rc, "content_base64"))
		return err_field(&rc->er, "upload", "required",
				 "either upload (a finished upload's token) or content_base64");
	if (upload ? import_submit_upload(rc->db, &rc->actor, rc->cfg->db_path, &req, upload,
					  &id, &rc->er) != SG_OK :
		     body_base64(rc, "content_base64", &data, &len) != SG_OK ||
		     import_submit(rc->db, &rc->actor, rc->cfg->db_path, &req, data, len, &id,
				   &rc->er) != SG_OK)
		return rc->er.code;
	return api_reply_job(rc, 202, id);
}

static void write_upload(struct json_writer *jw, const char *token, int64_t size)
{
	jw_obj_begin(jw);
	jw_kv_str(jw, "token", token);
	jw_kv_int(jw, "size", size);
	jw_kv_int(jw, "max", IMPORT_UPLOAD_MAX);
	jw_obj_end(jw);
}

static sg_err uploads_post(struct req_ctx *rc)
{
	char token[IMPORT_TOKEN_LEN + 1];

	if (import_upload_begin(rc->cfg->db_path, &rc->actor, token, &rc->er) != SG_OK)
		return rc->er.code;
	write_upload(rc_json(rc, 201), token, 0);
	return SG_OK;
}

static sg_err upload_append(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "offset", FIELD_INT, 1, 0 },
		{ "content_base64", FIELD_STRING, 1, 1u << 20 },
	};
	const char *token = rc_param(rc, "token");
	unsigned char *data;
	size_t len = 0;
	int64_t size = 0;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK ||
	    body_base64(rc, "content_base64", &data, &len) != SG_OK)
		return rc->er.code;
	if (import_upload_append(rc->cfg->db_path, &rc->actor, token, rc_body_int(rc, "offset", -1),
				 data, len, &size, &rc->er) != SG_OK)
		return rc->er.code;
	write_upload(rc_json(rc, 200), token, size);
	return SG_OK;
}

static int write_import(const struct import_entry *e, void *arg)
{
	struct json_writer *jw = arg;

	jw_obj_begin(jw);
	jw_kv_int(jw, "id", e->id);
	jw_kv_str(jw, "state", e->state);
	jw_kv_str(jw, "kind", e->kind);
	jw_kv_str(jw, "mode", e->mode);
	jw_kv_str(jw, "file_name", e->file_name);
	jw_kv_int(jw, "done", e->done);
	jw_kv_int(jw, "total", e->total);
	jw_key(jw, "result");
	if (e->result)
		jw_raw(jw, e->result, strlen(e->result));
	else
		jw_null(jw);
	jw_kv_str(jw, "error", e->error);
	jw_kv_str(jw, "created_at", e->created_at);
	jw_kv_str(jw, "finished_at", e->finished_at);
	jw_obj_end(jw);
	return 0;
}

static sg_err imports_get(struct req_ctx *rc)
{
	struct paging p;
	struct json_writer *jw;
	int64_t total = 0;

	if (rc_paging(rc, &p) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (import_list(rc->db, &rc->actor, p.offset, p.per_page, write_import, jw, &total,
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
	{ "POST", "/api/v1/imports/uploads", uploads_post, 0, IMPORT_ROLES },
	{ "POST", "/api/v1/imports/uploads/{token}", upload_append, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports", imports_get, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports/templates/{kind}", template_get, 0, IMPORT_ROLES },
	{ "GET", "/api/v1/imports/{id}/errors", errors_get, 0, IMPORT_ROLES },
};

const struct route_table api_import_routes = ROUTE_TABLE(routes);
