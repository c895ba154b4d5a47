/*
 * statsreport.c: the dashboard report (statsreport.h): the figures are
 * gathered once through domain/stats (and today's progress of the
 * region's plans through domain/target) into struct report, then written as
 * an XLSX workbook (libxlsxwriter) or drawn as a PDF (cairo + pango, Noto
 * Sans CJK: the report is a table-and-chart document, where the sans face
 * reads better at small sizes than the certificate's serif).
 *
 * libxlsxwriter 1.1.4 (Debian 12) writes only to a named file, so the
 * workbook goes through a private temporary file that is read back and
 * removed.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "statsreport.h"
#include "target.h"
#include "../core/util.h"
#include "../core/banned.h"

/* A4 portrait, PDF points */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 48.0
#define SANS "Noto Sans CJK SC"
#define BARS_PER_PAGE 40
#define REPORT_MAX_TARGETS 10   /* plans in one report, newest first */
#define TARGET_ROWS_PER_PAGE 28

/* Chinese words of enum target_status, as the dashboard shows them. */
static const char *const TARGET_STATUS_NAMES[] = {
	"暂无指标", "暂无数据", "已完成", "按进度", "落后",
};

static const char *const LEVEL_NAMES[4] = {
	"未取得证书", "助理社会工作师", "社会工作师", "高级社会工作师"
};

struct report {
	struct stats_overview o;
	struct stats_balance workers;    /* workers_total per child */
	struct stats_balance certified;  /* certified_total per child */
	struct stats_balance per10k;     /* per_10k per child */
	char date[STATS_DATE_SIZE];      /* as of; "" = today */
	size_t nind;
	struct {
		const struct stats_indicator_def *def;
		struct stats_value v;
	} ind[64];
	struct target_progress *targets; /* today's progress of the region's plans */
	size_t ntargets;
};

static void report_release(struct report *r)
{
	free(r->targets);
	stats_balance_release(&r->workers);
	stats_balance_release(&r->certified);
	stats_balance_release(&r->per10k);
}

struct target_ids {
	int64_t id[REPORT_MAX_TARGETS];
	size_t n;
};

static int collect_target(const struct target_set *set, void *arg)
{
	struct target_ids *ids = arg;

	ids->id[ids->n++] = set->id;
	return ids->n == REPORT_MAX_TARGETS;
}

/* Today's progress of the plans set for the region's subtree. */
static sg_err gather_targets(db_t *db, const struct actor *who, const char *region,
			     struct report *r, struct err_report *er)
{
	struct target_ids ids = { .n = 0 };
	int64_t total;

