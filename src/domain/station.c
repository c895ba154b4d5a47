/*
 * station.c: stations of the three-tier service network (see station.h).
 *
 * Create and update share one path: the input is laid over the current
 * record (or an empty one), the result is checked as a whole, and every
 * column is written from it. The column table (db/dbrow.h) drives the
 * binding, the reading and the changed fields the audit record names.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station.h"
#include "audit.h"
#include "org.h"
#include "worker.h"
#include "../core/buf.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../db/dbrow.h"
#include "../core/banned.h"

static const char *const tier_names[] = { "", "centre", "station", "room" };
static const char *const tier_titles[] = {
	"", "a county guidance centre (指导中心) must be on a county (6-digit code)",
	"a town station (社工站) must be on a town or street (9-digit code)",
	"a village room (社工室) must be on a village or community (12-digit code)",
};

const char *station_tier_name(int tier)
{
	return tier >= STATION_CENTRE && tier <= STATION_ROOM ? tier_names[tier] : "";
}

int station_tier_from_name(const char *name)
{
	for (int t = STATION_CENTRE; name && t <= STATION_ROOM; t++)
		if (!strcmp(tier_names[t], name))
			return t;
	return 0;
}

int station_tier_level(int tier)
{
	switch (tier) {
	case STATION_CENTRE: return REGION_COUNTY;
	case STATION_TOWN: return REGION_TOWN;
	case STATION_ROOM: return REGION_VILLAGE;
	default: return 0;
	}
}

int station_haves_of(const struct station *s, struct station_haves *out)
{
	out->site = s->site_area > 0;
	out->equipment = s->has_equipment;
	out->staff = s->resident_workers >= 1;
	out->functions = s->functions[0] != '\0' || s->projects[0] != '\0';
	out->procedures = s->has_procedures;
	out->rules = s->has_rules;
	return out->site + out->equipment + out->staff + out->functions +
	       out->procedures + out->rules;
}

static int may_read(const struct actor *who)
{
	return role_in(who->role, ROLES_REGISTRY_READ);
}

static int may_write(const struct actor *who)
{
	return role_in(who->role, ROLES_REGISTRY_WRITE);
}

static sg_err forbidden(const struct actor *who, struct err_report *er)
{
	return actor_forbidden(who, ROLES_REGISTRY_READ, "stations", er);
}

/* ---- the columns -------------------------------------------------------- */

static const struct dbrow_column columns[] = {
	DBROW_COL(struct station, name, DBROW_TEXT),
	DBROW_WORDS(struct station, tier, tier_names),
	DBROW_COL(struct station, region_code, DBROW_TEXT),
	DBROW_COL(struct station, operator_org_id, DBROW_ID_OPT),
	DBROW_COL(struct station, address, DBROW_TEXT_OPT),
	DBROW_COL(struct station, established_on, DBROW_TEXT_OPT),
	DBROW_COL(struct station, status, DBROW_TEXT),
	DBROW_COL(struct station, duplicate_reason, DBROW_TEXT_OPT),
	DBROW_COL(struct station, site_area, DBROW_REAL),
	DBROW_COL(struct station, has_equipment, DBROW_INT),
	DBROW_COL(struct station, equipment_note, DBROW_TEXT_OPT),
	DBROW_COL(struct station, staff_count, DBROW_INT64),
	DBROW_COL(struct station, resident_workers, DBROW_INT64),
	DBROW_COL(struct station, functions, DBROW_TEXT),
	DBROW_COL(struct station, projects, DBROW_TEXT_OPT),
	DBROW_COL(struct station, has_procedures, DBROW_INT),
	DBROW_COL(struct station, has_rules, DBROW_INT),
	DBROW_COL(struct station, up_to_standard, DBROW_INT),
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* In the order of columns[], then the times; ?19 created, ?20 updated. */
#define INSERT_SQL \
	"INSERT INTO stations (name, tier, region_code, operator_org_id, address," \
	" established_on, status, duplicate_reason, site_area, has_equipment," \
	" equipment_note, staff_count, resident_workers, functions, projects," \
	" has_procedures, has_rules, up_to_standard, created_at, updated_at)" \
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)" \
	" RETURNING id"
#define UPDATE_SQL \
	"UPDATE stations SET name = ?1, tier = ?2, region_code = ?3, operator_org_id = ?4," \
	" address = ?5, established_on = ?6, status = ?7, duplicate_reason = ?8," \
	" site_area = ?9, has_equipment = ?10, equipment_note = ?11, staff_count = ?12," \
	" resident_workers = ?13, functions = ?14, projects = ?15, has_procedures = ?16," \
	" has_rules = ?17, up_to_standard = ?18, updated_at = ?20 WHERE id = ?21"

