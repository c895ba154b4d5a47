/*
 * target.h: planning targets (规划目标): named plans of a region with
 * target values per statistics indicator, and how far the region is from
 * them today.
 *
 * A target set has a name, a region, a baseline date and a due date (both
 * calendar dates in China, YYYY-MM-DD, baseline before due) and up to
 * TARGET_MAX_ITEMS items. An item names an indicator key of the statistics
 * engine (domain/stats.h), or none for a target the platform cannot measure
 * (then its label says what it is: "在职培训率 100%"); a measure, "value"
 * (the indicator itself) or "numerator" (its count: villages with a room);
 * the target value; the baseline value (the measure at the baseline date:
 * given by the user, else read from the statistics engine when the set is
 * created, else unknown: the engine answers past dates for worker counts
 * only, and a baseline date after today has nothing to read); an optional
 * due date of its own.
 *
 * Progress of an item on a day `today` (the China date of util_now(), as
 * registration_today() gives it):
 *  - current: the measure for the set's region, today;
 *  - progress = (current - baseline) / (target - baseline) as a fraction
 *    (1.0 = reached), with baseline 0 when unknown, which makes it
 *    current / target; when target equals that baseline, 1 if current has
 *    reached it, else 0. Not clamped: over-achievement is above 1, falling
 *    back below the baseline is negative;
 *  - expected: the straight line from (baseline date, baseline) to (due
 *    date, target), read today; before the baseline date it is the
 *    baseline, after the due date the target. on_pace: current is at or
 *    beyond expected in the target's direction (up when target >= baseline,
 *    down otherwise);
 *  - projected: the value at the due date if the pace since the baseline
 *    date holds (the line through (baseline date, baseline) and (today,
 *    current)), or current once the due date has passed; unknown on the
 *    baseline date itself or before it;
 *  - status: "untracked" (no indicator), "no_data" (the engine has no
 *    value, e.g. per 10k without population), "met" (current reached the
 *    target), "on_pace", "behind".
 *
 * Scope and roles: a set belongs to its region; an actor sees and changes
 * only sets whose region is inside its subtree (others are
 * SG_ERR_NOT_FOUND). Bureau, org and sysadmin accounts may read; bureau
 * accounts (and the system actor) may create, change, delete and load
 * examples (SG_ERR_FORBIDDEN otherwise). Every change appends an audit
 * record in its transaction: target.create, target.update (the changed
 * field names), target.delete, each with object "target_set".
 *
 * Built-in examples are the two real plans of docs: Zhongshan (中山市,
 * 4420) 2016–2020 and Ningxia (宁夏, 64) by 2027. Loading one creates a
 * set from it for its region, which must be loaded and in the actor's
 * scope (SG_ERR_INVALID on field "region_code" otherwise).
 *
 * Reports: er must not be NULL; functions that collect field errors reset
 * it first. Threads: like db_t, one thread at a time; no global state
 * except the constant example table.
 */
#ifndef SG_TARGET_H
#define SG_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "actor.h"

#define TARGET_MAX_ITEMS 32
#define TARGET_NAME_MAX_CHARS 100
#define TARGET_NOTES_MAX_CHARS 1000
#define TARGET_LABEL_MAX_CHARS 100
#define TARGET_NOTE_MAX_CHARS 200
#define TARGET_KEY_SIZE 48
#define TARGET_DATE_SIZE 11       /* "YYYY-MM-DD" + NUL */
#define TARGET_VALUE_MAX 1e12     /* largest |value| accepted */

/* One target of a set, as stored. */
struct target_item {
	char indicator[TARGET_KEY_SIZE];      /* "" = untracked */
	char measure[12];                     /* "value" | "numerator" */
	char label[TARGET_LABEL_MAX_CHARS * 4 + 1]; /* "" = the indicator's name */
	double target;
	int has_baseline;
	double baseline;
	char due_date[TARGET_DATE_SIZE];      /* "" = the set's */
	char note[TARGET_NOTE_MAX_CHARS * 4 + 1];
};

struct target_set {
	int64_t id;
	char name[TARGET_NAME_MAX_CHARS * 4 + 1];
	char region_code[16];
	char region_name[321];
	char baseline_date[TARGET_DATE_SIZE];
	char due_date[TARGET_DATE_SIZE];
	char notes[TARGET_NOTES_MAX_CHARS * 4 + 1];
	char example[32];                     /* "" = the user's own */
	char created_at[21];
	char updated_at[21];
	size_t nitems;
	struct target_item items[TARGET_MAX_ITEMS];
};

/*
 * Input of create and update. Strings are borrowed. For update, `set`
 * says which fields were given (TARGET_SET_* bits); items, when given,
 * replace all items. An item's has_baseline 0 asks create/update to read
 * the baseline from the statistics engine at the baseline date.
 */
enum {
	TARGET_SET_NAME = 1,
	TARGET_SET_REGION = 2,
	TARGET_SET_BASELINE_DATE = 4,
	TARGET_SET_DUE_DATE = 8,
	TARGET_SET_NOTES = 16,
	TARGET_SET_ITEMS = 32,
};

struct target_item_input {
	const char *indicator;   /* NULL/"" = untracked (label required) */
	const char *measure;     /* NULL = "value" */
	const char *label;
	int has_target;          /* 0: the "target" field is missing */
	double target;
	int has_baseline;
	double baseline;
	const char *due_date;
	const char *note;
};

