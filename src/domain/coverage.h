/*
 * coverage.h: how far the service network reaches (覆盖率): the share of
 * counties with a guidance centre, of towns with a station, of villages
 * with a room, and of communities with a filled post (一社区一社工).
 *
 * Every figure is read from counts kept by triggers (stat_counts, metrics
 * covered_<tier>, standard_station, staffed_village, posts, posts_filled:
 * migration 017) and the region tree's descendant counts, so a county, a
 * province and the whole country (41,352 towns, 620,573 villages) each
 * cost a handful of indexed reads. Only the lists of gaps read stations
 * or posts, one page at a time.
 *
 * "Communities" are all village-level regions (村 and 社区 alike): the
 * region tree does not tell them apart.
 *
 * Roles: bureau, org and sysadmin accounts read inside their scope
 * (SG_ERR_FORBIDDEN otherwise); a region outside it is SG_ERR_NOT_FOUND.
 */
#ifndef SG_COVERAGE_H
#define SG_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "actor.h"
#include "region.h"

/* total regions of a level in the subtree, covered of them. */
struct coverage_share {
	int64_t total, covered;
};

struct coverage {
	char region_code[REGION_CODE_SIZE];  /* "" the country */
	char region_name[REGION_NAME_SIZE];
	int level;                           /* 0 the country */
	int has_children;
	struct coverage_share counties;      /* with an active centre */
	struct coverage_share towns;         /* with an active station */
	struct coverage_share villages;      /* with an active room */
	struct coverage_share communities;   /* with a filled active post */
	int64_t centres, stations, rooms;    /* active records of each tier */
	int64_t stations_standard;           /* town stations up to standard */
	int64_t posts, posts_filled;         /* active posts */
};

/* {region_code, region_name, level, has_children, counties:{total,
 * covered, share}, towns:{..., standard}, villages, communities:{total,
 * staffed, share}, posts:{total, filled, vacant}}; share null when total 0. */
void coverage_write_json(struct json_writer *jw, const struct coverage *c);

/* The figures of region (NULL or "": who's root; "" unscoped = country). */
sg_err coverage_get(db_t *db, const struct actor *who, const char *region,
		    struct coverage *out, struct err_report *er);

/*
 * The figures of each child of region (the provinces for the country), in
 * code order. Items owned; free().
 */
sg_err coverage_children(db_t *db, const struct actor *who, const char *region,
			 struct coverage **items, size_t *count,
			 struct err_report *er);

enum coverage_gap_kind {
	COVERAGE_GAP_TOWN = 1,   /* towns without an active station */
	COVERAGE_GAP_VILLAGE,    /* villages without an active room */
	COVERAGE_GAP_COMMUNITY,  /* villages without a filled post */
};

/* "town", "village", "community" -> kind; 0 if unknown. */
int coverage_gap_kind_from_name(const char *name);

struct coverage_gap {
	char code[REGION_CODE_SIZE];
	char name[REGION_NAME_SIZE];
	char parent_name[REGION_NAME_SIZE];
};

/*
 * A page of the regions under region lacking what kind names, in code
 * order, and how many there are in all. Items owned; free().
 */
sg_err coverage_gaps(db_t *db, const struct actor *who, const char *region,
		     enum coverage_gap_kind kind, int64_t offset, int64_t limit,
		     struct coverage_gap **items, size_t *count, int64_t *total,
		     struct err_report *er);

#endif
