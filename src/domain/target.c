/*
 * target.c: planning targets: target sets and their items, the built-in
 * examples from real plans, and the progress arithmetic; see target.h.
 *
 * Readings (current and baseline values) come through a target_reader_fn
 * so that the arithmetic and the storage can be tested without the
 * statistics engine; the default reader asks domain/stats.h. Baselines are
 * read before the write transaction starts, so that computing indicators
 * over a large subtree never holds the write lock.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"
#include "audit.h"
#include "region.h"
#include "registration.h"
#include "stats.h"
#include "../core/buf.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../core/banned.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- examples ------------------------------------------------------------ */

/*
 * 中山市社会工作专业人才发展"十三五"规划 (2016–2020), as docs/shared
 * domain notes quote it. In-service training (100 %) and "10 influential
 * organisations" have no indicator yet: they are kept as untracked items so
 * that the plan reads whole.
 */
static const struct target_example_item zhongshan_items[] = {
	{ "per_10k", "value", "每万常住人口社会工作专业人才", 10, NULL, NULL },
	{ "workers_total", "value", "社会工作专业人才总量", 4000, NULL, NULL },
	{ "level_intermediate", "value", "中级社会工作师", 400, NULL, NULL },
	{ "college_share", "value", "大专及以上学历占比", 80, NULL, "≥ 80%" },
	{ "orgs", "value", "社会工作服务机构", 70, NULL, "70 家以上" },
	{ "supervisors_per_town", "value", "每镇（街）督导人数", 5, NULL,
	  "3 名中级 + 2 名初级" },
	{ NULL, "value", "在职培训率", 100, NULL,
	  "暂无指标：平台尚未记录培训，无法计算" },
	{ NULL, "value", "有影响力的品牌社工机构", 10, NULL,
	  "暂无指标：平台不区分品牌机构" },
};

/*
 * 宁夏 by the end of 2027. The plan's own baseline figures are not known
 * here, so the baseline date is the plan's start (2023) and the baselines
 * are read from the data. Stations and rooms are counts: the numerators of
 * the coverage indicators (towns with a station, villages with a room).
 */
static const struct target_example_item ningxia_items[] = {
	{ "workers_total", "value", "社会工作人才总量", 15000, NULL, NULL },
	{ "orgs", "value", "社会工作服务机构", 160, NULL, NULL },
	{ "certified_total", "value", "持证社会工作者", 7000, NULL, NULL },
	{ "town_station_coverage", "numerator", "示范性乡镇（街道）社工站", 100,
	  "2025-12-31", "2025 年底前；按建有社工站的乡镇数计，不区分是否示范" },
	{ "village_room_coverage", "numerator", "村（社区）社会工作室", 1000,
	  "2025-12-31", "2025 年底前" },
	{ "village_room_coverage", "value", "村（社区）社会工作室覆盖率", 100,
	  NULL, "2027 年底全覆盖" },
};

const struct target_example target_examples[] = {
	{ "zhongshan-2016-2020", "中山市社会工作专业人才十三五规划 2016–2020", "4420",
	  "2016-01-01", "2020-12-31",
	  "中山市“十三五”社会工作专业人才发展规划的目标。",
	  COUNT_OF(zhongshan_items), zhongshan_items },
	{ "ningxia-2027", "宁夏回族自治区社会工作人才队伍建设 2027", "64",
	  "2023-01-01", "2027-12-31",
	  "宁夏到 2027 年底的社会工作人才与站点建设目标。",
	  COUNT_OF(ningxia_items), ningxia_items },
};

const size_t target_example_count = COUNT_OF(target_examples);

const struct target_example *target_example_find(const char *key)
{
	for (size_t i = 0; key && i < target_example_count; i++)
		if (!strcmp(target_examples[i].key, key))
			return &target_examples[i];
	return NULL;
}

/* ---- dates and arithmetic ----------------------------------------------- */

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t target_day_number(const char *s, int *ok)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, m, d;

	*ok = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 ||
	    d > (m == 2 && leap(y) ? 29 : md[m - 1]))
		return 0;
	*ok = 1;
	return days_from_civil(y, m, d);
}

