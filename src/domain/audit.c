/*
 * audit.c: the append-only, hash-chained audit trail; see audit.h.
 *
 * Each record's hash is a keyed BLAKE2b-256 over a canonical encoding of
 * its stored columns and the previous record's hash. The encoding gives
 * every field a presence byte and a 64-bit length, so that no two different
 * records encode alike (moving a character from one field to the next, or
 * replacing NULL by "", changes the bytes). Ids are assigned here as
 * last + 1 under the write lock, so the ids of an intact log have no gaps
 * and a gap is proof of a deletion.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "../core/buf.h"
#include "../core/secret.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../core/banned.h"

#define AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_DOMAIN "shegong-audit-v1"
#define VERIFY_CHUNK 4096

/* The hashed fields of a record, in chain order (see audit.h). */
enum {
	F_ID, F_TS, F_USER_ID, F_LOGIN, F_IP, F_ACTION, F_OBJECT_TYPE,
	F_OBJECT_ID, F_OUTCOME, F_DETAILS, F_PREV_HASH, F_COUNT
};

struct chain_rec {
	const char *f[F_COUNT]; /* NULL: SQL NULL */
	size_t len[F_COUNT];
};

static void rec_set(struct chain_rec *r, int i, const char *s, size_t len)
{
	r->f[i] = s;
	r->len[i] = s ? len : 0;
}

static void chain_field(crypto_generichash_state *st, const char *s, size_t len)
{
	unsigned char hdr[9];

	if (!s) {
		hdr[0] = 0;
		crypto_generichash_update(st, hdr, 1);
		return;
	}
	hdr[0] = 1;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	crypto_generichash_update(st, hdr, sizeof(hdr));
	crypto_generichash_update(st, (const unsigned char *)s, len);
}

static void chain_hash(const struct chain_rec *r, char out[AUDIT_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];

	crypto_generichash_init(&st, secret_key(SECRET_AUDIT_CHAIN),
				SECRET_KEY_BYTES, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)AUDIT_DOMAIN,
				  sizeof(AUDIT_DOMAIN));
	for (int i = 0; i < F_COUNT; i++)
		chain_field(&st, r->f[i], r->len[i]);
	crypto_generichash_final(&st, h, sizeof(h));
	util_hex(h, sizeof(h), out);
}

static int valid_text(const char *s)
{
	return !s || utf8_invalid_at(s, strlen(s)) == strlen(s);
}

static int valid_outcome(const char *o)
{
	return o && (!strcmp(o, AUDIT_SUCCESS) || !strcmp(o, AUDIT_FAILURE) ||
		     !strcmp(o, AUDIT_DENIED));
}

/* The caller's mistakes are bugs: they would lose the record, so refuse. */
static sg_err check_entry(const struct actor *who, const struct audit_entry *e,
			  const char *login, struct err_report *er)
{
	json_error_t jerr;
	json_t *details;

	if (!secret_loaded())
		return err_set(er, SG_ERR_INTERNAL, "audit: the key is not loaded");
	if (!e->action || !*e->action)
		return err_set(er, SG_ERR_INTERNAL, "audit: action missing");
	if (!valid_outcome(e->outcome))
		return err_set(er, SG_ERR_INTERNAL, "audit %s: bad outcome",
			       e->action);
	if (!valid_text(e->action) || !valid_text(e->object_type) ||
	    !valid_text(e->object_id) || !valid_text(login) ||
	    !valid_text(who->ip))
		return err_set(er, SG_ERR_INTERNAL, "audit %s: invalid UTF-8",
			       e->action);
	if (!e->details_json)
		return SG_OK;
	details = json_loads(e->details_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(details)) {
		json_decref(details);
		return err_set(er, SG_ERR_INTERNAL,
			       "audit %s: details must be a JSON object",
			       e->action);
	}
	json_decref(details);
	return SG_OK;
}

