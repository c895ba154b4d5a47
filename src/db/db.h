/*
 * db.h: the one database handle of shegong.
 *
 * Domain code talks to storage only through this header: prepared
 * statements with bound parameters (never values formatted into SQL),
 * explicit transactions, and migrations. SQLite is the backend today; the
 * handle is opaque so that a PostgreSQL backend can be added in db/ without
 * touching domain code. To keep that door open, SQL passed here must be the
 * portable subset: `?` placeholders, RETURNING instead of last-insert-id,
 * ON CONFLICT ... DO UPDATE, no SQLite-only functions outside db/.
 *
 * Threads: a db_t is used by one thread at a time. Each event-loop thread
 * and each job worker opens its own handle; WAL mode lets them read in
 * parallel while writes take turns (busy timeout).
 *
 * Statements: db_prepare() returns a statement from a per-handle cache keyed
 * by the SQL text, already reset. Bind, step, read columns, then always
 * db_done(), which resets it and gives it back to the cache. A statement
 * must not be shared across handles. Column text stays valid until the next
 * db_step() or db_done() on that statement.
 */
#ifndef SG_DB_H
#define SG_DB_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

enum db_open_flags {
	DB_OPEN_CREATE = 1,   /* create the file if missing */
	DB_OPEN_READONLY = 2,
	/*
	 * A connection that writes in bulk (imports, background jobs): no
	 * memory map, which would only add every page it touches to the
	 * process's resident set; its reads and writes go through the page
	 * cache (cache_size) and the kernel's file cache. Its sorts and
	 * savepoint journals spill to temporary files rather than memory,
	 * so that a large batch's set-wise statements cannot grow the heap.
	 */
	DB_OPEN_BULK = 4,
};

/* db_step results; negative values are errors. */
enum db_step_result {
	DB_DONE = 0,
	DB_ROW = 1,
	DB_ERR = -1,        /* any failure; see db_errmsg() */
	DB_ERR_UNIQUE = -2, /* a UNIQUE or PRIMARY KEY constraint failed */
	DB_ERR_FOREIGN = -3,/* a FOREIGN KEY constraint failed */
	DB_ERR_BUSY = -4,   /* lock not obtained within the busy timeout */
	DB_ERR_CONSTRAINT = -5, /* another constraint (CHECK, NOT NULL, trigger) */
};

/*
 * Open (and with DB_OPEN_CREATE create) the database at path, with WAL,
 * foreign keys on and a busy timeout. Does not migrate. On failure returns
 * SG_ERR_DB or SG_ERR_IO with the reason in er; *out is NULL.
 */
sg_err db_open(const char *path, int flags, db_t **out, struct err_report *er);
/* Finalize every cached statement and close. NULL is a no-op. */
void db_close(db_t *db);

/* Apply the numbered migrations not yet applied, each in a transaction. */
sg_err db_migrate(db_t *db, struct err_report *er);
/* Highest applied migration number, 0 for a new database, -1 on error. */
int db_schema_version(db_t *db);

/* The database file's path as opened (never NULL; "" for a memory database). */
const char *db_file_path(db_t *db);

/* Message of the last error on this handle (never NULL). */
const char *db_errmsg(db_t *db);

/* A prepared statement from the cache, or NULL (see db_errmsg). */
db_stmt_t *db_prepare(db_t *db, const char *sql);
/* Reset, clear bindings, give back to the cache. NULL is a no-op. */
void db_done(db_stmt_t *st);

/* Parameters are 1-based. A NULL text binds SQL NULL. len < 0: strlen. */
int db_bind_text(db_stmt_t *st, int idx, const char *s, long len);
int db_bind_int(db_stmt_t *st, int idx, int64_t v);
int db_bind_double(db_stmt_t *st, int idx, double v);
int db_bind_blob(db_stmt_t *st, int idx, const void *p, size_t len);
int db_bind_null(db_stmt_t *st, int idx);
/* Text, or SQL NULL when s is NULL or "": optional text columns store NULL. */
int db_bind_text_opt(db_stmt_t *st, int idx, const char *s);

/* One step: DB_ROW, DB_DONE or a negative enum db_step_result. */
int db_step(db_stmt_t *st);

/* Columns are 0-based. Text of a NULL column is NULL. */
const char *db_col_text(db_stmt_t *st, int col);
size_t db_col_len(db_stmt_t *st, int col);
int64_t db_col_int(db_stmt_t *st, int col);
double db_col_double(db_stmt_t *st, int col);
const void *db_col_blob(db_stmt_t *st, int col);
int db_col_is_null(db_stmt_t *st, int col);
int db_col_count(db_stmt_t *st);
/* Copy a text column into dst (size bytes, truncated); "" for NULL. */
void db_col_copy(db_stmt_t *st, int col, char *dst, size_t size);

/*
 * Convenience for statements without result rows: bind nothing, step to
 * the end. For DDL and transaction control only; data goes through
 * db_prepare and bound parameters.
 */
int db_exec(db_t *db, const char *sql);

/*
 * One statement without result rows and one bound integer (?1), through
 * the statement cache: SG_OK, or db_fail()'s error in er.
 */
sg_err db_exec_int(db_t *db, const char *sql, int64_t v, struct err_report *er);

/*
 * Transactions. The outermost db_begin() takes the write lock at once
 * (BEGIN IMMEDIATE), so a transaction that reads then writes cannot fail
 * half-way on a lock upgrade; nested calls become savepoints (an import
 * takes one per row, so these statements are prepared once). Every
 * db_begin() is matched by exactly one db_commit() or db_rollback().
 * Return 0 or a negative enum db_step_result.
 */
int db_begin(db_t *db);
int db_commit(db_t *db);
int db_rollback(db_t *db);

/* Rows changed by the last INSERT/UPDATE/DELETE on this handle. */
int64_t db_changes(db_t *db);

/*
 * Copy the whole database to dest_path, consistent even while other
 * connections write (SQLite online backup). SG_OK or SG_ERR_IO/SG_ERR_DB.
 */
sg_err db_backup(db_t *db, const char *dest_path, struct err_report *er);

/* Map a negative db_step result to an sg_err with a detail in er. */
sg_err db_fail(db_t *db, int rc, struct err_report *er);

#endif
