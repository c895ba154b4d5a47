/*
 * certpdf.c: the registration certificate as a PDF; see certpdf.h.
 *
 * Library choice: cairo (PDF surface) with Pango for the text, and the
 * Noto CJK fonts of Debian's fonts-noto-cjk. libharu (libhpdf), which
 * design.md suggested, reads no OpenType CFF outlines (Noto CJK is CFF) and
 * embeds a TrueType font with its tables nearly whole, so a Chinese font
 * would cost megabytes per file or be left to the reader's machine (where
 * it may be missing and the name print as boxes). cairo subsets the CFF
 * outlines of the Noto CJK collections to the glyphs used and writes
 * ToUnicode maps, so a certificate is about 170 KB, prints the same
 * everywhere, and its text can be searched and copied. Pango shapes the
 * text and picks a fallback font for a character Noto lacks; a character
 * no installed font has (a tofu box on paper) fails the rendering instead
 * of printing a wrong name.
 *
 * Everything is drawn as vectors: the border, the QR code (one rectangle
 * per run of dark modules) and the red seal with the issuer's name around
 * it. There are no images, so nothing is loaded from disk but the fonts.
 *
 * Known cost: the CFF subsetter of cairo 1.16 (Debian 12) loses 768 bytes
 * per CFF font embedded in a document (LeakSanitizer; TrueType fonts do not
 * show it), so each certificate, with its two weights of Noto Serif CJK,
 * leaks 1.5 KB in cairo: about 15 MB per 10,000 downloads until a restart.
 * The font configuration and glyph caches that Pango and fontconfig keep
 * for the life of the process are not leaks of this kind.
 *
 * Units are PDF points (1/72 in); y grows downwards as in cairo.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "certpdf.h"
#include "audit.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../core/banned.h"

/* A4 landscape */
#define PAGE_W 841.89
#define PAGE_H 595.28

/*
 * Noto Serif CJK of fonts-noto-cjk, "SC": the Simplified Chinese glyph
 * forms. One family in two weights: each font embedded costs ~65 KB.
 */
#define SERIF "Noto Serif CJK SC"

struct rgb {
	double r, g, b;
};

static const struct rgb INK = { 0.12, 0.11, 0.10 };
static const struct rgb MUTED = { 0.40, 0.34, 0.28 };
static const struct rgb MAROON = { 0.55, 0.11, 0.09 };
static const struct rgb GOLD = { 0.70, 0.54, 0.22 };
static const struct rgb SEAL_RED = { 0.85, 0.08, 0.08 };

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

struct style {
	double size;        /* points */
	int bold;
	struct rgb color;
	double spacing;     /* extra space between letters, points */
	enum align align;   /* of the text at x */
	double width;       /* > 0: at most this wide */
	int wrap;           /* with width: wrap to lines (else cut with …) */
};

struct pen {
	cairo_t *cr;
	int missing; /* glyphs that no installed font has */
};

static void set_color(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/*
 * Draw s in SERIF with its top at y and its left edge, centre or right
 * edge at x (by st->align), in the current transformation.
 */
static void text(struct pen *p, const struct style *st, const char *s,
		 double x, double y)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_new();
	PangoRectangle logical;
	double w;

	pango_font_description_set_family(fd, SERIF);
	pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD
						      : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (st->spacing > 0) {
		PangoAttrList *attrs = pango_attr_list_new();

		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(
			(int)(st->spacing * PANGO_SCALE)));
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
	}
	if (st->width > 0) {
		pango_layout_set_width(l, (int)(st->width * PANGO_SCALE));
		if (st->wrap)
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		else
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		if (st->align == ALIGN_CENTER)
			pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		else if (st->align == ALIGN_RIGHT)
			pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	}
	pango_layout_set_text(l, s, -1);
	p->missing += pango_layout_get_unknown_glyphs_count(l);

	pango_layout_get_extents(l, NULL, &logical);
	w = (double)logical.width / PANGO_SCALE;
	if (st->width > 0) {
		/* the layout box is the given width; Pango aligns inside it */
		if (st->align == ALIGN_CENTER)
			x -= st->width / 2;
		else if (st->align == ALIGN_RIGHT)
			x -= st->width;
	} else if (st->align == ALIGN_CENTER) {
		x -= w / 2;
	} else if (st->align == ALIGN_RIGHT) {
		x -= w;
	}
	set_color(p->cr, st->color);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	cairo_new_path(p->cr); /* drop the current point: no line to the next path */
	g_object_unref(l);
}

