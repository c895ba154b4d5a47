/*
 * import.c: the import framework and its kinds; see import.h.
 *
 * The loop is deliberately plain for speed: one reader, one value buffer
 * per column reused for every row, prepared statements cached by db.c, a
 * transaction per batch (or one for a strict import) and no per-row JSON
 * or audit. Problems are kept in memory (capped) and handed to the caller,
 * which stores them after the import's own transactions so that a strict
 * rollback does not take the error report with it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "import.h"
#include "export.h"
#include "sheetw.h"
#include "../core/json.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../domain/audit.h"
#include "../domain/employment.h"
#include "../domain/org.h"
#include "../domain/post.h"
#include "../domain/region.h"
#include "../domain/station.h"
#include "../domain/worker.h"
#include "../core/banned.h"

#define VALUE_MAX (64u * 1024)

/* ---- kinds ------------------------------------------------------------------ */

static const struct import_word level_words[] = {
	{ "assistant", "助理社会工作师" }, { "intermediate", "社会工作师" },
	{ "senior", "高级社会工作师" }, { "assistant", "初级" },
	{ "intermediate", "中级" }, { "senior", "高级" }, { NULL, NULL },
};

static const struct import_word education_words[] = {
	{ "secondary_or_below", "中专及以下" }, { "associate", "大专" },
	{ "bachelor", "本科" }, { "master", "硕士" }, { "doctor", "博士" },
	{ "secondary_or_below", "中专" }, { "associate", "专科" },
	{ "master", "研究生" }, { NULL, NULL },
};

static const struct import_word status_words[] = {
	{ "active", "在职" }, { "left", "离职" }, { "deceased", "已故" },
	{ NULL, NULL },
};

static const struct import_word sex_words[] = {
	{ "male", "男" }, { "female", "女" }, { NULL, NULL },
};

/* Filled from worker_fields() at first use: codes and Chinese names. */
static struct import_word field_words[WORKER_MAX_FIELDS + 1];

enum {
	W_NAME, W_ID, W_SEX, W_BIRTH, W_REGION, W_PHONE, W_EDU, W_MAJOR, W_ORG,
	W_POST, W_FIELDS, W_STATUS, W_LEVEL, W_CERT, W_PASSED, W_REGNO,
	W_REGON, W_EXPIRES, W_NCOLS
};

