/*
 * api_workers.c: the social worker registry, /api/v1/workers, for bureau
 * and org accounts inside their region subtree (domain/worker.h):
 *
 *   GET   /api/v1/workers                       search: region, level,
 *         education, status, field, org, pool, age_min, age_max, q, sort, page,
 *         per_page
 *   POST  /api/v1/workers                       create (201)
 *   POST  /api/v1/workers/lookup                {"id_number"}: exact match
 *   GET   /api/v1/workers/service-fields        the service field codes
 *   GET   /api/v1/workers/{id}                  one record
 *   PATCH /api/v1/workers/{id}                  change fields
 *   POST  /api/v1/workers/{id}/reveal           {"reason"} -> {"id_number"}
 *   GET   /api/v1/workers/{id}/qualifications   certificates, history kept
 *   POST  /api/v1/workers/{id}/qualifications   add one (201)
 *   DELETE /api/v1/workers/{id}/qualifications/{qid}   bureau only
 *
 * Every reply carries the ID number masked except the reveal, which is
 * audited (API replies are never cached: the server sends no-store). An
 * ID number is never taken in a URL, which access logs and proxies keep:
 * the exact lookup is a POST. Records are not deleted: status left/deceased.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/worker.h"
#include "../core/banned.h"

#define WORKER_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG))

/* A positive integer path parameter; anything else is not found. */
static sg_err path_id(struct req_ctx *rc, const char *name, const char *what,
		      int64_t *id)
{
	if (util_parse_int(rc_param(rc, name), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such %s", what);
	return SG_OK;
}

static sg_err reply_worker(struct req_ctx *rc, int status, int64_t id)
{
	struct worker *w = rc_alloc(rc, sizeof(*w));

	if (worker_get(rc->db, &rc->actor, id, w, &rc->er) != SG_OK)
		return rc->er.code;
	worker_write_json(rc_json(rc, status), w);
	return SG_OK;
}

/*
 * rc_body_check() knows no arrays: take service_fields out of the body
 * while it checks the rest, then check it here (an array of at most
 * WORKER_MAX_FIELDS strings) and copy its codes into in.
 */
static sg_err check_body(struct req_ctx *rc, const struct field_spec *spec,
			 size_t nspec, struct worker_input *in)
{
	json_t *sf = NULL;
	const char **codes;
	size_t i, n;

	if (json_is_object(rc->body) &&
	    (sf = json_object_get(rc->body, "service_fields")) != NULL) {
		json_incref(sf);
		json_object_del(rc->body, "service_fields");
	}
	rc_body_check(rc, spec, nspec);
	if (!sf)
		return rc->er.code;
	json_object_set_new(rc->body, "service_fields", sf);
	in->set |= WORKER_SET_FIELDS;
	in->has_fields = 1;
	if (json_is_null(sf))
		return rc->er.code;
	if (!json_is_array(sf) || json_array_size(sf) > WORKER_MAX_FIELDS) {
		err_field(&rc->er, "service_fields", "type",
			  "must be an array of at most %d service field codes",
			  WORKER_MAX_FIELDS);
		return rc->er.code;
	}
	n = json_array_size(sf);
	codes = rc_alloc(rc, (n + 1) * sizeof(*codes));
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(sf, i);

		if (!json_is_string(v))
			return err_field(&rc->er, "service_fields", "type",
					 "item %zu must be a string", i);
		codes[i] = json_string_value(v);
	}
	in->fields = codes;
	in->nfields = n;
	return rc->er.code;
}

static const struct field_spec worker_spec[] = {
	{ "name", FIELD_STRING, 0, WORKER_NAME_MAX_CHARS },
	{ "id_number", FIELD_STRING, 0, 32 },
	{ "sex", FIELD_STRING, 0, 16 },
	{ "birth_date", FIELD_STRING, 0, 16 },
	{ "phone", FIELD_STRING, 0, WORKER_PHONE_MAX_CHARS },
	{ "education", FIELD_STRING, 0, 32 },
	{ "social_work_major", FIELD_BOOL, 0, 0 },
	{ "region_code", FIELD_STRING, 0, 12 },
	{ "org_name", FIELD_STRING, 0, WORKER_ORG_NAME_MAX_CHARS },
	{ "post", FIELD_STRING, 0, WORKER_POST_MAX_CHARS },
	{ "status", FIELD_STRING, 0, 16 },
};

/* Text fields of the body and the set bit each gives. */
static const struct {
	const char *name;
	unsigned bit;
	size_t offset;
} text_fields[] = {
	{ "name", WORKER_SET_NAME, offsetof(struct worker_input, name) },
	{ "id_number", WORKER_SET_ID_NUMBER, offsetof(struct worker_input, id_number) },
	{ "sex", WORKER_SET_SEX, offsetof(struct worker_input, sex) },
	{ "birth_date", WORKER_SET_BIRTH_DATE, offsetof(struct worker_input, birth_date) },
	{ "phone", WORKER_SET_PHONE, offsetof(struct worker_input, phone) },
	{ "education", WORKER_SET_EDUCATION, offsetof(struct worker_input, education) },
	{ "region_code", WORKER_SET_REGION, offsetof(struct worker_input, region_code) },
	{ "org_name", WORKER_SET_ORG_NAME, offsetof(struct worker_input, org_name) },
	{ "post", WORKER_SET_POST, offsetof(struct worker_input, post) },
	{ "status", WORKER_SET_STATUS, offsetof(struct worker_input, status) },
};

/* Fill in from a checked body: values and which fields were present. */
static sg_err read_input(struct req_ctx *rc, struct worker_input *in)
{
	memset(in, 0, sizeof(*in));
	in->social_work_major = -1;
	if (check_body(rc, worker_spec, sizeof(worker_spec) / sizeof(worker_spec[0]),
		       in) != SG_OK)
		return rc->er.code;
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		if (!rc_body_has(rc, text_fields[i].name))
			continue;
		in->set |= text_fields[i].bit;
		*(const char **)((char *)in + text_fields[i].offset) =
			rc_body_str(rc, text_fields[i].name);
	}
	if (rc_body_has(rc, "social_work_major")) {
		in->set |= WORKER_SET_MAJOR;
		in->social_work_major = rc_body_bool(rc, "social_work_major", -1);
	}
	return SG_OK;
}

