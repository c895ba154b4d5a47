/*
 * coverage.c: coverage of the service network (see coverage.h).
 */
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "../core/util.h"
#include "../db/dbrow.h"
#include "../core/banned.h"

static int may_read(const struct actor *who)
{
	return role_in(who->role, ROLES_REGISTRY_READ);
}

static sg_err forbidden(const struct actor *who, struct err_report *er)
{
	return actor_forbidden(who, 0, "coverage", er);
}

/* A region as the figures need it: its level and descendant counts. */
struct node {
	char code[REGION_CODE_SIZE];
	char name[REGION_NAME_SIZE];
	int level;                              /* 0 the country */
	int64_t desc[REGION_LEVELS + 1];        /* by enum region_level */
};

/* Regions of level in the subtree of n (n itself when of that level). */
static int64_t regions_of_level(const struct node *n, int level)
{
	if (n->level < level)
		return n->desc[level];
	return n->level == level;
}

/* The kept counts of n's subtree into c, with the totals from the tree. */
static sg_err read_counts(db_t *db, const struct node *n, struct coverage *c,
			  struct err_report *er)
{
	static const struct {
		const char *metric;
		size_t offset;
	} metrics[] = {
		{ "covered_centre", offsetof(struct coverage, counties.covered) },
		{ "covered_station", offsetof(struct coverage, towns.covered) },
		{ "covered_room", offsetof(struct coverage, villages.covered) },
		{ "staffed_village", offsetof(struct coverage, communities.covered) },
		{ "standard_station", offsetof(struct coverage, stations_standard) },
		{ "stations_centre", offsetof(struct coverage, centres) },
		{ "stations_station", offsetof(struct coverage, stations) },
		{ "stations_room", offsetof(struct coverage, rooms) },
		{ "posts", offsetof(struct coverage, posts) },
		{ "posts_filled", offsetof(struct coverage, posts_filled) },
	};
	db_stmt_t *st = db_prepare(db, "SELECT metric, value FROM stat_counts"
				       " WHERE region_code = ?");
	int rc;

	memset(c, 0, sizeof(*c));
	util_strlcpy(c->region_code, n->code, sizeof(c->region_code));
	util_strlcpy(c->region_name, n->name, sizeof(c->region_name));
	c->level = n->level;
	c->has_children = n->level < REGION_VILLAGE &&
			  (n->level == 0 || n->desc[n->level + 1] > 0);
	c->counties.total = regions_of_level(n, REGION_COUNTY);
	c->towns.total = regions_of_level(n, REGION_TOWN);
	c->villages.total = regions_of_level(n, REGION_VILLAGE);
	c->communities.total = c->villages.total;
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, n->code, -1);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *metric = db_col_text(st, 0);

		for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
			if (!strcmp(metric, metrics[i].metric))
				*(int64_t *)((char *)c + metrics[i].offset) = db_col_int(st, 1);
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Read a node from SELECT code, name, level, desc_city .. desc_village. */
static void read_node(db_stmt_t *st, void *item, void *arg)
{
	struct node *n = item;

	(void)arg;
	memset(n, 0, sizeof(*n));
	db_col_copy(st, 0, n->code, sizeof(n->code));
	db_col_copy(st, 1, n->name, sizeof(n->name));
	n->level = (int)db_col_int(st, 2);
	for (int level = REGION_CITY; level <= REGION_VILLAGE; level++)
		n->desc[level] = db_col_int(st, 3 + level - REGION_CITY);
}

#define NODE_COLUMNS "code, name, level, desc_city, desc_county, desc_town, desc_village"

/* The node of region (NULL or "": who's root), checked against the scope. */
static sg_err resolve(db_t *db, const struct actor *who, const char *region,
		      struct node *n, struct err_report *er)
{
	const char *code = region && *region ? region : who->region_code;
	db_stmt_t *st;
	int rc;

	memset(n, 0, sizeof(*n));
	if (*code) {
		struct region *r = malloc(sizeof(*r));

		if (!r)
			return err_set(er, SG_ERR_NOMEM, "out of memory");
		if (region_get(db, who, code, r, er) == SG_OK) {
			util_strlcpy(n->code, r->code, sizeof(n->code));
			util_strlcpy(n->name, r->name, sizeof(n->name));
			n->level = r->level;
			memcpy(n->desc, r->descendants, sizeof(n->desc));
		}
		free(r);
		return er->code;
	}
	/* the country: the provinces' counts added up */
	util_strlcpy(n->name, "全国", sizeof(n->name));
	st = db_prepare(db, "SELECT count(*), sum(desc_city), sum(desc_county),"
			    " sum(desc_town), sum(desc_village) FROM regions WHERE level = 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	if (rc == DB_ROW) {
		n->desc[REGION_PROVINCE] = db_col_int(st, 0);
		for (int level = REGION_CITY; level <= REGION_VILLAGE; level++)
			n->desc[level] = db_col_int(st, 1 + level - REGION_CITY);
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err coverage_get(db_t *db, const struct actor *who, const char *region,
		    struct coverage *out, struct err_report *er)
{
	struct node n;

	if (!may_read(who))
		return forbidden(who, er);
	if (resolve(db, who, region, &n, er) != SG_OK)
		return er->code;
	return read_counts(db, &n, out, er);
}

sg_err coverage_children(db_t *db, const struct actor *who, const char *region,
			 struct coverage **items, size_t *count,
			 struct err_report *er)
{
	struct node parent, *nodes = NULL;
	db_stmt_t *st;
	size_t n = 0;
	sg_err code;

	*items = NULL;
	*count = 0;
	if (!may_read(who))
		return forbidden(who, er);
	if (resolve(db, who, region, &parent, er) != SG_OK)
		return er->code;
	st = db_prepare(db, parent.level ?
			"SELECT " NODE_COLUMNS " FROM regions WHERE parent_code = ? ORDER BY code" :
			"SELECT " NODE_COLUMNS " FROM regions WHERE level = 1 AND ? = ''"
			" ORDER BY code");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, parent.code, -1);
	/* the children first, then their counts: one statement at a time */
	code = dbrow_collect(db, st, sizeof(*nodes), read_node, NULL, (void **)&nodes, &n, er);
	db_done(st);
	if (code == SG_OK && n && !(*items = calloc(n, sizeof(**items))))
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; code == SG_OK && i < n; i++)
		code = read_counts(db, &nodes[i], &(*items)[i], er);
	free(nodes);
	if (code != SG_OK) {
		free(*items);
		*items = NULL;
		return code;
	}
	*count = n;
	return SG_OK;
}

