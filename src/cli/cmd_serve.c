/*
 * cmd_serve.c: `shegong serve`: run the HTTP server until SIGTERM/SIGINT.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../io/import_job.h"
#include "../http/server.h"
#include "../core/banned.h"

static int int_opt(const char *name, const char *v, int64_t min, int64_t max,
		   int64_t *out)
{
	if (!v || util_parse_int(v, min, max, out))
		return cli_fail("%s needs a number from %lld to %lld", name,
				(long long)min, (long long)max);
	return 0;
}

int cmd_serve(const struct cli_env *env, int argc, char **argv)
{
	struct server_config cfg;
	struct err_report er = ERR_REPORT_INIT;
	db_t *db;
	int64_t n;

	server_config_defaults(&cfg);
	cfg.db_path = env->db_path;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--port")) {
			if (int_opt(a, v, 1, 65535, &n))
				return 1;
			cfg.port = (int)n;
			i++;
		} else if (!strcmp(a, "--bind") && v) {
			cfg.bind_addr = v;
			i++;
		} else if (!strcmp(a, "--web") && v) {
			cfg.web_root = v;
			i++;
		} else if (!strcmp(a, "--access-log") && v) {
			cfg.access_log = v;
			i++;
		} else if (!strcmp(a, "--threads")) {
			if (int_opt(a, v, 1, 64, &n))
				return 1;
			cfg.threads = (int)n;
			i++;
		} else if (!strcmp(a, "--job-threads")) {
			if (int_opt(a, v, 1, 16, &n))
				return 1;
			cfg.job_threads = (int)n;
			i++;
		} else if (!strcmp(a, "--max-connections")) {
			if (int_opt(a, v, 1, 1000000, &n))
				return 1;
			cfg.max_connections = (int)n;
			i++;
		} else if (!strcmp(a, "--idle-timeout")) {
			if (int_opt(a, v, 1, 3600, &n))
				return 1;
			cfg.idle_timeout_ms = (int)n * 1000;
			i++;
		} else if (!strcmp(a, "--max-body")) {
			if (int_opt(a, v, 1024, (int64_t)1 << 32, &n))
				return 1;
			cfg.max_body = (size_t)n;
			i++;
		} else if (!strcmp(a, "--public-rate")) {
			if (int_opt(a, v, 0, 1000000, &n))
				return 1;
			cfg.public_rate = (int)n;
			i++;
		} else if (!strcmp(a, "--behind-tls")) {
			cfg.behind_tls = 1;
		} else if (!strcmp(a, "--trust-proxy")) {
			cfg.trust_proxy = 1;
		} else {
			return cli_fail("serve: unknown option '%s' (options: --port N "
					"--bind ADDR --web DIR --access-log FILE "
					"--threads N --job-threads N --max-connections N "
					"--idle-timeout SECONDS --max-body BYTES "
					"--public-rate PER_MINUTE --behind-tls "
					"--trust-proxy)", a);
		}
	}
	/* apply pending migrations once, before any loop opens the database */
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (import_sweep_files(db, cfg.db_path) < 0)
		log_warn("could not look for files a stopped server left beside %s", cfg.db_path);
	db_close(db);
	if (server_run(&cfg, &er) != SG_OK)
		return cli_fail_report(&er);
	return 0;
}
