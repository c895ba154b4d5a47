/*
 * internal.h: what server.c, router.c and req.c share and handlers do not.
 */
#ifndef SG_HTTP_INTERNAL_H
#define SG_HTTP_INTERNAL_H

#include <h2o.h>

#include "req.h"
#include "server.h"

#define RC_REPLY_MAX (64u << 20) /* largest reply body we build in memory */

static inline h2o_req_t *rc_h2o(struct req_ctx *rc)
{
	return (h2o_req_t *)rc->h2o_req;
}

/* Set up rc for an h2o request (body not parsed yet). */
void rc_init(struct req_ctx *rc, h2o_req_t *req, db_t *db,
	     const struct server_config *cfg);
/* Parse the JSON body if there is one; fills rc->er on failure. */
sg_err rc_parse_body(struct req_ctx *rc);
/* Replace any reply with problem+json built from rc->er. */
void rc_write_problem(struct req_ctx *rc);
/* Send the reply and free what rc holds. */
void rc_send(struct req_ctx *rc);

#endif