static const struct import_col worker_cols[W_NCOLS] = {
	[W_NAME] = { "name", "姓名", IMPORT_REQUIRED, IMPORT_TEXT, NULL, "必填，最多50字" },
	[W_ID] = { "id_number", "身份证号", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		   "必填，18位公民身份号码；请把该列设为文本，否则Excel会丢掉末几位" },
	[W_SEX] = { "sex", "性别", 0, IMPORT_WORD, sex_words, "可空：男/女，须与身份证号一致" },
	[W_BIRTH] = { "birth_date", "出生日期", 0, IMPORT_DATE, NULL,
		      "可空：须与身份证号一致" },
	[W_REGION] = { "region_code", "区划代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		       "必填，县(6位)、乡镇街道(9位)或村社区(12位)代码，须在您的管辖范围内" },
	[W_PHONE] = { "phone", "手机号", 0, IMPORT_CODE, NULL, "可空：11位手机号或0763-3388123" },
	[W_EDU] = { "education", "学历", 0, IMPORT_WORD, education_words,
		    "可空：中专及以下/大专/本科/硕士/博士" },
	[W_MAJOR] = { "social_work_major", "社工专业", 0, IMPORT_BOOL, NULL, "可空：是/否" },
	[W_ORG] = { "org_name", "工作单位", 0, IMPORT_TEXT, NULL, "可空" },
	[W_POST] = { "post", "岗位", 0, IMPORT_TEXT, NULL, "可空" },
	[W_FIELDS] = { "service_fields", "服务领域", 0, IMPORT_WORDS, field_words,
		       "可空：多个用、或;分隔，如 老年人服务、儿童服务" },
	[W_STATUS] = { "status", "状态", 0, IMPORT_WORD, status_words,
		       "可空：在职/离职/已故，默认在职" },
	[W_LEVEL] = { "level", "职业水平", 0, IMPORT_WORD, level_words,
		      "可空：助理社会工作师/社会工作师/高级社会工作师" },
	[W_CERT] = { "certificate_no", "证书管理号", 0, IMPORT_CODE, NULL,
		     "与职业水平、通过日期同时填写" },
	[W_PASSED] = { "passed_on", "通过日期", 0, IMPORT_DATE, NULL, "如 2019-06-16" },
	[W_REGNO] = { "registration_no", "登记证书编号", 0, IMPORT_CODE, NULL,
		      "已有纸质登记的填写，与登记日期、有效期至同时填写" },
	[W_REGON] = { "registered_on", "登记日期", 0, IMPORT_DATE, NULL, "如 2020-03-01" },
	[W_EXPIRES] = { "expires_on", "有效期至", 0, IMPORT_DATE, NULL, "如 2023-02-28" },
};

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

static sg_err row_worker(db_t *db, const struct actor *who, const char *const *v,
			 int *outcome, struct err_report *er)
{
	const char *fields[WORKER_MAX_FIELDS];
	char list[1024];
	struct worker_import in;

	memset(&in, 0, sizeof(in));
	in.in.name = v[W_NAME];
	in.in.id_number = v[W_ID];
	in.in.sex = v[W_SEX];
	in.in.birth_date = v[W_BIRTH];
	in.in.region_code = v[W_REGION];
	in.in.phone = v[W_PHONE];
	in.in.education = v[W_EDU];
	in.in.social_work_major = v[W_MAJOR] ? v[W_MAJOR][0] == '1' : 0;
	in.in.org_name = v[W_ORG];
	in.in.post = v[W_POST];
	in.in.status = v[W_STATUS];
	if (v[W_FIELDS]) {
		char *p = list, *semi;

		util_strlcpy(list, v[W_FIELDS], sizeof(list));
		in.in.has_fields = 1;
		while (p && in.in.nfields < WORKER_MAX_FIELDS) {
			semi = strchr(p, ';');
			if (semi)
				*semi++ = '\0';
			fields[in.in.nfields++] = p;
			p = semi;
		}
		in.in.fields = fields;
	}
	in.level = v[W_LEVEL];
	in.certificate_no = v[W_CERT];
	in.passed_on = v[W_PASSED];
	in.registration_no = v[W_REGNO];
	in.registered_on = v[W_REGON];
	in.expires_on = v[W_EXPIRES];
	return worker_upsert_in_tx(db, who, &in, outcome, er);
}

enum { P_REGION, P_POPULATION, P_NCOLS };

static const struct import_col population_cols[P_NCOLS] = {
	[P_REGION] = { "region_code", "区划代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		       "必填，须在您的管辖范围内" },
	[P_POPULATION] = { "population", "常住人口", IMPORT_REQUIRED, IMPORT_INT, NULL,
			   "必填，整数（人）" },
};

static sg_err row_population(db_t *db, const struct actor *who, const char *const *v,
			     int *outcome, struct err_report *er)
{
	int64_t population = 0, current = REGION_POPULATION_UNKNOWN;
	db_stmt_t *st;
	sg_err e;
	int rc;

	if ((e = region_check_ref(db, who, "region_code", v[P_REGION], er)) != SG_OK)
		return e;
	if (util_parse_int(v[P_POPULATION], 0, REGION_POPULATION_MAX, &population) != 0)
		return err_field(er, "population", "invalid",
				 "must be a whole number from 0 to %lld",
				 (long long)REGION_POPULATION_MAX);
	st = db_prepare(db, "SELECT population FROM regions WHERE code = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, v[P_REGION], -1);
	rc = db_step(st);
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		current = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (current == population) {
		*outcome = WORKER_UPSERT_UNCHANGED;
		return SG_OK;
	}
	if ((e = region_set_population(db, who, v[P_REGION], population, er)) != SG_OK)
		return e;
	*outcome = WORKER_UPSERT_UPDATED;
	return SG_OK;
}

/*
 * An IMPORT_WORDS value ("a;b") into out[] (at most WORKER_MAX_FIELDS),
 * pointing into buf; returns the count.
 */
static size_t split_words(const char *value, char *buf, size_t size,
			  const char *out[WORKER_MAX_FIELDS])
{
	size_t n = 0;
	char *p = buf, *semi;

	util_strlcpy(buf, value, size);
	while (p && n < WORKER_MAX_FIELDS) {
		semi = strchr(p, ';');
		if (semi)
			*semi++ = '\0';
		out[n++] = p;
		p = semi;
	}
	return n;
}

static const struct import_word org_type_words[] = {
	{ "private_non_enterprise", "民办非企业单位" }, { "social_group", "社会团体" },
	{ "foundation", "基金会" }, { "public_institution", "事业单位" }, { "other", "其他" },
	{ "private_non_enterprise", "民非" }, { "social_group", "社团" }, { NULL, NULL },
};

static const struct import_word org_status_words[] = {
	{ "active", "正常" }, { "deregistered", "已注销" }, { NULL, NULL },
};

enum {
	O_NAME, O_CODE, O_TYPE, O_REGION, O_ADDRESS, O_LEGAL, O_FOUNDED, O_CONTACT,
	O_PHONE, O_FIELDS, O_STATUS, O_NCOLS
};

static const struct import_col org_cols[O_NCOLS] = {
	[O_NAME] = { "name", "机构名称", IMPORT_REQUIRED, IMPORT_TEXT, NULL, "必填，最多100字" },
	[O_CODE] = { "credit_code", "统一社会信用代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		     "必填，18位，按其更新已有机构" },
	[O_TYPE] = { "type", "机构类型", IMPORT_REQUIRED, IMPORT_WORD, org_type_words,
		     "必填：民办非企业单位/社会团体/基金会/事业单位/其他" },
	[O_REGION] = { "region_code", "区划代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		       "必填，须在您的管辖范围内" },
	[O_ADDRESS] = { "address", "地址", 0, IMPORT_TEXT, NULL, "可空" },
	[O_LEGAL] = { "legal_rep", "法定代表人", 0, IMPORT_TEXT, NULL, "可空" },
	[O_FOUNDED] = { "founded_on", "成立日期", 0, IMPORT_DATE, NULL, "可空，如 2015-03-01" },
	[O_CONTACT] = { "contact_name", "联系人", 0, IMPORT_TEXT, NULL, "可空" },
	[O_PHONE] = { "contact_phone", "联系电话", 0, IMPORT_CODE, NULL, "可空" },
	[O_FIELDS] = { "fields", "服务领域", 0, IMPORT_WORDS, field_words,
		       "可空：多个用、或;分隔" },
	[O_STATUS] = { "status", "状态", 0, IMPORT_WORD, org_status_words, "可空：正常/已注销" },
};

static sg_err row_org(db_t *db, const struct actor *who, const char *const *v,
		      int *outcome, struct err_report *er)
{
	const char *fields[WORKER_MAX_FIELDS];
	char list[1024];
	struct org_input in;
	enum org_upsert_outcome out = 0;
	int64_t id = 0;
	sg_err code;

	memset(&in, 0, sizeof(in));
	in.name = v[O_NAME];
	in.credit_code = v[O_CODE];
	in.type = v[O_TYPE];
	in.region_code = v[O_REGION];
	in.address = v[O_ADDRESS];
	in.legal_rep = v[O_LEGAL];
	in.founded_on = v[O_FOUNDED];
	in.contact_name = v[O_CONTACT];
	in.contact_phone = v[O_PHONE];
	in.status = v[O_STATUS];
	if (v[O_FIELDS]) {
		in.has_fields = 1;
		in.nfields = split_words(v[O_FIELDS], list, sizeof(list), fields);
		in.fields = fields;
	}
	code = org_upsert_in_tx(db, who, &in, &out, &id, er);
	*outcome = out == ORG_UPSERT_INSERTED ? WORKER_UPSERT_INSERTED :
		   out == ORG_UPSERT_UPDATED ? WORKER_UPSERT_UPDATED : WORKER_UPSERT_UNCHANGED;
	return code;
}

enum { E_ID, E_CODE, E_ORG, E_POST, E_FIELD, E_START, E_END, E_NCOLS };

static const struct import_col employment_cols[E_NCOLS] = {
	[E_ID] = { "id_number", "身份证号", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		   "必填，须为已登记的社会工作者（先导入社会工作者）" },
	[E_CODE] = { "org_credit_code", "机构统一社会信用代码", 0, IMPORT_CODE, NULL,
		     "可空：已登记机构的代码；与机构名称二选一" },
	[E_ORG] = { "org_name", "工作单位", 0, IMPORT_TEXT, NULL, "未填机构代码时必填" },
	[E_POST] = { "post", "岗位", 0, IMPORT_TEXT, NULL, "可空" },
	[E_FIELD] = { "field", "服务领域", 0, IMPORT_WORD, field_words, "可空，一个领域" },
	[E_START] = { "started_on", "开始日期", IMPORT_REQUIRED, IMPORT_DATE, NULL,
		      "必填；同一人同一单位同一开始日期视为同一段履历" },
	[E_END] = { "ended_on", "结束日期", 0, IMPORT_DATE, NULL, "可空：至今" },
};

static int first_worker(const struct worker *w, void *arg)
{
	*(int64_t *)arg = w->id;
	return 1;
}

/* An organisation named by its credit code in column col: *id, or a field error. */
static sg_err org_by_code(db_t *db, const struct actor *who, const char *code,
			  const char *col, int64_t *id, struct err_report *er)
{
	struct org *o = malloc(sizeof(*o));
	sg_err rv;

	if (!o)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	rv = org_find_by_credit_code(db, who, code, o, er);
	*id = rv == SG_OK ? o->id : 0;
	free(o);
	if (rv == SG_ERR_NOT_FOUND) {
		err_clear(er);
		rv = err_field(er, col, "unknown", "no organisation with this code in your region");
	}
	return rv;
}

/* The worker with the ID number in column col, in who's scope: *id or a field error. */
static sg_err worker_by_number(db_t *db, const struct actor *who, const char *number,
			       const char *col, int64_t *id, struct err_report *er)
{
	struct worker_filter f;
	int64_t total = 0;
	sg_err code;

	*id = 0;
	memset(&f, 0, sizeof(f));
	f.id_number = number;
	f.age_min = f.age_max = -1;
	if ((code = worker_list(db, who, &f, 0, 1, first_worker, id, &total, er)) != SG_OK) {
		if (code == SG_ERR_INVALID && er->nfields)
			util_strlcpy(er->fields[0].field, col, sizeof(er->fields[0].field));
		return code;
	}
	if (!*id)
		return err_field(er, col, "unknown", "no worker with this ID number in your region");
	return SG_OK;
}

static sg_err row_employment(db_t *db, const struct actor *who, const char *const *v,
			     int *outcome, struct err_report *er)
{
	struct employment_input in;
	int64_t wid;
	sg_err code;

	if ((code = worker_by_number(db, who, v[E_ID], "id_number", &wid, er)) != SG_OK)
		return code;
	memset(&in, 0, sizeof(in));
	if (v[E_CODE] &&
	    (code = org_by_code(db, who, v[E_CODE], "org_credit_code", &in.org_id, er)) != SG_OK)
		return code;
	in.org_name = v[E_ORG];
	in.post = v[E_POST];
	in.field = v[E_FIELD];
	in.started_on = v[E_START];
	in.ended_on = v[E_END];
	code = employment_upsert_in_tx(db, who, wid, &in, outcome, er);
	if (code == SG_ERR_NOT_FOUND)
		return err_field(er, "id_number", "unknown",
				 "no worker with this ID number in your region");
	return code;
}

static const struct import_word tier_words[] = {
	{ "centre", "县级社会工作指导中心" }, { "station", "乡镇（街道）社工站" },
	{ "room", "村（社区）社工室" }, { "centre", "指导中心" }, { "station", "社工站" },
	{ "room", "社工室" }, { NULL, NULL },
};

static const struct import_word open_words[] = {
	{ "active", "运营中" }, { "closed", "已关闭" }, { "active", "正常" }, { NULL, NULL },
};

enum {
	S_NAME, S_TIER, S_REGION, S_OPERATOR, S_ADDRESS, S_ESTABLISHED, S_STATUS, S_REASON,
	S_AREA, S_EQUIPMENT, S_EQUIPMENT_NOTE, S_STAFF, S_RESIDENT, S_FUNCTIONS, S_PROJECTS,
	S_PROCEDURES, S_RULES, S_NCOLS
};

static const struct import_col station_cols[S_NCOLS] = {
	[S_NAME] = { "name", "站点名称", IMPORT_REQUIRED, IMPORT_TEXT, NULL,
		     "必填；同一区划同名视为同一站点" },
	[S_TIER] = { "tier", "层级", IMPORT_REQUIRED, IMPORT_WORD, tier_words,
		     "必填：指导中心（县级）/社工站（乡镇街道）/社工室（村社区）" },
	[S_REGION] = { "region_code", "区划代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
		       "必填：指导中心填6位县级代码，社工站9位，社工室12位" },
	[S_OPERATOR] = { "operator_credit_code", "运营机构统一社会信用代码", 0, IMPORT_CODE, NULL,
			 "可空：已登记机构的代码" },
	[S_ADDRESS] = { "address", "地址", 0, IMPORT_TEXT, NULL, "可空" },
	[S_ESTABLISHED] = { "established_on", "建成日期", 0, IMPORT_DATE, NULL, "可空" },
	[S_STATUS] = { "status", "状态", 0, IMPORT_WORD, open_words, "可空：运营中/已关闭" },
	[S_REASON] = { "duplicate_reason", "增设理由", 0, IMPORT_TEXT, NULL,
		       "同一区划已有运营中的站点时必填" },
	[S_AREA] = { "site_area", "场地面积（平方米）", 0, IMPORT_TEXT, NULL, "可空，如 120.5" },
	[S_EQUIPMENT] = { "has_equipment", "有设备", 0, IMPORT_BOOL, NULL, "可空：是/否" },
	[S_EQUIPMENT_NOTE] = { "equipment_note", "设备说明", 0, IMPORT_TEXT, NULL, "可空" },
	[S_STAFF] = { "staff_count", "工作人员数", 0, IMPORT_INT, NULL, "可空" },
	[S_RESIDENT] = { "resident_workers", "驻站社工数", 0, IMPORT_INT, NULL,
			 "可空，不超过工作人员数" },
	[S_FUNCTIONS] = { "functions", "服务功能", 0, IMPORT_WORDS, field_words,
			  "可空：服务领域，多个用、或;分隔" },
	[S_PROJECTS] = { "projects", "服务项目", 0, IMPORT_TEXT, NULL, "可空" },
	[S_PROCEDURES] = { "has_procedures", "有工作流程", 0, IMPORT_BOOL, NULL, "可空：是/否" },
	[S_RULES] = { "has_rules", "有规章制度", 0, IMPORT_BOOL, NULL, "可空：是/否" },
};

/* A 0/1 cell into a station flag; empty stays absent. */
static int flag_of(const char *v)
{
	return v ? v[0] == '1' : STATION_FLAG_ABSENT;
}

/*
 * A whole-number cell (IMPORT_INT already checked it) into a count; empty
 * stays absent, and one out of range is left for the station's own check.
 */
static int64_t count_of(const char *v)
{
	int64_t n;

	if (!v)
		return STATION_ABSENT;
	return util_parse_int(v, 0, INT64_MAX, &n) ? -1 : n;
}

static sg_err row_station(db_t *db, const struct actor *who, const char *const *v,
			  int *outcome, struct err_report *er)
{
	const char *functions[WORKER_MAX_FIELDS];
	char list[1024];
	struct station_input in;
	enum station_upsert_outcome out = 0;
	int64_t id;
	sg_err code;

	station_input_init(&in);
	in.name = v[S_NAME];
	in.tier = v[S_TIER];
	in.region_code = v[S_REGION];
	if (v[S_OPERATOR] &&
	    (code = org_by_code(db, who, v[S_OPERATOR], "operator_credit_code",
				&in.operator_org_id, er)) != SG_OK)
		return code;
	in.address = v[S_ADDRESS];
	in.established_on = v[S_ESTABLISHED];
	in.status = v[S_STATUS];
	in.duplicate_reason = v[S_REASON];
	if (v[S_AREA]) {
		char *end;

		in.site_area = strtod(v[S_AREA], &end);
		if (end == v[S_AREA] || *end)
			return err_field(er, "site_area", "invalid", "square metres, e.g. 120.5");
	}
	in.has_equipment = flag_of(v[S_EQUIPMENT]);
	in.equipment_note = v[S_EQUIPMENT_NOTE];
	in.staff_count = count_of(v[S_STAFF]);
	in.resident_workers = count_of(v[S_RESIDENT]);
	if (v[S_FUNCTIONS]) {
		in.has_functions = 1;
		in.nfunctions = split_words(v[S_FUNCTIONS], list, sizeof(list), functions);
		in.functions = functions;
	}
	in.projects = v[S_PROJECTS];
	in.has_procedures = flag_of(v[S_PROCEDURES]);
	in.has_rules = flag_of(v[S_RULES]);
	code = station_upsert_in_tx(db, who, &in, &out, &id, er);
	*outcome = (int)out;
	return code;
}

static const struct import_word unit_type_words[] = {
	{ "org", "社会工作服务机构" }, { "government", "党政机关" },
	{ "public_institution", "事业单位" }, { "community", "城乡社区" },
	{ "org", "机构" }, { "community", "社区" }, { NULL, NULL },
};

static const struct import_word required_level_words[] = {
	{ "none", "不限" }, { "assistant", "助理社会工作师" }, { "intermediate", "社会工作师" },
	{ "senior", "高级社会工作师" }, { "assistant", "初级" }, { "intermediate", "中级" },
	{ "senior", "高级" }, { NULL, NULL },
};

enum {
	PO_TITLE, PO_UNIT_TYPE, PO_ORG, PO_UNIT, PO_FIELD, PO_LEVEL, PO_REGION, PO_PURCHASED,
	PO_STATUS, PO_WORKER, PO_SINCE, PO_NCOLS
};

static const struct import_col post_cols[PO_NCOLS] = {
	[PO_TITLE] = { "title", "岗位名称", IMPORT_REQUIRED, IMPORT_TEXT, NULL,
		       "必填；同一区划、同一单位同名视为同一岗位" },
	[PO_UNIT_TYPE] = { "unit_type", "设岗单位类型", IMPORT_REQUIRED, IMPORT_WORD,
			   unit_type_words, "必填：社会工作服务机构/党政机关/事业单位/城乡社区" },
	[PO_ORG] = { "org_credit_code", "机构统一社会信用代码", 0, IMPORT_CODE, NULL,
		     "设岗单位为机构时必填" },
	[PO_UNIT] = { "unit_name", "设岗单位", 0, IMPORT_TEXT, NULL, "非机构岗位填单位名称" },
	[PO_FIELD] = { "field", "服务领域", IMPORT_REQUIRED, IMPORT_WORD, field_words, "必填，一个领域" },
	[PO_LEVEL] = { "required_level", "要求职业水平", 0, IMPORT_WORD, required_level_words,
		       "可空：不限/助理社会工作师/社会工作师/高级社会工作师" },
	[PO_REGION] = { "region_code", "区划代码", IMPORT_REQUIRED, IMPORT_CODE, NULL,
			"必填；社区岗位填12位村（社区）代码" },
	[PO_PURCHASED] = { "purchased", "政府购买", 0, IMPORT_BOOL, NULL, "可空：是/否" },
	[PO_STATUS] = { "status", "状态", 0, IMPORT_WORD, open_words, "可空：运营中/已关闭" },
	[PO_WORKER] = { "worker_id_number", "在岗社工身份证号", 0, IMPORT_CODE, NULL,
			"可空：已登记社会工作者的身份证号" },
	[PO_SINCE] = { "filled_since", "上岗日期", 0, IMPORT_DATE, NULL, "填在岗社工时必填" },
};

static sg_err row_post(db_t *db, const struct actor *who, const char *const *v,
		       int *outcome, struct err_report *er)
{
	struct post_input in;
	enum post_upsert_outcome out = 0;
	int64_t id, worker_id = 0;
	sg_err code;

	post_input_init(&in);
	in.title = v[PO_TITLE];
	in.unit_type = v[PO_UNIT_TYPE];
	if (v[PO_ORG] &&
	    (code = org_by_code(db, who, v[PO_ORG], "org_credit_code", &in.org_id, er)) != SG_OK)
		return code;
	in.unit_name = v[PO_UNIT];
	in.field = v[PO_FIELD];
	in.required_level = v[PO_LEVEL] ? v[PO_LEVEL] : "none";
	in.region_code = v[PO_REGION];
	in.purchased = v[PO_PURCHASED] ? v[PO_PURCHASED][0] == '1' : -1;
	in.status = v[PO_STATUS];
	if (v[PO_WORKER] &&
	    (code = worker_by_number(db, who, v[PO_WORKER], "worker_id_number", &worker_id,
				     er)) != SG_OK)
		return code;
	if (worker_id && !v[PO_SINCE])
		return err_field(er, "filled_since", "required", "the date the worker took the post");
	code = post_upsert_in_tx(db, who, &in, worker_id, v[PO_SINCE], &out, &id, er);
	if (code == SG_ERR_INVALID && er->nfields &&
	    (!strcmp(er->fields[0].field, "worker_id") || !strcmp(er->fields[0].field, "since")))
		util_strlcpy(er->fields[0].field, !strcmp(er->fields[0].field, "since") ?
			     "filled_since" : "worker_id_number", sizeof(er->fields[0].field));
	*outcome = (int)out;
	return code;
}

#define BUREAU_ORG (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSTEM))
#define BUREAU (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_SYSTEM))

/* One line per kind. */
static const struct import_kind kinds[] = {
	{ "workers", "社会工作者", worker_cols, W_NCOLS, row_worker, BUREAU_ORG,
	  worker_bulk_begin, worker_bulk_end },
	{ "population", "常住人口", population_cols, P_NCOLS, row_population, BUREAU, NULL, NULL },
	{ "orgs", "社会工作服务机构", org_cols, O_NCOLS, row_org, BUREAU, NULL, NULL },
	{ "employment", "服务履历", employment_cols, E_NCOLS, row_employment, BUREAU_ORG, NULL, NULL },
	{ "stations", "社工站点", station_cols, S_NCOLS, row_station, BUREAU, NULL, NULL },
	{ "posts", "社会工作岗位", post_cols, PO_NCOLS, row_post, BUREAU, NULL, NULL },
};

static void field_words_init(void)
{
	size_t n;
	const struct worker_field_def *f = worker_fields(&n);

	if (field_words[0].word)
		return;
	for (size_t i = 0; i < n && i < WORKER_MAX_FIELDS; i++) {
		field_words[i].word = f[i].code;
		field_words[i].label = f[i].name;
	}
}

const struct import_kind *import_kinds(size_t *n)
{
	field_words_init();
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct import_kind *import_kind_find(const char *name)
{
	size_t n;
	const struct import_kind *k = import_kinds(&n);

	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(k[i].name, name))
			return &k[i];
	return NULL;
}

int import_mode_parse(const char *s)
{
	if (!s || !strcmp(s, "strict"))
		return s ? IMPORT_STRICT : -1;
	if (!strcmp(s, "skip-invalid") || !strcmp(s, "skip_invalid"))
		return IMPORT_SKIP_INVALID;
	return -1;
}

const char *import_mode_name(enum import_mode m)
{
	return m == IMPORT_SKIP_INVALID ? "skip-invalid" : "strict";
}

/* ---- text helpers ---------------------------------------------------------- */

/* Trim ASCII white space and U+3000 (full-width space) at both ends. */
static void trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	for (;;) {
		if (n && isspace((unsigned char)p[0])) {
			p++, n--;
		} else if (n >= 3 && !memcmp(p, "\xe3\x80\x80", 3)) {
			p += 3, n -= 3;
		} else if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
			p += 3, n -= 3; /* a BOM left by a sloppy writer */
		} else {
			break;
		}
	}
	for (;;) {
		if (n && isspace((unsigned char)p[n - 1]))
			n--;
		else if (n >= 3 && !memcmp(p + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	*s = p;
	*len = n;
}

static int ascii_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int header_is(const char *h, size_t n, const char *name)
{
	size_t m = strlen(name);

	if (n != m)
		return 0;
	if (ascii_only(name, m)) {
		for (size_t i = 0; i < n; i++)
			if (tolower((unsigned char)h[i]) != tolower((unsigned char)name[i]))
				return 0;
		return 1;
	}
	return !memcmp(h, name, n);
}

#define IMPORT_IGNORED (-2)

/*
 * A header written by the export of the same name when that export imports
 * back (export.h imports_back): the import column of the same API name, or
 * IMPORT_IGNORED for what only the export writes (名称, 社工编号...); -1
 * otherwise.
 */
static int export_column(const struct import_kind *k, const char *h, size_t n)
{
	const struct export_kind *x = export_kind_find(k->name);

	for (size_t i = 0; x && x->imports_back && i < x->ncols; i++) {
		if (!header_is(h, n, x->cols[i].header) && !header_is(h, n, x->cols[i].name))
			continue;
		for (size_t c = 0; c < k->ncols; c++)
			if (!strcmp(k->cols[c].name, x->cols[i].name))
				return (int)c;
		return IMPORT_IGNORED;
	}
	return -1;
}

sg_err import_map_header(const struct import_kind *k, const struct sheet_cell *cells,
			 size_t ncells, int *map, struct err_report *er)
{
	int seen[64] = { 0 };

	for (size_t i = 0; i < ncells; i++) {
		const char *h = cells[i].ptr;
		size_t n = cells[i].len;
		int found = -1;

		trim(&h, &n);
		/* the template marks required columns with * or ＊ */
		if (n >= 1 && h[n - 1] == '*')
			n--;
		else if (n >= 3 && !memcmp(h + n - 3, "\xef\xbc\x8a", 3))
			n -= 3;
		trim(&h, &n);
		map[i] = -1;
		if (n == 0)
			continue;
		for (size_t c = 0; c < k->ncols && found < 0; c++)
			if (header_is(h, n, k->cols[c].header) || header_is(h, n, k->cols[c].name))
				found = (int)c;
		if (found < 0 && (found = export_column(k, h, n)) == IMPORT_IGNORED)
			continue;
		if (found < 0)
			return err_field(er, "header", "unknown_column",
					 "第%zu列「%.*s」不是%s导入的列（请使用模板的列名）",
					 i + 1, (int)(n > 60 ? 60 : n), h, k->title);
		if (seen[found]++)
			return err_field(er, "header", "duplicate_column",
					 "「%s」列出现了两次", k->cols[found].header);
		map[i] = found;
	}
	for (size_t c = 0; c < k->ncols; c++)
		if ((k->cols[c].flags & IMPORT_REQUIRED) && !seen[c])
			return err_field(er, "header", "missing_column",
					 "缺少必填列「%s」（%s）", k->cols[c].header,
					 k->cols[c].name);
	return SG_OK;
}

/* ---- cell normalisation ---------------------------------------------------- */

static int parse_date(const char *s, size_t n, char out[11])
{
	int y = 0, m = 0, d = 0, consumed = 0;
	char tmp[40], norm[16];

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (n == 8 && strspn(tmp, "0123456789") == 8) {
		y = (tmp[0] - '0') * 1000 + (tmp[1] - '0') * 100 + (tmp[2] - '0') * 10 + tmp[3] - '0';
		m = (tmp[4] - '0') * 10 + tmp[5] - '0';
		d = (tmp[6] - '0') * 10 + tmp[7] - '0';
	} else if (sscanf(tmp, "%4d-%2d-%2d%n", &y, &m, &d, &consumed) == 3 ||
		   sscanf(tmp, "%4d/%2d/%2d%n", &y, &m, &d, &consumed) == 3 ||
		   sscanf(tmp, "%4d.%2d.%2d%n", &y, &m, &d, &consumed) == 3 ||
		   sscanf(tmp, "%4d\xe5\xb9\xb4%2d\xe6\x9c\x88%2d\xe6\x97\xa5%n", &y, &m, &d,
			  &consumed) == 3) {
		/* a time part from an Excel date-time is dropped; other trailers are not */
		if (tmp[consumed] && tmp[consumed] != 'T' && tmp[consumed] != ' ')
			return -1;
	} else {
		return -1;
	}
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(norm, sizeof(norm), "%04d-%02d-%02d", y, m, d);
	if (!input_date_valid(norm))
		return -1;
	memcpy(out, norm, 11);
	return 0;
}

static const char *word_of(const struct import_word *w, const char *s, size_t n)
{
	for (; w && w->word; w++)
		if (header_is(s, n, w->word) || header_is(s, n, w->label))
			return w->word;
	return NULL;
}

static int is_sep(const char *p, size_t left, size_t *seplen)
{
	static const char *const seps[] = { ";", ",", "\xef\xbc\x9b", "\xef\xbc\x8c",
					    "\xe3\x80\x81", "|" };

	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		size_t l = strlen(seps[i]);

		if (left >= l && !memcmp(p, seps[i], l)) {
			*seplen = l;
			return 1;
		}
	}
	return 0;
}

sg_err import_normalise(const struct import_col *c, const struct sheet_cell *cell,
			struct buf *out, const char **code, char *msg, size_t msglen)
{
	const char *s = cell->ptr;
	size_t n = cell->len;
	char date[11];
	const char *w;

	buf_reset(out);
	*code = NULL;
	trim(&s, &n);
	if (n == 0) {
		buf_addstr(out, "");
		return SG_OK;
	}
	switch (c->type) {
	case IMPORT_TEXT:
		buf_add(out, s, n);
		break;
	case IMPORT_CODE:
		if (cell->type == SHEET_CELL_NUMBER &&
		    ((cell->raw && strpbrk(cell->raw, "eE.")) || n > 15)) {
			*code = "number_lost_digits";
			snprintf(msg, msglen, "「%s」被Excel存成了数字（%s），末几位已丢失："
				 "请把该列设为文本后重新输入", c->header,
				 cell->raw ? cell->raw : cell->ptr);
			return SG_ERR_INVALID;
		}
		for (size_t i = 0; i < n; i++)
			buf_addch(out, (char)(s[i] == 'x' ? 'X' : s[i]));
		break;
	case IMPORT_DATE:
		if (parse_date(s, n, date) != 0) {
			*code = "invalid";
			snprintf(msg, msglen, "「%s」不是日期（应为 YYYY-MM-DD，如 2019-06-16）",
				 c->header);
			return SG_ERR_INVALID;
		}
		buf_addstr(out, date);
		break;
	case IMPORT_INT:
		if (strspn(s, "0123456789") < n || n > 18) {
			*code = "invalid";
			snprintf(msg, msglen, "「%s」应为整数（不带逗号或小数）", c->header);
			return SG_ERR_INVALID;
		}
		buf_add(out, s, n);
		break;
	case IMPORT_BOOL:
		if (header_is(s, n, "是") || header_is(s, n, "true") || header_is(s, n, "yes") ||
		    header_is(s, n, "1") || header_is(s, n, "y")) {
			buf_addstr(out, "1");
		} else if (header_is(s, n, "否") || header_is(s, n, "false") ||
			   header_is(s, n, "no") || header_is(s, n, "0") || header_is(s, n, "n")) {
			buf_addstr(out, "0");
		} else {
			*code = "invalid";
			snprintf(msg, msglen, "「%s」应为 是 或 否", c->header);
			return SG_ERR_INVALID;
		}
		break;
	case IMPORT_WORD:
		if (!(w = word_of(c->words, s, n))) {
			*code = "unknown_word";
			snprintf(msg, msglen, "「%s」的取值「%.*s」不在可选范围内", c->header,
				 (int)(n > 60 ? 60 : n), s);
			return SG_ERR_INVALID;
		}
		buf_addstr(out, w);
		break;
	case IMPORT_WORDS: {
		size_t i = 0, start = 0, seplen = 0;

		while (i <= n) {
			if (i == n || is_sep(s + i, n - i, &seplen)) {
				const char *p = s + start;
				size_t l = i - start;

				trim(&p, &l);
				if (l) {
					if (!(w = word_of(c->words, p, l))) {
						*code = "unknown_word";
						snprintf(msg, msglen, "「%s」的取值「%.*s」不在可选范围内",
							 c->header, (int)(l > 60 ? 60 : l), p);
						return SG_ERR_INVALID;
					}
					if (out->len)
						buf_addch(out, ';');
					buf_addstr(out, w);
				}
				if (i == n)
					break;
				i += seplen;
				start = i;
			} else {
				i++;
			}
		}
		break;
	}
	}
	if (out->err) {
		*code = "too_long";
		snprintf(msg, msglen, "「%s」过长", c->header);
		return SG_ERR_INVALID;
	}
	return SG_OK;
}

/* ---- results --------------------------------------------------------------- */

void import_result_release(struct import_result *r)
{
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i].value);
	for (size_t i = 0; i < r->nrejects; i++)
		free(r->rejects[i].cells_json);
	free(r->problems);
	free(r->rejects);
	free(r->headers_json);
	memset(r, 0, sizeof(*r));
}

static const struct {
	const char *code, *zh;
} messages[] = {
	{ "required", "必填" },
	{ "invalid", "格式或取值不正确" },
	{ "unknown", "不存在或不在您的管辖范围内" },
	{ "duplicate", "已被其他记录使用（或属于您管辖范围外的记录）" },
	{ "mismatch", "与身份证号不一致" },
	{ "future", "晚于今天" },
	{ "too_long", "过长" },
	{ "level", "区划级别不符（须为县、乡镇街道或村社区代码）" },
	{ "requires_qualification", "登记须同时填写职业水平证书" },
	{ "checksum", "校验位不正确" },
	{ "wrong_level", "区划层级与站点层级不符（指导中心填 6 位县级代码，社工站 9 位，社工室 12 位；"
			 "社区岗位填 12 位代码）" },
	{ "taken", "该区划已有运营中的站点（确需增设请填写增设理由）" },
	{ "exceeds_staff", "驻站社工数不能超过工作人员数" },
	{ "range", "超出允许范围" },
	{ "not_allowed", "不在可选范围内" },
	{ "filled", "该岗位已有其他在岗社工" },
	{ "holds_post", "该社工已在其他岗位任职" },
	{ "inactive", "该社工不在职" },
	{ "overlap", "上岗日期早于上一任的离岗日期" },
};

static const char *message_zh(const char *code)
{
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (!strcmp(messages[i].code, code))
			return messages[i].zh;
	return "不符合要求";
}

static char *dup_text(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

static int add_problem(struct import_result *r, uint64_t row, const char *column,
		       const char *value, const char *code, const char *message)
{
	struct import_problem *p;

	if (r->nproblems >= IMPORT_PROBLEMS_MAX) {
		r->problems_dropped++;
		return 0;
	}
	if (r->nproblems == r->cap_problems) {
		size_t cap = r->cap_problems ? r->cap_problems * 2 : 64;
		void *np = realloc(r->problems, cap * sizeof(*r->problems));

		if (!np)
			return -1;
		r->problems = np;
		r->cap_problems = cap;
	}
	p = &r->problems[r->nproblems];
	memset(p, 0, sizeof(*p));
	p->row = row;
	util_strlcpy(p->column, column, sizeof(p->column));
	util_strlcpy(p->code, code, sizeof(p->code));
	util_strlcpy(p->message, message, sizeof(p->message));
	if (!(p->value = dup_text(value ? value : "")))
		return -1;
	r->nproblems++;
	return 0;
}

static char *cells_json(const struct sheet_row *row)
{
	struct buf b = BUF_INIT(1u << 20);
	struct json_writer jw;

	jw_init(&jw, &b);
	jw_arr_begin(&jw);
	for (size_t i = 0; i < row->ncells; i++)
		jw_strn(&jw, row->cells[i].ptr, row->cells[i].len);
	jw_arr_end(&jw);
	if (jw_finish(&jw)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int add_reject(struct import_result *r, const struct sheet_row *row)
{
	if (r->nrejects >= IMPORT_PROBLEMS_MAX)
		return 0;
	if (r->nrejects == r->cap_rejects) {
		size_t cap = r->cap_rejects ? r->cap_rejects * 2 : 64;
		void *np = realloc(r->rejects, cap * sizeof(*r->rejects));

		if (!np)
			return -1;
		r->rejects = np;
		r->cap_rejects = cap;
	}
	r->rejects[r->nrejects].row = row->number;
	if (!(r->rejects[r->nrejects].cells_json = cells_json(row)))
		return -1;
	r->nrejects++;
	return 0;
}

void import_result_json(const struct import_result *r, const char *kind,
			const struct import_options *opt, struct buf *out)
{
	struct json_writer jw;

	jw_init(&jw, out);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", kind);
	jw_kv_str(&jw, "mode", import_mode_name(opt->mode));
	jw_kv_str(&jw, "file_name", opt->file_name ? opt->file_name : "");
	jw_kv_int(&jw, "rows", r->rows);
	jw_kv_int(&jw, "inserted", r->inserted);
	jw_kv_int(&jw, "updated", r->updated);
	jw_kv_int(&jw, "unchanged", r->unchanged);
	jw_kv_int(&jw, "rejected", r->rejected);
	jw_kv_bool(&jw, "rolled_back", r->rolled_back);
	jw_kv_int(&jw, "problems_total", (int64_t)r->nproblems + r->problems_dropped);
	jw_key(&jw, "problems");
	jw_arr_begin(&jw);
	for (size_t i = 0; i < r->nproblems && i < 100; i++) {
		const struct import_problem *p = &r->problems[i];

		jw_obj_begin(&jw);
		jw_kv_int(&jw, "row", (int64_t)p->row);
		jw_kv_str(&jw, "column", p->column);
		jw_kv_str(&jw, "value", p->value);
		jw_kv_str(&jw, "code", p->code);
		jw_kv_str(&jw, "message", p->message);
		jw_obj_end(&jw);
	}
	jw_arr_end(&jw);
	jw_obj_end(&jw);
	jw_finish(&jw);
}

/* ---- the run ---------------------------------------------------------------- */

struct run {
	db_t *db;
	const struct actor *who;
	const struct import_kind *k;
	const struct import_options *opt;
	struct import_result *r;
	int *map;               /* file cell → column */
	size_t nmap;
	int *cell_of;           /* column → file cell, -1 absent */
	char **header_of;       /* column → header as written */
	struct buf *vals;
	const char **v;
	int in_tx;
	int64_t batch;
	int64_t mark;           /* the kind's batch_begin mark */
};

static const char *column_header(const struct run *ru, int col)
{
	return col >= 0 && ru->header_of[col] ? ru->header_of[col] : "";
}

static int col_by_field(const struct import_kind *k, const char *field)
{
	size_t n = strcspn(field, "[");

	for (size_t c = 0; c < k->ncols; c++)
		if (strlen(k->cols[c].name) == n && !memcmp(k->cols[c].name, field, n))
			return (int)c;
	return -1;
}

static const char *cell_text(const struct run *ru, const struct sheet_row *row, int col)
{
	int i = col >= 0 ? ru->cell_of[col] : -1;

	return i >= 0 && (size_t)i < row->ncells ? row->cells[i].ptr : "";
}

static void rollback(struct run *ru)
{
	if (ru->in_tx)
		db_rollback(ru->db);
	ru->in_tx = 0;
}

static sg_err begin(struct run *ru, struct err_report *er)
{
	int rc;

	if (ru->in_tx)
		return SG_OK;
	if ((rc = db_begin(ru->db)) != 0)
		return db_fail(ru->db, rc, er);
	ru->in_tx = 1;
	ru->batch = 0;
	if (ru->k->batch_begin && ru->k->batch_begin(ru->db, &ru->mark, er) != SG_OK) {
		rollback(ru);
		return er->code;
	}
	return SG_OK;
}

static sg_err audit_import(struct run *ru, const char *outcome, struct err_report *er)
{
	struct buf details = BUF_INIT(4096);
	struct json_writer jw;
	struct audit_entry e = {
		.object_type = "import",
		.object_id = ru->k->name,
		.outcome = outcome,
	};
	char action[64];
	sg_err code;

	snprintf(action, sizeof(action), "import.%s", ru->k->name);
	e.action = action;
	jw_init(&jw, &details);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", ru->k->name);
	jw_kv_str(&jw, "file_name", ru->opt->file_name ? ru->opt->file_name : "");
	jw_kv_str(&jw, "mode", import_mode_name(ru->opt->mode));
	jw_kv_int(&jw, "rows", ru->r->rows);
	jw_kv_int(&jw, "inserted", ru->r->inserted);
	jw_kv_int(&jw, "updated", ru->r->updated);
	jw_kv_int(&jw, "unchanged", ru->r->unchanged);
	jw_kv_int(&jw, "rejected", ru->r->rejected);
	jw_obj_end(&jw);
	if (jw_finish(&jw)) {
		buf_release(&details);
		return err_set(er, SG_ERR_NOMEM, "audit details too long");
	}
	e.details_json = buf_cstr(&details);
	code = audit_append(ru->db, ru->who, &e, er);
	buf_release(&details);
	return code;
}

static sg_err commit(struct run *ru, struct err_report *er)
{
	int rc;

	if (!ru->in_tx)
		return SG_OK;
	if (ru->k->batch_end && ru->k->batch_end(ru->db, ru->mark, er) != SG_OK) {
		rollback(ru);
		return er->code;
	}
	ru->in_tx = 0;
	if ((rc = db_commit(ru->db)) != 0) {
		db_rollback(ru->db);
		return db_fail(ru->db, rc, er);
	}
	return SG_OK;
}

/* Turn a row function's field errors into problems under the file's headers. */
static int report_fields(struct run *ru, const struct sheet_row *row,
			 const struct err_report *rer)
{
	if (rer->nfields == 0)
		return add_problem(ru->r, row->number, "", "", err_name(rer->code),
				   rer->detail);
	for (size_t i = 0; i < rer->nfields; i++) {
		const struct err_field *f = &rer->fields[i];
		int col = col_by_field(ru->k, f->field);
		char msg[IMPORT_MESSAGE_SIZE];
		const char *hdr = col >= 0 ? ru->k->cols[col].header : f->field;

		snprintf(msg, sizeof(msg), "「%s」%s（%s）", hdr, message_zh(f->code),
			 f->message);
		if (add_problem(ru->r, row->number, col >= 0 ? column_header(ru, col) : f->field,
				cell_text(ru, row, col), f->code, msg) != 0)
			return -1;
	}
	return 0;
}

static int row_empty(const struct sheet_row *row)
{
	for (size_t i = 0; i < row->ncells; i++) {
		const char *s = row->cells[i].ptr;
		size_t n = row->cells[i].len;

		trim(&s, &n);
		if (n)
			return 0;
	}
	return 1;
}

static int notes_row(const struct sheet_row *row)
{
	int any = 0;

	for (size_t i = 0; i < row->ncells; i++) {
		if (!row->cells[i].len)
			continue;
		if (strncmp(row->cells[i].ptr, "【说明】", strlen("【说明】")))
			return 0;
		any = 1;
	}
	return any;
}

/* One data row: normalise, call the kind, count. SG_OK unless the import must stop. */
static sg_err do_row(struct run *ru, const struct sheet_row *row, struct err_report *er)
{
	struct err_report rer = ERR_REPORT_INIT;
	int bad = 0, outcome = 0, rc, sp = ru->opt->mode == IMPORT_SKIP_INVALID;
	sg_err code;

	ru->r->rows++;
	for (size_t c = 0; c < ru->k->ncols; c++)
		ru->v[c] = NULL;
	for (size_t i = 0; i < row->ncells && i < ru->nmap; i++) {
		int c = ru->map[i];
		const char *pcode;
		char msg[IMPORT_MESSAGE_SIZE];

		if (c < 0)
			continue;
		if (import_normalise(&ru->k->cols[c], &row->cells[i], &ru->vals[c], &pcode,
				     msg, sizeof(msg)) != SG_OK) {
			if (add_problem(ru->r, row->number, column_header(ru, c),
					row->cells[i].ptr, pcode, msg) != 0)
				return err_set(er, SG_ERR_NOMEM, "out of memory");
			bad = 1;
			continue;
		}
		ru->v[c] = nonempty(buf_cstr(&ru->vals[c]));
	}
	for (size_t c = 0; c < ru->k->ncols; c++) {
		char msg[IMPORT_MESSAGE_SIZE];

		if (!(ru->k->cols[c].flags & IMPORT_REQUIRED) || ru->v[c] || bad)
			continue;
		snprintf(msg, sizeof(msg), "「%s」必填", ru->k->cols[c].header);
		if (add_problem(ru->r, row->number, column_header(ru, (int)c), "",
				"required", msg) != 0)
			return err_set(er, SG_ERR_NOMEM, "out of memory");
		bad = 1;
	}
	if (!bad) {
		if ((code = begin(ru, er)) != SG_OK)
			return code;
		if (sp && (rc = db_begin(ru->db)) != 0)
			return db_fail(ru->db, rc, er);
		code = ru->k->row(ru->db, ru->who, ru->v, &outcome, &rer);
		if (code == SG_ERR_INVALID || code == SG_ERR_CONFLICT ||
		    code == SG_ERR_NOT_FOUND || code == SG_ERR_FORBIDDEN) {
			if (sp && (rc = db_rollback(ru->db)) != 0)
				return db_fail(ru->db, rc, er);
			if (code == SG_ERR_FORBIDDEN) {
				*er = rer;
				return code;
			}
			if (report_fields(ru, row, &rer) != 0)
				return err_set(er, SG_ERR_NOMEM, "out of memory");
			bad = 1;
		} else if (code != SG_OK) {
			*er = rer;
			return code;
		} else if (sp && (rc = db_commit(ru->db)) != 0) {
			return db_fail(ru->db, rc, er);
		}
	}
	if (bad) {
		ru->r->rejected++;
		if (add_reject(ru->r, row) != 0)
			return err_set(er, SG_ERR_NOMEM, "out of memory");
		return SG_OK;
	}
	if (outcome == WORKER_UPSERT_INSERTED)
		ru->r->inserted++;
	else if (outcome == WORKER_UPSERT_UPDATED)
		ru->r->updated++;
	else
		ru->r->unchanged++;
	ru->batch++;
	return SG_OK;
}

static char *headers_json(const struct sheet_row *row)
{
	return cells_json(row);
}

static int64_t count_rows(const char *path, const struct sheet_options *so)
{
	struct err_report er = ERR_REPORT_INIT;
	const struct sheet_row *row;
	struct sheet *s = NULL;
	int64_t n = 0;

	if (sheet_open(&s, path, so, &er) != SG_OK)
		return 0;
	while (sheet_next(s, &row, &er) == SG_OK && row)
		n++;
	sheet_close(s);
	return n;
}

/*
 * Every batch rewrites the index pages its rows touch and runs the kind's
 * batch_end once, so the larger a registry grows the more a big file gains
 * from larger batches; a tenth keeps the progress, saved at commits,
 * moving in about ten steps.
 */
int64_t import_batch_rows(int64_t est_total)
{
	int64_t n = est_total / 10;

	return n < IMPORT_BATCH_ROWS ? IMPORT_BATCH_ROWS :
	       n > IMPORT_BATCH_ROWS_MAX ? IMPORT_BATCH_ROWS_MAX : n;
}

sg_err import_run(db_t *db, const struct actor *who, const char *kind,
		  const char *path, const struct import_options *opt,
		  struct import_result *r, struct err_report *er)
{
	struct sheet_options so = SHEET_OPTIONS_INIT;
	const struct import_kind *k = import_kind_find(kind);
	const struct sheet_row *row = NULL;
	struct sheet *s = NULL;
	struct run ru = { .db = db, .who = who, .k = k, .opt = opt, .r = r };
	struct stat stt;
	int64_t total = 0, fsize = 0, est;
	int header_done = 0, notes_possible = 0;
	sg_err code = SG_OK;

	if (!k)
		return err_field(er, "kind", "unknown", "no such import kind: %s",
				 kind ? kind : "");
	if (who->role != ROLE_SYSTEM && !role_in(who->role, k->roles))
		return err_set(er, SG_ERR_FORBIDDEN, "your role (%s) may not import %s",
			       role_name(who->role), k->name);
	so.encoding = opt->encoding;
	so.sheet_name = opt->sheet;
	if (stat(path, &stt) == 0)
		fsize = stt.st_size;
	if ((code = sheet_open(&s, path, &so, er)) != SG_OK)
		return code;
	if (sheet_format_of(s) == SHEET_FORMAT_XLSX)
		total = count_rows(path, &so);

	ru.vals = calloc(k->ncols, sizeof(*ru.vals));
	ru.v = calloc(k->ncols, sizeof(*ru.v));
	ru.cell_of = malloc(k->ncols * sizeof(*ru.cell_of));
	ru.header_of = calloc(k->ncols, sizeof(*ru.header_of));
	if (!ru.vals || !ru.v || !ru.cell_of || !ru.header_of) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < k->ncols; c++) {
		buf_init(&ru.vals[c], VALUE_MAX);
		ru.cell_of[c] = -1;
	}

	for (;;) {
		if ((code = sheet_next(s, &row, er)) != SG_OK)
			goto fail;
		if (!row)
			break;
		if (row_empty(row))
			continue;
		if (!header_done) {
			ru.nmap = row->ncells;
			if (!(ru.map = malloc((row->ncells ? row->ncells : 1) * sizeof(int))) ||
			    !(r->headers_json = headers_json(row))) {
				code = err_set(er, SG_ERR_NOMEM, "out of memory");
				goto fail;
			}
			if ((code = import_map_header(k, row->cells, row->ncells, ru.map, er)) != SG_OK) {
				err_set(er, SG_ERR_INVALID, "%s", er->fields[er->nfields - 1].message);
				goto fail;
			}
			for (size_t i = 0; i < row->ncells; i++) {
				if (ru.map[i] < 0)
					continue;
				ru.cell_of[ru.map[i]] = (int)i;
				if (!(ru.header_of[ru.map[i]] = dup_text(row->cells[i].ptr))) {
					code = err_set(er, SG_ERR_NOMEM, "out of memory");
					goto fail;
				}
			}
			header_done = notes_possible = 1;
			continue;
		}
		if (notes_possible) {
			notes_possible = 0;
			if (notes_row(row))
				continue;
		}
		if (opt->should_stop && opt->should_stop(opt->arg)) {
			code = err_set(er, SG_ERR_IO, "interrupted");
			goto fail;
		}
		if ((code = do_row(&ru, row, er)) != SG_OK)
			goto fail;
		est = total ? total : (row->offset && fsize ?
			(int64_t)((double)r->rows * (double)fsize / (double)row->offset) : 0);
		if (est < r->rows)
			est = r->rows;
		if (opt->mode == IMPORT_SKIP_INVALID && ru.batch >= import_batch_rows(est)) {
			if ((code = commit(&ru, er)) != SG_OK)
				goto fail;
			if (opt->progress)
				opt->progress(r->rows, est, opt->arg);
		}
		if (opt->progress && opt->mode == IMPORT_STRICT && (r->rows % 5000) == 0)
			opt->progress(r->rows, est, opt->arg);
	}
	if (!header_done) {
		code = err_field(er, "header", "missing_header", "文件是空的：没有表头行");
		err_set(er, SG_ERR_INVALID, "文件是空的：没有表头行");
		goto fail;
	}
	if (opt->mode == IMPORT_STRICT && r->rejected) {
		rollback(&ru);
		r->rolled_back = 1;
		r->inserted = r->updated = r->unchanged = 0;
		if ((code = begin(&ru, er)) != SG_OK ||
		    (code = audit_import(&ru, AUDIT_FAILURE, er)) != SG_OK ||
		    (code = commit(&ru, er)) != SG_OK)
			goto fail;
	} else if ((code = begin(&ru, er)) != SG_OK ||
		   (code = audit_import(&ru, AUDIT_SUCCESS, er)) != SG_OK ||
		   (code = commit(&ru, er)) != SG_OK) {
		goto fail;
	}
	if (opt->progress)
		opt->progress(r->rows, r->rows, opt->arg);
	goto out;
fail:
	rollback(&ru);
out:
	sheet_close(s);
	if (ru.vals)
		for (size_t c = 0; c < k->ncols; c++)
			buf_release(&ru.vals[c]);
	if (ru.header_of)
		for (size_t c = 0; c < k->ncols; c++)
			free(ru.header_of[c]);
	free(ru.vals);
	free(ru.v);
	free(ru.cell_of);
	free(ru.header_of);
	free(ru.map);
	return code;
}

/* ---- templates and error reports -------------------------------------------- */

sg_err import_template_write(const char *kind, int format, const char *path,
			     struct err_report *er)
{
	const struct import_kind *k = import_kind_find(kind);
	struct sheetw_column cols[64];
	char headers[64][160], notes_text[64][600];
	const char *notes[64];
	struct sheetw *w = NULL;
	sg_err code;

	if (!k || k->ncols > 64)
		return err_field(er, "kind", "unknown", "no such import kind");
	for (size_t c = 0; c < k->ncols; c++) {
		snprintf(headers[c], sizeof(headers[c]), "%s%s", k->cols[c].header,
			 (k->cols[c].flags & IMPORT_REQUIRED) ? "*" : "");
		snprintf(notes_text[c], sizeof(notes_text[c]), "【说明】%s",
			 k->cols[c].note ? k->cols[c].note : "");
		cols[c].name = k->cols[c].name;
		cols[c].header = headers[c];
		cols[c].is_date = k->cols[c].type == IMPORT_DATE;
		notes[c] = notes_text[c];
	}
	if ((code = sheetw_open(&w, (enum sheetw_format)format, path, k->title, er)) != SG_OK)
		return code;
	if ((code = sheetw_begin(w, cols, k->ncols, notes, 0)) != SG_OK) {
		sheetw_free(w);
		return err_set(er, code, "cannot write the template");
	}
	return sheetw_finish(w, er);
}

#define REPORT_FIXED_COLS 4
#define REPORT_MAX_COLS 64

/* The strings of a JSON array into cells[0..max), "" for others; the count. */
static size_t json_cells(json_t *a, const char **cells, size_t max)
{
	size_t n = 0;

	for (; a && n < json_array_size(a) && n < max; n++) {
		const char *v = json_string_value(json_array_get(a, n));

		cells[n] = v ? v : "";
	}
	return n;
}

sg_err import_errors_write(const char *headers_json, const struct import_problem *p,
			   size_t np, const struct import_reject *rj, size_t nrj,
			   int format, const char *path, struct err_report *er)
{
	static const char *const fixed[REPORT_FIXED_COLS] = { "行号", "列", "值", "问题" };
	struct sheetw_column cols[REPORT_MAX_COLS];
	const char *headers[REPORT_MAX_COLS - REPORT_FIXED_COLS];
	json_t *h = headers_json ? json_loads(headers_json, 0, NULL) : NULL;
	size_t nh = json_cells(h, headers, REPORT_MAX_COLS - REPORT_FIXED_COLS);
	struct sheetw *w = NULL;
	sg_err code;

	memset(cols, 0, sizeof(cols));
	for (size_t c = 0; c < REPORT_FIXED_COLS + nh; c++)
		cols[c].name = cols[c].header = c < REPORT_FIXED_COLS ? fixed[c]
								   : headers[c - REPORT_FIXED_COLS];
	if ((code = sheetw_open(&w, (enum sheetw_format)format, path, "错误报告", er)) != SG_OK)
		goto out;
	if ((code = sheetw_begin(w, cols, REPORT_FIXED_COLS + nh, NULL, 0)) != SG_OK)
		goto fail;
	/* both lists are in row order: walk them together */
	for (size_t i = 0, j = 0; i < np; i++) {
		const char *cells[REPORT_MAX_COLS] = { 0 };
		json_t *original = NULL;
		char num[24];

		while (j < nrj && rj[j].row < p[i].row)
			j++;
		if (j < nrj && rj[j].row == p[i].row)
			original = json_loads(rj[j].cells_json, 0, NULL);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)p[i].row);
		cells[0] = num;
		cells[1] = p[i].column;
		cells[2] = p[i].value ? p[i].value : "";
		cells[3] = p[i].message;
		json_cells(original, cells + REPORT_FIXED_COLS, nh);
		code = sheetw_row(w, cells);
		json_decref(original);
		if (code != SG_OK)
			goto fail;
	}
	code = sheetw_finish(w, er);
	goto out;
fail:
	sheetw_free(w);
	code = err_set(er, code, "cannot write the error report");
out:
	json_decref(h);
	return code;
}
