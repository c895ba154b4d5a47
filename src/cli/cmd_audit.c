/*
 * cmd_audit.c: `shegong audit verify [--json]`: check the audit hash chain.
 *
 * Walks the whole chain on this process's own connection (the server may
 * keep serving meanwhile) and exits 0 when it holds, 1 when a record was
 * edited, deleted or reordered, naming the first bad record. The check is
 * itself audited as "audit.verify", by the system actor.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../core/json.h"
#include "../domain/audit.h"
#include "../core/banned.h"

static void show_progress(int64_t done, int64_t total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rchecked %lld of %lld records", (long long)done,
		(long long)total);
}

/* The result as a JSON object (into b); also the audit record's details. */
static int result_json(const struct audit_verify_result *res, struct buf *b)
{
	struct json_writer jw;

	jw_init(&jw, b);
	jw_obj_begin(&jw);
	jw_kv_bool(&jw, "ok", res->ok);
	jw_kv_int(&jw, "records", res->records);
	if (!res->ok) {
		jw_kv_int(&jw, "bad_id", res->bad_id);
		jw_kv_str(&jw, "reason", res->reason);
	}
	jw_obj_end(&jw);
	return jw_finish(&jw);
}

static int verify(const struct cli_env *env, int json)
{
	struct err_report er = ERR_REPORT_INIT;
	struct audit_verify_result res;
	struct buf out = BUF_INIT(1024);
	int tty = !json && isatty(STDERR_FILENO);
	db_t *db = cli_open_db(env, 0);
	int status = 1;

	if (!db)
		return 1;
	if (audit_verify(db, &res, tty ? show_progress : NULL, NULL, &er) != SG_OK) {
		if (tty)
			fputc('\n', stderr);
		cli_fail_report(&er);
		goto out;
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (result_json(&res, &out)) {
		cli_fail("out of memory");
		goto out;
	}
	{
		struct audit_entry e = {
			.action = "audit.verify",
			.object_type = "audit_log",
			.outcome = res.ok ? AUDIT_SUCCESS : AUDIT_FAILURE,
			.details_json = buf_cstr(&out),
		};

		if (audit_append(db, actor_system(), &e, &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
	}
	if (json)
		printf("%s\n", buf_cstr(&out));
	if (res.ok) {
		if (!json)
			printf("audit chain ok: %lld records\n", (long long)res.records);
		status = 0;
	} else {
		cli_fail("audit chain broken at record %lld: %s",
			 (long long)res.bad_id, res.reason);
	}
out:
	buf_release(&out);
	db_close(db);
	return status;
}

int cmd_audit(const struct cli_env *env, int argc, char **argv)
{
	int json = 0;

	if (argc < 2 || strcmp(argv[1], "verify"))
		return cli_fail("usage: shegong audit verify [--json]");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_fail("audit verify: unknown option '%s'", argv[i]);
	}
	return verify(env, json);
}
