/*
 * export.c: the export kind table and the one path every export takes:
 * check the size, write the rows through sheetw, audit, and remove the
 * file if anything fails.
 *
 * Values are written as the API spells them (level "assistant", service
 * field codes joined by commas), which the imports also take; the header
 * row is Chinese. The kinds marked imports_back are their import's
 * template with the current data: exported, filled in and imported again.
 */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/json.h"
#include "../core/secret.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../domain/audit.h"
#include "../domain/correction.h"
#include "../domain/coverage.h"
#include "../domain/employment.h"
#include "../domain/idcard.h"
#include "../domain/org.h"
#include "../domain/pool.h"
#include "../domain/post.h"
#include "../domain/region.h"
#include "../domain/registration.h"
#include "../domain/station.h"
#include "../domain/user.h"
#include "../domain/worker.h"
#include "import_job.h"
#include "../core/banned.h"

/* ---- lists read through an each() callback --------------------------------------- */

struct each_ctx {
	struct sheetw *w;       /* NULL: only count */
	int64_t rows;
	sg_err err;             /* what stopped the list: a write or a row's own failure */
	struct err_report *er;
};

static int each_write(struct each_ctx *c, const char *const *cells)
{
	if (c->w && sheetw_row(c->w, cells) != SG_OK) {
		c->err = err_set(c->er, SG_ERR_IO, "cannot write the export file");
		return 1;
	}
	c->rows++;
	return 0;
}

/*
 * The list's result, or the failure that stopped it; *rows as written, or
 * *total when counting. total is read here, after the list has run: as a
 * value argument beside the list call it could be read before.
 */
static sg_err each_done(sg_err rv, const struct each_ctx *c, const int64_t *total,
			int64_t *rows)
{
	*rows = c->w ? c->rows : *total;
	return rv == SG_OK && c->err != SG_OK ? c->err : rv;
}

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
	struct each_ctx out;
	db_t *db;
	int reveal;
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

/*
 * The ID number cell of a worker: masked, or for a reveal export in clear
 * in number; NULL when it does not open (c->out.err says why).
 */
static const char *id_number_cell(struct wctx *c, int64_t worker_id, const char *masked,
				  char number[IDCARD_SIZE])
{
	if (!c->reveal)
		return masked;
	if ((c->out.err = worker_number(c->db, worker_id, number, c->out.er)) != SG_OK)
		return NULL;
	return number;
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
	const char *num = id_number_cell(c, wk->id, wk->id_masked, number);
	if (!num) {
		buf_release(&fields);
		return 1;
	}
	const char *cells[NWCOLS] = {
		id, wk->name, num, wk->sex == IDCARD_MALE ? "male" : "female", wk->birth_date,
		wk->phone, wk->education, wk->social_work_major ? "true" : "false",
		wk->region_code, wk->region_name, wk->org_name, wk->post, buf_cstr(&fields),
		worker_level_name(wk->level), wk->status, wk->registration_state, wk->created_at,
	};
	int stop = each_write(&c->out, cells);

	memset(number, 0, sizeof(number));
	buf_release(&fields);
	return stop;
}

/* An optional whole-number filter in [min, max]; absent is def. */
static sg_err range_param(export_param_fn param, void *ctx, const char *name, int64_t def,
			  int64_t min, int64_t max, int64_t *out, struct err_report *er)
{
	const char *v = param(ctx, name);

	*out = def;
	if (v && v[0] && util_parse_int(v, min, max, out) != 0)
		return err_field(er, name, "invalid", "a whole number from %lld to %lld",
				 (long long)min, (long long)max);
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
	int64_t age_min, age_max;
	if (range_param(param, ctx, "age_min", -1, 0, 150, &age_min, er) != SG_OK ||
	    range_param(param, ctx, "age_max", -1, 0, 150, &age_max, er) != SG_OK)
		return er->code;
	f.age_min = (int)age_min;
	f.age_max = (int)age_max;
	struct wctx c = { { w, 0, SG_OK, er }, db, reveal };
	int64_t total = 0;

	return each_done(worker_list(db, who, &f, 0, w ? INT64_MAX : 0, w ? worker_row : NULL,
				     &c, &total, er),
			 &c.out, &total, rows);
}

/* ---- lists read a page at a time --------------------------------------- */

#define EXPORT_PAGE 500

/*
 * A list kind: fetch reads one page of records matching filter into
 * *items (the callee allocates, paged_run frees) with the total of all
 * pages; row writes record i of the page.
 */
struct paged_list {
	const void *filter;
	sg_err (*fetch)(db_t *db, const struct actor *who, const void *filter,
			int64_t offset, int64_t limit, void **items, size_t *n,
			int64_t *total, struct err_report *er);
	sg_err (*row)(const void *items, size_t i, struct sheetw *w);
};

