/*
 * sheet.c: the CSV and XLSX readers behind sheet.h.
 *
 * CSV: a file is mapped, not copied, checked for encoding once, converted
 * to UTF-8 with iconv when it is GB18030 (that copy is on the heap), then
 * fed to libcsv one physical line at a time so that a record
 * is complete after at most a few feeds and we know its line number and
 * byte offset without a second scan.
 *
 * XLSX: libzip opens the archive after the entry list has been checked
 * (count, names, declared sizes and ratios). The small parts (workbook,
 * relationships, styles, shared strings) are read whole; the worksheet is
 * parsed by expat in 64 KiB chunks and the parser is suspended at each
 * </row>, so memory stays flat however many rows the sheet has. Every
 * byte inflated is counted against max_unzipped_bytes, because declared
 * sizes in a hostile zip can lie.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "sheet.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include "../core/buf.h"
#include "../core/utf8.h"
#include "../core/banned.h"

#define DEF_FILE_BYTES (200ull << 20)
#define DEF_UNZIPPED (1ull << 30)
#define DEF_RATIO 200u
#define DEF_ENTRIES 10000u
#define DEF_ROWS 2000000ull
#define DEF_COLS 1000u
#define DEF_CELL 32768u
#define XML_CHUNK 65536

struct sst {
	struct buf text;  /* all strings, each NUL-terminated */
	size_t *off;
	size_t n, alloc;
};

struct sheet {
	struct sheet *self;      /* first: expat user data starts with a sheet pointer */
	XML_Parser curp;         /* the parser running now, for refusals */
	enum sheet_format format;
	enum sheet_encoding enc;
	struct sheet_limits lim;
	char error[512];
	int failed;
	uint64_t rows_out;

	/* the row handed out */
	struct sheet_row row;
	struct buf cellbuf;      /* cell texts, NUL-separated */
	size_t *celloff;         /* offsets into cellbuf per cell */
	size_t *rawoff;          /* offset of raw text or SIZE_MAX */
	enum sheet_cell_type *celltype;
	size_t cellcap;
	struct sheet_cell *cells;
	size_t cellscap;

	/* CSV */
	unsigned char *filedata; /* owned copy (unused with a mapping) */
	void *map;               /* the file, mapped read-only; NULL if none */
	size_t maplen;
	size_t dropped;          /* bytes of the mapping released so far */
	char *utf8;              /* owned conversion when GB18030 */
	const char *data;
	size_t len, pos;
	uint64_t line;           /* line number at pos, 1-based */
	struct csv_parser csv;
	int csv_ready;
	int csv_fini_done;
	size_t base_off;         /* bytes skipped before data (a BOM) */
	int row_done;
	uint64_t rec_line, rec_off;
	int rec_started;
	int cb_err;              /* sg_err raised inside libcsv callbacks */

	/* XLSX */
	zip_source_t *zsrc;
	zip_t *zip;
	uint64_t unzipped;
	int date1904;
	unsigned char *datexf;   /* per cellXfs index: 1 if date-styled */
	size_t ndatexf;
	struct sst sst;
	char **names;
	char **targets;          /* per sheet: entry path */
	size_t nsheets;
	zip_file_t *zf;
	zip_int64_t zf_index;
	XML_Parser xp;
	int xp_suspended;
	int xp_eof;
	char chunk[XML_CHUNK];
	/* sheet XML parse state */
	int in_row, in_cell, in_v, in_is_t, in_is;
	uint64_t cur_row, last_row;
	long cur_col, last_col, max_col;
	char cur_t[16];
	long cur_s;
	struct buf val;
	int row_ready;
};

/* File-level refusals are shown to clerks: Chinese first, the English in brackets. */
#define NOT_A_SHEET "不是 XLSX 或 CSV 文件（not an XLSX or CSV file）"
#define TOO_LARGE_UNPACKED "XLSX 解压后超过 %llu 字节，疑为压缩炸弹，已拒绝" \
	"（XLSX unpacks to more than %llu bytes）"

