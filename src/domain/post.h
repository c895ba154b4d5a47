/*
 * post.h: social work posts (社会工作岗位) and who fills them.
 *
 * A post belongs to an organisation (unit_type "org", org_id required), a
 * government department, a public institution or a community (unit_name
 * names the unit); it has a service field, a required level (worker.h's
 * words), a region and whether the government purchases it (政府购买).
 * A community post sits on a village/community region (12 digits):
 * another level is SG_ERR_INVALID on "region_code", code "wrong_level".
 *
 * Filling: post_fill() puts an active worker in an active, unfilled post
 * from a date; a filled post is SG_ERR_CONFLICT (field worker_id, code
 * "filled"), and so is a worker who already holds a post ("holds_post"):
 * one worker, one post at a time. post_vacate() ends the holding on a
 * date. post_fills keeps every holding, so the history survives. A post
 * is closed only when vacant (SG_ERR_CONFLICT on "status" otherwise).
 *
 * Roles and scope as stations (station.h): bureau accounts manage posts in
 * their subtree, org and sysadmin accounts read; outside the scope is
 * SG_ERR_NOT_FOUND. Changes are audited in their transaction (post.create,
 * post.update with the changed fields, post.fill, post.vacate).
 */
#ifndef SG_POST_H
#define SG_POST_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "actor.h"
#include "creditcode.h"
#include "region.h"

enum post_unit_type {
	POST_UNIT_ORG = 0,
	POST_UNIT_GOVERNMENT,
	POST_UNIT_PUBLIC_INSTITUTION,
	POST_UNIT_COMMUNITY,
};

/* API words "org", "government", "public_institution", "community". */
const char *post_unit_type_name(int type);
/* Type from its API word; -1 if unknown. */
int post_unit_type_from_name(const char *name);

#define POST_TITLE_MAX_CHARS 100
#define POST_TEXT_MAX_CHARS 200
#define POST_TEXT_SIZE (POST_TEXT_MAX_CHARS * 4 + 1)
#define POST_DATE_SIZE 11

struct post {
	int64_t id;
	char title[POST_TITLE_MAX_CHARS * 4 + 1];
	int unit_type;
	int64_t org_id;                 /* 0 unless unit_type is org */
	char org_name[POST_TEXT_SIZE];
	char org_credit_code[CREDITCODE_SIZE];
	char unit_name[POST_TEXT_SIZE];
	char field[32];                 /* service field code */
	int required_level;             /* enum worker_level */
	char region_code[REGION_CODE_SIZE];
	char region_name[REGION_NAME_SIZE];
	int purchased;
	char status[16];                /* active, closed */
	int64_t worker_id;              /* 0 vacant */
	char worker_name[POST_TEXT_SIZE];
	char filled_since[POST_DATE_SIZE];
	char created_at[32], updated_at[32];
};

void post_write_json(struct json_writer *jw, const struct post *p);

/* Input of create and update: NULL / -1 = absent (update keeps it). */
struct post_input {
	const char *title, *unit_type, *unit_name, *field, *required_level;
	const char *region_code, *status;
	int64_t org_id;                 /* -1 absent, 0 none */
	int purchased;                  /* -1 absent, 0, 1 */
};

/* An input with every member absent. */
void post_input_init(struct post_input *in);

sg_err post_create(db_t *db, const struct actor *who, const struct post_input *in,
		   int64_t *id, struct err_report *er);
sg_err post_update(db_t *db, const struct actor *who, int64_t id,
		   const struct post_input *in, struct err_report *er);
sg_err post_get(db_t *db, const struct actor *who, int64_t id, struct post *out,
		struct err_report *er);

enum post_upsert_outcome {
	POST_UPSERT_INSERTED = 1,
	POST_UPSERT_UPDATED,
	POST_UPSERT_UNCHANGED,
};

/*
 * For bulk import: insert or update the post keyed by region code, title
 * and unit (org_id, or unit_name), inside the caller's transaction and
 * without an audit record; the same checks as post_create(). worker_id
 * (0 none) then fills a vacant post from since with the checks of
 * post_fill(); the same holder again is no change, another holder is
 * SG_ERR_INVALID on worker_id. Conflicts come back as SG_ERR_INVALID: in a
 * file they are bad rows like any other.
 */
sg_err post_upsert_in_tx(db_t *db, const struct actor *who, const struct post_input *in,
			 int64_t worker_id, const char *since,
			 enum post_upsert_outcome *outcome, int64_t *id,
			 struct err_report *er);

/*
 * Fill post id with worker_id from since (YYYY-MM-DD, not before the
 * previous holder left). Errors as above; a worker outside the scope or
 * not active is SG_ERR_INVALID on worker_id.
 */
sg_err post_fill(db_t *db, const struct actor *who, int64_t id, int64_t worker_id,
		 const char *since, struct err_report *er);
/* End the current holding on until (not before it began). */
sg_err post_vacate(db_t *db, const struct actor *who, int64_t id, const char *until,
		   struct err_report *er);

struct post_holding {
	int64_t worker_id;
	char worker_name[POST_TEXT_SIZE];
	char since[POST_DATE_SIZE];
	char until[POST_DATE_SIZE];     /* "" current */
};

/* Who held post id, newest first (items owned; free()). */
sg_err post_history(db_t *db, const struct actor *who, int64_t id,
		    struct post_holding **items, size_t *count,
		    struct err_report *er);

struct post_filter {
	const char *q;             /* title or unit name fragment */
	const char *region;        /* subtree inside the scope */
	const char *field;
	int level;                 /* -1 any, else the required level */
	int filled;                /* -1 any, 0 vacant, 1 filled */
	int unit_type;             /* -1 any */
	int64_t org_id;            /* 0 any */
	const char *status;
	int64_t offset, limit;
};

/* A page of posts in region code order (items owned; free()). */
sg_err post_list(db_t *db, const struct actor *who, const struct post_filter *f,
		 struct post **items, size_t *count, int64_t *total,
		 struct err_report *er);

/* Active posts of one field and required level in a subtree. */
struct post_vacancy {
	char field[32];
	int required_level;
	int64_t posts, filled;
};

/*
 * Active posts under region (NULL: who's root) grouped by field and
 * required level, in field then level order (items owned; free()).
 */
sg_err post_vacancies(db_t *db, const struct actor *who, const char *region,
		      struct post_vacancy **items, size_t *count,
		      struct err_report *er);

#endif