	if (target_list(db, who, region, 0, REPORT_MAX_TARGETS, collect_target, &ids, &total,
			er) != SG_OK)
		return er->code;
	if (!ids.n)
		return SG_OK;
	if (!(r->targets = calloc(ids.n, sizeof(*r->targets))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	for (; r->ntargets < ids.n; r->ntargets++)
		if (target_progress(db, who, ids.id[r->ntargets], NULL, NULL,
				    &r->targets[r->ntargets], er) != SG_OK)
			return er->code;
	return SG_OK;
}

/* An item's name: its own label, else its indicator's. */
static const char *target_label(const struct target_item *it)
{
	const struct stats_indicator_def *d = stats_indicator_find(it->indicator);

	return it->label[0] || !d ? it->label : d->name;
}

static sg_err gather(db_t *db, const struct actor *who, const char *region,
		     const char *date, struct report *r, struct err_report *er)
{
	if (stats_overview(db, who, region, date, &r->o, er) != SG_OK)
		return er->code;
	/* the resolved code from here on: region "" meant the actor's root */
	region = r->o.region.code;
	util_strlcpy(r->date, date ? date : "", sizeof(r->date));
	for (size_t i = 0; i < stats_indicator_count() &&
			   r->nind < sizeof(r->ind) / sizeof(r->ind[0]); i++) {
		const struct stats_indicator_def *d = stats_indicator_at(i);

		if (!d->tracked)
			continue;
		r->ind[r->nind].def = d;
		if (stats_indicator(db, who, d->key, region, date,
				    &r->ind[r->nind].v, er) != SG_OK)
			return er->code;
		r->nind++;
	}
	if (stats_balance(db, who, region, "workers_total", &r->workers, er) ||
	    stats_balance(db, who, region, "certified_total", &r->certified, er) ||
	    stats_balance(db, who, region, "per_10k", &r->per10k, er))
		return er->code;
	/* progress is today's: a report as of a past date has no plans */
	return date && *date ? SG_OK : gather_targets(db, who, region, r, er);
}

static void fmt_value(const struct stats_value *v, char *out, size_t size)
{
	if (!v->known || isnan(v->value))
		snprintf(out, size, "—");
	else if (v->value == floor(v->value) && fabs(v->value) < 1e15)
		snprintf(out, size, "%.0f", v->value);
	else
		snprintf(out, size, "%.2f", v->value);
}

static const char *region_label(const struct stats_region *r)
{
	return r->code[0] ? r->name : "全国";
}

/* ---- XLSX ---- */

static void cell_value(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
		       const struct stats_value *v)
{
	if (v->known && !isnan(v->value))
		worksheet_write_number(ws, row, col, v->value, NULL);
	else
		worksheet_write_blank(ws, row, col, NULL);
}

static void write_xlsx_sheets(lxw_workbook *wb, const struct report *r)
{
	const struct stats_overview *o = &r->o;
	lxw_format *bold = workbook_add_format(wb);
	lxw_worksheet *ws;
	lxw_row_t row = 0;
	struct stats_value v = { 1, 0, 0, 1 };

	lxw_format *pct = workbook_add_format(wb);

	format_set_bold(bold);
	format_set_num_format(pct, "0.0%");

	ws = workbook_add_worksheet(wb, "概览");
	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, 1, 16, NULL);
	worksheet_write_string(ws, row, 0, "地区", bold);
	worksheet_write_string(ws, row++, 1, region_label(&o->region), NULL);
	worksheet_write_string(ws, row, 0, "区划代码", bold);
	worksheet_write_string(ws, row++, 1, o->region.code, NULL);
	worksheet_write_string(ws, row, 0, "统计日期", bold);
	worksheet_write_string(ws, row++, 1, o->date, NULL);
	worksheet_write_string(ws, row, 0, "社会工作者（在册）", bold);
	worksheet_write_number(ws, row++, 1, (double)o->workers, NULL);
	worksheet_write_string(ws, row, 0, "持证人数", bold);
	worksheet_write_number(ws, row++, 1, (double)o->certified, NULL);
	worksheet_write_string(ws, row, 0, "常住人口", bold);
	v.known = o->region.population != REGION_POPULATION_UNKNOWN;
	v.value = (double)o->region.population;
	cell_value(ws, row++, 1, &v);
	worksheet_write_string(ws, row, 0, "每万人社会工作者", bold);
	v.known = v.known && !o->past && o->region.population > 0;
	v.value = v.known ? (double)o->workers * 10000.0 / (double)o->region.population : 0;
	cell_value(ws, row++, 1, &v);
	worksheet_write_string(ws, row, 0, "大专及以上学历占比", bold);
	v.known = !o->past && o->edu_known > 0;
	v.value = v.known ? (double)o->edu_college / (double)o->edu_known : 0;
	cell_value(ws, row++, 1, &v);
	/* today's figures only: blank for a past date */
	v.known = !o->past;
	worksheet_write_string(ws, row, 0, "社会工作服务机构", bold);
	v.value = (double)o->orgs;
	cell_value(ws, row++, 1, &v);
	worksheet_write_string(ws, row, 0, "督导人才", bold);
	v.value = (double)o->supervisors;
	cell_value(ws, row++, 1, &v);
	worksheet_write_string(ws, row, 0, "90 天内到期的登记", bold);
	v.value = (double)o->expiring;
	cell_value(ws, row++, 1, &v);

	ws = workbook_add_worksheet(wb, "等级");
	worksheet_set_column(ws, 0, 0, 20, NULL);
	worksheet_write_string(ws, 0, 0, "等级", bold);
	worksheet_write_string(ws, 0, 1, "人数", bold);
	for (int i = 0; i < 4; i++) {
		worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, LEVEL_NAMES[i], NULL);
		worksheet_write_number(ws, (lxw_row_t)(i + 1), 1,
				       (double)o->by_level[i], NULL);
	}