static void sfail(struct sheet *s, struct err_report *er, sg_err code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void sfail(struct sheet *s, struct err_report *er, sg_err code,
		  const char *fmt, ...)
{
	va_list ap;
	if (s->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	s->failed = code;
	if (er)
		err_set(er, code, "%s", s->error);
}

static sg_err sret(struct sheet *s, struct err_report *er)
{
	if (er && s->failed && er->code == SG_OK)
		err_set(er, (sg_err)s->failed, "%s", s->error);
	return (sg_err)s->failed;
}

/* ---------------------------------------------------------------- helpers */

static void days_to_ymd(long z, int *y, unsigned *m, unsigned *d)
{
	/* Howard Hinnant's civil_from_days; z = days since 1970-01-01 */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

int sheet_serial_to_iso(double serial, int date1904, char *out, size_t outlen)
{
	if (!(serial >= 0) || serial > 2958465.99999)
		return -1;
	long day = (long)floor(serial);
	long secs = lround((serial - (double)day) * 86400.0);
	if (secs >= 86400) {
		day++;
		secs -= 86400;
	}
	int y;
	unsigned m, d;
	if (!date1904 && day == 60) {
		y = 1900; m = 2; d = 29; /* Excel's fictitious leap day */
	} else {
		/* 1900: serial 1 = 1900-01-01 (day -25567 from epoch); after the
		 * fake leap day every serial is one too high. 1904: 0 = 1904-01-01. */
		long epoch_days;
		if (date1904)
			epoch_days = -24107 + day;
		else
			epoch_days = -25568 + day - (day > 60 ? 1 : 0);
		days_to_ymd(epoch_days, &y, &m, &d);
	}
	if (y > 9999)
		return -1;
	if (secs)
		snprintf(out, outlen, "%04d-%02u-%02uT%02ld:%02ld:%02ld", y, m, d,
			 secs / 3600, secs / 60 % 60, secs % 60);
	else
		snprintf(out, outlen, "%04d-%02u-%02u", y, m, d);
	return 0;
}

void sheet_format_number(double v, char *out, size_t outlen)
{
	char e[40];
	int p;
	if (!isfinite(v)) {
		snprintf(out, outlen, "%s", isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (v == 0) {
		snprintf(out, outlen, "0");
		return;
	}
	for (p = 1; p < 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", p - 1, v);
	/* e = [-]d[.ddd]e±XX: rebuild without exponent */
	char digits[24];
	size_t nd = 0;
	const char *q = e;
	int neg = 0;
	if (*q == '-') {
		neg = 1;
		q++;
	}
	for (; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9' && nd < sizeof(digits) - 1)
			digits[nd++] = *q;
	digits[nd] = '\0';
	long ex = strtol(q + 1, NULL, 10);
	if (ex >= 21 || ex < -7) {
		snprintf(out, outlen, "%.17g", v);
		return;
	}
	struct buf b = BUF_INIT(64);
	if (neg)
		buf_addch(&b, '-');
	long point = ex + 1; /* digits before the decimal point */
	if (point <= 0) {
		buf_addstr(&b, "0.");
		for (long i = 0; i < -point; i++)
			buf_addch(&b, '0');
		buf_addstr(&b, digits);
	} else if ((size_t)point >= nd) {
		buf_addstr(&b, digits);
		for (long i = (long)nd; i < point; i++)
			buf_addch(&b, '0');
	} else {
		buf_add(&b, digits, (size_t)point);
		buf_addch(&b, '.');
		buf_addstr(&b, digits + point);
	}
	snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_release(&b);
}

static void limits_default(struct sheet_limits *l)
{
	if (!l->max_file_bytes) l->max_file_bytes = DEF_FILE_BYTES;
	if (!l->max_unzipped_bytes) l->max_unzipped_bytes = DEF_UNZIPPED;
	if (!l->max_ratio) l->max_ratio = DEF_RATIO;
	if (!l->max_entries) l->max_entries = DEF_ENTRIES;
	if (!l->max_rows) l->max_rows = DEF_ROWS;
	if (!l->max_cols) l->max_cols = DEF_COLS;
	if (!l->max_cell_bytes) l->max_cell_bytes = DEF_CELL;
}

/* Row under construction: cells are appended in column order. */
static int row_reserve(struct sheet *s, size_t n)
{
	if (n <= s->cellcap)
		return 0;
	size_t cap = s->cellcap ? s->cellcap : 16;
	while (cap < n)
		cap *= 2;
	size_t *o = realloc(s->celloff, cap * sizeof(*o));
	if (!o) return -1;
	s->celloff = o;
	o = realloc(s->rawoff, cap * sizeof(*o));
	if (!o) return -1;
	s->rawoff = o;
	enum sheet_cell_type *t = realloc(s->celltype, cap * sizeof(*t));
	if (!t) return -1;
	s->celltype = t;
	s->cellcap = cap;
	return 0;
}

static void row_reset(struct sheet *s)
{
	buf_reset(&s->cellbuf);
	s->row.ncells = 0;
}

/* Append a cell; raw may be NULL. Returns 0 or sets the failure. */
static int row_add(struct sheet *s, const char *p, size_t len,
		   enum sheet_cell_type t, const char *raw)
{
	size_t i = s->row.ncells;
	if (i >= s->lim.max_cols) {
		sfail(s, NULL, SG_ERR_TOO_LARGE, "row %llu: more than %u columns",
		      (unsigned long long)s->row.number, s->lim.max_cols);
		return -1;
	}
	if (len > s->lim.max_cell_bytes) {
		sfail(s, NULL, SG_ERR_TOO_LARGE,
		      "row %llu, column %zu: cell longer than %u bytes",
		      (unsigned long long)s->row.number, i + 1, s->lim.max_cell_bytes);
		return -1;
	}
	if (row_reserve(s, i + 1) < 0) {
		sfail(s, NULL, SG_ERR_NOMEM, "out of memory");
		return -1;
	}
	s->celloff[i] = s->cellbuf.len;
	buf_add(&s->cellbuf, p, len);
	buf_addch(&s->cellbuf, '\0');
	if (raw) {
		s->rawoff[i] = s->cellbuf.len;
		buf_addstr(&s->cellbuf, raw);
		buf_addch(&s->cellbuf, '\0');
	} else {
		s->rawoff[i] = SIZE_MAX;
	}
	s->celltype[i] = len ? t : SHEET_CELL_EMPTY;
	if (s->cellbuf.err) {
		sfail(s, NULL, SG_ERR_NOMEM, "out of memory");
		return -1;
	}
	s->row.ncells = i + 1;
	return 0;
}

/* Point the public cells at the finished row's texts. */
static int row_publish(struct sheet *s)
{
	size_t n = s->row.ncells;
	if (n > s->cellscap) {
		struct sheet_cell *c = realloc(s->cells, n * sizeof(*c));
		if (!c) {
			sfail(s, NULL, SG_ERR_NOMEM, "out of memory");
			return -1;
		}
		s->cells = c;
		s->cellscap = n;
	}
	for (size_t i = 0; i < n; i++) {
		s->cells[i].ptr = s->cellbuf.ptr + s->celloff[i];
		s->cells[i].len = strlen(s->cells[i].ptr);
		s->cells[i].type = s->celltype[i];
		s->cells[i].raw = s->rawoff[i] == SIZE_MAX ? NULL : s->cellbuf.ptr + s->rawoff[i];
	}
	s->row.cells = s->cells;
	if (++s->rows_out > s->lim.max_rows) {
		sfail(s, NULL, SG_ERR_TOO_LARGE, "more than %llu rows",
		      (unsigned long long)s->lim.max_rows);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------------- CSV */

static uint64_t line_of(const char *d, size_t off)
{
	uint64_t l = 1;
	for (size_t i = 0; i < off; i++)
		if (d[i] == '\n')
			l++;
	return l;
}

static void csv_field_cb(void *p, size_t len, void *ctx)
{
	struct sheet *s = ctx;
	if (s->failed)
		return;
	row_add(s, p ? p : "", p ? len : 0, SHEET_CELL_STRING, NULL);
}

static void csv_row_cb(int c, void *ctx)
{
	struct sheet *s = ctx;
	(void)c;
	s->row_done = 1;
}

#define DROP_STEP (8u << 20)

/* Give back the mapped pages before p (they refault from the file if read again). */
static void drop_before(struct sheet *s, const char *p)
{
	if (!s->map || p < (const char *)s->map || p > (const char *)s->map + s->maplen)
		return;
	size_t done = (size_t)(p - (const char *)s->map);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto = done / page * page;
	if (upto > s->dropped) {
		madvise(s->map, upto, MADV_DONTNEED);
		s->dropped = upto;
	}
}

/* After parsing a line: release the map every DROP_STEP bytes. */
static void release_parsed(struct sheet *s)
{
	if (s->map && !s->utf8 &&
	    (size_t)(s->data + s->pos - (const char *)s->map) >= s->dropped + DROP_STEP)
		drop_before(s, s->data + s->pos);
}

/*
 * utf8_invalid_at() (and a search for NUL bytes: binary files) in
 * DROP_STEP pieces, releasing the map behind us, so the detection pass
 * does not make the whole file resident. A character cut by a piece's end
 * is checked again from its start.
 */
static size_t utf8_scan(struct sheet *s, const char *d, size_t n, int *has_nul)
{
	size_t off = 0;
	while (off < n) {
		size_t len = n - off < DROP_STEP ? n - off : DROP_STEP;
		if (memchr(d + off, '\0', len))
			*has_nul = 1;
		size_t bad = utf8_invalid_at(d + off, len);
		size_t next = off + len;
		if (bad < len) {
			if (off + len == n || len - bad >= 4)
				return off + bad;
			next = off + bad;
		}
		drop_before(s, d + next);
		off = next;
	}
	s->dropped = 0; /* parsing starts over from the beginning */
	return n;
}

static sg_err csv_setup(struct sheet *s, enum sheet_encoding want, struct err_report *er)
{
	const char *d = s->data;
	size_t n = s->len;
	if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
		d += 3;
		n -= 3;
		if (want == SHEET_ENC_AUTO)
			want = SHEET_ENC_UTF8;
	}
	int has_nul = 0;
	size_t bad = utf8_scan(s, d, n, &has_nul);
	if (has_nul) {
		sfail(s, er, SG_ERR_MALFORMED, NOT_A_SHEET);
		return sret(s, er);
	}
	if (want == SHEET_ENC_AUTO)
		want = bad == n ? SHEET_ENC_UTF8 : SHEET_ENC_GB18030;
	if (want == SHEET_ENC_UTF8) {
		if (bad != n) {
			size_t off = (size_t)(d - s->data) + bad;
			sfail(s, er, SG_ERR_MALFORMED,
			      "第 %llu 行：第 %zu 字节不是有效的 UTF-8"
			      "（row %llu: invalid UTF-8 at byte offset %zu）",
			      (unsigned long long)line_of(s->data, off), off,
			      (unsigned long long)line_of(s->data, off), off);
			return sret(s, er);
		}
	} else {
		/* GB18030 is at most 4 bytes to at most 4 UTF-8 bytes, but a
		 * 2-byte character can grow to 3: 2x is a safe ceiling. */
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		if (cd == (iconv_t)-1) {
			sfail(s, er, SG_ERR_INTERNAL, "iconv: GB18030 not available");
			return sret(s, er);
		}
		size_t cap = n * 2 + 4;
		s->utf8 = malloc(cap);
		if (!s->utf8) {
			iconv_close(cd);
			sfail(s, er, SG_ERR_NOMEM, "out of memory");
			return sret(s, er);
		}
		char *in = (char *)d, *outp = s->utf8;
		size_t inleft = n, outleft = cap;
		size_t r = iconv(cd, &in, &inleft, &outp, &outleft);
		int e = errno;
		iconv_close(cd);
		if (r == (size_t)-1 || inleft) {
			size_t off = (size_t)(in - s->data);
			sfail(s, er, SG_ERR_MALFORMED,
			      "第 %llu 行：第 %zu 字节起既不是 UTF-8 也不是 GB18030"
			      "（row %llu: bytes at offset %zu are neither UTF-8 nor GB18030%s）",
			      (unsigned long long)line_of(s->data, off), off,
			      (unsigned long long)line_of(s->data, off), off,
			      e == EINVAL ? ", truncated character" : "");
			return sret(s, er);
		}
		d = s->utf8;
		n = (size_t)(outp - s->utf8);
		if (memchr(d, '\0', n)) {
			sfail(s, er, SG_ERR_MALFORMED, NOT_A_SHEET);
			return sret(s, er);
		}
		if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
			d += 3;
			n -= 3;
		}
	}
	s->enc = want;
	s->base_off = (size_t)(d - (s->utf8 ? s->utf8 : s->data));
	s->data = d;
	s->len = n;
	s->pos = 0;
	s->line = 1;
	if (csv_init(&s->csv, 0) != 0) {
		sfail(s, er, SG_ERR_NOMEM, "out of memory");
		return sret(s, er);
	}
	s->csv_ready = 1;
	return SG_OK;
}

static sg_err csv_next(struct sheet *s, const struct sheet_row **out, struct err_report *er)
{
	row_reset(s);
	s->row_done = 0;
	s->rec_started = 0;
	while (!s->row_done) {
		if (s->pos >= s->len) {
			/* csv_fini flushes a last record that has no newline */
			if (!s->csv_fini_done) {
				s->csv_fini_done = 1;
				csv_fini(&s->csv, csv_field_cb, csv_row_cb, s);
			}
			if (s->failed)
				return sret(s, er);
			if (!s->row_done) {
				*out = NULL;
				return SG_OK;
			}
			break;
		}
		const char *nl = memchr(s->data + s->pos, '\n', s->len - s->pos);
		size_t end = nl ? (size_t)(nl - s->data) + 1 : s->len;
		if (!s->rec_started) {
			s->rec_started = 1;
			s->rec_line = s->line;
			s->rec_off = s->pos + s->base_off;
			s->row.number = s->line;
		}
		size_t n = end - s->pos;
		if (csv_parse(&s->csv, s->data + s->pos, n, csv_field_cb, csv_row_cb, s) != n) {
			sfail(s, er, SG_ERR_MALFORMED, "row %llu: %s",
			      (unsigned long long)s->rec_line, csv_strerror(csv_error(&s->csv)));
			return sret(s, er);
		}
		s->pos = end;
		if (nl)
			s->line++;
		release_parsed(s);
		if (s->failed)
			return sret(s, er);
		/* A blank line is a record with no fields for us, not for libcsv. */
		if (!s->row_done && n > 0 && s->csv.status == 0 && s->csv.pstate == 0 &&
		    (n == 1 || (n == 2 && s->data[end - 2] == '\r')))
			s->row_done = 1;
	}
	s->row.number = s->rec_line;
	s->row.offset = s->rec_off;
	if (row_publish(s) < 0)
		return sret(s, er);
	*out = &s->row;
	return SG_OK;
}

/* ------------------------------------------------------------------- XLSX */

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(local_name(a[0]), name) == 0)
			return a[1];
	return NULL;
}

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
				   const XML_Char *pub, int has_internal)
{
	struct sheet *s = *(struct sheet **)ud;
	(void)name; (void)sys; (void)pub; (void)has_internal;
	sfail(s, NULL, SG_ERR_MALFORMED, "XLSX 含 DOCTYPE 声明，已拒绝（XLSX part has a DOCTYPE declaration; refused）");
	XML_StopParser(s->curp, XML_FALSE);
}

static void XMLCALL refuse_entity(void *ud, const XML_Char *name, int pe,
				  const XML_Char *v, int vl, const XML_Char *base,
				  const XML_Char *sys, const XML_Char *pub, const XML_Char *nn)
{
	struct sheet *s = *(struct sheet **)ud;
	(void)name; (void)pe; (void)v; (void)vl; (void)base; (void)sys; (void)pub; (void)nn;
	sfail(s, NULL, SG_ERR_MALFORMED, "XLSX 声明了实体，已拒绝（XLSX part declares an entity; refused）");
	XML_StopParser(s->curp, XML_FALSE);
}

static int XMLCALL refuse_extref(XML_Parser p, const XML_Char *ctx, const XML_Char *base,
				 const XML_Char *sys, const XML_Char *pub)
{
	(void)p; (void)ctx; (void)base; (void)sys; (void)pub;
	return XML_STATUS_ERROR;
}

/* Every parser we create: the user data's first member is the sheet. */
static XML_Parser xml_new(void *ud)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return NULL;
	XML_SetUserData(p, ud);
	(*(struct sheet **)ud)->curp = p;
	XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
	XML_SetEntityDeclHandler(p, refuse_entity);
	XML_SetExternalEntityRefHandler(p, refuse_extref);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

static int path_safe(const char *n)
{
	if (n[0] == '/' || n[0] == '\\' || strchr(n, ':'))
		return 0;
	for (const char *p = n; *p; p++) {
		if (p[0] == '.' && p[1] == '.' && (p == n || p[-1] == '/' || p[-1] == '\\') &&
		    (p[2] == '\0' || p[2] == '/' || p[2] == '\\'))
			return 0;
	}
	return 1;
}

static sg_err zip_check(struct sheet *s, struct err_report *er)
{
	zip_int64_t n = zip_get_num_entries(s->zip, 0);
	if (n < 0 || (uint64_t)n > s->lim.max_entries) {
		sfail(s, er, SG_ERR_TOO_LARGE, "XLSX 的条目超过 %u 个，已拒绝（XLSX has more than %u entries）",
		      s->lim.max_entries, s->lim.max_entries);
		return sret(s, er);
	}
	uint64_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(s->zip, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
			sfail(s, er, SG_ERR_MALFORMED, NOT_A_SHEET);
			return sret(s, er);
		}
		if (!path_safe(st.name)) {
			sfail(s, er, SG_ERR_MALFORMED, "XLSX 条目「%s」的路径不安全，已拒绝（XLSX entry \"%s\" has an unsafe path; refused）",
			      st.name, st.name);
			return sret(s, er);
		}
		total += st.size;
		if (total > s->lim.max_unzipped_bytes) {
			sfail(s, er, SG_ERR_TOO_LARGE, TOO_LARGE_UNPACKED,
			      (unsigned long long)s->lim.max_unzipped_bytes,
			      (unsigned long long)s->lim.max_unzipped_bytes);
			return sret(s, er);
		}
		if (st.size > 65536 && st.size / (st.comp_size ? st.comp_size : 1) > s->lim.max_ratio) {
			sfail(s, er, SG_ERR_TOO_LARGE,
			      "XLSX entry \"%s\" compresses more than %u:1 (zip bomb?)", st.name, s->lim.max_ratio);
			return sret(s, er);
		}
	}
	return SG_OK;
}

/* Read a whole entry into b (counted against the unzip cap); 1 = absent. */
static int zip_read_all(struct sheet *s, const char *name, struct buf *b)
{
	zip_int64_t idx = zip_name_locate(s->zip, name, 0);
	if (idx < 0)
		return 1;
	zip_file_t *f = zip_fopen_index(s->zip, (zip_uint64_t)idx, 0);
	if (!f) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX entry %s cannot be read: %s", name,
		      zip_strerror(s->zip));
		return -1;
	}
	char tmp[XML_CHUNK];
	zip_int64_t r;
	while ((r = zip_fread(f, tmp, sizeof(tmp))) > 0) {
		s->unzipped += (uint64_t)r;
		if (s->unzipped > s->lim.max_unzipped_bytes) {
			zip_fclose(f);
			sfail(s, NULL, SG_ERR_TOO_LARGE, TOO_LARGE_UNPACKED,
			      (unsigned long long)s->lim.max_unzipped_bytes,
			      (unsigned long long)s->lim.max_unzipped_bytes);
			return -1;
		}
		if (buf_add(b, tmp, (size_t)r) != 0) {
			zip_fclose(f);
			sfail(s, NULL, SG_ERR_TOO_LARGE, "XLSX entry %s is too large", name);
			return -1;
		}
	}
	zip_fclose(f);
	if (r < 0) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX entry %s is corrupt", name);
		return -1;
	}
	return 0;
}

