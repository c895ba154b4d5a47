/*
 * post.c: social work posts and their holders (see post.h).
 *
 * Like stations, create and update lay the input over the current record
 * (or an empty one), check the result as a whole and write every column
 * through the column table (db/dbrow.h). Filling and vacating touch only
 * the holder columns and post_fills.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "audit.h"
#include "org.h"
#include "worker.h"
#include "../core/buf.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../db/dbrow.h"
#include "../core/banned.h"

static const char *const unit_type_names[] = {
	"org", "government", "public_institution", "community",
};
#define NUNIT_TYPES (sizeof(unit_type_names) / sizeof(unit_type_names[0]))

const char *post_unit_type_name(int type)
{
	return type >= 0 && (size_t)type < NUNIT_TYPES ? unit_type_names[type] : "";
}

int post_unit_type_from_name(const char *name)
{
	for (size_t i = 0; name && i < NUNIT_TYPES; i++)
		if (!strcmp(unit_type_names[i], name))
			return (int)i;
	return -1;
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
	return actor_forbidden(who, ROLES_REGISTRY_READ, "posts", er);
}

/* ---- the columns -------------------------------------------------------- */

static const struct dbrow_column columns[] = {
	DBROW_COL(struct post, title, DBROW_TEXT),
	DBROW_WORDS(struct post, unit_type, unit_type_names),
	DBROW_COL(struct post, org_id, DBROW_ID_OPT),
	DBROW_COL(struct post, unit_name, DBROW_TEXT_OPT),
	DBROW_COL(struct post, field, DBROW_TEXT),
	DBROW_COL(struct post, required_level, DBROW_INT),
	DBROW_COL(struct post, region_code, DBROW_TEXT),
	DBROW_COL(struct post, purchased, DBROW_INT),
	DBROW_COL(struct post, status, DBROW_TEXT),
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* In the order of columns[]; ?10 created, ?11 updated, ?12 the id. */
#define INSERT_SQL \
	"INSERT INTO posts (title, unit_type, org_id, unit_name, field, required_level," \
	" region_code, purchased, status, created_at, updated_at)" \
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) RETURNING id"
#define UPDATE_SQL \
	"UPDATE posts SET title = ?1, unit_type = ?2, org_id = ?3, unit_name = ?4," \
	" field = ?5, required_level = ?6, region_code = ?7, purchased = ?8, status = ?9," \
	" updated_at = ?11 WHERE id = ?12"

#define POST_SELECT \
	"SELECT p.title, p.unit_type, p.org_id, p.unit_name, p.field, p.required_level," \
	" p.region_code, p.purchased, p.status," \
	" p.id, o.name, r.name, p.worker_id, w.name, p.filled_since, p.created_at," \
	" p.updated_at, o.credit_code"
#define POST_FROM \
	" FROM posts p LEFT JOIN regions r ON r.code = p.region_code" \
	" LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN workers w ON w.id = p.worker_id"

/* ---- reading ------------------------------------------------------------ */

static void read_post(db_stmt_t *st, void *item, void *arg)
{
	struct post *p = item;

	(void)arg;
	memset(p, 0, sizeof(*p));
	dbrow_read(st, 0, columns, NCOLUMNS, p);
	p->id = db_col_int(st, NCOLUMNS);
	db_col_copy(st, NCOLUMNS + 1, p->org_name, sizeof(p->org_name));
	db_col_copy(st, NCOLUMNS + 2, p->region_name, sizeof(p->region_name));
	p->worker_id = db_col_int(st, NCOLUMNS + 3);
	db_col_copy(st, NCOLUMNS + 4, p->worker_name, sizeof(p->worker_name));
	db_col_copy(st, NCOLUMNS + 5, p->filled_since, sizeof(p->filled_since));
	db_col_copy(st, NCOLUMNS + 6, p->created_at, sizeof(p->created_at));
	db_col_copy(st, NCOLUMNS + 7, p->updated_at, sizeof(p->updated_at));
	db_col_copy(st, NCOLUMNS + 8, p->org_credit_code, sizeof(p->org_credit_code));
}

/* A list row: the post, and the total of all pages into *arg. */
static void read_list_row(db_stmt_t *st, void *item, void *arg)
{
	read_post(st, item, NULL);
	*(int64_t *)arg = db_col_int(st, NCOLUMNS + 9);
}