int certpdf_draw_text(cairo_t *cr, const char *s, double size, int bold,
		      double x, double y, double width)
{
	struct pen p = { cr, 0 };
	struct style st = { .size = size, .bold = bold, .color = INK, .width = width };

	text(&p, &st, s, x, y);
	return p.missing;
}

/* "2026-11-22" -> "2026年11月22日"; anything else is copied as it is. */
static void cn_date(const char *d, char *out, size_t size)
{
	char part[5];
	int64_t y, m, day;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		goto raw;
	memcpy(part, d, 4);
	part[4] = '\0';
	if (util_parse_int(part, 1, 9999, &y))
		goto raw;
	memcpy(part, d + 5, 2);
	part[2] = '\0';
	if (util_parse_int(part, 1, 12, &m))
		goto raw;
	memcpy(part, d + 8, 2);
	if (util_parse_int(part, 1, 31, &day))
		goto raw;
	snprintf(out, size, "%04d年%d月%d日", (int)y, (int)m, (int)day);
	return;
raw:
	util_strlcpy(out, d, size);
}

/* Rectangle inset by d from the page edges. */
static void page_rect(cairo_t *cr, double d)
{
	cairo_rectangle(cr, d, d, PAGE_W - 2 * d, PAGE_H - 2 * d);
}

/*
 * A run of small rings along the line (x0,y0)-(x1,y1), overlapping like
 * the guilloche band of printed certificates.
 */
static void ring_band(cairo_t *cr, double x0, double y0, double x1, double y1,
		      double r, double pitch)
{
	double len = hypot(x1 - x0, y1 - y0);
	int n = (int)(len / pitch);

	for (int i = 0; i <= n; i++) {
		double t = n ? (double)i / n : 0;
		double cx = x0 + t * (x1 - x0), cy = y0 + t * (y1 - y0);

		cairo_new_sub_path(cr);
		cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
	}
}

/* A filled square turned 45° (a lozenge) centred on (x, y). */
static void lozenge(cairo_t *cr, double x, double y, double r)
{
	cairo_move_to(cr, x, y - r);
	cairo_line_to(cr, x + r, y);
	cairo_line_to(cr, x, y + r);
	cairo_line_to(cr, x - r, y);
	cairo_close_path(cr);
}

static void draw_border(cairo_t *cr)
{
	const double outer = 20, band = 30, inner = 40;
	const double corners[4][2] = {
		{ band, band }, { PAGE_W - band, band },
		{ PAGE_W - band, PAGE_H - band }, { band, PAGE_H - band },
	};

	/* a faint warm paper tone inside the frame */
	cairo_set_source_rgb(cr, 1.0, 0.985, 0.95);
	page_rect(cr, outer);
	cairo_fill(cr);

	set_color(cr, MAROON);
	cairo_set_line_width(cr, 2.6);
	page_rect(cr, outer);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.9);
	page_rect(cr, inner);
	cairo_stroke(cr);

	set_color(cr, GOLD);
	cairo_set_line_width(cr, 0.55);
	ring_band(cr, band, band, PAGE_W - band, band, 6.5, 6);
	ring_band(cr, band, PAGE_H - band, PAGE_W - band, PAGE_H - band, 6.5, 6);
	ring_band(cr, band, band, band, PAGE_H - band, 6.5, 6);
	ring_band(cr, PAGE_W - band, band, PAGE_W - band, PAGE_H - band, 6.5, 6);
	cairo_stroke(cr);

	/* corner pieces over the ends of the bands */
	for (int i = 0; i < 4; i++) {
		double x = corners[i][0], y = corners[i][1];

		set_color(cr, MAROON);
		cairo_rectangle(cr, x - 10, y - 10, 20, 20);
		cairo_fill(cr);
		set_color(cr, GOLD);
		lozenge(cr, x, y, 7);
		cairo_fill(cr);
	}
}

