/*
 * api_stats.c: the statistics engine over HTTP (domain/stats.h).
 *
 *   GET /api/v1/stats/overview?region=&date=      headline figures
 *   GET /api/v1/stats/indicators                  the definitions
 *   GET /api/v1/stats/indicator/{key}?region=&date=
 *   GET /api/v1/stats/balance?region=&indicator=  child regions side by side
 *   GET /api/v1/stats/growth?region=&from=&to=    by year
 *   GET|PUT /api/v1/stats/public-indicators       what the public page shows
 *   GET /api/v1/public/stats?region=              published figures, no login
 *   PUT /api/v1/regions/{code}/population         a bureau enters population
 *   GET /api/v1/stats/report?region=&date=&format=xlsx|pdf
 *                                                 the dashboard as a file
 *
 * The public figures are read as the system actor but only for the keys
 * an administrator published: counts, never records.
 */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "../core/util.h"
#include "../domain/region.h"
#include "../domain/registration.h"
#include "../domain/coverage.h"
#include "../domain/stats.h"
#include "../domain/statsreport.h"
#include "../core/banned.h"

#define READ_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSADMIN))
#define MAX_PUBLIC_KEYS 32

static void kv_number(struct json_writer *jw, const char *key, double v)
{
	jw_key(jw, key);
	jw_double(jw, v);   /* NAN: null */
}

static void write_value(struct json_writer *jw, const struct stats_value *v)
{
	if (v->known) {
		kv_number(jw, "value", v->value);
		kv_number(jw, "numerator", v->numerator);
		kv_number(jw, "denominator", v->denominator);
	} else {
		jw_kv_null(jw, "value");
		jw_kv_null(jw, "numerator");
		jw_kv_null(jw, "denominator");
	}
}

static void write_region(struct json_writer *jw, const struct stats_region *r)
{
	jw_kv_str(jw, "region_code", r->code);
	jw_kv_str(jw, "region_name", r->name);
}

