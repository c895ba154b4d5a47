/*
 * cmd_export.c: `shegong export KIND --format csv|xlsx -o FILE [--region CODE]
 * [--FILTER VALUE]... [--names] [--reveal --reason TEXT]`.
 *
 * Runs as the system actor (whole country) through the same export_run()
 * as the API, without the download cap: this is the way to export a whole
 * province. Filters are the list's query parameters given as options
 * (--level senior, --q 张); --names writes API names in the header row
 * instead of the Chinese headers. Prints "KIND: N rows -> FILE".
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../domain/actor.h"
#include "../io/export.h"
#include "../core/banned.h"

#define MAX_FILTERS 32

struct filters {
	const char *name[MAX_FILTERS];
	const char *value[MAX_FILTERS];
	size_t n;
};

static const char *filter_get(void *ctx, const char *name)
{
	const struct filters *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

static int known_param(const struct export_kind *k, const char *name)
{
	for (const char *const *p = k->params; *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

int cmd_export(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct export_options o = { 0, 0, NULL, 0, 0 };
	struct filters f = { { NULL }, { NULL }, 0 };
	const char *out = NULL;
	int64_t rows = 0;
	db_t *db;
	int status = 1;

	if (argc < 2)
		return cli_fail("usage: shegong export KIND --format csv|xlsx -o FILE "
				"[--region CODE] [--FILTER VALUE]... [--names] [--reveal --reason TEXT]");
	const struct export_kind *k = export_kind_find(argv[1]);
	if (!k)
		return cli_fail("unknown export kind %s", argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--names")) {
			o.use_names = 1;
		} else if (!strcmp(a, "--reveal")) {
			o.reveal = 1;
		} else if (i + 1 >= argc || strncmp(a, "--", 2) != 0 || !strcmp(a, "--")) {
			if (!strcmp(a, "-o") && i + 1 < argc)
				out = argv[++i];
			else
				return cli_fail("unexpected argument %s", a);
		} else if (!strcmp(a, "--format")) {
			o.format = sheetw_format_parse(argv[++i]);
			if (!o.format)
				return cli_fail("--format is csv or xlsx");
		} else if (!strcmp(a, "--output")) {
			out = argv[++i];
		} else if (!strcmp(a, "--reason")) {
			o.reason = argv[++i];
		} else if (known_param(k, a + 2) && f.n < MAX_FILTERS) {
			f.name[f.n] = a + 2;
			f.value[f.n++] = argv[++i];
		} else {
			return cli_fail("unknown option %s for export %s", a, k->name);
		}
	}
	if (!o.format)
		return cli_fail("--format csv|xlsx is required");
	if (!out)
		return cli_fail("-o FILE is required");
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (export_run(db, actor_system(), k, filter_get, &f, &o, out, &rows, &er) != SG_OK) {
		cli_fail_report(&er);
		goto cleanup;
	}
	printf("%s: %lld rows -> %s\n", k->name, (long long)rows, out);
	status = 0;
cleanup:
	db_close(db);
	return status;
}
