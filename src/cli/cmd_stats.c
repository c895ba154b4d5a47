/*
 * cmd_stats.c: `shegong stats check|rebuild`: the dashboard counts.
 *
 * check compares the counts the triggers keep with a fresh GROUP BY over
 * the raw tables and exits 1 when they differ; rebuild reloads them from
 * that GROUP BY (after a bulk load done with the triggers off, or to
 * repair a difference check found).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../domain/stats.h"
#include "../core/banned.h"

int cmd_stats(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t mismatches = 0;
	int status = 1;
	db_t *db;

	if (argc != 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "rebuild")))
		return cli_fail("usage: shegong stats check|rebuild");
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (!strcmp(argv[1], "rebuild")) {
		if (stats_rebuild(db, &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
		printf("statistics rebuilt\n");
		status = 0;
		goto out;
	}
	if (stats_check(db, &mismatches, &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	if (mismatches) {
		cli_fail("%lld kept counts differ from the raw tables; run "
			 "`shegong stats rebuild`", (long long)mismatches);
		goto out;
	}
	printf("statistics consistent\n");
	status = 0;
out:
	db_close(db);
	return status;
}
