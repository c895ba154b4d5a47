/*
 * db_sqlite.c: the SQLite backend of db.h.
 *
 * One sqlite3 connection per db_t, in WAL mode with foreign keys on and a
 * busy timeout, plus a cache of prepared statements keyed by SQL text so
 * that hot paths never re-parse SQL. SQLite-specific choices (pragmas,
 * BEGIN IMMEDIATE, the online backup API, error codes) stay in this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "migrate.h"
#include "../core/util.h"
#include "../core/banned.h"

#define DB_CACHE_BUCKETS 256
#define DB_BUSY_TIMEOUT_MS 10000

struct db_stmt {
	db_t *db;
	sqlite3_stmt *st;
	char *sql;             /* owned copy: the cache key */
	unsigned hash;
	int in_use;
	int transient;         /* prepared because the cached one was busy */
	struct db_stmt *next;  /* bucket chain */
};

struct db {
	sqlite3 *h;
	int depth;             /* transaction nesting */
	char errmsg[512];
	struct db_stmt *cache[DB_CACHE_BUCKETS];
};

static unsigned sql_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void db_seterr(db_t *db, const char *what)
{
	snprintf(db->errmsg, sizeof(db->errmsg), "%s: %s", what,
		 sqlite3_errmsg(db->h));
}

sg_err db_open(const char *path, int flags, db_t **out, struct err_report *er)
{
	static const struct {
		const char *sql;
		int unless;     /* db_open_flags that skip it */
	} pragmas[] = {
		{ "PRAGMA journal_mode=WAL", DB_OPEN_READONLY },
		{ "PRAGMA synchronous=NORMAL", 0 },
		{ "PRAGMA foreign_keys=ON", 0 },
		{ "PRAGMA temp_store=MEMORY", DB_OPEN_BULK },
		{ "PRAGMA cache_size=-32000", 0 },
		{ "PRAGMA mmap_size=268435456", DB_OPEN_BULK },
	};
	int oflags = SQLITE_OPEN_NOMUTEX;
	db_t *db;

	*out = NULL;
	if (flags & DB_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (!(flags & DB_OPEN_CREATE) && access(path, F_OK) != 0)
		return err_set(er, SG_ERR_IO,
			       "database %s does not exist (run 'shegong init')",
			       path);
	db = calloc(1, sizeof(*db));
	if (!db)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		err_set(er, SG_ERR_IO, "cannot open database %s: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		db_close(db);
		return SG_ERR_IO;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
		if (flags & pragmas[i].unless)
			continue;
		if (sqlite3_exec(db->h, pragmas[i].sql, NULL, NULL, NULL) != SQLITE_OK) {
			err_set(er, SG_ERR_DB, "%s: %s", pragmas[i].sql,
				sqlite3_errmsg(db->h));
			db_close(db);
			return SG_ERR_DB;
		}
	}
	*out = db;
	return SG_OK;
}

void db_close(db_t *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < DB_CACHE_BUCKETS; i++) {
		struct db_stmt *s = db->cache[i], *next;

		for (; s; s = next) {
			next = s->next;
			sqlite3_finalize(s->st);
			free(s->sql);
			free(s);
		}
	}
	if (db->h)
		sqlite3_close_v2(db->h);
	free(db);
}

const char *db_errmsg(db_t *db)
{
	return db->errmsg[0] ? db->errmsg : "no error";
}

static struct db_stmt *stmt_new(db_t *db, const char *sql, unsigned hash,
				int transient)
{
	struct db_stmt *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(db->errmsg, sizeof(db->errmsg), "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v3(db->h, sql, -1,
			       transient ? 0 : SQLITE_PREPARE_PERSISTENT,
			       &s->st, NULL) != SQLITE_OK) {
		db_seterr(db, "prepare");
		free(s);
		return NULL;
	}
	s->db = db;
	s->hash = hash;
	s->transient = transient;
	s->sql = transient ? NULL : strdup(sql);
	if (!transient && !s->sql) {
		sqlite3_finalize(s->st);
		free(s);
		return NULL;
	}
	return s;
}

db_stmt_t *db_prepare(db_t *db, const char *sql)
{
	unsigned hash = sql_hash(sql);
	struct db_stmt **bucket = &db->cache[hash % DB_CACHE_BUCKETS];
	struct db_stmt *s;

	for (s = *bucket; s; s = s->next)
		if (s->hash == hash && !strcmp(s->sql, sql))
			break;
	if (s && s->in_use)
		s = stmt_new(db, sql, hash, 1);
	else if (!s) {
		s = stmt_new(db, sql, hash, 0);
		if (s) {
			s->next = *bucket;
			*bucket = s;
		}
	}
	if (s)
		s->in_use = 1;
	return s;
}