/* Count (w NULL) or write every record of the list. */
static sg_err paged_run(db_t *db, const struct actor *who, const struct paged_list *l,
			struct sheetw *w, int64_t *rows, struct err_report *er)
{
	int64_t total = 0, done = 0;

	for (;;) {
		void *items = NULL;
		size_t n = 0;
		sg_err rv = l->fetch(db, who, l->filter, done, w ? EXPORT_PAGE : 1, &items, &n,
				     &total, er);

		for (size_t i = 0; rv == SG_OK && w && i < n; i++)
			if (l->row(items, i, w) != SG_OK)
				rv = err_set(er, SG_ERR_IO, "cannot write the export file");
		free(items);
		if (rv != SG_OK)
			return rv;
		if (!w) {
			*rows = total;
			return SG_OK;
		}
		done += (int64_t)n;
		if (n < EXPORT_PAGE || done >= total)
			break;
	}
	*rows = done;
	return SG_OK;
}

static void format_id(char out[24], int64_t id)
{
	if (id)
		snprintf(out, 24, "%lld", (long long)id);
	else
		out[0] = '\0';
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

static sg_err orgs_fetch(db_t *db, const struct actor *who, const void *filter,
			 int64_t offset, int64_t limit, void **items, size_t *n,
			 int64_t *total, struct err_report *er)
{
	struct org_filter f = *(const struct org_filter *)filter;

	f.offset = offset;
	f.limit = limit;
	return org_list(db, who, &f, (struct org **)items, n, total, er);
}

static sg_err orgs_row(const void *items, size_t i, struct sheetw *w)
{
	const struct org *o = (const struct org *)items + i;
	char id[24], grade[8];

	format_id(id, o->id);
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
	return sheetw_row(w, cells);
}

static sg_err orgs_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
		       int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct org_filter f;
	struct paged_list l = { &f, orgs_fetch, orgs_row };
	const char *grade = param(ctx, "grade");
	int64_t g = 0;

	(void)reveal;
	memset(&f, 0, sizeof(f));
	f.q = param(ctx, "q");
	f.region = param(ctx, "region");
	f.type = param(ctx, "type");
	f.status = param(ctx, "status");
	if (grade && grade[0] && util_parse_int(grade, -1, 5, &g) != 0)
		return err_field(er, "grade", "invalid", "grade is -1 (expired) or 0 to 5");
	f.grade = (int)g;
	return paged_run(db, who, &l, w, rows, er);
}

/* ---- stations --------------------------------------------------------------- */

static const struct sheetw_column station_cols[] = {
	{ "id", "编号", 0 },
	{ "name", "站点名称", 0 },
	{ "tier", "层级", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "region_name", "所在地区", 0 },
	{ "operator_credit_code", "运营机构统一社会信用代码", 0 },
	{ "operator_org_name", "运营机构", 0 },
	{ "address", "地址", 0 },
	{ "established_on", "建成日期", 1 },
	{ "status", "状态", 0 },
	{ "duplicate_reason", "增设理由", 0 },
	{ "site_area", "场地面积（平方米）", 0 },
	{ "has_equipment", "有设备", 0 },
	{ "equipment_note", "设备说明", 0 },
	{ "staff_count", "工作人员数", 0 },
	{ "resident_workers", "驻站社工数", 0 },
	{ "functions", "服务功能", 0 },
	{ "projects", "服务项目", 0 },
	{ "has_procedures", "有工作流程", 0 },
	{ "has_rules", "有规章制度", 0 },
	{ "up_to_standard", "六有达标", 0 },
};
#define NSCOLS (sizeof(station_cols) / sizeof(station_cols[0]))

static const char *const station_params[] = {
	"q", "region", "tier", "status", "standard", "org_id", NULL
};

static sg_err stations_fetch(db_t *db, const struct actor *who, const void *filter,
			     int64_t offset, int64_t limit, void **items, size_t *n,
			     int64_t *total, struct err_report *er)
{
	struct station_filter f = *(const struct station_filter *)filter;

	f.offset = offset;
	f.limit = limit;
	return station_list(db, who, &f, (struct station **)items, n, total, er);
}

static const char *yes_no(int v)
{
	return v ? "true" : "false";
}

