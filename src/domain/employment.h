/*
 * employment.h: a worker's service history (服务履历): where they worked,
 * in which post and service field, from when to when; plus honours (荣誉)
 * and disciplinary records (处分), kept as dated records.
 *
 * The employments table is a contract (migrations/sqlite/015): ended_on
 * NULL means current, and the worker's current organisation on the
 * worker record (workers.org_id, org_name, post) is kept equal to the
 * latest current employment (latest started_on) in the same transaction
 * as every change here. A worker with history but no current employment
 * has no current organisation; a worker without any history keeps what
 * was entered on the record.
 *
 * Reading follows worker_get() scope (bureau and org accounts in their
 * region subtree; SG_ERR_NOT_FOUND outside). Adding and changing is for
 * bureau and org accounts, deleting and removing records for a bureau.
 * Every change is audited with field names only.
 */
#ifndef SG_EMPLOYMENT_H
#define SG_EMPLOYMENT_H

#include <stdint.h>

#include "actor.h"
#include "worker.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"

#define EMPLOYMENT_TITLE_MAX_CHARS 100
#define EMPLOYMENT_NOTE_MAX_CHARS 500

struct employment {
	int64_t id;
	int64_t worker_id;
	int64_t org_id;        /* 0: not a registered organisation */
	char org_name[WORKER_ORG_NAME_SIZE];
	char post[WORKER_POST_SIZE];
	char field[32];        /* service field code, "" none */
	char started_on[11];
	char ended_on[11];     /* "" current */
	char created_at[32];
	char updated_at[32];
};

/* {"id","worker_id","org_id","org_name","post","field","started_on",
 *  "ended_on","current"} */
void employment_write_json(struct json_writer *jw, const struct employment *e);

struct employment_input {
	int64_t org_id;         /* 0: none; else an organisation in scope */
	const char *org_name;   /* required unless org_id given (then its name) */
	const char *post;       /* optional */
	const char *field;      /* optional service field code */
	const char *started_on; /* YYYY-MM-DD, after birth, not in the future */
	const char *ended_on;   /* NULL/"" current; >= started_on, not future */
};

/* Every employment of a worker, latest start first. */
sg_err employment_list(db_t *db, const struct actor *who, int64_t worker_id,
		       int (*each)(const struct employment *e, void *arg), void *arg,
		       struct err_report *er);

/* Filters of employment_ledger(); NULL, "" or 0 means no filter. */
struct employment_filter {
	const char *region;  /* the workers of this region's subtree (in scope) */
	int64_t worker_id;   /* one worker's history */
	int64_t org_id;      /* employments at this registered organisation */
	const char *current; /* "true": current employments only; "false": ended only */
};

/* One line of the ledger: the employment and its worker; valid during the callback. */
struct employment_entry {
	const struct employment *e;
	const char *worker_name;
	const char *id_masked;       /* the worker's ID number, masked */
	const char *region_code;     /* the worker's */
	const char *org_credit_code; /* "" without a registered organisation */
};

/*
 * The service history ledger (服务履历台账): employments of the workers in
 * who's scope matching f, by worker then latest start first, skipping
 * offset and handing at most limit to each(entry, arg) (non-zero stops);
 * *total counts every match. Bureau, org and the system actor (else
 * SG_ERR_FORBIDDEN); a region outside the scope or a bad current is
 * SG_ERR_INVALID naming it.
 */
sg_err employment_ledger(db_t *db, const struct actor *who, const struct employment_filter *f,
			 int64_t offset, int64_t limit,
			 int (*each)(const struct employment_entry *entry, void *arg), void *arg,
			 int64_t *total, struct err_report *er);

/* One employment of the worker: SG_ERR_NOT_FOUND if not theirs. */
sg_err employment_get(db_t *db, const struct actor *who, int64_t worker_id,
		      int64_t id, struct employment *out, struct err_report *er);

/*
 * Add one. Bad input is SG_ERR_INVALID naming fields (org_id, org_name,
 * post, field, started_on, ended_on). Audited as worker.employment_add.
 */
sg_err employment_add(db_t *db, const struct actor *who, int64_t worker_id,
		      const struct employment_input *in, int64_t *id,
		      struct err_report *er);

/* Replace one (all fields as for add); audited with changed field names. */
sg_err employment_update(db_t *db, const struct actor *who, int64_t worker_id,
			 int64_t id, const struct employment_input *in,
			 struct err_report *er);

/* Delete a wrong entry (bureau only); audited. */
sg_err employment_delete(db_t *db, const struct actor *who, int64_t worker_id,
			 int64_t id, struct err_report *er);

enum employment_upsert_outcome {
	EMPLOYMENT_UPSERT_INSERTED = 1,
	EMPLOYMENT_UPSERT_UPDATED,
	EMPLOYMENT_UPSERT_UNCHANGED,
};

/*
 * For the import: insert or update the employment of worker_id with the
 * natural key (worker_id, org_id when given else org_name, started_on),
 * inside the caller's transaction, without an audit record; the same
 * checks as employment_add() (the worker must be in who's scope:
 * SG_ERR_NOT_FOUND otherwise). The current organisation is synced.
 * SG_ERR_DB leaves the rollback to the caller; after SG_ERR_INVALID
 * nothing was written. *outcome says what happened.
 */
sg_err employment_upsert_in_tx(db_t *db, const struct actor *who, int64_t worker_id,
			       const struct employment_input *in, int *outcome,
			       struct err_report *er);

/* Honours and disciplinary records ------------------------------------ */

struct worker_record {
	int64_t id;
	int64_t worker_id;
	char kind[12];         /* honour|discipline */
	char title[EMPLOYMENT_TITLE_MAX_CHARS * 4 + 1];
	char issuer[WORKER_ORG_NAME_SIZE];
	char dated_on[11];
	char note[EMPLOYMENT_NOTE_MAX_CHARS * 4 + 1];
	char created_at[32];
	char removed_at[32];   /* "" on record */
};

/* {"id","worker_id","kind","title","issuer","dated_on","note","removed_at"} */
void worker_record_write_json(struct json_writer *jw, const struct worker_record *r);

struct worker_record_input {
	const char *kind;     /* honour|discipline */
	const char *title;    /* 1..100 characters */
	const char *issuer;   /* optional, granting or imposing body */
	const char *dated_on; /* YYYY-MM-DD, not in the future */
	const char *note;     /* optional */
};

/* Records of one kind ("" or NULL: both) of a worker, oldest first. */
sg_err worker_records(db_t *db, const struct actor *who, int64_t worker_id,
		      const char *kind,
		      int (*each)(const struct worker_record *r, void *arg), void *arg,
		      struct err_report *er);

/* Add one (bureau; org accounts may add honours only); audited. */
sg_err worker_record_add(db_t *db, const struct actor *who, int64_t worker_id,
			 const struct worker_record_input *in, int64_t *id,
			 struct err_report *er);

/* Remove a wrong one (bureau only; removed_at set); audited. */
sg_err worker_record_remove(db_t *db, const struct actor *who, int64_t worker_id,
			    int64_t id, struct err_report *er);

#endif
