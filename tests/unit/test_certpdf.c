/*
 * test_certpdf.c: the registration certificate PDF rendered from a fixture
 * (no database): a whole PDF file under 500 KB whose Chinese fonts are
 * embedded as subsets, whose text pdftotext extracts (title, name, masked
 * ID, level, number, validity, issuer, link) and whose QR code zbarimg
 * decodes to the verification link; a character no font has fails the
 * rendering; the verification link; and the setting public_base_url read
 * from a migrated database (default, set, refused when not a URL).
 *
 * pdftotext/pdftoppm (poppler-utils) and zbarimg (zbar-tools) come with
 * `scripts/install-deps.sh test`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/buf.h"
#include "db/db.h"
#include "domain/certpdf.h"

#define URL "http://127.0.0.1:8080/#/verify/4418022026000001"

static void fixture_cert(struct registration_cert *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->certificate_no, sizeof(c->certificate_no), "4418022026000001");
	snprintf(c->name, sizeof(c->name), "欧阳清远");
	snprintf(c->id_masked, sizeof(c->id_masked), "441802********0014");
	snprintf(c->level, sizeof(c->level), "assistant");
	snprintf(c->level_label, sizeof(c->level_label), "助理社会工作师");
	snprintf(c->registered_on, sizeof(c->registered_on), "2026-11-22");
	snprintf(c->expires_on, sizeof(c->expires_on), "2029-11-21");
	snprintf(c->region_name, sizeof(c->region_name), "清城区");
	snprintf(c->issuer, sizeof(c->issuer), "清城区民政局");
}

static int have_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Output of a shell command, NUL-terminated, into out (truncated). */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	return pclose(p);
}

struct tmp {
	char dir[64];
	char pdf[96];
};