static sg_err stations_row(const void *items, size_t i, struct sheetw *w)
{
	const struct station *s = (const struct station *)items + i;
	char id[24], area[32], staff[24], resident[24];

	format_id(id, s->id);
	snprintf(area, sizeof(area), "%g", s->site_area);
	snprintf(staff, sizeof(staff), "%lld", (long long)s->staff_count);
	snprintf(resident, sizeof(resident), "%lld", (long long)s->resident_workers);
	const char *cells[NSCOLS] = {
		id, s->name, station_tier_name(s->tier), s->region_code, s->region_name,
		s->operator_credit_code, s->operator_org_name, s->address, s->established_on,
		s->status, s->duplicate_reason, area, yes_no(s->has_equipment),
		s->equipment_note, staff, resident, s->functions, s->projects,
		yes_no(s->has_procedures), yes_no(s->has_rules), yes_no(s->up_to_standard),
	};
	return sheetw_row(w, cells);
}

static sg_err stations_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			   int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct station_filter f;
	struct paged_list l = { &f, stations_fetch, stations_row };
	const char *tier = param(ctx, "tier");
	int64_t standard;

	(void)reveal;
	memset(&f, 0, sizeof(f));
	f.q = param(ctx, "q");
	f.region = param(ctx, "region");
	f.status = param(ctx, "status");
	if (tier && tier[0] && !(f.tier = station_tier_from_name(tier)))
		return err_field(er, "tier", "not_allowed", "centre, station or room");
	if (range_param(param, ctx, "standard", -1, -1, 1, &standard, er) != SG_OK ||
	    range_param(param, ctx, "org_id", 0, 0, INT64_MAX, &f.org_id, er) != SG_OK)
		return er->code;
	f.standard = (int)standard;
	return paged_run(db, who, &l, w, rows, er);
}

/* ---- posts ------------------------------------------------------------------ */

static const struct sheetw_column post_cols[] = {
	{ "id", "编号", 0 },
	{ "title", "岗位名称", 0 },
	{ "unit_type", "设岗单位类型", 0 },
	{ "org_credit_code", "机构统一社会信用代码", 0 },
	{ "org_name", "机构名称", 0 },
	{ "unit_name", "设岗单位", 0 },
	{ "field", "服务领域", 0 },
	{ "required_level", "要求职业水平", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "region_name", "所在地区", 0 },
	{ "purchased", "政府购买", 0 },
	{ "status", "状态", 0 },
	{ "worker_name", "在岗社工", 0 },
	{ "filled_since", "上岗日期", 1 },
};
#define NPCOLS (sizeof(post_cols) / sizeof(post_cols[0]))

static const char *const post_params[] = {
	"q", "region", "field", "level", "filled", "unit_type", "org_id", "status", NULL
};

static sg_err posts_fetch(db_t *db, const struct actor *who, const void *filter,
			  int64_t offset, int64_t limit, void **items, size_t *n,
			  int64_t *total, struct err_report *er)
{
	struct post_filter f = *(const struct post_filter *)filter;

	f.offset = offset;
	f.limit = limit;
	return post_list(db, who, &f, (struct post **)items, n, total, er);
}

static sg_err posts_row(const void *items, size_t i, struct sheetw *w)
{
	const struct post *p = (const struct post *)items + i;
	char id[24];

	format_id(id, p->id);
	const char *cells[NPCOLS] = {
		id, p->title, post_unit_type_name(p->unit_type), p->org_credit_code,
		p->org_name, p->unit_name, p->field, worker_level_name(p->required_level),
		p->region_code, p->region_name, yes_no(p->purchased), p->status,
		p->worker_name, p->filled_since,
	};
	return sheetw_row(w, cells);
}

static sg_err posts_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct post_filter f;
	struct paged_list l = { &f, posts_fetch, posts_row };
	const char *level = param(ctx, "level"), *unit_type = param(ctx, "unit_type");
	int64_t filled;

	(void)reveal;
	memset(&f, 0, sizeof(f));
	f.q = param(ctx, "q");
	f.region = param(ctx, "region");
	f.field = param(ctx, "field");
	f.status = param(ctx, "status");
	f.level = level && level[0] ? worker_level_from_name(level) : -1;
	if (level && level[0] && f.level < 0)
		return err_field(er, "level", "not_allowed", "none, assistant, intermediate or senior");
	f.unit_type = unit_type && unit_type[0] ? post_unit_type_from_name(unit_type) : -1;
	if (unit_type && unit_type[0] && f.unit_type < 0)
		return err_field(er, "unit_type", "not_allowed",
				 "org, government, public_institution or community");
	if (range_param(param, ctx, "filled", -1, -1, 1, &filled, er) != SG_OK ||
	    range_param(param, ctx, "org_id", 0, 0, INT64_MAX, &f.org_id, er) != SG_OK)
		return er->code;
	f.filled = (int)filled;
	return paged_run(db, who, &l, w, rows, er);
}