static int xml_parse_all(struct sheet *s, XML_Parser p, const struct buf *b, const char *name)
{
	if (XML_Parse(p, b->ptr ? b->ptr : "", (int)b->len, 1) != XML_STATUS_OK) {
		if (!s->failed)
			sfail(s, NULL, SG_ERR_MALFORMED, "XLSX part %s: XML error at line %lu: %s", name,
			      (unsigned long)XML_GetCurrentLineNumber(p),
			      XML_ErrorString(XML_GetErrorCode(p)));
		return -1;
	}
	return s->failed ? -1 : 0;
}

/* workbook.xml and its relationships */
struct wb_ctx {
	struct sheet *s;
	char **rids;
	int oom;
};

static int push_str(char ***arr, size_t n, const char *v)
{
	char **a = realloc(*arr, (n + 1) * sizeof(*a));
	if (!a)
		return -1;
	*arr = a;
	a[n] = strdup(v ? v : "");
	return a[n] ? 0 : -1;
}

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct wb_ctx *c = ud;
	const char *ln = local_name(el);
	if (strcmp(ln, "workbookPr") == 0) {
		const char *v = attr(a, "date1904");
		c->s->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(ln, "sheet") == 0) {
		const char *name = attr(a, "name");
		const char *rid = attr(a, "id");
		size_t n = c->s->nsheets;
		if (push_str(&c->s->names, n, name) || push_str(&c->rids, n, rid) ||
		    push_str(&c->s->targets, n, "")) {
			c->oom = 1;
			return;
		}
		c->s->nsheets++;
	}
}

