/*
 * registration.h: the registration cycle (登记) of social workers, by the
 * national rule of 2009, as in docs/dev/registration-contract.md.
 *
 * An application (a row of `registrations`) belongs to one worker and one
 * of the worker's qualifications, and is of kind "first" (首次登记) or
 * "renewal" (再登记). It moves through the national states:
 *
 *   not_applied 未申请 --submit--> pending 待审核
 *   pending --first_approve--> first_approved 初审通过
 *   pending --first_reject--> first_rejected 初审未通过 (reason)
 *   first_approved --final_approve--> final_approved 终审通过
 *   first_approved --final_reject--> final_rejected 终审未通过 (reason)
 *   final_approved --register--> registered 已登记
 *   registered --certify--> certified 已出证
 *   registered|certified --cancel--> cancelled 已注销 (reason)
 *   registered|certified --revoke--> revoked 已撤销 (reason)
 *
 * Who: submit is for bureau and org accounts; every other action for
 * bureau accounts only (and the system actor). The final review must be
 * by another user than the first review (separation of duties). Scope is
 * the worker's region: a registration of a worker outside the caller's
 * subtree is SG_ERR_NOT_FOUND, exactly like a missing one.
 *
 * Rules, with "today" the calendar date in China (UTC+8) of util_now():
 *  - first: submitted no later than passed_on + 1 calendar year (passed
 *    2025-03-01: last day 2026-03-01; 29 February + 1 year is 28 February);
 *  - renewal: the worker has a registered or certified registration and
 *    today is within its last 3 calendar months (expires 2026-06-30:
 *    2026-03-31 .. 2026-06-30); when setting registration.ce_required is
 *    "true", ce_hours must reach registration.ce_hours.<level>;
 *  - registered_on = today, expires_on = registered_on + 3 years - 1 day;
 *  - one open application (not_applied .. final_approved) per worker.
 *
 * The worker's registration_state / registration_expires_on columns follow
 * the worker's latest registration that reached registered (or, before
 * that, the latest application), in the transaction of the transition.
 *
 * Certificate numbers (registration certificate, 登记证书), given at
 * certify: <county code, 6 digits><year, 4 digits><sequence, 6 digits>,
 * e.g. 4418022026000001: the worker's county, the year of certification
 * (China time), and a sequence per county and year starting at 1.
 *
 * Reports: er must not be NULL; the functions that collect several field
 * errors (create, update, transition, list) reset it first.
 *
 * Every change is audited inside its transaction: registration.create,
 * registration.update, registration.<action> with {"from","to"} and
 * "reason":true when a reason was given (never its text). An action refused
 * for the role or for separation of duties is audited too, outcome denied,
 * {"from","denied":"role"|"separation_of_duties"}, in its own transaction.
 */
#ifndef SG_REGISTRATION_H
#define SG_REGISTRATION_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/util.h"
#include "../db/db.h"
#include "actor.h"

#define REGISTRATION_REASON_MIN_CHARS 2
#define REGISTRATION_REASON_MAX_CHARS 200
#define REGISTRATION_CERT_NO_SIZE 32
#define REGISTRATION_DATE_SIZE 11 /* "YYYY-MM-DD" + NUL */

/* States, in the order of the cycle. */
enum registration_state {
	REG_NOT_APPLIED = 0,
	REG_PENDING,
	REG_FIRST_APPROVED,
	REG_FIRST_REJECTED,
	REG_FINAL_APPROVED,
	REG_FINAL_REJECTED,
	REG_REGISTERED,
	REG_CERTIFIED,
	REG_CANCELLED,
	REG_REVOKED,
	REG_STATE_COUNT_
};

/* API word ("first_approved") and Chinese label ("初审通过"); "" if out of range. */
const char *registration_state_name(int state);
const char *registration_state_label(int state);
/* State from its API word; -1 if unknown. */
int registration_state_from_name(const char *name);