/* ---- coverage gaps ---------------------------------------------------------- */

static const struct sheetw_column gap_cols[] = {
	{ "code", "区划代码", 0 },
	{ "name", "名称", 0 },
	{ "parent_name", "上级区划", 0 },
};
#define NGCOLS (sizeof(gap_cols) / sizeof(gap_cols[0]))

static const char *const gap_params[] = { "region", "level", NULL };

struct gap_filter {
	const char *region;
	enum coverage_gap_kind kind;
};

static sg_err gaps_fetch(db_t *db, const struct actor *who, const void *filter,
			 int64_t offset, int64_t limit, void **items, size_t *n,
			 int64_t *total, struct err_report *er)
{
	const struct gap_filter *f = filter;

	return coverage_gaps(db, who, f->region, f->kind, offset, limit,
			     (struct coverage_gap **)items, n, total, er);
}

static sg_err gaps_row(const void *items, size_t i, struct sheetw *w)
{
	const struct coverage_gap *g = (const struct coverage_gap *)items + i;
	const char *cells[NGCOLS] = { g->code, g->name, g->parent_name };

	return sheetw_row(w, cells);
}

static sg_err gaps_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
		       int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	const char *level = param(ctx, "level");
	struct gap_filter f = {
		param(ctx, "region"), coverage_gap_kind_from_name(level && level[0] ? level : "town")
	};
	struct paged_list l = { &f, gaps_fetch, gaps_row };

	(void)reveal;
	return paged_run(db, who, &l, w, rows, er);
}

/* ---- one worker's certificates and records -------------------------------------- */

/* The worker parameter (a worker id, 0 when absent) of the lists of one worker. */
static sg_err worker_param(export_param_fn param, void *ctx, int required, int64_t *worker,
			   struct err_report *er)
{
	if (range_param(param, ctx, "worker", 0, 1, INT64_MAX, worker, er) != SG_OK)
		return er->code;
	if (required && !*worker)
		return err_field(er, "worker", "required", "the worker whose list to export");
	return SG_OK;
}

static const struct sheetw_column qualification_cols[] = {
	{ "level", "职业水平", 0 },
	{ "certificate_no", "证书管理号", 0 },
	{ "passed_on", "通过日期", 1 },
	{ "issuer", "发证机关", 0 },
	{ "created_at", "录入时间", 0 },
	{ "removed_at", "删除时间", 0 },
};
#define NQCOLS (sizeof(qualification_cols) / sizeof(qualification_cols[0]))

static const char *const worker_only_params[] = { "worker", NULL };

static int qualification_row(const struct qualification *q, void *arg)
{
	const char *cells[NQCOLS] = {
		worker_level_name(q->level), q->certificate_no, q->passed_on, q->issuer,
		q->created_at, q->removed_at,
	};
	return each_write(arg, cells);
}

static sg_err qualifications_run(db_t *db, const struct actor *who, export_param_fn param,
				 void *ctx, int reveal, struct sheetw *w, int64_t *rows,
				 struct err_report *er)
{
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t worker;

	(void)reveal;
	if (worker_param(param, ctx, 1, &worker, er) != SG_OK)
		return er->code;
	return each_done(worker_qualifications(db, who, worker, qualification_row, &c, er), &c,
			 &c.rows, rows);
}

static const struct sheetw_column record_cols[] = {
	{ "kind", "类别", 0 },
	{ "title", "名称", 0 },
	{ "issuer", "授予或作出机关", 0 },
	{ "dated_on", "日期", 1 },
	{ "note", "说明", 0 },
	{ "created_at", "录入时间", 0 },
	{ "removed_at", "删除时间", 0 },
};
#define NRECCOLS (sizeof(record_cols) / sizeof(record_cols[0]))

static const char *const record_params[] = { "worker", "kind", NULL };

static int record_row(const struct worker_record *r, void *arg)
{
	const char *cells[NRECCOLS] = {
		r->kind, r->title, r->issuer, r->dated_on, r->note, r->created_at, r->removed_at,
	};
	return each_write(arg, cells);
}

static sg_err records_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			  int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t worker;

	(void)reveal;
	if (worker_param(param, ctx, 1, &worker, er) != SG_OK)
		return er->code;
	return each_done(worker_records(db, who, worker, param(ctx, "kind"), record_row, &c, er),
			 &c, &c.rows, rows);
}

/* ---- regions and their population ------------------------------------------- */

/* the population import's columns first, with its headers: the export is its template */
static const struct sheetw_column region_cols[] = {
	{ "region_code", "区划代码", 0 },
	{ "population", "常住人口", 0 },
	{ "name", "名称", 0 },
	{ "level", "层级", 0 },
};
#define NRGCOLS (sizeof(region_cols) / sizeof(region_cols[0]))