static void write_pdf(struct tmp *t, const struct buf *b)
{
	FILE *f;

	snprintf(t->dir, sizeof(t->dir), "/tmp/sg-test-certpdf-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->pdf, sizeof(t->pdf), "%s/c.pdf", t->dir);
	f = fopen(t->pdf, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->ptr, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

static void remove_tmp(const struct tmp *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static void test_render(void **state)
{
	struct registration_cert c;
	struct buf b = BUF_INIT(CERTPDF_MAX_BYTES);
	struct err_report er = ERR_REPORT_INIT;
	const char *p, *tail;
	int subset = 0;

	(void)state;
	fixture_cert(&c);
	assert_int_equal(certpdf_render(&c, "2026-11-22", URL, &b, &er), SG_OK);
	assert_true(b.len > 1000);
	assert_true(b.len < 500 * 1024);
	assert_memory_equal(b.ptr, "%PDF-", 5);
	tail = b.ptr + b.len - 8;
	assert_non_null(memmem(tail, 8, "%%EOF", 5));

	/* Chinese fonts embedded (CFF), as subsets: "/BaseFont /ABCDEF+Noto..." */
	assert_non_null(memmem(b.ptr, b.len, "/FontFile3", 10));
	for (p = b.ptr; (p = memmem(p, b.len - (size_t)(p - b.ptr), "/BaseFont /", 11));) {
		p += 11;
		if ((size_t)(b.ptr + b.len - p) > 12 &&
		    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 6 && p[6] == '+' &&
		    !strncmp(p + 7, "NotoSerifCJK", 12))
			subset++;
	}
	assert_true(subset >= 1);
	buf_release(&b);
}

static void test_text_and_qr(void **state)
{
	struct registration_cert c;
	struct buf b = BUF_INIT(CERTPDF_MAX_BYTES);
	struct err_report er = ERR_REPORT_INIT;
	static char out[64 * 1024];
	static const char *const want[] = {
		"社会工作者登记证书", "欧阳清远", "441802********0014",
		"助理社会工作师", "4418022026000001", "2026年11月22日",
		"2029年11月21日", "清城区民政局", URL,
	};
	char cmd[512];
	struct tmp t;

	(void)state;
	if (!have_tool("pdftotext") || !have_tool("pdftoppm") || !have_tool("zbarimg"))
		fail_msg("pdftotext, pdftoppm and zbarimg are needed: "
			 "scripts/install-deps.sh test");
	fixture_cert(&c);
	assert_int_equal(certpdf_render(&c, "2026-11-22", URL, &b, &er), SG_OK);
	write_pdf(&t, &b);

	snprintf(cmd, sizeof(cmd), "pdftotext -q '%s' -", t.pdf);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(out, want[i]))
			fail_msg("\"%s\" not in the text of the PDF:\n%s", want[i], out);

	snprintf(cmd, sizeof(cmd), "pdftoppm -q -r 150 -png -singlefile '%s' '%s/c'"
		 " && zbarimg -q --raw '%s/c.png' 2>/dev/null", t.pdf, t.dir, t.dir);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_string_equal(out, URL "\n");
	remove_tmp(&t);
	buf_release(&b);
}

static void test_refusals(void **state)
{
	struct registration_cert c;
	struct buf b = BUF_INIT(CERTPDF_MAX_BYTES);
	struct buf small = BUF_INIT(4096);
	struct err_report er = ERR_REPORT_INIT;

	(void)state;
	/* a private-use character: no font draws it, so no tofu on paper */
	fixture_cert(&c);
	snprintf(c.name, sizeof(c.name), "欧阳\xf4\x8f\xbf\xbd");
	assert_int_equal(certpdf_render(&c, "2026-11-22", URL, &b, &er), SG_ERR_IO);
	assert_non_null(strstr(er.detail, "fonts-noto-cjk"));
	buf_release(&b);

	fixture_cert(&c);
	err_clear(&er);
	assert_int_equal(certpdf_render(&c, "2026-11-22", URL, &small, &er),
			 SG_ERR_TOO_LARGE);
	buf_release(&small);
}

static void test_verify_url(void **state)
{
	char out[CERTPDF_URL_SIZE];
	char tiny[20];

	(void)state;
	assert_int_equal(certpdf_verify_url("https://sg.example.cn", "4418022026000001",
					    out, sizeof(out)), 0);
	assert_string_equal(out, "https://sg.example.cn/#/verify/4418022026000001");
	assert_int_equal(certpdf_verify_url("https://sg.example.cn/app//", "1",
					    out, sizeof(out)), 0);
	assert_string_equal(out, "https://sg.example.cn/app/#/verify/1");
	assert_int_equal(certpdf_verify_url("https://sg.example.cn", "4418022026000001",
					    tiny, sizeof(tiny)), -1);
}

static void set_base(db_t *db, const char *value)
{
	db_stmt_t *st = db_prepare(db, "UPDATE settings SET value = ?"
				       " WHERE key = 'public_base_url'");

	assert_non_null(st);
	db_bind_text(st, 1, value, -1);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
}

static void test_base_url_setting(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	char dir[64], path[96], out[CERTPDF_URL_SIZE], cmd[128], longer[300];
	db_t *db = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sg-test-certpdf-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, &er), SG_OK);
	assert_int_equal(db_migrate(db, &er), SG_OK);

	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, CERTPDF_DEFAULT_BASE_URL);
	set_base(db, "https://shegong.gd.gov.cn");
	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, "https://shegong.gd.gov.cn");
	/* not a URL, or one with a space: the default, never a wrong link */
	set_base(db, "javascript:alert(1)");
	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, CERTPDF_DEFAULT_BASE_URL);
	set_base(db, "https://a b");
	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, CERTPDF_DEFAULT_BASE_URL);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "https://", 8);
	set_base(db, longer);
	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, CERTPDF_DEFAULT_BASE_URL);
	set_base(db, "");
	assert_int_equal(certpdf_base_url(db, out, &er), SG_OK);
	assert_string_equal(out, CERTPDF_DEFAULT_BASE_URL);

	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_text_and_qr),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_verify_url),
		cmocka_unit_test(test_base_url_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