struct rel_ctx {
	struct sheet *s;
	struct wb_ctx *wb;
	char sst[256], styles[256];
};

static void rel_target(char *out, size_t outlen, const char *t)
{
	if (t[0] == '/')
		snprintf(out, outlen, "%s", t + 1);
	else
		snprintf(out, outlen, "xl/%s", t);
}

static void XMLCALL rel_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct rel_ctx *c = ud;
	if (strcmp(local_name(el), "Relationship") != 0)
		return;
	const char *id = attr(a, "Id"), *t = attr(a, "Target"), *type = attr(a, "Type");
	if (!id || !t || !type)
		return;
	size_t tl = strlen(type);
	if (tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0)
		rel_target(c->sst, sizeof(c->sst), t);
	else if (tl >= 7 && strcmp(type + tl - 7, "/styles") == 0)
		rel_target(c->styles, sizeof(c->styles), t);
	for (size_t i = 0; i < c->s->nsheets; i++) {
		if (strcmp(c->wb->rids[i], id) == 0) {
			char p[512];
			rel_target(p, sizeof(p), t);
			char *d = strdup(p);
			if (!d) {
				c->wb->oom = 1;
				return;
			}
			free(c->s->targets[i]);
			c->s->targets[i] = d;
		}
	}
}

/* styles.xml: which cellXfs entries show a date */
struct st_ctx {
	struct sheet *s;
	int in_cellxfs;
	size_t nfmt;
	long fmtid[512];
	unsigned char fmtdate[512];
	long *xf;
	size_t nxf, axf;
	int oom;
};

