/*
 * cmd_import.c: `shegong import KIND FILE [--mode strict|skip-invalid]
 * [--encoding auto|utf-8|gb18030] [--sheet NAME] [--errors-out FILE]
 * [--json]`.
 *
 * Runs the import in this process as the system actor (whole country),
 * the same code the background job runs (io/import.h). Progress goes to
 * stderr once per batch, then a summary and the first problems; with
 * --json the last stdout line is {"inserted","updated","unchanged",
 * "rejected"}. --errors-out writes the error report the web offers
 * (import.h, import_errors_write()) once the file has been read, also
 * when it lists nothing: XLSX for a name ending in .xlsx, CSV for .csv.
 * Exit 0 when the file was imported (skip-invalid: even with rejected
 * rows); 1 when a strict import was refused, the file could not be read
 * or the report not written.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "../io/import.h"
#include "../io/sheetw.h"
#include "../core/banned.h"

#define SHOWN_PROBLEMS 20
#define USAGE "usage: shegong import KIND FILE [--mode strict|skip-invalid]" \
	      " [--encoding auto|utf-8|gb18030] [--sheet NAME] [--errors-out FILE.xlsx|FILE.csv]" \
	      " [--json]"

struct progress_state {
	struct timespec start;
	int tty;
};

static double elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void progress(int64_t done, int64_t total, void *arg)
{
	struct progress_state *ps = arg;
	double t = elapsed(&ps->start);

	fprintf(stderr, "import: %lld/%lld rows, %.0f rows/s\n", (long long)done,
		(long long)total, t > 0 ? (double)done / t : 0.0);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The report's format from the file name's extension; 0 for another one. */
static enum sheetw_format report_format(const char *path)
{
	const char *dot = strrchr(base_name(path), '.');

	if (dot && !strcasecmp(dot, ".xlsx"))
		return SHEETW_XLSX;
	if (dot && !strcasecmp(dot, ".csv"))
		return SHEETW_CSV;
	return 0;
}

int cmd_import(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct import_options opt = { .mode = IMPORT_STRICT, .encoding = SHEET_ENC_AUTO };
	struct import_result r;
	struct progress_state ps;
	const char *kind = NULL, *file = NULL, *errors_out = NULL;
	enum sheetw_format errors_format = 0;
	int json = 0, status = 1;
	db_t *db;

	memset(&r, 0, sizeof(r));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--mode") && i + 1 < argc) {
			int m = import_mode_parse(argv[++i]);

			if (m < 0)
				return cli_fail("--mode must be strict or skip-invalid");
			opt.mode = (enum import_mode)m;
		} else if (!strcmp(a, "--encoding") && i + 1 < argc) {
			const char *e = argv[++i];

			if (!strcmp(e, "auto"))
				opt.encoding = SHEET_ENC_AUTO;
			else if (!strcmp(e, "utf-8") || !strcmp(e, "utf8"))
				opt.encoding = SHEET_ENC_UTF8;
			else if (!strcmp(e, "gb18030") || !strcmp(e, "gbk"))
				opt.encoding = SHEET_ENC_GB18030;
			else
				return cli_fail("--encoding must be auto, utf-8 or gb18030");
		} else if (!strcmp(a, "--sheet") && i + 1 < argc) {
			opt.sheet = argv[++i];
		} else if (!strcmp(a, "--errors-out") && i + 1 < argc) {
			errors_out = argv[++i];
			/* refused before the import runs, not after a long one */
			if (!(errors_format = report_format(errors_out)))
				return cli_fail("--errors-out needs a file name ending in .xlsx or .csv");
		} else if (a[0] == '-' && a[1]) {
			return cli_fail("unknown option %s", a);
		} else if (!kind) {
			kind = a;
		} else if (!file) {
			file = a;
		} else {
			return cli_fail(USAGE);
		}
	}
	if (!kind || !file)
		return cli_fail(USAGE);
	if (!import_kind_find(kind))
		return cli_fail("unknown import kind %s (workers, population, orgs, employment, "
				"stations, posts)", kind);
	opt.file_name = base_name(file);
	clock_gettime(CLOCK_MONOTONIC, &ps.start);
	opt.progress = progress;
	opt.arg = &ps;
	db = cli_open_db(env, DB_OPEN_BULK);
	if (!db)
		return 1;
	if (import_run(db, actor_system(), kind, file, &opt, &r, &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	fprintf(stderr, "import %s: %lld rows in %.1f s: %lld inserted, %lld updated, "
			"%lld unchanged, %lld rejected%s\n", kind, (long long)r.rows,
		elapsed(&ps.start), (long long)r.inserted, (long long)r.updated,
		(long long)r.unchanged, (long long)r.rejected,
		r.rolled_back ? " (strict: nothing stored)" : "");
	for (size_t i = 0; i < r.nproblems && i < SHOWN_PROBLEMS; i++)
		fprintf(stderr, "  row %llu %s: %s\n", (unsigned long long)r.problems[i].row,
			r.problems[i].column, r.problems[i].message);
	if (r.nproblems + (size_t)r.problems_dropped > SHOWN_PROBLEMS)
		fprintf(stderr, "  ... %lld more problems\n",
			(long long)(r.nproblems + (size_t)r.problems_dropped - SHOWN_PROBLEMS));
	if (errors_out &&
	    import_errors_write(r.headers_json, r.problems, r.nproblems, r.rejects, r.nrejects,
				errors_format, errors_out, &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	if (errors_out)
		fprintf(stderr, "error report: %s (%zu problems)\n", errors_out, r.nproblems);
	if (json)
		printf("{\"inserted\":%lld,\"updated\":%lld,\"unchanged\":%lld,\"rejected\":%lld}\n",
		       (long long)r.inserted, (long long)r.updated, (long long)r.unchanged,
		       (long long)r.rejected);
	if (r.rolled_back) {
		cli_fail("%lld rows rejected: strict import stored nothing", (long long)r.rejected);
		goto out;
	}
	status = 0;
out:
	import_result_release(&r);
	db_close(db);
	return status;
}
