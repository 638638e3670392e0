/* Unit tests of the inspection's views (render_inspect*.c, inspect_iocs.c) over a hand-written
 * inspection full of hostile strings (tests/fixtures/inspect-render/hostile.json). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#include "cli/render.h"
#include "cli/inspect_extract.h"
#include "cli/render_inspect.h"

static json_t *load(const char *name)
{
	char path[4096];
	const char *dir = getenv("PPS_FIXTURES");
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/inspect-render/%s", dir ? dir : "tests/fixtures", name);
	j = json_load_file(path, 0, &err);
	if (!j)
		fail_msg("%s: %s", path, err.text);
	return j;
}

struct collected {
	ppsbuf all;
	int width;
	int lines;
	int widest;
	int flags;
	int headings;
};

static void on_line(void *p, const char *text, int attr)
{
	struct collected *c = p;
	int w = (int)cli_display_width(text);

	assert_null(strchr(text, '\n'));
	if (w > c->widest)
		c->widest = w;
	if (c->width && w > c->width)
		print_message("too wide (%d > %d): %s\n", w, c->width, text);
	c->lines++;
	c->flags += attr == CLI_INSPECT_FLAG;
	c->headings += attr == CLI_INSPECT_HEADING;
	ppsbuf_adds(&c->all, text);
	ppsbuf_addch(&c->all, '\n');
}

/* Nothing a terminal acts on: no ESC, BEL, C1 or bidi control in the text. */
static void assert_inert(const char *s)
{
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x07'));
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xc2\x9b"));
}

static void render(struct collected *c, const json_t *j, int width)
{
	memset(c, 0, sizeof(*c));
	c->all = (ppsbuf)PPSBUF_INIT;
	c->width = width;
	assert_int_equal(cli_inspect_lines(j, width, on_line, c), 0);
}

static void test_inspect__lines_fit_the_width(void **state)
{
	json_t *j = load("hostile.json");
	const int widths[] = { 80, 60, 40, 20, 132 };

	(void)state;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct collected c;

		render(&c, j, widths[i]);
		assert_true(c.widest <= widths[i]);
		assert_true(c.lines > 30);
		assert_int_equal(c.headings, 7);
		assert_inert(c.all.buf);
		ppsbuf_release(&c.all);
	}
	json_decref(j);
}

static void test_inspect__sections_flags_and_defanging(void **state)
{
	json_t *j = load("hostile.json");
	struct collected c;
	const char *want[] = {
		"== Headers ==",
		"== Received (2 hops, newest first) ==",
		"== Authentication ==",
		"== Body (text/html, utf-8, 4321 characters, cut) ==",
		"== URLs (3) ==",
		"== Attachments (3) ==",
		"== Warnings (1) ==",
		"! From's display name holds another address: ceo@example.com\n",
		"! Reply-To's domain differs from From's: collect.example.net\n",
		" 1 hxxps://login[.]evil[.]example/verify?u=1&x=|pipe\n",
		"   link text: hxxps://www[.]paypal[.]com/\n",
		"   URL Defense link: hxxps://urldefense[.]com/v3/__hxxps://login",
		"   ! the link's text names another host\n",
		" 2 hxxp://203[.]0[.]113[.]9/payload.bin\n",
		"   found in html:href, text\n",
		" 1 invoice.pdf.exe\n",
		"   application/pdf, detected application/x-dosexec, 12345 bytes, part 2\n",
		"   sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
		"   ! double extension\n",
		"   ! the declared type is not what the content is\n",
		" 2 report|\\u202eq4.docm\n",
		"   ! macro-capable Office type\n",
		" 3 (no name, part 4)\n",
		"   2024-07-01T08:00:05Z, +5s, first external hop\n",
		"SPF softfail   DMARC fail   ARC none   DKIM pass (d=evil.example)\n",
		"! DMARC fail\n",
		"  mx1.example.com: spf=softfail (mailfrom evil.example) dkim=pass",
		"Please pay the invoice today.\\x1b[31m RED \\u202e reversed\n",
		"! bad_boundary: part 3: closing boundary missing \\x1b[5m\n",
		"File         spoof\\x1b[2J.eml\n",
	};

	(void)state;
	render(&c, j, 80);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(c.all.buf, want[i]))
			fail_msg("missing %s in:\n%s", want[i], c.all.buf);
	/* Every URL is defanged: nothing a terminal would make a live link of. */
	assert_null(strstr(c.all.buf, "https://login"));
	assert_null(strstr(c.all.buf, "http://203"));
	assert_null(strstr(c.all.buf, "evil.example/"));
	/* The 150 x of the subject are cut with an ellipsis after four lines. */
	assert_non_null(strstr(c.all.buf, "x\xe2\x80\xa6\n"));
	ppsbuf_release(&c.all);
	json_decref(j);
}

