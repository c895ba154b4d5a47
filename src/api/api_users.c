/*
 * api_users.c: account management, /api/v1/users.
 *
 * The router lets only sysadmin and bureau in (ROLES_USER_MANAGERS); which
 * accounts, roles and regions each may touch is decided in domain/user.c.
 * Accounts made here get a password chosen by an administrator, so their
 * owner must change it at first sign-in.
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/user.h"
#include "../core/banned.h"

/* The {id} path parameter; anything but a positive integer is not found. */
static sg_err path_id(struct req_ctx *rc, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such user");
	return SG_OK;
}

/* A role field: NULL/absent gives ROLE_NONE; an unknown name fails. */
static sg_err parse_role(struct req_ctx *rc, const char *field, const char *name,
			 enum role *out)
{
	*out = ROLE_NONE;
	if (!name)
		return SG_OK;
	*out = role_from_name(name);
	if (*out == ROLE_NONE)
		return err_field(&rc->er, field, "invalid",
				 "one of " ROLE_NAMES);
	return SG_OK;
}

static sg_err reply_user(struct req_ctx *rc, int status, int64_t id)
{
	struct user u;

	if (user_get(rc->db, &rc->actor, id, &u, &rc->er) != SG_OK)
		return rc->er.code;
	user_write_json(rc_json(rc, status), &u);
	return SG_OK;
}

static int write_item(const struct user *u, void *arg)
{
	user_write_json(arg, u);
	return 0;
}

static sg_err users_get(struct req_ctx *rc)
{
	struct user_filter f;
	struct paging p;
	const char *q = NULL, *role = NULL, *region = NULL, *disabled = NULL;
	struct json_writer *jw;
	int64_t total;

	if (rc_paging(rc, &p) || rc_query_str(rc, "q", 64, &q) ||
	    rc_query_str(rc, "role", 16, &role) ||
	    rc_query_str(rc, "region", 12, &region) ||
	    rc_query_str(rc, "disabled", 5, &disabled) ||
	    user_filter_parse(&f, q, role, region, disabled, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (user_list(rc->db, &rc->actor, &f, p.offset, p.per_page, write_item,
		      jw, &total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err users_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "login", FIELD_STRING, 1, USER_LOGIN_MAX_CHARS },
		{ "display_name", FIELD_STRING, 0, USER_DISPLAY_NAME_MAX_CHARS },
		{ "role", FIELD_STRING, 1, 16 },
		{ "region_code", FIELD_STRING, 0, 12 },
		{ "password", FIELD_STRING, 1, 1024 },
	};
	struct user_new in;
	int64_t id;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	memset(&in, 0, sizeof(in));
	if (parse_role(rc, "role", rc_body_str(rc, "role"), &in.role) != SG_OK)
		return rc->er.code;
	in.login = rc_body_str(rc, "login");
	in.display_name = rc_body_str(rc, "display_name");
	in.region_code = rc_body_str(rc, "region_code");
	in.password = rc_body_str(rc, "password");
	in.must_change_password = 1;
	if (user_create(rc->db, &rc->actor, &in, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_user(rc, 201, id);
}

static sg_err user_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	return reply_user(rc, 200, id);
}

static sg_err user_patch_one(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "display_name", FIELD_STRING, 0, USER_DISPLAY_NAME_MAX_CHARS },
		{ "role", FIELD_STRING, 0, 16 },
		{ "region_code", FIELD_STRING, 0, 12 },
		{ "disabled", FIELD_BOOL, 0, 0 },
	};
	struct user_patch p;
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	memset(&p, 0, sizeof(p));
	p.disabled = -1;
	if (rc_body_has(rc, "display_name")) {
		p.display_name = rc_body_str(rc, "display_name");
		if (!p.display_name)
			return err_field(&rc->er, "display_name", "required",
					 "must not be null");
	}
	if (rc_body_has(rc, "role")) {
		p.set_role = 1;
		if (!rc_body_str(rc, "role"))
			return err_field(&rc->er, "role", "required",
					 "must not be null");
		if (parse_role(rc, "role", rc_body_str(rc, "role"), &p.role) != SG_OK)
			return rc->er.code;
	}
	if (rc_body_has(rc, "region_code")) {
		p.set_region = 1;
		p.region_code = rc_body_str(rc, "region_code");
	}
	if (rc_body_has(rc, "disabled")) {
		p.disabled = rc_body_bool(rc, "disabled", -1);
		if (p.disabled < 0)
			return err_field(&rc->er, "disabled", "required",
					 "must not be null");
	}
	if (user_update(rc->db, &rc->actor, id, &p, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_user(rc, 200, id);
}

static sg_err user_password_reset_post(struct req_ctx *rc)
{
	char otp[USER_OTP_CHARS + 1];
	struct json_writer *jw;
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    (rc->body && rc_body_check(rc, NULL, 0) != SG_OK))
		return rc->er.code;
	if (user_password_reset(rc->db, &rc->actor, id, otp, sizeof(otp),
				&rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "one_time_password", otp);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err user_totp_delete(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	if (user_totp_reset(rc->db, &rc->actor, id, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/users", users_get, 0, ROLES_USER_MANAGERS },
	{ "POST", "/api/v1/users", users_post, 0, ROLES_USER_MANAGERS },
	{ "GET", "/api/v1/users/{id}", user_get_one, 0, ROLES_USER_MANAGERS },
	{ "PATCH", "/api/v1/users/{id}", user_patch_one, 0, ROLES_USER_MANAGERS },
	{ "POST", "/api/v1/users/{id}/password-reset", user_password_reset_post, 0,
	  ROLES_USER_MANAGERS },
	{ "DELETE", "/api/v1/users/{id}/totp", user_totp_delete, 0,
	  ROLE_BIT(ROLE_SYSADMIN) },
};

const struct route_table api_user_routes = ROUTE_TABLE(routes);