static int fmt_is_date(const char *f)
{
	int q = 0, br = 0;
	for (const char *p = f; *p; p++) {
		if (*p == '\\' && p[1]) { p++; continue; }
		if (*p == '"') { q = !q; continue; }
		if (q) continue;
		if (*p == '[') { br = 1; continue; }
		if (*p == ']') { br = 0; continue; }
		if (br) continue;
		if (strchr("ymdhsYMDHS", *p))
			return 1;
	}
	return 0;
}

static int builtin_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) ||
	       (id >= 27 && id <= 36) || (id >= 50 && id <= 58); /* CJK locales */
}

static void XMLCALL st_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct st_ctx *c = ud;
	const char *ln = local_name(el);
	if (strcmp(ln, "numFmt") == 0 && c->nfmt < 512) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (id && code) {
			c->fmtid[c->nfmt] = strtol(id, NULL, 10);
			c->fmtdate[c->nfmt] = (unsigned char)fmt_is_date(code);
			c->nfmt++;
		}
	} else if (strcmp(ln, "cellXfs") == 0) {
		c->in_cellxfs = 1;
	} else if (c->in_cellxfs && strcmp(ln, "xf") == 0) {
		if (c->nxf == c->axf) {
			size_t na = c->axf ? c->axf * 2 : 64;
			long *x = realloc(c->xf, na * sizeof(*x));
			if (!x) { c->oom = 1; return; }
			c->xf = x;
			c->axf = na;
		}
		const char *id = attr(a, "numFmtId");
		c->xf[c->nxf++] = id ? strtol(id, NULL, 10) : 0;
	}
}

static void XMLCALL st_end(void *ud, const XML_Char *el)
{
	struct st_ctx *c = ud;
	if (strcmp(local_name(el), "cellXfs") == 0)
		c->in_cellxfs = 0;
}

/* sharedStrings.xml: <si> holds <t> or rich runs <r><t>; <rPh> is phonetic, skipped */
struct sst_ctx {
	struct sheet *s;
	int in_si, in_t, in_rph;
	int oom;
};

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct sst_ctx *c = ud;
	struct sst *t = &c->s->sst;
	const char *ln = local_name(el);
	(void)a;
	if (strcmp(ln, "si") == 0) {
		if (t->n == t->alloc) {
			size_t na = t->alloc ? t->alloc * 2 : 1024;
			size_t *o = realloc(t->off, na * sizeof(*o));
			if (!o) { c->oom = 1; return; }
			t->off = o;
			t->alloc = na;
		}
		t->off[t->n++] = t->text.len;
		c->in_si = 1;
	} else if (strcmp(ln, "rPh") == 0) {
		c->in_rph = 1;
	} else if (strcmp(ln, "t") == 0 && c->in_si && !c->in_rph) {
		c->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
	struct sst_ctx *c = ud;
	const char *ln = local_name(el);
	if (strcmp(ln, "si") == 0) {
		buf_addch(&c->s->sst.text, '\0');
		c->in_si = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		c->in_rph = 0;
	} else if (strcmp(ln, "t") == 0) {
		c->in_t = 0;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *p, int len)
{
	struct sst_ctx *c = ud;
	if (c->in_t)
		buf_add(&c->s->sst.text, p, (size_t)len);
}

/* worksheet: streaming */
static long col_of_ref(const char *r)
{
	long c = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++) {
		c = c * 26 + (*r - 'A' + 1);
		if (c > 100000)
			return -1;
	}
	return c;
}