static const char *const region_params[] = { "parent", NULL };

/* The children of parent, or the actor's roots when parent is "". */
static sg_err regions_fetch(db_t *db, const struct actor *who, const void *filter,
			    int64_t offset, int64_t limit, void **items, size_t *n,
			    int64_t *total, struct err_report *er)
{
	const char *parent = filter;
	struct region_list l = REGION_LIST_INIT;
	sg_err rv = parent[0] ? region_children(db, who, parent, offset, limit, &l, er)
			      : region_roots(db, who, offset, limit, &l, er);

	/* a bad or unknown parent is the filter's fault: name it */
	if (rv == SG_ERR_INVALID || rv == SG_ERR_NOT_FOUND) {
		err_clear(er);
		rv = err_field(er, "parent", "unknown", "not a region code in your scope");
	}
	*items = l.items;
	*n = l.count;
	*total = l.total;
	return rv;
}

static sg_err regions_row(const void *items, size_t i, struct sheetw *w)
{
	const struct region *r = (const struct region *)items + i;
	char population[24];

	if (r->population == REGION_POPULATION_UNKNOWN)
		population[0] = '\0';
	else
		snprintf(population, sizeof(population), "%lld", (long long)r->population);
	const char *cells[NRGCOLS] = { r->code, population, r->name, region_level_name(r->level) };
	return sheetw_row(w, cells);
}

static sg_err regions_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			  int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	const char *parent = param(ctx, "parent");
	struct paged_list l = { parent ? parent : "", regions_fetch, regions_row };

	(void)reveal;
	return paged_run(db, who, &l, w, rows, er);
}

/* ---- registrations -------------------------------------------------------- */

static const struct sheetw_column registration_cols[] = {
	{ "id", "编号", 0 },
	{ "worker_id", "社工编号", 0 },
	{ "worker_name", "姓名", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "kind", "登记类型", 0 },
	{ "level", "职业水平", 0 },
	{ "certificate_mgmt_no", "职业资格证书管理号", 0 },
	{ "state", "状态", 0 },
	{ "submitted_at", "提交时间", 0 },
	{ "registered_on", "登记日期", 1 },
	{ "expires_on", "有效期至", 1 },
	{ "certificate_no", "登记证书编号", 0 },
	{ "ce_hours", "继续教育学时", 0 },
	{ "created_at", "创建时间", 0 },
};
#define NRCOLS (sizeof(registration_cols) / sizeof(registration_cols[0]))

static const char *const registration_params[] = {
	"state", "region", "kind", "q", "expiring_within", "worker", NULL
};

static int registration_row(const struct registration *r, void *arg)
{
	char id[24], worker_id[24], ce_hours[24];

	format_id(id, r->id);
	format_id(worker_id, r->worker_id);
	if (r->ce_hours >= 0)
		snprintf(ce_hours, sizeof(ce_hours), "%lld", (long long)r->ce_hours);
	else
		ce_hours[0] = '\0';
	const char *cells[NRCOLS] = {
		id, worker_id, r->worker_name, r->region_code, r->kind,
		worker_level_name(r->level), r->certificate_mgmt_no,
		registration_state_name(r->state), r->submitted_at, r->registered_on,
		r->expires_on, r->certificate_no, ce_hours, r->created_at,
	};
	return each_write(arg, cells);
}

static sg_err registrations_run(db_t *db, const struct actor *who, export_param_fn param,
				void *ctx, int reveal, struct sheetw *w, int64_t *rows,
				struct err_report *er)
{
	struct registration_filter f;
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0;

	(void)reveal;
	memset(&f, 0, sizeof(f));
	f.state = param(ctx, "state");
	f.region = param(ctx, "region");
	f.kind = param(ctx, "kind");
	f.q = param(ctx, "q");
	if (range_param(param, ctx, "expiring_within", -1, 0, 36600, &f.expiring_within,
			er) != SG_OK ||
	    worker_param(param, ctx, 0, &f.worker_id, er) != SG_OK)
		return er->code;
	return each_done(registration_list(db, who, &f, 0, w ? INT64_MAX : 0,
					   w ? registration_row : NULL, &c, &total, er),
			 &c, &total, rows);
}

/* ---- talent pool members ------------------------------------------------------ */

