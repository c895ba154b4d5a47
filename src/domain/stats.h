/*
 * stats.h: the statistics engine: indicators per region (numerator ÷
 * denominator × factor over the region's subtree), the overview of a
 * dashboard, the regional balance of an indicator over child regions, and
 * growth by year.
 *
 * Figures of active workers and organisations come from stat_counts,
 * kept by triggers (migrations/sqlite/012_stats.sql, 014_stats_orgs.sql), so that a region's figure is one
 * indexed read whatever the size of its subtree. Registrations expiring
 * soon are counted through the partial expiry index. Population is the
 * region's own (entered or imported by a bureau), else the sum of its
 * children when every child has one, else unknown.
 *
 * Supervisors (worker_pools, pool 'supervisor', not removed, of active
 * workers) are a direct indexed count, not kept: the pool is small.
 *
 * Indicators are a table (stats_indicator_at): each names the metric it
 * divides and the one it divides by. One whose data the platform does
 * not record would be listed with tracked = 0 and read as unknown, so
 * that plans and the UI can name it before its module exists.
 *
 * "As of" a date: today's figures come from the counts. A past date is
 * answered for the worker counts only (workers created and qualifications
 * passed on or before that day, from the raw tables: slower, and blind to
 * changes since, e.g. a worker who has left since is not counted); every
 * other indicator is unknown for a past date.
 *
 * Scope: region "" means the actor's root (its region, or the whole
 * country for an unscoped actor); a region outside the scope or unknown
 * is SG_ERR_NOT_FOUND. Reading needs a bureau, org, sysadmin or system
 * actor (SG_ERR_FORBIDDEN otherwise); the public figures use
 * actor_system() and the published keys only.
 */
#ifndef SG_STATS_H
#define SG_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"
#include "region.h"

#define STATS_KEY_SIZE 32
#define STATS_DATE_SIZE 11          /* "YYYY-MM-DD" + NUL */
#define STATS_EXPIRING_DAYS 90
#define STATS_GROWTH_MAX_YEARS 30
#define STATS_MAX_CHILDREN 2000     /* largest child list read for balance */

struct stats_indicator_def {
	const char *key;          /* "per_10k" */
	const char *name;         /* Chinese name, as reports print it */
	const char *unit;         /* "人/万人", "%", "人" */
	const char *numerator;    /* metric, see stats.c */
	const char *denominator;  /* metric, or NULL for a plain count */
	double factor;
	int tracked;              /* 0: its data are not recorded yet */
};

size_t stats_indicator_count(void);
const struct stats_indicator_def *stats_indicator_at(size_t i);
/* The definition of key, or NULL. */
const struct stats_indicator_def *stats_indicator_find(const char *key);

/* One reading. known 0: no value (untracked, no population, past date). */
struct stats_value {
	int known;
	double value;
	double numerator;
	double denominator;       /* 1 for a plain count */
};

/* The region a figure is for, as resolved from the request. */
struct stats_region {
	char code[REGION_CODE_SIZE];  /* "" = the whole country */
	char name[REGION_NAME_SIZE];
	int level;                    /* 0 for the country */
	int64_t population;           /* REGION_POPULATION_UNKNOWN if unknown */
};

/*
 * Resolve region (NULL or "" = who's root) for who: SG_ERR_FORBIDDEN for a
 * role that may not read figures, SG_ERR_NOT_FOUND outside the scope.
 */
sg_err stats_region_resolve(db_t *db, const struct actor *who,
			    const char *region, struct stats_region *out,
			    struct err_report *er);

/*
 * Indicator key for region on date (NULL or "" = today, China time).
 * SG_ERR_INVALID field "key" for an unknown indicator, field "date" for a
 * malformed or future date.
 */
sg_err stats_indicator(db_t *db, const struct actor *who, const char *key,
		       const char *region, const char *date,
		       struct stats_value *out, struct err_report *er);

/*
 * The headline figures of a dashboard, today or (past 1) as of a past
 * date: then only workers, certified and by_level are filled (from the raw
 * tables, as stats_indicator), every other figure is unknown.
 */
struct stats_overview {
	struct stats_region region;
	char date[STATS_DATE_SIZE];
	int past;
	int64_t workers;            /* active */
	int64_t certified;          /* active with a qualification */
	int64_t by_level[4];        /* none, assistant, intermediate, senior */
	int64_t edu_known, edu_college;
	int64_t orgs;               /* active organisations */
	int64_t expiring;           /* registered/certified expiring within
				       STATS_EXPIRING_DAYS days */
	int64_t supervisors;        /* active workers in the supervisor pool */
	int64_t towns;              /* towns (乡镇/街道) in the region */
};

/* date NULL or "" = today; SG_ERR_INVALID field "date" as stats_indicator. */
sg_err stats_overview(db_t *db, const struct actor *who, const char *region,
		      const char *date, struct stats_overview *out,
		      struct err_report *er);

/* An indicator for every child region, with its spread. */
struct stats_child {
	char code[REGION_CODE_SIZE];
	char name[REGION_NAME_SIZE];
	struct stats_value v;
	int lagging;                /* value below mean - 1 sd */
};

struct stats_balance {
	const struct stats_indicator_def *def;
	struct stats_region region;
	struct stats_child *children;   /* owned */
	size_t count;
	size_t known;                   /* children with a value */
	double mean, sd, cv, gini;      /* over known children; NAN if none */
};

void stats_balance_release(struct stats_balance *b);

sg_err stats_balance(db_t *db, const struct actor *who, const char *region,
		     const char *key, struct stats_balance *out,
		     struct err_report *er);

/* Workers and certified workers at the end of each year (cumulative). */
struct stats_growth_point {
	int year;
	int64_t workers;    /* records created by the year's end, active now */
	int64_t certified;  /* active, first qualification passed by then */
};

/*
 * Years from..to inclusive (at most STATS_GROWTH_MAX_YEARS; SG_ERR_INVALID
 * fields "from"/"to"); fills out[0 .. to-from].
 */
sg_err stats_growth(db_t *db, const struct actor *who, const char *region,
		    int from, int to, struct stats_growth_point *out,
		    struct err_report *er);

/* Recompute stat_counts from the raw tables (one transaction). */
sg_err stats_rebuild(db_t *db, struct err_report *er);

/* Rows where the kept counts and a fresh GROUP BY differ (0 = consistent). */
sg_err stats_check(db_t *db, int64_t *mismatches, struct err_report *er);

/*
 * The indicator keys published on the public page, comma-separated in
 * out (cleared first).
 */
sg_err stats_public_keys(db_t *db, struct buf *out, struct err_report *er);

/*
 * Choose the published keys (sysadmin or system; SG_ERR_FORBIDDEN
 * otherwise: the page shows every region, so no regional account decides): each must be a tracked indicator
 * (SG_ERR_INVALID field "keys"). Audited as stats.public_indicators.
 */
sg_err stats_set_public_keys(db_t *db, const struct actor *who,
			     const char *const *keys, size_t n,
			     struct err_report *er);

#endif