void db_done(db_stmt_t *s)
{
	if (!s)
		return;
	if (s->transient) {
		sqlite3_finalize(s->st);
		free(s);
		return;
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->in_use = 0;
}

int db_bind_text(db_stmt_t *s, int idx, const char *p, long len)
{
	if (!p)
		return sqlite3_bind_null(s->st, idx) == SQLITE_OK ? 0 : DB_ERR;
	return sqlite3_bind_text(s->st, idx, p, len < 0 ? -1 : (int)len,
				 SQLITE_TRANSIENT) == SQLITE_OK ? 0 : DB_ERR;
}

int db_bind_int(db_stmt_t *s, int idx, int64_t v)
{
	return sqlite3_bind_int64(s->st, idx, v) == SQLITE_OK ? 0 : DB_ERR;
}

int db_bind_double(db_stmt_t *s, int idx, double v)
{
	return sqlite3_bind_double(s->st, idx, v) == SQLITE_OK ? 0 : DB_ERR;
}

int db_bind_blob(db_stmt_t *s, int idx, const void *p, size_t len)
{
	return sqlite3_bind_blob64(s->st, idx, p, len, SQLITE_TRANSIENT) ==
			       SQLITE_OK ? 0 : DB_ERR;
}

int db_bind_null(db_stmt_t *s, int idx)
{
	return sqlite3_bind_null(s->st, idx) == SQLITE_OK ? 0 : DB_ERR;
}

const char *db_file_path(db_t *db)
{
	const char *p = sqlite3_db_filename(db->h, "main");

	return p ? p : "";
}

int db_bind_text_opt(db_stmt_t *s, int idx, const char *text)
{
	return text && *text ? db_bind_text(s, idx, text, -1) : db_bind_null(s, idx);
}

static int map_rc(db_t *db, int rc)
{
	switch (rc) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
	case SQLITE_OK:
		return DB_DONE;
	}
	db_seterr(db, "step");
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return DB_ERR_UNIQUE;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return DB_ERR_FOREIGN;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_BUSY_SNAPSHOT:
		return DB_ERR_BUSY;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return DB_ERR_CONSTRAINT;
	return DB_ERR;
}

int db_step(db_stmt_t *s)
{
	return map_rc(s->db, sqlite3_step(s->st));
}