static const struct sheetw_column pool_cols[] = {
	{ "worker_id", "社工编号", 0 },
	{ "name", "姓名", 0 },
	{ "id_number", "公民身份号码", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "org_name", "工作单位", 0 },
	{ "level", "职业水平", 0 },
	{ "pool", "人才库", 0 },
	{ "grade", "督导等级", 0 },
	{ "joined_on", "入库日期", 1 },
	{ "recertify_on", "复核日期", 1 },
	{ "removed_at", "出库时间", 0 },
};
#define NLCOLS (sizeof(pool_cols) / sizeof(pool_cols[0]))

static const char *const pool_params[] = {
	"pool", "region", "level", "grade", "due_by", "worker", NULL
};

static int pool_row(const struct pool_member *m, void *arg)
{
	char worker_id[24];

	format_id(worker_id, m->worker_id);
	const char *cells[NLCOLS] = {
		worker_id, m->name, m->id_masked, m->region_code, m->org_name,
		worker_level_name(m->level), m->pool, m->grade, m->joined_on, m->recertify_on,
		m->removed_at,
	};
	return each_write(arg, cells);
}

static sg_err pool_members_run(db_t *db, const struct actor *who, export_param_fn param,
			       void *ctx, int reveal, struct sheetw *w, int64_t *rows,
			       struct err_report *er)
{
	struct pool_filter f = {
		param(ctx, "pool"), param(ctx, "region"), param(ctx, "level"),
		param(ctx, "grade"), param(ctx, "due_by"),
	};
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0, worker = 0;

	(void)reveal;
	if (worker_param(param, ctx, 0, &worker, er) != SG_OK)
		return er->code;
	/* one worker's memberships (the worker page's tab), past ones included */
	if (worker)
		return each_done(pool_of_worker(db, who, worker, pool_row, &c, er), &c, &c.rows,
				 rows);
	return each_done(pool_list(db, who, &f, 0, w ? INT64_MAX : 0, w ? pool_row : NULL,
				   &c, &total, er),
			 &c, &total, rows);
}

/* ---- service history ------------------------------------------------------------ */

/* the employment import's columns first, with its headers */
static const struct sheetw_column employment_cols[] = {
	{ "id_number", "身份证号", 0 },
	{ "org_credit_code", "机构统一社会信用代码", 0 },
	{ "org_name", "工作单位", 0 },
	{ "post", "岗位", 0 },
	{ "field", "服务领域", 0 },
	{ "started_on", "开始日期", 1 },
	{ "ended_on", "结束日期", 1 },
	{ "worker_id", "社工编号", 0 },
	{ "name", "姓名", 0 },
	{ "region_code", "行政区划代码", 0 },
};
#define NECOLS (sizeof(employment_cols) / sizeof(employment_cols[0]))

static const char *const employment_params[] = { "region", "worker", "org_id", "current", NULL };

static int employment_row(const struct employment_entry *en, void *arg)
{
	struct wctx *c = arg;
	char worker_id[24], number[IDCARD_SIZE];
	const char *id = id_number_cell(c, en->e->worker_id, en->id_masked, number);

	if (!id)
		return 1;
	format_id(worker_id, en->e->worker_id);
	const char *cells[NECOLS] = {
		id, en->org_credit_code, en->e->org_name, en->e->post, en->e->field,
		en->e->started_on, en->e->ended_on, worker_id, en->worker_name, en->region_code,
	};
	int stop = each_write(&c->out, cells);

	memset(number, 0, sizeof(number));
	return stop;
}

static sg_err employment_run(db_t *db, const struct actor *who, export_param_fn param,
			     void *ctx, int reveal, struct sheetw *w, int64_t *rows,
			     struct err_report *er)
{
	struct employment_filter f = { param(ctx, "region"), 0, 0, param(ctx, "current") };
	struct wctx c = { { w, 0, SG_OK, er }, db, reveal };
	int64_t total = 0;

	if (worker_param(param, ctx, 0, &f.worker_id, er) != SG_OK ||
	    range_param(param, ctx, "org_id", 0, 1, INT64_MAX, &f.org_id, er) != SG_OK)
		return er->code;
	return each_done(employment_ledger(db, who, &f, 0, w ? INT64_MAX : 0,
					   w ? employment_row : NULL, &c, &total, er),
			 &c.out, &total, rows);
}

/* ---- the audit log ------------------------------------------------------------ */

static const struct sheetw_column audit_cols[] = {
	{ "id", "编号", 0 },
	{ "ts", "时间", 0 },
	{ "user_login", "用户", 0 },
	{ "ip", "IP 地址", 0 },
	{ "action", "操作", 0 },
	{ "object_type", "对象类型", 0 },
	{ "object_id", "对象编号", 0 },
	{ "outcome", "结果", 0 },
	{ "details", "详情", 0 },
};
#define NACOLS (sizeof(audit_cols) / sizeof(audit_cols[0]))