void target_progress_compute(double target, int has_baseline, double baseline,
			     int has_current, double current, int64_t base_day,
			     int64_t due_day, int64_t today,
			     struct target_progress_item *out)
{
	double b = has_baseline ? baseline : 0.0;
	int up = target >= b;

	out->has_current = has_current;
	out->current = has_current ? current : 0.0;
	out->has_progress = out->has_expected = out->has_projected = 0;
	out->progress = out->expected = out->projected = 0.0;
	out->on_pace = 0;

	/* the straight line from the baseline to the target, read today */
	out->has_expected = 1;
	if (today <= base_day || due_day <= base_day)
		out->expected = today >= due_day ? target : b;
	else if (today >= due_day)
		out->expected = target;
	else
		out->expected = b + (target - b) * (double)(today - base_day) /
			(double)(due_day - base_day);

	if (!has_current) {
		out->status = TARGET_NO_DATA;
		return;
	}
	out->has_progress = 1;
	if (target == b)
		out->progress = (up ? current >= target : current <= target) ? 1.0 : 0.0;
	else
		out->progress = (current - b) / (target - b);

	if (today >= due_day) {
		out->has_projected = 1;
		out->projected = current;
	} else if (today > base_day) {
		out->has_projected = 1;
		out->projected = b + (current - b) * (double)(due_day - base_day) /
			(double)(today - base_day);
	}

	out->on_pace = up ? current >= out->expected : current <= out->expected;
	if (up ? current >= target : current <= target)
		out->status = TARGET_MET;
	else
		out->status = out->on_pace ? TARGET_ON_PACE : TARGET_BEHIND;
}

const char *target_status_name(int status)
{
	static const char *const names[] = { "untracked", "no_data", "met",
					     "on_pace", "behind" };

	return status >= 0 && (size_t)status < COUNT_OF(names) ? names[status] : "";
}

/* ---- the statistics engine as reader ------------------------------------ */

int target_indicator_known(const char *key)
{
	return key && stats_indicator_find(key) != NULL;
}

/*
 * A reading from the engine. An untracked indicator, a missing population
 * or a past date the engine cannot answer all read as unknown; only a
 * real failure (a region gone from the scope, the database) is an error.
 */
static sg_err stats_reader(db_t *db, const struct actor *who, const char *indicator,
			   const char *measure, const char *region_code,
			   const char *date, struct target_reading *out, void *arg,
			   struct err_report *er)
{
	struct stats_value v;
	sg_err e;

	(void)arg;
	out->known = 0;
	out->value = 0;
	e = stats_indicator(db, who, indicator, region_code, date, &v, er);
	if (e != SG_OK)
		return e;
	if (!v.known)
		return SG_OK;
	out->known = 1;
	out->value = strcmp(measure, "numerator") ? v.value : v.numerator;
	return SG_OK;
}

/* ---- roles and input ---------------------------------------------------- */

static int may_read(const struct actor *who)
{
	return role_in(who->role, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) |
		       ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM));
}

static int may_write(const struct actor *who)
{
	return role_in(who->role, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_SYSTEM));
}

/* A text field of at most max characters: "" and NULL are absent. */
static void check_text(struct err_report *er, const char *field, const char *s,
		       size_t max, int required)
{
	size_t len = s ? strlen(s) : 0;

	if (!len) {
		if (required)
			err_field(er, field, "required", "is required");
		return;
	}
	if (utf8_invalid_at(s, len) != len)
		err_field(er, field, "invalid", "must be valid UTF-8");
	else if (utf8_count(s, len) > max)
		err_field(er, field, "too_long", "at most %zu characters", max);
}

static void check_date(struct err_report *er, const char *field, const char *s,
		       int required)
{
	int ok;

	if (!s || !*s) {
		if (required)
			err_field(er, field, "required", "is required");
		return;
	}
	target_day_number(s, &ok);
	if (!ok)
		err_field(er, field, "invalid", "must be a date YYYY-MM-DD from 1900");
}

