/*
 * cmd_init.c: `shegong init`: create or upgrade an instance.
 *
 * Creates the data directory, the key file (0600, beside the database and
 * never inside it), the database with every migration, and, when there is
 * no account yet, the first system administrator with a printed one-time
 * password that must be changed at first login. Running it again only
 * applies new migrations: it never resets data, keys or passwords, and it
 * refuses to make a new key for a database that already exists.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../core/secret.h"
#include "../domain/audit.h"
#include "../domain/user.h"
#include "../core/banned.h"

/* mkdir -p of the directory part of path. */
static int make_parent_dirs(const char *path)
{
	char dir[4096];
	size_t n;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	for (n = strlen(dir); n > 0 && dir[n - 1] != '/'; n--)
		;
	if (n == 0)
		return 0;
	dir[n - 1] = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int cmd_init(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	char password[64] = "";
	db_t *db = NULL;
	int version, status = 1;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--new-key") != 0))
		return cli_fail("init takes only --new-key (and --db PATH)");
	/*
	 * A database without its key file is a restore gone wrong: a new key
	 * would break the audit chain and lose every sealed value for good.
	 */
	if (access(env->db_path, F_OK) == 0 && access(env->key_path, F_OK) != 0 &&
	    argc < 2)
		return cli_fail("%s exists but its key file %s is missing: restore the "
				"key file from your backup (or, knowing that the audit "
				"chain will no longer verify and sealed values are lost, "
				"run 'shegong init --new-key')", env->db_path,
				env->key_path);
	if (make_parent_dirs(env->db_path) != 0)
		return cli_fail("cannot create the directory of %s: %s",
				env->db_path, strerror(errno));
	if (secret_create(env->key_path, &er) != SG_OK ||
	    secret_load(env->key_path, &er) != SG_OK ||
	    db_open(env->db_path, DB_OPEN_CREATE, &db, &er) != SG_OK ||
	    db_migrate(db, &er) != SG_OK ||
	    user_bootstrap_admin(db, password, sizeof(password), &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	version = db_schema_version(db);
	printf("database %s ready (schema version %d), key file %s\n",
	       env->db_path, version, env->key_path);
	if (password[0]) {
		struct audit_entry e = {
			.action = "system.init",
			.object_type = "user",
			.object_id = "admin",
			.outcome = AUDIT_SUCCESS,
		};

		if (audit_append(db, actor_system(), &e, &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
		printf("first administrator: login admin, one-time password %s\n"
		       "(it must be changed at first login)\n", password);
	}
	status = 0;
out:
	db_close(db);
	return status;
}