/* Actions, the verbs of POST /registrations/{id}/transitions. */
enum registration_action {
	REG_ACT_SUBMIT = 0,
	REG_ACT_FIRST_APPROVE,
	REG_ACT_FIRST_REJECT,
	REG_ACT_FINAL_APPROVE,
	REG_ACT_FINAL_REJECT,
	REG_ACT_REGISTER,
	REG_ACT_CERTIFY,
	REG_ACT_CANCEL,
	REG_ACT_REVOKE,
	REG_ACT_COUNT_
};

/* API word ("final_approve"); "" if out of range. */
const char *registration_action_name(int action);
/* Action from its API word; -1 if unknown. */
int registration_action_from_name(const char *name);

/* Level label in Chinese: 助理社会工作师 / 社会工作师 / 高级社会工作师; "" else. */
const char *registration_level_label(int level);

struct registration_review {
	int64_t by;      /* user id, 0 for the system actor; see by_login */
	char by_login[ACTOR_LOGIN_MAX];
	char at[UTIL_TIME_LEN];
	char reason[REGISTRATION_REASON_MAX_CHARS * 4 + 1]; /* "" = none */
};

struct registration {
	int64_t id;
	int64_t worker_id;
	char worker_name[201];
	char region_code[16];
	char kind[8];                       /* "first" | "renewal" */
	int64_t qualification_id;
	int level;                          /* enum worker_level of the qualification */
	char certificate_mgmt_no[41];       /* of the qualification */
	int state;                          /* enum registration_state */
	char submitted_at[UTIL_TIME_LEN];   /* "" = not yet */
	int has_first_review, has_final_review;
	struct registration_review first_review, final_review;
	char registered_on[REGISTRATION_DATE_SIZE]; /* "" = not yet */
	char expires_on[REGISTRATION_DATE_SIZE];
	char certificate_no[REGISTRATION_CERT_NO_SIZE];
	int64_t ce_hours;                   /* -1 = not given */
	char reason[REGISTRATION_REASON_MAX_CHARS * 4 + 1]; /* cancel/revoke */
	char created_at[UTIL_TIME_LEN];
	char updated_at[UTIL_TIME_LEN];
	unsigned allowed;                   /* bit a: action a allowed for the caller */
};

/*
 * The API form of the contract's "registration item", allowed_actions
 * from r->allowed.
 */
void registration_write_json(struct json_writer *jw, const struct registration *r);

/*
 * Create an application in not_applied for a worker in scope (bureau,
 * org, system; else SG_ERR_FORBIDDEN). kind "first"|"renewal" (field
 * "kind"); qualification_id one of the worker's qualifications on record
 * (field "qualification_id"); ce_hours >= 0 or -1 for none. Another open
 * application is SG_ERR_CONFLICT. *id gets the new id.
 */
sg_err registration_create(db_t *db, const struct actor *who, int64_t worker_id,
			   const char *kind, int64_t qualification_id,
			   int64_t ce_hours, int64_t *id, struct err_report *er);

/* One registration in scope, allowed for who (SG_ERR_NOT_FOUND otherwise). */
sg_err registration_get(db_t *db, const struct actor *who, int64_t id,
			struct registration *out, struct err_report *er);

/*
 * Edit the form: qualification_id (0 = keep) and ce_hours (set_ce: 1 to
 * change, with -1 clearing). Only in not_applied and pending (else
 * SG_ERR_CONFLICT on field "state"); bureau, org, system.
 */
sg_err registration_update(db_t *db, const struct actor *who, int64_t id,
			   int64_t qualification_id, int set_ce, int64_t ce_hours,
			   struct err_report *er);

/*
 * Apply one action (enum registration_action, or -1 for an unknown word:
 * SG_ERR_INVALID on "action"). Reason: required for first_reject,
 * final_reject, cancel, revoke (REGISTRATION_REASON_MIN..MAX chars),
 * optional (kept) for the others. An action not allowed from the current
 * state is SG_ERR_CONFLICT on field "action", code illegal_transition,
 * naming the current state and the allowed actions. A role that may not
 * act, or the first reviewer attempting the final review, is
 * SG_ERR_FORBIDDEN. Rule failures at submit are SG_ERR_INVALID
 * (first_registration_late, renewal_window, ce_hours_insufficient).
 */