static void test_inspect__empty_and_unlimited(void **state)
{
	json_t *empty = json_object(), *j = load("hostile.json");
	struct collected c;

	(void)state;
	render(&c, empty, 80);
	assert_int_equal(c.headings, 7);
	ppsbuf_release(&c.all);
	render(&c, j, 0);
	/* No limit: the long query string stays on one line. */
	assert_true(c.widest > 200);
	assert_inert(c.all.buf);
	ppsbuf_release(&c.all);
	json_decref(empty);
	json_decref(j);
}

static void defang(const char *in, const char *want)
{
	ppsbuf b = PPSBUF_INIT;

	assert_int_equal(cli_defang(&b, in, strlen(in)), 0);
	assert_string_equal(b.buf, want);
	ppsbuf_release(&b);
}

static void test_inspect__defang(void **state)
{
	(void)state;
	defang("https://example.com", "hxxps://example[.]com");
	defang("HTTP://a.b.c/x.y?z=1.2#f.g", "hxxp://a[.]b[.]c/x.y?z=1.2#f.g");
	defang("ftp://files.example.org/a.zip", "fxp://files[.]example[.]org/a.zip");
	defang("mailto:x@y.z", "mailto:x@y.z");
	defang("ssh://h.example", "ssh://h.example");
	defang("https://urldefense.com/v3/__https://a.b/c__;!!x$",
	       "hxxps://urldefense[.]com/v3/__hxxps://a[.]b/c__;!!x$");
	defang("see http://a.b and HTTPS://c.d.", "see hxxp://a[.]b and hxxps://c[.]d[.]");
	defang("https://user@host.example:8443/p", "hxxps://user@host[.]example:8443/p");
	defang("", "");
}

/* The unescaped pipes of a markdown line. */
static int pipes(const char *line, size_t n)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == '\\')
			i++;
		else if (line[i] == '|')
			k++;
	}
	return k;
}

static void test_inspect__markdown_escapes(void **state)
{
	json_t *j = load("hostile.json");
	ppsbuf b = PPSBUF_INIT;
	const char *p, *want[] = {
		"# Message inspection: spoof\\x1b\\[2J.eml\n",
		"## Headers\n",
		"| From | \"ceo@example.com\" \\<attacker@evil.example\\> |\n",
		"- From's display name holds another address: ceo@example.com\n",
		"## Received (newest first)\n",
		"| 1 | mail.evil.example \\[203.0.113.5\\] | mx1.example.com | ESMTPS | "
		"2024-07-01T08:00:05Z | 5 | yes |\n",
		"| DMARC | fail |  |\n",
		"| DKIM | pass | evil.example |\n",
		"## Body (text/html, cut)\n",
		"    # not a heading\n",
		"    Regards | CEO\n",
		"| 1 | hxxps://login\\[.\\]evil\\[.\\]example/verify?u=1&x=\\|pipe | html:href, "
		"text | "
		"hxxps://www\\[.\\]paypal\\[.\\]com/ | "
		"hxxps://urldefense\\[.\\]com/v3/\\_\\_hxxps://",
		"| 2 | report\\|\\u202eq4.docm | ",
		"- bad\\_boundary: part 3: closing boundary missing \\x1b\\[5m\n",
	};
	size_t ncols = 0;
	int in_table = 0, in_body = 0;

	(void)state;
	assert_int_equal(cli_inspect_markdown(&b, j), 0);
	assert_inert(b.buf);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(b.buf, want[i]))
			fail_msg("missing %s in:\n%s", want[i], b.buf);
	assert_null(strstr(b.buf, "https://login"));
	/* Every row of a table has as many cells as its header (no pipe of the data counts). */
	for (p = b.buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, "## ", 3))
			in_body = !strncmp(p, "## Body", 7);
		if (n && p[0] == '|' && !in_body) {
			if (!in_table)
				ncols = (size_t)pipes(p, n);
			assert_int_equal(pipes(p, n), (int)ncols);
			in_table = 1;
		} else {
			in_table = 0;
		}
		if (in_body && n && strncmp(p, "## ", 3))
			assert_memory_equal(p, "    ", 4);
		p += n + (nl != NULL);
	}
	ppsbuf_release(&b);
	json_decref(j);
}

static size_t count_type(const json_t *iocs, const char *type)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(iocs, i, v)
		n += !strcmp(json_string_value(json_object_get(v, "type")), type);
	return n;
}

