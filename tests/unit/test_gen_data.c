/*
 * test_gen_data.c: the synthetic data generator (tools/gen_data.c) run
 * against the region fixture, its output checked by the project's own
 * validators: every ID number passes GB 11643 (idcard.c) with the row's
 * sex and birth date and a county prefix equal to the row's region, every
 * credit code passes GB 32100 (creditcode.c) with the organisation's
 * county in positions 3-8; the Qingyuan shape has its published counts;
 * a chosen invalid share gives about that many rows each failing; and the
 * same seed gives the same bytes.
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

#define GEN_DATA_NO_MAIN
#include "../../tools/gen_data.c"

static char regions[4096];

static int setup(void **state)
{
	const char *data = getenv("SHEGONG_TEST_DATA");

	(void)state;
	snprintf(regions, sizeof(regions), "%s/regions", data ? data : "tests/data");
	return 0;
}

static void make_tmp(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/sg-gen-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

/* Remove a generator output directory (its files have known names). */
static void rm_out(const char *dir)
{
	static const char *const files[] = { "workers.csv", "orgs.csv", "stations.csv",
					     "posts.csv", "employment.csv", "population.csv",
					     "README.txt" };
	char path[4200];

	for (size_t i = 0; i < COUNT_OF(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Split a CSV line without quotes (the generator quotes nothing here). */
static int split(char *line, char **cols, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	cols[n++] = p;
	while (n < max && (p = strchr(p, ',')) != NULL) {
		*p++ = '\0';
		cols[n++] = p;
	}
	return n;
}

static FILE *open_out(const char *dir, const char *kind)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, kind);
	f = fopen(path, "r");
	assert_non_null(f);
	return f;
}

static int year_of(const char *date)
{
	char y[5];
	int64_t v = 0;

	snprintf(y, sizeof(y), "%s", date);
	return util_parse_int(y, 0, 9999, &v) == 0 ? (int)v : -1;
}

/* A worker row: 1 if it passes the checks, 0 if not. */
static int worker_ok(char **c, int n)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;

	if (n != 18 || !c[0][0] || strncmp(c[1], c[7], 6) != 0 || strlen(c[7]) > 12)
		return 0;
	if (idcard_parse(c[1], (time_t)1795327200, "id_number", &id, &er) != SG_OK)
		return 0;
	if (strcmp(id.birth_date, c[3]) != 0 ||
	    strcmp(c[2], id.sex == IDCARD_MALE ? "male" : "female") != 0)
		return 0;
	if (!strcmp(c[12], "expert") || strstr(c[7], "999"))
		return 0;
	if (c[12][0] ? !c[13][0] || strlen(c[14]) != 10 : c[13][0] || c[14][0])
		return 0;
	/* a registration: all three, after passing, valid three years */
	if (c[15][0] && (!c[12][0] || strcmp(c[16], c[14]) <= 0 ||
			 strcmp(c[17], c[16]) <= 0 || year_of(c[17]) - year_of(c[16]) != 3))
		return 0;
	if (!c[15][0] && (c[16][0] || c[17][0]))
		return 0;
	return 1;
}