	ws = workbook_add_worksheet(wb, "下级地区");
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 24, NULL);
	worksheet_set_column(ws, 2, 4, 14, NULL);
	worksheet_write_string(ws, 0, 0, "区划代码", bold);
	worksheet_write_string(ws, 0, 1, "地区", bold);
	worksheet_write_string(ws, 0, 2, "社会工作者", bold);
	worksheet_write_string(ws, 0, 3, "持证人数", bold);
	worksheet_write_string(ws, 0, 4, "每万人社会工作者", bold);
	worksheet_write_string(ws, 0, 5, "落后", bold);
	row = 1;
	for (size_t i = 0; i < r->workers.count; i++, row++) {
		const struct stats_child *c = &r->workers.children[i];

		worksheet_write_string(ws, row, 0, c->code, NULL);
		worksheet_write_string(ws, row, 1, c->name, NULL);
		cell_value(ws, row, 2, &c->v);
		if (i < r->certified.count)
			cell_value(ws, row, 3, &r->certified.children[i].v);
		if (i < r->per10k.count) {
			cell_value(ws, row, 4, &r->per10k.children[i].v);
			if (r->per10k.children[i].lagging)
				worksheet_write_string(ws, row, 5, "是", NULL);
		}
	}
	row++;
	worksheet_write_string(ws, row, 1, "每万人：变异系数", bold);
	v.known = !isnan(r->per10k.cv);
	v.value = r->per10k.cv;
	cell_value(ws, row++, 4, &v);
	worksheet_write_string(ws, row, 1, "每万人：基尼系数", bold);
	v.known = !isnan(r->per10k.gini);
	v.value = r->per10k.gini;
	cell_value(ws, row++, 4, &v);

	ws = workbook_add_worksheet(wb, "指标");
	worksheet_set_column(ws, 0, 0, 24, NULL);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_write_string(ws, 0, 0, "指标", bold);
	worksheet_write_string(ws, 0, 1, "名称", bold);
	worksheet_write_string(ws, 0, 2, "单位", bold);
	worksheet_write_string(ws, 0, 3, "数值", bold);
	worksheet_write_string(ws, 0, 4, "分子", bold);
	worksheet_write_string(ws, 0, 5, "分母", bold);
	worksheet_write_string(ws, 0, 6, "截至", bold);
	for (size_t i = 0; i < r->nind; i++) {
		const struct stats_value *iv = &r->ind[i].v;
		struct stats_value part = { iv->known, iv->numerator, 0, 1 };

		row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, r->ind[i].def->key, NULL);
		worksheet_write_string(ws, row, 1, r->ind[i].def->name, NULL);
		worksheet_write_string(ws, row, 2, r->ind[i].def->unit, NULL);
		cell_value(ws, row, 3, iv);
		cell_value(ws, row, 4, &part);
		part.value = iv->denominator;
		cell_value(ws, row, 5, &part);
		worksheet_write_string(ws, row, 6, r->date[0] ? r->date : o->date, NULL);
	}
	ws = workbook_add_worksheet(wb, "规划目标");
	worksheet_set_column(ws, 0, 1, 30, NULL);
	worksheet_set_column(ws, 2, 7, 12, NULL);
	{
		static const char *const heads[] = {
			"规划", "指标", "基期值", "目标值", "当前值", "完成进度", "截止日期", "状态",
		};
		lxw_row_t trow = 0;

		for (lxw_col_t c = 0; c < 8; c++)
			worksheet_write_string(ws, 0, c, heads[c], bold);
		for (size_t t = 0; t < r->ntargets; t++) {
			const struct target_progress *tp = &r->targets[t];

			for (size_t k = 0; k < tp->set.nitems; k++) {
				const struct target_item *it = &tp->set.items[k];
				const struct target_progress_item *pi = &tp->items[k];

				trow++;
				worksheet_write_string(ws, trow, 0, tp->set.name, NULL);
				worksheet_write_string(ws, trow, 1, target_label(it), NULL);
				if (it->has_baseline)
					worksheet_write_number(ws, trow, 2, it->baseline, NULL);
				worksheet_write_number(ws, trow, 3, it->target, NULL);
				if (pi->has_current)
					worksheet_write_number(ws, trow, 4, pi->current, NULL);
				if (pi->has_progress)
					worksheet_write_number(ws, trow, 5, pi->progress, pct);
				worksheet_write_string(ws, trow, 6, pi->due_date, NULL);
				worksheet_write_string(ws, trow, 7, TARGET_STATUS_NAMES[pi->status], NULL);
			}
		}
	}
}

