/*
 * dbrow.c: records bound and read through a column table (see dbrow.h).
 */
#include <stdint.h>
#include <string.h>

#include "dbrow.h"
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