/* The network figures of the overview: stations and posts (coverage.h). */
static sg_err write_network(struct req_ctx *rc, struct json_writer *jw, const char *region)
{
	struct coverage c;

	if (coverage_get(rc->db, &rc->actor, region, &c, &rc->er) != SG_OK)
		return rc->er.code;
	jw_key(jw, "stations");
	jw_obj_begin(jw);
	jw_kv_int(jw, "centres", c.centres);
	jw_kv_int(jw, "stations", c.stations);
	jw_kv_int(jw, "rooms", c.rooms);
	jw_kv_int(jw, "standard", c.stations_standard);
	jw_kv_int(jw, "towns_with_station", c.towns.covered);
	jw_kv_int(jw, "towns_total", c.towns.total);
	jw_kv_int(jw, "villages_with_room", c.villages.covered);
	jw_kv_int(jw, "villages_total", c.villages.total);
	jw_obj_end(jw);
	jw_key(jw, "posts");
	jw_obj_begin(jw);
	jw_kv_int(jw, "total", c.posts);
	jw_kv_int(jw, "filled", c.posts_filled);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err overview_get(struct req_ctx *rc)
{
	struct stats_overview o;
	struct json_writer *jw;
	static const char *const levels[] = { "none", "assistant", "intermediate", "senior" };

	if (stats_overview(rc->db, &rc->actor, rc_query(rc, "region"),
			   rc_query(rc, "date"), &o, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	write_region(jw, &o.region);
	jw_kv_str(jw, "date", o.date);
	jw_kv_int(jw, "workers_total", o.workers);
	jw_kv_int(jw, "certified_total", o.certified);
	jw_key(jw, "by_level");
	jw_obj_begin(jw);
	for (int i = 0; i < 4; i++)
		jw_kv_int(jw, levels[i], o.by_level[i]);
	jw_obj_end(jw);
	if (o.past || o.region.population == REGION_POPULATION_UNKNOWN) {
		/* population is today's: no per 10k for a past date */
		if (o.region.population == REGION_POPULATION_UNKNOWN)
			jw_kv_null(jw, "population");
		else
			jw_kv_int(jw, "population", o.region.population);
		jw_kv_null(jw, "per_10k");
	} else {
		jw_kv_int(jw, "population", o.region.population);
		kv_number(jw, "per_10k", o.region.population > 0 ?
			  (double)o.workers * 10000.0 / (double)o.region.population : NAN);
	}
	/* all but the worker counts for a past date: null, not zero */
	if (o.past) {
		jw_kv_null(jw, "stations");
		jw_kv_null(jw, "posts");
	} else if (write_network(rc, jw, o.region.code) != SG_OK) {
		return rc->er.code;
	}
	if (o.past) {
		jw_kv_null(jw, "college_share");
		jw_kv_null(jw, "orgs");
		jw_kv_null(jw, "supervisors");
		jw_kv_null(jw, "supervisors_per_town");
		jw_kv_null(jw, "expiring_90d");
	} else {
		kv_number(jw, "college_share", o.edu_known > 0 ?
			  (double)o.edu_college / (double)o.edu_known : NAN);
		jw_kv_int(jw, "orgs", o.orgs);
		jw_kv_int(jw, "supervisors", o.supervisors);
		kv_number(jw, "supervisors_per_town", o.towns > 0 ?
			  (double)o.supervisors / (double)o.towns : NAN);
		jw_kv_int(jw, "expiring_90d", o.expiring);
	}
	jw_obj_end(jw);
	return SG_OK;
}

static void write_def(struct json_writer *jw, const struct stats_indicator_def *d)
{
	jw_obj_begin(jw);
	jw_kv_str(jw, "key", d->key);
	jw_kv_str(jw, "name", d->name);
	jw_kv_str(jw, "unit", d->unit);
	if (d->numerator)
		jw_kv_str(jw, "numerator", d->numerator);
	else
		jw_kv_null(jw, "numerator");
	if (d->denominator)
		jw_kv_str(jw, "denominator", d->denominator);
	else
		jw_kv_null(jw, "denominator");
	kv_number(jw, "factor", d->factor);
	jw_kv_bool(jw, "tracked", d->tracked);
	jw_obj_end(jw);
}

static sg_err indicators_get(struct req_ctx *rc)
{
	struct json_writer *jw = rc_json(rc, 200);

	jw_arr_begin(jw);
	for (size_t i = 0; i < stats_indicator_count(); i++)
		write_def(jw, stats_indicator_at(i));
	jw_arr_end(jw);
	return SG_OK;
}

static sg_err indicator_get(struct req_ctx *rc)
{
	struct stats_region r;
	struct stats_value v;
	struct json_writer *jw;
	const char *region = rc_query(rc, "region");

	if (!stats_indicator_find(rc_param(rc, "key")))
		return err_set(&rc->er, SG_ERR_NOT_FOUND, "no such indicator");
	if (stats_region_resolve(rc->db, &rc->actor, region, &r, &rc->er) != SG_OK ||
	    stats_indicator(rc->db, &rc->actor, rc_param(rc, "key"), r.code,
			    rc_query(rc, "date"), &v, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "key", rc_param(rc, "key"));
	write_region(jw, &r);
	write_value(jw, &v);
	jw_obj_end(jw);
	return SG_OK;
}

static sg_err balance_get(struct req_ctx *rc)
{
	struct stats_balance b;
	struct json_writer *jw;
	const char *key = rc_query(rc, "indicator");

	if (stats_balance(rc->db, &rc->actor, rc_query(rc, "region"),
			  key && *key ? key : "per_10k", &b, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_kv_str(jw, "indicator", b.def->key);
	write_region(jw, &b.region);
	jw_key(jw, "children");
	jw_arr_begin(jw);
	for (size_t i = 0; i < b.count; i++) {
		jw_obj_begin(jw);
		jw_kv_str(jw, "code", b.children[i].code);
		jw_kv_str(jw, "name", b.children[i].name);
		write_value(jw, &b.children[i].v);
		jw_kv_bool(jw, "lagging", b.children[i].lagging);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	kv_number(jw, "mean", b.mean);
	kv_number(jw, "sd", b.sd);
	kv_number(jw, "cv", b.cv);
	kv_number(jw, "gini", b.gini);
	jw_key(jw, "lagging");
	jw_arr_begin(jw);
	for (size_t i = 0; i < b.count; i++)
		if (b.children[i].lagging)
			jw_str(jw, b.children[i].code);
	jw_arr_end(jw);
	jw_obj_end(jw);
	stats_balance_release(&b);
	return SG_OK;
}

static sg_err growth_get(struct req_ctx *rc)
{
	struct stats_growth_point points[STATS_GROWTH_MAX_YEARS];
	char today[STATS_DATE_SIZE];
	struct json_writer *jw;
	int64_t from, to, this_year;

	registration_today(today);
	today[4] = '\0';   /* the year */
	if (util_parse_int(today, 1900, 9999, &this_year))
		return err_set(&rc->er, SG_ERR_INTERNAL, "no current year");
	if (rc_query_int(rc, "to", this_year, 1900, 9999, &to) != SG_OK ||
	    rc_query_int(rc, "from", to - 6, 1900, 9999, &from) != SG_OK)
		return rc->er.code;
	if (stats_growth(rc->db, &rc->actor, rc_query(rc, "region"), (int)from,
			 (int)to, points, &rc->er) != SG_OK)
		return rc->er.code;
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "points");
	jw_arr_begin(jw);
	for (int64_t y = from; y <= to; y++) {
		jw_obj_begin(jw);
		jw_kv_int(jw, "year", points[y - from].year);
		jw_kv_int(jw, "workers", points[y - from].workers);
		jw_kv_int(jw, "certified", points[y - from].certified);
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	return SG_OK;
}

/* ---- public figures ----------------------------------------------------- */

static sg_err public_keys_get(struct req_ctx *rc)
{
	struct buf keys = BUF_INIT(4096);
	struct json_writer *jw;
	const char *p;

	if (stats_public_keys(rc->db, &keys, &rc->er) != SG_OK) {
		buf_release(&keys);
		return rc->er.code;
	}
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	jw_key(jw, "keys");
	jw_arr_begin(jw);
	for (p = buf_cstr(&keys); *p;) {
		size_t n = strcspn(p, ",");

		if (n)
			jw_strn(jw, p, n);
		p += n + (p[n] == ',');
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	buf_release(&keys);
	return SG_OK;
}

static sg_err public_keys_put(struct req_ctx *rc)
{
	const char *keys[MAX_PUBLIC_KEYS];
	json_t *arr = rc->body ? json_object_get(rc->body, "keys") : NULL;
	size_t i, n;

	if (!rc->body || !json_is_object(rc->body) || json_object_size(rc->body) != 1 ||
	    !json_is_array(arr))
		return err_field(&rc->er, "keys", "required",
				 "send {\"keys\": [indicator keys]}");
	n = json_array_size(arr);
	if (n > MAX_PUBLIC_KEYS)
		return err_field(&rc->er, "keys", "too_long",
				 "at most %d indicators", MAX_PUBLIC_KEYS);
	for (i = 0; i < n; i++) {
		json_t *k = json_array_get(arr, i);

		if (!json_is_string(k))
			return err_field(&rc->er, "keys", "type",
					 "keys must be strings");
		keys[i] = json_string_value(k);
	}
	if (stats_set_public_keys(rc->db, &rc->actor, keys, n, &rc->er) != SG_OK)
		return rc->er.code;
	return public_keys_get(rc);
}

static sg_err public_stats_get(struct req_ctx *rc)
{
	struct buf keys = BUF_INIT(4096);
	struct stats_region r;
	struct json_writer *jw;
	const char *p;
	sg_err code;

	if (stats_public_keys(rc->db, &keys, &rc->er) != SG_OK ||
	    stats_region_resolve(rc->db, actor_system(), rc_query(rc, "region"), &r,
				 &rc->er) != SG_OK) {
		buf_release(&keys);
		return rc->er.code;
	}
	jw = rc_json(rc, 200);
	jw_obj_begin(jw);
	write_region(jw, &r);
	jw_key(jw, "indicators");
	jw_arr_begin(jw);
	for (p = buf_cstr(&keys); *p;) {
		char key[STATS_KEY_SIZE];
		size_t n = strcspn(p, ",");
		const struct stats_indicator_def *def;
		struct stats_value v;

		util_strlcpy(key, p, n + 1 < sizeof(key) ? n + 1 : sizeof(key));
		p += n + (p[n] == ',');
		def = stats_indicator_find(key);
		if (!def)
			continue;
		code = stats_indicator(rc->db, actor_system(), key, r.code, NULL, &v,
				       &rc->er);
		if (code != SG_OK) {
			buf_release(&keys);
			return code;
		}
		jw_obj_begin(jw);
		jw_kv_str(jw, "key", def->key);
		jw_kv_str(jw, "name", def->name);
		jw_kv_str(jw, "unit", def->unit);
		if (v.known)
			kv_number(jw, "value", v.value);
		else
			jw_kv_null(jw, "value");
		jw_obj_end(jw);
	}
	jw_arr_end(jw);
	jw_obj_end(jw);
	buf_release(&keys);
	return SG_OK;
}

/* ---- population --------------------------------------------------------- */

static sg_err population_put(struct req_ctx *rc)
{
	static const struct field_spec spec[] = {
		{ "population", FIELD_INT, 0, 0 },
	};
	int64_t population;

	if (rc_body_check(rc, spec, sizeof(spec) / sizeof(spec[0])) != SG_OK)
		return rc->er.code;
	if (!rc_body_has(rc, "population"))
		return err_field(&rc->er, "population", "required",
				 "population is required (null clears it)");
	population = rc_body_int(rc, "population", REGION_POPULATION_UNKNOWN);
	if (region_population_update(rc->db, &rc->actor, rc_param(rc, "code"),
				     population, &rc->er) != SG_OK)
		return rc->er.code;
	rc_no_content(rc);
	return SG_OK;
}

/* ---- report ------------------------------------------------------------ */

static sg_err report_get(struct req_ctx *rc)
{
	struct buf file = BUF_INIT(STATSREPORT_MAX_BYTES);
	const char *format = rc_query(rc, "format");
	enum statsreport_format f;
	char code_out[REGION_CODE_SIZE], disposition[96];
	sg_err code;

	if (!format || !*format || !strcmp(format, "xlsx"))
		f = STATSREPORT_XLSX;
	else if (!strcmp(format, "pdf"))
		f = STATSREPORT_PDF;
	else
		return err_field(&rc->er, "format", "invalid",
				 "format is xlsx or pdf");
	code = statsreport_render(rc->db, &rc->actor, rc_query(rc, "region"),
				  rc_query(rc, "date"), f, &file, code_out,
				  &rc->er);
	if (code == SG_OK)
		code = rc_bytes(rc, 200, f == STATSREPORT_PDF ? "application/pdf" :
				"application/vnd.openxmlformats-officedocument"
				".spreadsheetml.sheet", file.ptr, file.len);
	if (code == SG_OK) {
		/* region codes are digits only: nothing to quote */
		snprintf(disposition, sizeof(disposition),
			 "attachment; filename=\"stats-%s.%s\"",
			 code_out[0] ? code_out : "CN",
			 f == STATSREPORT_PDF ? "pdf" : "xlsx");
		rc_add_header(rc, "content-disposition", disposition);
	}
	buf_release(&file);
	return code;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/stats/overview", overview_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/indicators", indicators_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/indicator/{key}", indicator_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/balance", balance_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/growth", growth_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/report", report_get, 0, READ_ROLES },
	{ "GET", "/api/v1/stats/public-indicators", public_keys_get, 0, READ_ROLES },
	{ "PUT", "/api/v1/stats/public-indicators", public_keys_put, 0,
	  ROLE_BIT(ROLE_SYSADMIN) },
	{ "GET", "/api/v1/public/stats", public_stats_get,
	  ROUTE_PUBLIC | ROUTE_RATE_LIMITED, 0 },
	{ "PUT", "/api/v1/regions/{code}/population", population_put, 0,
	  ROLE_BIT(ROLE_BUREAU) },
};

const struct route_table api_stats_routes = ROUTE_TABLE(routes);
