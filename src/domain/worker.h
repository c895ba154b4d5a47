/*
 * worker.h: the social worker registry (社会工作者): records, their
 * qualification certificates, the scoped search, and the ID number kept
 * sealed (personal information).
 *
 * A worker has a name, a citizen ID number (idcard.h) from which sex and
 * birth date are derived, an optional phone, education (学历), whether the
 * major was social work, a region (county, town or village code), the
 * organisation as free text (org_name; org_id is reserved for the
 * organisations of issue 4), a post, service fields (服务领域, codes from the
 * fixed table below), a status (active, left the field, deceased) and a
 * level: the highest qualification on record, computed, never written.
 *
 * ID numbers: stored sealed with the instance key (core/secret.h) plus a
 * keyed hash for uniqueness and exact lookup; every read hands out the
 * masked form (440524********0014) only. worker_reveal() returns the
 * number in clear, for a reason, and writes the audit record.
 *
 * Who: bureau (民政局) and org (机构) accounts, each inside its region
 * subtree, and the system actor; every other role gets SG_ERR_FORBIDDEN.
 * A worker outside the caller's subtree is SG_ERR_NOT_FOUND, exactly like
 * a missing one; a region outside it in input is SG_ERR_INVALID naming the
 * field. Removing a qualification is for bureau (and system) only.
 *
 * Changes audit inside their transaction: worker.create, worker.update
 * (names of the changed fields), worker.reveal (the reason, never the
 * number), worker.qualification_add, worker.qualification_remove.
 *
 * Threads: like db_t, one thread at a time per handle. The Traditional to
 * Simplified converter (OpenCC) is opened once per process and shared.
 */
#ifndef SG_WORKER_H
#define SG_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/util.h"
#include "../db/db.h"
#include "actor.h"
#include "idcard.h"

#define WORKER_NAME_MAX_CHARS 50
#define WORKER_ORG_NAME_MAX_CHARS 100
#define WORKER_POST_MAX_CHARS 50
#define WORKER_PHONE_MAX_CHARS 20
#define WORKER_QUERY_MAX_CHARS 50
#define WORKER_REASON_MIN_CHARS 2
#define WORKER_REASON_MAX_CHARS 200
#define WORKER_CERT_MAX_CHARS 40
#define WORKER_ISSUER_MAX_CHARS 100
#define WORKER_MAX_FIELDS 32 /* service fields a worker can have: all */

/* Levels (职业水平), ordered: the worker's level is the highest. */
enum worker_level {
	WORKER_LEVEL_NONE = 0,
	WORKER_LEVEL_ASSISTANT,    /* 助理社会工作师, junior 初级 */
	WORKER_LEVEL_INTERMEDIATE, /* 社会工作师, 中级 */
	WORKER_LEVEL_SENIOR,       /* 高级社会工作师, 高级 */
};

/* API words: "none", "assistant", "intermediate", "senior"; "" if out of range. */
const char *worker_level_name(int level);
/* Level from its API word; -1 if unknown. */
int worker_level_from_name(const char *name);

/* Education words (学历): 中专及以下 / 大专 / 本科 / 硕士 / 博士. */
int worker_education_valid(const char *name);
/* Status words: "active", "left", "deceased". */
int worker_status_valid(const char *name);

/* One service field (服务领域) of the fixed table. */
struct worker_field_def {
	const char *code; /* API code, e.g. "elderly" */
	const char *name; /* Chinese name, e.g. "老年人服务" */
};

/* The table, in display order, and its size (at most WORKER_MAX_FIELDS). */
const struct worker_field_def *worker_fields(size_t *count);
/* Index of a field code in the table, or -1. */
int worker_field_index(const char *code);
/*
 * Other records (organisations, stations) keep their field codes as one
 * comma-joined text. Join codes onto out in the order given; -1 with *bad
 * the first unknown code.
 */
int worker_fields_join(const char *const *codes, size_t n, struct buf *out,
		       const char **bad);
/* A comma-joined list as the JSON array of its codes, under key. */
void worker_fields_write_json(struct json_writer *jw, const char *key,
			      const char *joined);

