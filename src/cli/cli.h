/*
 * cli.h: the subcommands of the shegong binary.
 *
 * main.c parses the global options (--db PATH, else $SHEGONG_DB, else
 * ./data/shegong.db), then runs one command with the remaining arguments
 * (argv[0] is the command name). A command returns the process exit status:
 * 0 on success; otherwise it has printed one line "shegong: reason" to
 * stderr (use cli_fail()).
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include "../core/err.h"
#include "../db/db.h"

struct cli_env {
	const char *db_path;  /* database file */
	char key_path[4096];  /* key file beside it */
};

typedef int (*cli_cmd_fn)(const struct cli_env *env, int argc, char **argv);

int cmd_init(const struct cli_env *env, int argc, char **argv);
int cmd_serve(const struct cli_env *env, int argc, char **argv);
int cmd_regions(const struct cli_env *env, int argc, char **argv);
int cmd_user(const struct cli_env *env, int argc, char **argv);
int cmd_audit(const struct cli_env *env, int argc, char **argv);
int cmd_backup(const struct cli_env *env, int argc, char **argv);
int cmd_stats(const struct cli_env *env, int argc, char **argv);
int cmd_settings(const struct cli_env *env, int argc, char **argv);
int cmd_import(const struct cli_env *env, int argc, char **argv);
int cmd_export(const struct cli_env *env, int argc, char **argv);

/*
 * Open the database for a command: loads the key file, opens the database,
 * applies pending migrations; flags as db_open()'s. On failure prints the
 * reason and returns NULL. Close with db_close().
 */
db_t *cli_open_db(const struct cli_env *env, int flags);

/* Print "shegong: <formatted>" to stderr; returns 1 (the exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the report's detail (and fields) to stderr; returns 1. */
int cli_fail_report(const struct err_report *er);

#endif
