/*
 * api_certificates.c: the registration certificate (登记证书) and its
 * public verification (docs/dev/registration-contract.md):
 *
 *   GET /api/v1/registrations/{id}/certificate.pdf      bureau and org
 *       accounts, registration in scope and certified (else 404 / 409):
 *       the PDF as an attachment, audited (domain/certpdf.h)
 *   GET /api/v1/public/certificates/{certificate_no}     anyone, no session:
 *       what the verification page behind the QR code shows
 *
 * The public reply has exactly the contract's fields (name, level, state,
 * validity), never the ID number or any other record; an unknown and a
 * malformed number get the same 404, so the reply says nothing about a
 * person beyond the certificate asked for. Certificate numbers are
 * sequential per county and year, so anyone can walk them and list the
 * names of certificate holders; that is what a public register shows, and
 * the per-client rate limit (http/ratelimit.h) keeps bulk harvesting slow.
 */
#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/certpdf.h"
#include "../domain/registration.h"
#include "../core/banned.h"

#define CERT_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG))

static sg_err certificate_pdf_get(struct req_ctx *rc)
{
	struct buf pdf = BUF_INIT(CERTPDF_MAX_BYTES);
	char no[REGISTRATION_CERT_NO_SIZE], disposition[96];
	int64_t id;
	sg_err code;

	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, &id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such registration");
	code = certpdf_issue(rc->db, &rc->actor, id, &pdf, no, &rc->er);
	if (code == SG_OK)
		code = rc_bytes(rc, 200, "application/pdf", pdf.ptr, pdf.len);
	if (code == SG_OK) {
		/* the number is digits only: nothing to quote in the file name */
		snprintf(disposition, sizeof(disposition),
			 "attachment; filename=\"certificate-%s.pdf\"", no);
		rc_add_header(rc, "content-disposition", disposition);
	}
	buf_release(&pdf);
	return code;
}

/* A date or null when not set. */
static void kv_date(struct json_writer *jw, const char *key, const char *date)
{
	if (*date)
		jw_kv_str(jw, key, date);
	else
		jw_kv_null(jw, key);
}

static sg_err public_certificate_get(struct req_ctx *rc)
{
	struct public_cert c;
	struct json_writer *jw;

	if (registration_verify_public(rc->db, rc_param(rc, "certificate_no"), &c,
				       &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "certificate_no", c.certificate_no);
	jw_kv_str(jw, "name", c.name);
	jw_kv_str(jw, "level", c.level);
	jw_kv_str(jw, "level_label", c.level_label);
	jw_kv_str(jw, "state", c.state);
	jw_kv_str(jw, "state_label", c.state_label);
	kv_date(jw, "registered_on", c.registered_on);
	kv_date(jw, "expires_on", c.expires_on);
	jw_kv_bool(jw, "valid", c.valid);
	jw_obj_end(jw);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/registrations/{id}/certificate.pdf", certificate_pdf_get, 0,
	  CERT_ROLES },
	{ "GET", "/api/v1/public/certificates/{certificate_no}", public_certificate_get,
	  ROUTE_PUBLIC | ROUTE_RATE_LIMITED, 0 },
};

const struct route_table api_certificate_routes = ROUTE_TABLE(routes);
