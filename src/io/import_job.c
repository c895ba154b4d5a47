/*
 * import_job.c: imports as background jobs; see import_job.h.
 *
 * The upload is a file rather than a blob in the database: the reader
 * streams it, and a 200 MB workbook never sits in a row or a WAL frame.
 * The error report is written in its own transaction after the import's,
 * so that a strict import rolled back still explains why.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "import_job.h"
#include "import.h"
#include "sheetw.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *opt_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && s[0] ? s : NULL;
}

static int encoding_parse(const char *s)
{
	if (!s || !strcmp(s, "auto"))
		return SHEET_ENC_AUTO;
	if (!strcmp(s, "utf-8") || !strcmp(s, "utf8"))
		return SHEET_ENC_UTF8;
	if (!strcmp(s, "gb18030") || !strcmp(s, "gbk"))
		return SHEET_ENC_GB18030;
	return -1;
}

/* The request's fields and who's right to import its kind. */
static sg_err check_request(const struct actor *who, const struct import_request *req,
			    struct err_report *er)
{
	const struct import_kind *k = import_kind_find(req->kind);

	if (!k)
		err_field(er, "kind", "unknown", "no such import kind: %s",
			  req->kind ? req->kind : "");
	if (req->mode && import_mode_parse(req->mode) < 0)
		err_field(er, "mode", "invalid", "strict or skip-invalid");
	if (encoding_parse(req->encoding) < 0)
		err_field(er, "encoding", "invalid", "auto, utf-8 or gb18030");
	if (er->nfields)
		return SG_ERR_INVALID;
	if (who->role != ROLE_SYSTEM && !role_in(who->role, k->roles))
		return err_set(er, SG_ERR_FORBIDDEN, "your role (%s) may not import %s",
			       role_name(who->role), k->name);
	return SG_OK;
}

/* Queue the import job of req over the file at path (checked request). */
static sg_err queue(db_t *db, const struct actor *who, const struct import_request *req,
		    const char *path, int64_t *job_id, struct err_report *er)
{
	struct buf params = BUF_INIT(8192);
	struct json_writer jw;
	sg_err code;

	jw_init(&jw, &params);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", import_kind_find(req->kind)->name);
	jw_kv_str(&jw, "mode", import_mode_name((enum import_mode)
						 (req->mode ? import_mode_parse(req->mode) : 0)));
	jw_kv_str(&jw, "encoding", req->encoding ? req->encoding : "auto");
	jw_kv_str(&jw, "sheet", req->sheet);
	jw_kv_str(&jw, "file_name", req->file_name ? req->file_name : "upload");
	jw_kv_str(&jw, "path", path);
	jw_obj_end(&jw);
	if (jw_finish(&jw))
		code = err_set(er, SG_ERR_INVALID, "parameters too long");
	else
		code = jobs_submit(db, who, "import", buf_cstr(&params), job_id, er);
	buf_release(&params);
	return code;
}

/* Write len bytes of data to fd; SG_ERR_IO naming the upload. */
static sg_err write_all(int fd, const void *data, size_t len, struct err_report *er)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(er, SG_ERR_IO, "cannot store the upload: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return SG_OK;
}