#define WORKER_NAME_SIZE (WORKER_NAME_MAX_CHARS * 4 + 1)
#define WORKER_ORG_NAME_SIZE (WORKER_ORG_NAME_MAX_CHARS * 4 + 1)
#define WORKER_POST_SIZE (WORKER_POST_MAX_CHARS * 4 + 1)
#define WORKER_REGION_NAME_SIZE 321

struct worker {
	int64_t id;
	char name[WORKER_NAME_SIZE];
	char id_masked[IDCARD_SIZE];        /* never the number in clear */
	enum idcard_sex sex;
	char birth_date[IDCARD_DATE_SIZE];
	char phone[WORKER_PHONE_MAX_CHARS + 1]; /* "" = none */
	char education[24];                 /* "" = not given */
	int social_work_major;
	char region_code[16];
	char region_name[WORKER_REGION_NAME_SIZE];
	int64_t org_id;                     /* 0 = none */
	char org_name[WORKER_ORG_NAME_SIZE];/* "" = none */
	char post[WORKER_POST_SIZE];        /* "" = none */
	uint32_t fields;                    /* bit i: worker_fields()[i] */
	char status[12];
	int level;                          /* enum worker_level */
	char registration_state[32];
	char created_at[UTIL_TIME_LEN];
	char updated_at[UTIL_TIME_LEN];
};

/*
 * Write the API form: {id,name,id_number (masked),sex,birth_date,phone,
 * education,social_work_major,region_code,region_name,org_id,org_name,
 * post,service_fields,status,level,registration_state,created_at,
 * updated_at}.
 */
void worker_write_json(struct json_writer *jw, const struct worker *w);

/*
 * Input of worker_create() and worker_update(). A NULL text means "not
 * given"; for update, set says which fields the request carries (a field
 * set with NULL clears it when it may be cleared: phone, education,
 * org_name, post; for the others it is a "required" error). Create
 * ignores set: it takes every non-NULL field.
 */
enum worker_set {
	WORKER_SET_NAME = 1u << 0,
	WORKER_SET_ID_NUMBER = 1u << 1,
	WORKER_SET_SEX = 1u << 2,
	WORKER_SET_BIRTH_DATE = 1u << 3,
	WORKER_SET_PHONE = 1u << 4,
	WORKER_SET_EDUCATION = 1u << 5,
	WORKER_SET_MAJOR = 1u << 6,
	WORKER_SET_REGION = 1u << 7,
	WORKER_SET_ORG_NAME = 1u << 8,
	WORKER_SET_POST = 1u << 9,
	WORKER_SET_FIELDS = 1u << 10,
	WORKER_SET_STATUS = 1u << 11,
};

struct worker_input {
	unsigned set;               /* enum worker_set bits, for update */
	const char *name;           /* 1..WORKER_NAME_MAX_CHARS, required */
	const char *id_number;      /* 18 characters, required */
	const char *sex;            /* "male"/"female": must agree with the ID */
	const char *birth_date;     /* "YYYY-MM-DD": must agree with the ID */
	const char *phone;          /* mobile 1[3-9]xxxxxxxxx or landline 0xx(x)-xxxxxxx(x) */
	const char *education;
	int social_work_major;      /* 0, 1, or -1: not given */
	const char *region_code;    /* county, town or village in scope, required */
	const char *org_name;
	const char *post;
	const char *const *fields;  /* service field codes, nfields of them */
	size_t nfields;
	int has_fields;             /* create: fields given */
	const char *status;         /* default "active" */
};

/*
 * Create a worker. Every bad field is reported at once (SG_ERR_INVALID).
 * An ID number already registered is SG_ERR_CONFLICT on field id_number;
 * when the existing record is inside who's scope its id is in the
 * message ("already registered as worker 12") and in *existing_id, else
 * the message says "already registered in another region" and
 * *existing_id is 0. existing_id may be NULL.
 */
sg_err worker_create(db_t *db, const struct actor *who,
		     const struct worker_input *in, int64_t *id,
		     int64_t *existing_id, struct err_report *er);

/* One worker in who's scope (SG_ERR_NOT_FOUND otherwise). */
sg_err worker_get(db_t *db, const struct actor *who, int64_t id,
		  struct worker *out, struct err_report *er);

