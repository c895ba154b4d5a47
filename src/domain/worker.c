/*
 * worker.c: the social worker registry: checks, sealed ID numbers,
 * qualifications and the scoped search; see worker.h.
 *
 * Changes check the whole input first and report every bad field at
 * once, then write, keep the derived columns (level, search_text) in step
 * and audit inside one transaction. The derived columns are recomputed
 * from the rows (refresh_derived) rather than patched, so that no sequence
 * of edits can leave them stale.
 *
 * The search text is the name, the organisation name and the certificate
 * numbers, each converted to Simplified Chinese with OpenCC (t2s.json); a
 * query is converted the same way, so 清遠 and 清远 meet in the middle.
 * The converter is opened once per process; OpenCC does not promise that
 * one converter may be used from several threads at once, so calls are
 * serialised by a mutex (converting a name takes microseconds).
 */
#include <opencc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"
#include "audit.h"
#include "pool.h"
#include "pinyin.h"
#include "region.h"
#include "../core/log.h"
#include "../core/secret.h"
#include "../core/utf8.h"
#include "../core/input.h"
#include "../core/banned.h"

/* ---- vocabularies --------------------------------------------------------- */

static const char *const level_names[] = {
	"none", "assistant", "intermediate", "senior",
};

static const char *const education_names[] = {
	"secondary_or_below", "associate", "bachelor", "master", "doctor",
};

static const char *const status_names[] = { "active", "left", "deceased" };

/* From the service fields of the plans (domain brief, "People"). */
static const struct worker_field_def field_table[] = {
	{ "welfare", "社会福利" },
	{ "assistance", "社会救助" },
	{ "poverty_relief", "扶贫济困" },
	{ "charity", "慈善事业" },
	{ "community", "社区建设" },
	{ "family", "婚姻家庭" },
	{ "mental_health", "精神卫生" },
	{ "disability", "残障康复" },
	{ "education", "教育辅导" },
	{ "employment", "就业援助" },
	{ "workplace", "职工帮扶" },
	{ "crime_prevention", "犯罪预防" },
	{ "drug_rehab", "禁毒戒毒" },
	{ "correction", "矫治帮扶" },
	{ "family_planning", "人口计生" },
	{ "emergency", "应急处置" },
	{ "mass_culture", "群众文化" },
	{ "elderly", "老年人服务" },
	{ "youth", "青少年服务" },
	{ "women", "妇女服务" },
	{ "children", "儿童服务" },
	{ "migrants", "外来务工人员服务" },
	{ "medical", "医务社会工作" },
	{ "school", "学校社会工作" },
};

#define NFIELDS (sizeof(field_table) / sizeof(field_table[0]))
_Static_assert(NFIELDS <= WORKER_MAX_FIELDS, "service fields fit a uint32_t");

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static int word_index(const char *const *words, size_t n, const char *w)
{
	if (!w)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(words[i], w))
			return (int)i;
	return -1;
}

const char *worker_level_name(int level)
{
	return level >= 0 && level < (int)COUNT_OF(level_names) ? level_names[level] : "";
}

int worker_level_from_name(const char *name)
{
	return word_index(level_names, COUNT_OF(level_names), name);
}

int worker_education_valid(const char *name)
{
	return word_index(education_names, COUNT_OF(education_names), name) >= 0;
}

int worker_status_valid(const char *name)
{
	return word_index(status_names, COUNT_OF(status_names), name) >= 0;
}

const struct worker_field_def *worker_fields(size_t *count)
{
	*count = NFIELDS;
	return field_table;
}

int worker_field_index(const char *code)
{
	if (!code)
		return -1;
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcmp(field_table[i].code, code))
			return (int)i;
	return -1;
}

int worker_fields_join(const char *const *codes, size_t n, struct buf *out,
		       const char **bad)
{
	for (size_t i = 0; i < n; i++) {
		if (worker_field_index(codes[i]) < 0) {
			*bad = codes[i];
			return -1;
		}
		buf_printf(out, "%s%s", out->len ? "," : "", codes[i]);
	}
	return 0;
}

void worker_fields_write_json(struct json_writer *jw, const char *key,
			      const char *joined)
{
	jw_key(jw, key);
	jw_arr_begin(jw);
	for (const char *p = joined; *p;) {
		size_t n = strcspn(p, ",");

		if (n)
			jw_strn(jw, p, n);
		p += n + (p[n] == ',');
	}
	jw_arr_end(jw);
}

/* ---- Traditional -> Simplified ------------------------------------------------ */

static pthread_once_t cc_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cc_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t cc = (opencc_t)-1;

static void cc_open(void)
{
	cc = opencc_open("t2s.json");
	if (cc == (opencc_t)-1)
		log_warn("OpenCC t2s.json not available (%s): search compares "
			 "Traditional and Simplified Chinese as different text",
			 opencc_error());
}

int worker_simplify(const char *text, struct buf *out)
{
	char *conv = NULL;

	pthread_once(&cc_once, cc_open);
	if (cc != (opencc_t)-1 && text[0]) {
		pthread_mutex_lock(&cc_lock);
		conv = opencc_convert_utf8(cc, text, strlen(text));
		pthread_mutex_unlock(&cc_lock);
	}
	buf_addstr(out, conv ? conv : text);
	if (conv)
		opencc_convert_utf8_free(conv);
	return out->err;
}

/* ---- small checks ------------------------------------------------------------- */

#define CHINA_UTC_OFFSET (8 * 3600)

/* Today's date in China, "YYYY-MM-DD". */
static void today_china(char out[IDCARD_DATE_SIZE], int *year)
{
	time_t t = util_now() + CHINA_UTC_OFFSET;
	char date[40];
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	util_strlcpy(out, date, IDCARD_DATE_SIZE);
	if (year)
		*year = tm.tm_year + 1900;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Mainland mobile (1[3-9] + 9 digits) or landline: area code 0 + 2..3
 * digits, an optional '-', 7..8 digits, optionally "-" + a 1..6 digit
 * extension.
 */
static int phone_valid(const char *p)
{
	size_t n = strlen(p), area, local;
	const char *rest, *ext;

	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && all_digits(p, n))
		return 1;
	if (p[0] != '0')
		return 0;
	for (area = 3; area <= 4; area++) {
		if (n <= area || !all_digits(p, area))
			continue;
		rest = p + area;
		if (*rest == '-')
			rest++;
		ext = strchr(rest, '-');
		local = ext ? (size_t)(ext - rest) : strlen(rest);
		if (local < 7 || local > 8 || !all_digits(rest, local))
			continue;
		if (!ext)
			return 1;
		if (strlen(ext + 1) >= 1 && strlen(ext + 1) <= 6 &&
		    all_digits(ext + 1, strlen(ext + 1)))
			return 1;
	}
	return 0;
}

/* ---- reading -------------------------------------------------------------------- */

#define WORKER_FIELDS \
	"SELECT w.id, w.name, w.id_masked, w.sex, w.birth_date, w.phone," \
	" w.education, w.social_work_major, w.region_code, r.name, w.org_id," \
	" w.org_name, w.post, w.status, w.level, w.registration_state," \
	" w.created_at, w.updated_at"
#define WORKER_COLS WORKER_FIELDS \
	" FROM workers w LEFT JOIN regions r ON r.code = w.region_code"

static const char *nz(db_stmt_t *st, int col)
{
	return db_col_is_null(st, col) ? "" : db_col_text(st, col);
}

static void read_worker(db_stmt_t *st, struct worker *w)
{
	memset(w, 0, sizeof(*w));
	w->id = db_col_int(st, 0);
	util_strlcpy(w->name, nz(st, 1), sizeof(w->name));
	util_strlcpy(w->id_masked, nz(st, 2), sizeof(w->id_masked));
	w->sex = !strcmp(nz(st, 3), "male") ? IDCARD_MALE : IDCARD_FEMALE;
	util_strlcpy(w->birth_date, nz(st, 4), sizeof(w->birth_date));
	util_strlcpy(w->phone, nz(st, 5), sizeof(w->phone));
	util_strlcpy(w->education, nz(st, 6), sizeof(w->education));
	w->social_work_major = (int)db_col_int(st, 7);
	util_strlcpy(w->region_code, nz(st, 8), sizeof(w->region_code));
	util_strlcpy(w->region_name, nz(st, 9), sizeof(w->region_name));
	w->org_id = db_col_int(st, 10);
	util_strlcpy(w->org_name, nz(st, 11), sizeof(w->org_name));
	util_strlcpy(w->post, nz(st, 12), sizeof(w->post));
	util_strlcpy(w->status, nz(st, 13), sizeof(w->status));
	w->level = (int)db_col_int(st, 14);
	util_strlcpy(w->registration_state, nz(st, 15), sizeof(w->registration_state));
	util_strlcpy(w->created_at, nz(st, 16), sizeof(w->created_at));
	util_strlcpy(w->updated_at, nz(st, 17), sizeof(w->updated_at));
}

