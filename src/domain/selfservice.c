/*
 * selfservice.c: a worker's own record; see selfservice.h.
 *
 * Reading reuses the registry's functions with a "self" actor: a copy of
 * the caller whose role is the system's and whose scope is the country,
 * used only after the record was found through the caller's own link, so
 * that scope does not hide the caller's record while the caller's login
 * and user id still sign every audit record (the reveal).
 */
#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selfservice.h"
#include "audit.h"
#include "certpdf.h"
#include "employment.h"
#include "pool.h"
#include "worker.h"
#include "../core/util.h"
#include "../core/banned.h"

/* The worker id linked to the caller: SG_OK, FORBIDDEN, NOT_FOUND or DB. */
static sg_err own_worker(db_t *db, const struct actor *who, int64_t *id,
			 struct actor *self, struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	*id = 0;
	if (who->role != ROLE_WORKER || who->user_id <= 0)
		return err_set(er, SG_ERR_FORBIDDEN, "only a worker account has its own record");
	st = db_prepare(db, "SELECT worker_id FROM users WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, who->user_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (*id <= 0)
		return err_set(er, SG_ERR_NOT_FOUND, "no worker record is linked to this account");
	*self = *who;
	self->role = ROLE_SYSTEM;
	self->region_code[0] = '\0';
	return SG_OK;
}

sg_err selfservice_link(db_t *db, const struct actor *who, int64_t worker_id,
			int64_t user_id, struct err_report *er)
{
	struct worker *w = NULL;
	char role[16] = "", region[16] = "", details[96];
	int64_t linked = 0;
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau links accounts");
	w = malloc(sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = worker_get(db, who, worker_id, w, er);
	free(w);
	if (code != SG_OK)
		return code;
	if (user_id > 0) {
		st = db_prepare(db, "SELECT role, region_code, worker_id FROM users WHERE id = ?");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, user_id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			util_strlcpy(role, db_col_text(st, 0) ? db_col_text(st, 0) : "", sizeof(role));
			util_strlcpy(region, db_col_text(st, 1) ? db_col_text(st, 1) : "",
				     sizeof(region));
			linked = db_col_int(st, 2);
		}
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		if (rc != DB_ROW || !region[0] || !actor_in_scope(who, region))
			return err_field(er, "user_id", "not_found", "no such user");
		if (strcmp(role, "worker") != 0)
			return err_field(er, "user_id", "role", "must be a user of role worker");
		if (linked && linked != worker_id)
			return err_set(er, SG_ERR_CONFLICT, "the user is linked to another worker");
	}
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE users SET worker_id = NULL WHERE worker_id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, worker_id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	if (user_id > 0) {
		st = db_prepare(db, "UPDATE users SET worker_id = ? WHERE id = ?");
		if (!st) {
			code = db_fail(db, DB_ERR, er);
			goto fail;
		}
		db_bind_int(st, 1, worker_id);
		db_bind_int(st, 2, user_id);
		rc = db_step(st);
		db_done(st);
		if (rc != DB_DONE) {
			code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
			goto fail;
		}
	}
	{
		char object[24];
		struct audit_entry e = {
			.action = "worker.account_link",
			.object_type = "worker",
			.object_id = object,
			.outcome = AUDIT_SUCCESS,
			.details_json = details,
		};

		snprintf(object, sizeof(object), "%lld", (long long)worker_id);
		snprintf(details, sizeof(details), "{\"user_id\":%lld}", (long long)user_id);
		if ((code = audit_append(db, who, &e, er)) != SG_OK)
			goto fail;
	}
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

static int put_qual(const struct qualification *q, void *arg)
{
	worker_qualification_write_json(arg, q);
	return 0;
}

static int put_emp(const struct employment *e, void *arg)
{
	employment_write_json(arg, e);
	return 0;
}

static int put_rec(const struct worker_record *r, void *arg)
{
	worker_record_write_json(arg, r);
	return 0;
}

static int put_pool(const struct pool_member *m, void *arg)
{
	pool_member_write_json(arg, m);
	return 0;
}

sg_err selfservice_write(db_t *db, const struct actor *who, struct json_writer *jw,
			 struct err_report *er)
{
	struct worker *w;
	struct actor self;
	int64_t id;
	sg_err code;

	if ((code = own_worker(db, who, &id, &self, er)) != SG_OK)
		return code;
	if (!(w = malloc(sizeof(*w))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = worker_get(db, &self, id, w, er);
	if (code == SG_OK) {
		jw_obj_begin(jw);
		jw_key(jw, "worker");
		worker_write_json(jw, w);
	}
	free(w);
	if (code != SG_OK)
		return code;
	jw_key(jw, "qualifications");
	jw_arr_begin(jw);
	if ((code = worker_qualifications(db, &self, id, put_qual, jw, er)) != SG_OK)
		return code;
	jw_arr_end(jw);
	jw_key(jw, "employments");
	jw_arr_begin(jw);
	if ((code = employment_list(db, &self, id, put_emp, jw, er)) != SG_OK)
		return code;
	jw_arr_end(jw);
	jw_key(jw, "records");
	jw_arr_begin(jw);
	if ((code = worker_records(db, &self, id, NULL, put_rec, jw, er)) != SG_OK)
		return code;
	jw_arr_end(jw);
	jw_key(jw, "pools");
	jw_arr_begin(jw);
	if ((code = pool_of_worker(db, &self, id, put_pool, jw, er)) != SG_OK)
		return code;
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

/* ---- the printable record ---------------------------------------------- */

#define PDF_W 595.28
#define PDF_H 841.89
#define PDF_MARGIN 56.0
#define PDF_BOTTOM (PDF_H - PDF_MARGIN)

struct sheet {
	cairo_t *cr;
	double y;
	int missing;
};

/* One line of text at the left margin (indent points in), if it fits. */
static void line(struct sheet *sh, const char *s, double size, int bold, double indent)
{
	if (sh->y + size * 1.6 > PDF_BOTTOM)
		return;
	sh->missing += certpdf_draw_text(sh->cr, s, size, bold, PDF_MARGIN + indent, sh->y,
					 PDF_W - 2 * PDF_MARGIN - indent);
	sh->y += size * 1.6;
}

static void heading(struct sheet *sh, const char *s)
{
	sh->y += 8;
	line(sh, s, 13, 1, 0);
}

static int pdf_qual(const struct qualification *q, void *arg)
{
	char t[160];

	if (q->removed_at[0])
		return 0;
	snprintf(t, sizeof(t), "%s  %s  %s", q->passed_on,
		 strcmp(worker_level_name(q->level), "senior") == 0 ? "高级社会工作师" :
		 strcmp(worker_level_name(q->level), "intermediate") == 0 ? "社会工作师" :
		 "助理社会工作师", q->certificate_no);
	line(arg, t, 10.5, 0, 12);
	return 0;
}

static int pdf_emp(const struct employment *e, void *arg)
{
	char t[700];

	snprintf(t, sizeof(t), "%s 至 %s  %s  %s", e->started_on,
		 e->ended_on[0] ? e->ended_on : "今", e->org_name, e->post);
	line(arg, t, 10.5, 0, 12);
	return 0;
}

static int pdf_rec(const struct worker_record *r, void *arg)
{
	char t[900];

	if (r->removed_at[0])
		return 0;
	snprintf(t, sizeof(t), "%s  %s  %s  %s", r->dated_on,
		 strcmp(r->kind, "honour") == 0 ? "荣誉" : "处分", r->title, r->issuer);
	line(arg, t, 10.5, 0, 12);
	return 0;
}

static int pdf_pool(const struct pool_member *m, void *arg)
{
	static const char *const names[][2] = {
		{ "leading", "领军人才" }, { "supervisor", "督导" }, { "mentor", "导师" },
		{ "expert", "专家" }, { "trainee", "学员" },
	};
	const char *name = m->pool;
	char t[160];

	if (m->removed_at[0])
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], m->pool) == 0)
			name = names[i][1];
	snprintf(t, sizeof(t), "%s  入库 %s%s%s", name, m->joined_on,
		 m->recertify_on[0] ? "  复审 " : "", m->recertify_on);
	line(arg, t, 10.5, 0, 12);
	return 0;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

sg_err selfservice_pdf(db_t *db, const struct actor *who, struct buf *out,
		       struct err_report *er)
{
	struct worker *w = NULL;
	struct sheet sh = { NULL, PDF_MARGIN, 0 };
	cairo_surface_t *sf = NULL;
	struct actor self;
	char t[700], now[UTIL_TIME_LEN];
	cairo_status_t st;
	int64_t id;
	sg_err code;

	if ((code = own_worker(db, who, &id, &self, er)) != SG_OK)
		return code;
	if (!(w = malloc(sizeof(*w))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, &self, id, w, er)) != SG_OK)
		goto out;
	sf = cairo_pdf_surface_create_for_stream(pdf_write, out, PDF_W, PDF_H);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "社会工作者个人档案");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shegong");
	sh.cr = cairo_create(sf);
	line(&sh, "社会工作者个人档案", 18, 1, 0);
	util_time_iso(util_now(), now);
	snprintf(t, sizeof(t), "导出时间 %s", now);
	line(&sh, t, 9, 0, 0);
	heading(&sh, w->name);
	snprintf(t, sizeof(t), "公民身份号码 %s    出生日期 %s", w->id_masked, w->birth_date);
	line(&sh, t, 10.5, 0, 12);
	snprintf(t, sizeof(t), "地区 %s    电话 %s", w->region_name, w->phone);
	line(&sh, t, 10.5, 0, 12);
	snprintf(t, sizeof(t), "服务机构 %s    岗位 %s", w->org_name, w->post);
	line(&sh, t, 10.5, 0, 12);
	heading(&sh, "职业水平证书");
	if ((code = worker_qualifications(db, &self, id, pdf_qual, &sh, er)) != SG_OK)
		goto draw_end;
	heading(&sh, "服务履历");
	if ((code = employment_list(db, &self, id, pdf_emp, &sh, er)) != SG_OK)
		goto draw_end;
	heading(&sh, "荣誉与处分");
	if ((code = worker_records(db, &self, id, NULL, pdf_rec, &sh, er)) != SG_OK)
		goto draw_end;
	heading(&sh, "人才库");
	code = pool_of_worker(db, &self, id, pdf_pool, &sh, er);
draw_end:
	cairo_show_page(sh.cr);
	st = cairo_status(sh.cr);
	cairo_destroy(sh.cr);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (code != SG_OK)
		goto out;
	if (sh.missing > 0)
		code = err_set(er, SG_ERR_IO, "%d character(s) have no glyph in any installed"
			       " font (install fonts-noto-cjk)", sh.missing);
	else if (out->err)
		code = err_set(er, (sg_err)out->err, "the PDF does not fit in its buffer");
	else if (st != CAIRO_STATUS_SUCCESS)
		code = err_set(er, SG_ERR_INTERNAL, "PDF: %s", cairo_status_to_string(st));
out:
	free(w);
	return code;
}

sg_err selfservice_reveal(db_t *db, const struct actor *who, const char *reason,
			  char out[IDCARD_SIZE], struct err_report *er)
{
	struct actor self;
	int64_t id;
	sg_err code;

	out[0] = '\0';
	if ((code = own_worker(db, who, &id, &self, er)) != SG_OK)
		return code;
	return worker_reveal(db, &self, id, reason, out, er);
}
