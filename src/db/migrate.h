/*
 * migrate.h: the SQL migrations embedded in the binary.
 *
 * Generated at build time from migrations/sqlite/NNN_name.sql (see
 * cmake/embed_migrations.cmake), sorted by version. db_migrate() applies
 * those above the database's recorded version, each in its own transaction.
 */
#ifndef SG_MIGRATE_H
#define SG_MIGRATE_H

#include <stddef.h>

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_migrations[];
extern const size_t db_migration_count;

#endif