/*
 * Change the fields in in->set with the checks of worker_create(); a new
 * ID number is validated, re-sealed and re-hashed, and sex and birth date
 * follow it. Fields given with their current value are not changes; a
 * patch that changes nothing succeeds without an audit record.
 */
sg_err worker_update(db_t *db, const struct actor *who, int64_t id,
		     const struct worker_input *in, int64_t *existing_id,
		     struct err_report *er);

/*
 * The ID number in clear, into out (IDCARD_SIZE bytes), for bureau and
 * org accounts in scope and the system actor (else SG_ERR_FORBIDDEN),
 * with a reason of WORKER_REASON_MIN_CHARS..WORKER_REASON_MAX_CHARS
 * characters (field "reason"). Audited as worker.reveal with the reason.
 */
sg_err worker_reveal(db_t *db, const struct actor *who, int64_t id,
		     const char *reason, char out[IDCARD_SIZE],
		     struct err_report *er);

/* Filters of worker_list(); NULL or "" (-1 for ages) means no filter. */
struct worker_filter {
	const char *region;    /* a region code in scope: its subtree ("region") */
	const char *level;     /* none|assistant|intermediate|senior ("level") */
	const char *education; /* ("education") */
	const char *status;    /* ("status") */
	const char *field;     /* a service field code ("field") */
	const char *org;       /* fragment of org_name ("org") */
	const char *pool;      /* active member of this talent pool (pool.h) ("pool") */
	int age_min, age_max;  /* whole years as of today in China (UTC+8) */
	const char *q;         /* name, organisation, certificate number ("q") */
	const char *id_number; /* exact, by keyed hash ("id_number") */
	const char *sort;      /* name|-name|created_at|-created_at|level|-level;
				  default -created_at ("sort") */
};

/*
 * Workers in who's scope matching f, skipping offset and handing at most
 * limit to each(w, arg) (non-zero stops; NULL only counts); *total
 * counts every match.
 * q is converted to Simplified Chinese like the stored text; three or
 * more characters use the trigram index, one or two a LIKE over the
 * scope. Bad filters are SG_ERR_INVALID naming the query parameter.
 */
sg_err worker_list(db_t *db, const struct actor *who,
		   const struct worker_filter *f, int64_t offset, int64_t limit,
		   int (*each)(const struct worker *w, void *arg), void *arg,
		   int64_t *total, struct err_report *er);

/* Qualifications ------------------------------------------------------- */

struct qualification {
	int64_t id;
	int64_t worker_id;
	int level;                                  /* enum worker_level, >= 1 */
	char certificate_no[WORKER_CERT_MAX_CHARS + 1];
	char passed_on[IDCARD_DATE_SIZE];
	char issuer[WORKER_ISSUER_MAX_CHARS * 4 + 1]; /* "" = not given */
	char created_at[UTIL_TIME_LEN];
	char removed_at[UTIL_TIME_LEN];             /* "" = on record */
};

/* {id,level,certificate_no,passed_on,issuer,created_at,removed_at} */
void worker_qualification_write_json(struct json_writer *jw,
				     const struct qualification *q);

/*
 * The qualifications of a worker in who's scope, removed ones included,
 * by date passed then id; each(q, arg) as in worker_list().
 */
sg_err worker_qualifications(db_t *db, const struct actor *who,
			     int64_t worker_id,
			     int (*each)(const struct qualification *q, void *arg),
			     void *arg, struct err_report *er);

struct qualification_input {
	const char *level;          /* assistant|intermediate|senior */
	const char *certificate_no; /* 4..40 of [A-Za-z0-9-], unique on record */
	const char *passed_on;      /* YYYY-MM-DD, not after today in China */
	const char *issuer;         /* optional, up to WORKER_ISSUER_MAX_CHARS */
};

/*
 * Record a certificate for a worker in scope; the worker's level and
 * search text follow. A management number already on record is
 * SG_ERR_CONFLICT on field certificate_no. *qid gets the new id.
 */
sg_err worker_qualification_add(db_t *db, const struct actor *who,
				int64_t worker_id,
				const struct qualification_input *in,
				int64_t *qid, struct err_report *er);

/*
 * Mark a certificate removed (kept as history); bureau and system only.
 * SG_ERR_NOT_FOUND if the worker is out of scope or the certificate is
 * not the worker's or already removed.
 */
