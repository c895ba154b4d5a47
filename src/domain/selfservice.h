/*
 * selfservice.h: a social worker's own record (PIPL: data subjects may
 * see and export their data). A user of role worker is linked to one
 * worker record by users.worker_id (migration 015), set by a bureau in
 * the scope of both the worker and the user.
 *
 * A worker account reads its own record only: every function here finds
 * the record through the caller's link, never through an id the caller
 * supplies, so another worker's record cannot be named (SG_ERR_NOT_FOUND
 * when no record is linked; SG_ERR_FORBIDDEN for other roles).
 */
#ifndef SG_SELFSERVICE_H
#define SG_SELFSERVICE_H

#include <stdint.h>

#include "actor.h"
#include "idcard.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../db/db.h"

/*
 * Link the worker-role user user_id to worker_id (user_id 0 unlinks
 * whoever is linked). Bureau only, both in scope (else 404 / 422 field
 * user_id); a user of another role is 422 (user_id, "role"); a worker
 * already linked to another user is 409. Audited as worker.account_link.
 */
sg_err selfservice_link(db_t *db, const struct actor *who, int64_t worker_id,
			int64_t user_id, struct err_report *er);

/*
 * Write the caller's whole record as one JSON object: {"worker":{...},
 * "qualifications":[...], "employments":[...], "records":[...],
 * "pools":[...]} with the ID number masked.
 */
sg_err selfservice_write(db_t *db, const struct actor *who, struct json_writer *jw,
			 struct err_report *er);

/*
 * The caller's record as a printable PDF (A4 portrait, the certificate's
 * font through certpdf_draw_text): profile with the ID number masked,
 * qualifications, service history, honours and discipline, pools; long
 * lists are cut at what fits one page. Appended to out (ceiling at least
 * CERTPDF_MAX_BYTES). SG_ERR_IO when a font lacks glyphs (fonts-noto-cjk).
 */
sg_err selfservice_pdf(db_t *db, const struct actor *who, struct buf *out,
		       struct err_report *er);

/* The caller's own ID number in clear, audited as worker.reveal (reason). */
sg_err selfservice_reveal(db_t *db, const struct actor *who, const char *reason,
			  char out[IDCARD_SIZE], struct err_report *er);

#endif