sg_err audit_append(db_t *db, const struct actor *who,
		    const struct audit_entry *e, struct err_report *er)
{
	const char *login = e->login ? e->login : who->login;
	char ts[UTIL_TIME_LEN], id_text[24], uid_text[24];
	char prev[AUDIT_HASH_HEX] = AUDIT_GENESIS, hash[AUDIT_HASH_HEX];
	struct chain_rec r;
	db_stmt_t *st = NULL;
	int64_t id = 1;
	sg_err result = check_entry(who, e, login, er);
	int rc;

	if (result != SG_OK)
		return result;
	util_time_iso(util_now(), ts);
	/* outermost: BEGIN IMMEDIATE, so reading the head and inserting the
	   next record cannot interleave with another writer */
	rc = db_begin(db);
	if (rc < 0)
		return db_fail(db, rc, er);

	st = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
	if (!st) {
		rc = DB_ERR;
		goto fail;
	}
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0) + 1;
		util_strlcpy(prev, db_col_text(st, 1) ? db_col_text(st, 1) : "",
			     sizeof(prev));
	}
	db_done(st);
	st = NULL;
	if (rc < 0)
		goto fail;

	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	snprintf(uid_text, sizeof(uid_text), "%lld", (long long)who->user_id);
	memset(&r, 0, sizeof(r));
	rec_set(&r, F_ID, id_text, strlen(id_text));
	rec_set(&r, F_TS, ts, strlen(ts));
	rec_set(&r, F_USER_ID, who->user_id ? uid_text : NULL, strlen(uid_text));
	rec_set(&r, F_LOGIN, login, strlen(login));
	rec_set(&r, F_IP, who->ip, strlen(who->ip));
	rec_set(&r, F_ACTION, e->action, strlen(e->action));
	rec_set(&r, F_OBJECT_TYPE, e->object_type,
		e->object_type ? strlen(e->object_type) : 0);
	rec_set(&r, F_OBJECT_ID, e->object_id,
		e->object_id ? strlen(e->object_id) : 0);
	rec_set(&r, F_OUTCOME, e->outcome, strlen(e->outcome));
	rec_set(&r, F_DETAILS, e->details_json,
		e->details_json ? strlen(e->details_json) : 0);
	rec_set(&r, F_PREV_HASH, prev, strlen(prev));
	chain_hash(&r, hash);

	st = db_prepare(db, "INSERT INTO audit_log (id, ts, user_id, login, ip, "
			    "action, object_type, object_id, outcome, details, "
			    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st) {
		rc = DB_ERR;
		goto fail;
	}
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, ts, -1);
	if (who->user_id)
		db_bind_int(st, 3, who->user_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, login, -1);
	db_bind_text(st, 5, who->ip, -1);
	db_bind_text(st, 6, e->action, -1);
	db_bind_text(st, 7, e->object_type, -1);
	db_bind_text(st, 8, e->object_id, -1);
	db_bind_text(st, 9, e->outcome, -1);
	db_bind_text(st, 10, e->details_json, -1);
	db_bind_text(st, 11, prev, -1);
	db_bind_text(st, 12, hash, -1);
	rc = db_step(st);
	db_done(st);
	st = NULL;
	if (rc < 0)
		goto fail;
	rc = db_commit(db);
	if (rc < 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	result = db_fail(db, rc, er);
	db_rollback(db);
	return result;
}

/* Fill r from a verify row (columns as in the SELECT of audit_verify). */
static void rec_from_row(db_stmt_t *st, struct chain_rec *r, char id_text[24],
			 char uid_text[24])
{
	snprintf(id_text, 24, "%lld", (long long)db_col_int(st, 0));
	rec_set(r, F_ID, id_text, strlen(id_text));
	if (db_col_is_null(st, 2)) {
		rec_set(r, F_USER_ID, NULL, 0);
	} else {
		snprintf(uid_text, 24, "%lld", (long long)db_col_int(st, 2));
		rec_set(r, F_USER_ID, uid_text, strlen(uid_text));
	}
	for (int i = F_TS; i < F_COUNT; i++) {
		const char *s;

		if (i == F_USER_ID)
			continue;
		s = db_col_text(st, i);
		rec_set(r, i, s, s ? db_col_len(st, i) : 0);
	}
}