/* ---- reading ------------------------------------------------------------ */

#define STATION_SELECT \
	"SELECT s.name, s.tier, s.region_code, s.operator_org_id, s.address," \
	" s.established_on, s.status, s.duplicate_reason, s.site_area," \
	" s.has_equipment, s.equipment_note, s.staff_count, s.resident_workers," \
	" s.functions, s.projects, s.has_procedures, s.has_rules, s.up_to_standard," \
	" s.id, r.name, o.name, s.created_at, s.updated_at, o.credit_code"
#define STATION_FROM \
	" FROM stations s LEFT JOIN regions r ON r.code = s.region_code" \
	" LEFT JOIN orgs o ON o.id = s.operator_org_id"

static void read_station(db_stmt_t *st, void *item, void *arg)
{
	struct station *s = item;

	(void)arg;
	memset(s, 0, sizeof(*s));
	dbrow_read(st, 0, columns, NCOLUMNS, s);
	s->id = db_col_int(st, NCOLUMNS);
	db_col_copy(st, NCOLUMNS + 1, s->region_name, sizeof(s->region_name));
	db_col_copy(st, NCOLUMNS + 2, s->operator_org_name, sizeof(s->operator_org_name));
	db_col_copy(st, NCOLUMNS + 3, s->created_at, sizeof(s->created_at));
	db_col_copy(st, NCOLUMNS + 4, s->updated_at, sizeof(s->updated_at));
	db_col_copy(st, NCOLUMNS + 5, s->operator_credit_code, sizeof(s->operator_credit_code));
}

/* A list row: the station, and the total of all pages into *arg. */
static void read_list_row(db_stmt_t *st, void *item, void *arg)
{
	read_station(st, item, NULL);
	*(int64_t *)arg = db_col_int(st, NCOLUMNS + 6);
}

void station_write_json(struct json_writer *jw, const struct station *s)
{
	struct station_haves h;
	int met = station_haves_of(s, &h);

	jw_obj_begin(jw);
	jw_kv_int(jw, "id", s->id);
	jw_kv_str(jw, "name", s->name);
	jw_kv_str(jw, "tier", station_tier_name(s->tier));
	jw_kv_str(jw, "region_code", s->region_code);
	jw_kv_str(jw, "region_name", s->region_name);
	if (s->operator_org_id)
		jw_kv_int(jw, "operator_org_id", s->operator_org_id);
	else
		jw_kv_null(jw, "operator_org_id");
	jw_kv_str_opt(jw, "operator_org_name", s->operator_org_name);
	jw_kv_str_opt(jw, "address", s->address);
	jw_kv_str_opt(jw, "established_on", s->established_on);
	jw_kv_str(jw, "status", s->status);
	jw_kv_str_opt(jw, "duplicate_reason", s->duplicate_reason);
	jw_key(jw, "site_area");
	jw_double(jw, s->site_area);
	jw_kv_bool(jw, "has_equipment", s->has_equipment);
	jw_kv_str_opt(jw, "equipment_note", s->equipment_note);
	jw_kv_int(jw, "staff_count", s->staff_count);
	jw_kv_int(jw, "resident_workers", s->resident_workers);
	worker_fields_write_json(jw, "functions", s->functions);
	jw_kv_str_opt(jw, "projects", s->projects);
	jw_kv_bool(jw, "has_procedures", s->has_procedures);
	jw_kv_bool(jw, "has_rules", s->has_rules);
	jw_key(jw, "haves");
	jw_obj_begin(jw);
	jw_kv_bool(jw, "site", h.site);
	jw_kv_bool(jw, "equipment", h.equipment);
	jw_kv_bool(jw, "staff", h.staff);
	jw_kv_bool(jw, "functions", h.functions);
	jw_kv_bool(jw, "procedures", h.procedures);
	jw_kv_bool(jw, "rules", h.rules);
	jw_obj_end(jw);
	jw_kv_int(jw, "haves_met", met);
	jw_kv_bool(jw, "up_to_standard", s->up_to_standard);
	jw_kv_str(jw, "created_at", s->created_at);
	jw_kv_str(jw, "updated_at", s->updated_at);
	jw_obj_end(jw);
}

/* The row of id whatever the scope; SG_ERR_NOT_FOUND if none. */
static sg_err fetch(db_t *db, int64_t id, struct station *out, struct err_report *er)
{
	return dbrow_fetch(db, STATION_SELECT STATION_FROM " WHERE s.id = ?", id, read_station,
			   out, "station", er);
}