static uint64_t row_of_ref(const char *r)
{
	while (*r >= 'A' && *r <= 'Z')
		r++;
	return strtoull(r, NULL, 10);
}

static void XMLCALL ws_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct sheet *s = *(struct sheet **)ud;
	const char *ln = local_name(el);
	if (s->failed)
		return;
	if (strcmp(ln, "row") == 0) {
		const char *r = attr(a, "r");
		s->in_row = 1;
		s->cur_row = r ? strtoull(r, NULL, 10) : s->last_row + 1;
		if (s->cur_row <= s->last_row)
			s->cur_row = s->last_row + 1;
		s->last_col = 0;
		row_reset(s);
		s->row.number = s->cur_row;
	} else if (s->in_row && strcmp(ln, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *st = attr(a, "s");
		long col = r ? col_of_ref(r) : s->last_col + 1;
		if (r && row_of_ref(r) && row_of_ref(r) != s->cur_row)
			col = s->last_col + 1;
		if (col <= s->last_col)
			col = s->last_col + 1;
		if (col < 1 || (unsigned long)col > s->lim.max_cols) {
			sfail(s, NULL, SG_ERR_TOO_LARGE, "row %llu: more than %u columns",
			      (unsigned long long)s->cur_row, s->lim.max_cols);
			XML_StopParser(s->xp, XML_FALSE);
			return;
		}
		s->cur_col = col;
		snprintf(s->cur_t, sizeof(s->cur_t), "%s", t ? t : "n");
		s->cur_s = st ? strtol(st, NULL, 10) : 0;
		s->in_cell = 1;
		buf_reset(&s->val);
	} else if (s->in_cell && strcmp(ln, "v") == 0) {
		s->in_v = 1;
	} else if (s->in_cell && strcmp(ln, "is") == 0) {
		s->in_is = 1;
	} else if (s->in_is && strcmp(ln, "rPh") == 0) {
		s->in_is_t = -1;
	} else if (s->in_is && strcmp(ln, "t") == 0 && s->in_is_t != -1) {
		s->in_is_t = 1;
	}
}

static void cell_finish(struct sheet *s)
{
	/* pad the gap before this cell with empties */
	while ((long)s->row.ncells < s->cur_col - 1)
		if (row_add(s, "", 0, SHEET_CELL_EMPTY, NULL) < 0)
			return;
	const char *v = buf_cstr(&s->val);
	size_t vl = s->val.len;
	const char *t = s->cur_t;
	char tmp[64];
	if (s->val.err) {
		sfail(s, NULL, SG_ERR_TOO_LARGE, "row %llu, column %ld: cell too long",
		      (unsigned long long)s->cur_row, s->cur_col);
		return;
	}
	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long long i = strtoull(v, &end, 10);
		if (end == v || i >= s->sst.n) {
			sfail(s, NULL, SG_ERR_MALFORMED, "row %llu, column %ld: bad shared string index",
			      (unsigned long long)s->cur_row, s->cur_col);
			return;
		}
		const char *p = s->sst.text.ptr + s->sst.off[i];
		row_add(s, p, strlen(p), SHEET_CELL_STRING, NULL);
	} else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
		row_add(s, v, vl, SHEET_CELL_STRING, NULL);
	} else if (strcmp(t, "b") == 0) {
		const char *b = vl == 0 ? "" : strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
		row_add(s, b, strlen(b), SHEET_CELL_BOOL, NULL);
	} else if (strcmp(t, "e") == 0) {
		row_add(s, v, vl, SHEET_CELL_ERROR, NULL);
	} else {
		if (vl == 0) {
			row_add(s, "", 0, SHEET_CELL_EMPTY, NULL);
			return;
		}
		char *end;
		double d = strtod(v, &end);
		if (end == v || *end) {
			sfail(s, NULL, SG_ERR_MALFORMED, "row %llu, column %ld: bad number \"%.40s\"",
			      (unsigned long long)s->cur_row, s->cur_col, v);
			return;
		}
		int isdate = s->cur_s >= 0 && (size_t)s->cur_s < s->ndatexf && s->datexf[s->cur_s];
		if (isdate && sheet_serial_to_iso(d, s->date1904, tmp, sizeof(tmp)) == 0) {
			row_add(s, tmp, strlen(tmp), SHEET_CELL_DATE, v);
		} else {
			sheet_format_number(d, tmp, sizeof(tmp));
			row_add(s, tmp, strlen(tmp), SHEET_CELL_NUMBER, v);
		}
	}
}

static void XMLCALL ws_end(void *ud, const XML_Char *el)
{
	struct sheet *s = *(struct sheet **)ud;
	const char *ln = local_name(el);
	if (s->failed)
		return;
	if (strcmp(ln, "v") == 0) {
		s->in_v = 0;
	} else if (strcmp(ln, "t") == 0) {
		if (s->in_is_t == 1)
			s->in_is_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		s->in_is_t = 0;
	} else if (strcmp(ln, "is") == 0) {
		s->in_is = 0;
	} else if (strcmp(ln, "c") == 0 && s->in_cell) {
		s->in_cell = 0;
		cell_finish(s);
		s->last_col = s->cur_col;
		if (s->failed)
			XML_StopParser(s->xp, XML_FALSE);
	} else if (strcmp(ln, "row") == 0 && s->in_row) {
		s->in_row = 0;
		/* trim trailing empties (formatting-only cells) */
		while (s->row.ncells && s->celltype[s->row.ncells - 1] == SHEET_CELL_EMPTY)
			s->row.ncells--;
		s->last_row = s->cur_row;
		s->row_ready = 1;
		XML_StopParser(s->xp, XML_TRUE);
	}
}

static void XMLCALL ws_text(void *ud, const XML_Char *p, int len)
{
	struct sheet *s = *(struct sheet **)ud;
	if (s->in_v || s->in_is_t == 1) {
		if ((size_t)len + s->val.len > s->lim.max_cell_bytes) {
			s->val.err = SG_ERR_TOO_LARGE;
			return;
		}
		buf_add(&s->val, p, (size_t)len);
	}
}