sg_err import_submit(db_t *db, const struct actor *who, const char *db_path,
		     const struct import_request *req, const void *data,
		     size_t len, int64_t *job_id, struct err_report *er)
{
	unsigned char rnd[12];
	char path[4200], hex[25];
	sg_err code;
	int fd;

	*job_id = 0;
	if ((code = check_request(who, req, er)) != SG_OK)
		return code;
	if (len == 0)
		return err_field(er, "file", "required", "the file is empty");
	if (len > IMPORT_UPLOAD_MAX)
		return err_set(er, SG_ERR_TOO_LARGE, "files up to %u MiB",
			       IMPORT_UPLOAD_MAX >> 20);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if (snprintf(path, sizeof(path), "%s.upload-%s", db_path, hex) >= (int)sizeof(path))
		return err_set(er, SG_ERR_IO, "database path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(er, SG_ERR_IO, "cannot store the upload: %s", strerror(errno));
	code = write_all(fd, data, len, er);
	if (close(fd) != 0 && code == SG_OK)
		code = err_set(er, SG_ERR_IO, "cannot store the upload: %s", strerror(errno));
	if (code == SG_OK)
		code = queue(db, who, req, path, job_id, er);
	if (code != SG_OK)
		unlink(path);
	return code;
}

/* ---- uploads in pieces ------------------------------------------------------ */

/* The file of who's upload token (32 hex digits); -1 for a malformed token. */
static int upload_path(const char *db_path, const struct actor *who, const char *token,
		       char *out, size_t size)
{
	if (!token || strlen(token) != IMPORT_TOKEN_LEN ||
	    strspn(token, "0123456789abcdef") != IMPORT_TOKEN_LEN)
		return -1;
	return snprintf(out, size, "%s.upload-u%lld-%s", db_path, (long long)who->user_id,
			token) < (int)size ? 0 : -1;
}

/*
 * Remove who's uploads not yet submitted: a user sends one file at a time,
 * so one abandoned upload (up to IMPORT_UPLOAD_MAX) is the most a user can
 * leave on the disk.
 */
static void drop_pending_uploads(const char *db_path, const struct actor *who)
{
	char dir_buf[4096], base_buf[4096], prefix[4200], path[8400];
	const char *base;
	struct dirent *e;
	DIR *d;

	util_strlcpy(dir_buf, db_path, sizeof(dir_buf));
	util_strlcpy(base_buf, db_path, sizeof(base_buf));
	base = basename(base_buf);
	snprintf(prefix, sizeof(prefix), "%s.upload-u%lld-", base, (long long)who->user_id);
	if (!(d = opendir(dirname(dir_buf))))
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(path, sizeof(path), "%s.%s", db_path, e->d_name + strlen(base) + 1);
			unlink(path);
		}
	closedir(d);
}

