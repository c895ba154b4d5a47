/*
 * export.c: the export kind table and the one path every export takes:
 * check the size, write the rows through sheetw, audit, and remove the
 * file if anything fails.
 *
 * Values are written as the API spells them (level "assistant", service
 * field codes joined by commas), so an exported file can be edited and
 * imported again; only the header row is Chinese.
 */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/json.h"
#include "../core/secret.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../domain/audit.h"
#include "../domain/idcard.h"
#include "../domain/org.h"
#include "../domain/worker.h"
#include "../core/banned.h"

/* ---- workers ------------------------------------------------------------ */

static const struct sheetw_column worker_cols[] = {
	{ "id", "编号", 0 },
	{ "name", "姓名", 0 },
	{ "id_number", "公民身份号码", 0 },
	{ "sex", "性别", 0 },
	{ "birth_date", "出生日期", 1 },
	{ "phone", "联系电话", 0 },
	{ "education", "学历", 0 },
	{ "social_work_major", "社会工作专业", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "region_name", "所在地区", 0 },
	{ "org_name", "工作单位", 0 },
	{ "post", "岗位", 0 },
	{ "service_fields", "服务领域", 0 },
	{ "level", "职业水平", 0 },
	{ "status", "状态", 0 },
	{ "registration_state", "登记状态", 0 },
	{ "created_at", "创建时间", 0 },
};
#define NWCOLS (sizeof(worker_cols) / sizeof(worker_cols[0]))

static const char *const worker_params[] = {
	"region", "level", "education", "status", "field", "org", "pool",
	"age_min", "age_max", "q", "id_number", "sort", NULL
};

static int may_reveal(const struct actor *who)
{
	/* the roles worker_reveal() accepts */
	return who->role == ROLE_BUREAU || who->role == ROLE_ORG || who->role == ROLE_SYSTEM;
}

struct wctx {
	db_t *db;
	struct sheetw *w;
	int reveal;
	int64_t rows;
	sg_err err;
	struct err_report *er;
};

/* The ID number in clear, for a reveal export. */
static sg_err worker_number(db_t *db, int64_t id, char out[IDCARD_SIZE], struct err_report *er)
{
	char sealed[160] = "", plain[64];
	size_t len = 0;
	db_stmt_t *st = db_prepare(db, "SELECT id_sealed FROM workers WHERE id = ?");
	if (!st)
		return err_set(er, SG_ERR_DB, "database error");
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW && db_col_text(st, 0))
		util_strlcpy(sealed, db_col_text(st, 0), sizeof(sealed));
	db_done(st);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_DB, "worker %lld vanished during export", (long long)id);
	if (secret_open(sealed, plain, sizeof(plain), &len) != SG_OK || len != IDCARD_LEN)
		return err_set(er, SG_ERR_INTERNAL, "the ID number of worker %lld does not open",
			       (long long)id);
	memcpy(out, plain, IDCARD_LEN);
	out[IDCARD_LEN] = '\0';
	memset(plain, 0, sizeof(plain));
	return SG_OK;
}

static int worker_row(const struct worker *wk, void *arg)
{
	struct wctx *c = arg;
	char id[24], number[IDCARD_SIZE];
	struct buf fields = BUF_INIT(4096);
	size_t nf;
	const struct worker_field_def *defs = worker_fields(&nf);
	snprintf(id, sizeof(id), "%lld", (long long)wk->id);
	for (size_t i = 0; i < nf && i < 32; i++)
		if (wk->fields & (1u << i))
			buf_printf(&fields, "%s%s", fields.len ? "," : "", defs[i].code);
	const char *num = wk->id_masked;
	if (c->reveal) {
		if ((c->err = worker_number(c->db, wk->id, number, c->er)) != SG_OK) {
			buf_release(&fields);
			return 1;
		}
		num = number;
	}
	const char *cells[NWCOLS] = {
		id, wk->name, num, wk->sex == IDCARD_MALE ? "male" : "female", wk->birth_date,
		wk->phone, wk->education, wk->social_work_major ? "true" : "false",
		wk->region_code, wk->region_name, wk->org_name, wk->post, buf_cstr(&fields),
		worker_level_name(wk->level), wk->status, wk->registration_state, wk->created_at,
	};
	if (sheetw_row(c->w, cells) != SG_OK) {
		c->err = err_set(c->er, SG_ERR_IO, "cannot write the export file");
		buf_release(&fields);
		memset(number, 0, sizeof(number));
		return 1;
	}
	memset(number, 0, sizeof(number));
	buf_release(&fields);
	c->rows++;
	return 0;
}

