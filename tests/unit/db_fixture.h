/*
 * db_fixture.h: a fresh database in a temporary directory with the
 * migrations applied and the fixture region tree loaded, for unit tests
 * that run domain code against real SQLite. Header-only: each test
 * program includes it once.
 */
#ifndef SG_TEST_DB_FIXTURE_H
#define SG_TEST_DB_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "db/db.h"
#include "domain/actor.h"
#include "domain/region.h"

struct db_fixture {
	char dir[64];
	char path[128];
	db_t *db;
};

/* 0 on success; prints the reason and returns -1 otherwise. */
static inline int db_fixture_open(struct db_fixture *f)
{
	const char *data = getenv("SHEGONG_TEST_DATA");
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	char key[160], regions[512];

	snprintf(regions, sizeof(regions), "%s/regions", data && *data ? data : "tests/data");
	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er) ||
	    db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK ||
	    region_load(f->db, actor_system(), regions, NULL, NULL, &res, &er)) {
		fprintf(stderr, "db fixture: %s\n", er.detail);
		return -1;
	}
	return 0;
}

static inline int db_fixture_close(struct db_fixture *f)
{
	char cmd[200];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline struct actor db_fixture_actor(int64_t id, const char *login, enum role role,
				     const char *region)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = id;
	snprintf(a.login, sizeof(a.login), "%s", login);
	a.role = role;
	snprintf(a.region_code, sizeof(a.region_code), "%s", region);
	return a;
}

#endif
