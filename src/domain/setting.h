/*
 * setting.h: instance settings an operator may read and change from the
 * command line (`shegong settings get|set KEY [VALUE]`), limited to a
 * whitelist: each key names its accepted values, so a typo cannot switch
 * on something the code does not read.
 *
 * Keys: demo_data "0" or "1" — the database holds synthetic people (make
 * demo); the UI then shows a banner saying so (GET /api/v1/demo).
 *
 * Other modules keep their own settings (org_rating.cutoffs, ...) behind
 * their own functions; this module is only for the whitelist.
 */
#ifndef SG_SETTING_H
#define SG_SETTING_H

#include <stddef.h>

#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"

#define SETTING_VALUE_MAX 64

/* 1 if key is on the whitelist. */
int setting_known(const char *key);

/*
 * The value of a whitelisted key into out (size bytes): the stored value,
 * else the key's default. An unknown key is SG_ERR_INVALID (field "key").
 */
sg_err setting_get(db_t *db, const char *key, char *out, size_t size,
		   struct err_report *er);

/*
 * Store value for a whitelisted key. Sysadmin and the system actor only
 * (SG_ERR_FORBIDDEN); an unknown key or a value the key does not accept is
 * SG_ERR_INVALID (field "key" or "value"). Audited as setting.update with
 * the key as object id, in the same transaction.
 */
sg_err setting_set(db_t *db, const struct actor *who, const char *key,
		   const char *value, struct err_report *er);

/* 1 if the database holds synthetic demo people (demo_data = "1"). */
int setting_demo_data(db_t *db);

#endif
