/*
 * org.c: organisations and their ratings (see org.h).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org.h"
#include "audit.h"
#include "registration.h"
#include "worker.h"
#include "../core/buf.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../core/banned.h"

#define CUTOFFS_SETTING "org_rating.cutoffs"
#define RATING_YEARS 5

static const char *const type_names[] = {
	"private_non_enterprise", "social_group", "foundation",
	"public_institution", "other",
};
static const char *const status_names[] = { "active", "deregistered" };

static int in_list(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return 1;
	return 0;
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
	return actor_forbidden(who, ROLES_REGISTRY_READ, "organisations", er);
}

/* ---- reading ------------------------------------------------------------ */

#define ORG_COLUMNS \
	"SELECT o.id, o.name, o.credit_code, o.credit_override_reason, o.type," \
	" o.authority, o.region_code, r.name, o.address, o.legal_rep, o.founded_on," \
	" o.contact_name, o.contact_phone, o.fields, o.status, o.created_at," \
	" o.updated_at, g.grade, g.valid_until," \
	" (SELECT count(*) FROM employments e JOIN workers w ON w.id = e.worker_id" \
	"   WHERE e.org_id = o.id AND e.ended_on IS NULL AND w.status = 'active')"
#define ORG_FROM \
	" FROM orgs o LEFT JOIN regions r ON r.code = o.region_code" \
	" LEFT JOIN org_ratings g ON g.id = (SELECT id FROM org_ratings" \
	"   WHERE org_id = o.id ORDER BY evaluated_on DESC, id DESC LIMIT 1)"

static void read_org(db_stmt_t *st, const char *today, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int(st, 0);
	db_col_copy(st, 1, o->name, sizeof(o->name));
	db_col_copy(st, 2, o->credit_code, sizeof(o->credit_code));
	db_col_copy(st, 3, o->credit_override_reason, sizeof(o->credit_override_reason));
	db_col_copy(st, 4, o->type, sizeof(o->type));
	db_col_copy(st, 5, o->authority, sizeof(o->authority));
	db_col_copy(st, 6, o->region_code, sizeof(o->region_code));
	db_col_copy(st, 7, o->region_name, sizeof(o->region_name));
	db_col_copy(st, 8, o->address, sizeof(o->address));
	db_col_copy(st, 9, o->legal_rep, sizeof(o->legal_rep));
	db_col_copy(st, 10, o->founded_on, sizeof(o->founded_on));
	db_col_copy(st, 11, o->contact_name, sizeof(o->contact_name));
	db_col_copy(st, 12, o->contact_phone, sizeof(o->contact_phone));
	db_col_copy(st, 13, o->fields, sizeof(o->fields));
	db_col_copy(st, 14, o->status, sizeof(o->status));
	db_col_copy(st, 15, o->created_at, sizeof(o->created_at));
	db_col_copy(st, 16, o->updated_at, sizeof(o->updated_at));
	o->grade = (int)db_col_int(st, 17);
	db_col_copy(st, 18, o->grade_valid_until, sizeof(o->grade_valid_until));
	o->grade_expired = o->grade && strcmp(o->grade_valid_until, today) < 0;
	o->staff_count = db_col_int(st, 19);
}