static sg_err xlsx_setup(struct sheet *s, const void *data, size_t len, const char *sheet_name,
			 struct err_report *er)
{
	zip_error_t ze;
	struct buf b = BUF_INIT(s->lim.max_unzipped_bytes);
	struct wb_ctx wb = { s, NULL, 0 };
	struct rel_ctx rc;
	struct st_ctx *st = NULL;
	struct sst_ctx sc = { s, 0, 0, 0, 0 };
	XML_Parser p = NULL;
	sg_err rv = SG_OK;
	memset(&rc, 0, sizeof(rc));
	rc.s = s;
	rc.wb = &wb;

	zip_error_init(&ze);
	s->zsrc = zip_source_buffer_create(data, len, 0, &ze);
	if (!s->zsrc) {
		sfail(s, er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	s->zip = zip_open_from_source(s->zsrc, ZIP_RDONLY, &ze);
	if (!s->zip) {
		zip_source_free(s->zsrc);
		s->zsrc = NULL;
		sfail(s, er, SG_ERR_MALFORMED, "不是 XLSX 或 CSV 文件（not an XLSX or CSV file: damaged zip: %s）",
		      zip_error_strerror(&ze));
		goto out;
	}
	if (zip_check(s, er) != SG_OK)
		goto out;

	int r = zip_read_all(s, "xl/workbook.xml", &b);
	if (r == 1)
		sfail(s, NULL, SG_ERR_MALFORMED, "不是 XLSX 或 CSV 文件（not an XLSX or CSV file: no xl/workbook.xml）");
	if (r != 0)
		goto out;
	p = xml_new(&wb);
	if (!p) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	XML_SetElementHandler(p, wb_start, NULL);
	if (xml_parse_all(s, p, &b, "xl/workbook.xml") < 0)
		goto out;
	if (wb.oom) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	XML_ParserFree(p);
	p = NULL;
	if (s->nsheets == 0) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX 工作簿中没有工作表（XLSX workbook has no sheets）");
		goto out;
	}

	buf_reset(&b);
	if (zip_read_all(s, "xl/_rels/workbook.xml.rels", &b) != 0) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX has no xl/_rels/workbook.xml.rels");
		goto out;
	}
	p = xml_new(&rc);
	if (!p) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	XML_SetElementHandler(p, rel_start, NULL);
	if (xml_parse_all(s, p, &b, "workbook.xml.rels") < 0)
		goto out;
	if (wb.oom) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	XML_ParserFree(p);
	p = NULL;

	st = calloc(1, sizeof(*st));
	if (!st) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	st->s = s;
	buf_reset(&b);
	r = zip_read_all(s, rc.styles[0] ? rc.styles : "xl/styles.xml", &b);
	if (r < 0)
		goto out;
	if (r == 0) {
		p = xml_new(st);
		if (!p) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
		XML_SetElementHandler(p, st_start, st_end);
		if (xml_parse_all(s, p, &b, "styles.xml") < 0)
			goto out;
		XML_ParserFree(p);
		p = NULL;
		if (st->oom) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
		s->datexf = calloc(st->nxf ? st->nxf : 1, 1);
		if (!s->datexf) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
		s->ndatexf = st->nxf;
		for (size_t i = 0; i < st->nxf; i++) {
			long id = st->xf[i];
			int d = builtin_date(id);
			for (size_t k = 0; k < st->nfmt; k++)
				if (st->fmtid[k] == id)
					d = st->fmtdate[k];
			s->datexf[i] = (unsigned char)d;
		}
	}

	buf_reset(&b);
	r = zip_read_all(s, rc.sst[0] ? rc.sst : "xl/sharedStrings.xml", &b);
	if (r < 0)
		goto out;
	if (r == 0) {
		p = xml_new(&sc);
		if (!p) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
		XML_SetElementHandler(p, sst_start, sst_end);
		XML_SetCharacterDataHandler(p, sst_text);
		if (xml_parse_all(s, p, &b, "sharedStrings.xml") < 0)
			goto out;
		XML_ParserFree(p);
		p = NULL;
		if (sc.oom || s->sst.text.err) { sfail(s, NULL, SG_ERR_NOMEM, "shared strings too large"); goto out; }
	}

	size_t pick = 0;
	if (sheet_name) {
		for (pick = 0; pick < s->nsheets; pick++)
			if (strcmp(s->names[pick], sheet_name) == 0)
				break;
		if (pick == s->nsheets) {
			sfail(s, NULL, SG_ERR_INVALID, "XLSX 中没有名为「%s」的工作表（XLSX has no sheet named \"%s\"）",
			      sheet_name, sheet_name);
			goto out;
		}
	}
	s->zf_index = zip_name_locate(s->zip, s->targets[pick], 0);
	if (s->zf_index < 0) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX sheet \"%s\" has no part", s->names[pick]);
		goto out;
	}
	s->zf = zip_fopen_index(s->zip, (zip_uint64_t)s->zf_index, 0);
	if (!s->zf) {
		sfail(s, NULL, SG_ERR_MALFORMED, "XLSX sheet part cannot be read");
		goto out;
	}
	s->xp = xml_new(s);
	if (!s->xp) { sfail(s, NULL, SG_ERR_NOMEM, "out of memory"); goto out; }
	XML_SetElementHandler(s->xp, ws_start, ws_end);
	XML_SetCharacterDataHandler(s->xp, ws_text);
out:
	if (p)
		XML_ParserFree(p);
	if (wb.rids) {
		for (size_t i = 0; i < s->nsheets; i++)
			free(wb.rids[i]);
		free(wb.rids);
	}
	if (st)
		free(st->xf);
	free(st);
	buf_release(&b);
	rv = sret(s, er);
	return rv;
}