struct target_input {
	unsigned set;            /* update only; create uses every field */
	const char *name;
	const char *region_code;
	const char *baseline_date;
	const char *due_date;
	const char *notes;
	size_t nitems;
	const struct target_item_input *items;
};

/*
 * A reading of one measure of an indicator for a region on a date: what
 * target_progress() and baselines need from the statistics engine.
 * known 0: the engine has no value (no population, no denominator).
 */
struct target_reading {
	int known;
	double value;
};

/*
 * Where readings come from. The default (NULL passed for fn) is the
 * statistics engine; tests pass their own. Returns SG_OK with out->known
 * set, or an error (an unknown key is SG_ERR_INVALID).
 */
typedef sg_err (*target_reader_fn)(db_t *db, const struct actor *who,
				   const char *indicator, const char *measure,
				   const char *region_code, const char *date,
				   struct target_reading *out, void *arg,
				   struct err_report *er);

/* 1 if key is an indicator the statistics engine knows. */
int target_indicator_known(const char *key);

/*
 * Create a set; fields named as in the API ("name", "region_code",
 * "baseline_date", "due_date", "notes", "items[i].target", ...). *id gets
 * the new id. Baselines not given are read with reader (NULL: the engine).
 */
sg_err target_create(db_t *db, const struct actor *who,
		     const struct target_input *in, target_reader_fn reader,
		     void *reader_arg, int64_t *id, struct err_report *er);

/*
 * Change the fields named in in->set; same checks as create. The recorded
 * baselines stay when only the region or the baseline date changes: send
 * the items again (without baselines) to have them read anew.
 */
sg_err target_update(db_t *db, const struct actor *who, int64_t id,
		     const struct target_input *in, target_reader_fn reader,
		     void *reader_arg, struct err_report *er);

sg_err target_delete(db_t *db, const struct actor *who, int64_t id,
		     struct err_report *er);

/* One set in scope with its items. */
sg_err target_get(db_t *db, const struct actor *who, int64_t id,
		  struct target_set *out, struct err_report *er);

/*
 * Sets in scope, newest first; region (NULL/"": all) narrows to a subtree
 * in scope (field "region"). each() gets sets without items (nitems 0);
 * a non-zero return stops.
 */
sg_err target_list(db_t *db, const struct actor *who, const char *region,
		   int64_t offset, int64_t limit,
		   int (*each)(const struct target_set *s, void *arg), void *arg,
		   int64_t *total, struct err_report *er);

/* The API form of a set (items included when s->nitems > 0 or with_items). */
void target_write_json(struct json_writer *jw, const struct target_set *s,
		       int with_items);

/* Built-in examples ----------------------------------------------------- */

struct target_example_item {
	const char *indicator;   /* NULL = untracked */
	const char *measure;
	const char *label;       /* Chinese, as the plan says it */
	double target;
	const char *due_date;    /* NULL = the set's */
	const char *note;
};

struct target_example {
	const char *key;         /* "zhongshan-2016-2020" */
	const char *name;
	const char *region_code;
	const char *baseline_date;
	const char *due_date;
	const char *notes;
	size_t nitems;
	const struct target_example_item *items;
};

extern const struct target_example target_examples[];
extern const size_t target_example_count;

/* The example of that key, or NULL. */
const struct target_example *target_example_find(const char *key);

/*
 * Create a set from an example (SG_ERR_NOT_FOUND for an unknown key).
 * Baselines are read at the example's baseline date.
 */
sg_err target_load_example(db_t *db, const struct actor *who, const char *key,
			   target_reader_fn reader, void *reader_arg,
			   int64_t *id, struct err_report *er);

/* Progress -------------------------------------------------------------- */

enum target_status {
	TARGET_UNTRACKED = 0,
	TARGET_NO_DATA,
	TARGET_MET,
	TARGET_ON_PACE,
	TARGET_BEHIND,
};

/* "untracked", "no_data", "met", "on_pace", "behind". */
const char *target_status_name(int status);

struct target_progress_item {
	int status;                /* enum target_status */
	int has_current;
	double current;
	int has_progress;
	double progress;           /* fraction, 1.0 = reached; not clamped */
	int has_expected;
	double expected;           /* the straight line's value today */
	int has_projected;
	double projected;          /* at the due date if the pace holds */
	int on_pace;
	char due_date[TARGET_DATE_SIZE]; /* the item's, or the set's */
};

/*
 * The arithmetic of one item, without the database: target, baseline
 * (has_baseline 0: taken as 0), current (has_current 0: status no_data),
 * dates as day numbers (see target_day_number). For tests and for
 * target_progress(); out->status is never TARGET_UNTRACKED here.
 */
void target_progress_compute(double target, int has_baseline, double baseline,
			     int has_current, double current, int64_t base_day,
			     int64_t due_day, int64_t today,
			     struct target_progress_item *out);

/* Days since 1970-01-01 of a real "YYYY-MM-DD"; 0 and *ok 0 if not one. */
int64_t target_day_number(const char *date, int *ok);

struct target_progress {
	struct target_set set;
	char today[TARGET_DATE_SIZE];
	struct target_progress_item items[TARGET_MAX_ITEMS];
};

/*
 * Progress of every item of a set in scope on the China date of
 * util_now(), readings from reader (NULL: the statistics engine).
 */
sg_err target_progress(db_t *db, const struct actor *who, int64_t id,
		       target_reader_fn reader, void *reader_arg,
		       struct target_progress *out, struct err_report *er);

/* The API form of a progress answer. */
void target_progress_write_json(struct json_writer *jw,
				const struct target_progress *p);

#endif