static void kv_id_opt(struct json_writer *jw, const char *key, int64_t id)
{
	if (id)
		jw_kv_int(jw, key, id);
	else
		jw_kv_null(jw, key);
}

void post_write_json(struct json_writer *jw, const struct post *p)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", p->id);
	jw_kv_str(jw, "title", p->title);
	jw_kv_str(jw, "unit_type", post_unit_type_name(p->unit_type));
	kv_id_opt(jw, "org_id", p->org_id);
	jw_kv_str_opt(jw, "org_name", p->org_name);
	jw_kv_str_opt(jw, "unit_name", p->unit_name);
	jw_kv_str(jw, "field", p->field);
	jw_kv_str(jw, "required_level", worker_level_name(p->required_level));
	jw_kv_str(jw, "region_code", p->region_code);
	jw_kv_str(jw, "region_name", p->region_name);
	jw_kv_bool(jw, "purchased", p->purchased);
	jw_kv_str(jw, "status", p->status);
	jw_kv_bool(jw, "filled", p->worker_id != 0);
	kv_id_opt(jw, "worker_id", p->worker_id);
	jw_kv_str_opt(jw, "worker_name", p->worker_name);
	jw_kv_str_opt(jw, "filled_since", p->filled_since);
	jw_kv_str(jw, "created_at", p->created_at);
	jw_kv_str(jw, "updated_at", p->updated_at);
	jw_obj_end(jw);
}

static sg_err fetch(db_t *db, int64_t id, struct post *out, struct err_report *er)
{
	return dbrow_fetch(db, POST_SELECT POST_FROM " WHERE p.id = ?", id, read_post, out,
			   "post", er);
}

