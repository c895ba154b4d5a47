/*
 * actor.c: roles and region scope; see actor.h.
 */
#include <string.h>

#include "actor.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *const role_names[ROLE_COUNT_] = {
	[ROLE_NONE] = "",
	[ROLE_SYSADMIN] = "sysadmin",
	[ROLE_SECADMIN] = "secadmin",
	[ROLE_AUDITOR] = "auditor",
	[ROLE_BUREAU] = "bureau",
	[ROLE_ORG] = "org",
	[ROLE_WORKER] = "worker",
	[ROLE_VOLUNTEER] = "volunteer",
	[ROLE_SYSTEM] = "system",
};

const char *role_name(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT_)
		return "";
	return role_names[r];
}

enum role role_from_name(const char *name)
{
	if (!name)
		return ROLE_NONE;
	for (int r = ROLE_SYSADMIN; r < ROLE_SYSTEM; r++)
		if (!strcmp(name, role_names[r]))
			return (enum role)r;
	return ROLE_NONE;
}

int role_in(enum role r, unsigned mask)
{
	return (unsigned)r < ROLE_COUNT_ && (mask & ROLE_BIT(r)) != 0;
}

sg_err actor_forbidden(const struct actor *who, unsigned read_roles, const char *what,
		       struct err_report *er)
{
	return err_set(er, SG_ERR_FORBIDDEN, "your role (%s) may not %s %s", role_name(who->role),
		       role_in(who->role, read_roles) ? "change" : "see", what);
}

const struct actor *actor_system(void)
{
	static const struct actor sys = {
		.user_id = 0,
		.login = "system",
		.display_name = "system",
		.role = ROLE_SYSTEM,
		.region_code = "",
	};
	return &sys;
}

int actor_in_scope(const struct actor *a, const char *region_code)
{
	size_t n = strlen(a->region_code);

	if (!region_code)
		return n == 0;
	return strncmp(a->region_code, region_code, n) == 0;
}

void region_prefix_range(const char *prefix, char lo[ACTOR_REGION_MAX],
			 char hi[ACTOR_REGION_MAX])
{
	size_t n;

	util_strlcpy(lo, prefix, ACTOR_REGION_MAX);
	util_strlcpy(hi, prefix, ACTOR_REGION_MAX);
	n = strlen(hi);
	if (n == 0) {
		hi[0] = '~';
		hi[1] = '\0';
		return;
	}
	hi[n - 1] = (char)(hi[n - 1] + 1);
}

sg_err actor_list_range(const struct actor *who, const char *region,
			char lo[ACTOR_REGION_MAX], char hi[ACTOR_REGION_MAX],
			struct err_report *er)
{
	if (region && *region && !actor_in_scope(who, region))
		return err_field(er, "region", "unknown", "region outside your scope");
	region_prefix_range(region && *region ? region : who->region_code, lo, hi);
	return SG_OK;
}
