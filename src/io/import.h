/*
 * import.h: bulk import of spreadsheets (CSV, XLSX) into the registry.
 *
 * A kind (workers, population, ...) is a table of columns, each with its
 * API name, the Chinese header of the downloadable template, whether it
 * is required and a value type, plus a row function that validates one
 * row and upserts it by the kind's natural key inside the import's
 * transaction. import_run() reads the file with sheet.h, maps the header
 * row, normalises every cell by its column's type, calls the row function
 * and counts what happened: inserted, updated, unchanged, rejected.
 *
 * Header row: the first non-empty row. A header matches a column by its
 * Chinese template header or by its API name (English: case-insensitive);
 * spaces, full-width spaces and a trailing "*" (the template's required
 * mark) are ignored. An unknown header, a column given twice or a missing
 * required column refuses the file before any row is read (SG_ERR_INVALID
 * naming the column). A row right after the header whose every cell starts
 * with "【说明】" is the template's notes row and is skipped, as are empty
 * rows.
 *
 * Modes: IMPORT_STRICT runs the whole file in one transaction and rolls it
 * back if any row is rejected (so a crash or kill leaves the database as
 * before); IMPORT_SKIP_INVALID commits in batches of a tenth of the file,
 * from IMPORT_BATCH_ROWS to IMPORT_BATCH_ROWS_MAX rows, each row inside a
 * savepoint so that a rejected row leaves nothing behind.
 * Large batches are what make a big file fast: every batch rewrites the
 * index pages its rows touch, and the kind's batch_end (full-text index
 * and statistics of new workers) runs once per batch.
 * Since rows are upserts, re-running a file (also after a crash part-way)
 * stores nothing twice and a second run reports every row unchanged.
 *
 * Audit: one record per import ("import.<kind>", details: kind, file
 * name, mode and the counts), in the last transaction of a successful
 * import, or on its own with outcome failure when a strict import was
 * rolled back. Rows are not audited one by one.
 *
 * Scope: rows run as the importing actor: a row whose region is outside
 * the actor's subtree, or that would change a record outside it, is
 * rejected like any invalid row.
 */
#ifndef SG_IMPORT_H
#define SG_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "../domain/actor.h"
#include "sheet.h"

#define IMPORT_BATCH_ROWS 10000   /* smallest batch: about a second of work */
#define IMPORT_BATCH_ROWS_MAX 100000  /* largest: a tenth of a 1M-row file */
#define IMPORT_PROBLEMS_MAX 10000  /* problems kept for the report; more are counted */
#define IMPORT_COLUMN_SIZE 128
#define IMPORT_MESSAGE_SIZE 512

enum import_mode { IMPORT_STRICT = 0, IMPORT_SKIP_INVALID };

/* Value types; cells are normalised before the row function sees them. */
enum import_type {
	IMPORT_TEXT = 0, /* trimmed text */
	IMPORT_CODE,     /* text that must not have been stored as an Excel number
			    (ID numbers, codes: Excel drops digits past 15) */
	IMPORT_DATE,     /* YYYY-MM-DD; also YYYY/M/D, YYYY.M.D, YYYYMMDD, Excel dates */
	IMPORT_INT,      /* whole number, no separators */
	IMPORT_BOOL,     /* 是/否, true/false, yes/no, 1/0, Y/N → "1" / "0" */
	IMPORT_WORD,     /* one of the column's words: API word or its Chinese label */
	IMPORT_WORDS,    /* several words separated by ; ， , 、 or ；, given as "a;b" */
};

/* One word of a IMPORT_WORD(S) column: the API word and its Chinese label. */
struct import_word {
	const char *word;
	const char *label;
};

#define IMPORT_REQUIRED 1u

struct import_col {
	const char *name;    /* API name, e.g. "id_number" */
	const char *header;  /* Chinese template header, e.g. "身份证号" */
	unsigned flags;      /* IMPORT_REQUIRED */
	enum import_type type;
	const struct import_word *words; /* WORD(S): NULL-terminated table */
	const char *note;    /* Chinese note for the template */
};

/*
 * A kind's row function: v[i] is the normalised value of column i, NULL
 * when the column is absent or the cell empty. Validate and upsert inside
 * the caller's transaction; set *outcome to 1 inserted, 2 updated, 3
 * unchanged. Field errors: SG_ERR_INVALID with er->fields naming API
 * column names (the framework reports them under the file's headers);
 * nothing of the row may be relied on to be undone except by the caller's
 * savepoint. SG_ERR_DB (or any other code) aborts the import.
 */
typedef sg_err (*import_row_fn)(db_t *db, const struct actor *who,
				const char *const *v, int *outcome,
				struct err_report *er);

struct import_kind {
	const char *name;       /* "workers" */
	const char *title;      /* Chinese, e.g. "社会工作者" */
	const struct import_col *cols;
	size_t ncols;
	import_row_fn row;
	unsigned roles;         /* ROLE_BIT mask of roles that may import it */
	/*
	 * Optional bulk mode: batch_begin right after each batch's BEGIN,
	 * batch_end with its mark right before the batch's COMMIT (never
	 * after a rollback); see worker_bulk_begin().
	 */
	sg_err (*batch_begin)(db_t *db, int64_t *mark, struct err_report *er);
	sg_err (*batch_end)(db_t *db, int64_t mark, struct err_report *er);
};

