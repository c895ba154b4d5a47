/*
 * actor.h: who is acting, with which role, over which region subtree.
 *
 * Every domain function that reads or changes data takes the acting user as
 * a `const struct actor *`. The actor decides two things: what the role may
 * do (role_* below) and where (region scope: a user bound to a region sees
 * only codes inside its subtree). Region codes are hierarchical prefixes
 * (44 ⊃ 4418 ⊃ 441802 ⊃ 441802001 ⊃ 441802001001), so "inside the subtree"
 * is a prefix test, and in SQL a range test on an indexed column:
 * `code >= ?lo AND code < ?hi` with the bounds from actor_scope_range().
 *
 * The system actor (actor_system()) is used by the CLI and jobs started
 * from it: unscoped, all roles' rights, audited as login "system".
 */
#ifndef SG_ACTOR_H
#define SG_ACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

enum role {
	ROLE_NONE = 0,
	ROLE_SYSADMIN,  /* 系统管理员: users, roles, configuration; no audit */
	ROLE_SECADMIN,  /* 安全管理员: reads and verifies the audit log */
	ROLE_AUDITOR,   /* 审计管理员: reads and verifies the audit log */
	ROLE_BUREAU,    /* 民政局管理员: everything in the region subtree */
	ROLE_ORG,       /* 机构管理员 */
	ROLE_WORKER,    /* 社会工作者 */
	ROLE_VOLUNTEER, /* 志愿者 */
	ROLE_SYSTEM,    /* the CLI / internal jobs; never stored on a user */
	ROLE_COUNT_
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ADMIN (ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SECADMIN) | \
		     ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_BUREAU))
#define ROLES_AUDIT_READERS (ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_AUDITOR))
#define ROLES_USER_MANAGERS (ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_BUREAU))
/* The registry of organisations, stations and posts: who reads, who changes. */
#define ROLES_REGISTRY_READ (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | \
			     ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM))
#define ROLES_REGISTRY_WRITE (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_SYSTEM))

#define ACTOR_LOGIN_MAX 65 /* 64 characters + NUL */
#define ACTOR_REGION_MAX 16

struct actor {
	int64_t user_id;                    /* 0: anonymous or system */
	char login[ACTOR_LOGIN_MAX];        /* "" anonymous, "system" CLI */
	char display_name[128];
	enum role role;
	char region_code[ACTOR_REGION_MAX]; /* "" = whole country */
	char ip[48];                        /* client address, "" for CLI */
	int must_change_password;
	int totp_enabled;
	int64_t session_id;                 /* 0 outside a web session */
};

/* The API names of the roles a user may have, for messages. */
#define ROLE_NAMES "sysadmin, secadmin, auditor, bureau, org, worker, volunteer"

/* Stable API name ("sysadmin") of a role; "" for ROLE_NONE. */
const char *role_name(enum role r);
/* Role from its API name; ROLE_NONE if unknown (ROLE_SYSTEM never parses). */
enum role role_from_name(const char *name);
/* 1 if the role is one of the bits in mask. */
int role_in(enum role r, unsigned mask);

/*
 * SG_ERR_FORBIDDEN saying "your role (org) may not change stations" when
 * the role is among read_roles, else "... may not see stations".
 */
sg_err actor_forbidden(const struct actor *who, unsigned read_roles, const char *what,
		       struct err_report *er);

/* The unscoped system actor for CLI commands and internal jobs. */
const struct actor *actor_system(void);

/* 1 if code lies inside the actor's region subtree (or actor unscoped). */
int actor_in_scope(const struct actor *a, const char *region_code);

/*
 * Bounds for `col >= lo AND col < hi` that select the subtree of prefix
 * (the actor's region, or "" for everything): lo = prefix, hi = prefix with
 * its last character incremented ("4418" -> "4419"); for "" hi is "~".
 * Buffers are ACTOR_REGION_MAX bytes.
 */
void region_prefix_range(const char *prefix, char lo[ACTOR_REGION_MAX],
			 char hi[ACTOR_REGION_MAX]);

/*
 * The range of a list's region filter: region (NULL or "": who's own
 * subtree) must lie in who's scope, else SG_ERR_INVALID on field "region".
 */
sg_err actor_list_range(const struct actor *who, const char *region,
			char lo[ACTOR_REGION_MAX], char hi[ACTOR_REGION_MAX],
			struct err_report *er);

#endif
