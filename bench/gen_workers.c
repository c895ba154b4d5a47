/*
 * gen_workers.c: fill a shegong database with N synthetic social workers
 * for the search benchmark (bench/worker_search.sh).
 *
 * usage: shegong-gen-workers DB N [SEED]
 *
 * The database must be initialised (shegong init) and hold the region
 * tree (shegong regions load). Rows are written with the statements of
 * domain/worker.c (worker_create, write_fields, worker_qualification_add,
 * refresh_derived): the ID number sealed with the instance key, its keyed
 * lookup hash and masked form, the search text (name, organisation and
 * certificate numbers in Simplified Chinese, through worker_simplify) and,
 * by the migration's triggers, the FTS rows. What is skipped is the
 * per-record audit entry: this is a bulk import, not user actions.
 *
 * Realism: names from the commonest Chinese surnames (weighted roughly by
 * frequency) and given-name characters; valid 18-digit ID numbers whose
 * address part is the worker's county and whose birth date gives ages 20
 * to 60; regions are towns and villages (some counties) of the real tree,
 * three times likelier in city districts (区) than elsewhere; levels mostly
 * none or assistant, fewer intermediate, few senior, each with its
 * certificate(s); education, service fields and organisation names.
 *
 * Rows go in transactions of 20,000 with synchronous=OFF (the file is a
 * throwaway benchmark database), each in the import's bulk mode
 * (worker_bulk_begin/end): the full-text, short-fragment and statistics
 * rows of a batch's workers are written at its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/secret.h"
#include "core/util.h"
#include "db/db.h"
#include "domain/idcard.h"
#include "domain/worker.h"
#include "core/banned.h"

/* xorshift64*: reproducible for a seed, fast. */
static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)((rnd() >> 32) % n);
}

/* Surnames with rough per-mille weights (王 李 张 刘 陈 ... lead). */
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
};

static const char *const org_kinds[] = {
	"社会工作服务中心", "社工服务社", "社会工作服务站", "民政局", "街道办事处",
	"社区居民委员会", "养老服务中心", "儿童福利院", "救助管理站", "残疾人联合会",
};

static const char *const posts[] = {
	"社工", "督导", "项目主管", "中心主任", "一线社工", "社区工作者", "专干",
};

static const char *const educations[] = {
	"secondary_or_below", "associate", "bachelor", "master", "doctor",
};

static const char *const field_codes[] = {
	"welfare", "assistance", "community", "family", "mental_health",
	"disability", "elderly", "youth", "women", "children", "medical", "school",
	"poverty_relief", "employment", "correction", "drug_rehab",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

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

/* Regions a worker may have: towns and villages, plus the counties. */
struct place {
	char code[13];
	int urban; /* the county is a city district (区) */
};

static struct place *places;
static size_t nplaces;

static int load_places(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT r.code, c.name FROM regions r"
				       " JOIN regions c ON c.code = substr(r.code, 1, 6)"
				       " WHERE r.level >= 3");
	size_t cap = 1 << 20;
	int rc;

	places = malloc(cap * sizeof(*places));
	if (!st || !places)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *cname = db_col_text(st, 1);
		size_t n = strlen(cname);

		if (nplaces == cap) {
			struct place *p = realloc(places, 2 * cap * sizeof(*places));

			if (!p)
				break;
			places = p;
			cap *= 2;
		}
		util_strlcpy(places[nplaces].code, db_col_text(st, 0), sizeof(places[0].code));
		places[nplaces].urban = n >= 3 && !strcmp(cname + n - 3, "区");
		nplaces++;
	}
	db_done(st);
	return rc < 0 || nplaces == 0 ? -1 : 0;
}

/* A place, rural ones accepted a third of the time: cities weigh 3x. */
static const struct place *pick_place(void)
{
	for (;;) {
		const struct place *p = &places[rnd_below((uint32_t)nplaces)];

		if (p->urban || rnd_below(3) == 0)
			return p;
	}
}

static void make_name(char *out, size_t size, int male)
{
	const char *const *g = male ? given_male : given_female;
	size_t ng = male ? COUNT_OF(given_male) : COUNT_OF(given_female);
	const char *a = g[rnd_below((uint32_t)ng)];

	if (rnd_below(10) < 7) /* most given names have two characters */
		snprintf(out, size, "%s%s%s", surname(), a, g[rnd_below((uint32_t)ng)]);
	else
		snprintf(out, size, "%s%s", surname(), a);
}