static sg_err render_xlsx(const struct report *r, struct buf *out,
			  struct err_report *er)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	unsigned char chunk[65536];
	lxw_workbook *wb;
	lxw_error xe;
	sg_err code = SG_OK;
	FILE *f = NULL;
	size_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/shegong-report-XXXXXX",
		 dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(er, SG_ERR_IO, "temporary file: %s", strerror(errno));
	close(fd);
	wb = workbook_new(path);
	if (!wb) {
		code = err_set(er, SG_ERR_IO, "XLSX workbook could not be created");
		goto out;
	}
	write_xlsx_sheets(wb, r);
	xe = workbook_close(wb);
	if (xe != LXW_NO_ERROR) {
		code = err_set(er, SG_ERR_IO, "XLSX: %s", lxw_strerror(xe));
		goto out;
	}
	f = fopen(path, "rb");
	if (!f) {
		code = err_set(er, SG_ERR_IO, "XLSX read back: %s", strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n)) {
			code = err_set(er, (sg_err)out->err, "the report does not"
				       " fit in its buffer");
			goto out;
		}
	if (ferror(f))
		code = err_set(er, SG_ERR_IO, "XLSX read back failed");
out:
	if (f)
		fclose(f);
	unlink(path);
	return code;
}

/* ---- PDF ---- */

struct pen {
	cairo_t *cr;
	int missing;   /* glyphs no installed font has */
};

enum align { LEFT, RIGHT, CENTER };

/* Text with its top at y, anchored at x by align; returns its height. */
static double text(struct pen *p, const char *s, double x, double y,
		   double size, int bold, enum align align, double width)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_new();
	PangoRectangle logical;
	double w;

	pango_font_description_set_family(fd, SANS);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
						   : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(l, s, -1);
	p->missing += pango_layout_get_unknown_glyphs_count(l);
	pango_layout_get_extents(l, NULL, &logical);
	w = (double)logical.width / PANGO_SCALE;
	cairo_move_to(p->cr, align == LEFT ? x : align == RIGHT ? x - w : x - w / 2, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	return (double)logical.height / PANGO_SCALE;
}

static void ink(cairo_t *cr, double r, double g, double b)
{
	cairo_set_source_rgb(cr, r, g, b);
}

static double draw_headline(struct pen *p, const struct report *r, double y)
{
	const struct stats_overview *o = &r->o;
	char title[REGION_NAME_SIZE + 64], line[256], a[32], b[32];
	struct stats_value v = { 1, 0, 0, 1 };

	ink(p->cr, 0.1, 0.1, 0.1);
	snprintf(title, sizeof(title), "%s社会工作专业人才统计报告",
		 region_label(&o->region));
	y += text(p, title, PAGE_W / 2, y, 20, 1, CENTER, PAGE_W - 2 * MARGIN) + 6;
	snprintf(line, sizeof(line), "区划代码 %s　统计日期 %s%s%s",
		 o->region.code[0] ? o->region.code : "—", o->date,
		 r->date[0] ? "　指标截至 " : "", r->date);
	ink(p->cr, 0.4, 0.4, 0.4);
	y += text(p, line, PAGE_W / 2, y, 10, 0, CENTER, 0) + 18;

	ink(p->cr, 0.1, 0.1, 0.1);
	for (size_t i = 0; i < r->nind; i++) {
		v = r->ind[i].v;
		fmt_value(&v, a, sizeof(a));
		snprintf(b, sizeof(b), "%s", r->ind[i].def->unit);
		text(p, r->ind[i].def->name, MARGIN, y, 11, 0, LEFT, 300);
		snprintf(line, sizeof(line), "%s %s", a, v.known ? b : "");
		y += text(p, line, PAGE_W - MARGIN, y, 11, 1, RIGHT, 0) + 5;
		cairo_set_line_width(p->cr, 0.3);
		ink(p->cr, 0.8, 0.8, 0.8);
		cairo_move_to(p->cr, MARGIN, y - 2);
		cairo_line_to(p->cr, PAGE_W - MARGIN, y - 2);
		cairo_stroke(p->cr);
		ink(p->cr, 0.1, 0.1, 0.1);
	}
	return y + 18;
}

/*
 * The level pyramid: senior on top, bars centred on the chart's axis,
 * widths by count; the names in a column on the left, counts beside.
 */
