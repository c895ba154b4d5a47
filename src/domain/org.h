/*
 * org.h: social work service organisations (社会工作服务机构) and their
 * ratings (等级评估).
 *
 * An organisation has a name, a unified social credit code (GB 32100,
 * creditcode.h), a type, the registering authority derived from the
 * code, a region, address, legal representative, founding date, contact,
 * service fields and a status. A code that fails its check character is
 * refused (SG_ERR_INVALID, field "credit_code", code "invalid_check", the
 * message naming the expected character) unless credit_override_reason is
 * given: early real codes exist that fail, and the reason is kept on the
 * record and in the audit log. Codes are unique (SG_ERR_CONFLICT, the
 * message naming the existing organisation when the caller may see it).
 *
 * A rating has a score out of 1000 and an evaluation date; the grade (1A
 * to 5A) comes from the score by the cut-offs in the setting
 * org_rating.cutoffs ("900,800,700,600,500": the least score of 5A, 4A,
 * ... 1A; below 1A no grade, SG_ERR_INVALID) unless given, and the rating
 * is valid five years. An organisation's grade is its latest rating's;
 * once valid_until has passed (China date) it shows as expired.
 *
 * Roles and scope: bureau accounts manage organisations in their region
 * subtree; org, sysadmin and bureau accounts read in scope; the system
 * actor does anything. Outside the scope is SG_ERR_NOT_FOUND (a region
 * field outside it is SG_ERR_INVALID "unknown"). Every change is audited
 * in its transaction (org.create, org.update with the changed field
 * names, org.rating) and never with personal values.
 */
#ifndef SG_ORG_H
#define SG_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "actor.h"
#include "creditcode.h"
#include "region.h"

#define ORG_NAME_MAX_CHARS 100
#define ORG_TEXT_MAX_CHARS 200
#define ORG_REASON_MAX_CHARS 200
#define ORG_TEXT_SIZE (ORG_TEXT_MAX_CHARS * 4 + 1)
#define ORG_DATE_SIZE 11

struct org {
	int64_t id;
	char name[ORG_NAME_MAX_CHARS * 4 + 1];
	char credit_code[CREDITCODE_SIZE];
	char credit_override_reason[ORG_REASON_MAX_CHARS * 4 + 1]; /* "" none */
	char type[24];
	char authority[24];
	char region_code[REGION_CODE_SIZE];
	char region_name[REGION_NAME_SIZE];
	char address[ORG_TEXT_SIZE];
	char legal_rep[ORG_TEXT_SIZE];
	char founded_on[ORG_DATE_SIZE];
	char contact_name[ORG_TEXT_SIZE];
	char contact_phone[32];
	char fields[512];              /* comma-separated field codes */
	char status[16];
	int grade;                     /* latest rating, 0 none */
	char grade_valid_until[ORG_DATE_SIZE];
	int grade_expired;
	int64_t staff_count;           /* current employments of active workers */
	char created_at[32], updated_at[32];
};

/* Input of create and update: NULL = absent (update keeps the value). */
struct org_input {
	const char *name, *credit_code, *credit_override_reason, *type;
	const char *region_code, *address, *legal_rep, *founded_on;
	const char *contact_name, *contact_phone, *status;
	const char *const *fields;     /* service-field codes */
	size_t nfields;
	int has_fields;                /* update: replace the fields */
};

void org_write_json(struct json_writer *jw, const struct org *o);

sg_err org_create(db_t *db, const struct actor *who, const struct org_input *in,
		  int64_t *id, struct err_report *er);
sg_err org_update(db_t *db, const struct actor *who, int64_t id,
		  const struct org_input *in, struct err_report *er);
sg_err org_get(db_t *db, const struct actor *who, int64_t id, struct org *out,
	       struct err_report *er);

/*
 * The organisation with credit code (any case), in who's scope; else
 * SG_ERR_NOT_FOUND.
 */
sg_err org_find_by_credit_code(db_t *db, const struct actor *who, const char *code,
			       struct org *out, struct err_report *er);

enum org_upsert_outcome {
	ORG_UPSERT_INSERTED = 1,
	ORG_UPSERT_UPDATED,
	ORG_UPSERT_UNCHANGED,
};

/*
 * For bulk import: insert or update the organisation keyed by
 * in->credit_code, inside the caller's transaction and without an audit
 * record (the import writes one for the file). The same checks as
 * org_create() (shared code); an existing record takes the members of in
 * that are not NULL. A code held by an organisation outside who's scope is
 * SG_ERR_INVALID on credit_code. *outcome and *id say what happened.
 * SG_ERR_DB leaves the transaction to the caller to roll back; after
 * SG_ERR_INVALID nothing was written.
 */
sg_err org_upsert_in_tx(db_t *db, const struct actor *who, const struct org_input *in,
			enum org_upsert_outcome *outcome, int64_t *id,
			struct err_report *er);

struct org_filter {
	const char *q;           /* name or credit-code fragment */
	const char *region;      /* subtree inside the scope */
	const char *type, *status;
	int grade;               /* 0 any, 1..5, -1 rated but expired */
	int64_t offset, limit;
};

/* A page of organisations (items owned; free with free()). */
sg_err org_list(db_t *db, const struct actor *who, const struct org_filter *f,
		struct org **items, size_t *count, int64_t *total,
		struct err_report *er);

struct org_rating {
	int64_t id;
	int grade;
	double score;            /* NAN when not recorded */
	char evaluated_on[ORG_DATE_SIZE];
	char valid_until[ORG_DATE_SIZE];
	int expired;
};

struct org_rating_input {
	double score;            /* NAN: none (then grade is required) */
	int grade;               /* 0: from the score */
	const char *evaluated_on;
};

sg_err org_rating_add(db_t *db, const struct actor *who, int64_t org_id,
		      const struct org_rating_input *in, int64_t *id,
		      struct err_report *er);
/* Ratings of an organisation, newest first (items owned; free()). */
sg_err org_ratings(db_t *db, const struct actor *who, int64_t org_id,
		   struct org_rating **items, size_t *count,
		   struct err_report *er);

/* One current staff member: from an employment not ended. */
struct org_staff_member {
	int64_t worker_id;
	char name[ORG_NAME_MAX_CHARS * 4 + 1];
	int level;               /* 0 none .. 3 senior */
	char post[ORG_TEXT_SIZE];
	char started_on[ORG_DATE_SIZE];
};

/*
 * The current staff of an organisation, derived from employment history
 * (employments with no end, of active workers), by name, with the count
 * at each level (by_level[0] none .. [3] senior). Items owned; free().
 */
sg_err org_staff(db_t *db, const struct actor *who, int64_t org_id,
		 struct org_staff_member **items, size_t *count,
		 int64_t by_level[4], struct err_report *er);

/*
 * The rating cut-offs: least[0] the least score of 5A .. least[4] of 1A
 * (default 900, 800, 700, 600, 500 of 1000; localities differ).
 */
sg_err org_cutoffs_get(db_t *db, int least[5], struct err_report *er);

/*
 * Change the cut-offs: sysadmin and the system actor (SG_ERR_FORBIDDEN),
 * each 0..1000 and strictly falling from 5A to 1A (SG_ERR_INVALID, fields
 * grade5 .. grade1). Audited as setting.update in the transaction.
 * Ratings already recorded keep their grade.
 */
sg_err org_cutoffs_set(db_t *db, const struct actor *who, const int least[5],
		       struct err_report *er);

/* The grade for a score by the configured cut-offs; 0 below 1A. */
sg_err org_grade_for_score(db_t *db, double score, int *grade,
			   struct err_report *er);

#endif
