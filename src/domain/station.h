/*
 * station.h: the three-tier service network (三级服务体系): county guidance
 * centres (县级社会工作指导中心), town/street stations (乡镇/街道社工站) and
 * village/community rooms (村/社区社工室).
 *
 * A station's tier fixes the level of its region: centre on a county (6
 * digits), station on a town (9), room on a village (12). A region code of
 * another level is SG_ERR_INVALID on "region_code", code "wrong_level",
 * the message naming the level expected.
 *
 * At most one active station per region: a second is SG_ERR_CONFLICT on
 * "region_code", code "taken", naming the one there, unless the input
 * gives duplicate_reason (the administrator's recorded decision, kept on
 * the record and audited).
 *
 * The six haves (六有) are recorded as entered and judged by
 * station_haves_of(): site (site_area > 0 m²), equipment (has_equipment),
 * staff (at least one resident social worker), service functions or
 * projects (a field code or project text), procedures, rules. A station is
 * up to standard only when all six are met; the flag is stored for
 * filters and the coverage counts (migration 017).
 *
 * Roles and scope as organisations (org.h): bureau accounts manage
 * stations in their subtree, org and sysadmin accounts read, the system
 * actor does anything; outside the scope is SG_ERR_NOT_FOUND. The operator
 * organisation must be one the actor can see. Changes are audited in their
 * transaction (station.create, station.update with the changed fields).
 */
#ifndef SG_STATION_H
#define SG_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"
#include "actor.h"
#include "creditcode.h"
#include "region.h"

enum station_tier {
	STATION_CENTRE = 1, /* county guidance centre */
	STATION_TOWN,       /* town/street station */
	STATION_ROOM,       /* village/community room */
};

/* API words "centre", "station", "room"; "" if out of range. */
const char *station_tier_name(int tier);
/* Tier from its API word; 0 if unknown. */
int station_tier_from_name(const char *name);
/* The region level a tier sits on (REGION_COUNTY, _TOWN, _VILLAGE). */
int station_tier_level(int tier);

#define STATION_NAME_MAX_CHARS 100
#define STATION_TEXT_MAX_CHARS 200
#define STATION_TEXT_SIZE (STATION_TEXT_MAX_CHARS * 4 + 1)
#define STATION_DATE_SIZE 11
#define STATION_AREA_MAX 1000000.0      /* m²; a typo guard */
#define STATION_STAFF_MAX 10000

struct station_haves {
	int site, equipment, staff, functions, procedures, rules;
};

struct station {
	int64_t id;
	char name[STATION_NAME_MAX_CHARS * 4 + 1];
	int tier;
	char region_code[REGION_CODE_SIZE];
	char region_name[REGION_NAME_SIZE];
	int64_t operator_org_id;             /* 0 none */
	char operator_org_name[STATION_TEXT_SIZE];
	char operator_credit_code[CREDITCODE_SIZE];
	char address[STATION_TEXT_SIZE];
	char established_on[STATION_DATE_SIZE];
	char status[16];                     /* active, closed */
	char duplicate_reason[STATION_TEXT_SIZE];
	double site_area;
	int has_equipment;
	char equipment_note[STATION_TEXT_SIZE];
	int64_t staff_count, resident_workers;
	char functions[512];                 /* comma-joined field codes */
	char projects[STATION_TEXT_SIZE];
	int has_procedures, has_rules;
	int up_to_standard;
	char created_at[32], updated_at[32];
};

/* The six haves of s, and how many are met (0..6). */
int station_haves_of(const struct station *s, struct station_haves *out);

void station_write_json(struct json_writer *jw, const struct station *s);

/*
 * Input of create and update. Absent members (NULL, STATION_ABSENT,
 * STATION_FLAG_ABSENT, NAN) keep the value on update and take the default
 * (nothing recorded) on create.
 */
#define STATION_ABSENT INT64_MIN
#define STATION_FLAG_ABSENT (-1)
struct station_input {
	const char *name, *tier, *region_code, *address, *established_on;
	const char *status, *duplicate_reason, *equipment_note, *projects;
	int64_t operator_org_id;      /* 0 = none */
	double site_area;             /* m² */
	int has_equipment, has_procedures, has_rules;  /* 0 or 1 */
	int64_t staff_count, resident_workers;
	const char *const *functions;
	size_t nfunctions;
	int has_functions;            /* replace the functions */
};

/* An input with every member absent. */
void station_input_init(struct station_input *in);

sg_err station_create(db_t *db, const struct actor *who,
		      const struct station_input *in, int64_t *id,
		      struct err_report *er);
sg_err station_update(db_t *db, const struct actor *who, int64_t id,
		      const struct station_input *in, struct err_report *er);
sg_err station_get(db_t *db, const struct actor *who, int64_t id,
		   struct station *out, struct err_report *er);

enum station_upsert_outcome {
	STATION_UPSERT_INSERTED = 1,
	STATION_UPSERT_UPDATED,
	STATION_UPSERT_UNCHANGED,
};

/*
 * For bulk import: insert or update the station keyed by region code and
 * name, inside the caller's transaction and without an audit record. The
 * same checks as station_create() (shared code).
 */
sg_err station_upsert_in_tx(db_t *db, const struct actor *who,
			    const struct station_input *in,
			    enum station_upsert_outcome *outcome, int64_t *id,
			    struct err_report *er);

struct station_filter {
	const char *q;            /* name fragment */
	const char *region;       /* subtree inside the scope */
	int tier;                 /* 0 any */
	const char *status;
	int standard;             /* -1 any, 0 not up to standard, 1 up to it */
	int64_t org_id;           /* 0 any */
	int64_t offset, limit;
};

/* A page of stations in region code order (items owned; free()). */
sg_err station_list(db_t *db, const struct actor *who,
		    const struct station_filter *f, struct station **items,
		    size_t *count, int64_t *total, struct err_report *er);

#endif