static sg_err int_param(export_param_fn param, void *ctx, const char *name, int *out,
			struct err_report *er)
{
	const char *v = param(ctx, name);
	int64_t n;
	*out = -1;
	if (!v || !v[0])
		return SG_OK;
	if (util_parse_int(v, 0, 150, &n) != 0)
		return err_field(er, name, "invalid", "a whole number from 0 to 150");
	*out = (int)n;
	return SG_OK;
}

static sg_err workers_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			  int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct worker_filter f;
	memset(&f, 0, sizeof(f));
	f.region = param(ctx, "region");
	f.level = param(ctx, "level");
	f.education = param(ctx, "education");
	f.status = param(ctx, "status");
	f.field = param(ctx, "field");
	f.org = param(ctx, "org");
	f.pool = param(ctx, "pool");
	f.q = param(ctx, "q");
	f.id_number = param(ctx, "id_number");
	f.sort = param(ctx, "sort");
	if (int_param(param, ctx, "age_min", &f.age_min, er) != SG_OK ||
	    int_param(param, ctx, "age_max", &f.age_max, er) != SG_OK)
		return er->code;
	struct wctx c = { db, w, reveal, 0, SG_OK, er };
	int64_t total = 0;
	sg_err rv = worker_list(db, who, &f, 0, w ? INT64_MAX : 0, w ? worker_row : NULL, &c,
				&total, er);
	if (rv == SG_OK && c.err != SG_OK)
		rv = c.err;
	*rows = w ? c.rows : total;
	return rv;
}

/* ---- organisations ---------------------------------------------------------- */

static const struct sheetw_column org_cols[] = {
	{ "id", "编号", 0 },
	{ "name", "机构名称", 0 },
	{ "credit_code", "统一社会信用代码", 0 },
	{ "type", "机构类型", 0 },
	{ "authority", "登记管理机关", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "region_name", "所在地区", 0 },
	{ "address", "地址", 0 },
	{ "legal_rep", "法定代表人", 0 },
	{ "founded_on", "成立日期", 1 },
	{ "contact_name", "联系人", 0 },
	{ "contact_phone", "联系电话", 0 },
	{ "fields", "服务领域", 0 },
	{ "status", "状态", 0 },
	{ "grade", "评估等级", 0 },
	{ "grade_valid_until", "等级有效期至", 1 },
	{ "created_at", "创建时间", 0 },
};
#define NOCOLS (sizeof(org_cols) / sizeof(org_cols[0]))

static const char *const org_params[] = { "q", "region", "type", "status", "grade", NULL };

#define ORG_PAGE 500

static sg_err orgs_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
		       int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct org_filter f;
	int64_t total = 0, done = 0, g = 0;
	(void)reveal;
	memset(&f, 0, sizeof(f));
	f.q = param(ctx, "q");
	f.region = param(ctx, "region");
	f.type = param(ctx, "type");
	f.status = param(ctx, "status");
	const char *gs = param(ctx, "grade");
	if (gs && gs[0] && util_parse_int(gs, -1, 5, &g) != 0)
		return err_field(er, "grade", "invalid", "grade is -1 (expired) or 0 to 5");
	f.grade = (int)g;
	for (;;) {
		struct org *items = NULL;
		size_t n = 0;
		f.offset = done;
		f.limit = w ? ORG_PAGE : 1;
		sg_err rv = org_list(db, who, &f, &items, &n, &total, er);
		if (rv != SG_OK) {
			free(items);
			return rv;
		}
		for (size_t i = 0; w && i < n; i++) {
			const struct org *o = &items[i];
			char id[24], grade[8];
			snprintf(id, sizeof(id), "%lld", (long long)o->id);
			if (o->grade)
				snprintf(grade, sizeof(grade), "%dA", o->grade);
			else
				grade[0] = '\0';
			const char *cells[NOCOLS] = {
				id, o->name, o->credit_code, o->type, o->authority, o->region_code,
				o->region_name, o->address, o->legal_rep, o->founded_on,
				o->contact_name, o->contact_phone, o->fields, o->status, grade,
				o->grade_valid_until, o->created_at,
			};
			if (sheetw_row(w, cells) != SG_OK) {
				free(items);
				return err_set(er, SG_ERR_IO, "cannot write the export file");
			}
		}
		free(items);
		if (!w) {
			*rows = total;
			return SG_OK;
		}
		done += (int64_t)n;
		if (n < ORG_PAGE || done >= total)
			break;
	}
	*rows = done;
	return SG_OK;
}

/* ---- the table ----------------------------------------------------------- */

static const struct export_kind kinds[] = {
	{ "workers", "社工名单", worker_cols, NWCOLS, worker_params, workers_run },
	{ "orgs", "社会工作服务机构", org_cols, NOCOLS, org_params, orgs_run },
};

const struct export_kind *export_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct export_kind *export_kind_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* ---- running ------------------------------------------------------------- */

