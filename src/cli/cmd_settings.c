/*
 * cmd_settings.c: `shegong settings get KEY` and `shegong settings set
 * KEY VALUE` for the whitelisted settings of domain/setting.h (today:
 * demo_data, which make demo sets so that the UI says the people are
 * synthetic). A change is made as the system actor and audited.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../domain/setting.h"
#include "../core/banned.h"

int cmd_settings(const struct cli_env *env, int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	char value[SETTING_VALUE_MAX];
	int get = argc == 3 && !strcmp(argv[1], "get");
	int set = argc == 4 && !strcmp(argv[1], "set");
	int status = 1;
	db_t *db;

	if (!get && !set)
		return cli_fail("usage: shegong settings get KEY | settings set KEY VALUE");
	if (!setting_known(argv[2]))
		return cli_fail("unknown setting '%s' (known: demo_data)", argv[2]);
	db = cli_open_db(env, 0);
	if (!db)
		return 1;
	if (get) {
		if (setting_get(db, argv[2], value, sizeof(value), &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
		printf("%s\n", value);
	} else {
		if (setting_set(db, actor_system(), argv[2], argv[3], &er) != SG_OK) {
			cli_fail_report(&er);
			goto out;
		}
		printf("%s = %s\n", argv[2], argv[3]);
	}
	status = 0;
out:
	db_close(db);
	return status;
}