static sg_err load_fields(db_t *db, struct worker *w, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT field FROM worker_fields WHERE worker_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, w->id);
	w->fields = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int i = worker_field_index(db_col_text(st, 0));

		if (i >= 0)
			w->fields |= 1u << i;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

static const char *sex_name(enum idcard_sex s)
{
	return s == IDCARD_MALE ? "male" : "female";
}

static void kv_opt(struct json_writer *jw, const char *key, const char *s)
{
	jw_kv_str(jw, key, s[0] ? s : NULL);
}

void worker_write_json(struct json_writer *jw, const struct worker *w)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", w->id);
	jw_kv_str(jw, "name", w->name);
	jw_kv_str(jw, "id_number", w->id_masked);
	jw_kv_str(jw, "sex", sex_name(w->sex));
	jw_kv_str(jw, "birth_date", w->birth_date);
	kv_opt(jw, "phone", w->phone);
	kv_opt(jw, "education", w->education);
	jw_kv_bool(jw, "social_work_major", w->social_work_major);
	jw_kv_str(jw, "region_code", w->region_code);
	kv_opt(jw, "region_name", w->region_name);
	if (w->org_id)
		jw_kv_int(jw, "org_id", w->org_id);
	else
		jw_kv_null(jw, "org_id");
	kv_opt(jw, "org_name", w->org_name);
	kv_opt(jw, "post", w->post);
	jw_key(jw, "service_fields");
	jw_arr_begin(jw);
	for (size_t i = 0; i < NFIELDS; i++)
		if (w->fields & (1u << i))
			jw_str(jw, field_table[i].code);
	jw_arr_end(jw);
	jw_kv_str(jw, "status", w->status);
	jw_kv_str(jw, "level", worker_level_name(w->level));
	jw_kv_str(jw, "registration_state", w->registration_state);
	jw_kv_str(jw, "created_at", w->created_at);
	jw_kv_str(jw, "updated_at", w->updated_at);
	jw_obj_end(jw);
}

static int may_use(const struct actor *who)
{
	return who->role == ROLE_BUREAU || who->role == ROLE_ORG ||
	       who->role == ROLE_SYSTEM;
}

static sg_err forbidden(struct err_report *er)
{
	return err_set(er, SG_ERR_FORBIDDEN, "your role may not see worker records");
}

/* One worker by id, ignoring scope: SG_OK, NOT_FOUND or DB. */
static sg_err fetch(db_t *db, int64_t id, struct worker *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, WORKER_COLS " WHERE w.id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_worker(st, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such worker");
	return load_fields(db, out, er);
}

sg_err worker_get(db_t *db, const struct actor *who, int64_t id,
		  struct worker *out, struct err_report *er)
{
	if (!may_use(who))
		return forbidden(er);
	if (fetch(db, id, out, er) != SG_OK)
		return er->code;
	if (!actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such worker");
	return SG_OK;
}

/* ---- derived columns and audit ------------------------------------------------ */

/*
 * The search text of a worker: name, the pinyin initials of the name,
 * organisation and the certificate numbers on record (worker id > 0) or,
 * for a worker about to be inserted with one, new_cert, in Simplified
 * Chinese, one per line. WORKER_SEARCH_VERSION names this layout (see
 * worker_search_reindex).
 */
static sg_err build_search_text(db_t *db, int64_t id, const char *name,
				const char *org_name, const char *new_cert,
				struct buf *out, struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	struct buf simple = BUF_INIT(1024);

	/* the name, then its pinyin initials (pinyin.h) on a line of their own */
	worker_simplify(name, &simple);
	buf_addstr(out, buf_cstr(&simple));
	buf_addch(out, '\n');
	if (pinyin_initials(buf_cstr(&simple), out) > 0)
		buf_addch(out, '\n');
	buf_release(&simple);
	worker_simplify(org_name ? org_name : "", out);
	if (id > 0) {
		st = db_prepare(db, "SELECT certificate_no FROM qualifications"
				    " WHERE worker_id = ? AND removed_at IS NULL ORDER BY id");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, id);
		while ((rc = db_step(st)) == DB_ROW) {
			buf_addch(out, '\n');
			buf_addstr(out, db_col_text(st, 0));
		}
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
	} else if (new_cert) {
		buf_addch(out, '\n');
		buf_addstr(out, new_cert);
	}
	if (out->err)
		return err_set(er, SG_ERR_NOMEM, "search text too long");
	return SG_OK;
}

