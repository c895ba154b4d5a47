/*
 * cmd_backup.c: `shegong backup FILE [--force]`: a consistent copy of the
 * database, safe while the server is serving.
 *
 * The copy is one snapshot (db_backup: SQLite's online backup), written
 * beside FILE and renamed into place, so FILE is never a half copy. An
 * existing FILE is kept unless --force. The key file is not copied: store
 * it separately (a backup without it cannot reveal protected values, and
 * with it the audit chain can be verified). Audited as "backup.create".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../core/json.h"
#include "../domain/audit.h"
#include "../core/banned.h"

/* Audit the attempt; the backup's own outcome decides the exit status. */
static sg_err audit_backup(db_t *db, const char *file, sg_err outcome,
			   long long bytes, struct err_report *er)
{
	struct buf details = BUF_INIT(8192);
	struct json_writer jw;
	sg_err result;

	jw_init(&jw, &details);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "file", file);
	if (outcome == SG_OK)
		jw_kv_int(&jw, "bytes", bytes);
	jw_obj_end(&jw);
	if (jw_finish(&jw)) {
		result = err_set(er, SG_ERR_INVALID,
				 "the file name is not valid UTF-8 or too long");
	} else {
		struct audit_entry e = {
			.action = "backup.create",
			.object_type = "database",
			.outcome = outcome == SG_OK ? AUDIT_SUCCESS : AUDIT_FAILURE,
			.details_json = buf_cstr(&details),
		};

		result = audit_append(db, actor_system(), &e, er);
	}
	buf_release(&details);
	return result;
}

int cmd_backup(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT, aer = ERR_REPORT_INIT;
	const char *file = NULL;
	char *full = NULL;
	struct stat st;
	int force = 0, status = 1;
	sg_err done;
	db_t *db;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_fail("backup: unknown option '%s'", argv[i]);
		else if (file)
			return cli_fail("backup takes one FILE");
		else
			file = argv[i];
	}
	if (!file)
		return cli_fail("usage: shegong backup FILE [--force]");
	if (!force && stat(file, &st) == 0)
		return cli_fail("%s exists (use --force to replace it)", file);
	if (!force && errno != ENOENT)
		return cli_fail("cannot check %s: %s", file, strerror(errno));

	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	done = db_backup(db, file, &er);
	if (done == SG_OK && stat(file, &st) != 0)
		done = err_set(&er, SG_ERR_IO, "cannot read %s: %s", file,
			       strerror(errno));
	/* the record names the copy wherever the command was run from */
	if (done == SG_OK)
		full = realpath(file, NULL);
	if (audit_backup(db, full ? full : file, done,
			 done == SG_OK ? (long long)st.st_size : 0, &aer) != SG_OK) {
		/* an unaudited copy of everything must not be left behind */
		if (done == SG_OK)
			unlink(file);
		cli_fail_report(done == SG_OK ? &aer : &er);
		goto out;
	}
	if (done != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	printf("backup written to %s: %lld bytes\n", file, (long long)st.st_size);
	status = 0;
out:
	free(full);
	db_close(db);
	return status;
}