static void draw_pyramid(struct pen *p, const struct report *r, double y)
{
	int64_t max = 1;
	double left = MARGIN + 110, right = PAGE_W - MARGIN - 50, h = 30;
	double cx = (left + right) / 2, maxw = right - left;
	char n[32];

	ink(p->cr, 0.1, 0.1, 0.1);
	y += text(p, "人才等级结构", MARGIN, y, 13, 1, LEFT, 0) + 10;
	for (int i = 0; i < 4; i++)
		if (r->o.by_level[i] > max)
			max = r->o.by_level[i];
	for (int i = 3; i >= 0; i--) {
		double w = maxw * (double)r->o.by_level[i] / (double)max;

		if (w < 2)
			w = 2;
		cairo_set_source_rgb(p->cr, 0.17 + 0.12 * i, 0.38 + 0.08 * i, 0.62);
		cairo_rectangle(p->cr, cx - w / 2, y, w, h - 4);
		cairo_fill(p->cr);
		ink(p->cr, 0.1, 0.1, 0.1);
		text(p, LEVEL_NAMES[i], left - 8, y + (h - 4) / 2 - 7, 10, 0, RIGHT, 0);
		snprintf(n, sizeof(n), "%lld", (long long)r->o.by_level[i]);
		text(p, n, cx + w / 2 + 4, y + (h - 4) / 2 - 7, 10, 0, LEFT, 0);
		y += h;
	}
}

/* Horizontal bars, one per child region, BARS_PER_PAGE to a page. */
static void draw_children(struct pen *p, const struct report *r)
{
	const struct stats_balance *b = r->per10k.known ? &r->per10k : &r->workers;
	double max = 0, row = 17, left = MARGIN + 110, right = PAGE_W - MARGIN - 50;
	char title[256], spread[192], a[32];
	double y = 0;

	if (isnan(b->mean))
		snprintf(spread, sizeof(spread), "红色：低于均值一个标准差");
	else
		snprintf(spread, sizeof(spread), "均值 %.2f　变异系数 %.3f　基尼系数 %.3f"
			 "　红色：低于均值一个标准差", b->mean,
			 isnan(b->cv) ? 0.0 : b->cv, isnan(b->gini) ? 0.0 : b->gini);

	for (size_t i = 0; i < b->count; i++)
		if (b->children[i].v.known && b->children[i].v.value > max)
			max = b->children[i].v.value;
	for (size_t i = 0; i < b->count; i++) {
		const struct stats_child *c = &b->children[i];

		if (i % BARS_PER_PAGE == 0) {
			if (i)
				cairo_show_page(p->cr);
			y = MARGIN;
			ink(p->cr, 0.1, 0.1, 0.1);
			snprintf(title, sizeof(title), "下级地区：%s%s", b->def->name,
				 i ? "（续）" : "");
			y += text(p, title, MARGIN, y, 13, 1, LEFT, 0) + 4;
			ink(p->cr, 0.4, 0.4, 0.4);
			y += text(p, spread, MARGIN, y, 9, 0, LEFT, 0) + 10;
		}
		ink(p->cr, 0.1, 0.1, 0.1);
		text(p, c->name, left - 6, y + 1, 9, 0, RIGHT, 106);
		fmt_value(&c->v, a, sizeof(a));
		if (c->v.known && max > 0) {
			double w = (right - left) * c->v.value / max;

			if (c->lagging)
				cairo_set_source_rgb(p->cr, 0.80, 0.30, 0.25);
			else
				cairo_set_source_rgb(p->cr, 0.20, 0.45, 0.70);
			cairo_rectangle(p->cr, left, y + 2, w > 1 ? w : 1, row - 5);
			cairo_fill(p->cr);
			ink(p->cr, 0.1, 0.1, 0.1);
			text(p, a, left + (w > 1 ? w : 1) + 4, y + 1, 9, 0, LEFT, 0);
		} else {
			text(p, a, left + 4, y + 1, 9, 0, LEFT, 0);
		}
		y += row;
	}
}