static int write_item(const struct worker *w, void *arg)
{
	worker_write_json(arg, w);
	return 0;
}

static sg_err workers_get(struct req_ctx *rc)
{
	struct worker_filter f;
	struct paging p;
	struct json_writer *jw;
	int64_t total, age_min, age_max;

	memset(&f, 0, sizeof(f));
	/* check every parameter so that one reply names all bad ones */
	rc_paging(rc, &p);
	rc_query_str(rc, "region", 12, &f.region);
	rc_query_str(rc, "level", 16, &f.level);
	rc_query_str(rc, "education", 32, &f.education);
	rc_query_str(rc, "status", 16, &f.status);
	rc_query_str(rc, "field", 32, &f.field);
	rc_query_str(rc, "org", WORKER_ORG_NAME_MAX_CHARS, &f.org);
	rc_query_str(rc, "pool", 16, &f.pool);
	rc_query_str(rc, "q", WORKER_QUERY_MAX_CHARS, &f.q);
	rc_query_str(rc, "sort", 16, &f.sort);
	rc_query_int(rc, "age_min", -1, 0, 150, &age_min);
	rc_query_int(rc, "age_max", -1, 0, 150, &age_max);
	if (rc->er.code != SG_OK)
		return rc->er.code;
	f.age_min = (int)age_min;
	f.age_max = (int)age_max;
	jw = rc_list_begin(rc);
	if (worker_list(rc->db, &rc->actor, &f, p.offset, p.per_page, write_item, jw,
			&total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err workers_post(struct req_ctx *rc)
{
	struct worker_input in;
	int64_t id;

	if (read_input(rc, &in) != SG_OK)
		return rc->er.code;
	if (worker_create(rc->db, &rc->actor, &in, &id, NULL, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_worker(rc, 201, id);
}

static sg_err workers_lookup(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "id_number", FIELD_STRING, 1, 32 },
	};
	struct worker_filter f;
	struct paging p = { 1, 20, 0 };
	struct json_writer *jw;
	int64_t total;

	if (rc_body_check(rc, spec, 1) != SG_OK)
		return rc->er.code;
	memset(&f, 0, sizeof(f));
	f.age_min = f.age_max = -1;
	f.id_number = rc_body_str(rc, "id_number");
	jw = rc_list_begin(rc);
	if (worker_list(rc->db, &rc->actor, &f, p.offset, p.per_page, write_item, jw,
			&total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err service_fields_get(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);
	const struct worker_field_def *defs;
	size_t n;

	defs = worker_fields(&n);
	jw_obj_begin(jw);
	jw_key(jw, "items");
	jw_arr_begin(jw);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "code", defs[i].code);
		jw_kv_str(jw, "name", defs[i].name);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err worker_get_one(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK)
		return rc->er.code;
	return reply_worker(rc, 200, id);
}

static sg_err worker_patch_one(struct req_ctx *rc)
{
	struct worker_input in;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK || read_input(rc, &in) != SG_OK)
		return rc->er.code;
	if (rc_body_has(rc, "social_work_major") && in.social_work_major < 0)
		return err_field(&rc->er, "social_work_major", "required",
				 "must not be null");
	if (worker_update(rc->db, &rc->actor, id, &in, NULL, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_worker(rc, 200, id);
}

static sg_err worker_reveal_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "reason", FIELD_STRING, 1, WORKER_REASON_MAX_CHARS },
	};
	char number[IDCARD_SIZE];
	struct json_writer *jw;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    rc_body_check(rc, spec, 1) != SG_OK)
		return rc->er.code;
	if (worker_reveal(rc->db, &rc->actor, id, rc_body_str(rc, "reason"), number,
			  &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "id_number", number);
	jw_obj_end(jw);
	memset(number, 0, sizeof(number));
	return SG_OK;
}

/* A page of qualifications out of the full (short) list. */
struct qual_page {
	struct json_writer *jw;
	const struct paging *p;
	int64_t seen;
};

static int write_qual(const struct qualification *q, void *arg)
{
	struct qual_page *pg = arg;

	if (pg->seen >= pg->p->offset && pg->seen < pg->p->offset + pg->p->per_page)
		worker_qualification_write_json(pg->jw, q);
	pg->seen++;
	return 0;
}

static sg_err qualifications_get(struct req_ctx *rc)
{
	struct qual_page pg = { 0 };
	struct paging p;
	int64_t id;

	if (path_id(rc, "id", "worker", &id) != SG_OK || rc_paging(rc, &p) != SG_OK)
		return rc->er.code;
	pg.p = &p;
	pg.jw = rc_list_begin(rc);
	if (worker_qualifications(rc->db, &rc->actor, id, write_qual, &pg,
				  &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, pg.seen, &p);
	return SG_OK;
}

/* The one qualification qid of worker id, as an API object. */
struct qual_find {
	int64_t qid;
	struct json_writer *jw;
};

static int write_found(const struct qualification *q, void *arg)
{
	struct qual_find *f = arg;

	if (q->id != f->qid)
		return 0;
	worker_qualification_write_json(f->jw, q);
	return 1;
}

static sg_err qualifications_post(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "level", FIELD_STRING, 1, 16 },
		{ "certificate_no", FIELD_STRING, 1, WORKER_CERT_MAX_CHARS },
		{ "passed_on", FIELD_STRING, 1, 16 },
		{ "issuer", FIELD_STRING, 0, WORKER_ISSUER_MAX_CHARS },
	};
	struct qualification_input in;
	struct qual_find found;
	int64_t id, qid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	in.level = rc_body_str(rc, "level");
	in.certificate_no = rc_body_str(rc, "certificate_no");
	in.passed_on = rc_body_str(rc, "passed_on");
	in.issuer = rc_body_str(rc, "issuer");
	if (worker_qualification_add(rc->db, &rc->actor, id, &in, &qid, &rc->er) != SG_OK)
		return rc->er.code;
	found.qid = qid;
	found.jw = rc_json(rc, 201);
	return worker_qualifications(rc->db, &rc->actor, id, write_found, &found,
				     &rc->er);
}

static sg_err qualification_delete(struct req_ctx *rc)
{
	int64_t id, qid;

	if (path_id(rc, "id", "worker", &id) != SG_OK ||
	    path_id(rc, "qid", "qualification", &qid) != SG_OK)
		return rc->er.code;
	if (worker_qualification_remove(rc->db, &rc->actor, id, qid, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/workers", workers_get, 0, WORKER_ROLES },
	{ "POST", "/api/v1/workers", workers_post, 0, WORKER_ROLES },
	{ "POST", "/api/v1/workers/lookup", workers_lookup, 0, WORKER_ROLES },
	/* before {id}: the router takes the first pattern that matches */
	{ "GET", "/api/v1/workers/service-fields", service_fields_get, 0, WORKER_ROLES },
	{ "GET", "/api/v1/workers/{id}", worker_get_one, 0, WORKER_ROLES },
	{ "PATCH", "/api/v1/workers/{id}", worker_patch_one, 0, WORKER_ROLES },
	{ "POST", "/api/v1/workers/{id}/reveal", worker_reveal_post, 0, WORKER_ROLES },
	{ "GET", "/api/v1/workers/{id}/qualifications", qualifications_get, 0,
	  WORKER_ROLES },
	{ "POST", "/api/v1/workers/{id}/qualifications", qualifications_post, 0,
	  WORKER_ROLES },
	{ "DELETE", "/api/v1/workers/{id}/qualifications/{qid}", qualification_delete, 0,
	  ROLE_BIT(ROLE_BUREAU) },
};

const struct route_table api_worker_routes = ROUTE_TABLE(routes);
