/*
 * dbrow.h: a record struct bound to and read from a statement by a table
 * of its columns, for modules whose rows have many typed columns
 * (stations, posts).
 *
 * The table lists, in statement order, each column's name, how it is
 * stored and where its member lives in the struct. One table then drives
 * binding the INSERT/UPDATE parameters, reading the SELECT columns and
 * naming the columns an update changed, so that adding a column is one
 * line and the three can never disagree. The fetch, save and collect
 * helpers are the statement loops every such module would otherwise
 * repeat.
 */
#ifndef SG_DBROW_H
#define SG_DBROW_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "db.h"

enum dbrow_type {
	DBROW_TEXT,      /* char[]; bound as is */
	DBROW_TEXT_OPT,  /* char[]; "" stored as NULL */
	DBROW_ID_OPT,    /* int64_t; 0 stored as NULL */
	DBROW_INT64,     /* int64_t */
	DBROW_INT,       /* int */
	DBROW_REAL,      /* double */
	DBROW_WORD,      /* int index into words[], stored as the word */
};

struct dbrow_column {
	const char *name;
	enum dbrow_type type;
	size_t offset, size;          /* of the member */
	const char *const *words;     /* DBROW_WORD: index -> stored word */
	size_t nwords;
};

#define DBROW_COL(type_, member, kind) \
	{ #member, kind, offsetof(type_, member), sizeof(((type_ *)0)->member), NULL, 0 }
#define DBROW_WORDS(type_, member, words_) \
	{ #member, DBROW_WORD, offsetof(type_, member), sizeof(((type_ *)0)->member), \
	  words_, sizeof(words_) / sizeof((words_)[0]) }

/* Bind the members of rec to parameters first, first + 1, ... */
void dbrow_bind(db_stmt_t *st, int first, const struct dbrow_column *cols,
		size_t n, const void *rec);

/* Read result columns first, first + 1, ... into the members of rec. */
void dbrow_read(db_stmt_t *st, int first, const struct dbrow_column *cols,
		size_t n, void *rec);

/*
 * Append the names of the columns whose members differ between a and b to
 * out as JSON strings ("name","status"); returns how many.
 */
size_t dbrow_changed(const struct dbrow_column *cols, size_t n, const void *a,
		     const void *b, struct buf *out);

/* Read one row of a statement into an item; arg is the caller's. */
typedef void (*dbrow_read_fn)(db_stmt_t *st, void *item, void *arg);

/*
 * The row of `sql` (one parameter: id) read into rec; SG_ERR_NOT_FOUND
 * "no such <what>" when there is none.
 */
sg_err dbrow_fetch(db_t *db, const char *sql, int64_t id, dbrow_read_fn read,
		   void *rec, const char *what, struct err_report *er);

/*
 * Write rec through cols: INSERT by insert_sql (parameters 1..n the
 * columns, n + 1 and n + 2 the creation and update times, RETURNING id)
 * when *id is 0, setting *id; else UPDATE by update_sql (the same
 * parameters, n + 3 the id). Inside the caller's transaction.
 */
sg_err dbrow_save(db_t *db, const char *insert_sql, const char *update_sql,
		  const struct dbrow_column *cols, size_t n, const void *rec,
		  int64_t *id, struct err_report *er);

/*
 * Step st to its end, appending one item of `size` bytes per row, read by
 * read, to the array *items of *count (grown as needed; the caller frees
 * it). On failure the array is freed and empty. The statement is the
 * caller's to db_done().
 */
sg_err dbrow_collect(db_t *db, db_stmt_t *st, size_t size, dbrow_read_fn read, void *arg,
		     void **items, size_t *count, struct err_report *er);

#endif