/* A valid ID number: county, birth date (age 20..60), sequence, check. */
static void make_id(char out[IDCARD_SIZE], const char *county, int male,
		    char birth[IDCARD_DATE_SIZE], int this_year)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = this_year - 21 - (int)rnd_below(40);
	int m = 1 + (int)rnd_below(12), d = 1 + (int)rnd_below((uint32_t)mdays[m - 1]);
	int seq = (int)rnd_below(500) * 2 + (male ? 1 : 0);
	char first[40];

	snprintf(first, sizeof(first), "%.6s%04d%02d%02d%03d", county, y, m, d, seq);
	first[17] = idcard_check_char(first);
	first[18] = '\0';
	util_strlcpy(out, first, IDCARD_SIZE);
	snprintf(first, sizeof(first), "%04d-%02d-%02d", y % 10000, m, d);
	util_strlcpy(birth, first, IDCARD_DATE_SIZE);
}

static int pick_level(void)
{
	uint32_t r = rnd_below(100);

	return r < 45 ? 0 : r < 80 ? 1 : r < 96 ? 2 : 3;
}

static int fail(db_t *db, const char *what)
{
	fprintf(stderr, "gen-workers: %s: %s\n", what, db_errmsg(db));
	return 1;
}

int main(int argc, char **argv)
{
	struct err_report er = ERR_REPORT_INIT;
	struct buf text = BUF_INIT(1 << 12);
	char key[4096], id[IDCARD_SIZE], birth[IDCARD_DATE_SIZE], name[64], org[160];
	char sealed[160], hash[65], masked[IDCARD_SIZE], created[UTIL_TIME_LEN];
	char certs[3][48], passed[40];
	int64_t n, done = 0, dups = 0, cert_seq = 0;
	time_t now = util_now(), t0 = time(NULL);
	struct tm tm;
	db_t *db = NULL;
	int this_year;

	if (argc < 3 || util_parse_int(argv[2], 1, 100000000, &n) != 0 || n < 1) {
		fprintf(stderr, "usage: shegong-gen-workers DB N [SEED]\n");
		return 2;
	}
	if (argc > 3) {
		int64_t seed;

		if (util_parse_int(argv[3], 1, INT64_MAX, &seed) == 0 && seed)
			rng_state = (uint64_t)seed;
	}
	gmtime_r(&now, &tm);
	this_year = tm.tm_year + 1900;
	secret_path_for_db(argv[1], key, sizeof(key));
	if (secret_load(key, &er) != SG_OK || db_open(argv[1], 0, &db, &er) != SG_OK) {
		fprintf(stderr, "gen-workers: %s\n", er.detail);
		return 1;
	}
	if (db_exec(db, "PRAGMA synchronous = OFF") != 0)
		return fail(db, "pragma");
	if (load_places(db) != 0)
		return fail(db, "no regions (run shegong regions load first)");
	fprintf(stderr, "gen-workers: %zu candidate regions; generating %lld workers\n",
		nplaces, (long long)n);

	while (done < n) {
		int64_t batch_end = done + 20000 < n ? done + 20000 : n, mark;

		if (db_begin(db) != 0 || worker_bulk_begin(db, &mark, &er) != SG_OK)
			return fail(db, "begin");
		while (done < batch_end) {
			const struct place *pl = pick_place();
			int male = (int)rnd_below(2), level = pick_level(), rc;
			int byear, pyear;
			time_t created_t = now - (time_t)rnd_below(8u * 365 * 86400);
			int64_t wid;
			db_stmt_t *st;
			int nf = 1 + (int)rnd_below(3);

			make_name(name, sizeof(name), male);
			make_id(id, pl->code, male, birth, this_year);
			snprintf(org, sizeof(org), "%s%s",
				 org_stems[rnd_below(COUNT_OF(org_stems))],
				 org_kinds[rnd_below(COUNT_OF(org_kinds))]);
			if (secret_seal(id, IDCARD_LEN, sealed, sizeof(sealed)) != SG_OK)
				return fail(db, "seal");
			secret_lookup_hash(id, IDCARD_LEN, hash);
			idcard_mask(id, masked);
			util_time_iso(created_t, created);

			/* certificates: one per level up to the worker's own */
			byear = (birth[0] - '0') * 1000 + (birth[1] - '0') * 100 +
				(birth[2] - '0') * 10 + (birth[3] - '0');
			pyear = byear + 22 + (int)rnd_below(3);
			buf_reset(&text);
			worker_simplify(name, &text);
			buf_addch(&text, '\n');
			worker_simplify(org, &text);
			for (int l = 1; l <= level; l++) {
				snprintf(certs[l - 1], sizeof(certs[0]), "%.2s%d%04d%08lld",
					 pl->code, l, pyear, (long long)++cert_seq);
				buf_addch(&text, '\n');
				buf_addstr(&text, certs[l - 1]);
			}

			st = db_prepare(db, "INSERT INTO workers (name, id_sealed, id_hash, id_masked,"
					    " sex, birth_date, phone, education, social_work_major,"
					    " region_code, org_name, post, status, search_text,"
					    " created_at, updated_at)"
					    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
					    " RETURNING id");
			if (!st)
				return fail(db, "prepare");
			{
				char phone[16];

				snprintf(phone, sizeof(phone), "1%d%09u", 3 + (int)rnd_below(7),
					 rnd_below(1000000000u));
				db_bind_text(st, 1, name, -1);
				db_bind_text(st, 2, sealed, -1);
				db_bind_text(st, 3, hash, -1);
				db_bind_text(st, 4, masked, -1);
				db_bind_text(st, 5, male ? "male" : "female", -1);
				db_bind_text(st, 6, birth, -1);
				db_bind_text(st, 7, phone, -1);
				db_bind_text(st, 8, educations[rnd_below(10) < 2 ? 0 :
							       1 + rnd_below(3)], -1);
				db_bind_int(st, 9, rnd_below(3) == 0);
				db_bind_text(st, 10, pl->code, -1);
				db_bind_text(st, 11, org, -1);
				db_bind_text(st, 12, posts[rnd_below(COUNT_OF(posts))], -1);
				db_bind_text(st, 13, rnd_below(50) ? "active" : "left", -1);
				db_bind_text(st, 14, buf_cstr(&text), -1);
				db_bind_text(st, 15, created, -1);
				db_bind_text(st, 16, created, -1);
			}
			rc = db_step(st);
			wid = rc == DB_ROW ? db_col_int(st, 0) : 0;
			db_done(st);
			if (rc == DB_ERR_UNIQUE) { /* same county, birth date and sequence */
				dups++;
				continue;
			}
			if (rc != DB_ROW)
				return fail(db, "insert worker");

			for (int i = 0; i < nf; i++) {
				st = db_prepare(db, "INSERT INTO worker_fields (worker_id, field)"
						    " VALUES (?, ?) ON CONFLICT DO NOTHING");
				if (!st)
					return fail(db, "prepare");
				db_bind_int(st, 1, wid);
				db_bind_text(st, 2, field_codes[rnd_below(COUNT_OF(field_codes))], -1);
				rc = db_step(st);
				db_done(st);
				if (rc < 0)
					return fail(db, "insert field");
			}
			for (int l = 1; l <= level; l++) {
				int y = pyear + (l - 1) * 4;

				if (y > this_year - 1)
					y = this_year - 1;
				snprintf(passed, sizeof(passed), "%04d-06-%02d", y,
					 10 + (int)rnd_below(15));
				st = db_prepare(db, "INSERT INTO qualifications (worker_id, level,"
						    " certificate_no, passed_on, issuer, created_at)"
						    " VALUES (?, ?, ?, ?, ?, ?)");
				if (!st)
					return fail(db, "prepare");
				db_bind_int(st, 1, wid);
				db_bind_int(st, 2, l);
				db_bind_text(st, 3, certs[l - 1], -1);
				db_bind_text(st, 4, passed, -1);
				db_bind_text(st, 5, "人力资源和社会保障部 民政部", -1);
				db_bind_text(st, 6, created, -1);
				rc = db_step(st);
				db_done(st);
				if (rc < 0)
					return fail(db, "insert qualification");
			}
			if (level) {
				st = db_prepare(db, "UPDATE workers SET level = ? WHERE id = ?");
				if (!st)
					return fail(db, "prepare");
				db_bind_int(st, 1, level);
				db_bind_int(st, 2, wid);
				rc = db_step(st);
				db_done(st);
				if (rc < 0)
					return fail(db, "update level");
			}
			done++;
		}
		if (worker_bulk_end(db, mark, &er) != SG_OK || db_commit(db) != 0)
			return fail(db, "commit");
		fprintf(stderr, "\rgen-workers: %lld / %lld (%lld s)", (long long)done,
			(long long)n, (long long)(time(NULL) - t0));
	}
	fprintf(stderr, "\ngen-workers: %lld workers in %lld s (%lld ID collisions redrawn)\n",
		(long long)done, (long long)(time(NULL) - t0), (long long)dups);
	buf_release(&text);
	free(places);
	db_close(db);
	return 0;
}