/* A five-pointed star centred on (cx, cy), one point up. */
static void star(cairo_t *cr, double cx, double cy, double r)
{
	for (int i = 0; i < 10; i++) {
		double a = -M_PI / 2 + i * M_PI / 5;
		double rr = i % 2 ? r * 0.382 : r;

		if (i == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
}

/*
 * Calls each(p, one character, i, n, arg) for the n characters of s, for
 * drawing them one by one (spread out, or along an arc).
 */
static void each_char(struct pen *p, const char *s,
		      void (*each)(struct pen *p, const char *ch, long i,
				   long n, void *arg),
		      void *arg)
{
	long n = g_utf8_strlen(s, -1);

	for (long i = 0; i < n && *s; i++) {
		const char *next = g_utf8_next_char(s);
		char one[8];
		size_t len = (size_t)(next - s);

		if (len >= sizeof(one))
			return;
		memcpy(one, s, len);
		one[len] = '\0';
		each(p, one, i, n, arg);
		s = next;
	}
}

struct arc_text {
	const struct style *st;
	double cx, cy, r; /* tops of the letters on the circle of radius r */
	double span;      /* angle of the whole text, centred on the top */
};

static void arc_char(struct pen *p, const char *ch, long i, long n, void *arg)
{
	const struct arc_text *a = arg;

	cairo_save(p->cr);
	cairo_translate(p->cr, a->cx, a->cy);
	cairo_rotate(p->cr, -a->span / 2 + a->span * ((double)i + 0.5) / (double)n);
	text(p, a->st, ch, 0, -a->r);
	cairo_restore(p->cr);
}

/*
 * The seal (公章) of the issuer: a red ring, the issuer's name around its
 * upper arc, a star in the middle and 登记专用章 below, drawn slightly
 * transparent so that the text under it shows through as under ink.
 */
static void draw_seal(struct pen *p, double cx, double cy, double r,
		      const char *issuer)
{
	cairo_t *cr = p->cr;
	struct style ch = { 16, 1, SEAL_RED, 0, ALIGN_CENTER, 0, 0 };
	static const struct style foot = { 9, 1, SEAL_RED, 0.5, ALIGN_CENTER, 0, 0 };
	long n = g_utf8_strlen(issuer, -1);
	struct arc_text a = { &ch, cx, cy, r - 5, 0 };
	double arc_len;

	cairo_push_group(cr);
	cairo_new_path(cr);
	set_color(cr, SEAL_RED);
	cairo_set_line_width(cr, 3.2);
	cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
	cairo_stroke(cr);
	star(cr, cx, cy - r * 0.04, r * 0.30);
	cairo_fill(cr);

	/*
	 * As on a carved seal, the name fills about 220° of the ring whatever
	 * its length (short names spaced out, long ones in smaller letters).
	 */
	if (n > 0) {
		a.span = n < 4 ? (double)n * 40 * M_PI / 180 : 220 * M_PI / 180;
		arc_len = a.span * (a.r - ch.size / 2);
		ch.size = fmin(16, arc_len / (double)n / 1.15);
		each_char(p, issuer, arc_char, &a);
	}
	text(p, &foot, "登记专用章", cx, cy + r * 0.40);
	cairo_pop_group_to_source(cr);
	cairo_paint_with_alpha(cr, 0.86);
}

struct spread {
	const struct style *st;
	double x, y, width; /* first letter at x, last one ending at x + width */
};

static void spread_char(struct pen *p, const char *ch, long i, long n, void *arg)
{
	const struct spread *sp = arg;
	double step = n > 1 ? (sp->width - sp->st->size) / (double)(n - 1) : 0;

	text(p, sp->st, ch, sp->x + step * (double)i, sp->y);
}

/*
 * The QR code q in a size x size square at (x, y), with the quiet zone of
 * 4 modules that readers need, dark modules merged into runs.
 */
static void draw_qr(cairo_t *cr, const QRcode *q, double x, double y,
		    double size)
{
	double m = size / (q->width + 8);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	for (int row = 0; row < q->width; row++) {
		const unsigned char *d = q->data + (size_t)row * (size_t)q->width;

		for (int col = 0; col < q->width;) {
			int end = col;

			if (!(d[col] & 1)) {
				col++;
				continue;
			}
			while (end < q->width && (d[end] & 1))
				end++;
			cairo_rectangle(cr, x + (4 + col) * m, y + (4 + row) * m,
					(end - col) * m, m);
			col = end;
		}
	}
	set_color(cr, INK);
	cairo_fill(cr);
}

/* One line of the body: label on the left, value after it, a rule under. */
static void field_row(struct pen *p, double y, const char *label,
		      const char *value)
{
	static const struct style lab = { 14, 0, MUTED, 0, ALIGN_LEFT, 0, 0 };
	static const struct style val = { 18, 1, INK, 0, ALIGN_LEFT, 330, 0 };
	const double x_label = 88, x_value = 196;
	/* labels of 2 to 4 characters spread over the same width (分散对齐) */
	struct spread sp = { &lab, x_label, y + 4, 4 * 14 + 12 };

	each_char(p, label, spread_char, &sp);
	text(p, &val, value, x_value, y);
	set_color(p->cr, GOLD);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, x_value, y + 29);
	cairo_line_to(p->cr, x_value + 335, y + 29);
	cairo_stroke(p->cr);
}

static void draw_certificate(struct pen *p, const struct registration_cert *c,
			     const char *issued_on, const char *verify_url,
			     const QRcode *q)
{
	static const struct style title = { 36, 1, MAROON, 10, ALIGN_CENTER, 0, 0 };
	static const struct style subtitle = { 10.5, 0, MUTED, 1.2, ALIGN_CENTER, 0, 0 };
	static const struct style body = { 13.5, 0, INK, 0, ALIGN_LEFT, 440, 1 };
	static const struct style caption = { 11, 1, INK, 1, ALIGN_CENTER, 0, 0 };
	static const struct style link = { 7.5, 0, MUTED, 0, ALIGN_CENTER, 196, 1 };
	static const struct style sign = { 15, 1, INK, 0, ALIGN_RIGHT, 0, 0 };
	static const struct style number = { 9, 0, MUTED, 0, ALIGN_RIGHT, 0, 0 };
	cairo_t *cr = p->cr;
	char from[32], to[32], issued[32], validity[80], line[160];
	const double qr_x = 624, qr_y = 150, qr_size = 138;
	double y;

	draw_border(cr);

	text(p, &title, "社会工作者登记证书", PAGE_W / 2, 62);
	text(p, &subtitle, "SOCIAL WORKER REGISTRATION CERTIFICATE", PAGE_W / 2, 112);
	set_color(cr, GOLD);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, PAGE_W / 2 - 190, 134);
	cairo_line_to(cr, PAGE_W / 2 + 190, 134);
	cairo_stroke(cr);
	lozenge(cr, PAGE_W / 2, 134, 3.5);
	cairo_fill(cr);

	snprintf(line, sizeof(line), "No. %s", c->certificate_no);
	text(p, &number, line, PAGE_W - 62, 50);

	cn_date(c->registered_on, from, sizeof(from));
	cn_date(c->expires_on, to, sizeof(to));
	cn_date(issued_on, issued, sizeof(issued));
	snprintf(validity, sizeof(validity), "%s 至 %s", from, to);

	y = 160;
	field_row(p, y, "姓名", c->name);
	field_row(p, y += 38, "身份证号", c->id_masked);
	field_row(p, y += 38, "职业水平", c->level_label);
	field_row(p, y += 38, "证书编号", c->certificate_no);
	field_row(p, y += 38, "有效期", validity);
	field_row(p, y += 38, "登记地区", c->region_name);

	text(p, &body, "　　根据《社会工作者职业水平证书登记办法》，经审核，"
		       "准予登记，特发此证。", 88, y + 56);

	draw_qr(cr, q, qr_x, qr_y, qr_size);
	text(p, &caption, "扫码核验证书", qr_x + qr_size / 2, qr_y + qr_size + 8);
	text(p, &link, verify_url, qr_x + qr_size / 2, qr_y + qr_size + 28);

	snprintf(line, sizeof(line), "发证机关：%s", c->issuer);
	text(p, &sign, line, PAGE_W - 72, 452);
	snprintf(line, sizeof(line), "发证日期：%s", issued);
	text(p, &sign, line, PAGE_W - 72, 482);
	draw_seal(p, PAGE_W - 150, 470, 56, c->issuer);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
				unsigned int len)
{
	return buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR
					   : CAIRO_STATUS_SUCCESS;
}

