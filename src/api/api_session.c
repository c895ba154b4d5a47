/*
 * api_session.c: sign-in and sign-out (/api/v1/session) and the signed-in
 * user's own account (/api/v1/me/...): password change and TOTP enrolment.
 *
 * The rules live in domain/auth.c; here only input shape and replies. A
 * new session's token goes out only as the cookie, never in a body.
 */
#include "api.h"
#include "../domain/auth.h"
#include "../domain/user.h"
#include "../core/banned.h"

/* {"user":{...},"csrf_token":"..."} for user_id, the reply of sign-in and GET. */
static sg_err write_session(struct req_ctx *rc, int64_t user_id, const char *csrf)
{
	struct user u;
	struct json_writer *jw;

	if (user_load(rc->db, user_id, &u, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "user");
	user_write_json(jw, &u);
	jw_kv_str(jw, "csrf_token", csrf);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err session_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "login", FIELD_STRING, 1, USER_LOGIN_MAX_CHARS },
		{ "password", FIELD_STRING, 1, 1024 },
		{ "totp", FIELD_STRING, 0, 16 },
	};
	struct auth_login_input in;
	struct auth_new_session s;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	in.login = rc_body_str(rc, "login");
	in.password = rc_body_str(rc, "password");
	in.totp = rc_body_str(rc, "totp");
	in.ip = rc_client_ip(rc);
	in.old_token = rc_session_cookie(rc);
	if (auth_login(rc->db, &in, &s, &rc->er) != SG_OK)
		return rc->er.code;
	if (write_session(rc, s.user_id, s.csrf) != SG_OK)
		return rc->er.code;
	rc_set_session_cookie(rc, s.token);
	return SG_OK;
}

static sg_err session_get(struct req_ctx *rc)
{
	if (rc->actor.user_id == 0) {
		err_type(&rc->er, "login_required");
		return err_set(&rc->er, SG_ERR_UNAUTHORIZED, "not signed in");
	}
	return write_session(rc, rc->actor.user_id, rc->csrf_token);
}

static sg_err session_delete(struct req_ctx *rc)
{
	if (auth_logout(rc->db, &rc->actor, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	rc_set_session_cookie(rc, NULL);
	return SG_OK;
}

static sg_err me_password_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "current_password", FIELD_STRING, 1, 1024 },
		{ "new_password", FIELD_STRING, 1, 1024 },
	};
	struct auth_new_session s;
	struct json_writer *jw;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (auth_change_password(rc->db, &rc->actor,
				 rc_body_str(rc, "current_password"),
				 rc_body_str(rc, "new_password"), &s,
				 &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "csrf_token", s.csrf);
	jw_obj_end(jw);
	rc_set_session_cookie(rc, s.token);
	return SG_OK;
}

static sg_err me_totp_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "password", FIELD_STRING, 1, 1024 },
	};
	struct auth_totp_enrolment e;
	struct json_writer *jw;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (auth_totp_begin(rc->db, &rc->actor, rc_body_str(rc, "password"),
			    &e, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "secret", e.secret);
	jw_kv_str(jw, "otpauth_uri", e.otpauth_uri);
	jw_kv_str(jw, "qr_svg", e.qr_svg);
	jw_obj_end(jw);
	auth_totp_enrolment_release(&e);
	return SG_OK;
}

static sg_err me_totp_confirm_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "code", FIELD_STRING, 1, 16 },
	};

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (auth_totp_confirm(rc->db, &rc->actor, rc_body_str(rc, "code"),
			      &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static const struct route routes[] = {
	{ "POST", "/api/v1/session", session_post, ROUTE_PUBLIC, 0 },
	{ "GET", "/api/v1/session", session_get,
	  ROUTE_PUBLIC | ROUTE_PASSWORD_CHANGE, 0 },
	{ "DELETE", "/api/v1/session", session_delete, ROUTE_PASSWORD_CHANGE, 0 },
	{ "POST", "/api/v1/me/password", me_password_post, ROUTE_PASSWORD_CHANGE, 0 },
	{ "POST", "/api/v1/me/totp", me_totp_post, 0, 0 },
	{ "POST", "/api/v1/me/totp/confirm", me_totp_confirm_post, 0, 0 },
};

const struct route_table api_session_routes = ROUTE_TABLE(routes);