/* Recompute level and search_text of a worker from its rows. */
static sg_err refresh_derived(db_t *db, int64_t id, struct err_report *er)
{
	struct buf text = BUF_INIT(1 << 16);
	char name[WORKER_NAME_SIZE], org[WORKER_ORG_NAME_SIZE];
	int64_t level = 0;
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	st = db_prepare(db, "SELECT w.name, w.org_name, (SELECT coalesce(max(q.level), 0)"
			    " FROM qualifications q WHERE q.worker_id = w.id"
			    " AND q.removed_at IS NULL) FROM workers w WHERE w.id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(name, nz(st, 0), sizeof(name));
		util_strlcpy(org, nz(st, 1), sizeof(org));
		level = db_col_int(st, 2);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? db_fail(db, rc, er)
			      : err_set(er, SG_ERR_NOT_FOUND, "no such worker");
	if ((code = build_search_text(db, id, name, org, NULL, &text, er)) != SG_OK)
		goto out;
	st = db_prepare(db, "UPDATE workers SET level = ?, search_text = ? WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, level);
	db_bind_text(st, 2, buf_cstr(&text), -1);
	db_bind_int(st, 3, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		code = db_fail(db, rc, er);
out:
	buf_release(&text);
	return code;
}

static sg_err audit_worker(db_t *db, const struct actor *who, const char *action,
			   int64_t id, const char *details, struct err_report *er)
{
	char object[24];
	struct audit_entry e = {
		.action = action,
		.object_type = "worker",
		.object_id = object,
		.outcome = AUDIT_SUCCESS,
		.details_json = details,
	};

	snprintf(object, sizeof(object), "%lld", (long long)id);
	return audit_append(db, who, &e, er);
}

sg_err worker_set_current_org_in_tx(db_t *db, int64_t id, int64_t org_id,
				    const char *org_name, const char *post,
				    struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE workers SET org_id = ?, org_name = ?, post = ?,"
			    " updated_at = ? WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	if (org_id > 0)
		db_bind_int(st, 1, org_id);
	else
		db_bind_null(st, 1);
	db_bind_text(st, 2, org_name && org_name[0] ? org_name : NULL, -1);
	db_bind_text(st, 3, post && post[0] ? post : NULL, -1);
	db_bind_text(st, 4, now, -1);
	db_bind_int(st, 5, id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	return refresh_derived(db, id, er);
}

/*
 * Rewrite the search text of every worker once per layout version: the
 * settings key worker.search_version records the layout the rows carry.
 * Batches of 500 rows, one transaction each, by ascending id, so that an
 * interrupted run resumes where it stopped (worker.search_reindex_from).
 */
sg_err worker_search_reindex(db_t *db, int64_t *done, struct err_report *er)
{
	char now[UTIL_TIME_LEN], ver[16] = "";
	int64_t from = 0, last, ids[500];
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc, n;

	*done = 0;
	st = db_prepare(db, "SELECT (SELECT value FROM settings WHERE key ="
			    " 'worker.search_version'), (SELECT value FROM settings WHERE key ="
			    " 'worker.search_reindex_from')");
	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(ver, nz(st, 0), sizeof(ver));
		if (util_parse_int(nz(st, 1), 0, INT64_MAX, &from))
			from = 0;
	}
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	if (strcmp(ver, WORKER_SEARCH_VERSION) == 0)
		return SG_OK;
	util_time_iso(util_now(), now);
	do {
		n = 0;
		if ((rc = db_begin(db)) != 0)
			return db_fail(db, rc, er);
		st = db_prepare(db, "SELECT id FROM workers WHERE id > ? ORDER BY id LIMIT 500");
		if (!st) {
			code = db_fail(db, DB_ERR, er);
			goto fail;
		}
		db_bind_int(st, 1, from);
		while (n < 500 && (rc = db_step(st)) == DB_ROW)
			ids[n++] = db_col_int(st, 0);
		db_done(st);
		if (rc < 0) {
			code = db_fail(db, rc, er);
			goto fail;
		}
		for (int i = 0; i < n; i++)
			if ((code = refresh_derived(db, ids[i], er)) != SG_OK)
				goto fail;
		last = n ? ids[n - 1] : from;
		st = db_prepare(db, n < 500 ?
			"INSERT INTO settings (key, value, updated_at) VALUES"
			" ('worker.search_version', ?1, ?2) ON CONFLICT (key) DO UPDATE SET"
			" value = excluded.value, updated_at = excluded.updated_at" :
			"INSERT INTO settings (key, value, updated_at) VALUES"
			" ('worker.search_reindex_from', ?3, ?2) ON CONFLICT (key) DO UPDATE SET"
			" value = excluded.value, updated_at = excluded.updated_at");
		if (!st) {
			code = db_fail(db, DB_ERR, er);
			goto fail;
		}
		{
			char lastbuf[24];

			snprintf(lastbuf, sizeof(lastbuf), "%lld", (long long)last);
			db_bind_text(st, 1, WORKER_SEARCH_VERSION, -1);
			db_bind_text(st, 2, now, -1);
			db_bind_text(st, 3, lastbuf, -1);
			rc = db_step(st);
		}
		db_done(st);
		if (rc != DB_DONE) {
			code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
			goto fail;
		}
		if ((rc = db_commit(db)) != 0) {
			code = db_fail(db, rc, er);
			goto fail;
		}
		*done += n;
		from = last;
	} while (n == 500);
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

/* ---- input checks ------------------------------------------------------------- */

/* The values a record will have after a create or update. */
struct values {
	const char *name;
	int id_changed;
	struct idcard id;               /* when id_changed */
	enum idcard_sex sex;
	char birth_date[IDCARD_DATE_SIZE];
	const char *phone, *education, *region, *org_name, *post, *status;
	int major;
	uint32_t fields;
};

static const char *empty_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static void check_region_code(db_t *db, const struct actor *who, const char *code,
			      struct err_report *er)
{
	int level = region_level_of_code(code);

	if (level && level < REGION_COUNTY) {
		err_field(er, "region_code", "level",
			  "must be a county, town or village code (6, 9 or 12 digits)");
		return;
	}
	region_check_ref(db, who, "region_code", code, er);
}

/*
 * Check in against the current record cur (NULL for a create) and fill v.
 * Returns SG_ERR_DB on a database failure; field errors go to er.
 */
static sg_err check_input(db_t *db, const struct actor *who,
			  const struct worker_input *in, const struct worker *cur,
			  struct values *v, struct err_report *er)
{
	unsigned set = cur ? in->set : ~0u;
	int idx;

	memset(v, 0, sizeof(*v));
	if (cur) {
		v->name = cur->name;
		v->sex = cur->sex;
		util_strlcpy(v->birth_date, cur->birth_date, sizeof(v->birth_date));
		v->phone = empty_null(cur->phone);
		v->education = empty_null(cur->education);
		v->major = cur->social_work_major;
		v->region = cur->region_code;
		v->org_name = empty_null(cur->org_name);
		v->post = empty_null(cur->post);
		v->status = cur->status;
		v->fields = cur->fields;
	} else {
		v->status = "active";
	}

	if (set & WORKER_SET_NAME) {
		if (!in->name)
			err_field(er, "name", "required", "is required");
		else if (input_text_ok(in->name, "name", 1, WORKER_NAME_MAX_CHARS, er))
			v->name = in->name;
	}
	if (set & WORKER_SET_ID_NUMBER) {
		if (!in->id_number || !in->id_number[0])
			err_field(er, "id_number", "required", "is required");
		else if (idcard_parse(in->id_number, util_now(), "id_number", &v->id,
				      er) == SG_OK) {
			v->id_changed = 1;
			v->sex = v->id.sex;
			util_strlcpy(v->birth_date, v->id.birth_date, sizeof(v->birth_date));
		}
	}
	/* sex and birth date are derived: when given they must agree */
	if ((set & WORKER_SET_SEX) && in->sex) {
		if (strcmp(in->sex, "male") && strcmp(in->sex, "female"))
			err_field(er, "sex", "invalid", "male or female");
		else if ((cur || v->id_changed) && strcmp(in->sex, sex_name(v->sex)))
			err_field(er, "sex", "mismatch",
				  "does not match the ID number (%s)", sex_name(v->sex));
	}
	if ((set & WORKER_SET_BIRTH_DATE) && in->birth_date) {
		if (!input_date_valid(in->birth_date))
			err_field(er, "birth_date", "invalid", "a date YYYY-MM-DD");
		else if ((cur || v->id_changed) && strcmp(in->birth_date, v->birth_date))
			err_field(er, "birth_date", "mismatch",
				  "does not match the ID number (%s)", v->birth_date);
	}
	if (set & WORKER_SET_PHONE) {
		v->phone = empty_null(in->phone);
		if (v->phone && !phone_valid(v->phone))
			err_field(er, "phone", "invalid",
				  "an 11-digit mobile number or a landline like 0763-3388123");
	}
	if (set & WORKER_SET_EDUCATION) {
		v->education = empty_null(in->education);
		if (v->education && !worker_education_valid(v->education))
			err_field(er, "education", "invalid",
				  "one of secondary_or_below, associate, bachelor, master, doctor");
	}
	if ((set & WORKER_SET_MAJOR) && in->social_work_major >= 0)
		v->major = in->social_work_major ? 1 : 0;
	if (set & WORKER_SET_REGION) {
		if (!in->region_code || !in->region_code[0]) {
			err_field(er, "region_code", "required", "is required");
		} else if (!cur || strcmp(in->region_code, cur->region_code)) {
			size_t before = er->nfields;

			check_region_code(db, who, in->region_code, er);
			if (er->code == SG_ERR_DB)
				return SG_ERR_DB;
			if (er->nfields == before)
				v->region = in->region_code;
		}
	}
	if (set & WORKER_SET_ORG_NAME) {
		v->org_name = empty_null(in->org_name);
		if (v->org_name)
			input_text_ok(v->org_name, "org_name", 0, WORKER_ORG_NAME_MAX_CHARS, er);
	}
	if (set & WORKER_SET_POST) {
		v->post = empty_null(in->post);
		if (v->post)
			input_text_ok(v->post, "post", 0, WORKER_POST_MAX_CHARS, er);
	}
	if ((set & WORKER_SET_FIELDS) && (cur || in->has_fields)) {
		v->fields = 0;
		for (size_t i = 0; i < in->nfields; i++) {
			if ((idx = worker_field_index(in->fields[i])) < 0) {
				char name[40];

				snprintf(name, sizeof(name), "service_fields[%zu]", i);
				err_field(er, name, "unknown", "not a service field code");
				continue;
			}
			v->fields |= 1u << idx;
		}
	}
	if ((set & WORKER_SET_STATUS) && (cur || in->status)) {
		if (!in->status)
			err_field(er, "status", "required", "is required");
		else if (!worker_status_valid(in->status))
			err_field(er, "status", "invalid", "one of active, left, deceased");
		else
			v->status = in->status;
	}
	return SG_OK;
}

/*
 * A duplicate ID number: SG_ERR_CONFLICT naming the existing record when
 * who may see it. Runs after the failed transaction was rolled back.
 */
static sg_err duplicate(db_t *db, const struct actor *who, const char *hash,
			int64_t *existing_id, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, region_code FROM workers WHERE id_hash = ?");
	int64_t id = 0;
	int visible = 0, rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, hash, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		visible = actor_in_scope(who, nz(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	err_clear(er);
	if (visible) {
		if (existing_id)
			*existing_id = id;
		err_set(er, SG_ERR_CONFLICT, "this ID number is already registered as worker %lld",
			(long long)id);
		err_field(er, "id_number", "duplicate", "already registered as worker %lld",
			  (long long)id);
	} else {
		err_set(er, SG_ERR_CONFLICT,
			"this ID number is already registered in another region");
		err_field(er, "id_number", "duplicate", "already registered in another region");
	}
	return SG_ERR_CONFLICT;
}

static sg_err write_fields(db_t *db, int64_t id, uint32_t fields, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM worker_fields WHERE worker_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!(fields & (1u << i)))
			continue;
		st = db_prepare(db, "INSERT INTO worker_fields (worker_id, field) VALUES (?, ?)");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, field_table[i].code, -1);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
	}
	return SG_OK;
}

/* The sealed form, hash and mask of a normalised number. */
struct sealed_id {
	char sealed[160];
	char hash[65];
	char masked[IDCARD_SIZE];
};

static sg_err seal_id(const char *number, struct sealed_id *s, struct err_report *er)
{
	if (!secret_loaded())
		return err_set(er, SG_ERR_INTERNAL, "the instance key is not loaded");
	if (secret_seal(number, IDCARD_LEN, s->sealed, sizeof(s->sealed)) != SG_OK)
		return err_set(er, SG_ERR_INTERNAL, "could not seal the ID number");
	secret_lookup_hash(number, IDCARD_LEN, s->hash);
	idcard_mask(number, s->masked);
	return SG_OK;
}

/* ---- create ------------------------------------------------------------------- */

sg_err worker_create(db_t *db, const struct actor *who,
		     const struct worker_input *in, int64_t *id,
		     int64_t *existing_id, struct err_report *er)
{
	struct buf text = BUF_INIT(1 << 16);
	struct sealed_id sid;
	struct values v;
	char now[UTIL_TIME_LEN], details[64];
	db_stmt_t *st;
	sg_err code;
	int rc;

	*id = 0;
	if (existing_id)
		*existing_id = 0;
	if (!may_use(who))
		return forbidden(er);
	if (check_input(db, who, in, NULL, &v, er) != SG_OK || er->code != SG_OK)
		return er->code;
	if ((code = seal_id(v.id.number, &sid, er)) != SG_OK ||
	    (code = build_search_text(db, 0, v.name, v.org_name, NULL, &text, er)) != SG_OK)
		goto out;

	util_time_iso(util_now(), now);
	snprintf(details, sizeof(details), "{\"region_code\":\"%s\"}", v.region);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO workers (name, id_sealed, id_hash, id_masked,"
			    " sex, birth_date, phone, education, social_work_major,"
			    " region_code, org_name, post, status, search_text,"
			    " created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			    " RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, v.name, -1);
	db_bind_text(st, 2, sid.sealed, -1);
	db_bind_text(st, 3, sid.hash, -1);
	db_bind_text(st, 4, sid.masked, -1);
	db_bind_text(st, 5, sex_name(v.sex), -1);
	db_bind_text(st, 6, v.birth_date, -1);
	db_bind_text(st, 7, v.phone, -1);
	db_bind_text(st, 8, v.education, -1);
	db_bind_int(st, 9, v.major);
	db_bind_text(st, 10, v.region, -1);
	db_bind_text(st, 11, v.org_name, -1);
	db_bind_text(st, 12, v.post, -1);
	db_bind_text(st, 13, v.status, -1);
	db_bind_text(st, 14, buf_cstr(&text), -1);
	db_bind_text(st, 15, now, -1);
	db_bind_text(st, 16, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_ERR_UNIQUE) {
		db_rollback(db);
		code = duplicate(db, who, sid.hash, existing_id, er);
		goto out;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	if ((code = write_fields(db, *id, v.fields, er)) != SG_OK ||
	    (code = audit_worker(db, who, "worker.create", *id, details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
	*id = 0;
out:
	sodium_memzero(v.id.number, sizeof(v.id.number));
	buf_release(&text);
	return code;
}

/* ---- update ------------------------------------------------------------------- */

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* The stored lookup hash of a worker's ID number into out. */
static sg_err stored_hash(db_t *db, int64_t id, char out[65], struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id_hash FROM workers WHERE id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(out, nz(st, 0), 65);
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? db_fail(db, rc, er)
			      : err_set(er, SG_ERR_NOT_FOUND, "no such worker");
	return SG_OK;
}

/* {"fields":["a","b"]} from field names (literals: nothing to escape). */
static void fields_json(struct buf *b, const char *const *fields, int n)
{
	buf_addstr(b, "{\"fields\":[");
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s\"%s\"", i ? "," : "", fields[i]);
	buf_addstr(b, "]}");
}

static sg_err update_row(db_t *db, int64_t id, const struct values *v,
			 const struct sealed_id *sid, const char *now,
			 struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "UPDATE workers SET name = ?, sex = ?,"
				       " birth_date = ?, phone = ?, education = ?,"
				       " social_work_major = ?, region_code = ?,"
				       " org_name = ?, post = ?, status = ?,"
				       " updated_at = ? WHERE id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, v->name, -1);
	db_bind_text(st, 2, sex_name(v->sex), -1);
	db_bind_text(st, 3, v->birth_date, -1);
	db_bind_text(st, 4, v->phone, -1);
	db_bind_text(st, 5, v->education, -1);
	db_bind_int(st, 6, v->major);
	db_bind_text(st, 7, v->region, -1);
	db_bind_text(st, 8, v->org_name, -1);
	db_bind_text(st, 9, v->post, -1);
	db_bind_text(st, 10, v->status, -1);
	db_bind_text(st, 11, now, -1);
	db_bind_int(st, 12, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (!sid)
		return SG_OK;
	st = db_prepare(db, "UPDATE workers SET id_sealed = ?, id_hash = ?, id_masked = ?"
			    " WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, sid->sealed, -1);
	db_bind_text(st, 2, sid->hash, -1);
	db_bind_text(st, 3, sid->masked, -1);
	db_bind_int(st, 4, id);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ERR_UNIQUE)
		return SG_ERR_CONFLICT; /* the caller reports it after rolling back */
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err worker_update(db_t *db, const struct actor *who, int64_t id,
		     const struct worker_input *in, int64_t *existing_id,
		     struct err_report *er)
{
	struct buf details = BUF_INIT(1024);
	struct worker *cur = NULL;
	struct sealed_id sid;
	struct values v;
	const char *fields[16];
	char now[UTIL_TIME_LEN], old_hash[65];
	int n = 0, rc, id_changed = 0;
	sg_err code = SG_OK;

	memset(&v, 0, sizeof(v));
	if (existing_id)
		*existing_id = 0;
	if (!may_use(who))
		return forbidden(er);
	cur = malloc(sizeof(*cur));
	if (!cur)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, who, id, cur, er)) != SG_OK)
		goto out;
	if ((code = check_input(db, who, in, cur, &v, er)) != SG_OK ||
	    (code = er->code) != SG_OK)
		goto out;
	if (v.id_changed) {
		if ((code = seal_id(v.id.number, &sid, er)) != SG_OK ||
		    (code = stored_hash(db, id, old_hash, er)) != SG_OK)
			goto out;
		id_changed = strcmp(sid.hash, old_hash) != 0;
	}

	if (!same(v.name, cur->name))
		fields[n++] = "name";
	if (id_changed)
		fields[n++] = "id_number";
	if (v.sex != cur->sex)
		fields[n++] = "sex";
	if (!same(v.birth_date, cur->birth_date))
		fields[n++] = "birth_date";
	if (!same(v.phone, cur->phone))
		fields[n++] = "phone";
	if (!same(v.education, cur->education))
		fields[n++] = "education";
	if (v.major != cur->social_work_major)
		fields[n++] = "social_work_major";
	if (!same(v.region, cur->region_code))
		fields[n++] = "region_code";
	if (!same(v.org_name, cur->org_name))
		fields[n++] = "org_name";
	if (!same(v.post, cur->post))
		fields[n++] = "post";
	if (v.fields != cur->fields)
		fields[n++] = "service_fields";
	if (!same(v.status, cur->status))
		fields[n++] = "status";
	if (n == 0)
		goto out;
	fields_json(&details, fields, n);
	if (details.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}

	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	code = update_row(db, id, &v, id_changed ? &sid : NULL, now, er);
	if (code == SG_ERR_CONFLICT) {
		db_rollback(db);
		code = duplicate(db, who, sid.hash, existing_id, er);
		goto out;
	}
	if (code != SG_OK)
		goto fail;
	if ((v.fields != cur->fields &&
	     (code = write_fields(db, id, v.fields, er)) != SG_OK) ||
	    (code = refresh_derived(db, id, er)) != SG_OK ||
	    (code = audit_worker(db, who, "worker.update", id, buf_cstr(&details), er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
out:
	sodium_memzero(v.id.number, sizeof(v.id.number));
	buf_release(&details);
	free(cur);
	return code;
}

/* ---- reveal ------------------------------------------------------------------- */

sg_err worker_reveal(db_t *db, const struct actor *who, int64_t id,
		     const char *reason, char out[IDCARD_SIZE],
		     struct err_report *er)
{
	struct buf details = BUF_INIT(2048);
	char sealed[160], plain[64];
	struct worker *w = NULL;
	size_t plain_len = 0;
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	out[0] = '\0';
	if (!may_use(who))
		return forbidden(er);
	if (!reason || !reason[0])
		return err_field(er, "reason", "required", "say why you need the number");
	if (!input_text_ok(reason, "reason", WORKER_REASON_MIN_CHARS,
		     WORKER_REASON_MAX_CHARS, er))
		return er->code;
	w = malloc(sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, who, id, w, er)) != SG_OK)
		goto out;
	st = db_prepare(db, "SELECT id_sealed FROM workers WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(sealed, nz(st, 0), sizeof(sealed));
	db_done(st);
	if (rc != DB_ROW) {
		code = rc < 0 ? db_fail(db, rc, er)
			      : err_set(er, SG_ERR_NOT_FOUND, "no such worker");
		goto out;
	}
	if (secret_open(sealed, plain, sizeof(plain), &plain_len) != SG_OK ||
	    plain_len != IDCARD_LEN) {
		code = err_set(er, SG_ERR_INTERNAL,
			       "the ID number of worker %lld does not open with this key",
			       (long long)id);
		goto out;
	}
	plain[IDCARD_LEN] = '\0';

	buf_addstr(&details, "{\"reason\":");
	json_quote(&details, reason, strlen(reason));
	buf_addch(&details, '}');
	if (details.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = audit_worker(db, who, "worker.reveal", id, buf_cstr(&details), er)) != SG_OK) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	memcpy(out, plain, IDCARD_SIZE);
out:
	sodium_memzero(plain, sizeof(plain));
	buf_release(&details);
	free(w);
	return code;
}

/* ---- list --------------------------------------------------------------------- */

/* Escape LIKE's wildcards with '\' and wrap in %...%. */
static void like_pattern(struct buf *b, const char *q)
{
	buf_addch(b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, '%');
}

/* "..." with inner quotes doubled: an FTS5 phrase, i.e. a substring. */
static void fts_phrase(struct buf *b, const char *q)
{
	buf_addch(b, '"');
	for (const char *p = q; *p; p++) {
		if (*p == '"')
			buf_addch(b, '"');
		buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

/* s without leading and trailing spaces, copied into b. */
static const char *trimmed(struct buf *b, const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	buf_add(b, s, len);
	return buf_cstr(b);
}

static const struct {
	const char *name;
	const char *order;
} sorts[] = {
	{ "-created_at", " ORDER BY w.created_at DESC, w.id DESC" },
	{ "created_at", " ORDER BY w.created_at, w.id" },
	{ "name", " ORDER BY w.name, w.id" },
	{ "-name", " ORDER BY w.name DESC, w.id DESC" },
	{ "level", " ORDER BY w.level, w.id" },
	{ "-level", " ORDER BY w.level DESC, w.id" },
};

/* The bound values of a list query, in the order of the WHERE fragments. */
struct list_plan {
	struct buf where;
	const char *text[16];
	int64_t num[16];
	int is_num[16];
	int n;
	struct buf q, pattern, org;
	char reg_lo[ACTOR_REGION_MAX], reg_hi[ACTOR_REGION_MAX];
	char age_lo[IDCARD_DATE_SIZE], age_hi[IDCARD_DATE_SIZE];
	char hash[65];
	const char *from;  /* " FROM workers w", or with the FTS or gram table first */
	const char *order;
	int row_filters;   /* filters on columns only workers has */
	struct buf gram;   /* a query of one or two characters, else empty */
};

static void add_text(struct list_plan *p, const char *sql, const char *v)
{
	buf_addstr(&p->where, sql);
	p->is_num[p->n] = 0;
	p->text[p->n++] = v;
}

/* A filter on a column of workers that worker_grams does not carry. */
static void add_row_text(struct list_plan *p, const char *sql, const char *v)
{
	p->row_filters = 1;
	add_text(p, sql, v);
}

static void add_num(struct list_plan *p, const char *sql, int64_t v)
{
	buf_addstr(&p->where, sql);
	p->is_num[p->n] = 1;
	p->num[p->n++] = v;
}

/* The date year-MM-DD with today's month and day. */
static void age_bound(char out[IDCARD_DATE_SIZE], int year, const char *today)
{
	char date[40];

	snprintf(date, sizeof(date), "%04d%s", year, today + 4);
	util_strlcpy(out, date, IDCARD_DATE_SIZE);
}

/*
 * A query of one or two characters matches the name and its initials
 * through worker_grams (migration 019), one range of its key (gram,
 * level, region). With no filter on a column only workers has and a sort
 * by columns the gram table carries under the same names, the gram table
 * stands in for workers and the count and the page never read workers;
 * otherwise it leads a join, bounded by the same region and level. With
 * no level filter the four levels are listed so that the region stays
 * part of the key range.
 */
static void plan_grams(struct list_plan *p, int level)
{
	int alone = !p->row_filters && !strstr(p->order, "w.name");
	const char *t = alone ? "w" : "g";
	char sql[64];

	p->from = alone ? " FROM worker_grams w" : " FROM worker_grams g CROSS JOIN workers w";
	snprintf(sql, sizeof(sql), " AND %s.gram = ?", t);
	add_text(p, sql, buf_cstr(&p->gram));
	if (!alone) {
		add_text(p, " AND g.region_code >= ?", p->reg_lo);
		add_text(p, " AND g.region_code < ?", p->reg_hi);
		buf_addstr(&p->where, " AND w.id = g.id");
	}
	if (level >= 0 && !alone)
		add_num(p, " AND g.level = ?", level);
	else if (level < 0) {
		snprintf(sql, sizeof(sql), " AND %s.level IN (0, 1, 2, 3)", t);
		buf_addstr(&p->where, sql);
	}
}

static sg_err plan_list(db_t *db, const struct actor *who, const struct worker_filter *f,
			struct list_plan *p, struct err_report *er)
{
	char today[IDCARD_DATE_SIZE];
	int year, level = -1, field = -1;
	const char *q;

	p->from = " FROM workers w";

	/*
	 * One range on region_code: the region filter when given (checked to
	 * lie inside the scope, so its subtree is part of the scope's), else
	 * the scope. Two ranges on one column leave the planner guessing
	 * which bound to seek with.
	 */
	if (f->region && f->region[0]) {
		if (region_check_ref(db, who, "region", f->region, er) == SG_ERR_DB)
			return SG_ERR_DB;
		region_prefix_range(f->region, p->reg_lo, p->reg_hi);
	} else {
		region_prefix_range(who->region_code, p->reg_lo, p->reg_hi);
	}
	buf_addstr(&p->where, " WHERE w.region_code >= ?");
	p->text[p->n++] = p->reg_lo;
	add_text(p, " AND w.region_code < ?", p->reg_hi);
	if (f->level && f->level[0]) {
		if ((level = worker_level_from_name(f->level)) < 0)
			err_field(er, "level", "invalid",
				  "one of none, assistant, intermediate, senior");
		else
			add_num(p, " AND w.level = ?", level);
	}
	if (f->education && f->education[0]) {
		if (!worker_education_valid(f->education))
			err_field(er, "education", "invalid",
				  "one of secondary_or_below, associate, bachelor, master, doctor");
		else
			add_row_text(p, " AND w.education = ?", f->education);
	}
	if (f->status && f->status[0]) {
		if (!worker_status_valid(f->status))
			err_field(er, "status", "invalid", "one of active, left, deceased");
		else
			add_row_text(p, " AND w.status = ?", f->status);
	}
	if (f->field && f->field[0]) {
		if ((field = worker_field_index(f->field)) < 0)
			err_field(er, "field", "invalid", "not a service field code");
		else
			add_text(p, " AND w.id IN (SELECT worker_id FROM worker_fields"
				    " WHERE field = ?)", field_table[field].code);
	}
	if (f->pool && f->pool[0]) {
		if (!pool_name_valid(f->pool))
			err_field(er, "pool", "invalid",
				  "one of leading, supervisor, mentor, expert, trainee");
		else
			add_text(p, " AND w.id IN (SELECT worker_id FROM worker_pools"
				    " WHERE pool = ? AND removed_at IS NULL)", f->pool);
	}
	if (f->org && f->org[0]) {
		like_pattern(&p->org, f->org);
		add_row_text(p, " AND w.org_name LIKE ? ESCAPE '\\'", buf_cstr(&p->org));
	}
	today_china(today, &year);
	if (f->age_min >= 0 && f->age_max >= 0 && f->age_min > f->age_max)
		err_field(er, "age_max", "invalid", "must not be below age_min");
	if (f->age_min >= 0) {
		/* age >= n: born on or before today's month and day n years ago */
		age_bound(p->age_hi, year - f->age_min, today);
		add_row_text(p, " AND w.birth_date <= ?", p->age_hi);
	}
	if (f->age_max >= 0) {
		/* age <= n: born after today's month and day n + 1 years ago */
		age_bound(p->age_lo, year - f->age_max - 1, today);
		add_row_text(p, " AND w.birth_date > ?", p->age_lo);
	}
	if (f->id_number && f->id_number[0]) {
		struct idcard id;

		if (idcard_parse(f->id_number, util_now(), "id_number", &id, er) == SG_OK) {
			secret_lookup_hash(id.number, IDCARD_LEN, p->hash);
			add_row_text(p, " AND w.id_hash = ?", p->hash);
			sodium_memzero(&id, sizeof(id));
		}
	}
	q = trimmed(&p->q, f->q ? f->q : "");
	if (q[0]) {
		size_t len = strlen(q), chars;

		if (utf8_invalid_at(q, len) != len) {
			err_field(er, "q", "invalid_utf8", "must be valid UTF-8");
		} else if ((chars = utf8_count(q, len)) > WORKER_QUERY_MAX_CHARS) {
			err_field(er, "q", "too_long", "at most %d characters",
				  WORKER_QUERY_MAX_CHARS);
		} else {
			struct buf simple = BUF_INIT(4096);

			worker_simplify(q, &simple);
			if (chars >= 3 && strlen(p->reg_lo) <= 2) {
				/*
				 * A province or more holds 10^5 workers: start from
				 * the few rows the trigram index finds (CROSS JOIN
				 * keeps that order) instead of probing every index
				 * entry of the range against them.
				 */
				fts_phrase(&p->pattern, buf_cstr(&simple));
				p->from = " FROM workers_fts CROSS JOIN workers w";
				add_text(p, " AND workers_fts MATCH ? AND w.id = workers_fts.rowid",
					 buf_cstr(&p->pattern));
			} else if (chars >= 3) {
				fts_phrase(&p->pattern, buf_cstr(&simple));
				add_text(p, " AND w.id IN (SELECT rowid FROM workers_fts"
					    " WHERE workers_fts MATCH ?)", buf_cstr(&p->pattern));
			} else {
				/* initials are stored in lower case */
				for (char *c = simple.ptr; c && *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c - 'A' + 'a');
				buf_addstr(&p->gram, buf_cstr(&simple));
			}
			if (simple.err)
				p->where.err = simple.err;
			buf_release(&simple);
		}
	}
	p->order = sorts[0].order;
	if (f->sort && f->sort[0]) {
		size_t i;

		for (i = 0; i < COUNT_OF(sorts); i++)
			if (!strcmp(f->sort, sorts[i].name))
				break;
		if (i == COUNT_OF(sorts))
			err_field(er, "sort", "invalid",
				  "one of name, -name, created_at, -created_at, level, -level");
		else
			p->order = sorts[i].order;
	}
	if (er->code != SG_OK)
		return er->code;
	if (p->gram.len)
		plan_grams(p, level);
	if (p->where.err || p->q.err || p->pattern.err || p->org.err || p->gram.err)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	return SG_OK;
}

/* Bind the filter values of p, then (when limit >= 0) limit and offset. */
static void bind_plan(db_stmt_t *st, const struct list_plan *p, int64_t limit,
		      int64_t offset)
{
	int i;

	for (i = 0; i < p->n; i++) {
		if (p->is_num[i])
			db_bind_int(st, i + 1, p->num[i]);
		else
			db_bind_text(st, i + 1, p->text[i], -1);
	}
	if (limit >= 0) {
		db_bind_int(st, i + 1, limit);
		db_bind_int(st, i + 2, offset);
	}
}

/* The number of workers matching p into *total. */
static sg_err count_plan(db_t *db, const struct list_plan *p, struct buf *sql,
			 int64_t *total, struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	buf_reset(sql);
	buf_printf(sql, "SELECT count(*)%s%s", p->from, buf_cstr(&p->where));
	if (sql->err)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if (!(st = db_prepare(db, buf_cstr(sql))))
		return db_fail(db, DB_ERR, er);
	bind_plan(st, p, -1, 0);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * One statement gives the page and the total: the inner query finds the
 * matching ids with count(*) OVER () (the total, computed in the same
 * pass), sorts and cuts the page; only the page's rows are then read
 * whole and joined to their region. With the covering index of migration
 * 007 (level, region_code, created_at, search_text) the inner query never
 * touches the table, so a search over a province costs one index range
 * scan however many workers it holds. A page past the end has no row to
 * carry the total, so then it is counted on its own.
 */
sg_err worker_list(db_t *db, const struct actor *who,
		   const struct worker_filter *f, int64_t offset, int64_t limit,
		   int (*each)(const struct worker *w, void *arg), void *arg,
		   int64_t *total, struct err_report *er)
{
	struct list_plan *p = NULL;
	struct buf sql = BUF_INIT(8192);
	struct worker *w = NULL;
	db_stmt_t *st = NULL;
	sg_err code = SG_OK;
	int rc = DB_DONE, rows = 0;

	*total = 0;
	if (!may_use(who))
		return forbidden(er);
	p = calloc(1, sizeof(*p));
	w = malloc(sizeof(*w));
	if (!p || !w) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	buf_init(&p->where, 8192);
	buf_init(&p->q, 1024);
	buf_init(&p->pattern, 4096);
	buf_init(&p->org, 4096);
	buf_init(&p->gram, 64);
	if ((code = plan_list(db, who, f, p, er)) != SG_OK)
		goto out;
	if (!each) {
		code = count_plan(db, p, &sql, total, er);
		goto out;
	}

	buf_printf(&sql, WORKER_FIELDS ", page.total FROM (SELECT w.id AS id,"
			 " count(*) OVER () AS total%s%s%s LIMIT ? OFFSET ?)"
			 " page JOIN workers w ON w.id = page.id"
			 " LEFT JOIN regions r ON r.code = w.region_code%s",
		   p->from, buf_cstr(&p->where), p->order, p->order);
	if (sql.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!(st = db_prepare(db, buf_cstr(&sql)))) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	bind_plan(st, p, limit, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		*total = db_col_int(st, 18);
		rows++;
		read_worker(st, w);
		if ((code = load_fields(db, w, er)) != SG_OK || each(w, arg))
			break;
	}
	db_done(st);
	if (code != SG_OK)
		goto out;
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (rows == 0 && offset > 0)
		code = count_plan(db, p, &sql, total, er);
out:
	if (p) {
		buf_release(&p->where);
		buf_release(&p->q);
		buf_release(&p->pattern);
		buf_release(&p->org);
		buf_release(&p->gram);
	}
	buf_release(&sql);
	free(p);
	free(w);
	return code;
}

/* ---- qualifications ------------------------------------------------------------ */

void worker_qualification_write_json(struct json_writer *jw,
				     const struct qualification *q)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", q->id);
	jw_kv_str(jw, "level", worker_level_name(q->level));
	jw_kv_str(jw, "certificate_no", q->certificate_no);
	jw_kv_str(jw, "passed_on", q->passed_on);
	kv_opt(jw, "issuer", q->issuer);
	jw_kv_str(jw, "created_at", q->created_at);
	kv_opt(jw, "removed_at", q->removed_at);
	jw_obj_end(jw);
}

sg_err worker_qualifications(db_t *db, const struct actor *who,
			     int64_t worker_id,
			     int (*each)(const struct qualification *q, void *arg),
			     void *arg, struct err_report *er)
{
	struct worker *w = malloc(sizeof(*w));
	struct qualification q;
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = worker_get(db, who, worker_id, w, er);
	free(w);
	if (code != SG_OK)
		return code;
	st = db_prepare(db, "SELECT id, worker_id, level, certificate_no, passed_on, issuer,"
			    " created_at, removed_at FROM qualifications"
			    " WHERE worker_id = ? ORDER BY passed_on, id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&q, 0, sizeof(q));
		q.id = db_col_int(st, 0);
		q.worker_id = db_col_int(st, 1);
		q.level = (int)db_col_int(st, 2);
		util_strlcpy(q.certificate_no, nz(st, 3), sizeof(q.certificate_no));
		util_strlcpy(q.passed_on, nz(st, 4), sizeof(q.passed_on));
		util_strlcpy(q.issuer, nz(st, 5), sizeof(q.issuer));
		util_strlcpy(q.created_at, nz(st, 6), sizeof(q.created_at));
		util_strlcpy(q.removed_at, nz(st, 7), sizeof(q.removed_at));
		if (each(&q, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

static int certificate_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && n <= WORKER_CERT_MAX_CHARS &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789-") == n;
}

sg_err worker_qualification_add(db_t *db, const struct actor *who,
				int64_t worker_id,
				const struct qualification_input *in,
				int64_t *qid, struct err_report *er)
{
	struct worker *w = NULL;
	char today[IDCARD_DATE_SIZE], now[UTIL_TIME_LEN], details[96];
	int level = worker_level_from_name(in->level);
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	*qid = 0;
	if (!may_use(who))
		return forbidden(er);
	w = malloc(sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, who, worker_id, w, er)) != SG_OK)
		goto out;
	today_china(today, NULL);
	if (!in->level)
		err_field(er, "level", "required", "is required");
	else if (level < WORKER_LEVEL_ASSISTANT)
		err_field(er, "level", "invalid", "one of assistant, intermediate, senior");
	if (!in->certificate_no || !in->certificate_no[0])
		err_field(er, "certificate_no", "required", "is required");
	else if (!certificate_valid(in->certificate_no))
		err_field(er, "certificate_no", "invalid",
			  "4 to %d of the characters A-Z a-z 0-9 -", WORKER_CERT_MAX_CHARS);
	if (!in->passed_on || !in->passed_on[0])
		err_field(er, "passed_on", "required", "is required");
	else if (!input_date_valid(in->passed_on))
		err_field(er, "passed_on", "invalid", "a date YYYY-MM-DD");
	else if (strcmp(in->passed_on, today) > 0)
		err_field(er, "passed_on", "future", "must not be after today (%s)", today);
	else if (strcmp(in->passed_on, w->birth_date) <= 0)
		err_field(er, "passed_on", "invalid", "must be after the birth date");
	if (in->issuer && in->issuer[0])
		input_text_ok(in->issuer, "issuer", 0, WORKER_ISSUER_MAX_CHARS, er);
	if ((code = er->code) != SG_OK)
		goto out;

	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO qualifications (worker_id, level, certificate_no,"
			    " passed_on, issuer, created_at) VALUES (?, ?, ?, ?, ?, ?)"
			    " RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, worker_id);
	db_bind_int(st, 2, level);
	db_bind_text(st, 3, in->certificate_no, -1);
	db_bind_text(st, 4, in->passed_on, -1);
	db_bind_text(st, 5, in->issuer && in->issuer[0] ? in->issuer : NULL, -1);
	db_bind_text(st, 6, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*qid = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_ERR_UNIQUE) {
		err_set(er, SG_ERR_CONFLICT, "certificate %s is already on record",
			in->certificate_no);
		err_field(er, "certificate_no", "duplicate", "already on record");
		code = SG_ERR_CONFLICT;
		goto fail;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"qualification_id\":%lld,\"level\":\"%s\"}",
		 (long long)*qid, worker_level_name(level));
	if ((code = refresh_derived(db, worker_id, er)) != SG_OK ||
	    (code = audit_worker(db, who, "worker.qualification_add", worker_id, details,
				 er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
	*qid = 0;
out:
	free(w);
	return code;
}

sg_err worker_qualification_remove(db_t *db, const struct actor *who,
				   int64_t worker_id, int64_t qid,
				   struct err_report *er)
{
	struct worker *w = NULL;
	char now[UTIL_TIME_LEN], details[64];
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN,
			       "only a bureau account removes a qualification");
	w = malloc(sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, who, worker_id, w, er)) != SG_OK)
		goto out;
	util_time_iso(util_now(), now);
	snprintf(details, sizeof(details), "{\"qualification_id\":%lld}", (long long)qid);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "UPDATE qualifications SET removed_at = ?"
			    " WHERE id = ? AND worker_id = ? AND removed_at IS NULL");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, now, -1);
	db_bind_int(st, 2, qid);
	db_bind_int(st, 3, worker_id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	if (db_changes(db) == 0) {
		code = err_set(er, SG_ERR_NOT_FOUND, "no such qualification");
		goto fail;
	}
	if ((code = refresh_derived(db, worker_id, er)) != SG_OK ||
	    (code = audit_worker(db, who, "worker.qualification_remove", worker_id,
				 details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		code = db_fail(db, rc, er);
	goto out;
fail:
	db_rollback(db);
out:
	free(w);
	return code;
}

/* ---- bulk import ---------------------------------------------------------------
 * worker_upsert_in_tx(): one row of the workers import, inside the import's
 * transaction, without per-row audit (the import audits once). Reuses the
 * create checks (check_input), sealing (seal_id) and search text of this file.
 */

static int import_all_or_none(const char *a, const char *b, const char *c)
{
	int n = (a && a[0]) + (b && b[0]) + (c && c[0]);

	return n == 0 ? 0 : n == 3 ? 1 : -1;
}

static sg_err import_check_extra(const struct worker_import *in, int *has_q,
				 int *has_r, struct err_report *er)
{
	char today[IDCARD_DATE_SIZE];

	today_china(today, NULL);
	*has_q = import_all_or_none(in->level, in->certificate_no, in->passed_on);
	*has_r = import_all_or_none(in->registration_no, in->registered_on, in->expires_on);
	if (*has_q < 0)
		err_field(er, (in->level && in->level[0]) ? "certificate_no" : "level",
			  "required", "level, certificate_no and passed_on go together");
	if (*has_q > 0) {
		if (worker_level_from_name(in->level) < WORKER_LEVEL_ASSISTANT)
			err_field(er, "level", "invalid", "one of assistant, intermediate, senior");
		if (!certificate_valid(in->certificate_no))
			err_field(er, "certificate_no", "invalid", "4 to 40 of A-Z, a-z, 0-9, -");
		if (!input_date_valid(in->passed_on))
			err_field(er, "passed_on", "invalid", "a date YYYY-MM-DD");
		else if (strcmp(in->passed_on, today) > 0)
			err_field(er, "passed_on", "future", "is after today");
	}
	if (*has_r < 0)
		err_field(er, "registration_no", "required",
			  "registration_no, registered_on and expires_on go together");
	if (*has_r > 0) {
		if (*has_q <= 0)
			err_field(er, "registration_no", "requires_qualification",
				  "a registration needs the qualification certificate");
		if (!certificate_valid(in->registration_no))
			err_field(er, "registration_no", "invalid", "4 to 40 of A-Z, a-z, 0-9, -");
		if (!input_date_valid(in->registered_on))
			err_field(er, "registered_on", "invalid", "a date YYYY-MM-DD");
		if (!input_date_valid(in->expires_on))
			err_field(er, "expires_on", "invalid", "a date YYYY-MM-DD");
		else if (input_date_valid(in->registered_on) &&
			 strcmp(in->expires_on, in->registered_on) <= 0)
			err_field(er, "expires_on", "invalid", "must be after registered_on");
	}
	return SG_OK;
}

static int import_differs(const struct worker *cur, const struct values *v)
{
	return !same(cur->name, v->name) || !same(empty_null(cur->phone), v->phone) ||
	       !same(empty_null(cur->education), v->education) ||
	       cur->social_work_major != v->major || !same(cur->region_code, v->region) ||
	       !same(empty_null(cur->org_name), v->org_name) ||
	       !same(empty_null(cur->post), v->post) || !same(cur->status, v->status) ||
	       cur->fields != v->fields;
}

/* Qualification of the row: 0 unchanged, 1 written; field error if taken. */
static sg_err import_qualification(db_t *db, int64_t wid, const struct worker_import *in,
				   const char *now, int64_t *qid, int *changed,
				   struct err_report *er)
{
	int level = worker_level_from_name(in->level), rc;
	db_stmt_t *st = db_prepare(db, "SELECT id, worker_id, level, passed_on FROM"
				       " qualifications WHERE certificate_no = ?"
				       " AND removed_at IS NULL");

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, in->certificate_no, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		int64_t owner = db_col_int(st, 1);
		int same_values = db_col_int(st, 2) == level &&
				  !strcmp(nz(st, 3), in->passed_on);

		*qid = db_col_int(st, 0);
		db_done(st);
		if (owner != wid)
			return err_field(er, "certificate_no", "duplicate",
					 "already on record for another worker");
		if (same_values)
			return SG_OK;
		st = db_prepare(db, "UPDATE qualifications SET level = ?, passed_on = ?"
				    " WHERE id = ?");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, level);
		db_bind_text(st, 2, in->passed_on, -1);
		db_bind_int(st, 3, *qid);
	} else {
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		st = db_prepare(db, "INSERT INTO qualifications (worker_id, level, certificate_no,"
				    " passed_on, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, wid);
		db_bind_int(st, 2, level);
		db_bind_text(st, 3, in->certificate_no, -1);
		db_bind_text(st, 4, in->passed_on, -1);
		db_bind_text(st, 5, now, -1);
	}
	rc = db_step(st);
	if (rc == DB_ROW)
		*qid = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	*changed = 1;
	return SG_OK;
}

/* The row's registration; a worker inserted by the row already has its state. */
static sg_err import_registration(db_t *db, int64_t wid, int64_t qid,
				  const struct worker_import *in, int inserted,
				  const char *now, int *changed, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id, worker_id, registered_on, expires_on"
				       " FROM registrations WHERE certificate_no = ?");
	int64_t rid = 0;
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, in->registration_no, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		int same_values = !strcmp(nz(st, 2), in->registered_on) &&
				  !strcmp(nz(st, 3), in->expires_on);
		int64_t owner = db_col_int(st, 1);

		rid = db_col_int(st, 0);
		db_done(st);
		if (owner != wid)
			return err_field(er, "registration_no", "duplicate",
					 "already on record for another worker");
		if (same_values)
			return SG_OK;
		st = db_prepare(db, "UPDATE registrations SET registered_on = ?,"
				    " expires_on = ?, updated_at = ? WHERE id = ?");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_text(st, 1, in->registered_on, -1);
		db_bind_text(st, 2, in->expires_on, -1);
		db_bind_text(st, 3, now, -1);
		db_bind_int(st, 4, rid);
	} else {
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		st = db_prepare(db, "INSERT INTO registrations (worker_id, kind, qualification_id,"
				    " state, registered_on, expires_on, certificate_no,"
				    " created_at, updated_at)"
				    " VALUES (?, 'first', ?, 'certified', ?, ?, ?, ?, ?)");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, wid);
		db_bind_int(st, 2, qid);
		db_bind_text(st, 3, in->registered_on, -1);
		db_bind_text(st, 4, in->expires_on, -1);
		db_bind_text(st, 5, in->registration_no, -1);
		db_bind_text(st, 6, now, -1);
		db_bind_text(st, 7, now, -1);
	}
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	*changed = 1;
	if (inserted)
		return SG_OK;
	st = db_prepare(db, "UPDATE workers SET registration_state = 'certified',"
			    " registration_expires_on = (SELECT max(expires_on) FROM registrations"
			    " WHERE worker_id = ?) WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, wid);
	db_bind_int(st, 2, wid);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * A new worker, with the level and search text that refresh_derived()
 * would give it once the row's qualification (in, when it has one) is
 * stored, and the registration state import_registration() would give it
 * (when in has a registration): so a new worker is written once.
 */
static sg_err import_insert(db_t *db, const struct values *v, const struct sealed_id *sid,
			    const struct worker_import *in, const char *now, int64_t *id,
			    struct err_report *er)
{
	struct buf text = BUF_INIT(1 << 16);
	db_stmt_t *st;
	sg_err code;
	int rc;

	if ((code = build_search_text(db, 0, v->name, v->org_name,
				       in ? in->certificate_no : NULL, &text, er)) != SG_OK)
		goto out;
	st = db_prepare(db, "INSERT INTO workers (name, id_sealed, id_hash, id_masked,"
			    " sex, birth_date, phone, education, social_work_major,"
			    " region_code, org_name, post, status, search_text,"
			    " created_at, updated_at, level, registration_state,"
			    " registration_expires_on)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			    " coalesce(?, 'not_applied'), ?)"
			    " RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, v->name, -1);
	db_bind_text(st, 2, sid->sealed, -1);
	db_bind_text(st, 3, sid->hash, -1);
	db_bind_text(st, 4, sid->masked, -1);
	db_bind_text(st, 5, sex_name(v->sex), -1);
	db_bind_text(st, 6, v->birth_date, -1);
	db_bind_text(st, 7, v->phone, -1);
	db_bind_text(st, 8, v->education, -1);
	db_bind_int(st, 9, v->major);
	db_bind_text(st, 10, v->region, -1);
	db_bind_text(st, 11, v->org_name, -1);
	db_bind_text(st, 12, v->post, -1);
	db_bind_text(st, 13, v->status, -1);
	db_bind_text(st, 14, buf_cstr(&text), -1);
	db_bind_text(st, 15, now, -1);
	db_bind_text(st, 16, now, -1);
	db_bind_int(st, 17, in ? worker_level_from_name(in->level) : 0);
	db_bind_text_opt(st, 18, in && in->expires_on ? "certified" : NULL);
	db_bind_text_opt(st, 19, in ? in->expires_on : NULL);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
	else if (v->fields)
		code = write_fields(db, *id, v->fields, er);
out:
	buf_release(&text);
	return code;
}

static sg_err import_update(db_t *db, int64_t id, const struct values *v,
			    const char *now, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "UPDATE workers SET name = ?, phone = ?, education = ?,"
				       " social_work_major = ?, region_code = ?, org_name = ?,"
				       " post = ?, status = ?, updated_at = ? WHERE id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, v->name, -1);
	db_bind_text(st, 2, v->phone, -1);
	db_bind_text(st, 3, v->education, -1);
	db_bind_int(st, 4, v->major);
	db_bind_text(st, 5, v->region, -1);
	db_bind_text(st, 6, v->org_name, -1);
	db_bind_text(st, 7, v->post, -1);
	db_bind_text(st, 8, v->status, -1);
	db_bind_text(st, 9, now, -1);
	db_bind_int(st, 10, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return write_fields(db, id, v->fields, er);
}

sg_err worker_upsert_in_tx(db_t *db, const struct actor *who,
			   const struct worker_import *in, int *outcome,
			   struct err_report *er)
{
	struct sealed_id sid;
	struct worker cur;
	struct values v;
	char now[UTIL_TIME_LEN], hash[65];
	int64_t id = 0, qid = 0;
	int has_q, has_r, rc, changed = 0, inserted = 0, derived = 0;
	db_stmt_t *st;
	sg_err code = SG_OK;

	*outcome = 0;
	if (!may_use(who))
		return forbidden(er);
	if (check_input(db, who, &in->in, NULL, &v, er) != SG_OK)
		goto out;
	import_check_extra(in, &has_q, &has_r, er);
	if (er->nfields || er->code != SG_OK) {
		code = er->code != SG_OK ? er->code : SG_ERR_INVALID;
		goto out;
	}
	if (!secret_loaded()) {
		code = err_set(er, SG_ERR_INTERNAL, "the instance key is not loaded");
		goto out;
	}
	secret_lookup_hash(v.id.number, IDCARD_LEN, hash);
	util_time_iso(util_now(), now);

	st = db_prepare(db, "SELECT id, region_code FROM workers WHERE id_hash = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, hash, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		if (!actor_in_scope(who, nz(st, 1)))
			id = -1;
	}
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (id < 0) {
		code = err_field(er, "id_number", "duplicate",
				 "already registered in another region");
		goto out;
	}
	if (id > 0) {
		if ((code = fetch(db, id, &cur, er)) != SG_OK)
			goto out;
		if (import_differs(&cur, &v)) {
			if ((code = import_update(db, id, &v, now, er)) != SG_OK)
				goto out;
			changed = derived = 1;
		}
	} else {
		if ((code = seal_id(v.id.number, &sid, er)) != SG_OK ||
		    (code = import_insert(db, &v, &sid, has_q > 0 ? in : NULL, now,
					  &id, er)) != SG_OK)
			goto out;
		inserted = 1;
	}
	if (has_q > 0) {
		int qchanged = 0;

		if ((code = import_qualification(db, id, in, now, &qid, &qchanged, er)) != SG_OK)
			goto out;
		changed |= qchanged;
		derived |= qchanged && !inserted;
		if (has_r > 0 && (code = import_registration(db, id, qid, in, inserted, now,
							      &changed, er)) != SG_OK)
			goto out;
	}
	if (derived && (code = refresh_derived(db, id, er)) != SG_OK)
		goto out;
	*outcome = inserted ? WORKER_UPSERT_INSERTED :
		   changed ? WORKER_UPSERT_UPDATED : WORKER_UPSERT_UNCHANGED;
out:
	sodium_memzero(v.id.number, sizeof(v.id.number));
	sodium_memzero(hash, sizeof(hash));
	return code;
}

/* ---- bulk mode (migration 018) ------------------------------------------------ */

sg_err worker_bulk_begin(db_t *db, int64_t *mark, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO bulk_load (first_worker_id)"
				       " SELECT coalesce(max(id), 0) + 1 FROM workers"
				       " RETURNING first_worker_id");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	if (rc == DB_ROW)
		*mark = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW ? SG_OK : db_fail(db, rc < 0 ? rc : DB_ERR, er);
}

sg_err worker_bulk_end(db_t *db, int64_t mark, struct err_report *er)
{
	sg_err code;

	if ((code = db_exec_int(db, "INSERT INTO workers_fts (rowid, search_text)"
				    " SELECT id, search_text FROM workers WHERE id >= ?",
				mark, er)) != SG_OK ||
	    (code = db_exec_int(db, "INSERT OR IGNORE INTO worker_grams"
				    " (gram, level, region_code, created_at, id)"
				    " SELECT gram, level, region_code, created_at, id"
				    " FROM worker_gram_rows WHERE id >= ?"
				    " ORDER BY gram, level, region_code, created_at, id",
				mark, er)) != SG_OK ||
	    (code = db_exec_int(db, "INSERT INTO stat_counts (region_code, metric, value)"
				    " SELECT region_code, metric, count(*) FROM worker_stat_rows"
				    " WHERE worker_id >= ? GROUP BY region_code, metric"
				    " ON CONFLICT (region_code, metric)"
				    " DO UPDATE SET value = value + excluded.value",
				mark, er)) != SG_OK)
		return code;
	return db_exec_int(db, "DELETE FROM bulk_load WHERE first_worker_id = ?", mark, er);
}