void org_write_json(struct json_writer *jw, const struct org *o)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", o->id);
	jw_kv_str(jw, "name", o->name);
	jw_kv_str(jw, "credit_code", o->credit_code);
	jw_kv_str_opt(jw, "credit_override_reason", o->credit_override_reason);
	jw_kv_str(jw, "type", o->type);
	jw_kv_str(jw, "authority", o->authority);
	jw_kv_str(jw, "region_code", o->region_code);
	jw_kv_str(jw, "region_name", o->region_name);
	jw_kv_str_opt(jw, "address", o->address);
	jw_kv_str_opt(jw, "legal_rep", o->legal_rep);
	jw_kv_str_opt(jw, "founded_on", o->founded_on);
	jw_kv_str_opt(jw, "contact_name", o->contact_name);
	jw_kv_str_opt(jw, "contact_phone", o->contact_phone);
	worker_fields_write_json(jw, "fields", o->fields);
	jw_kv_str(jw, "status", o->status);
	if (o->grade)
		jw_kv_int(jw, "grade", o->grade);
	else
		jw_kv_null(jw, "grade");
	jw_kv_str_opt(jw, "grade_valid_until", o->grade_valid_until);
	jw_kv_bool(jw, "grade_expired", o->grade_expired);
	jw_kv_int(jw, "staff_count", o->staff_count);
	jw_kv_str(jw, "created_at", o->created_at);
	jw_kv_str(jw, "updated_at", o->updated_at);
	jw_obj_end(jw);
}

/* The row of id whatever the scope; SG_ERR_NOT_FOUND if none. */
static sg_err fetch(db_t *db, int64_t id, struct org *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, ORG_COLUMNS ORG_FROM " WHERE o.id = ?");
	char today[ORG_DATE_SIZE];
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	registration_today(today);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_org(st, today, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return rc == DB_ROW ? SG_OK : err_set(er, SG_ERR_NOT_FOUND, "no such organisation");
}