sg_err audit_verify(db_t *db, struct audit_verify_result *res,
		    void (*progress)(int64_t done, int64_t total, void *arg),
		    void *arg, struct err_report *er)
{
	char prev[AUDIT_HASH_HEX] = AUDIT_GENESIS, hash[AUDIT_HASH_HEX];
	int64_t last_id = 0, total = 0;
	db_stmt_t *st;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!secret_loaded())
		return err_set(er, SG_ERR_INTERNAL, "audit: the key is not loaded");
	st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM audit_log");
	if (!st)
		return err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
	rc = db_step(st);
	if (rc == DB_ROW)
		total = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);

	/*
	 * Chunks of rows, each with its own short read: memory stays flat for
	 * any size, and no statement is open while progress() runs (a job
	 * writes its progress on this same connection). The walk ends at the
	 * head seen at the start, so records appended meanwhile neither stretch
	 * it nor push done past total.
	 */
	for (;;) {
		int64_t n = 0;

		st = db_prepare(db, "SELECT id, ts, user_id, login, ip, action, "
				    "object_type, object_id, outcome, details, "
				    "prev_hash, hash FROM audit_log WHERE id > ? "
				    "AND id <= ? ORDER BY id LIMIT ?");
		if (!st)
			return err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
		db_bind_int(st, 1, last_id);
		db_bind_int(st, 2, total);
		db_bind_int(st, 3, VERIFY_CHUNK);
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t id = db_col_int(st, 0);
			const char *stored = db_col_text(st, 11);
			char id_text[24], uid_text[24];
			struct chain_rec r;

			n++;
			if (id != last_id + 1) {
				res->bad_id = id;
				if (id == last_id + 2)
					snprintf(res->reason, sizeof(res->reason),
						 "record %lld missing (deleted)",
						 (long long)(id - 1));
				else
					snprintf(res->reason, sizeof(res->reason),
						 "records %lld to %lld missing (deleted)",
						 (long long)(last_id + 1),
						 (long long)(id - 1));
				break;
			}
			memset(&r, 0, sizeof(r));
			rec_from_row(st, &r, id_text, uid_text);
			if (!r.f[F_PREV_HASH] || strcmp(r.f[F_PREV_HASH], prev)) {
				res->bad_id = id;
				snprintf(res->reason, sizeof(res->reason),
					 "prev_hash does not match record %lld "
					 "(records reordered or replaced)",
					 (long long)(id - 1));
				break;
			}
			chain_hash(&r, hash);
			if (!stored || strcmp(stored, hash)) {
				res->bad_id = id;
				util_strlcpy(res->reason, "hash mismatch (record edited)",
					     sizeof(res->reason));
				break;
			}
			res->records++;
			last_id = id;
			util_strlcpy(prev, stored, sizeof(prev));
		}
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		if (progress)
			progress(res->records, total, arg);
		if (res->bad_id || n < VERIFY_CHUNK)
			break;
	}
	res->ok = res->bad_id == 0;
	return SG_OK;
}

/* The filter as SQL conditions (constant text) and bound values. */
struct list_query {
	struct buf where;
	const char *vals[8];
	int nvals;
	char action_hi[128];
	char from[UTIL_TIME_LEN], to[UTIL_TIME_LEN];
};

static void cond(struct list_query *q, const char *sql, const char *v)
{
	buf_addstr(&q->where, q->nvals ? " AND " : " WHERE ");
	buf_addstr(&q->where, sql);
	q->vals[q->nvals++] = v;
}

static int present(const char *s)
{
	return s && *s;
}

/* A time bound: a bare date starts its day (or, as `to`, ends it). */
static sg_err time_bound(const char *field, const char *s, int end,
			 char out[UTIL_TIME_LEN], struct err_report *er)
{
	time_t t;

	if (util_parse_time(s, &t))
		return err_field(er, field, "invalid",
				 "must be a date (2026-11-22) or a UTC time "
				 "(2026-11-22T06:41:31Z)");
	if (end)
		t += strlen(s) == 10 ? 86400 : 1;
	util_time_iso(t, out);
	return SG_OK;
}

static sg_err build_query(const struct audit_filter *f, struct list_query *q,
			  struct err_report *er)
{
	sg_err bad = SG_OK;