static int value_ok(double v)
{
	return isfinite(v) && fabs(v) <= TARGET_VALUE_MAX;
}

/* Check the items and copy them into s->items (baselines not yet read). */
static void take_items(struct err_report *er, const struct target_input *in,
		       struct target_set *s)
{
	if (in->nitems > TARGET_MAX_ITEMS) {
		err_field(er, "items", "too_many", "at most %d targets", TARGET_MAX_ITEMS);
		return;
	}
	s->nitems = in->nitems;
	for (size_t i = 0; i < in->nitems; i++) {
		const struct target_item_input *x = &in->items[i];
		struct target_item *it = &s->items[i];
		const char *measure = x->measure && *x->measure ? x->measure : "value";
		char f[48];

		memset(it, 0, sizeof(*it));
		if (x->indicator && *x->indicator) {
			if (!target_indicator_known(x->indicator)) {
				snprintf(f, sizeof(f), "items[%zu].indicator", i);
				err_field(er, f, "unknown", "no such indicator");
			}
			util_strlcpy(it->indicator, x->indicator, sizeof(it->indicator));
		}
		if (strcmp(measure, "value") && strcmp(measure, "numerator")) {
			snprintf(f, sizeof(f), "items[%zu].measure", i);
			err_field(er, f, "invalid", "value or numerator");
		}
		util_strlcpy(it->measure, measure, sizeof(it->measure));
		snprintf(f, sizeof(f), "items[%zu].label", i);
		check_text(er, f, x->label, TARGET_LABEL_MAX_CHARS, !it->indicator[0]);
		if (x->label)
			util_strlcpy(it->label, x->label, sizeof(it->label));
		snprintf(f, sizeof(f), "items[%zu].target", i);
		if (!x->has_target)
			err_field(er, f, "required", "is required");
		else if (!value_ok(x->target))
			err_field(er, f, "invalid", "a number of at most 1e12");
		it->target = x->target;
		if (x->has_baseline) {
			snprintf(f, sizeof(f), "items[%zu].baseline", i);
			if (!value_ok(x->baseline))
				err_field(er, f, "invalid", "a number of at most 1e12");
			it->has_baseline = 1;
			it->baseline = x->baseline;
		}
		snprintf(f, sizeof(f), "items[%zu].due_date", i);
		check_date(er, f, x->due_date, 0);
		if (x->due_date)
			util_strlcpy(it->due_date, x->due_date, sizeof(it->due_date));
		snprintf(f, sizeof(f), "items[%zu].note", i);
		check_text(er, f, x->note, TARGET_NOTE_MAX_CHARS, 0);
		if (x->note)
			util_strlcpy(it->note, x->note, sizeof(it->note));
	}
}

/* Set-level checks after the fields are in s. */
static void check_set(db_t *db, const struct actor *who, struct target_set *s,
		      int check_region, struct err_report *er)
{
	int ok1, ok2;
	int64_t b, d;

	check_date(er, "baseline_date", s->baseline_date, 1);
	check_date(er, "due_date", s->due_date, 1);
	b = target_day_number(s->baseline_date, &ok1);
	d = target_day_number(s->due_date, &ok2);
	if (ok1 && ok2 && d <= b)
		err_field(er, "due_date", "before_baseline",
			  "must be after the baseline date");
	for (size_t i = 0; ok1 && i < s->nitems; i++) {
		int ok;
		int64_t di = target_day_number(s->items[i].due_date, &ok);

		if (ok && di <= b) {
			char f[48];

			snprintf(f, sizeof(f), "items[%zu].due_date", i);
			err_field(er, f, "before_baseline", "must be after the baseline date");
		}
	}
	if (check_region) {
		if (!s->region_code[0])
			err_field(er, "region_code", "required", "is required");
		else
			region_check_ref(db, who, "region_code", s->region_code, er);
	}
}