static const char *const audit_params[] = { "action", "user", "outcome", "from", "to", NULL };

static int audit_row(const struct audit_record *r, void *arg)
{
	char id[24];

	format_id(id, r->id);
	const char *cells[NACOLS] = {
		id, r->ts, r->login, r->ip, r->action, r->object_type, r->object_id,
		r->outcome, r->details,
	};
	return each_write(arg, cells);
}

static sg_err audit_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct audit_filter f = {
		param(ctx, "action"), param(ctx, "user"), param(ctx, "outcome"),
		param(ctx, "from"), param(ctx, "to"),
	};
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0;

	(void)reveal;
	return each_done(audit_list(db, who, &f, 0, w ? INT64_MAX : 0, w ? audit_row : NULL,
				    &c, &total, er),
			 &c, &total, rows);
}

/* ---- user accounts -------------------------------------------------------------- */

static const struct sheetw_column user_cols[] = {
	{ "id", "编号", 0 },
	{ "login", "登录名", 0 },
	{ "display_name", "姓名", 0 },
	{ "role", "角色", 0 },
	{ "region_code", "行政区划代码", 0 },
	{ "region_name", "所在地区", 0 },
	{ "disabled", "已停用", 0 },
	{ "totp_enabled", "已启用双因素认证", 0 },
	{ "must_change_password", "须修改密码", 0 },
	{ "created_at", "创建时间", 0 },
	{ "last_login_at", "最近登录时间", 0 },
};
#define NUCOLS (sizeof(user_cols) / sizeof(user_cols[0]))

static const char *const user_params[] = { "q", "role", "region", "disabled", NULL };

static int user_row(const struct user *u, void *arg)
{
	char id[24];

	format_id(id, u->id);
	const char *cells[NUCOLS] = {
		id, u->login, u->display_name, role_name(u->role), u->region_code,
		u->region_name, yes_no(u->disabled), yes_no(u->totp_enabled),
		yes_no(u->must_change_password), u->created_at, u->last_login_at,
	};
	return each_write(arg, cells);
}

static sg_err users_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct user_filter f;
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0;

	(void)reveal;
	if (user_filter_parse(&f, param(ctx, "q"), param(ctx, "role"), param(ctx, "region"),
			      param(ctx, "disabled"), er) != SG_OK)
		return er->code;
	return each_done(user_list(db, who, &f, 0, w ? INT64_MAX : 0, w ? user_row : NULL,
				   &c, &total, er),
			 &c, &total, rows);
}

/* ---- corrections workers asked for ------------------------------------------------- */

static const struct sheetw_column correction_cols[] = {
	{ "id", "编号", 0 },
	{ "worker_id", "社工编号", 0 },
	{ "worker_name", "姓名", 0 },
	{ "field", "更正项目", 0 },
	{ "new_value", "更正为", 0 },
	{ "reason", "申请理由", 0 },
	{ "state", "状态", 0 },
	{ "decision_reason", "处理意见", 0 },
	{ "created_at", "申请时间", 0 },
	{ "decided_at", "处理时间", 0 },
};
#define NCCOLS (sizeof(correction_cols) / sizeof(correction_cols[0]))

static const char *const correction_params[] = { "state", NULL };

static int correction_row(const struct correction *r, void *arg)
{
	char id[24], worker_id[24];

	format_id(id, r->id);
	format_id(worker_id, r->worker_id);
	const char *cells[NCCOLS] = {
		id, worker_id, r->worker_name, r->field, r->new_value, r->reason, r->state,
		r->decision_reason, r->created_at, r->decided_at,
	};
	return each_write(arg, cells);
}

static sg_err corrections_run(db_t *db, const struct actor *who, export_param_fn param,
			      void *ctx, int reveal, struct sheetw *w, int64_t *rows,
			      struct err_report *er)
{
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0;

	(void)reveal;
	return each_done(correction_list(db, who, param(ctx, "state"), 0, w ? INT64_MAX : 0,
					 w ? correction_row : NULL, &c, &total, er),
			 &c, &total, rows);
}

/* ---- the caller's imports ----------------------------------------------------- */

static const struct sheetw_column import_cols[] = {
	{ "id", "任务编号", 0 },
	{ "user_login", "提交用户", 0 },
	{ "kind", "导入类型", 0 },
	{ "file_name", "文件名", 0 },
	{ "mode", "导入模式", 0 },
	{ "state", "状态", 0 },
	{ "total", "总行数", 0 },
	{ "inserted", "新增", 0 },
	{ "updated", "更新", 0 },
	{ "unchanged", "未变", 0 },
	{ "rejected", "拒绝", 0 },
	{ "error", "错误", 0 },
	{ "created_at", "提交时间", 0 },
	{ "finished_at", "完成时间", 0 },
};
#define NICOLS (sizeof(import_cols) / sizeof(import_cols[0]))

