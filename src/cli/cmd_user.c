/*
 * cmd_user.c: `shegong user add|list|disable`: accounts from the shell.
 *
 *   shegong user add LOGIN --role ROLE [--region CODE] [--name NAME] --password-stdin
 *   shegong user list [--json]
 *   shegong user disable LOGIN
 *
 * For operators and scripts, acting as the system actor (every role, no
 * region limit) and audited as such. A password is read from the first
 * line of standard input and never from the command line, where other
 * users could read it in the process list; the account keeps it (no
 * change forced at first sign-in), since whoever runs this chose it.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "../core/json.h"
#include "../domain/user.h"
#include "../core/banned.h"

#define PASSWORD_LINE_MAX 4096

static int usage(void)
{
	return cli_fail("usage: user add LOGIN --role ROLE [--region CODE] "
			"[--name NAME] --password-stdin | user list [--json] | "
			"user disable LOGIN");
}

/* Read the first line of stdin into out without its line end; 0 or -1. */
static int read_password_line(char *out, size_t size)
{
	size_t n;

	if (!fgets(out, (int)size, stdin))
		return -1;
	n = strlen(out);
	if (n == size - 1 && out[n - 1] != '\n')
		return -1; /* longer than any password could be */
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

static int user_add(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct user_new in;
	char password[PASSWORD_LINE_MAX];
	const char *role = NULL;
	int from_stdin = 0, status = 1;
	int64_t id = 0;
	db_t *db = NULL;

	memset(&in, 0, sizeof(in));
	if (argc < 3 || argv[2][0] == '-')
		return usage();
	in.login = argv[2];
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role = argv[++i];
		else if (!strcmp(argv[i], "--region") && i + 1 < argc)
			in.region_code = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			in.display_name = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else
			return cli_fail("user add: unexpected argument '%s'", argv[i]);
	}
	if (!role)
		return cli_fail("user add: --role ROLE is required");
	in.role = role_from_name(role);
	if (in.role == ROLE_NONE)
		return cli_fail("user add: unknown role '%s' (sysadmin, secadmin, "
				"auditor, bureau, org, worker, volunteer)", role);
	if (!from_stdin)
		return cli_fail("user add: --password-stdin is required (a "
				"password is never taken from the command line)");
	if (read_password_line(password, sizeof(password)) != 0)
		return cli_fail("user add: no password on standard input");
	in.password = password;
	in.must_change_password = 0;

	db = cli_open_db(env, 0);
	if (!db)
		goto out;
	if (user_create(db, actor_system(), &in, &id, &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	printf("user %s created (id %lld, role %s)\n", in.login, (long long)id,
	       role_name(in.role));
	status = 0;
out:
	sodium_memzero(password, sizeof(password));
	db_close(db);
	return status;
}

struct list_state {
	int json;
	int64_t printed;
	struct buf *out;
};

static int list_one(const struct user *u, void *arg)
{
	struct list_state *ls = arg;

	if (ls->json) {
		struct json_writer jw;

		buf_reset(ls->out);
		jw_init(&jw, ls->out);
		user_write_json(&jw, u);
		if (jw_finish(&jw) == 0)
			printf("%s%s", ls->printed ? ",\n" : "\n", buf_cstr(ls->out));
	} else {
		printf("%-6lld %-24s %-10s %-12s %-8s %s\n", (long long)u->id,
		       u->login, role_name(u->role),
		       u->region_code[0] ? u->region_code : "-",
		       u->disabled ? "disabled" : "active",
		       u->last_login_at[0] ? u->last_login_at : "never");
	}
	ls->printed++;
	return 0;
}

static int user_list_cmd(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct user_filter f = { NULL, ROLE_NONE, NULL, -1 };
	struct buf out = BUF_INIT(1 << 16);
	struct list_state ls = { 0, 0, &out };
	int64_t total = 0, offset = 0;
	int status = 1;
	db_t *db;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			ls.json = 1;
		else
			return cli_fail("user list: unexpected argument '%s'", argv[i]);
	}
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (ls.json)
		fputs("{\"items\":[", stdout);
	else
		printf("%-6s %-24s %-10s %-12s %-8s %s\n", "ID", "LOGIN", "ROLE",
		       "REGION", "STATE", "LAST LOGIN");
	do {
		if (user_list(db, actor_system(), &f, offset, 200, list_one, &ls,
			      &total, &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
		offset += 200;
	} while (offset < total);
	if (ls.json)
		printf("\n],\"total\":%lld}\n", (long long)total);
	status = 0;
out:
	buf_release(&out);
	db_close(db);
	return status;
}

static int user_disable(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct user_patch p = { NULL, 0, ROLE_NONE, 0, NULL, 1 };
	struct user u;
	int status = 1;
	db_t *db;

	if (argc != 3)
		return usage();
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (user_load_login(db, argv[2], &u, &er) != SG_OK ||
	    user_update(db, actor_system(), u.id, &p, &er) != SG_OK) {
		cli_fail_report(&er);
		goto out;
	}
	printf("user %s disabled; their sessions have ended\n", u.login);
	status = 0;
out:
	db_close(db);
	return status;
}

int cmd_user(const struct cli_env *env, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "add"))
		return user_add(env, argc, argv);
	if (!strcmp(argv[1], "list"))
		return user_list_cmd(env, argc, argv);
	if (!strcmp(argv[1], "disable"))
		return user_disable(env, argc, argv);
	return usage();
}