/* Read the baselines not given, at the set's baseline date. */
static sg_err read_baselines(db_t *db, const struct actor *who, struct target_set *s,
			     target_reader_fn reader, void *arg, struct err_report *er)
{
	char today[TARGET_DATE_SIZE];

	/* a plan that starts later has no baseline to read yet */
	registration_today(today);
	if (strcmp(s->baseline_date, today) > 0)
		return SG_OK;
	for (size_t i = 0; i < s->nitems; i++) {
		struct target_item *it = &s->items[i];
		struct target_reading r = { 0, 0 };
		sg_err e;

		if (it->has_baseline || !it->indicator[0])
			continue;
		e = reader(db, who, it->indicator, it->measure, s->region_code,
			   s->baseline_date, &r, arg, er);
		if (e != SG_OK)
			return e;
		it->has_baseline = r.known;
		it->baseline = r.value;
	}
	return SG_OK;
}

/* ---- storage ------------------------------------------------------------- */

static sg_err audit_set(db_t *db, const struct actor *who, const char *action,
			int64_t id, const char *details, struct err_report *er)
{
	return audit_object(db, who, action, "target_set", id, AUDIT_SUCCESS, details, er);
}

static void bind_opt_text(db_stmt_t *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s, -1);
	else
		db_bind_null(st, idx);
}

