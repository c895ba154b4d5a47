/*
 * certpdf.h: the printable registration certificate (社会工作者登记证书)
 * as a PDF, and the download that hands it out.
 *
 * certpdf_render() draws one certificate from a struct registration_cert
 * (domain/registration.h) into a buffer: A4 landscape, the Chinese text set
 * in Noto CJK with only the glyphs used embedded (the file does not depend
 * on the fonts of the reader's machine), and a QR code of the public
 * verification link with the link printed under it. It touches no database,
 * so that it can be tested alone.
 *
 * certpdf_issue() is the download of GET /registrations/{id}/certificate.pdf:
 * the registration's certificate for the caller, the verification link from
 * the setting public_base_url, the rendering, and the audit record
 * registration.certificate_download, which is written before the file is
 * handed out (no record, no file).
 *
 * Threads: rendering may run in several threads at once (each thread uses
 * its own Pango font map). The first rendering in a thread loads the font
 * configuration, which takes a few tens of milliseconds.
 */
#ifndef SG_CERTPDF_H
#define SG_CERTPDF_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"
#include "registration.h"

/* Ceiling of the buffer a certificate is rendered into (it takes ~170 KB). */
#define CERTPDF_MAX_BYTES (2u * 1024 * 1024)
/* The setting public_base_url and the link built from it, with the NUL. */
#define CERTPDF_URL_SIZE 256
/* public_base_url when the setting is absent or empty. */
#define CERTPDF_DEFAULT_BASE_URL "http://127.0.0.1:8080"

/*
 * Render the certificate c, issued on issued_on ("YYYY-MM-DD"), with
 * verify_url encoded in the QR code and printed under it, appending the
 * PDF to out (whose ceiling must allow CERTPDF_MAX_BYTES). Fails with
 * SG_ERR_IO when no installed font has a glyph the certificate needs
 * (install fonts-noto-cjk), SG_ERR_NOMEM / SG_ERR_TOO_LARGE when out cannot
 * take the file, SG_ERR_INTERNAL for a failure of the QR or PDF library;
 * out may then hold part of a file.
 */
/*
 * The certificate's text helper for other printable documents (the
 * worker's own record, selfexport.h): s in the certificate's serif CJK
 * font, size points, bold or not, in the ink colour, top-left at (x, y),
 * cut with … beyond width (> 0). Returns the number of characters no
 * installed font has a glyph for (0 when all were drawn).
 */
int certpdf_draw_text(cairo_t *cr, const char *s, double size, int bold,
		      double x, double y, double width);

sg_err certpdf_render(const struct registration_cert *c, const char *issued_on,
		      const char *verify_url, struct buf *out,
		      struct err_report *er);

/*
 * The public verification link of a certificate: base (trailing slashes
 * dropped) + "/#/verify/" + certificate_no, the route of the web UI's
 * verification page. 0, or -1 when it does not fit in size bytes.
 */
int certpdf_verify_url(const char *base, const char *certificate_no,
		       char *out, size_t size);

/*
 * The setting public_base_url (the server's address as the public sees
 * it), or CERTPDF_DEFAULT_BASE_URL when absent or empty. A value that is
 * not an http(s) URL or does not fit is treated as absent, with a warning
 * in the log, so that a bad setting cannot put a wrong link on paper.
 * SG_OK or SG_ERR_DB.
 */
sg_err certpdf_base_url(db_t *db, char out[CERTPDF_URL_SIZE],
			struct err_report *er);

/*
 * The certificate PDF of registration reg_id for who, into out (which must
 * be empty, with a ceiling of at least CERTPDF_MAX_BYTES), its number into
 * certificate_no (for the file name). Fails as registration_certificate()
 * (not found / out of scope, SG_ERR_CONFLICT when not certified) and as
 * certpdf_render(); audits registration.certificate_download.
 */
sg_err certpdf_issue(db_t *db, const struct actor *who, int64_t reg_id,
		     struct buf *out,
		     char certificate_no[REGISTRATION_CERT_NO_SIZE],
		     struct err_report *er);

#endif