sg_err registration_transition(db_t *db, const struct actor *who, int64_t id,
			       int action, const char *reason,
			       struct err_report *er);

/* Filters of the lists; NULL / "" / -1 means none. */
struct registration_filter {
	int64_t worker_id;           /* > 0: only this worker's (checked in scope) */
	const char *state;           /* a state word ("state") */
	const char *region;          /* a region in scope: its subtree ("region") */
	const char *kind;            /* first|renewal ("kind") */
	int64_t expiring_within;     /* days: registered|certified expiring in
					today .. today + N ("expiring_within") */
	const char *q;               /* fragment of the worker's name, the
					certificate_no or the mgmt number ("q") */
};

/*
 * Registrations in who's scope matching f, newest first (expiring_within:
 * soonest expiry first), skipping offset, at most limit to each() (non-zero
 * stops); *total counts all matches. Each has its allowed actions for who.
 */
sg_err registration_list(db_t *db, const struct actor *who,
			 const struct registration_filter *f, int64_t offset,
			 int64_t limit,
			 int (*each)(const struct registration *r, void *arg),
			 void *arg, int64_t *total, struct err_report *er);

/* Certificates ---------------------------------------------------------- */

/* What the printed registration certificate (登记证书) shows. */
struct registration_cert {
	char certificate_no[REGISTRATION_CERT_NO_SIZE];
	char name[151];
	char id_masked[19];          /* 440524********0014: never in clear */
	char level[16];              /* assistant|intermediate|senior */
	char level_label[32];        /* 助理社会工作师 ... */
	char registered_on[REGISTRATION_DATE_SIZE];
	char expires_on[REGISTRATION_DATE_SIZE];
	char region_name[128];       /* the worker's county (区/县) name */
	char issuer[128];            /* "<county name>民政局" */
};

/*
 * The certificate of registration reg_id, for a caller who may see it
 * (bureau, org, system, in scope; else SG_ERR_NOT_FOUND / FORBIDDEN). Only
 * in state certified: else SG_ERR_CONFLICT on field "state". Reads only:
 * the caller audits the download (registration.certificate_download).
 */
sg_err registration_certificate(db_t *db, const struct actor *who,
				int64_t reg_id, struct registration_cert *out,
				struct err_report *er);

/* What the public verification page may show, nothing more. */
struct public_cert {
	char certificate_no[REGISTRATION_CERT_NO_SIZE];
	char name[151];
	char level[16];
	char level_label[32];
	char state[16];              /* certified, cancelled, revoked */
	char state_label[32];
	char registered_on[REGISTRATION_DATE_SIZE];
	char expires_on[REGISTRATION_DATE_SIZE];
	int valid;                   /* state certified and today <= expires_on */
};

/*
 * Public lookup by certificate number, no actor: SG_ERR_NOT_FOUND when
 * unknown or malformed (never reveals why). Reads only, no audit.
 */
sg_err registration_verify_public(db_t *db, const char *certificate_no,
				  struct public_cert *out, struct err_report *er);

/* Dates ----------------------------------------------------------------- */

/* Today's date in China (UTC+8) from util_now(), "YYYY-MM-DD". */
void registration_today(char out[REGISTRATION_DATE_SIZE]);

/*
 * Calendar arithmetic on "YYYY-MM-DD": add years, months and days
 * (each may be negative); a day past the end of the target month is
 * clamped to its last day when adding years or months (2024-02-29 + 1
 * year = 2025-02-28), then days are added. 0, or -1 for a bad date.
 */
int registration_date_add(const char *date, int years, int months, int days,
			  char out[REGISTRATION_DATE_SIZE]);

#endif