/* Replace the items of set id with s->items, inside the caller's transaction. */
static sg_err write_items(db_t *db, int64_t id, const struct target_set *s,
			  struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM target_items WHERE set_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	for (size_t i = 0; i < s->nitems; i++) {
		const struct target_item *it = &s->items[i];

		st = db_prepare(db, "INSERT INTO target_items (set_id, position, indicator,"
				    " measure, label, target_value, baseline_value, due_date,"
				    " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)i);
		bind_opt_text(st, 3, it->indicator);
		db_bind_text(st, 4, it->measure, -1);
		bind_opt_text(st, 5, it->label);
		db_bind_double(st, 6, it->target);
		if (it->has_baseline)
			db_bind_double(st, 7, it->baseline);
		else
			db_bind_null(st, 7);
		bind_opt_text(st, 8, it->due_date);
		bind_opt_text(st, 9, it->note);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
	}
	return SG_OK;
}

/* Insert s (validated, baselines read) and audit, in one transaction. */
static sg_err insert_set(db_t *db, const struct actor *who, const struct target_set *s,
			 int64_t *id, struct err_report *er)
{
	char now[UTIL_TIME_LEN], details[160];
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc;

	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	util_time_iso(util_now(), now);
	st = db_prepare(db, "INSERT INTO target_sets (name, region_code, baseline_date,"
			    " due_date, notes, example, created_by, created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, s->name, -1);
	db_bind_text(st, 2, s->region_code, -1);
	db_bind_text(st, 3, s->baseline_date, -1);
	db_bind_text(st, 4, s->due_date, -1);
	bind_opt_text(st, 5, s->notes);
	bind_opt_text(st, 6, s->example);
	if (who->user_id)
		db_bind_int(st, 7, who->user_id);
	else
		db_bind_null(st, 7);
	db_bind_text(st, 8, now, -1);
	db_bind_text(st, 9, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto out;
	}
	if (s->example[0])
		snprintf(details, sizeof(details),
			 "{\"region_code\":\"%s\",\"items\":%zu,\"example\":\"%s\"}",
			 s->region_code, s->nitems, s->example);
	else
		snprintf(details, sizeof(details), "{\"region_code\":\"%s\",\"items\":%zu}",
			 s->region_code, s->nitems);
	if ((code = write_items(db, *id, s, er)) != SG_OK ||
	    (code = audit_set(db, who, "target.create", *id, details, er)) != SG_OK)
		goto out;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		return code;
	}
	return SG_OK;
out:
	db_rollback(db);
	*id = 0;
	return code;
}

/*
 * Check in, read the baselines not given and insert: the body of create
 * and of loading an example (example: its key, or NULL).
 */
static sg_err create_set(db_t *db, const struct actor *who, const struct target_input *in,
			 const char *example, target_reader_fn reader, void *reader_arg,
			 int64_t *id, struct err_report *er)
{
	struct target_set *s = NULL;
	sg_err code;

	*id = 0;
	err_clear(er);
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change targets");
	if (!(s = calloc(1, sizeof(*s))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	/* checked before the copies, which would truncate over-long text */
	check_text(er, "name", in->name, TARGET_NAME_MAX_CHARS, 1);
	check_text(er, "notes", in->notes, TARGET_NOTES_MAX_CHARS, 0);
	util_strlcpy(s->name, in->name ? in->name : "", sizeof(s->name));
	util_strlcpy(s->region_code, in->region_code ? in->region_code : "",
		     sizeof(s->region_code));
	util_strlcpy(s->baseline_date, in->baseline_date ? in->baseline_date : "",
		     sizeof(s->baseline_date));
	util_strlcpy(s->due_date, in->due_date ? in->due_date : "", sizeof(s->due_date));
	util_strlcpy(s->notes, in->notes ? in->notes : "", sizeof(s->notes));
	if (example)
		util_strlcpy(s->example, example, sizeof(s->example));
	take_items(er, in, s);
	check_set(db, who, s, 1, er);
	if ((code = er->code) != SG_OK)
		goto out;
	if ((code = read_baselines(db, who, s, reader ? reader : stats_reader,
				   reader_arg, er)) != SG_OK)
		goto out;
	code = insert_set(db, who, s, id, er);
out:
	free(s);
	return code;
}

sg_err target_create(db_t *db, const struct actor *who, const struct target_input *in,
		     target_reader_fn reader, void *reader_arg, int64_t *id,
		     struct err_report *er)
{
	return create_set(db, who, in, NULL, reader, reader_arg, id, er);
}

#define SET_COLS "SELECT s.id, s.name, s.region_code, r.name, s.baseline_date," \
	" s.due_date, s.notes, s.example, s.created_at, s.updated_at" \
	" FROM target_sets s JOIN regions r ON r.code = s.region_code"

static void read_set_row(db_stmt_t *st, struct target_set *s)
{
	const char *t;

	memset(s, 0, offsetof(struct target_set, items));
	s->id = db_col_int(st, 0);
	util_strlcpy(s->name, db_col_text(st, 1), sizeof(s->name));
	util_strlcpy(s->region_code, db_col_text(st, 2), sizeof(s->region_code));
	util_strlcpy(s->region_name, db_col_text(st, 3), sizeof(s->region_name));
	util_strlcpy(s->baseline_date, db_col_text(st, 4), sizeof(s->baseline_date));
	util_strlcpy(s->due_date, db_col_text(st, 5), sizeof(s->due_date));
	if ((t = db_col_text(st, 6)))
		util_strlcpy(s->notes, t, sizeof(s->notes));
	if ((t = db_col_text(st, 7)))
		util_strlcpy(s->example, t, sizeof(s->example));
	util_strlcpy(s->created_at, db_col_text(st, 8), sizeof(s->created_at));
	util_strlcpy(s->updated_at, db_col_text(st, 9), sizeof(s->updated_at));
}

sg_err target_get(db_t *db, const struct actor *who, int64_t id,
		  struct target_set *out, struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	if (!may_read(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not see targets");
	if (!(st = db_prepare(db, SET_COLS " WHERE s.id = ?")))
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_set_row(st, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW || !actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such target set");

	st = db_prepare(db, "SELECT indicator, measure, label, target_value,"
			    " baseline_value, due_date, note FROM target_items"
			    " WHERE set_id = ? ORDER BY position");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	out->nitems = 0;
	while ((rc = db_step(st)) == DB_ROW && out->nitems < TARGET_MAX_ITEMS) {
		struct target_item *it = &out->items[out->nitems++];
		const char *t;

		memset(it, 0, sizeof(*it));
		if ((t = db_col_text(st, 0)))
			util_strlcpy(it->indicator, t, sizeof(it->indicator));
		util_strlcpy(it->measure, db_col_text(st, 1), sizeof(it->measure));
		if ((t = db_col_text(st, 2)))
			util_strlcpy(it->label, t, sizeof(it->label));
		it->target = db_col_double(st, 3);
		it->has_baseline = !db_col_is_null(st, 4);
		it->baseline = db_col_double(st, 4);
		if ((t = db_col_text(st, 5)))
			util_strlcpy(it->due_date, t, sizeof(it->due_date));
		if ((t = db_col_text(st, 6)))
			util_strlcpy(it->note, t, sizeof(it->note));
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err target_update(db_t *db, const struct actor *who, int64_t id,
		     const struct target_input *in, target_reader_fn reader,
		     void *reader_arg, struct err_report *er)
{
	struct target_set *s = NULL;
	struct buf fields = BUF_INIT(512);
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc, in_tx = 0;
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ TARGET_SET_NAME, "name" }, { TARGET_SET_REGION, "region_code" },
		{ TARGET_SET_BASELINE_DATE, "baseline_date" },
		{ TARGET_SET_DUE_DATE, "due_date" }, { TARGET_SET_NOTES, "notes" },
		{ TARGET_SET_ITEMS, "items" },
	};

	err_clear(er);
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change targets");
	if (!(s = malloc(sizeof(*s))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = target_get(db, who, id, s, er)) != SG_OK)
		goto out;
	if (in->set & TARGET_SET_NAME) {
		check_text(er, "name", in->name, TARGET_NAME_MAX_CHARS, 1);
		util_strlcpy(s->name, in->name ? in->name : "", sizeof(s->name));
	}
	if (in->set & TARGET_SET_NOTES) {
		check_text(er, "notes", in->notes, TARGET_NOTES_MAX_CHARS, 0);
		util_strlcpy(s->notes, in->notes ? in->notes : "", sizeof(s->notes));
	}
	if (in->set & TARGET_SET_REGION)
		util_strlcpy(s->region_code, in->region_code ? in->region_code : "",
			     sizeof(s->region_code));
	if (in->set & TARGET_SET_BASELINE_DATE)
		util_strlcpy(s->baseline_date, in->baseline_date ? in->baseline_date : "",
			     sizeof(s->baseline_date));
	if (in->set & TARGET_SET_DUE_DATE)
		util_strlcpy(s->due_date, in->due_date ? in->due_date : "",
			     sizeof(s->due_date));
	if (in->set & TARGET_SET_ITEMS)
		take_items(er, in, s);
	check_set(db, who, s, (in->set & TARGET_SET_REGION) != 0, er);
	if ((code = er->code) != SG_OK)
		goto out;
	if ((in->set & TARGET_SET_ITEMS) &&
	    (code = read_baselines(db, who, s, reader ? reader : stats_reader,
				   reader_arg, er)) != SG_OK)
		goto out;

	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 1;
	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE target_sets SET name = ?, region_code = ?,"
			    " baseline_date = ?, due_date = ?, notes = ?, updated_at = ?"
			    " WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, s->name, -1);
	db_bind_text(st, 2, s->region_code, -1);
	db_bind_text(st, 3, s->baseline_date, -1);
	db_bind_text(st, 4, s->due_date, -1);
	bind_opt_text(st, 5, s->notes);
	db_bind_text(st, 6, now, -1);
	db_bind_int(st, 7, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((in->set & TARGET_SET_ITEMS) && (code = write_items(db, id, s, er)) != SG_OK)
		goto out;
	buf_addstr(&fields, "{\"fields\":[");
	for (size_t i = 0, n = 0; i < COUNT_OF(names); i++)
		if (in->set & names[i].bit)
			buf_printf(&fields, "%s\"%s\"", n++ ? "," : "", names[i].name);
	buf_addstr(&fields, "]}");
	if (fields.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((code = audit_set(db, who, "target.update", id, buf_cstr(&fields), er)) != SG_OK)
		goto out;
	rc = db_commit(db);
	in_tx = 0;
	if (rc != 0)
		code = db_fail(db, rc, er);
out:
	if (in_tx)
		db_rollback(db);
	buf_release(&fields);
	free(s);
	return code;
}

sg_err target_delete(db_t *db, const struct actor *who, int64_t id,
		     struct err_report *er)
{
	struct target_set *s;
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc, in_tx = 0;

	err_clear(er);
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change targets");
	if (!(s = malloc(sizeof(*s))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = target_get(db, who, id, s, er)) != SG_OK)
		goto out;
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 1;
	if (!(st = db_prepare(db, "DELETE FROM target_sets WHERE id = ?"))) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = audit_set(db, who, "target.delete", id, NULL, er)) != SG_OK)
		goto out;
	rc = db_commit(db);
	in_tx = 0;
	if (rc != 0)
		code = db_fail(db, rc, er);
out:
	if (in_tx)
		db_rollback(db);
	free(s);
	return code;
}

sg_err target_list(db_t *db, const struct actor *who, const char *region,
		   int64_t offset, int64_t limit,
		   int (*each)(const struct target_set *s, void *arg), void *arg,
		   int64_t *total, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct target_set *s;
	db_stmt_t *st;
	int rc;

	*total = 0;
	err_clear(er);
	if (!may_read(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not see targets");
	if (region && *region) {
		if (region_check_ref(db, who, "region", region, er) != SG_OK)
			return er->code;
		region_prefix_range(region, lo, hi);
	} else {
		region_prefix_range(who->region_code, lo, hi);
	}
	if (!(st = db_prepare(db, "SELECT count(*) FROM target_sets"
				  " WHERE region_code >= ? AND region_code < ?")))
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	if (!(s = malloc(sizeof(*s))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	st = db_prepare(db, SET_COLS " WHERE s.region_code >= ? AND s.region_code < ?"
			" ORDER BY s.id DESC LIMIT ? OFFSET ?");
	if (!st) {
		free(s);
		return db_fail(db, DB_ERR, er);
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		read_set_row(st, s);
		s->nitems = 0;
		if (each(s, arg))
			break;
	}
	db_done(st);
	free(s);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err target_load_example(db_t *db, const struct actor *who, const char *key,
			   target_reader_fn reader, void *reader_arg, int64_t *id,
			   struct err_report *er)
{
	const struct target_example *x = target_example_find(key);
	struct target_item_input items[TARGET_MAX_ITEMS];
	struct target_input in;

	*id = 0;
	err_clear(er);
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change targets");
	if (!x)
		return err_set(er, SG_ERR_NOT_FOUND, "no such example");
	memset(&in, 0, sizeof(in));
	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < x->nitems && i < TARGET_MAX_ITEMS; i++) {
		items[i].indicator = x->items[i].indicator;
		items[i].measure = x->items[i].measure;
		items[i].label = x->items[i].label;
		items[i].has_target = 1;
		items[i].target = x->items[i].target;
		items[i].due_date = x->items[i].due_date;
		items[i].note = x->items[i].note;
	}
	in.name = x->name;
	in.region_code = x->region_code;
	in.baseline_date = x->baseline_date;
	in.due_date = x->due_date;
	in.notes = x->notes;
	in.nitems = x->nitems;
	in.items = items;
	return create_set(db, who, &in, x->key, reader, reader_arg, id, er);
}

sg_err target_progress(db_t *db, const struct actor *who, int64_t id,
		       target_reader_fn reader, void *reader_arg,
		       struct target_progress *out, struct err_report *er)
{
	int64_t base_day, due_day, today;
	int ok;

	if (!reader)
		reader = stats_reader;
	if (target_get(db, who, id, &out->set, er) != SG_OK)
		return er->code;
	registration_today(out->today);
	today = target_day_number(out->today, &ok);
	base_day = target_day_number(out->set.baseline_date, &ok);
	for (size_t i = 0; i < out->set.nitems; i++) {
		const struct target_item *it = &out->set.items[i];
		struct target_progress_item *p = &out->items[i];
		struct target_reading r = { 0, 0 };

		memset(p, 0, sizeof(*p));
		util_strlcpy(p->due_date, it->due_date[0] ? it->due_date : out->set.due_date,
			     sizeof(p->due_date));
		if (!it->indicator[0]) {
			p->status = TARGET_UNTRACKED;
			continue;
		}
		if (reader(db, who, it->indicator, it->measure, out->set.region_code,
			   out->today, &r, reader_arg, er) != SG_OK)
			return er->code;
		due_day = target_day_number(p->due_date, &ok);
		target_progress_compute(it->target, it->has_baseline, it->baseline,
					r.known, r.value, base_day, due_day, today, p);
	}
	return SG_OK;
}

/* ---- JSON ---------------------------------------------------------------- */

static void kv_opt_str(struct json_writer *jw, const char *key, const char *s)
{
	jw_key(jw, key);
	if (s && *s)
		jw_str(jw, s);
	else
		jw_null(jw);
}

static void kv_opt_double(struct json_writer *jw, const char *key, int has, double v)
{
	jw_key(jw, key);
	if (has)
		jw_double(jw, v);
	else
		jw_null(jw);
}

static void write_item(struct json_writer *jw, const struct target_item *it)
{
	const struct stats_indicator_def *ind = it->indicator[0] ?
		stats_indicator_find(it->indicator) : NULL;

	kv_opt_str(jw, "indicator", it->indicator);
	jw_kv_str(jw, "measure", it->measure);
	kv_opt_str(jw, "label", it->label);
	kv_opt_str(jw, "indicator_name", ind ? ind->name : NULL);
	kv_opt_str(jw, "unit", ind && !strcmp(it->measure, "value") ? ind->unit : NULL);
	kv_opt_double(jw, "target", 1, it->target);
	kv_opt_double(jw, "baseline", it->has_baseline, it->baseline);
	kv_opt_str(jw, "due_date", it->due_date);
	kv_opt_str(jw, "note", it->note);
}

static void write_set_fields(struct json_writer *jw, const struct target_set *s)
{
	jw_kv_int(jw, "id", s->id);
	jw_kv_str(jw, "name", s->name);
	jw_kv_str(jw, "region_code", s->region_code);
	jw_kv_str(jw, "region_name", s->region_name);
	jw_kv_str(jw, "baseline_date", s->baseline_date);
	jw_kv_str(jw, "due_date", s->due_date);
	kv_opt_str(jw, "notes", s->notes);
	kv_opt_str(jw, "example", s->example);
	jw_kv_str(jw, "created_at", s->created_at);
	jw_kv_str(jw, "updated_at", s->updated_at);
}

void target_write_json(struct json_writer *jw, const struct target_set *s,
		       int with_items)
{
	jw_obj_begin(jw);
	write_set_fields(jw, s);
	if (with_items || s->nitems) {
		jw_key(jw, "items");
		jw_arr_begin(jw);
		for (size_t i = 0; i < s->nitems; i++) {
			jw_obj_begin(jw);
			write_item(jw, &s->items[i]);
			jw_obj_end(jw);
		}
		jw_arr_end(jw);
	}
	jw_obj_end(jw);
}

void target_progress_write_json(struct json_writer *jw, const struct target_progress *p)
{
	jw_obj_begin(jw);
	write_set_fields(jw, &p->set);
	jw_kv_str(jw, "today", p->today);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < p->set.nitems; i++) {
		const struct target_progress_item *x = &p->items[i];

		jw_obj_begin(jw);
		write_item(jw, &p->set.items[i]);
		jw_kv_str(jw, "effective_due_date", x->due_date);
		jw_kv_str(jw, "status", target_status_name(x->status));
		kv_opt_double(jw, "current", x->has_current, x->current);
		kv_opt_double(jw, "progress", x->has_progress, x->progress);
		kv_opt_double(jw, "expected", x->has_expected && x->status != TARGET_UNTRACKED,
			      x->expected);
		kv_opt_double(jw, "projected", x->has_projected, x->projected);
		jw_key(jw, "on_pace");
		if (x->status == TARGET_UNTRACKED || x->status == TARGET_NO_DATA)
			jw_null(jw);
		else
			jw_bool(jw, x->on_pace);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
}