sg_err post_get(db_t *db, const struct actor *who, int64_t id, struct post *out,
		struct err_report *er)
{
	if (!may_read(who))
		return forbidden(who, er);
	if (fetch(db, id, out, er) != SG_OK)
		return er->code;
	if (!actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such post");
	return SG_OK;
}

/* ---- checks ------------------------------------------------------------- */

void post_input_init(struct post_input *in)
{
	memset(in, 0, sizeof(*in));
	in->org_id = -1;
	in->purchased = -1;
}

static void take_text(char *dst, size_t size, const char *s, const char *field,
		      size_t min, size_t max, struct err_report *er)
{
	if (s && input_text_ok(s, field, min, max, er))
		util_strlcpy(dst, s, size);
}

/* Lay in over next and check the result; field errors collect in er. */
static void apply_input(db_t *db, const struct actor *who, const struct post_input *in,
			int creating, struct post *next, struct err_report *er)
{
	static const char *const required[] = {
		"title", "unit_type", "field", "region_code",
	};
	const char *const given[] = { in->title, in->unit_type, in->field, in->region_code };

	if (creating) {
		for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
			if (!given[i])
				err_field(er, required[i], "required", "%s is required",
					  required[i]);
		util_strlcpy(next->status, "active", sizeof(next->status));
		next->unit_type = -1;
	}
	take_text(next->title, sizeof(next->title), in->title, "title", 1,
		  POST_TITLE_MAX_CHARS, er);
	if (in->unit_type) {
		/* an unknown type (-1) asks for no organisation either */
		next->unit_type = post_unit_type_from_name(in->unit_type);
		if (next->unit_type < 0)
			err_field(er, "unit_type", "not_allowed",
				  "org, government, public_institution or community");
	}
	if (in->org_id >= 0) {
		struct err_report oer = ERR_REPORT_INIT;
		struct org *o = in->org_id ? malloc(sizeof(*o)) : NULL;

		if (in->org_id && !o)
			err_set(er, SG_ERR_NOMEM, "out of memory");
		else if (o && org_get(db, who, in->org_id, o, &oer) != SG_OK)
			err_field(er, "org_id", "unknown", "no such organisation");
		else if (!in->org_id && next->unit_type == POST_UNIT_ORG)
			err_field(er, "org_id", "required",
				  "an organisation's post names the organisation");
		else
			next->org_id = in->org_id;
		free(o);
	} else if (next->unit_type == POST_UNIT_ORG && !next->org_id) {
		err_field(er, "org_id", "required", "an organisation's post names the organisation");
	}
	if (next->unit_type != POST_UNIT_ORG)
		next->org_id = 0;
	take_text(next->unit_name, sizeof(next->unit_name), in->unit_name, "unit_name", 0,
		  POST_TEXT_MAX_CHARS, er);
	if (in->field) {
		if (worker_field_index(in->field) < 0)
			err_field(er, "field", "unknown", "unknown service field '%s'", in->field);
		else
			util_strlcpy(next->field, in->field, sizeof(next->field));
	}
	if (in->required_level) {
		int level = worker_level_from_name(in->required_level);

		if (level < 0)
			err_field(er, "required_level", "not_allowed",
				  "none, assistant, intermediate or senior");
		else
			next->required_level = level;
	}
	if (in->region_code &&
	    region_check_ref(db, who, "region_code", in->region_code, er) == SG_OK)
		util_strlcpy(next->region_code, in->region_code, sizeof(next->region_code));
	if (next->unit_type == POST_UNIT_COMMUNITY && next->region_code[0] &&
	    region_level_of_code(next->region_code) != REGION_VILLAGE)
		err_field(er, "region_code", "wrong_level",
			  "a community post must be on a village or community (12-digit code)");
	if (in->purchased >= 0)
		next->purchased = in->purchased != 0;
	if (in->status) {
		if (strcmp(in->status, "active") && strcmp(in->status, "closed"))
			err_field(er, "status", "not_allowed", "active or closed");
		else
			util_strlcpy(next->status, in->status, sizeof(next->status));
	}
}

/* ---- writing ------------------------------------------------------------ */

static sg_err write_row(db_t *db, struct post *next, struct err_report *er)
{
	return dbrow_save(db, INSERT_SQL, UPDATE_SQL, columns, NCOLUMNS, next, &next->id, er);
}

static sg_err save(db_t *db, const struct actor *who, const struct post_input *in,
		   const struct post *cur, int64_t *id, struct err_report *er)
{
	struct post *next = malloc(sizeof(*next));
	struct buf details = BUF_INIT(1024);
	sg_err code = SG_OK;
	int rc;

	if (!next)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if (cur)
		*next = *cur;
	else
		memset(next, 0, sizeof(*next));
	apply_input(db, who, in, cur == NULL, next, er);
	if (er->code != SG_OK || er->nfields) {
		code = er->code != SG_OK ? er->code : (er->code = SG_ERR_INVALID);
		goto out;
	}
	if (next->worker_id && strcmp(next->status, "active")) {
		err_field(er, "status", "filled", "vacate the post before closing it");
		code = er->code = SG_ERR_CONFLICT;
		goto out;
	}
	if (cur) {
		buf_addstr(&details, "{\"fields\":[");
		if (!dbrow_changed(columns, NCOLUMNS, cur, next, &details))
			goto out;  /* nothing to write, nothing to audit */
		buf_addstr(&details, "]}");
	}
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = write_row(db, next, er)) != SG_OK ||
	    (code = audit_object(db, who, cur ? "post.update" : "post.create", "post",
				 next->id, AUDIT_SUCCESS,
				 cur ? buf_cstr(&details) : NULL, er)) != SG_OK) {
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

sg_err post_create(db_t *db, const struct actor *who, const struct post_input *in,
		   int64_t *id, struct err_report *er)
{
	if (!may_write(who))
		return forbidden(who, er);
	return save(db, who, in, NULL, id, er);
}

sg_err post_update(db_t *db, const struct actor *who, int64_t id,
		   const struct post_input *in, struct err_report *er)
{
	struct post *cur;
	sg_err code;

	if (!may_write(who))
		return forbidden(who, er);
	if (!(cur = malloc(sizeof(*cur))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = post_get(db, who, id, cur, er)) == SG_OK)
		code = save(db, who, in, cur, NULL, er);
	free(cur);
	return code;
}

/* ---- holders ------------------------------------------------------------ */

/* The last holding's end date of post id into until ("" if none ended). */
static sg_err last_until(db_t *db, int64_t id, char until[POST_DATE_SIZE],
			 struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT max(until) FROM post_fills WHERE post_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	until[0] = '\0';
	if (rc == DB_ROW)
		db_col_copy(st, 0, until, POST_DATE_SIZE);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* The post worker_id holds now, or 0. */
static sg_err held_post(db_t *db, int64_t worker_id, int64_t *post_id,
			struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM posts WHERE worker_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	rc = db_step(st);
	*post_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Set the holder columns of post id (worker 0: vacant). */
static sg_err set_holder(db_t *db, int64_t id, int64_t worker_id, const char *since,
			 struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st = db_prepare(db, "UPDATE posts SET worker_id = ?, filled_since = ?,"
				       " updated_at = ? WHERE id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	util_time_iso(util_now(), now);
	if (worker_id)
		db_bind_int(st, 1, worker_id);
	else
		db_bind_null(st, 1);
	db_bind_text_opt(st, 2, since);
	db_bind_text(st, 3, now, -1);
	db_bind_int(st, 4, id);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Run one statement of post_fills with (a, b, c) bound. */
static sg_err fills_write(db_t *db, const char *sql, int64_t post_id, int64_t worker_id,
			  const char *date, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, post_id);
	db_bind_int(st, 2, worker_id);
	db_bind_text(st, 3, date, -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Check a fill of cur by worker_id from since; errors in er. */
static sg_err check_fill(db_t *db, const struct actor *who, const struct post *cur,
			 int64_t worker_id, const char *since, struct err_report *er)
{
	struct worker *w;
	char until[POST_DATE_SIZE];
	int64_t held;

	if (strcmp(cur->status, "active"))
		return err_field(er, "status", "closed", "the post is closed");
	if (cur->worker_id) {
		err_field(er, "worker_id", "filled", "the post is filled by %s since %s",
			  cur->worker_name, cur->filled_since);
		return er->code = SG_ERR_CONFLICT;
	}
	if (!since || !input_date_valid(since))
		err_field(er, "since", "invalid", "a date YYYY-MM-DD");
	else if (last_until(db, cur->id, until, er) != SG_OK)
		return er->code;
	else if (until[0] && strcmp(since, until) < 0)
		err_field(er, "since", "overlap", "the previous holder left on %s", until);
	if (!(w = malloc(sizeof(*w))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	{
		struct err_report wer = ERR_REPORT_INIT;

		if (worker_get(db, who, worker_id, w, &wer) != SG_OK)
			err_field(er, "worker_id", "unknown", "no such worker");
		else if (strcmp(w->status, "active"))
			err_field(er, "worker_id", "inactive", "the worker's record is not active");
	}
	free(w);
	if (er->nfields)
		return er->code;
	if (held_post(db, worker_id, &held, er) != SG_OK)
		return er->code;
	if (held) {
		err_field(er, "worker_id", "holds_post", "the worker already holds post %lld",
			  (long long)held);
		return er->code = SG_ERR_CONFLICT;
	}
	return SG_OK;
}

/* Check and record a fill of cur inside the caller's transaction. */
static sg_err fill_in_tx(db_t *db, const struct actor *who, const struct post *cur,
			 int64_t worker_id, const char *since, struct err_report *er)
{
	if (check_fill(db, who, cur, worker_id, since, er) != SG_OK ||
	    set_holder(db, cur->id, worker_id, since, er) != SG_OK ||
	    fills_write(db, "INSERT INTO post_fills (post_id, worker_id, since)"
			    " VALUES (?1, ?2, ?3)", cur->id, worker_id, since, er) != SG_OK)
		return er->code;
	return SG_OK;
}

sg_err post_fill(db_t *db, const struct actor *who, int64_t id, int64_t worker_id,
		 const char *since, struct err_report *er)
{
	struct post *cur;
	char details[64];
	sg_err code;
	int rc;

	if (!may_write(who))
		return forbidden(who, er);
	if (!(cur = malloc(sizeof(*cur))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	snprintf(details, sizeof(details), "{\"worker_id\":%lld}", (long long)worker_id);
	if ((code = post_get(db, who, id, cur, er)) != SG_OK ||
	    (code = fill_in_tx(db, who, cur, worker_id, since, er)) != SG_OK ||
	    (code = audit_object(db, who, "post.fill", "post", id, AUDIT_SUCCESS, details,
				 er)) != SG_OK) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
out:
	free(cur);
	return code;
}

sg_err post_vacate(db_t *db, const struct actor *who, int64_t id, const char *until,
		   struct err_report *er)
{
	struct post *cur;
	char details[64];
	sg_err code;
	int rc;

	if (!may_write(who))
		return forbidden(who, er);
	if (!(cur = malloc(sizeof(*cur))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = post_get(db, who, id, cur, er)) != SG_OK)
		goto fail;
	if (!cur->worker_id) {
		err_field(er, "worker_id", "vacant", "the post is not filled");
		code = er->code = SG_ERR_CONFLICT;
		goto fail;
	}
	if (!until || !input_date_valid(until)) {
		code = err_field(er, "until", "invalid", "a date YYYY-MM-DD");
		goto fail;
	}
	if (strcmp(until, cur->filled_since) < 0) {
		code = err_field(er, "until", "before_since", "the holding began on %s",
				 cur->filled_since);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"worker_id\":%lld}", (long long)cur->worker_id);
	if ((code = set_holder(db, id, 0, NULL, er)) != SG_OK ||
	    (code = fills_write(db, "UPDATE post_fills SET until = ?3"
				    " WHERE post_id = ?1 AND worker_id = ?2 AND until IS NULL",
				id, cur->worker_id, until, er)) != SG_OK ||
	    (code = audit_object(db, who, "post.vacate", "post", id, AUDIT_SUCCESS, details,
				 er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
out:
	free(cur);
	return code;
}

static void read_holding(db_stmt_t *st, void *item, void *arg)
{
	struct post_holding *h = item;

	(void)arg;
	h->worker_id = db_col_int(st, 0);
	db_col_copy(st, 1, h->worker_name, sizeof(h->worker_name));
	db_col_copy(st, 2, h->since, sizeof(h->since));
	db_col_copy(st, 3, h->until, sizeof(h->until));
}

sg_err post_history(db_t *db, const struct actor *who, int64_t id,
		    struct post_holding **items, size_t *count,
		    struct err_report *er)
{
	struct post *cur = malloc(sizeof(*cur));
	db_stmt_t *st;
	sg_err code = SG_OK;

	*items = NULL;
	*count = 0;
	if (!cur)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = post_get(db, who, id, cur, er);
	free(cur);
	if (code != SG_OK)
		return code;
	st = db_prepare(db, "SELECT f.worker_id, w.name, f.since, f.until FROM post_fills f"
			    " JOIN workers w ON w.id = f.worker_id WHERE f.post_id = ?"
			    " ORDER BY f.since DESC, f.id DESC");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	code = dbrow_collect(db, st, sizeof(**items), read_holding, NULL, (void **)items, count,
			     er);
	db_done(st);
	return code;
}

/* ---- import ---------------------------------------------------------------- */

/* The id of the post keyed like in (0 none). */
static sg_err find_by_key(db_t *db, const struct post_input *in, int64_t *id,
			  struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM posts WHERE region_code = ? AND title = ?"
				       " AND coalesce(org_id, 0) = ? AND coalesce(unit_name, '') = ?"
				       " ORDER BY id LIMIT 1");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, in->region_code, -1);
	db_bind_text(st, 2, in->title, -1);
	db_bind_int(st, 3, in->org_id > 0 ? in->org_id : 0);
	db_bind_text(st, 4, in->unit_name ? in->unit_name : "", -1);
	rc = db_step(st);
	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err post_upsert_in_tx(db_t *db, const struct actor *who, const struct post_input *in,
			 int64_t worker_id, const char *since,
			 enum post_upsert_outcome *outcome, int64_t *id,
			 struct err_report *er)
{
	struct post *cur = malloc(sizeof(*cur)), *next = malloc(sizeof(*next));
	struct buf changed = BUF_INIT(512);
	int exists = 0, wrote = 0;
	sg_err code = SG_OK;

	*outcome = POST_UPSERT_UNCHANGED;
	*id = 0;
	if (!cur || !next) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!may_write(who)) {
		code = forbidden(who, er);
		goto out;
	}
	if (in->region_code && in->title &&
	    (code = find_by_key(db, in, id, er)) != SG_OK)
		goto out;
	if (*id && actor_in_scope(who, in->region_code)) {
		if ((code = fetch(db, *id, cur, er)) != SG_OK)
			goto out;
		exists = 1;
		*next = *cur;
	} else {
		memset(next, 0, sizeof(*next));
	}
	apply_input(db, who, in, !exists, next, er);
	if (er->code != SG_OK || er->nfields) {
		code = er->code != SG_OK ? er->code : (er->code = SG_ERR_INVALID);
		goto out;
	}
	if (!exists || dbrow_changed(columns, NCOLUMNS, cur, next, &changed)) {
		if ((code = write_row(db, next, er)) != SG_OK)
			goto out;
		wrote = 1;
	}
	*id = next->id;
	if (worker_id && next->worker_id != worker_id) {
		if ((code = fetch(db, next->id, next, er)) != SG_OK ||
		    (code = fill_in_tx(db, who, next, worker_id, since, er)) != SG_OK)
			goto out;
		wrote = 1;
	}
	*outcome = !exists ? POST_UPSERT_INSERTED : wrote ? POST_UPSERT_UPDATED :
		   POST_UPSERT_UNCHANGED;
out:
	if (code == SG_ERR_CONFLICT)
		code = er->code = SG_ERR_INVALID;
	buf_release(&changed);
	free(cur);
	free(next);
	return code;
}

/* ---- lists -------------------------------------------------------------- */

sg_err post_list(db_t *db, const struct actor *who, const struct post_filter *f,
		 struct post **items, size_t *count, int64_t *total,
		 struct err_report *er)
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
	st = db_prepare(db, POST_SELECT ", count(*) OVER ()" POST_FROM
			" WHERE p.region_code >= ?1 AND p.region_code < ?2"
			" AND (?3 IS NULL OR p.title LIKE ?3 ESCAPE '\\'"
			"      OR p.unit_name LIKE ?3 ESCAPE '\\' OR o.name LIKE ?3 ESCAPE '\\')"
			" AND (?4 IS NULL OR p.field = ?4)"
			" AND (?5 < 0 OR p.required_level = ?5)"
			" AND (?6 < 0 OR (p.worker_id IS NOT NULL) = ?6)"
			" AND (?7 IS NULL OR p.unit_type = ?7)"
			" AND (?8 = 0 OR p.org_id = ?8)"
			" AND (?9 IS NULL OR p.status = ?9)"
			" ORDER BY p.region_code, p.title, p.id LIMIT ?10 OFFSET ?11");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_text_opt(st, 3, like.len ? buf_cstr(&like) : NULL);
	db_bind_text_opt(st, 4, f->field);
	db_bind_int(st, 5, f->level);
	db_bind_int(st, 6, f->filled);
	db_bind_text_opt(st, 7, f->unit_type >= 0 ? post_unit_type_name(f->unit_type) : NULL);
	db_bind_int(st, 8, f->org_id);
	db_bind_text_opt(st, 9, f->status);
	db_bind_int(st, 10, f->limit);
	db_bind_int(st, 11, f->offset);
	code = dbrow_collect(db, st, sizeof(**items), read_list_row, total, (void **)items, count,
			     er);
	db_done(st);
	if (code == SG_OK && *count == 0 && f->offset > 0) {
		/* a page past the end still reports the total */
		struct post_filter first = *f;

		first.offset = 0;
		first.limit = 1;
		code = post_list(db, who, &first, items, count, total, er);
		free(*items);
		*items = NULL;
		*count = 0;
	}
out:
	/* dbrow_collect() leaves no items behind when it fails */
	buf_release(&like);
	return code;
}

static void read_vacancy(db_stmt_t *st, void *item, void *arg)
{
	struct post_vacancy *v = item;

	(void)arg;
	db_col_copy(st, 0, v->field, sizeof(v->field));
	v->required_level = (int)db_col_int(st, 1);
	v->posts = db_col_int(st, 2);
	v->filled = db_col_int(st, 3);
}

sg_err post_vacancies(db_t *db, const struct actor *who, const char *region,
		      struct post_vacancy **items, size_t *count,
		      struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	db_stmt_t *st;
	sg_err code = SG_OK;

	*items = NULL;
	*count = 0;
	if (!may_read(who))
		return forbidden(who, er);
	if (actor_list_range(who, region, lo, hi, er) != SG_OK)
		return er->code;
	st = db_prepare(db, "SELECT field, required_level, count(*), count(worker_id)"
			    " FROM posts WHERE region_code >= ? AND region_code < ?"
			    " AND status = 'active' GROUP BY field, required_level"
			    " ORDER BY field, required_level");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	code = dbrow_collect(db, st, sizeof(**items), read_vacancy, NULL, (void **)items, count,
			     er);
	db_done(st);
	return code;
}
