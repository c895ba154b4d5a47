/*
 * setting.c: the whitelist of operator settings (setting.h): get with a
 * default, set with the key's accepted values, audited in the same
 * transaction as the change.
 */
#include <string.h>

#include "setting.h"
#include "audit.h"
#include "../core/util.h"
#include "../core/banned.h"

static const struct {
	const char *key;
	const char *def;
	const char *const values[4]; /* accepted values, NULL-terminated */
} known[] = {
	{ "demo_data", "0", { "0", "1", NULL } },
};

static int find(const char *key)
{
	for (size_t i = 0; key && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].key, key))
			return (int)i;
	return -1;
}

int setting_known(const char *key)
{
	return find(key) >= 0;
}

sg_err setting_get(db_t *db, const char *key, char *out, size_t size,
		   struct err_report *er)
{
	int k = find(key), rc;
	db_stmt_t *st;

	if (k < 0)
		return err_field(er, "key", "unknown", "not a setting that can be read here");
	util_strlcpy(out, known[k].def, size);
	st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, key, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(out, db_col_text(st, 0), size);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err setting_set(db_t *db, const struct actor *who, const char *key,
		   const char *value, struct err_report *er)
{
	struct audit_entry e = {
		.action = "setting.update",
		.object_type = "setting",
		.object_id = key,
		.outcome = AUDIT_SUCCESS,
		.details_json = "{\"fields\":[\"value\"]}",
	};
	char now[UTIL_TIME_LEN];
	int k = find(key), ok = 0, rc;
	db_stmt_t *st;

	if (!role_in(who->role, ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN, "only a system administrator may change settings");
	if (k < 0)
		return err_field(er, "key", "unknown", "not a setting that can be changed here");
	for (size_t i = 0; value && known[k].values[i]; i++)
		ok |= !strcmp(known[k].values[i], value);
	if (!ok)
		return err_field(er, "value", "invalid", "%s accepts 0 or 1", key);
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
			    " ON CONFLICT (key) DO UPDATE"
			    " SET value = excluded.value, updated_at = excluded.updated_at");
	if (!st) {
		sg_err code = db_fail(db, DB_ERR, er);

		db_rollback(db);
		return code;
	}
	db_bind_text(st, 1, key, -1);
	db_bind_text(st, 2, value, -1);
	db_bind_text(st, 3, now, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0 || audit_append(db, who, &e, er) != SG_OK) {
		sg_err code = rc < 0 ? db_fail(db, rc, er) : er->code;

		db_rollback(db);
		return code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

int setting_demo_data(db_t *db)
{
	struct err_report er = ERR_REPORT_INIT;
	char v[SETTING_VALUE_MAX];

	return setting_get(db, "demo_data", v, sizeof(v), &er) == SG_OK && !strcmp(v, "1");
}