/* The plans' items with a progress bar each, TARGET_ROWS_PER_PAGE to a page. */
static void draw_targets(struct pen *p, const struct report *r)
{
	double left = MARGIN + 190, right = PAGE_W - MARGIN - 110, y = 0;
	size_t rows = 0;
	char line[160];

	for (size_t t = 0; t < r->ntargets; t++) {
		const struct target_progress *tp = &r->targets[t];

		for (size_t k = 0; k < tp->set.nitems; k++, rows++) {
			const struct target_progress_item *pi = &tp->items[k];
			double frac = pi->has_progress ? fmin(fmax(pi->progress, 0), 1) : 0;

			if (rows % TARGET_ROWS_PER_PAGE == 0) {
				if (rows)
					cairo_show_page(p->cr);
				y = MARGIN;
				ink(p->cr, 0.1, 0.1, 0.1);
				y += text(p, rows ? "规划目标进度（续）" : "规划目标进度", MARGIN, y, 13, 1,
					  LEFT, 0) + 10;
			}
			if (k == 0) {
				ink(p->cr, 0.1, 0.1, 0.1);
				y += text(p, tp->set.name, MARGIN, y, 10, 1, LEFT, PAGE_W - 2 * MARGIN) + 4;
			}
			ink(p->cr, 0.1, 0.1, 0.1);
			text(p, target_label(&tp->set.items[k]), MARGIN + 8, y, 9, 0, LEFT, 176);
			ink(p->cr, 0.91, 0.93, 0.96);
			cairo_rectangle(p->cr, left, y + 2, right - left, 10);
			cairo_fill(p->cr);
			if (pi->status == TARGET_BEHIND)
				ink(p->cr, 0.80, 0.30, 0.25);
			else
				ink(p->cr, 0.20, 0.55, 0.40);
			cairo_rectangle(p->cr, left, y + 2, (right - left) * frac, 10);
			cairo_fill(p->cr);
			ink(p->cr, 0.1, 0.1, 0.1);
			if (pi->has_progress)
				snprintf(line, sizeof(line), "%.1f%%　%s", pi->progress * 100,
					 TARGET_STATUS_NAMES[pi->status]);
			else
				snprintf(line, sizeof(line), "%s", TARGET_STATUS_NAMES[pi->status]);
			y += text(p, line, right + 6, y, 9, 0, LEFT, 0) + 6;
		}
	}
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
				unsigned int len)
{
	return buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR
					   : CAIRO_STATUS_SUCCESS;
}

static sg_err render_pdf(const struct report *r, struct buf *out,
			 struct err_report *er)
{
	cairo_surface_t *sf;
	struct pen p = { NULL, 0 };
	cairo_status_t st;
	char title[REGION_NAME_SIZE + 64];
	double y;

	sf = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if ((st = cairo_surface_status(sf)) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		return err_set(er, SG_ERR_INTERNAL, "PDF surface: %s",
			       cairo_status_to_string(st));
	}
	snprintf(title, sizeof(title), "%s社会工作专业人才统计报告",
		 region_label(&r->o.region));
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shegong");
	p.cr = cairo_create(sf);
	y = draw_headline(&p, r, MARGIN);
	draw_pyramid(&p, r, y);
	cairo_show_page(p.cr);
	if (r->workers.count) {
		draw_children(&p, r);
		cairo_show_page(p.cr);
	}
	if (r->ntargets) {
		draw_targets(&p, r);
		cairo_show_page(p.cr);
	}
	st = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (p.missing > 0)
		return err_set(er, SG_ERR_IO, "%d character(s) of the report have"
			       " no glyph in any installed font (install"
			       " fonts-noto-cjk)", p.missing);
	if (out->err)
		return err_set(er, (sg_err)out->err, "the report does not fit in"
			       " its buffer");
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(er, SG_ERR_INTERNAL, "PDF: %s",
			       cairo_status_to_string(st));
	return SG_OK;
}

sg_err statsreport_render(db_t *db, const struct actor *who,
			  const char *region, const char *date,
			  enum statsreport_format format, struct buf *out,
			  char name_out[REGION_CODE_SIZE],
			  struct err_report *er)
{
	struct report *r = calloc(1, sizeof(*r));
	sg_err code;

	name_out[0] = '\0';
	if (!r)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = gather(db, who, region, date, r, er);
	if (code == SG_OK) {
		util_strlcpy(name_out, r->o.region.code, REGION_CODE_SIZE);
		code = format == STATSREPORT_PDF ? render_pdf(r, out, er)
						 : render_xlsx(r, out, er);
	}
	report_release(r);
	free(r);
	return code;
}
