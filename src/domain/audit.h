/*
 * audit.h: the append-only, hash-chained audit trail.
 *
 * Every login (success and failure), permission denial, create / update /
 * delete, import, export and reveal of sensitive data appends one record:
 * time (UTC), user, IP, action, object, outcome and, for changes, the names
 * of the fields changed (never their sensitive values, never passwords).
 *
 * Chain: record n stores prev_hash = hash of record n-1 and
 * hash = BLAKE2b-256 keyed with the instance audit key (core/secret.h) over
 * a canonical encoding of (id, ts, user_id, login, ip, action, object_type,
 * object_id, outcome, details, prev_hash). Editing, deleting or reordering
 * any record breaks the chain at that record; without the key file a
 * forger cannot re-chain. The table refuses UPDATE and DELETE by trigger.
 *
 * Failure policy: audit_append() runs inside the caller's transaction when
 * there is one (db_begin nests), so when it fails the caller rolls back and
 * the action fails with it.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"

/* Outcomes */
#define AUDIT_SUCCESS "success"
#define AUDIT_FAILURE "failure"
#define AUDIT_DENIED "denied"

struct audit_entry {
	const char *action;       /* dotted verb: "user.create", "session.login" */
	const char *object_type;  /* "user", "region", ... or NULL */
	const char *object_id;    /* or NULL */
	const char *outcome;      /* AUDIT_SUCCESS / AUDIT_FAILURE / AUDIT_DENIED */
	const char *details_json; /* a JSON object or NULL, e.g. {"fields":["role"]} */
	const char *login;        /* overrides who->login (failed logins), or NULL */
};

/* Append one record for `who`. SG_OK or SG_ERR_DB with a detail in er. */
sg_err audit_append(db_t *db, const struct actor *who,
		    const struct audit_entry *e, struct err_report *er);

/*
 * The common case: `action` by who on the record `id` of `object_type`
 * with an outcome (AUDIT_SUCCESS...) and details (JSON object or NULL).
 */
sg_err audit_object(db_t *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t id, const char *outcome,
		    const char *details_json, struct err_report *er);

struct audit_verify_result {
	int64_t records;   /* records checked */
	int ok;            /* 1 if the whole chain holds */
	int64_t bad_id;    /* first record that breaks the chain, 0 if ok */
	char reason[160];  /* why, e.g. "hash mismatch (record edited)" */
};

/*
 * Walk the chain from the first record. progress (may be NULL) is called
 * every few thousand records with (done, total, arg). SG_OK even when the
 * chain is broken (see res->ok); errors only for database failures.
 */
sg_err audit_verify(db_t *db, struct audit_verify_result *res,
		    void (*progress)(int64_t done, int64_t total, void *arg),
		    void *arg, struct err_report *er);

/* Filters of audit_list(); NULL or "" means no filter. */
struct audit_filter {
	const char *action;  /* exact, or a prefix when it ends in '.' ("user.") */
	const char *login;   /* exact login */
	const char *outcome; /* AUDIT_SUCCESS / AUDIT_FAILURE / AUDIT_DENIED */
	const char *from;    /* "YYYY-MM-DD" or RFC 3339 UTC, inclusive */
	const char *to;      /* same; a bare date includes that whole day */
};

/* One record as audit_list() hands it out; valid during the callback. */
struct audit_record {
	int64_t id;
	const char *ts;
	int64_t user_id;          /* 0: anonymous or system */
	const char *login;
	const char *ip;
	const char *action;
	const char *object_type;  /* or NULL */
	const char *object_id;    /* or NULL */
	const char *outcome;
	const char *details;      /* a JSON object (validated at append), or NULL */
};

/*
 * Records matching f, newest first, skipping offset and handing at most
 * limit to each(rec, arg) (a non-zero return stops early); *total is the
 * number of matches. Only secadmin, auditor and the system actor may read
 * (else SG_ERR_FORBIDDEN). A bad filter is SG_ERR_INVALID with the field
 * ("action", "user", "outcome", "from", "to") named in er.
 */
sg_err audit_list(db_t *db, const struct actor *who,
		  const struct audit_filter *f, int64_t offset, int64_t limit,
		  int (*each)(const struct audit_record *rec, void *arg),
		  void *arg, int64_t *total, struct err_report *er);

#endif