static void test_qingyuan_shape(void **state)
{
	struct gen_opts o = { .regions_dir = regions, .prefix = "4418", .qingyuan = 1,
			      .workers = -1, .orgs = -1, .stations = -1, .posts = -1,
			      .seed = 1, .quiet = 1 };
	char dir[64], line[2048], *c[20];
	long rows = 0, assistant = 0, intermediate = 0, orgs = 0, posts = 0;
	FILE *f;

	(void)state;
	make_tmp(dir, sizeof(dir));
	o.out_dir = dir;
	assert_int_equal(gen_run(&o), 0);

	f = open_out(dir, "workers");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_true(starts_with(line, "name,id_number,sex,birth_date,"));
	while (fgets(line, sizeof(line), f)) {
		int n = split(line, c, 20);

		assert_true(worker_ok(c, n));
		assert_true(starts_with(c[7], "4418"));
		assistant += !strcmp(c[12], "assistant");
		intermediate += !strcmp(c[12], "intermediate");
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 2174);
	assert_int_equal(assistant, 1881);
	assert_int_equal(intermediate, 293);

	f = open_out(dir, "orgs");
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		struct creditcode_info info;

		assert_int_equal(split(line, c, 20), 10);
		assert_int_equal(creditcode_check(c[1], &info), CREDITCODE_OK);
		assert_int_equal(info.authority, '5');
		assert_string_equal(info.region, c[3]);
		assert_string_equal(creditcode_authority(c[1][0]), "civil_affairs");
		assert_true(c[1][1] == '1' || c[1][1] == '2');
		assert_true(strstr(c[0], "清远市") == c[0]);
		orgs++;
	}
	fclose(f);
	assert_int_equal(orgs, 58);

	f = open_out(dir, "posts");
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		struct idcard id;
		struct err_report er = ERR_REPORT_INIT;

		assert_int_equal(split(line, c, 20), 8);
		if (c[6][0])
			assert_int_equal(idcard_parse(c[6], (time_t)1795327200, "x", &id, &er), SG_OK);
		posts++;
	}
	fclose(f);
	assert_int_equal(posts, 148);

	/* the fixture has 19 towns under 4418: every one gets a station */
	f = open_out(dir, "stations");
	rows = 0;
	while (fgets(line, sizeof(line), f))
		rows++;
	fclose(f);
	assert_int_equal(rows - 1, 19);
	rm_out(dir);
}

static void test_invalid_share(void **state)
{
	struct gen_opts o = { .regions_dir = regions, .prefix = "44", .workers = 4000,
			      .orgs = 400, .stations = 0, .posts = 0, .seed = 9,
			      .invalid_share = 0.25, .quiet = 1, .kinds = "workers,orgs" };
	char dir[64], line[2048], *c[20];
	long rows = 0, bad = 0, org_bad = 0;
	FILE *f;

	(void)state;
	make_tmp(dir, sizeof(dir));
	o.out_dir = dir;
	assert_int_equal(gen_run(&o), 0);
	f = open_out(dir, "workers");
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		rows++;
		bad += !worker_ok(c, split(line, c, 20));
	}
	fclose(f);
	assert_int_equal(rows, 4000);
	assert_in_range(bad, 800, 1200);

	f = open_out(dir, "orgs");
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		struct creditcode_info info;

		split(line, c, 20);
		org_bad += creditcode_check(c[1], &info) != CREDITCODE_OK || !c[0][0] ||
			   strlen(c[3]) != 6 || !strcmp(c[2], "company");
	}
	fclose(f);
	assert_in_range(org_bad, 60, 140);
	rm_out(dir);
}

static char *slurp(const char *dir, const char *kind)
{
	char path[4200];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, kind);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static void test_deterministic(void **state)
{
	struct gen_opts o = { .regions_dir = regions, .prefix = "", .workers = 500,
			      .orgs = 20, .stations = 5, .posts = 30, .seed = 42, .quiet = 1 };
	char a[64], b[64], d[64];
	static const char *const kinds[] = { "workers", "orgs", "stations", "posts",
					     "employment", "population" };

	(void)state;
	make_tmp(a, sizeof(a));
	make_tmp(b, sizeof(b));
	make_tmp(d, sizeof(d));
	o.out_dir = a;
	assert_int_equal(gen_run(&o), 0);
	o.out_dir = b;
	assert_int_equal(gen_run(&o), 0);
	o.out_dir = d;
	o.seed = 43;
	assert_int_equal(gen_run(&o), 0);
	for (size_t i = 0; i < COUNT_OF(kinds); i++) {
		char *x = slurp(a, kinds[i]), *y = slurp(b, kinds[i]);

		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	{
		char *x = slurp(a, "workers"), *z = slurp(d, "workers");

		assert_string_not_equal(x, z);
		free(x);
		free(z);
	}
	rm_out(a);
	rm_out(b);
	rm_out(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qingyuan_shape),
		cmocka_unit_test(test_invalid_share),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