sg_err station_get(db_t *db, const struct actor *who, int64_t id,
		   struct station *out, struct err_report *er)
{
	if (!may_read(who))
		return forbidden(who, er);
	if (fetch(db, id, out, er) != SG_OK)
		return er->code;
	if (!actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such station");
	return SG_OK;
}

/* ---- checks ------------------------------------------------------------- */

void station_input_init(struct station_input *in)
{
	memset(in, 0, sizeof(*in));
	in->operator_org_id = STATION_ABSENT;
	in->site_area = NAN;
	in->has_equipment = in->has_procedures = in->has_rules = STATION_FLAG_ABSENT;
	in->staff_count = in->resident_workers = STATION_ABSENT;
}

static void take_text(char *dst, size_t size, const char *s, const char *field,
		      size_t min, size_t max, struct err_report *er)
{
	if (!s)
		return;
	if (input_text_ok(s, field, min, max, er))
		util_strlcpy(dst, s, size);
}

static void take_count(int64_t *dst, int64_t v, const char *field,
		       struct err_report *er)
{
	if (v == STATION_ABSENT)
		return;
	if (v < 0 || v > STATION_STAFF_MAX)
		err_field(er, field, "range", "between 0 and %d", STATION_STAFF_MAX);
	else
		*dst = v;
}

static void take_flag(int *dst, int v)
{
	if (v != STATION_FLAG_ABSENT)
		*dst = v != 0;
}

/*
 * Lay in over next (the current record, or zeroed for a create) and check
 * the result as a whole; field errors collect in er.
 */
static void apply_input(db_t *db, const struct actor *who, const struct station_input *in,
			int creating, struct station *next, struct err_report *er)
{
	struct station_haves haves;

	if (creating) {
		if (!in->name)
			err_field(er, "name", "required", "name is required");
		if (!in->tier)
			err_field(er, "tier", "required", "centre, station or room");
		if (!in->region_code)
			err_field(er, "region_code", "required", "region_code is required");
		util_strlcpy(next->status, "active", sizeof(next->status));
	}
	take_text(next->name, sizeof(next->name), in->name, "name", 1,
		  STATION_NAME_MAX_CHARS, er);
	if (in->tier) {
		next->tier = station_tier_from_name(in->tier);
		if (!next->tier)
			err_field(er, "tier", "not_allowed", "centre, station or room");
	}
	if (in->region_code &&
	    region_check_ref(db, who, "region_code", in->region_code, er) == SG_OK)
		util_strlcpy(next->region_code, in->region_code, sizeof(next->region_code));
	if (next->tier && next->region_code[0] &&
	    region_level_of_code(next->region_code) != station_tier_level(next->tier))
		err_field(er, "region_code", "wrong_level", "%s", tier_titles[next->tier]);
	if (in->operator_org_id != STATION_ABSENT) {
		struct err_report oer = ERR_REPORT_INIT;
		struct org *o = in->operator_org_id ? malloc(sizeof(*o)) : NULL;

		if (in->operator_org_id && !o)
			err_set(er, SG_ERR_NOMEM, "out of memory");
		else if (o && (in->operator_org_id < 0 ||
			       org_get(db, who, in->operator_org_id, o, &oer) != SG_OK))
			err_field(er, "operator_org_id", "unknown", "no such organisation");
		else
			next->operator_org_id = in->operator_org_id;
		free(o);
	}
	take_text(next->address, sizeof(next->address), in->address, "address", 0,
		  STATION_TEXT_MAX_CHARS, er);
	if (in->established_on) {
		if (*in->established_on && !input_date_valid(in->established_on))
			err_field(er, "established_on", "invalid", "a date YYYY-MM-DD");
		else
			util_strlcpy(next->established_on, in->established_on,
				     sizeof(next->established_on));
	}
	if (in->status) {
		if (strcmp(in->status, "active") && strcmp(in->status, "closed"))
			err_field(er, "status", "not_allowed", "active or closed");
		else
			util_strlcpy(next->status, in->status, sizeof(next->status));
	}
	take_text(next->duplicate_reason, sizeof(next->duplicate_reason),
		  in->duplicate_reason, "duplicate_reason", 0, STATION_TEXT_MAX_CHARS, er);
	if (!isnan(in->site_area)) {
		if (!(in->site_area >= 0 && in->site_area <= STATION_AREA_MAX))
			err_field(er, "site_area", "range", "square metres, 0 to %.0f",
				  STATION_AREA_MAX);
		else
			next->site_area = in->site_area;
	}
	take_flag(&next->has_equipment, in->has_equipment);
	take_text(next->equipment_note, sizeof(next->equipment_note), in->equipment_note,
		  "equipment_note", 0, STATION_TEXT_MAX_CHARS, er);
	take_count(&next->staff_count, in->staff_count, "staff_count", er);
	take_count(&next->resident_workers, in->resident_workers, "resident_workers", er);
	if (next->resident_workers > next->staff_count)
		err_field(er, "resident_workers", "exceeds_staff",
			  "resident social workers are part of the staff (%lld)",
			  (long long)next->staff_count);
	if (in->has_functions) {
		struct buf joined = BUF_INIT(sizeof(next->functions) - 1);
		const char *bad;

		if (worker_fields_join(in->functions, in->nfunctions, &joined, &bad))
			err_field(er, "functions", "unknown", "unknown service field '%s'", bad);
		else
			util_strlcpy(next->functions, buf_cstr(&joined), sizeof(next->functions));
		buf_release(&joined);
	}
	take_text(next->projects, sizeof(next->projects), in->projects, "projects", 0,
		  STATION_TEXT_MAX_CHARS, er);
	take_flag(&next->has_procedures, in->has_procedures);
	take_flag(&next->has_rules, in->has_rules);
	next->up_to_standard = station_haves_of(next, &haves) == 6;
}

/*
 * SG_ERR_CONFLICT when another active station is in next's region and no
 * duplicate reason is recorded.
 */
static sg_err check_one_per_region(db_t *db, const struct station *next,
				   struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	if (strcmp(next->status, "active") || next->duplicate_reason[0])
		return SG_OK;
	st = db_prepare(db, "SELECT id, name FROM stations WHERE region_code = ?"
			    " AND status = 'active' AND id <> ? ORDER BY id LIMIT 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, next->region_code, -1);
	db_bind_int(st, 2, next->id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		err_field(er, "region_code", "taken",
			  "station %lld (%s) is already active here; give duplicate_reason "
			  "to set up another", (long long)db_col_int(st, 0), db_col_text(st, 1));
		er->code = SG_ERR_CONFLICT;
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return rc == DB_ROW ? SG_ERR_CONFLICT : SG_OK;
}

/* ---- writing ------------------------------------------------------------ */

/*
 * Write next inside the caller's transaction: INSERT when next->id is 0
 * (setting it), else UPDATE.
 */
static sg_err write_row(db_t *db, struct station *next, struct err_report *er)
{
	if (check_one_per_region(db, next, er) != SG_OK)
		return er->code;
	return dbrow_save(db, INSERT_SQL, UPDATE_SQL, columns, NCOLUMNS, next, &next->id, er);
}

/* Check in over base into *next; SG_ERR_INVALID with the fields, or SG_OK. */
static sg_err prepare(db_t *db, const struct actor *who, const struct station_input *in,
		      const struct station *base, struct station *next,
		      struct err_report *er)
{
	if (base)
		*next = *base;
	else
		memset(next, 0, sizeof(*next));
	apply_input(db, who, in, base == NULL, next, er);
	if (er->code != SG_OK || er->nfields)
		return er->code != SG_OK ? er->code : (er->code = SG_ERR_INVALID);
	return SG_OK;
}

/* Create (cur NULL) or update in a transaction of its own, audited. */
static sg_err save(db_t *db, const struct actor *who, const struct station_input *in,
		   const struct station *cur, int64_t *id, struct err_report *er)
{
	struct station *next = malloc(sizeof(*next));
	struct buf details = BUF_INIT(1024);
	sg_err code;
	int rc;

	if (!next)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = prepare(db, who, in, cur, next, er)) != SG_OK)
		goto out;
	if (cur) {
		buf_addstr(&details, "{\"fields\":[");
		if (!dbrow_changed(columns, NCOLUMNS, cur, next, &details))
			goto out;  /* nothing to write, nothing to audit */
		buf_addstr(&details, "]}");
	} else {
		buf_printf(&details, "{\"tier\":\"%s\",\"duplicate\":%s}",
			   station_tier_name(next->tier),
			   next->duplicate_reason[0] ? "true" : "false");
	}
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = write_row(db, next, er)) != SG_OK ||
	    (code = audit_object(db, who, cur ? "station.update" : "station.create",
				 "station", next->id, AUDIT_SUCCESS, buf_cstr(&details),
				 er)) != SG_OK) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	else if (id)
		*id = next->id;