sg_err import_upload_begin(const char *db_path, const struct actor *who,
			   char token[IMPORT_TOKEN_LEN + 1], struct err_report *er)
{
	unsigned char rnd[IMPORT_TOKEN_LEN / 2];
	char path[4200];
	int fd;

	drop_pending_uploads(db_path, who);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(token, IMPORT_TOKEN_LEN + 1, rnd, sizeof(rnd));
	if (upload_path(db_path, who, token, path, sizeof(path)))
		return err_set(er, SG_ERR_IO, "database path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(er, SG_ERR_IO, "cannot start the upload: %s", strerror(errno));
	close(fd);
	return SG_OK;
}

sg_err import_upload_append(const char *db_path, const struct actor *who, const char *token,
			    int64_t offset, const void *data, size_t len, int64_t *size,
			    struct err_report *er)
{
	char path[4200];
	struct stat stbuf;
	sg_err code;
	int fd;

	if (upload_path(db_path, who, token, path, sizeof(path)) ||
	    (fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		return err_set(er, SG_ERR_NOT_FOUND, "no such upload");
	if (fstat(fd, &stbuf) != 0) {
		code = err_set(er, SG_ERR_IO, "cannot read the upload: %s", strerror(errno));
	} else if (stbuf.st_size != offset) {
		/* pieces go in order: the client resumes from the size it is told */
		err_field(er, "offset", "mismatch", "the upload has %lld bytes",
			  (long long)stbuf.st_size);
		code = er->code = SG_ERR_CONFLICT;
	} else if ((uint64_t)stbuf.st_size + len > IMPORT_UPLOAD_MAX) {
		code = err_set(er, SG_ERR_TOO_LARGE, "files up to %u MiB", IMPORT_UPLOAD_MAX >> 20);
	} else {
		code = write_all(fd, data, len, er);
	}
	*size = code == SG_OK ? (int64_t)stbuf.st_size + (int64_t)len : (int64_t)stbuf.st_size;
	if (close(fd) != 0 && code == SG_OK)
		code = err_set(er, SG_ERR_IO, "cannot store the upload: %s", strerror(errno));
	return code;
}

sg_err import_submit_upload(db_t *db, const struct actor *who, const char *db_path,
			    const struct import_request *req, const char *token,
			    int64_t *job_id, struct err_report *er)
{
	char path[4200];
	struct stat stbuf;
	sg_err code;

	*job_id = 0;
	if ((code = check_request(who, req, er)) != SG_OK)
		return code;
	if (upload_path(db_path, who, token, path, sizeof(path)) || stat(path, &stbuf) != 0)
		return err_field(er, "upload", "unknown", "no such upload");
	if (stbuf.st_size == 0)
		return err_field(er, "file", "required", "the file is empty");
	return queue(db, who, req, path, job_id, er);
}

static void job_progress(int64_t done, int64_t total, void *arg)
{
	jobs_progress(arg, done, total);
}

static int job_stop(void *arg)
{
	(void)arg;
	return jobs_should_stop();
}

/* The report tables, in one transaction of their own. */
static sg_err store_report(db_t *db, int64_t job_id, const struct import_result *r,
			   struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO import_reports (job_id, headers, problems_dropped)"
			    " VALUES (?, ?, ?)");
	if (!st)
		goto fail;
	db_bind_int(st, 1, job_id);
	db_bind_text(st, 2, r->headers_json ? r->headers_json : "[]", -1);
	db_bind_int(st, 3, r->problems_dropped);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct import_problem *p = &r->problems[i];

		st = db_prepare(db, "INSERT INTO import_problems (job_id, seq, row, col, value,"
				    " code, message) VALUES (?, ?, ?, ?, ?, ?, ?)");
		if (!st)
			goto fail;
		db_bind_int(st, 1, job_id);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_int(st, 3, (int64_t)p->row);
		db_bind_text(st, 4, p->column, -1);
		db_bind_text(st, 5, p->value ? p->value : "", -1);
		db_bind_text(st, 6, p->code, -1);
		db_bind_text(st, 7, p->message, -1);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < r->nrejects; i++) {
		st = db_prepare(db, "INSERT INTO import_rejects (job_id, row, cells)"
				    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
		if (!st)
			goto fail;
		db_bind_int(st, 1, job_id);
		db_bind_int(st, 2, (int64_t)r->rejects[i].row);
		db_bind_text(st, 3, r->rejects[i].cells_json, -1);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto fail;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return db_fail(db, DB_ERR, er);
}

sg_err job_import(struct job_ctx *ctx, struct err_report *er)
{
	struct import_options opt = { .mode = IMPORT_STRICT };
	struct import_result r;
	json_t *params = ctx->params ? json_loads(ctx->params, 0, NULL) : NULL;
	const char *path = opt_str(params, "path");
	const char *kind = opt_str(params, "kind");
	sg_err code;
	int enc;

	memset(&r, 0, sizeof(r));
	if (!path || !kind) {
		code = err_set(er, SG_ERR_INVALID, "import job without a file");
		goto out;
	}
	opt.mode = (enum import_mode)(import_mode_parse(opt_str(params, "mode")) == IMPORT_SKIP_INVALID);
	enc = encoding_parse(opt_str(params, "encoding"));
	opt.encoding = enc < 0 ? SHEET_ENC_AUTO : (enum sheet_encoding)enc;
	opt.sheet = opt_str(params, "sheet");
	opt.file_name = opt_str(params, "file_name");
	opt.progress = job_progress;
	opt.should_stop = job_stop;
	opt.arg = ctx;
	if ((code = import_run(ctx->db, &ctx->who, kind, path, &opt, &r, er)) != SG_OK)
		goto out;
	if ((code = store_report(ctx->db, ctx->id, &r, er)) != SG_OK)
		goto out;
	import_result_json(&r, kind, &opt, &ctx->result);
out:
	if (path && unlink(path) != 0 && errno != ENOENT)
		log_warn("import job %lld: cannot remove %s: %s", (long long)ctx->id, path,
			 strerror(errno));
	import_result_release(&r);
	json_decref(params);
	return code;
}

/* 1 if a queued import will read the file at path, 0 if not, -1 on error. */
static int upload_wanted(db_t *db, const char *path)
{
	db_stmt_t *st = db_prepare(db, "SELECT 1 FROM jobs WHERE kind = 'import'"
				       " AND state = 'queued' AND json_extract(params, '$.path') = ?");
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, path, -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? -1 : rc == DB_ROW;
}

int import_sweep_files(db_t *db, const char *db_path)
{
	char dir_buf[4096], base_buf[4096], upload[4200], out[4200], export[4200], path[8400];
	const char *dir, *base;
	struct dirent *e;
	int removed = 0;
	DIR *d;

	util_strlcpy(dir_buf, db_path, sizeof(dir_buf));
	util_strlcpy(base_buf, db_path, sizeof(base_buf));
	dir = dirname(dir_buf);
	base = basename(base_buf);
	snprintf(upload, sizeof(upload), "%s.upload-", base);
	snprintf(out, sizeof(out), "%s.out-", base);
	snprintf(export, sizeof(export), "%s.export-", base);
	if (!(d = opendir(dir)))
		return -1;
	while ((e = readdir(d))) {
		int is_upload = !strncmp(e->d_name, upload, strlen(upload));
		int wanted = 0;

		if (!is_upload && strncmp(e->d_name, out, strlen(out)) &&
		    strncmp(e->d_name, export, strlen(export)))
			continue;
		/* uploads are named by the path the job was given: db_path's spelling */
		snprintf(path, sizeof(path), "%s.%s", db_path, e->d_name + strlen(base) + 1);
		if (is_upload && (wanted = upload_wanted(db, path)) < 0) {
			removed = -1;
			break;
		}
		if (!wanted && unlink(path) == 0) {
			log_info("removed %s, left from before this start", path);
			removed++;
		}
	}
	closedir(d);
	return removed;
}

/* Writes the file at path; the arg is the caller's. */
typedef sg_err (*file_writer_fn)(const char *path, void *arg, struct err_report *er);

/*
 * Run write on a private temporary file beside db_path, read the file into
 * out and remove it: libxlsxwriter writes only to named files.
 */
static sg_err bytes_via_file(const char *db_path, file_writer_fn write, void *arg,
			     struct buf *out, struct err_report *er)
{
	unsigned char rnd[8];
	char path[4200], hex[17], chunk[8192];
	sg_err code;
	FILE *in;
	size_t n;

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if (snprintf(path, sizeof(path), "%s.out-%s", db_path, hex) >= (int)sizeof(path))
		return err_set(er, SG_ERR_IO, "database path too long");
	if ((code = write(path, arg, er)) != SG_OK) {
		unlink(path);
		return code;
	}
	if (!(in = fopen(path, "rb"))) {
		unlink(path);
		return err_set(er, SG_ERR_IO, "cannot read back %s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		buf_add(out, chunk, n);
	fclose(in);
	unlink(path);
	if (out->err)
		return err_set(er, SG_ERR_TOO_LARGE, "the file is too large to send");
	return SG_OK;
}

struct template_job {
	const char *kind;
	enum sheetw_format format;
};

static sg_err write_template(const char *path, void *arg, struct err_report *er)
{
	const struct template_job *t = arg;

	return import_template_write(t->kind, t->format, path, er);
}

sg_err import_template_bytes(const char *kind, const char *format, const char *db_path,
			     struct buf *out, struct err_report *er)
{
	struct template_job t = { kind, format ? sheetw_format_parse(format) : SHEETW_CSV };

	if (!import_kind_find(kind))
		return err_set(er, SG_ERR_NOT_FOUND, "no such import kind");
	if (!t.format)
		return err_field(er, "format", "invalid", "csv or xlsx");
	return bytes_via_file(db_path, write_template, &t, out, er);
}

struct report_job {
	const char *headers;
	const struct import_problem *p;
	size_t np;
	const struct import_reject *rj;
	size_t nrj;
	enum sheetw_format format;
};

static sg_err write_report(const char *path, void *arg, struct err_report *er)
{
	const struct report_job *r = arg;

	return import_errors_write(r->headers, r->p, r->np, r->rj, r->nrj, r->format, path, er);
}

sg_err import_report_bytes(db_t *db, const struct actor *who, int64_t id,
			   const char *format, const char *db_path, struct buf *out,
			   struct err_report *er)
{
	struct import_problem *p = NULL;
	struct import_reject *rj = NULL;
	size_t np = 0, nrj = 0, cap = 0;
	struct job_info j;
	char *headers = NULL;
	db_stmt_t *st;
	enum sheetw_format f = format && *format ? sheetw_format_parse(format) : SHEETW_CSV;
	sg_err code = SG_OK;
	int rc;

	if (!f)
		return err_field(er, "format", "invalid", "csv or xlsx");
	if ((code = jobs_get(db, who, id, &j, er)) != SG_OK)
		return code;
	rc = strcmp(j.kind, "import");
	job_info_free(&j);
	if (rc)
		return err_set(er, SG_ERR_NOT_FOUND, "no such import");
	st = db_prepare(db, "SELECT headers FROM import_reports WHERE job_id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		headers = strdup(db_col_text(st, 0));
	db_done(st);
	if (rc != DB_ROW)
		return rc < 0 ? db_fail(db, rc, er)
			      : err_set(er, SG_ERR_NOT_FOUND, "this import has no report yet");
	st = db_prepare(db, "SELECT row, col, value, code, message FROM import_problems"
			    " WHERE job_id = ? ORDER BY seq");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (np == cap) {
			void *n = realloc(p, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!n) {
				rc = DB_ERR;
				break;
			}
			p = n;
		}
		memset(&p[np], 0, sizeof(p[np]));
		p[np].row = (uint64_t)db_col_int(st, 0);
		util_strlcpy(p[np].column, db_col_text(st, 1), sizeof(p[np].column));
		p[np].value = strdup(db_col_text(st, 2));
		util_strlcpy(p[np].code, db_col_text(st, 3), sizeof(p[np].code));
		util_strlcpy(p[np].message, db_col_text(st, 4), sizeof(p[np].message));
		np++;
	}
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	cap = 0;
	st = db_prepare(db, "SELECT row, cells FROM import_rejects WHERE job_id = ? ORDER BY row");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (nrj == cap) {
			void *n = realloc(rj, (cap = cap ? cap * 2 : 64) * sizeof(*rj));

			if (!n) {
				rc = DB_ERR;
				break;
			}
			rj = n;
		}
		rj[nrj].row = (uint64_t)db_col_int(st, 0);
		rj[nrj].cells_json = strdup(db_col_text(st, 1));
		nrj++;
	}
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	{
		struct report_job r = { headers, p, np, rj, nrj, f };

		code = bytes_via_file(db_path, write_report, &r, out, er);
	}
out:
	for (size_t i = 0; i < np; i++)
		free(p[i].value);
	for (size_t i = 0; i < nrj; i++)
		free(rj[i].cells_json);
	free(p);
	free(rj);
	free(headers);
	return code;
}

sg_err import_list(db_t *db, const struct actor *who, int64_t offset, int64_t limit,
		   int (*each)(const struct import_entry *e, void *arg), void *arg,
		   int64_t *total, struct err_report *er)
{
	/* ?2: the system actor (CLI) lists every account's imports */
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM jobs WHERE kind = 'import'"
				       " AND (?2 OR user_id = ?1)");
	int all = who->role == ROLE_SYSTEM, rc, stop = 0;

	*total = 0;
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, who->user_id);
	db_bind_int(st, 2, all);
	if ((rc = db_step(st)) == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "SELECT j.id, j.state, j.params, j.done, j.total, j.result, j.error,"
			    " j.created_at, j.finished_at, u.login FROM jobs j"
			    " LEFT JOIN users u ON u.id = j.user_id"
			    " WHERE j.kind = 'import' AND (?2 OR j.user_id = ?1)"
			    " ORDER BY j.id DESC LIMIT ?3 OFFSET ?4");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, who->user_id);
	db_bind_int(st, 2, all);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, offset);
	while (!stop && (rc = db_step(st)) == DB_ROW) {
		json_t *params = json_loads(db_col_text(st, 2), 0, NULL);
		struct import_entry e = {
			db_col_int(st, 0), db_col_text(st, 1), opt_str(params, "kind"),
			opt_str(params, "mode"), opt_str(params, "file_name"),
			db_col_int(st, 3), db_col_int(st, 4),
			db_col_is_null(st, 5) ? NULL : db_col_text(st, 5),
			db_col_is_null(st, 6) ? NULL : db_col_text(st, 6),
			db_col_text(st, 7), db_col_is_null(st, 8) ? NULL : db_col_text(st, 8),
			db_col_is_null(st, 9) ? "system" : db_col_text(st, 9),
		};

		stop = each(&e, arg);
		json_decref(params);
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}