const char *db_col_text(db_stmt_t *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

size_t db_col_len(db_stmt_t *s, int col)
{
	return (size_t)sqlite3_column_bytes(s->st, col);
}

int64_t db_col_int(db_stmt_t *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

double db_col_double(db_stmt_t *s, int col)
{
	return sqlite3_column_double(s->st, col);
}

const void *db_col_blob(db_stmt_t *s, int col)
{
	return sqlite3_column_blob(s->st, col);
}

int db_col_is_null(db_stmt_t *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

int db_col_count(db_stmt_t *s)
{
	return sqlite3_column_count(s->st);
}

void db_col_copy(db_stmt_t *s, int col, char *dst, size_t size)
{
	const char *text = db_col_text(s, col);

	util_strlcpy(dst, text ? text : "", size);
}

int db_exec(db_t *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : map_rc(db, rc);
}

/* A statement without rows or parameters, prepared once per connection. */
static int run_cached(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return DB_ERR;
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? rc : 0;
}

sg_err db_exec_int(db_t *db, const char *sql, int64_t v, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, v);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

int db_begin(db_t *db)
{
	int rc = run_cached(db, db->depth ? "SAVEPOINT sg" : "BEGIN IMMEDIATE");

	if (rc == 0)
		db->depth++;
	return rc;
}

int db_commit(db_t *db)
{
	int rc;

	if (db->depth == 0)
		return DB_ERR;
	rc = run_cached(db, db->depth > 1 ? "RELEASE sg" : "COMMIT");
	if (rc == 0)
		db->depth--;
	else if (db->depth == 1) {
		/* COMMIT failed: undo everything rather than leave it open */
		db_exec(db, "ROLLBACK");
		db->depth = 0;
	}
	/* SQLite may have rolled back by itself (disk full, I/O error) */
	if (sqlite3_get_autocommit(db->h))
		db->depth = 0;
	return rc;
}

int db_rollback(db_t *db)
{
	int rc;

	if (db->depth == 0)
		return DB_ERR;
	if (db->depth > 1) {
		rc = run_cached(db, "ROLLBACK TO sg");
		if (rc == 0)
			rc = run_cached(db, "RELEASE sg");
	} else {
		rc = run_cached(db, "ROLLBACK");
	}
	db->depth--;
	if (sqlite3_get_autocommit(db->h))
		db->depth = 0;
	return rc;
}

int64_t db_changes(db_t *db)
{
	return sqlite3_changes64(db->h);
}

sg_err db_fail(db_t *db, int rc, struct err_report *er)
{
	switch (rc) {
	case DB_ERR_UNIQUE:
		return err_set(er, SG_ERR_CONFLICT, "already exists");
	case DB_ERR_FOREIGN:
		return err_set(er, SG_ERR_INVALID,
			       "refers to a record that does not exist");
	case DB_ERR_BUSY:
		return err_set(er, SG_ERR_DB, "database busy, try again");
	}
	return err_set(er, SG_ERR_DB, "database error: %s", db_errmsg(db));
}

int db_schema_version(db_t *db)
{
	db_stmt_t *st;
	int v = -1;

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			"version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
			"applied_at TEXT NOT NULL) STRICT"))
		return -1;
	st = db_prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (st && db_step(st) == DB_ROW)
		v = (int)db_col_int(st, 0);
	db_done(st);
	return v;
}

sg_err db_migrate(db_t *db, struct err_report *er)
{
	int current = db_schema_version(db);
	char now[UTIL_TIME_LEN];

	if (current < 0)
		return err_set(er, SG_ERR_DB, "cannot read schema version: %s",
			       db_errmsg(db));
	util_time_iso(util_now(), now);
	for (size_t i = 0; i < db_migration_count; i++) {
		const struct db_migration *m = &db_migrations[i];
		char *msg = NULL;
		db_stmt_t *st;
		int rc;

		if (!m->sql || m->version <= current)
			continue;
		if (db_begin(db))
			return err_set(er, SG_ERR_DB, "migration %s: %s",
				       m->name, db_errmsg(db));
		if (sqlite3_exec(db->h, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
			err_set(er, SG_ERR_DB, "migration %s failed: %s",
				m->name, msg ? msg : "unknown error");
			sqlite3_free(msg);
			db_rollback(db);
			return SG_ERR_DB;
		}
		st = db_prepare(db, "INSERT INTO schema_migrations"
				    "(version, name, applied_at) VALUES (?, ?, ?)");
		rc = st ? 0 : DB_ERR;
		if (st) {
			db_bind_int(st, 1, m->version);
			db_bind_text(st, 2, m->name, -1);
			db_bind_text(st, 3, now, -1);
			rc = db_step(st);
			db_done(st);
		}
		if (rc < 0 || db_commit(db)) {
			err_set(er, SG_ERR_DB, "migration %s: %s", m->name,
				db_errmsg(db));
			if (db->depth)
				db_rollback(db);
			return SG_ERR_DB;
		}
	}
	return SG_OK;
}

sg_err db_backup(db_t *db, const char *dest_path, struct err_report *er)
{
	char tmp[4096];
	sqlite3 *dest = NULL;
	sqlite3_backup *bk;
	sg_err result = SG_OK;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial", dest_path) >=
	    sizeof(tmp))
		return err_set(er, SG_ERR_IO, "backup path too long");
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		result = err_set(er, SG_ERR_IO, "cannot create %s: %s", tmp,
				 dest ? sqlite3_errmsg(dest) : "out of memory");
		goto out;
	}
	bk = sqlite3_backup_init(dest, "main", db->h, "main");
	if (!bk) {
		result = err_set(er, SG_ERR_DB, "backup: %s", sqlite3_errmsg(dest));
		goto out;
	}
	/*
	 * One step copies every page inside a single read transaction: in WAL
	 * mode writers go on meanwhile and the copy is one consistent snapshot.
	 */
	do {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		result = err_set(er, SG_ERR_DB, "backup failed: %s",
				 sqlite3_errstr(rc));
		goto out;
	}
	if (sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		result = err_set(er, SG_ERR_DB, "backup: %s", sqlite3_errmsg(dest));
		goto out;
	}
	sqlite3_close_v2(dest);
	dest = NULL;
	if (rename(tmp, dest_path) != 0)
		result = err_set(er, SG_ERR_IO, "cannot rename %s to %s: %s",
				 tmp, dest_path, strerror(errno));
out:
	if (dest)
		sqlite3_close_v2(dest);
	if (result != SG_OK)
		unlink(tmp);
	return result;
}
