/*
 * stats.c: indicators, overview, balance and growth over stat_counts (see
 * stats.h and migrations/sqlite/012_stats.sql).
 *
 * A metric is one number for a region subtree: a kept count ("workers",
 * "level1".."level3", "edu_known", "edu_college", "orgs", and the
 * stations' and posts' counts of migration 017), a sum of them
 * ("certified"), the population, registrations expiring soon, supervisors
 * (a direct count over the supervisor pool, which is small) or towns and
 * villages (the region tree's own descendant counts). An
 * indicator divides one metric by another; everything else here is
 * reading metrics for the right regions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "audit.h"
#include "registration.h"
#include "../core/util.h"
#include "../core/banned.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define PUBLIC_KEYS_SETTING "stats.public_indicators"
#define PUBLIC_KEYS_MAX 512

static const struct stats_indicator_def indicators[] = {
	{ "workers_total", "社会工作专业人才总量", "人", "workers", NULL, 1, 1 },
	{ "certified_total", "持证社会工作者", "人", "certified", NULL, 1, 1 },
	{ "per_10k", "每万人口社会工作专业人才", "人/万人", "workers",
	  "population", 10000, 1 },
	{ "college_share", "大专及以上学历占比", "%", "edu_college", "edu_known",
	  100, 1 },
	{ "level_assistant", "助理社会工作师", "人", "level1", NULL, 1, 1 },
	{ "level_intermediate", "社会工作师", "人", "level2", NULL, 1, 1 },
	{ "level_senior", "高级社会工作师", "人", "level3", NULL, 1, 1 },
	{ "expiring_90d", "90 天内到期的登记", "人", "expiring", NULL, 1, 1 },
	{ "orgs", "社会工作服务机构", "家", "orgs", NULL, 1, 1 },
	{ "town_station_coverage", "乡镇（街道）社工站覆盖率", "%", "covered_station",
	  "towns", 100, 1 },
	{ "village_room_coverage", "村（社区）社工室覆盖率", "%", "covered_room",
	  "villages", 100, 1 },
	{ "posts_filled", "社会工作岗位在岗率", "%", "posts_filled", "posts", 100, 1 },
	{ "community_worker_coverage", "一社区一社工覆盖率", "%", "staffed_village",
	  "villages", 100, 1 },
	{ "stations_standard", "“六有”达标社工站", "个", "standard_station", NULL, 1, 1 },
	{ "supervisors_per_town", "每乡镇（街道）督导人数", "人", "supervisors",
	  "towns", 1, 1 },
	{ "supervisors", "督导人才", "人", "supervisors", NULL, 1, 1 },
};

size_t stats_indicator_count(void)
{
	return COUNT_OF(indicators);
}

const struct stats_indicator_def *stats_indicator_at(size_t i)
{
	return i < COUNT_OF(indicators) ? &indicators[i] : NULL;
}

const struct stats_indicator_def *stats_indicator_find(const char *key)
{
	for (size_t i = 0; key && i < COUNT_OF(indicators); i++)
		if (!strcmp(indicators[i].key, key))
			return &indicators[i];
	return NULL;
}

/* ---- regions ------------------------------------------------------------ */

static int may_read(const struct actor *who)
{
	return role_in(who->role, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) |
		       ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM));
}

/*
 * Population of a subtree whose own figure is unknown: the sum of the
 * regions one level down, when every one of them has a figure.
 */
static sg_err children_population(db_t *db, const char *code, int64_t *out,
				  struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, *code ?
		"SELECT count(*), count(population), coalesce(sum(population), 0)"
		" FROM regions WHERE parent_code = ?" :
		"SELECT count(*), count(population), coalesce(sum(population), 0)"
		" FROM regions WHERE level = 1 AND ? = ''");
	int rc;

	*out = REGION_POPULATION_UNKNOWN;
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, code, -1);
	rc = db_step(st);
	if (rc == DB_ROW && db_col_int(st, 0) > 0 &&
	    db_col_int(st, 0) == db_col_int(st, 1))
		*out = db_col_int(st, 2);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err stats_region_resolve(db_t *db, const struct actor *who,
			    const char *region, struct stats_region *out,
			    struct err_report *er)
{
	struct region r;

