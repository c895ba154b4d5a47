/*
 * api_targets.c: planning targets (规划目标) over HTTP (domain/target.h).
 * Bureau, org and sysadmin accounts read, bureau accounts change, always
 * within their region subtree:
 *
 *   GET    /api/v1/targets?region=            sets, newest first (paged)
 *   POST   /api/v1/targets                    {"name","region_code",
 *          "baseline_date","due_date","notes"?,"items":[{"indicator",
 *          "measure"?,"label"?,"target","baseline"?,"due_date"?,"note"?}]}
 *   GET    /api/v1/targets/examples           the built-in plans
 *   POST   /api/v1/targets/examples/{key}     load one -> 201, the new set
 *   GET    /api/v1/targets/{id}               one set with its items
 *   PATCH  /api/v1/targets/{id}               fields to change; items replace
 *   DELETE /api/v1/targets/{id}
 *   GET    /api/v1/targets/{id}/progress      current, progress, pace
 *
 * rc_body_check() knows neither arrays nor fractional numbers, so "items"
 * is taken out of the body while the rest is checked and read here.
 */
#include <string.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/target.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSADMIN))
#define WRITE_ROLES ROLE_BIT(ROLE_BUREAU)

static const struct field_spec set_spec[] = {
	{ "name", FIELD_STRING, 0, TARGET_NAME_MAX_CHARS },
	{ "region_code", FIELD_STRING, 0, 12 },
	{ "baseline_date", FIELD_STRING, 0, 10 },
	{ "due_date", FIELD_STRING, 0, 10 },
	{ "notes", FIELD_STRING, 0, TARGET_NOTES_MAX_CHARS },
};

static const char *const item_keys[] = {
	"indicator", "measure", "label", "target", "baseline", "due_date", "note",
};

/* A string member of an item; a wrong type is a field error. */
static const char *item_str(struct req_ctx *rc, json_t *o, size_t i, const char *key,
			    size_t max)
{
	json_t *v = json_object_get(o, key);
	char f[48];

	if (!v || json_is_null(v))
		return NULL;
	snprintf(f, sizeof(f), "items[%zu].%s", i, key);
	if (!json_is_string(v) || json_string_length(v) > max * 4 ||
	    memchr(json_string_value(v), '\0', json_string_length(v))) {
		err_field(&rc->er, f, "type", "must be a string of at most %zu characters", max);
		return NULL;
	}
	return json_string_value(v);
}

static int item_num(struct req_ctx *rc, json_t *o, size_t i, const char *key,
		    double *out)
{
	json_t *v = json_object_get(o, key);
	char f[48];

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v)) {
		snprintf(f, sizeof(f), "items[%zu].%s", i, key);
		err_field(&rc->er, f, "type", "must be a number");
		return 0;
	}
	*out = json_number_value(v);
	return 1;
}

/* Check the body and fill in; set bits for the fields present. */
static sg_err read_input(struct req_ctx *rc, struct target_input *in)
{
	struct target_item_input *items = NULL;
	json_t *arr = NULL;
	size_t n = 0;

	memset(in, 0, sizeof(*in));
	if (json_is_object(rc->body) && (arr = json_object_get(rc->body, "items"))) {
		json_incref(arr);
		json_object_del(rc->body, "items");
	}
	rc_body_check(rc, set_spec, sizeof(set_spec) / sizeof(set_spec[0]));
	if (arr) {
		json_object_set_new(rc->body, "items", arr);
		in->set |= TARGET_SET_ITEMS;
		if (!json_is_array(arr) || json_array_size(arr) > TARGET_MAX_ITEMS) {
			err_field(&rc->er, "items", "type",
				  "must be an array of at most %d targets", TARGET_MAX_ITEMS);
			return rc->er.code;
		}
		n = json_array_size(arr);
		items = rc_alloc(rc, (n + 1) * sizeof(*items));
		memset(items, 0, (n + 1) * sizeof(*items));
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		struct target_item_input *x = &items[i];
		const char *key;
		json_t *v;
		char f[64];

		if (!json_is_object(o)) {
			snprintf(f, sizeof(f), "items[%zu]", i);
			err_field(&rc->er, f, "type", "must be an object");
			continue;
		}
		json_object_foreach(o, key, v) {
			size_t k;

			for (k = 0; k < sizeof(item_keys) / sizeof(item_keys[0]); k++)
				if (!strcmp(item_keys[k], key))
					break;
			if (k == sizeof(item_keys) / sizeof(item_keys[0])) {
				snprintf(f, sizeof(f), "items[%zu].%.24s", i, key);
				err_field(&rc->er, f, "unknown", "unknown field");
			}
		}
		x->indicator = item_str(rc, o, i, "indicator", TARGET_KEY_SIZE);
		x->measure = item_str(rc, o, i, "measure", 12);
		x->label = item_str(rc, o, i, "label", TARGET_LABEL_MAX_CHARS);
		x->due_date = item_str(rc, o, i, "due_date", 10);
		x->note = item_str(rc, o, i, "note", TARGET_NOTE_MAX_CHARS);
		x->has_target = item_num(rc, o, i, "target", &x->target);
		x->has_baseline = item_num(rc, o, i, "baseline", &x->baseline);
	}
	if (rc->er.code != SG_OK)
		return rc->er.code;
	in->items = items;
	in->nitems = n;
	in->name = rc_body_str(rc, "name");
	in->region_code = rc_body_str(rc, "region_code");
	in->baseline_date = rc_body_str(rc, "baseline_date");
	in->due_date = rc_body_str(rc, "due_date");
	in->notes = rc_body_str(rc, "notes");
	if (rc_body_has(rc, "name"))
		in->set |= TARGET_SET_NAME;
	if (rc_body_has(rc, "region_code"))
		in->set |= TARGET_SET_REGION;
	if (rc_body_has(rc, "baseline_date"))
		in->set |= TARGET_SET_BASELINE_DATE;
	if (rc_body_has(rc, "due_date"))
		in->set |= TARGET_SET_DUE_DATE;
	if (rc_body_has(rc, "notes"))
		in->set |= TARGET_SET_NOTES;
	return SG_OK;
}