sg_err certpdf_render(const struct registration_cert *c, const char *issued_on,
		      const char *verify_url, struct buf *out,
		      struct err_report *er)
{
	cairo_surface_t *sf = NULL;
	struct pen p = { NULL, 0 };
	char title[96];
	sg_err code = SG_OK;
	cairo_status_t st;
	/* byte mode, level M: a link of up to ~200 characters fits */
	QRcode *q = QRcode_encodeString(verify_url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	if (!q)
		return err_set(er, SG_ERR_INTERNAL, "QR code of the link: %s",
			       strerror(errno));
	sf = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if ((st = cairo_surface_status(sf)) != CAIRO_STATUS_SUCCESS) {
		code = err_set(er, SG_ERR_INTERNAL, "PDF surface: %s",
			       cairo_status_to_string(st));
		goto out;
	}
	snprintf(title, sizeof(title), "社会工作者登记证书 %s", c->certificate_no);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shegong");
	p.cr = cairo_create(sf);
	draw_certificate(&p, c, issued_on, verify_url, q);
	cairo_show_page(p.cr);
	st = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);

	if (p.missing > 0)
		code = err_set(er, SG_ERR_IO, "%d character(s) of the certificate"
			       " have no glyph in any installed font (install"
			       " fonts-noto-cjk)", p.missing);
	else if (out->err)
		code = err_set(er, (sg_err)out->err, "the certificate PDF does"
			       " not fit in its buffer");
	else if (st != CAIRO_STATUS_SUCCESS)
		code = err_set(er, SG_ERR_INTERNAL, "PDF: %s",
			       cairo_status_to_string(st));
out:
	cairo_surface_destroy(sf);
	QRcode_free(q);
	return code;
}

