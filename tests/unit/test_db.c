/*
 * test_db.c: the database layer: migrations, statement cache, nested
 * transactions, constraint mapping, online backup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/secret.h"
#include "db/db.h"
#include "db/migrate.h"

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	char key[160];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-db-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er))
		return -1;
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK)
		return -1;
	if (db_migrate(f->db, &er) != SG_OK) {
		fprintf(stderr, "%s\n", er.detail);
		return -1;
	}
	if (db_exec(f->db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT"))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int insert(db_t *db, const char *k, int64_t v)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO t (k, v) VALUES (?, ?)");
	int rc;

	assert_non_null(st);
	db_bind_text(st, 1, k, -1);
	db_bind_int(st, 2, v);
	rc = db_step(st);
	db_done(st);
	return rc;
}

static int64_t count(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM t");
	int64_t n = -1;

	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_migrations_recorded(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;

	assert_true(db_migration_count > 0);
	assert_int_equal(db_schema_version(f->db),
			 db_migrations[db_migration_count - 1].version);
	/* applying again is a no-op */
	assert_int_equal(db_migrate(f->db, &er), SG_OK);
}

static void test_constraint_mapping(void **state)
{
	struct fixture *f = *state;
	db_stmt_t *st;

	assert_int_equal(insert(f->db, "a", 1), DB_DONE);
	assert_int_equal(insert(f->db, "a", 2), DB_ERR_UNIQUE);
	st = db_prepare(f->db, "INSERT INTO t (k, v) VALUES (?, NULL)");
	db_bind_text(st, 1, "b", -1);
	assert_int_equal(db_step(st), DB_ERR_CONSTRAINT);
	db_done(st);
	assert_int_equal(count(f->db), 1);
}

static void test_nested_transactions(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(db_begin(f->db), 0);
	insert(f->db, "outer", 1);
	assert_int_equal(db_begin(f->db), 0);
	insert(f->db, "inner", 2);
	assert_int_equal(db_rollback(f->db), 0); /* only the inner part */
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(count(f->db), 1);

	assert_int_equal(db_begin(f->db), 0);
	insert(f->db, "x", 3);
	assert_int_equal(db_rollback(f->db), 0);
	assert_int_equal(count(f->db), 1);
	assert_int_equal(db_commit(f->db), DB_ERR); /* unbalanced */
}

static void test_statement_reuse_while_busy(void **state)
{
	struct fixture *f = *state;
	const char *sql = "SELECT k FROM t ORDER BY k";
	db_stmt_t *a, *b;

	insert(f->db, "k1", 1);
	insert(f->db, "k2", 2);
	a = db_prepare(f->db, sql);
	assert_int_equal(db_step(a), DB_ROW);
	/* same SQL while the first is mid-iteration: a separate statement */
	b = db_prepare(f->db, sql);
	assert_ptr_not_equal(a, b);
	assert_int_equal(db_step(b), DB_ROW);
	assert_string_equal(db_col_text(b, 0), "k1");
	db_done(b);
	assert_int_equal(db_step(a), DB_ROW);
	assert_string_equal(db_col_text(a, 0), "k2");
	db_done(a);
}

static void test_backup_is_a_copy(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char dest[200];
	db_t *copy = NULL;

	insert(f->db, "kept", 7);
	snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);
	assert_int_equal(db_backup(f->db, dest, &er), SG_OK);
	assert_int_equal(db_open(dest, 0, &copy, &er), SG_OK);
	assert_int_equal(count(copy), 1);
	db_close(copy);
}

static void test_open_missing_file_fails(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	db_t *db = NULL;

	(void)state;
	assert_int_equal(db_open("/tmp/does/not/exist.db", 0, &db, &er), SG_ERR_IO);
	assert_null(db);
	assert_non_null(strstr(er.detail, "shegong init"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_reuse_while_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_is_a_copy, setup, teardown),
		cmocka_unit_test(test_open_missing_file_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
