/*
 * export_job.c: exports as background jobs with a file to download (see
 * export_job.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "export_job.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *format_ext(enum sheetw_format f)
{
	return f == SHEETW_XLSX ? "xlsx" : "csv";
}

/* The file of export job id: <db>.export-<id>.<ext>. -1 if it does not fit. */
static int file_path(db_t *db, int64_t id, enum sheetw_format f, char *out, size_t size)
{
	return snprintf(out, size, "%s.export-%lld.%s", db_file_path(db), (long long)id,
			format_ext(f)) < (int)size ? 0 : -1;
}

sg_err export_submit(db_t *db, const struct actor *who,
		     const struct export_kind *kind, const struct export_options *o,
		     export_param_fn param, void *ctx, int64_t *job_id,
		     struct err_report *er)
{
	struct buf params = BUF_INIT(16384);
	struct json_writer jw;
	sg_err code;

	*job_id = 0;
	if (!export_kind_allowed(kind, who))
		return actor_forbidden(who, kind->roles, kind->title, er);
	jw_init(&jw, &params);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", kind->name);
	jw_kv_str(&jw, "format", format_ext(o->format));
	jw_kv_bool(&jw, "reveal", o->reveal);
	jw_kv_str_opt(&jw, "reason", o->reason);
	jw_key(&jw, "filter");
	jw_obj_begin(&jw);
	for (const char *const *p = kind->params; *p; p++) {
		const char *v = param(ctx, *p);

		if (v && *v)
			jw_kv_str(&jw, *p, v);
	}
	jw_obj_end(&jw);
	jw_obj_end(&jw);
	if (jw_finish(&jw))
		code = err_set(er, SG_ERR_INVALID, "the filter is too long");
	else
		code = jobs_submit(db, who, "export", buf_cstr(&params), job_id, er);
	buf_release(&params);
	return code;
}

/* A filter value from the job's params. */
static const char *filter_param(void *ctx, const char *name)
{
	return json_string_value(json_object_get(ctx, name));
}

sg_err job_export(struct job_ctx *ctx, struct err_report *er)
{
	json_t *params = ctx->params ? json_loads(ctx->params, 0, NULL) : NULL;
	const struct export_kind *kind =
		export_kind_find(json_string_value(json_object_get(params, "kind")));
	struct export_options o = {
		sheetw_format_parse(json_string_value(json_object_get(params, "format"))),
		json_is_true(json_object_get(params, "reveal")),
		json_string_value(json_object_get(params, "reason")), 0, 0,
	};
	char name[256], path[4200];
	struct json_writer jw;
	struct stat st;
	int64_t rows = 0;
	sg_err code;

	if (!kind || !o.format) {
		code = err_set(er, SG_ERR_INVALID, "export job without a kind or format");
		goto out;
	}
	if (file_path(ctx->db, ctx->id, o.format, path, sizeof(path))) {
		code = err_set(er, SG_ERR_IO, "database path too long");
		goto out;
	}
	if ((code = export_run(ctx->db, &ctx->who, kind, filter_param,
			       json_object_get(params, "filter"), &o, path, &rows, er)) != SG_OK)
		goto out;
	export_filename(kind, o.format, name, sizeof(name));
	jw_init(&jw, &ctx->result);
	jw_obj_begin(&jw);
	jw_kv_int(&jw, "rows", rows);
	jw_kv_int(&jw, "size", stat(path, &st) == 0 ? (int64_t)st.st_size : 0);
	jw_kv_str(&jw, "format", format_ext(o.format));
	jw_kv_str(&jw, "file_name", name);
	jw_obj_end(&jw);
	jw_finish(&jw);
out:
	json_decref(params);
	return code;
}

sg_err export_job_file(db_t *db, const struct actor *who, int64_t id, char *path,
		       size_t path_size, char *name, size_t name_size,
		       struct err_report *er)
{
	struct job_info j;
	json_t *result = NULL;
	const char *file_name;
	sg_err code = SG_OK;

	if (jobs_get(db, who, id, &j, er) != SG_OK)
		return er->code;
	if (strcmp(j.kind, "export")) {
		code = err_set(er, SG_ERR_NOT_FOUND, "no such export");
		goto out;
	}
	if (strcmp(j.state, "succeeded")) {
		code = err_set(er, SG_ERR_CONFLICT, "the export is %s", j.state);
		goto out;
	}
	result = j.result ? json_loads(j.result, 0, NULL) : NULL;
	file_name = json_string_value(json_object_get(result, "file_name"));
	util_strlcpy(name, file_name ? file_name : "export", name_size);
	if (file_path(db, id, sheetw_format_parse(json_string_value(json_object_get(result, "format"))),
		      path, path_size) || access(path, R_OK) != 0)
		code = err_set(er, SG_ERR_IO, "the file is gone (files are kept until the server "
			       "restarts): export again");
out:
	json_decref(result);
	job_info_free(&j);
	return code;
}