sg_err worker_qualification_remove(db_t *db, const struct actor *who,
				   int64_t worker_id, int64_t qid,
				   struct err_report *er);

/*
 * text converted to Simplified Chinese (OpenCC t2s) appended to out, the
 * form the search compares. If the converter cannot be opened (data
 * files missing) the text is appended unchanged and a warning is logged
 * once. 0 or the buffer's error.
 */
int worker_simplify(const char *text, struct buf *out);

/*
 * Set the worker's current organisation (org_id 0 = none registered,
 * org_name/post NULL to clear) and recompute its search text, inside the
 * caller's transaction, without scope checks or audit: for
 * domain/employment.c, which keeps these columns equal to the current
 * employment. SG_ERR_DB leaves the rollback to the caller.
 */
/*
 * The layout of workers.search_text (name, pinyin initials, organisation,
 * certificate numbers). Rows written before this layout are rewritten by
 * worker_search_reindex(), which the server runs after db_migrate(): a
 * migration cannot compute pinyin (SQL has no iconv), so migration 015
 * leaves the rows and this catches them up, resumably, once.
 */
#define WORKER_SEARCH_VERSION "2"

/*
 * Recompute the search text of every worker if the settings key
 * worker.search_version is not WORKER_SEARCH_VERSION, in batches of 500
 * rows, one transaction each (no audit: nothing a user entered changes).
 * *done counts the rows rewritten. Idempotent and resumable.
 */
sg_err worker_search_reindex(db_t *db, int64_t *done, struct err_report *er);

sg_err worker_set_current_org_in_tx(db_t *db, int64_t id, int64_t org_id,
				    const char *org_name, const char *post,
				    struct err_report *er);


/* ---- bulk import -------------------------------------------------------
 * Owned by the import framework (src/io/import.c); see docs/architecture.md.
 */

/*
 * One spreadsheet row of the `workers` import: the record as for
 * worker_create() (in.set is ignored), plus optional paper records that
 * already exist: a qualification certificate (level, certificate_no,
 * passed_on: all three or none) and a registration (registration_no,
 * registered_on, expires_on: all three or none, and only with a
 * qualification). These are imported as existing state, not walked
 * through the registration workflow: the registration is stored as
 * 'certified' and the worker's registration_state follows.
 */
struct worker_import {
	struct worker_input in;
	const char *level;           /* assistant|intermediate|senior */
	const char *certificate_no;
	const char *passed_on;
	const char *registration_no;
	const char *registered_on;
	const char *expires_on;
};

enum worker_upsert_outcome {
	WORKER_UPSERT_INSERTED = 1,
	WORKER_UPSERT_UPDATED,
	WORKER_UPSERT_UNCHANGED,
};

/*
 * Insert or update the worker keyed by the ID number's keyed hash, inside
 * the caller's transaction and without an audit record (the import writes
 * one for the whole file). Same checks as worker_create(); a worker that
 * exists outside who's scope, or a region outside it, is SG_ERR_INVALID
 * (field id_number / region_code). A certificate or registration number
 * on record for another worker is SG_ERR_INVALID (code "duplicate").
 * *outcome says what happened. SG_ERR_DB leaves the transaction to be
 * rolled back by the caller; after SG_ERR_INVALID nothing was written.
 */
sg_err worker_upsert_in_tx(db_t *db, const struct actor *who,
			   const struct worker_import *in, int *outcome,
			   struct err_report *er);

/*
 * Bulk mode for a batch of worker_upsert_in_tx() calls in one transaction
 * (migration 018). worker_bulk_begin(), right after BEGIN, marks the batch
 * so that the full-text and statistics triggers skip the workers it
 * inserts (*mark is the first id they get); worker_bulk_end(mark), right
 * before COMMIT, adds those workers to the full-text index, the short
 * fragment index (migration 019) and the statistics in set-wise
 * statements and leaves bulk mode. A batch that is rolled back needs no
 * end. Committing between the two would leave the triggers off for every
 * connection, so the import pairs them in its begin and commit.
 */
sg_err worker_bulk_begin(db_t *db, int64_t *mark, struct err_report *er);
sg_err worker_bulk_end(db_t *db, int64_t mark, struct err_report *er);

#endif