static sg_err path_id(struct req_ctx *rc, int64_t *id)
{
	if (util_parse_int(rc_param(rc, "id"), 1, INT64_MAX, id))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such target set");
	return SG_OK;
}

static sg_err reply_one(struct req_ctx *rc, int status, int64_t id)
{
	struct target_set *s = rc_alloc(rc, sizeof(*s));

	if (target_get(rc->db, &rc->actor, id, s, &rc->er) != SG_OK)
		return rc->er.code;
	target_write_json(rc_json(rc, status), s, 1);
	return SG_OK;
}

static int write_item(const struct target_set *s, void *arg)
{
	target_write_json(arg, s, 0);
	return 0;
}

static sg_err targets_list(struct req_ctx *rc)
{
	const char *region = NULL;
	struct json_writer *jw;
	struct paging p;
	int64_t total;

	rc_paging(rc, &p);
	rc_query_str(rc, "region", 12, &region);
	if (rc->er.code != SG_OK)
		return rc->er.code;
	jw = rc_list_begin(rc);
	if (target_list(rc->db, &rc->actor, region, p.offset, p.per_page, write_item, jw,
			&total, &rc->er) != SG_OK)
		return rc->er.code;
	rc_list_end(rc, total, &p);
	return SG_OK;
}

static sg_err targets_create(struct req_ctx *rc)
{
	struct target_input in;
	int64_t id;

	if (read_input(rc, &in) != SG_OK)
		return rc->er.code;
	if (target_create(rc->db, &rc->actor, &in, NULL, NULL, &id, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 201, id);
}

static sg_err targets_get(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 200, id);
}

static sg_err targets_patch(struct req_ctx *rc)
{
	struct target_input in;
	int64_t id;

	if (path_id(rc, &id) != SG_OK || read_input(rc, &in) != SG_OK)
		return rc->er.code;
	if (target_update(rc->db, &rc->actor, id, &in, NULL, NULL, &rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 200, id);
}

static sg_err targets_delete(struct req_ctx *rc)
{
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    target_delete(rc->db, &rc->actor, id, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

static sg_err targets_progress(struct req_ctx *rc)
{
	struct target_progress *p = rc_alloc(rc, sizeof(*p));
	int64_t id;

	if (path_id(rc, &id) != SG_OK ||
	    target_progress(rc->db, &rc->actor, id, NULL, NULL, p, &rc->er) != SG_OK)
		return rc->er.code;
	target_progress_write_json(rc_json(rc, 200), p);
	return SG_OK;
}

static sg_err examples_list(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);

	jw_arr_begin(jw);
	for (size_t i = 0; i < target_example_count; i++) {
		const struct target_example *x = &target_examples[i];

		jw_obj_begin(jw);
		jw_kv_str(jw, "key", x->key);
		jw_kv_str(jw, "name", x->name);
		jw_kv_str(jw, "region_code", x->region_code);
		jw_kv_str(jw, "baseline_date", x->baseline_date);
		jw_kv_str(jw, "due_date", x->due_date);
		jw_kv_str(jw, "notes", x->notes);
		jw_key(jw, "items");
		jw_arr_begin(jw);
		for (size_t k = 0; k < x->nitems; k++) {
			const struct target_example_item *it = &x->items[k];

			jw_obj_begin(jw);
			jw_kv_str(jw, "indicator", it->indicator);
			jw_kv_str(jw, "measure", it->measure);
			jw_kv_str(jw, "label", it->label);
			jw_key(jw, "target");
			jw_double(jw, it->target);
			jw_kv_str(jw, "due_date", it->due_date);
			jw_kv_str(jw, "note", it->note);
			jw_obj_end(jw);
		}
		jw_arr_end(jw);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	return SG_OK;
}

static sg_err examples_load(struct req_ctx *rc)
{
	int64_t id;

	if (target_load_example(rc->db, &rc->actor, rc_param(rc, "key"), NULL, NULL, &id,
				&rc->er) != SG_OK)
		return rc->er.code;
	return reply_one(rc, 201, id);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/targets", targets_list, 0, READ_ROLES },
	{ "POST", "/api/v1/targets", targets_create, 0, WRITE_ROLES },
	{ "GET", "/api/v1/targets/examples", examples_list, 0, READ_ROLES },
	{ "POST", "/api/v1/targets/examples/{key}", examples_load, 0, WRITE_ROLES },
	{ "GET", "/api/v1/targets/{id}", targets_get, 0, READ_ROLES },
	{ "PATCH", "/api/v1/targets/{id}", targets_patch, 0, WRITE_ROLES },
	{ "DELETE", "/api/v1/targets/{id}", targets_delete, 0, WRITE_ROLES },
	{ "GET", "/api/v1/targets/{id}/progress", targets_progress, 0, READ_ROLES },
};

const struct route_table api_target_routes = ROUTE_TABLE(routes);