static sg_err audit_export(db_t *db, const struct actor *who, const struct export_kind *k,
			   export_param_fn param, void *ctx, const struct export_options *o,
			   int64_t rows, struct err_report *er)
{
	struct buf d = BUF_INIT(16384);
	buf_addstr(&d, "{\"kind\":");
	json_quote(&d, k->name, strlen(k->name));
	buf_printf(&d, ",\"format\":\"%s\",\"rows\":%lld,\"filter\":{",
		   o->format == SHEETW_XLSX ? "xlsx" : "csv", (long long)rows);
	int first = 1;
	for (const char *const *p = k->params; *p; p++) {
		const char *v = param(ctx, *p);
		if (!v || !v[0])
			continue;
		/* an ID number searched for is sensitive: record that, not it */
		if (strcmp(*p, "id_number") == 0)
			v = "(given)";
		buf_printf(&d, "%s\"%s\":", first ? "" : ",", *p);
		if (json_quote(&d, v, strlen(v)) != 0) {
			buf_release(&d);
			return err_field(er, *p, "invalid", "not valid UTF-8 text");
		}
		first = 0;
	}
	buf_printf(&d, "},\"reveal\":%s", o->reveal ? "true" : "false");
	if (o->reveal) {
		buf_addstr(&d, ",\"reason\":");
		if (json_quote(&d, o->reason, strlen(o->reason)) != 0) {
			buf_release(&d);
			return err_field(er, "reason", "invalid", "not valid UTF-8 text");
		}
	}
	buf_addch(&d, '}');
	if (d.err) {
		buf_release(&d);
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	}
	struct audit_entry e = { "export", k->name, NULL, AUDIT_SUCCESS, buf_cstr(&d), NULL };
	sg_err rv = audit_append(db, who, &e, er);
	buf_release(&d);
	return rv;
}

sg_err export_run(db_t *db, const struct actor *who, const struct export_kind *kind,
		  export_param_fn param, void *ctx, const struct export_options *opts,
		  const char *path, int64_t *rows, struct err_report *er)
{
	struct sheetw *w = NULL;
	int64_t count = 0;
	sg_err rv;
	*rows = 0;
	if (opts->format != SHEETW_CSV && opts->format != SHEETW_XLSX)
		return err_field(er, "format", "invalid", "format is xlsx or csv");
	if (opts->reveal) {
		if (!may_reveal(who))
			return err_set(er, SG_ERR_FORBIDDEN, "your role may not reveal ID numbers");
		if (!opts->reason || !opts->reason[0])
			return err_field(er, "reason", "required", "say why you need the numbers");
		if (utf8_invalid_at(opts->reason, strlen(opts->reason)) != strlen(opts->reason))
			return err_field(er, "reason", "invalid", "not valid UTF-8 text");
		if (strlen(opts->reason) > 600)
			return err_field(er, "reason", "too_long", "at most 200 characters");
	}
	if (opts->max_rows > 0) {
		if ((rv = kind->run(db, who, param, ctx, 0, NULL, &count, er)) != SG_OK)
			return rv;
		if (count > opts->max_rows)
			return err_set(er, SG_ERR_TOO_LARGE,
				       "%lld rows match; at most %lld can be downloaded at once: "
				       "narrow the filter or use `shegong export`",
				       (long long)count, (long long)opts->max_rows);
	}
	if ((rv = sheetw_open(&w, opts->format, path, kind->title, er)) != SG_OK)
		return rv;
	if (sheetw_begin(w, kind->cols, kind->ncols, NULL, opts->use_names) != SG_OK) {
		sheetw_free(w);
		return err_set(er, SG_ERR_IO, "cannot write the export file");
	}
	rv = kind->run(db, who, param, ctx, opts->reveal, w, &count, er);
	if (rv != SG_OK) {
		sheetw_free(w);
		return rv;
	}
	if ((rv = sheetw_finish(w, er)) != SG_OK) {
		unlink(path);
		return rv;
	}
	if ((rv = audit_export(db, who, kind, param, ctx, opts, count, er)) != SG_OK) {
		unlink(path);
		return rv;
	}
	*rows = count;
	return SG_OK;
}

void export_filename(const struct export_kind *kind, enum sheetw_format f,
		     char *out, size_t outlen)
{
	time_t now = util_now() + 8 * 3600; /* the date in China */
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(out, outlen, "%s-%04d%02d%02d.%s", kind->title, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, f == SHEETW_XLSX ? "xlsx" : "csv");
}

void export_content_disposition(const char *filename, char *out, size_t outlen)
{
	struct buf b = BUF_INIT(2048);
	const char *ext = strrchr(filename, '.');
	buf_printf(&b, "attachment; filename=\"export%s\"; filename*=UTF-8''", ext ? ext : "");
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_addch(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_release(&b);
}