static sg_err xlsx_next(struct sheet *s, const struct sheet_row **out, struct err_report *er)
{
	s->row_ready = 0;
	for (;;) {
		enum XML_Status st;
		if (s->xp_suspended) {
			s->xp_suspended = 0;
			st = XML_ResumeParser(s->xp);
		} else if (s->xp_eof) {
			*out = NULL;
			return SG_OK;
		} else {
			zip_int64_t r = zip_fread(s->zf, s->chunk, sizeof(s->chunk));
			if (r < 0) {
				sfail(s, er, SG_ERR_MALFORMED, "XLSX sheet part is corrupt (%s)",
				      zip_file_strerror(s->zf));
				return sret(s, er);
			}
			s->unzipped += (uint64_t)r;
			if (s->unzipped > s->lim.max_unzipped_bytes) {
				sfail(s, er, SG_ERR_TOO_LARGE, TOO_LARGE_UNPACKED,
			      (unsigned long long)s->lim.max_unzipped_bytes,
			      (unsigned long long)s->lim.max_unzipped_bytes);
				return sret(s, er);
			}
			if (r == 0)
				s->xp_eof = 1;
			st = XML_Parse(s->xp, s->chunk, (int)r, r == 0);
		}
		if (s->failed)
			return sret(s, er);
		if (st == XML_STATUS_ERROR) {
			sfail(s, er, SG_ERR_MALFORMED, "XLSX sheet: XML error at line %lu: %s",
			      (unsigned long)XML_GetCurrentLineNumber(s->xp),
			      XML_ErrorString(XML_GetErrorCode(s->xp)));
			return sret(s, er);
		}
		if (st == XML_STATUS_SUSPENDED)
			s->xp_suspended = 1;
		if (s->row_ready) {
			if (row_publish(s) < 0)
				return sret(s, er);
			*out = &s->row;
			return SG_OK;
		}
	}
}

/* ------------------------------------------------------------------ public */

static sg_err open_common(struct sheet **out, const void *data, size_t len,
			  const struct sheet_options *opts, struct err_report *er,
			  unsigned char *owned, void *map, size_t maplen)
{
	struct sheet_options o = SHEET_OPTIONS_INIT;
	if (opts)
		o = *opts;
	limits_default(&o.limits);
	*out = NULL;
	struct sheet *s = calloc(1, sizeof(*s));
	if (!s) {
		free(owned);
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	}
	s->self = s;
	s->lim = o.limits;
	s->filedata = owned;
	s->map = map;
	s->maplen = maplen;
	buf_init(&s->cellbuf, (size_t)s->lim.max_cols * (s->lim.max_cell_bytes + 1) * 2 + 64);
	buf_init(&s->val, s->lim.max_cell_bytes + 1);
	buf_init(&s->sst.text, s->lim.max_unzipped_bytes);
	*out = s;
	if (len > s->lim.max_file_bytes) {
		sfail(s, er, SG_ERR_TOO_LARGE, "文件超过 %llu 字节的上限（file larger than %llu bytes）",
		      (unsigned long long)s->lim.max_file_bytes,
		      (unsigned long long)s->lim.max_file_bytes);
		return sret(s, er);
	}
	enum sheet_format f = o.format;
	int is_zip = len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
	if (f == SHEET_FORMAT_AUTO)
		f = is_zip ? SHEET_FORMAT_XLSX : SHEET_FORMAT_CSV;
	if (f == SHEET_FORMAT_CSV && (is_zip || (len >= 4 && memcmp(data, "PK", 2) == 0 &&
						     ((const char *)data)[2] < 9))) {
		sfail(s, er, SG_ERR_MALFORMED, NOT_A_SHEET);
		return sret(s, er);
	}
	s->format = f;
	if (f == SHEET_FORMAT_XLSX) {
		if (!is_zip) {
			sfail(s, er, SG_ERR_MALFORMED, NOT_A_SHEET);
			return sret(s, er);
		}
		return xlsx_setup(s, data, len, o.sheet_name, er);
	}
	s->data = data;
	s->len = len;
	return csv_setup(s, o.encoding, er);
}

sg_err sheet_open_mem(struct sheet **out, const void *data, size_t len,
		      const struct sheet_options *opts, struct err_report *er)
{
	return open_common(out, data ? data : "", data ? len : 0, opts, er, NULL, NULL, 0);
}

sg_err sheet_open(struct sheet **out, const char *path,
		  const struct sheet_options *opts, struct err_report *er)
{
	uint64_t max = opts && opts->limits.max_file_bytes ? opts->limits.max_file_bytes : DEF_FILE_BYTES;
	struct stat st;
	void *map = NULL;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(er, SG_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(er, SG_ERR_IO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return err_set(er, SG_ERR_TOO_LARGE, "%s: file larger than %llu bytes", path,
			       (unsigned long long)max);
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			int e = errno;
			close(fd);
			return err_set(er, SG_ERR_IO, "%s: %s", path, strerror(e));
		}
	}
	close(fd);
	sg_err rv = open_common(out, map ? map : "", map ? (size_t)st.st_size : 0, opts, er, NULL,
				map, map ? (size_t)st.st_size : 0);
	if (!*out && map)
		munmap(map, (size_t)st.st_size);
	return rv;
}

sg_err sheet_next(struct sheet *s, const struct sheet_row **row, struct err_report *er)
{
	*row = NULL;
	if (s->failed)
		return sret(s, er);
	if (s->format == SHEET_FORMAT_XLSX)
		return xlsx_next(s, row, er);
	return csv_next(s, row, er);
}

enum sheet_format sheet_format_of(const struct sheet *s)
{
	return s->format;
}

enum sheet_encoding sheet_encoding_of(const struct sheet *s)
{
	return s->format == SHEET_FORMAT_CSV ? s->enc : SHEET_ENC_AUTO;
}

const char *const *sheet_names(const struct sheet *s, size_t *n)
{
	*n = s->nsheets;
	return (const char *const *)s->names;
}

const char *sheet_error(const struct sheet *s)
{
	return s->error;
}

void sheet_close(struct sheet *s)
{
	if (!s)
		return;
	if (s->csv_ready)
		csv_free(&s->csv);
	if (s->xp)
		XML_ParserFree(s->xp);
	if (s->zf)
		zip_fclose(s->zf);
	if (s->zip)
		zip_discard(s->zip);
	for (size_t i = 0; i < s->nsheets; i++) {
		if (s->names) free(s->names[i]);
		if (s->targets) free(s->targets[i]);
	}
	free(s->names);
	free(s->targets);
	free(s->datexf);
	free(s->sst.off);
	buf_release(&s->sst.text);
	buf_release(&s->cellbuf);
	buf_release(&s->val);
	free(s->celloff);
	free(s->rawoff);
	free(s->celltype);
	free(s->cells);
	free(s->utf8);
	free(s->filedata);
	if (s->map)
		munmap(s->map, s->maplen);
	free(s);
}