int certpdf_verify_url(const char *base, const char *certificate_no,
		       char *out, size_t size)
{
	size_t len = strlen(base);
	int n;

	while (len > 0 && base[len - 1] == '/')
		len--;
	n = snprintf(out, size, "%.*s/#/verify/%s", (int)len, base,
		     certificate_no);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Longest base that leaves room for "/#/verify/<certificate_no>". */
#define BASE_URL_MAX (CERTPDF_URL_SIZE - sizeof("/#/verify/") - REGISTRATION_CERT_NO_SIZE)

/* An absolute http(s) URL of printable ASCII that leaves room for the path. */
static int base_url_ok(const char *v)
{
	size_t len = strlen(v);

	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return 0;
	if (len > BASE_URL_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (v[i] <= ' ' || v[i] > '~')
			return 0;
	return 1;
}

sg_err certpdf_base_url(db_t *db, char out[CERTPDF_URL_SIZE],
			struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	const char *v;
	int rc;

	util_strlcpy(out, CERTPDF_DEFAULT_BASE_URL, CERTPDF_URL_SIZE);
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, "public_base_url", -1);
	rc = db_step(st);
	if (rc == DB_ROW && (v = db_col_text(st, 0)) != NULL && *v) {
		if (base_url_ok(v))
			util_strlcpy(out, v, CERTPDF_URL_SIZE);
		else
			log_warn("setting public_base_url is not an http(s) URL"
				 " of at most %zu characters; certificates use %s",
				 BASE_URL_MAX, CERTPDF_DEFAULT_BASE_URL);
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err certpdf_issue(db_t *db, const struct actor *who, int64_t reg_id,
		     struct buf *out,
		     char certificate_no[REGISTRATION_CERT_NO_SIZE],
		     struct err_report *er)
{
	struct registration_cert c;
	char base[CERTPDF_URL_SIZE], url[CERTPDF_URL_SIZE], object[24];
	struct audit_entry e = {
		"registration.certificate_download", "registration", object,
		AUDIT_SUCCESS, NULL, NULL,
	};
	sg_err code;

	certificate_no[0] = '\0';
	if ((code = registration_certificate(db, who, reg_id, &c, er)) != SG_OK)
		return code;
	if ((code = certpdf_base_url(db, base, er)) != SG_OK)
		return code;
	if (certpdf_verify_url(base, c.certificate_no, url, sizeof(url)))
		return err_set(er, SG_ERR_INTERNAL, "verification link too long");
	/*
	 * The certificate is issued when the registration is certified, which
	 * the bureau does right after registering; registration_cert carries
	 * no date of its own for it, so the registration date stands in.
	 */
	if ((code = certpdf_render(&c, c.registered_on, url, out, er)) != SG_OK)
		return code;
	snprintf(object, sizeof(object), "%lld", (long long)reg_id);
	if ((code = audit_append(db, who, &e, er)) != SG_OK)
		return code;
	util_strlcpy(certificate_no, c.certificate_no, REGISTRATION_CERT_NO_SIZE);
	return SG_OK;
}