static const char *const import_params[] = { NULL };

/* A count of the import's result object, "" while it has none. */
static void result_count(json_t *result, const char *key, char out[24])
{
	json_t *v = json_object_get(result, key);

	if (json_is_integer(v))
		snprintf(out, 24, "%lld", (long long)json_integer_value(v));
	else
		out[0] = '\0';
}

static int import_row(const struct import_entry *e, void *arg)
{
	json_t *result = e->result ? json_loads(e->result, 0, NULL) : NULL;
	char id[24], total[24], inserted[24], updated[24], unchanged[24], rejected[24];

	format_id(id, e->id);
	snprintf(total, sizeof(total), "%lld", (long long)e->total);
	result_count(result, "inserted", inserted);
	result_count(result, "updated", updated);
	result_count(result, "unchanged", unchanged);
	result_count(result, "rejected", rejected);
	json_decref(result);
	const char *cells[NICOLS] = {
		id, e->login, e->kind, e->file_name, e->mode, e->state, total, inserted, updated,
		unchanged, rejected, e->error, e->created_at, e->finished_at,
	};
	return each_write(arg, cells);
}

static sg_err imports_run(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
			  int reveal, struct sheetw *w, int64_t *rows, struct err_report *er)
{
	struct each_ctx c = { w, 0, SG_OK, er };
	int64_t total = 0;

	(void)param;
	(void)ctx;
	(void)reveal;
	return each_done(import_list(db, who, 0, w ? INT64_MAX : 0, w ? import_row : NULL, &c,
				     &total, er),
			 &c, &total, rows);
}

/* ---- the table ----------------------------------------------------------- */

/* The system actor (CLI, its jobs) reads every list. */
#define READERS_REGISTRY (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSTEM))
#define READERS_AUDIT (ROLES_AUDIT_READERS | ROLE_BIT(ROLE_SYSTEM))
#define READERS_USERS (ROLES_USER_MANAGERS | ROLE_BIT(ROLE_SYSTEM))
#define READERS_CORRECTIONS (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_SYSTEM))

static const struct export_kind kinds[] = {
	{ "workers", "社工名单", worker_cols, NWCOLS, worker_params, READERS_REGISTRY,
	  workers_run, 0 },
	{ "orgs", "社会工作服务机构", org_cols, NOCOLS, org_params, READERS_REGISTRY, orgs_run, 0 },
	{ "stations", "社工站点", station_cols, NSCOLS, station_params, READERS_REGISTRY,
	  stations_run, 0 },
	{ "posts", "社会工作岗位", post_cols, NPCOLS, post_params, READERS_REGISTRY, posts_run, 0 },
	{ "coverage_gaps", "未覆盖区划", gap_cols, NGCOLS, gap_params, READERS_REGISTRY,
	  gaps_run, 0 },
	{ "registrations", "社工登记台账", registration_cols, NRCOLS, registration_params,
	  READERS_REGISTRY, registrations_run, 0 },
	{ "pool_members", "人才库成员", pool_cols, NLCOLS, pool_params, READERS_REGISTRY,
	  pool_members_run, 0 },
	{ "population", "行政区划人口", region_cols, NRGCOLS, region_params, READERS_REGISTRY,
	  regions_run, 1 },
	{ "employment", "服务履历", employment_cols, NECOLS, employment_params, READERS_REGISTRY,
	  employment_run, 1 },
	{ "qualifications", "职业资格证书", qualification_cols, NQCOLS, worker_only_params,
	  READERS_REGISTRY, qualifications_run, 0 },
	{ "records", "荣誉与处分", record_cols, NRECCOLS, record_params, READERS_REGISTRY,
	  records_run, 0 },
	{ "audit", "审计日志", audit_cols, NACOLS, audit_params, READERS_AUDIT, audit_run, 0 },
	{ "users", "用户账号", user_cols, NUCOLS, user_params, READERS_USERS, users_run, 0 },
	{ "corrections", "信息更正申请", correction_cols, NCCOLS, correction_params,
	  READERS_CORRECTIONS, corrections_run, 0 },
	{ "imports", "导入记录", import_cols, NICOLS, import_params, READERS_REGISTRY,
	  imports_run, 0 },
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

int export_kind_allowed(const struct export_kind *kind, const struct actor *who)
{
	return role_in(who->role, kind->roles);
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
	if (!export_kind_allowed(kind, who))
		return actor_forbidden(who, kind->roles, kind->title, er);
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