/* The kind named name, or NULL. */
const struct import_kind *import_kind_find(const char *name);
/* All kinds, count in *n. */
const struct import_kind *import_kinds(size_t *n);

/* One bad cell (or row-level problem: column ""). */
struct import_problem {
	uint64_t row;                        /* row number in the file */
	char column[IMPORT_COLUMN_SIZE];     /* header as written in the file */
	char *value;                         /* the cell as read (owned) */
	char code[32];                       /* machine code: required, invalid, ... */
	char message[IMPORT_MESSAGE_SIZE];   /* Chinese sentence (English detail in brackets) */
};

/* A rejected row, kept so that the error report can repeat it. */
struct import_reject {
	uint64_t row;
	char *cells_json;                    /* JSON array of the row's cells (owned) */
};

struct import_result {
	int64_t rows;           /* data rows read (empty and notes rows excluded) */
	int64_t inserted, updated, unchanged, rejected;
	int rolled_back;        /* strict import with rejected rows: nothing stored */
	char *headers_json;     /* JSON array of the file's header cells (owned) */
	struct import_problem *problems;
	size_t nproblems, cap_problems;
	struct import_reject *rejects;
	size_t nrejects, cap_rejects;
	int64_t problems_dropped; /* beyond IMPORT_PROBLEMS_MAX */
};

void import_result_release(struct import_result *r);

/* Parse "strict" / "skip-invalid" (also "skip_invalid"); -1 if neither. */
int import_mode_parse(const char *s);
const char *import_mode_name(enum import_mode m);

/*
 * Rows per skip-invalid batch for a file of about est_total rows: a tenth
 * of it, within [IMPORT_BATCH_ROWS, IMPORT_BATCH_ROWS_MAX].
 */
int64_t import_batch_rows(int64_t est_total);

struct import_options {
	enum import_mode mode;
	enum sheet_encoding encoding;
	const char *sheet;          /* XLSX sheet name or NULL for the first */
	const char *file_name;      /* for the audit record; never a path to trust */
	/* called between transactions; may be NULL */
	void (*progress)(int64_t done, int64_t total, void *arg);
	/* polled between rows; non-zero stops the import (rolled back / partial) */
	int (*should_stop)(void *arg);
	void *arg;
};

/*
 * Import the file at path as kind for who. SG_OK when the file was read to
 * the end (rows may have been rejected: see r, and r->rolled_back for
 * strict). SG_ERR_FORBIDDEN if who's role may not import the kind,
 * SG_ERR_INVALID for an unknown kind (field "kind") or a refused header
 * (field "header", the message names the column), sheet errors as in
 * sheet.h, SG_ERR_DB. On any error the current transaction is rolled back.
 * r must be zeroed by the caller; release it with import_result_release().
 */
sg_err import_run(db_t *db, const struct actor *who, const char *kind,
		  const char *path, const struct import_options *opt,
		  struct import_result *r, struct err_report *er);

/*
 * Map header cells to the kind's columns: map[i] is the column index of
 * cell i, or -1 for an empty header cell (or a column that only the export
 * of the same name writes, when that export imports back: export.h). SG_ERR_INVALID (field "header")
 * for an unknown or repeated header or a missing required column; the
 * message is Chinese and names the column. map has ncells entries.
 */
sg_err import_map_header(const struct import_kind *k, const struct sheet_cell *cells,
			 size_t ncells, int *map, struct err_report *er);

/*
 * Normalise one cell for column c into out: SG_OK, or a problem code
 * ("invalid", "number_lost_digits", "unknown_word") with a Chinese
 * message in msg (msglen bytes). An empty cell gives "" (SG_OK).
 */
sg_err import_normalise(const struct import_col *c, const struct sheet_cell *cell,
			struct buf *out, const char **code, char *msg, size_t msglen);

/*
 * The JSON summary {kind, mode, file_name, rows, inserted, updated,
 * unchanged, rejected, rolled_back, problems:[first 100 ...],
 * problems_total} written to out.
 */
void import_result_json(const struct import_result *r, const char *kind,
			const struct import_options *opt, struct buf *out);

/*
 * Write the template of kind to the file at path in format f (sheetw.h:
 * SHEETW_CSV or SHEETW_XLSX): the Chinese headers ("*" on required ones)
 * and a notes row whose cells start with "【说明】", which the importer
 * skips. SG_ERR_INVALID for an unknown kind, SG_ERR_IO.
 */
sg_err import_template_write(const char *kind, int format, const char *path,
			     struct err_report *er);

/*
 * Write the error report to the file at path in format f (sheetw.h: CSV
 * with BOM or XLSX): 行号, 列, 值, 问题, then the original row's cells
 * under the file's headers (headers_json, a JSON array), one row per
 * problem. sheetw escapes formula-looking cells. SG_ERR_IO, SG_ERR_NOMEM.
 */
sg_err import_errors_write(const char *headers_json, const struct import_problem *p,
			   size_t np, const struct import_reject *rj, size_t nrj,
			   int format, const char *path, struct err_report *er);

#endif
