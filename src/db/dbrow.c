/*
 * dbrow.c: records bound and read through a column table (see dbrow.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrow.h"
#include "../core/util.h"
#include "../core/banned.h"

#define AT(rec, c, type) (*(type *)((char *)(rec) + (c)->offset))
#define CAT(rec, c, type) (*(const type *)((const char *)(rec) + (c)->offset))

void dbrow_bind(db_stmt_t *st, int first, const struct dbrow_column *cols,
		size_t n, const void *rec)
{
	for (size_t i = 0; i < n; i++) {
		const struct dbrow_column *c = &cols[i];
		int idx = first + (int)i;

		switch (c->type) {
		case DBROW_TEXT:
			db_bind_text(st, idx, (const char *)rec + c->offset, -1);
			break;
		case DBROW_TEXT_OPT:
			db_bind_text_opt(st, idx, (const char *)rec + c->offset);
			break;
		case DBROW_ID_OPT:
			if (CAT(rec, c, int64_t))
				db_bind_int(st, idx, CAT(rec, c, int64_t));
			else
				db_bind_null(st, idx);
			break;
		case DBROW_INT64:
			db_bind_int(st, idx, CAT(rec, c, int64_t));
			break;
		case DBROW_INT:
			db_bind_int(st, idx, CAT(rec, c, int));
			break;
		case DBROW_REAL:
			db_bind_double(st, idx, CAT(rec, c, double));
			break;
		case DBROW_WORD: {
			int w = CAT(rec, c, int);

			db_bind_text(st, idx, w >= 0 && (size_t)w < c->nwords ? c->words[w] : "",
				     -1);
			break;
		}
		}
	}
}

void dbrow_read(db_stmt_t *st, int first, const struct dbrow_column *cols,
		size_t n, void *rec)
{
	for (size_t i = 0; i < n; i++) {
		const struct dbrow_column *c = &cols[i];
		int col = first + (int)i;

		switch (c->type) {
		case DBROW_TEXT:
		case DBROW_TEXT_OPT:
			db_col_copy(st, col, (char *)rec + c->offset, c->size);
			break;
		case DBROW_ID_OPT:
		case DBROW_INT64:
			AT(rec, c, int64_t) = db_col_int(st, col);
			break;
		case DBROW_INT:
			AT(rec, c, int) = (int)db_col_int(st, col);
			break;
		case DBROW_REAL:
			AT(rec, c, double) = db_col_double(st, col);
			break;
		case DBROW_WORD: {
			const char *word = db_col_text(st, col);

			AT(rec, c, int) = 0;
			for (size_t w = 0; word && w < c->nwords; w++)
				if (!strcmp(c->words[w], word))
					AT(rec, c, int) = (int)w;
			break;
		}
		}
	}
}

static int differs(const struct dbrow_column *c, const void *a, const void *b)
{
	switch (c->type) {
	case DBROW_TEXT:
	case DBROW_TEXT_OPT:
		return strcmp((const char *)a + c->offset, (const char *)b + c->offset) != 0;
	case DBROW_ID_OPT:
	case DBROW_INT64:
		return CAT(a, c, int64_t) != CAT(b, c, int64_t);
	case DBROW_INT:
	case DBROW_WORD:
		return CAT(a, c, int) != CAT(b, c, int);
	case DBROW_REAL:
		return CAT(a, c, double) != CAT(b, c, double);
	}
	return 0;
}

size_t dbrow_changed(const struct dbrow_column *cols, size_t n, const void *a,
		     const void *b, struct buf *out)
{
	size_t changed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!differs(&cols[i], a, b))
			continue;
		buf_printf(out, "%s\"%s\"", changed ? "," : "", cols[i].name);
		changed++;
	}
	return changed;
}

sg_err dbrow_fetch(db_t *db, const char *sql, int64_t id, dbrow_read_fn read,
		   void *rec, const char *what, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read(st, rec, NULL);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	return rc == DB_ROW ? SG_OK : err_set(er, SG_ERR_NOT_FOUND, "no such %s", what);
}

sg_err dbrow_save(db_t *db, const char *insert_sql, const char *update_sql,
		  const struct dbrow_column *cols, size_t n, const void *rec,
		  int64_t *id, struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st = db_prepare(db, *id ? update_sql : insert_sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	util_time_iso(util_now(), now);
	dbrow_bind(st, 1, cols, n, rec);
	if (!*id)
		db_bind_text(st, (int)n + 1, now, -1);
	db_bind_text(st, (int)n + 2, now, -1);
	if (*id)
		db_bind_int(st, (int)n + 3, *id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	return SG_OK;
}

sg_err dbrow_collect(db_t *db, db_stmt_t *st, size_t size, dbrow_read_fn read, void *arg,
		     void **items, size_t *count, struct err_report *er)
{
	size_t cap = 0;
	sg_err code = SG_OK;
	int rc;

	while ((rc = db_step(st)) == DB_ROW) {
		if (util_reserve(items, &cap, *count, size)) {
			code = err_set(er, SG_ERR_NOMEM, "out of memory");
			break;
		}
		read(st, (char *)*items + *count * size, arg);
		(*count)++;
	}
	if (code == SG_OK && rc < 0)
		code = db_fail(db, rc, er);
	if (code != SG_OK) {
		free(*items);
		*items = NULL;
		*count = 0;
	}
	return code;
}