/* {total, <covered_key>, share[, standard]}; standard NULL: none. */
static void write_share(struct json_writer *jw, const char *key, const char *covered_key,
			const struct coverage_share *s, const int64_t *standard)
{
	jw_key(jw, key);
	jw_obj_begin(jw);
	jw_kv_int(jw, "total", s->total);
	jw_kv_int(jw, covered_key, s->covered);
	jw_key(jw, "share");
	if (s->total > 0)
		jw_double(jw, (double)s->covered / (double)s->total);
	else
		jw_null(jw);
	if (standard)
		jw_kv_int(jw, "standard", *standard);
	jw_obj_end(jw);
}

void coverage_write_json(struct json_writer *jw, const struct coverage *c)
{
	jw_obj_begin(jw);
	jw_kv_str(jw, "region_code", c->region_code);
	jw_kv_str(jw, "region_name", c->region_name);
	jw_kv_int(jw, "level", c->level);
	jw_kv_bool(jw, "has_children", c->has_children);
	write_share(jw, "counties", "covered", &c->counties, NULL);
	write_share(jw, "towns", "covered", &c->towns, &c->stations_standard);
	write_share(jw, "villages", "covered", &c->villages, NULL);
	write_share(jw, "communities", "staffed", &c->communities, NULL);
	jw_key(jw, "posts");
	jw_obj_begin(jw);
	jw_kv_int(jw, "total", c->posts);
	jw_kv_int(jw, "filled", c->posts_filled);
	jw_kv_int(jw, "vacant", c->posts - c->posts_filled);
	jw_obj_end(jw);
	jw_obj_end(jw);
}

int coverage_gap_kind_from_name(const char *name)
{
	static const char *const names[] = { "", "town", "village", "community" };

	for (int k = COVERAGE_GAP_TOWN; name && k <= COVERAGE_GAP_COMMUNITY; k++)
		if (!strcmp(names[k], name))
			return k;
	return 0;
}

static void read_gap(db_stmt_t *st, void *item, void *arg)
{
	struct coverage_gap *g = item;

	(void)arg;
	db_col_copy(st, 0, g->code, sizeof(g->code));
	db_col_copy(st, 1, g->name, sizeof(g->name));
	db_col_copy(st, 2, g->parent_name, sizeof(g->parent_name));
}

sg_err coverage_gaps(db_t *db, const struct actor *who, const char *region,
		     enum coverage_gap_kind kind, int64_t offset, int64_t limit,
		     struct coverage_gap **items, size_t *count, int64_t *total,
		     struct err_report *er)
{
	/* one statement per kind: the covering test differs, nothing else */
#define GAPS_SQL(level, covered) \
	"SELECT r.code, r.name, p.name FROM regions r" \
	" LEFT JOIN regions p ON p.code = r.parent_code" \
	" WHERE r.level = " #level " AND r.code >= ?1 AND r.code < ?2" \
	" AND NOT EXISTS (" covered ") ORDER BY r.code LIMIT ?3 OFFSET ?4"
	static const char *const sql[] = {
		"",
		GAPS_SQL(4, "SELECT 1 FROM stations s WHERE s.region_code = r.code"
			    " AND s.status = 'active'"),
		GAPS_SQL(5, "SELECT 1 FROM stations s WHERE s.region_code = r.code"
			    " AND s.status = 'active'"),
		GAPS_SQL(5, "SELECT 1 FROM posts t WHERE t.region_code = r.code"
			    " AND t.status = 'active' AND t.worker_id IS NOT NULL"),
	};
#undef GAPS_SQL
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct coverage c;
	struct node n;
	db_stmt_t *st;
	sg_err code = SG_OK;

	*items = NULL;
	*count = 0;
	*total = 0;
	if (!may_read(who))
		return forbidden(who, er);
	if (kind < COVERAGE_GAP_TOWN || kind > COVERAGE_GAP_COMMUNITY)
		return err_field(er, "level", "not_allowed", "town, village or community");
	if (resolve(db, who, region, &n, er) != SG_OK ||
	    read_counts(db, &n, &c, er) != SG_OK)
		return er->code;
	*total = kind == COVERAGE_GAP_TOWN ? c.towns.total - c.towns.covered :
		 kind == COVERAGE_GAP_VILLAGE ? c.villages.total - c.villages.covered :
		 c.communities.total - c.communities.covered;
	region_prefix_range(n.code, lo, hi);
	st = db_prepare(db, sql[kind]);
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, offset);
	code = dbrow_collect(db, st, sizeof(**items), read_gap, NULL, (void **)items, count, er);
	db_done(st);
	return code;
}