	if (present(f->action)) {
		size_t n = strlen(f->action);

		if (f->action[n - 1] != '.') {
			cond(q, "action = ?", f->action);
		} else if (n >= sizeof(q->action_hi)) {
			bad = err_field(er, "action", "too_long", "at most %zu bytes",
					sizeof(q->action_hi) - 1);
		} else {
			/* prefix: "user." <= action < "user/" */
			util_strlcpy(q->action_hi, f->action, sizeof(q->action_hi));
			q->action_hi[n - 1] = '.' + 1;
			cond(q, "action >= ?", f->action);
			cond(q, "action < ?", q->action_hi);
		}
	}
	if (present(f->login))
		cond(q, "login = ?", f->login);
	if (present(f->outcome)) {
		if (!valid_outcome(f->outcome))
			bad = err_field(er, "outcome", "invalid",
					"must be success, failure or denied");
		cond(q, "outcome = ?", f->outcome);
	}
	if (present(f->from)) {
		if (time_bound("from", f->from, 0, q->from, er) != SG_OK)
			bad = SG_ERR_INVALID;
		cond(q, "ts >= ?", q->from);
	}
	if (present(f->to)) {
		if (time_bound("to", f->to, 1, q->to, er) != SG_OK)
			bad = SG_ERR_INVALID;
		cond(q, "ts < ?", q->to);
	}
	if (bad != SG_OK)
		return bad;
	return q->where.err ? err_set(er, SG_ERR_NOMEM, "out of memory") : SG_OK;
}

sg_err audit_list(db_t *db, const struct actor *who,
		  const struct audit_filter *f, int64_t offset, int64_t limit,
		  int (*each)(const struct audit_record *rec, void *arg),
		  void *arg, int64_t *total, struct err_report *er)
{
	static const struct audit_filter none = { 0 };
	struct list_query q = { .where = BUF_INIT(1024) };
	struct buf sql = BUF_INIT(2048);
	db_stmt_t *st = NULL;
	sg_err result = SG_OK;
	int rc;

	*total = 0;
	if (!role_in(who->role, ROLES_AUDIT_READERS | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN,
			       "only security and audit administrators may read "
			       "the audit log");
	result = build_query(f ? f : &none, &q, er);
	if (result != SG_OK)
		goto out;

	buf_printf(&sql, "SELECT count(*) FROM audit_log%s", buf_cstr(&q.where));
	if (sql.err) {
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = db_prepare(db, buf_cstr(&sql));
	if (!st) {
		result = err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
		goto out;
	}
	for (int i = 0; i < q.nvals; i++)
		db_bind_text(st, i + 1, q.vals[i], -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	st = NULL;
	if (rc < 0) {
		result = db_fail(db, rc, er);
		goto out;
	}
	if (*total <= offset || limit <= 0)
		goto out;

	buf_reset(&sql);
	buf_printf(&sql, "SELECT id, ts, user_id, login, ip, action, object_type, "
			 "object_id, outcome, details FROM audit_log%s "
			 "ORDER BY id DESC LIMIT ? OFFSET ?", buf_cstr(&q.where));
	if (sql.err) {
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = db_prepare(db, buf_cstr(&sql));
	if (!st) {
		result = err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
		goto out;
	}
	for (int i = 0; i < q.nvals; i++)
		db_bind_text(st, i + 1, q.vals[i], -1);
	db_bind_int(st, q.nvals + 1, limit);
	db_bind_int(st, q.nvals + 2, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_record rec = {
			.id = db_col_int(st, 0),
			.ts = db_col_text(st, 1),
			.user_id = db_col_int(st, 2),
			.login = db_col_text(st, 3),
			.ip = db_col_text(st, 4),
			.action = db_col_text(st, 5),
			.object_type = db_col_text(st, 6),
			.object_id = db_col_text(st, 7),
			.outcome = db_col_text(st, 8),
			.details = db_col_text(st, 9),
		};

		if (each(&rec, arg))
			break;
	}
	db_done(st);
	if (rc < 0)
		result = db_fail(db, rc, er);
out:
	buf_release(&sql);
	buf_release(&q.where);
	return result;
}

sg_err audit_object(db_t *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t id, const char *outcome,
		    const char *details_json, struct err_report *er)
{
	char object[24];
	struct audit_entry e = {
		.action = action,
		.object_type = object_type,
		.object_id = object,
		.outcome = outcome,
		.details_json = details_json,
	};

	snprintf(object, sizeof(object), "%lld", (long long)id);
	return audit_append(db, who, &e, er);
}
