/*
 * correction.h: corrections a social worker asks for on their own record
 * (PIPL: data subjects may correct their data), decided by a bureau.
 *
 * A worker account (selfservice.h link) files {field, new_value, reason};
 * a bureau in the worker's scope approves, which applies the change
 * through worker_update() (same checks, audited as worker.update) and
 * records the decision in one transaction, or rejects with a reason.
 * Correctable fields: name, phone, education, org_name, post. Audit
 * details name the field, never the value.
 */
#ifndef SG_CORRECTION_H
#define SG_CORRECTION_H

#include <stdint.h>

#include "actor.h"
#include "worker.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"

#define CORRECTION_VALUE_MAX_CHARS 100

struct correction {
	int64_t id;
	int64_t worker_id;
	char worker_name[WORKER_NAME_SIZE];
	char field[16];
	char new_value[CORRECTION_VALUE_MAX_CHARS * 4 + 1];
	char reason[WORKER_REASON_MAX_CHARS * 4 + 1];
	char state[12];            /* pending|approved|rejected */
	char decision_reason[WORKER_REASON_MAX_CHARS * 4 + 1];
	char created_at[32];
	char decided_at[32];
};

void correction_write_json(struct json_writer *jw, const struct correction *c);

/*
 * File a correction of the caller's own record (worker role, linked).
 * Bad field/new_value/reason is SG_ERR_INVALID naming it; a pending
 * correction of the same field is SG_ERR_CONFLICT. Audited as
 * worker.correction_request. *id is the new correction.
 */
sg_err correction_request(db_t *db, const struct actor *who, const char *field,
			  const char *new_value, const char *reason, int64_t *id,
			  struct err_report *er);

/* The caller's own corrections (worker role), newest first. */
sg_err correction_mine(db_t *db, const struct actor *who,
		       int (*each)(const struct correction *c, void *arg), void *arg,
		       struct err_report *er);

/*
 * Corrections in a bureau's scope (the system actor: all) with state ("" all),
 * newest first; a bad state is SG_ERR_INVALID field "state".
 */
sg_err correction_list(db_t *db, const struct actor *who, const char *state,
		       int64_t offset, int64_t limit,
		       int (*each)(const struct correction *c, void *arg), void *arg,
		       int64_t *total, struct err_report *er);

/* One correction in scope (bureau) or of the caller (worker). */
sg_err correction_get(db_t *db, const struct actor *who, int64_t id,
		      struct correction *out, struct err_report *er);

/*
 * Decide a pending correction (bureau in scope): approve applies it via
 * worker_update (its 422s come back naming the worker field, e.g. phone);
 * reject needs a reason. Not pending is SG_ERR_CONFLICT. Audited as
 * worker.correction_approve / worker.correction_reject.
 */
sg_err correction_decide(db_t *db, const struct actor *who, int64_t id, int approve,
			 const char *reason, struct err_report *er);

#endif