	memset(out, 0, sizeof(*out));
	if (!may_read(who))
		return err_set(er, SG_ERR_FORBIDDEN,
			       "your role (%s) may not read statistics",
			       role_name(who->role));
	if (!region || !*region)
		region = who->region_code;
	if (!*region) {
		util_strlcpy(out->name, "全国", sizeof(out->name));
		return children_population(db, "", &out->population, er);
	}
	if (region_get(db, who, region, &r, er) != SG_OK)
		return er->code;
	util_strlcpy(out->code, r.code, sizeof(out->code));
	util_strlcpy(out->name, r.name, sizeof(out->name));
	out->level = r.level;
	out->population = r.population;
	if (r.population == REGION_POPULATION_UNKNOWN)
		return children_population(db, r.code, &out->population, er);
	return SG_OK;
}

/* ---- metrics ------------------------------------------------------------ */

/* A kept count of stat_counts; 0 when the region has none. */
static sg_err kept_count(db_t *db, const char *code, const char *metric,
			 int64_t *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM stat_counts"
				       " WHERE region_code = ? AND metric = ?");
	int rc;

	*out = 0;
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, code, -1);
	db_bind_text(st, 2, metric, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Active workers in the subtree whose registration expires in the window. */
static sg_err expiring_count(db_t *db, const char *code, int64_t *out,
			     struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	char today[STATS_DATE_SIZE], until[STATS_DATE_SIZE];
	db_stmt_t *st;
	int rc;

	*out = 0;
	registration_today(today);
	registration_date_add(today, 0, 0, STATS_EXPIRING_DAYS, until);
	region_prefix_range(code, lo, hi);
	st = db_prepare(db, "SELECT count(DISTINCT r.worker_id) FROM registrations r"
			    " JOIN workers w ON w.id = r.worker_id"
			    " WHERE r.state IN ('registered', 'certified')"
			    " AND r.expires_on >= ? AND r.expires_on <= ?"
			    " AND w.status = 'active'"
			    " AND w.region_code >= ? AND w.region_code < ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, today, -1);
	db_bind_text(st, 2, until, -1);
	db_bind_text(st, 3, lo, -1);
	db_bind_text(st, 4, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * Active workers in the subtree with an open place in the supervisor pool
 * (migrations/sqlite/015: worker_pools). Not a kept count: the pool is a
 * few per town, read through worker_pools_pool (pool, removed_at,
 * worker_id) and the workers' primary key.
 */
static sg_err supervisors_count(db_t *db, const char *code, int64_t *out,
				struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	db_stmt_t *st;
	int rc;

	*out = 0;
	region_prefix_range(code, lo, hi);
	st = db_prepare(db, "SELECT count(*) FROM worker_pools p"
			    " JOIN workers w ON w.id = p.worker_id"
			    " WHERE p.pool = 'supervisor' AND p.removed_at IS NULL"
			    " AND w.status = 'active'"
			    " AND w.region_code >= ? AND w.region_code < ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * Towns (乡镇/街道) in the region: the tree's own count of descendant
 * towns (regions.desc_town), the provinces' sum for the country, 1 for a
 * town and 0 for a village.
 */
/* Towns (level REGION_TOWN) or villages in the region, from the tree's counts. */
static sg_err regions_count(db_t *db, const struct stats_region *r, int level,
			    int64_t *out, struct err_report *er)
{
	int town = level == REGION_TOWN;
	db_stmt_t *st;
	int rc;

	*out = r->level == level;
	if (r->level >= level)
		return SG_OK;
	if (r->code[0])
		st = db_prepare(db, town ? "SELECT desc_town FROM regions WHERE code = ?" :
				"SELECT desc_village FROM regions WHERE code = ?");
	else
		st = db_prepare(db, town ?
				"SELECT coalesce(sum(desc_town), 0) FROM regions WHERE level = 1" :
				"SELECT coalesce(sum(desc_village), 0) FROM regions WHERE level = 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	if (r->code[0])
		db_bind_text(st, 1, r->code, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * Worker counts as of the end of a past day, from the raw tables: active
 * workers created by then whose highest qualification passed by then is
 * `level` (0: any worker, -1: any qualification).
 */
static sg_err count_as_of(db_t *db, const char *code, const char *date,
			  int level, int64_t *out, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX], end[32];
	db_stmt_t *st;
	int rc;

	*out = 0;
	region_prefix_range(code, lo, hi);
	/* the day is China's (UTC+8, no summer time); created_at is UTC */
	snprintf(end, sizeof(end), "%sT15:59:59Z", date);
	st = db_prepare(db, "SELECT count(*) FROM (SELECT coalesce("
			    "  (SELECT max(q.level) FROM qualifications q"
			    "   WHERE q.worker_id = w.id AND q.removed_at IS NULL"
			    "   AND q.passed_on <= ?1), 0) AS held"
			    " FROM workers w WHERE w.status = 'active'"
			    " AND w.created_at <= ?2"
			    " AND w.region_code >= ?3 AND w.region_code < ?4)"
			    " WHERE CASE ?5 WHEN 0 THEN 1 WHEN -1 THEN held > 0"
			    " ELSE held = ?5 END");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, date, -1);
	db_bind_text(st, 2, end, -1);
	db_bind_text(st, 3, lo, -1);
	db_bind_text(st, 4, hi, -1);
	db_bind_int(st, 5, level);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * One metric of a region; *known 0 when it has no value (unknown
 * population, or a metric not answerable for a past date).
 */
static sg_err metric_value(db_t *db, const struct stats_region *r,
			   const char *metric, const char *past_date,
			   int64_t *out, int *known, struct err_report *er)
{
	*out = 0;
	*known = 1;
	if (past_date) {
		if (!strcmp(metric, "workers"))
			return count_as_of(db, r->code, past_date, 0, out, er);
		if (!strcmp(metric, "certified"))
			return count_as_of(db, r->code, past_date, -1, out, er);
		if (!strncmp(metric, "level", 5))
			return count_as_of(db, r->code, past_date,
					   metric[5] - '0', out, er);
		*known = 0;
		return SG_OK;
	}
	if (!strcmp(metric, "population")) {
		*out = r->population;
		*known = r->population != REGION_POPULATION_UNKNOWN;
		return SG_OK;
	}
	if (!strcmp(metric, "expiring"))
		return expiring_count(db, r->code, out, er);
	if (!strcmp(metric, "supervisors"))
		return supervisors_count(db, r->code, out, er);
	if (!strcmp(metric, "towns"))
		return regions_count(db, r, REGION_TOWN, out, er);
	if (!strcmp(metric, "villages"))
		return regions_count(db, r, REGION_VILLAGE, out, er);
	if (!strcmp(metric, "certified")) {
		int64_t n;

		for (int level = 1; level <= 3; level++) {
			char name[8];

			snprintf(name, sizeof(name), "level%d", level);
			if (kept_count(db, r->code, name, &n, er) != SG_OK)
				return er->code;
			*out += n;
		}
		return SG_OK;
	}
	return kept_count(db, r->code, metric, out, er);
}

static sg_err indicator_value(db_t *db, const struct stats_region *r,
			      const struct stats_indicator_def *def,
			      const char *past_date, struct stats_value *out,
			      struct err_report *er)
{
	int64_t num, den = 1;
	int known_num, known_den = 1;

	memset(out, 0, sizeof(*out));
	if (!def->tracked)
		return SG_OK;
	if (metric_value(db, r, def->numerator, past_date, &num, &known_num,
			 er) != SG_OK)
		return er->code;
	if (def->denominator &&
	    metric_value(db, r, def->denominator, past_date, &den, &known_den,
			 er) != SG_OK)
		return er->code;
	out->numerator = (double)num;
	out->denominator = (double)den;
	out->known = known_num && known_den && den > 0;
	if (out->known)
		out->value = (double)num / (double)den * def->factor;
	return SG_OK;
}

/* NULL for today, the date for a past day; an error for anything else. */
static sg_err check_date(const char *date, const char **past,
			 struct err_report *er)
{
	char today[STATS_DATE_SIZE], norm[STATS_DATE_SIZE];

	*past = NULL;
	if (!date || !*date)
		return SG_OK;
	registration_today(today);
	if (strlen(date) != 10 || registration_date_add(date, 0, 0, 0, norm) ||
	    strcmp(norm, date))
		return err_field(er, "date", "invalid",
				 "date must be a calendar date YYYY-MM-DD");
	if (strcmp(date, today) > 0)
		return err_field(er, "date", "future",
				 "figures for a future date do not exist yet");
	if (strcmp(date, today) < 0)
		*past = date;
	return SG_OK;
}

sg_err stats_indicator(db_t *db, const struct actor *who, const char *key,
		       const char *region, const char *date,
		       struct stats_value *out, struct err_report *er)
{
	const struct stats_indicator_def *def = stats_indicator_find(key);
	struct stats_region r;
	const char *past;

	memset(out, 0, sizeof(*out));
	if (!def)
		return err_field(er, "key", "unknown", "no such indicator");
	if (check_date(date, &past, er) != SG_OK ||
	    stats_region_resolve(db, who, region, &r, er) != SG_OK)
		return er->code;
	return indicator_value(db, &r, def, past, out, er);
}

sg_err stats_overview(db_t *db, const struct actor *who, const char *region,
		      const char *date, struct stats_overview *out,
		      struct err_report *er)
{
	static const char *const level_metrics[] = { "level1", "level2", "level3" };
	const char *past;

	memset(out, 0, sizeof(*out));
	if (check_date(date, &past, er) != SG_OK ||
	    stats_region_resolve(db, who, region, &out->region, er) != SG_OK)
		return er->code;
	if (past) {
		out->past = 1;
		util_strlcpy(out->date, past, sizeof(out->date));
		if (count_as_of(db, out->region.code, past, 0, &out->workers, er))
			return er->code;
		for (int i = 1; i <= 3; i++) {
			if (count_as_of(db, out->region.code, past, i,
					&out->by_level[i], er) != SG_OK)
				return er->code;
			out->certified += out->by_level[i];
		}
		out->by_level[0] = out->workers - out->certified;
		return SG_OK;
	}
	registration_today(out->date);
	if (kept_count(db, out->region.code, "workers", &out->workers, er) ||
	    kept_count(db, out->region.code, "edu_known", &out->edu_known, er) ||
	    kept_count(db, out->region.code, "edu_college", &out->edu_college, er) ||
	    kept_count(db, out->region.code, "orgs", &out->orgs, er) ||
	    expiring_count(db, out->region.code, &out->expiring, er) ||
	    supervisors_count(db, out->region.code, &out->supervisors, er) ||
	    regions_count(db, &out->region, REGION_TOWN, &out->towns, er))
		return er->code;
	for (int i = 0; i < 3; i++) {
		if (kept_count(db, out->region.code, level_metrics[i],
			       &out->by_level[i + 1], er) != SG_OK)
			return er->code;
		out->certified += out->by_level[i + 1];
	}
	out->by_level[0] = out->workers - out->certified;
	return SG_OK;
}

void stats_balance_release(struct stats_balance *b)
{
	free(b->children);
	b->children = NULL;
	b->count = 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Mean, standard deviation (population), CV and Gini of the known values. */
static sg_err spread(struct stats_balance *b, struct err_report *er)
{
	double *v, sum = 0, sq = 0, weighted = 0;
	size_t n = 0;

	b->mean = b->sd = b->cv = b->gini = NAN;
	if (!b->known)
		return SG_OK;
	v = malloc(b->known * sizeof(*v));
	if (!v)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < b->count; i++)
		if (b->children[i].v.known)
			v[n++] = b->children[i].v.value;
	qsort(v, n, sizeof(*v), compare_double);
	for (size_t i = 0; i < n; i++) {
		sum += v[i];
		weighted += (2.0 * (double)(i + 1) - (double)n - 1.0) * v[i];
	}
	b->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - b->mean) * (v[i] - b->mean);
	b->sd = sqrt(sq / (double)n);
	if (b->mean > 0) {
		b->cv = b->sd / b->mean;
		b->gini = weighted / ((double)n * sum);
	}
	for (size_t i = 0; i < b->count; i++)
		b->children[i].lagging = b->children[i].v.known && b->sd > 0 &&
					 b->children[i].v.value < b->mean - b->sd;
	free(v);
	return SG_OK;
}

sg_err stats_balance(db_t *db, const struct actor *who, const char *region,
		     const char *key, struct stats_balance *out,
		     struct err_report *er)
{
	struct region_list kids = REGION_LIST_INIT;
	sg_err code;

	memset(out, 0, sizeof(*out));
	out->def = stats_indicator_find(key);
	if (!out->def)
		return err_field(er, "indicator", "unknown", "no such indicator");
	if (stats_region_resolve(db, who, region, &out->region, er) != SG_OK)
		return er->code;
	code = out->region.code[0] ?
	       region_children(db, who, out->region.code, 0, STATS_MAX_CHILDREN,
			       &kids, er) :
	       region_roots(db, who, 0, STATS_MAX_CHILDREN, &kids, er);
	if (code != SG_OK)
		return code;
	if (kids.count) {
		out->children = calloc(kids.count, sizeof(*out->children));
		if (!out->children) {
			code = err_set(er, SG_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < kids.count; i++) {
		struct stats_child *c = &out->children[out->count++];
		struct stats_region r = { .level = kids.items[i].level,
					  .population = kids.items[i].population };

		util_strlcpy(r.code, kids.items[i].code, sizeof(r.code));
		if (r.population == REGION_POPULATION_UNKNOWN &&
		    (code = children_population(db, r.code, &r.population, er)) != SG_OK)
			goto out;
		util_strlcpy(c->code, r.code, sizeof(c->code));
		util_strlcpy(c->name, kids.items[i].name, sizeof(c->name));
		code = indicator_value(db, &r, out->def, NULL, &c->v, er);
		if (code != SG_OK)
			goto out;
		out->known += c->v.known;
	}
	code = spread(out, er);
out:
	region_list_release(&kids);
	if (code != SG_OK)
		stats_balance_release(out);
	return code;
}

/* ---- growth ------------------------------------------------------------- */

/* Add the per-year counts of st (year, n) cumulatively into out. */
static sg_err accumulate(db_t *db, db_stmt_t *st, int from, int to,
			 struct stats_growth_point *out, int certified,
			 struct err_report *er)
{
	int64_t running = 0;
	int rc, next = from;

	while ((rc = db_step(st)) == DB_ROW) {
		int year = (int)db_col_int(st, 0);

		for (; next < year && next <= to; next++)
			*(certified ? &out[next - from].certified :
				      &out[next - from].workers) = running;
		running += db_col_int(st, 1);
	}
	for (; next <= to; next++)
		*(certified ? &out[next - from].certified :
			      &out[next - from].workers) = running;
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err stats_growth(db_t *db, const struct actor *who, const char *region,
		    int from, int to, struct stats_growth_point *out,
		    struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct stats_region r;
	db_stmt_t *st;
	sg_err code;

	if (from < 1900 || from > 9999)
		return err_field(er, "from", "invalid", "from must be a year");
	if (to < from || to - from >= STATS_GROWTH_MAX_YEARS)
		return err_field(er, "to", "invalid",
				 "to must be a year from `from` to %d years later",
				 STATS_GROWTH_MAX_YEARS - 1);
	if (stats_region_resolve(db, who, region, &r, er) != SG_OK)
		return er->code;
	for (int y = from; y <= to; y++)
		out[y - from] = (struct stats_growth_point){ .year = y };
	region_prefix_range(r.code, lo, hi);
	/* created_at is UTC; the year is China's (UTC+8), as the bureaus count it */
	st = db_prepare(db, "SELECT CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER), count(*)"
			    " FROM workers WHERE status = 'active'"
			    " AND region_code >= ? AND region_code < ?"
			    " GROUP BY 1 ORDER BY 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	code = accumulate(db, st, from, to, out, 0, er);
	db_done(st);
	if (code != SG_OK)
		return code;
	st = db_prepare(db, "SELECT CAST(substr(first, 1, 4) AS INTEGER), count(*)"
			    " FROM (SELECT min(q.passed_on) AS first"
			    "       FROM qualifications q JOIN workers w ON w.id = q.worker_id"
			    "       WHERE q.removed_at IS NULL AND w.status = 'active'"
			    "       AND w.region_code >= ? AND w.region_code < ?"
			    "       GROUP BY q.worker_id)"
			    " GROUP BY 1 ORDER BY 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	code = accumulate(db, st, from, to, out, 1, er);
	db_done(st);
	return code;
}

/* ---- upkeep ------------------------------------------------------------- */

static sg_err exec(db_t *db, const char *sql, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err stats_rebuild(db_t *db, struct err_report *er)
{
	int rc;

	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (exec(db, "DELETE FROM stat_counts", er) != SG_OK ||
	    exec(db, "INSERT INTO stat_counts (region_code, metric, value)"
		     " SELECT region_code, metric, value FROM stat_counts_fresh",
		 er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

sg_err stats_check(db_t *db, int64_t *mismatches, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db,
		"SELECT count(*) FROM ("
		" SELECT region_code, metric, value FROM stat_counts WHERE value <> 0"
		" EXCEPT SELECT region_code, metric, value FROM stat_counts_fresh"
		" UNION ALL"
		" SELECT * FROM (SELECT region_code, metric, value FROM stat_counts_fresh"
		" EXCEPT SELECT region_code, metric, value FROM stat_counts))");
	int rc;

	*mismatches = 0;
	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	if (rc == DB_ROW)
		*mismatches = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* ---- what the public page shows ----------------------------------------- */

sg_err stats_public_keys(db_t *db, struct buf *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	int rc;

	buf_reset(out);
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, PUBLIC_KEYS_SETTING, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		buf_add(out, db_col_text(st, 0), db_col_len(st, 0));
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return out->err ? err_set(er, SG_ERR_NOMEM, "out of memory") : SG_OK;
}

sg_err stats_set_public_keys(db_t *db, const struct actor *who,
			     const char *const *keys, size_t n,
			     struct err_report *er)
{
	struct buf list = BUF_INIT(PUBLIC_KEYS_MAX), details = BUF_INIT(PUBLIC_KEYS_MAX + 64);
	char now[UTIL_TIME_LEN];
	struct audit_entry e = {
		.action = "stats.public_indicators",
		.object_type = "setting",
		.object_id = PUBLIC_KEYS_SETTING,
		.outcome = AUDIT_SUCCESS,
	};
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc;

	if (!role_in(who->role, ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN,
			       "only a system administrator may choose the "
			       "published figures");
	for (size_t i = 0; i < n; i++) {
		const struct stats_indicator_def *def = stats_indicator_find(keys[i]);

		if (!def || !def->tracked)
			return err_field(er, "keys", "unknown",
					 "'%s' is not an indicator with data", keys[i]);
		buf_printf(&list, "%s%s", i ? "," : "", def->key);
	}
	buf_printf(&details, "{\"keys\":\"%s\"}", buf_cstr(&list));
	if (list.err || details.err) {
		code = err_field(er, "keys", "too_long", "too many keys");
		goto out;
	}
	e.details_json = buf_cstr(&details);
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO settings (key, value, updated_at)"
			    " VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
			    " SET value = excluded.value, updated_at = excluded.updated_at");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		db_rollback(db);
		goto out;
	}
	db_bind_text(st, 1, PUBLIC_KEYS_SETTING, -1);
	db_bind_text(st, 2, buf_cstr(&list), -1);
	db_bind_text(st, 3, now, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0 || audit_append(db, who, &e, er) != SG_OK) {
		code = rc < 0 ? db_fail(db, rc, er) : er->code;
		db_rollback(db);
		goto out;
	}
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
out:
	buf_release(&list);
	buf_release(&details);
	return code;
}