out:
	buf_release(&details);
	free(next);
	return code;
}

sg_err station_create(db_t *db, const struct actor *who,
		      const struct station_input *in, int64_t *id,
		      struct err_report *er)
{
	if (!may_write(who))
		return forbidden(who, er);
	return save(db, who, in, NULL, id, er);
}

sg_err station_update(db_t *db, const struct actor *who, int64_t id,
		      const struct station_input *in, struct err_report *er)
{
	struct station *cur;
	sg_err code;

	if (!may_write(who))
		return forbidden(who, er);
	if (!(cur = malloc(sizeof(*cur))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = station_get(db, who, id, cur, er)) == SG_OK)
		code = save(db, who, in, cur, NULL, er);
	free(cur);
	return code;
}

sg_err station_upsert_in_tx(db_t *db, const struct actor *who,
			    const struct station_input *in,
			    enum station_upsert_outcome *outcome, int64_t *id,
			    struct err_report *er)
{
	struct station *cur = NULL, *next = malloc(sizeof(*next));
	struct buf changed = BUF_INIT(512);
	db_stmt_t *st;
	sg_err code;
	int rc;

	*outcome = STATION_UPSERT_UNCHANGED;
	*id = 0;
	if (!next)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if (!may_write(who)) {
		code = forbidden(who, er);
		goto out;
	}
	if (!in->region_code || !in->name) {
		code = prepare(db, who, in, NULL, next, er);
		goto out;
	}
	st = db_prepare(db, "SELECT id FROM stations WHERE region_code = ? AND name = ?"
			    " ORDER BY id LIMIT 1");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, in->region_code, -1);
	db_bind_text(st, 2, in->name, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (*id && actor_in_scope(who, in->region_code)) {
		if (!(cur = malloc(sizeof(*cur)))) {
			code = err_set(er, SG_ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((code = fetch(db, *id, cur, er)) != SG_OK)
			goto out;
	}
	if ((code = prepare(db, who, in, cur, next, er)) != SG_OK)
		goto out;
	if (cur && !dbrow_changed(columns, NCOLUMNS, cur, next, &changed))
		goto out;
	if ((code = write_row(db, next, er)) != SG_OK)
		goto out;
	*id = next->id;
	*outcome = cur ? STATION_UPSERT_UPDATED : STATION_UPSERT_INSERTED;
out:
	/* a conflict in a file is a bad row like any other */
	if (code == SG_ERR_CONFLICT)
		code = er->code = SG_ERR_INVALID;
	buf_release(&changed);
	free(cur);
	free(next);
	return code;
}

/* ---- lists -------------------------------------------------------------- */

sg_err station_list(db_t *db, const struct actor *who,
		    const struct station_filter *f, struct station **items,
		    size_t *count, int64_t *total, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct buf like = BUF_INIT(512);
	db_stmt_t *st;
	sg_err code = SG_OK;

	*items = NULL;
	*count = 0;
	*total = 0;
	if (!may_read(who))
		return forbidden(who, er);
	if (actor_list_range(who, f->region, lo, hi, er) != SG_OK)
		return er->code;
	if (f->q && *f->q)
		buf_add_like_pattern(&like, f->q);
	st = db_prepare(db, STATION_SELECT ", count(*) OVER ()" STATION_FROM
			" WHERE s.region_code >= ?1 AND s.region_code < ?2"
			" AND (?3 IS NULL OR s.name LIKE ?3 ESCAPE '\\')"
			" AND (?4 IS NULL OR s.tier = ?4)"
			" AND (?5 IS NULL OR s.status = ?5)"
			" AND (?6 < 0 OR s.up_to_standard = ?6)"
			" AND (?7 = 0 OR s.operator_org_id = ?7)"
			" ORDER BY s.region_code, s.name, s.id LIMIT ?8 OFFSET ?9");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_text_opt(st, 3, like.len ? buf_cstr(&like) : NULL);
	db_bind_text_opt(st, 4, f->tier ? station_tier_name(f->tier) : NULL);
	db_bind_text_opt(st, 5, f->status);
	db_bind_int(st, 6, f->standard);
	db_bind_int(st, 7, f->org_id);
	db_bind_int(st, 8, f->limit);
	db_bind_int(st, 9, f->offset);
	code = dbrow_collect(db, st, sizeof(**items), read_list_row, total, (void **)items, count,
			     er);
	db_done(st);
	if (code == SG_OK && *count == 0 && f->offset > 0) {
		/* a page past the end still reports the total */
		struct station_filter first = *f;

		first.offset = 0;
		first.limit = 1;
		code = station_list(db, who, &first, items, count, total, er);
		free(*items);
		*items = NULL;
		*count = 0;
	}
out:
	/* dbrow_collect() leaves no items behind when it fails */
	buf_release(&like);
	return code;
}