sg_err org_get(db_t *db, const struct actor *who, int64_t id, struct org *out,
	       struct err_report *er)
{
	if (!may_read(who))
		return forbidden(who, er);
	if (fetch(db, id, out, er) != SG_OK)
		return er->code;
	if (!actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such organisation");
	return SG_OK;
}

/* ---- checks ------------------------------------------------------------- */

/* The values a record will have after a create or update. */
struct values {
	char credit_code[CREDITCODE_SIZE];
	const char *authority;
	struct buf fields;
};

static void check_opt_text(const char *s, const char *field, size_t max,
			   struct err_report *er)
{
	if (s)
		input_text_ok(s, field, 0, max, er);
}

/*
 * Check in (all of it for create, the present fields for update against
 * the current record cur) into v; field errors collect in er.
 */
static void check_input(db_t *db, const struct actor *who, const struct org_input *in,
			const struct org *cur, struct values *v, struct err_report *er)
{
	const char *code = in->credit_code ? in->credit_code : (cur ? cur->credit_code : NULL);
	const char *reason = in->credit_override_reason ? in->credit_override_reason :
			     (cur ? cur->credit_override_reason : "");

	if (!cur || in->name)
		input_text_ok(in->name ? in->name : "", "name", 1, ORG_NAME_MAX_CHARS, er);
	if (!cur || in->type) {
		if (!in->type)
			err_field(er, "type", "required", "type is required");
		else if (!in_list(type_names, sizeof(type_names) / sizeof(type_names[0]), in->type))
			err_field(er, "type", "not_allowed",
				  "one of private_non_enterprise, social_group, foundation, "
				  "public_institution, other");
	}
	if (in->status && !in_list(status_names, 2, in->status))
		err_field(er, "status", "not_allowed", "active or deregistered");
	if (!cur || in->region_code) {
		if (!in->region_code)
			err_field(er, "region_code", "required", "region_code is required");
		else
			region_check_ref(db, who, "region_code", in->region_code, er);
	}
	check_opt_text(in->address, "address", ORG_TEXT_MAX_CHARS, er);
	check_opt_text(in->legal_rep, "legal_rep", ORG_TEXT_MAX_CHARS, er);
	check_opt_text(in->contact_name, "contact_name", ORG_TEXT_MAX_CHARS, er);
	check_opt_text(in->contact_phone, "contact_phone", 20, er);
	if (in->credit_override_reason)
		input_text_ok(in->credit_override_reason, "credit_override_reason", 0,
			      ORG_REASON_MAX_CHARS, er);
	if (in->founded_on && *in->founded_on && !input_date_valid(in->founded_on))
		err_field(er, "founded_on", "invalid", "a date YYYY-MM-DD");
	if (in->has_fields) {
		const char *bad;

		if (worker_fields_join(in->fields, in->nfields, &v->fields, &bad))
			err_field(er, "fields", "unknown", "unknown service field '%s'", bad);
	}
	if (!code || !*code) {
		err_field(er, "credit_code", "required", "credit_code is required");
		return;
	}
	{
		struct creditcode_info info;

		switch (creditcode_check(code, &info)) {
		case CREDITCODE_LENGTH:
			err_field(er, "credit_code", "invalid", "18 characters");
			return;
		case CREDITCODE_CHARACTER:
			err_field(er, "credit_code", "invalid",
				  "character %d is not allowed (0-9 and capitals "
				  "without I, O, S, V, Z)", info.bad_position);
			return;
		case CREDITCODE_CHECK:
			if (!*reason)
				err_field(er, "credit_code", "invalid_check",
					  "check character should be %c", info.expected_check);
			break;
		case CREDITCODE_OK:
			break;
		}
		for (int i = 0; i < CREDITCODE_LEN; i++)
			v->credit_code[i] = code[i] >= 'a' && code[i] <= 'z' ?
					    (char)(code[i] - 'a' + 'A') : code[i];
		v->credit_code[CREDITCODE_LEN] = '\0';
		v->authority = creditcode_authority(info.authority);
		if (!*v->authority)
			v->authority = "other";
	}
}

/* SG_ERR_CONFLICT naming the holder of code when who may see it. */
static sg_err check_unique(db_t *db, const struct actor *who, const char *code,
			   int64_t self, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, region_code FROM orgs"
				       " WHERE credit_code = ? AND id <> ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, code, -1);
	db_bind_int(st, 2, self);
	rc = db_step(st);
	if (rc == DB_ROW) {
		if (actor_in_scope(who, db_col_text(st, 1)))
			err_field(er, "credit_code", "taken",
				  "organisation %lld already has this code",
				  (long long)db_col_int(st, 0));
		else
			err_field(er, "credit_code", "taken",
				  "an organisation outside your region has this code");
		er->code = SG_ERR_CONFLICT;
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return rc == DB_ROW ? SG_ERR_CONFLICT : SG_OK;
}

static sg_err audit_org(db_t *db, const struct actor *who, const char *action,
			int64_t id, const char *details, struct err_report *er)
{
	return audit_object(db, who, action, "org", id, AUDIT_SUCCESS, details, er);
}

/* ---- writing ------------------------------------------------------------ */

/*
 * The text columns an update may set: the input member (NULL = keep) and
 * the record member it is compared with to find what changed.
 */
#define TEXT_COL(col) { #col, offsetof(struct org_input, col), offsetof(struct org, col) }
static const struct {
	const char *name;
	size_t in_offset, org_offset;
} text_cols[] = {
	TEXT_COL(name), TEXT_COL(credit_override_reason), TEXT_COL(type),
	TEXT_COL(region_code), TEXT_COL(address), TEXT_COL(legal_rep),
	TEXT_COL(founded_on), TEXT_COL(contact_name), TEXT_COL(contact_phone),
	TEXT_COL(status),
};
#define NTEXT_COLS (sizeof(text_cols) / sizeof(text_cols[0]))

static const char *in_text(const struct org_input *in, size_t i)
{
	return *(const char *const *)((const char *)in + text_cols[i].in_offset);
}


/* INSERT in (checked into v) inside the caller's transaction. */
static sg_err insert_row(db_t *db, const struct org_input *in, const struct values *v,
			 int64_t *id, struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "INSERT INTO orgs (name, credit_code, credit_override_reason,"
			    " type, authority, region_code, address, legal_rep, founded_on,"
			    " contact_name, contact_phone, fields, status, created_at,"
			    " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, in->name, -1);
	db_bind_text(st, 2, v->credit_code, -1);
	db_bind_text_opt(st, 3, in->credit_override_reason);
	db_bind_text(st, 4, in->type, -1);
	db_bind_text(st, 5, v->authority, -1);
	db_bind_text(st, 6, in->region_code, -1);
	db_bind_text_opt(st, 7, in->address);
	db_bind_text_opt(st, 8, in->legal_rep);
	db_bind_text_opt(st, 9, in->founded_on);
	db_bind_text_opt(st, 10, in->contact_name);
	db_bind_text_opt(st, 11, in->contact_phone);
	db_bind_text(st, 12, buf_cstr(&v->fields), -1);
	db_bind_text(st, 13, in->status ? in->status : "active", -1);
	db_bind_text(st, 14, now, -1);
	db_bind_text(st, 15, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW ? SG_OK : db_fail(db, rc < 0 ? rc : DB_ERR, er);
}

/*
 * UPDATE row id with the present members of in (checked into v) inside
 * the caller's transaction; the names of the columns whose value differs
 * from cur go to changed as JSON strings ("name","type"). Nothing differs:
 * no write, *wrote 0.
 */
static sg_err update_row(db_t *db, int64_t id, const struct org_input *in,
			 const struct org *cur, const struct values *v,
			 struct buf *changed, int *wrote, struct err_report *er)
{
	struct buf sql = BUF_INIT(1024);
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc, idx = 1, fields_changed;

	*wrote = 0;
	/* only constant column names are joined; every value is bound */
	buf_addstr(&sql, "UPDATE orgs SET updated_at = ?, credit_code = ?, authority = ?");
	for (size_t i = 0; i < NTEXT_COLS; i++) {
		const char *s = in_text(in, i);

		if (!s || !strcmp(s, (const char *)cur + text_cols[i].org_offset))
			continue;
		buf_printf(&sql, ", %s = ?", text_cols[i].name);
		buf_printf(changed, "%s\"%s\"", changed->len ? "," : "", text_cols[i].name);
	}
	fields_changed = in->has_fields && strcmp(buf_cstr(&v->fields), cur->fields);
	if (fields_changed) {
		buf_addstr(&sql, ", fields = ?");
		buf_printf(changed, "%s\"fields\"", changed->len ? "," : "");
	}
	if (strcmp(v->credit_code, cur->credit_code))
		buf_printf(changed, "%s\"credit_code\"", changed->len ? "," : "");
	if (!changed->len)
		goto out;
	buf_addstr(&sql, " WHERE id = ?");
	util_time_iso(util_now(), now);
	st = db_prepare(db, buf_cstr(&sql));
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, idx++, now, -1);
	db_bind_text(st, idx++, v->credit_code, -1);
	db_bind_text(st, idx++, v->authority, -1);
	for (size_t i = 0; i < NTEXT_COLS; i++) {
		const char *s = in_text(in, i);

		if (s && strcmp(s, (const char *)cur + text_cols[i].org_offset))
			db_bind_text_opt(st, idx++, s);
	}
	if (fields_changed)
		db_bind_text(st, idx++, buf_cstr(&v->fields), -1);
	db_bind_int(st, idx, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		code = db_fail(db, rc, er);
	else
		*wrote = 1;
out:
	buf_release(&sql);
	return code;
}

sg_err org_create(db_t *db, const struct actor *who, const struct org_input *in,
		  int64_t *id, struct err_report *er)
{
	struct values v = { .fields = BUF_INIT(512) };
	char details[96];
	sg_err code = SG_OK;
	int rc;

	if (!may_write(who))
		return forbidden(who, er);
	check_input(db, who, in, NULL, &v, er);
	if (er->code != SG_OK || er->nfields) {
		code = er->code != SG_OK ? er->code : SG_ERR_INVALID;
		goto out;
	}
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = check_unique(db, who, v.credit_code, 0, er)) != SG_OK ||
	    (code = insert_row(db, in, &v, id, er)) != SG_OK)
		goto fail;
	snprintf(details, sizeof(details), "{\"check_overridden\":%s}",
		 in->credit_override_reason && *in->credit_override_reason ? "true" : "false");
	if ((code = audit_org(db, who, "org.create", *id, details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
out:
	buf_release(&v.fields);
	return code;
}

sg_err org_update(db_t *db, const struct actor *who, int64_t id,
		  const struct org_input *in, struct err_report *er)
{
	struct values v = { .fields = BUF_INIT(512) };
	struct buf changed = BUF_INIT(512);
	struct org cur;
	sg_err code = SG_OK;
	int rc, wrote;

	if (!may_write(who))
		return forbidden(who, er);
	if (org_get(db, who, id, &cur, er) != SG_OK)
		return er->code;
	check_input(db, who, in, &cur, &v, er);
	if (er->code != SG_OK || er->nfields) {
		code = er->code != SG_OK ? er->code : SG_ERR_INVALID;
		goto out;
	}
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = check_unique(db, who, v.credit_code, id, er)) != SG_OK ||
	    (code = update_row(db, id, in, &cur, &v, &changed, &wrote, er)) != SG_OK)
		goto fail;
	if (wrote) { /* nothing changed: nothing to audit */
		struct buf details = BUF_INIT(600);

		buf_printf(&details, "{\"fields\":[%s]}", buf_cstr(&changed));
		code = audit_org(db, who, "org.update", id, buf_cstr(&details), er);
		buf_release(&details);
	}
	if (code != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
out:
	buf_release(&v.fields);
	buf_release(&changed);
	return code;
}

sg_err org_find_by_credit_code(db_t *db, const struct actor *who, const char *code,
			       struct org *out, struct err_report *er)
{
	char upper[CREDITCODE_SIZE];
	db_stmt_t *st;
	int64_t id = 0;
	int rc;

	if (!may_read(who))
		return forbidden(who, er);
	if (strlen(code) != CREDITCODE_LEN)
		return err_set(er, SG_ERR_NOT_FOUND, "no such organisation");
	for (int i = 0; i <= CREDITCODE_LEN; i++)
		upper[i] = code[i] >= 'a' && code[i] <= 'z' ? (char)(code[i] - 'a' + 'A') : code[i];
	st = db_prepare(db, "SELECT id FROM orgs WHERE credit_code = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, upper, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (!id)
		return err_set(er, SG_ERR_NOT_FOUND, "no such organisation");
	return org_get(db, who, id, out, er);
}

sg_err org_upsert_in_tx(db_t *db, const struct actor *who, const struct org_input *in,
			enum org_upsert_outcome *outcome, int64_t *id,
			struct err_report *er)
{
	struct values v = { .fields = BUF_INIT(512) };
	struct buf changed = BUF_INIT(256);
	struct org cur;
	sg_err code = SG_OK;
	int exists, wrote;

	*outcome = ORG_UPSERT_UNCHANGED;
	*id = 0;
	if (!may_write(who))
		return forbidden(who, er);
	if (!in->credit_code || !*in->credit_code) {
		err_field(er, "credit_code", "required", "credit_code is required");
		return er->code = SG_ERR_INVALID;
	}
	if (org_find_by_credit_code(db, who, in->credit_code, &cur, er) == SG_OK) {
		exists = 1;
	} else if (er->code == SG_ERR_NOT_FOUND) {
		err_clear(er);
		exists = 0;
	} else {
		return er->code;
	}
	check_input(db, who, in, exists ? &cur : NULL, &v, er);
	if (er->code != SG_OK || er->nfields) {
		code = er->code != SG_OK ? er->code : SG_ERR_INVALID;
		goto out;
	}
	if (!exists) {
		/* not on record, or held outside the scope: the latter is refused */
		if (check_unique(db, who, v.credit_code, 0, er) != SG_OK) {
			code = er->code = SG_ERR_INVALID;
			goto out;
		}
		if ((code = insert_row(db, in, &v, id, er)) == SG_OK)
			*outcome = ORG_UPSERT_INSERTED;
		goto out;
	}
	*id = cur.id;
	if ((code = update_row(db, cur.id, in, &cur, &v, &changed, &wrote, er)) == SG_OK && wrote)
		*outcome = ORG_UPSERT_UPDATED;
out:
	if (code == SG_OK && er->nfields)
		code = er->code = SG_ERR_INVALID;
	buf_release(&v.fields);
	buf_release(&changed);
	return code;
}

/* ---- lists -------------------------------------------------------------- */

sg_err org_list(db_t *db, const struct actor *who, const struct org_filter *f,
		struct org **items, size_t *count, int64_t *total,
		struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX], today[ORG_DATE_SIZE];
	struct buf like = BUF_INIT(512);
	db_stmt_t *st;
	size_t cap = 0;
	sg_err code = SG_OK;
	int rc;

	*items = NULL;
	*count = 0;
	*total = 0;
	if (!may_read(who))
		return forbidden(who, er);
	if (actor_list_range(who, f->region, lo, hi, er) != SG_OK)
		return er->code;
	registration_today(today);
	if (f->q && *f->q)
		buf_add_like_pattern(&like, f->q);
	/*
	 * One statement, the filters as "? IS NULL OR ..." so that nothing is
	 * ever formatted into it; count(*) OVER () gives the total with the page.
	 */
	st = db_prepare(db, ORG_COLUMNS ", count(*) OVER ()" ORG_FROM
			" WHERE o.region_code >= ?1 AND o.region_code < ?2"
			" AND (?3 IS NULL OR o.name LIKE ?3 ESCAPE '\\' OR o.credit_code LIKE ?3 ESCAPE '\\')"
			" AND (?4 IS NULL OR o.type = ?4)"
			" AND (?5 IS NULL OR o.status = ?5)"
			" AND (?6 = 0 OR (?6 > 0 AND g.grade = ?6 AND g.valid_until >= ?9)"
			"      OR (?6 < 0 AND g.valid_until < ?9))"
			" ORDER BY o.region_code, o.name, o.id LIMIT ?7 OFFSET ?8");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_text_opt(st, 3, like.len ? buf_cstr(&like) : NULL);
	db_bind_text_opt(st, 4, f->type);
	db_bind_text_opt(st, 5, f->status);
	db_bind_int(st, 6, f->grade);
	db_bind_int(st, 7, f->limit);
	db_bind_int(st, 8, f->offset);
	db_bind_text(st, 9, today, -1);
	while ((rc = db_step(st)) == DB_ROW) {
		if (*count == cap) {
			struct org *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(*items, cap * sizeof(**items));
			if (!grown) {
				code = err_set(er, SG_ERR_NOMEM, "out of memory");
				break;
			}
			*items = grown;
		}
		read_org(st, today, &(*items)[(*count)++]);
		*total = db_col_int(st, 20);
	}
	db_done(st);
	if (code == SG_OK && rc < 0)
		code = db_fail(db, rc, er);
	if (code == SG_OK && *count == 0 && f->offset > 0) {
		/* a page past the end still reports the total */
		struct org_filter all = *f;

		all.offset = 0;
		all.limit = 1;
		free(*items);
		*items = NULL;
		code = org_list(db, who, &all, items, count, total, er);
		free(*items);
		*items = NULL;
		*count = 0;
	}
out:
	buf_release(&like);
	if (code != SG_OK) {
		free(*items);
		*items = NULL;
		*count = 0;
	}
	return code;
}

/* ---- ratings ------------------------------------------------------------ */

sg_err org_cutoffs_get(db_t *db, int least[5], struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	char cutoffs[128] = "900,800,700,600,500";
	const char *p = cutoffs;
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, CUTOFFS_SETTING, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(cutoffs, db_col_text(st, 0), sizeof(cutoffs));
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	for (int i = 0; i < 5; i++) {
		char number[16];
		size_t n = strcspn(p, ",");
		int64_t v;

		util_strlcpy(number, p, n + 1 < sizeof(number) ? n + 1 : sizeof(number));
		p += n + (p[n] == ',');
		if (util_parse_int(number, 0, 1000, &v))
			return err_set(er, SG_ERR_INTERNAL, "setting %s is malformed",
				       CUTOFFS_SETTING);
		least[i] = (int)v;
	}
	return SG_OK;
}

sg_err org_cutoffs_set(db_t *db, const struct actor *who, const int least[5],
		       struct err_report *er)
{
	static const char *const names[] = { "grade5", "grade4", "grade3", "grade2", "grade1" };
	char value[64], now[UTIL_TIME_LEN];
	db_stmt_t *st;
	sg_err code;
	int rc;

	if (!role_in(who->role, ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN, "only a system administrator may change "
			       "the rating cut-offs");
	for (int i = 0; i < 5; i++) {
		if (least[i] < 0 || least[i] > 1000)
			err_field(er, names[i], "range", "between 0 and 1000");
		else if (i > 0 && least[i] >= least[i - 1])
			err_field(er, names[i], "order", "must be below the cut-off of %dA",
				  6 - i);
	}
	if (er->nfields)
		return er->code = SG_ERR_INVALID;
	snprintf(value, sizeof(value), "%d,%d,%d,%d,%d",
		 least[0], least[1], least[2], least[3], least[4]);
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO settings (key, value, updated_at) VALUES (?,?,?)"
			    " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
			    " updated_at = excluded.updated_at");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, CUTOFFS_SETTING, -1);
	db_bind_text(st, 2, value, -1);
	db_bind_text(st, 3, now, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	{
		const struct audit_entry e = {
			.action = "setting.update", .object_type = "setting",
			.object_id = CUTOFFS_SETTING, .outcome = AUDIT_SUCCESS,
			.details_json = "{\"fields\":[\"value\"]}",
		};

		if ((code = audit_append(db, who, &e, er)) != SG_OK)
			goto fail;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

sg_err org_grade_for_score(db_t *db, double score, int *grade, struct err_report *er)
{
	int least[5];

	*grade = 0;
	if (org_cutoffs_get(db, least, er) != SG_OK)
		return er->code;
	for (int i = 0; i < 5; i++) {
		if (score >= (double)least[i]) {
			*grade = 5 - i;
			break;
		}
	}
	return SG_OK;
}

sg_err org_rating_add(db_t *db, const struct actor *who, int64_t org_id,
		      const struct org_rating_input *in, int64_t *id,
		      struct err_report *er)
{
	struct org o;
	char until[ORG_DATE_SIZE], now[UTIL_TIME_LEN], details[64];
	db_stmt_t *st;
	int grade = in->grade, rc;
	sg_err code;

	if (!may_write(who))
		return forbidden(who, er);
	if (org_get(db, who, org_id, &o, er) != SG_OK)
		return er->code;
	if (!in->evaluated_on || !input_date_valid(in->evaluated_on))
		err_field(er, "evaluated_on", in->evaluated_on ? "invalid" : "required",
			  "the evaluation date, YYYY-MM-DD");
	if (!isnan(in->score) && (in->score < 0 || in->score > 1000))
		err_field(er, "score", "invalid", "a score from 0 to 1000");
	if (grade && (grade < 1 || grade > 5))
		err_field(er, "grade", "invalid", "a grade from 1 to 5 (1A to 5A)");
	if (!grade && isnan(in->score))
		err_field(er, "score", "required", "a score or a grade is required");
	if (er->nfields)
		return SG_ERR_INVALID;
	if (!grade) {
		if (org_grade_for_score(db, in->score, &grade, er) != SG_OK)
			return er->code;
		if (!grade)
			return err_field(er, "score", "below_grade",
					 "a score of %.1f is below the 1A cut-off", in->score);
	}
	registration_date_add(in->evaluated_on, RATING_YEARS, 0, 0, until);
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO org_ratings (org_id, grade, score, evaluated_on,"
			    " valid_until, created_at) VALUES (?,?,?,?,?,?) RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, grade);
	if (isnan(in->score))
		db_bind_null(st, 3);
	else
		db_bind_double(st, 3, in->score);
	db_bind_text(st, 4, in->evaluated_on, -1);
	db_bind_text(st, 5, until, -1);
	db_bind_text(st, 6, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"grade\":%d}", grade);
	if ((code = audit_org(db, who, "org.rating", org_id, details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

sg_err org_ratings(db_t *db, const struct actor *who, int64_t org_id,
		   struct org_rating **items, size_t *count, struct err_report *er)
{
	struct org o;
	char today[ORG_DATE_SIZE];
	db_stmt_t *st;
	size_t cap = 0;
	int rc;

	*items = NULL;
	*count = 0;
	if (org_get(db, who, org_id, &o, er) != SG_OK)
		return er->code;
	registration_today(today);
	st = db_prepare(db, "SELECT id, grade, score, evaluated_on, valid_until"
			    " FROM org_ratings WHERE org_id = ?"
			    " ORDER BY evaluated_on DESC, id DESC");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct org_rating *r;

		if (*count == cap) {
			struct org_rating *grown;

			cap = cap ? cap * 2 : 8;
			grown = realloc(*items, cap * sizeof(**items));
			if (!grown) {
				db_done(st);
				free(*items);
				*items = NULL;
				*count = 0;
				return err_set(er, SG_ERR_NOMEM, "out of memory");
			}
			*items = grown;
		}
		r = &(*items)[(*count)++];
		r->id = db_col_int(st, 0);
		r->grade = (int)db_col_int(st, 1);
		r->score = db_col_is_null(st, 2) ? NAN : db_col_double(st, 2);
		db_col_copy(st, 3, r->evaluated_on, sizeof(r->evaluated_on));
		db_col_copy(st, 4, r->valid_until, sizeof(r->valid_until));
		r->expired = strcmp(r->valid_until, today) < 0;
	}
	db_done(st);
	if (rc < 0) {
		free(*items);
		*items = NULL;
		*count = 0;
		return db_fail(db, rc, er);
	}
	return SG_OK;
}

/* ---- staff -------------------------------------------------------------- */

sg_err org_staff(db_t *db, const struct actor *who, int64_t org_id,
		 struct org_staff_member **items, size_t *count,
		 int64_t by_level[4], struct err_report *er)
{
	struct org o;
	db_stmt_t *st;
	size_t cap = 0;
	int rc;

	*items = NULL;
	*count = 0;
	memset(by_level, 0, 4 * sizeof(*by_level));
	if (org_get(db, who, org_id, &o, er) != SG_OK)
		return er->code;
	st = db_prepare(db, "SELECT w.id, w.name, w.level, e.post, e.started_on"
			    " FROM employments e JOIN workers w ON w.id = e.worker_id"
			    " WHERE e.org_id = ? AND e.ended_on IS NULL"
			    " AND w.status = 'active' ORDER BY w.name, w.id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct org_staff_member *m;

		if (*count == cap) {
			struct org_staff_member *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(*items, cap * sizeof(**items));
			if (!grown) {
				db_done(st);
				free(*items);
				*items = NULL;
				*count = 0;
				return err_set(er, SG_ERR_NOMEM, "out of memory");
			}
			*items = grown;
		}
		m = &(*items)[(*count)++];
		m->worker_id = db_col_int(st, 0);
		db_col_copy(st, 1, m->name, sizeof(m->name));
		m->level = (int)db_col_int(st, 2);
		db_col_copy(st, 3, m->post, sizeof(m->post));
		db_col_copy(st, 4, m->started_on, sizeof(m->started_on));
		if (m->level >= 0 && m->level <= 3)
			by_level[m->level]++;
	}
	db_done(st);
	if (rc < 0) {
		free(*items);
		*items = NULL;
		*count = 0;
		return db_fail(db, rc, er);
	}
	return SG_OK;
}
