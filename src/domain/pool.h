/*
 * pool.h: talent pools (人才库) of the worker registry: leading talent
 * 领军人才, supervisors 督导 (graded junior / intermediate / senior and
 * re-certified every year), mentors 导师, experts 专家 and trainees 学员.
 * A worker can be in several pools, at most once in each at a time;
 * leaving a pool keeps the row (removed_at) so that history stays.
 *
 * Reading follows the worker's scope (bureau and org accounts inside
 * their region subtree, SG_ERR_NOT_FOUND outside); adding and removing
 * is for bureau accounts, audited with field names only.
 */
#ifndef SG_POOL_H
#define SG_POOL_H

#include <stdint.h>

#include "actor.h"
#include "worker.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"

/* 1 if name is one of leading, supervisor, mentor, expert, trainee. */
int pool_name_valid(const char *name);
/* 1 if name is one of junior, intermediate, senior. */
int pool_grade_valid(const char *name);

struct pool_member {
	int64_t id;
	int64_t worker_id;
	char pool[16];
	char grade[16];        /* "" outside the supervisor pool */
	char joined_on[11];
	char recertify_on[11]; /* "" none */
	char created_at[32];
	char removed_at[32];   /* "" while a member */
	/* the worker, for the pool lists (masked ID number) */
	char name[WORKER_NAME_SIZE];
	char id_masked[19];
	char region_code[13];
	char org_name[WORKER_ORG_NAME_SIZE];
	int level;
};

/* {"id","worker_id","pool","grade","joined_on","recertify_on","removed_at",
 *  "worker":{"name","id_number" (masked),"region_code","org_name","level"}} */
void pool_member_write_json(struct json_writer *jw, const struct pool_member *m);

struct pool_input {
	const char *pool;
	const char *grade;        /* required for supervisor, refused otherwise */
	const char *joined_on;    /* YYYY-MM-DD, not in the future */
	const char *recertify_on; /* optional; supervisors default to joined + 1 year */
};

/*
 * Put worker_id into a pool. Bad input is SG_ERR_INVALID naming fields;
 * an active membership of that pool is SG_ERR_CONFLICT (field pool); a
 * worker outside scope SG_ERR_NOT_FOUND; a role other than bureau
 * SG_ERR_FORBIDDEN. Audited as worker.pool_add.
 */
sg_err pool_add(db_t *db, const struct actor *who, int64_t worker_id,
		const struct pool_input *in, int64_t *id, struct err_report *er);

/* Change grade / recertify_on of an active membership (NULL keeps). */
sg_err pool_update(db_t *db, const struct actor *who, int64_t worker_id,
		   int64_t id, const char *grade, const char *recertify_on,
		   struct err_report *er);

/* End an active membership (removed_at); audited as worker.pool_remove. */
sg_err pool_remove(db_t *db, const struct actor *who, int64_t worker_id,
		   int64_t id, struct err_report *er);

/* Every membership of one worker, history included, oldest first. */
sg_err pool_of_worker(db_t *db, const struct actor *who, int64_t worker_id,
		      int (*each)(const struct pool_member *m, void *arg), void *arg,
		      struct err_report *er);

/* Filters of pool_list(); NULL or "" means none. */
struct pool_filter {
	const char *pool;    /* required */
	const char *region;  /* subtree inside scope ("region") */
	const char *level;   /* worker qualification level ("level") */
	const char *grade;   /* supervisors ("grade") */
	const char *due_by;  /* recertify_on on or before this date ("due_by") */
};

/* Active members of one pool in who's scope, ordered by name. */
sg_err pool_list(db_t *db, const struct actor *who, const struct pool_filter *f,
		 int64_t offset, int64_t limit,
		 int (*each)(const struct pool_member *m, void *arg), void *arg,
		 int64_t *total, struct err_report *er);

#endif