static void test_inspect__iocs_once_each(void **state)
{
	json_t *j = load("hostile.json"), *iocs = cli_inspect_iocs(j), *v;
	size_t i;
	int saw_md5 = 0;

	(void)state;
	assert_non_null(iocs);
	assert_int_equal(count_type(iocs, "url"), 3);
	/* login.evil.example, evil.example, collect.example.net, example.com */
	assert_int_equal(count_type(iocs, "domain"), 4);
	/* 203.0.113.9 (a URL), 203.0.113.5 and 2001:db8::1 (the hops) */
	assert_int_equal(count_type(iocs, "ip"), 3);
	assert_int_equal(count_type(iocs, "email"), 4);
	/* Attachments 2 and 3 have the same content: one indicator, found in both. */
	assert_int_equal(count_type(iocs, "md5"), 2);
	assert_int_equal(count_type(iocs, "sha1"), 2);
	assert_int_equal(count_type(iocs, "sha256"), 2);
	json_array_foreach(iocs, i, v)
	{
		const char *value = json_string_value(json_object_get(v, "value"));

		assert_string_equal(json_string_value(json_object_get(v, "source")),
				    "spoof\x1b[2J.eml");
		assert_true(json_array_size(json_object_get(v, "found_in")) >= 1);
		if (!strcmp(value, "0cc175b9c0f1b6a831c399e269772661")) {
			assert_int_equal(json_array_size(json_object_get(v, "found_in")), 2);
			saw_md5 = 1;
		}
	}
	assert_true(saw_md5);
	json_decref(iocs);
	json_decref(j);
}

/* One attachment through the callback as the library gives it: pieces, then its meta. */
static void feed(cli_extract *x, size_t index, const char *filename, const char *data, int hashed)
{
	json_t *meta = json_pack("{s:s?, s:I, s:s?}", "filename", filename, "size",
				 (json_int_t)strlen(data), "sha256", hashed ? "00" : NULL);
	size_t half = strlen(data) / 2;

	assert_non_null(meta);
	assert_int_equal(cli_extract_piece(x, index, data, half, NULL), 0);
	assert_int_equal(cli_extract_piece(x, index, data + half, strlen(data) - half, NULL), 0);
	assert_int_equal(cli_extract_piece(x, index, NULL, 0, meta), 0);
	json_decref(meta);
}

static void assert_file(const char *dir, const char *name, const char *want)
{
	char path[4096], got[64] = { 0 };
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s was not written", path);
	assert_int_equal(fread(got, 1, sizeof(got) - 1, f), strlen(want));
	fclose(f);
	assert_string_equal(got, want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* The names in folder dir, but . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_inspect__extract_names_and_cuts(void **state)
{
	char dir[1024], sub[2048], cmd[4200];
	cli_extract *x = NULL;
	json_t *insp = json_pack("{s:[{}, {}, {}, {}, {}, {}]}", "attachments");
	FILE *null = fopen("/dev/null", "w");
	struct stat st;

	(void)state;
	assert_non_null(th_tmpdir(dir, sizeof(dir), "extract"));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	assert_int_equal(cli_extract_new(&x, sub, null, null), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	feed(x, 0, "report.pdf", "first", 1);
	feed(x, 1, "report.pdf", "second", 1);
	feed(x, 2, "cut.bin", "half of it", 0);
	feed(x, 3, NULL, "nameless", 1);
	feed(x, 4, ".profile", "dot", 1);
	feed(x, 5, "a/../../b", "slash", 1);
	/* The cut one is a failure, the others written. */
	assert_int_equal(cli_extract_done(x, insp), 1);
	assert_file(sub, "report.pdf", "first");
	assert_file(sub, "report (2).pdf", "second");
	assert_file(sub, "attachment-4.bin", "nameless");
	assert_file(sub, "_profile", "dot");
	assert_file(sub, "attachment-6.bin", "slash");
	snprintf(cmd, sizeof(cmd), "%s/cut.bin", sub);
	assert_int_not_equal(access(cmd, F_OK), 0);
	snprintf(cmd, sizeof(cmd), "%s/report (2).pdf", sub);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(insp, "attachments"), 1), "extracted")),
		cmd);
	assert_null(json_object_get(json_array_get(json_object_get(insp, "attachments"), 2),
				    "extracted"));
	/* Nothing else in the folder: no temporary file left. */
	assert_int_equal(entries(sub), 5);
	cli_extract_free(x);
	assert_int_equal(th_rmtree(dir), 0);
	json_decref(insp);
	fclose(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect__lines_fit_the_width),
		cmocka_unit_test(test_inspect__sections_flags_and_defanging),
		cmocka_unit_test(test_inspect__empty_and_unlimited),
		cmocka_unit_test(test_inspect__defang),
		cmocka_unit_test(test_inspect__markdown_escapes),
		cmocka_unit_test(test_inspect__iocs_once_each),
		cmocka_unit_test(test_inspect__extract_names_and_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
