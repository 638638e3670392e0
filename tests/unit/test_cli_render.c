/* Unit tests of src/cli/render.c: every format, escaping, width fitting, write errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/render.h"

static const char *const ss_columns[] = { "GUID",    "Date",	     "Sender", "Recipients",
					  "Subject", "Final_Action", NULL };
/* The command table's layout rules of the Smart Search table. */
static const cli_column_rule ss_rules[] = {
	{ "GUID", CLI_COL_ID, 0 },
	{ "Subject", CLI_COL_TEXT, 3 },
	{ "Sender", CLI_COL_TEXT, 2 },
	{ "Recipients", CLI_COL_TEXT, 2 },
	{ "Final_Action", CLI_COL_FIXED, 1 },
	{ "Date", CLI_COL_FIXED, 1 },
	{ NULL, CLI_COL_TEXT, 0 },
};
static const cli_output_spec ss_spec = {
	.title = "Proofpoint Protection Server Smart Search Results",
	.context = "Proofpoint.SmartSearch",
	.key = "GUID",
	.columns = ss_columns,
	.single = 0,
	.rules = ss_rules,
};

static const char *const q_columns[] = { "localguid", "folder",	 "spamscore", "from",	 "rcpts",
					 "date",      "subject", "size",      "host_ip", NULL };
static const cli_output_spec q_spec = {
	.title = "Proofpoint Protection Server Quarantined Messages",
	.context = "Proofpoint.QuarantinedMessage",
	.key = "guid",
	.columns = q_columns,
	.single = 0,
};

static const char *const user_columns[] = { "uid",     "email",	       "firstname", "lastname",
					    "created", "lastmodified", NULL };
static const cli_output_spec user_spec = {
	.title = "Proofpoint Protection Server Users",
	.context = "Proofpoint.User",
	.key = "email",
	.columns = user_columns,
	.single = 1,
};

/* The recorded Smart Search record of the spec, section 8. */
static const char ss_record[] =
	"{\"Rule_ID\":\"system\",\"Disposition_Action\":\"\",\"Sendmail_Action\":\"\","
	"\"Attachment_Names\":\"\",\"Recipients\":\"user@example.com\",\"SendmailRaw_Log\":\"\","
	"\"GUID\":\"9rLtu31xs8H24NF8KcRw-S6EihtLK-y_\",\"Date\":\"2020-05-20 14:13:02 "
	"[UTC-0600]\",\"Raw_Log\":\"\",\"Sender_Host\":\"localhost\",\"Module_ID\":\"access\","
	"\"Sender_IP_Address\":\"127.0.0.1\",\"Quarantine_Folder\":\"\",\"QID\":\"u8P6D24m919880\","
	"\"Quarantine_Rule\":\"\",\"Duration\":\"0.124094999905240\",\"Spam_Score\":\"\","
	"\"country\":\"**\",\"TLS\":\"\",\"Policy_Routes\":\"allow_relay,firewallsafe,"
	"internalnet\","
	"\"current_folder\":\"\",\"FID\":\"8lLtu31xs8H24NF8McYw-S6EidtLK-y_\","
	"\"module_rules\":[\"access.system\"],\"PE_Recipients\":\"\",\"Virus_Names\":\"\","
	"\"Sendmail_Errorcode\":\"\",\"FQIN\":\"example.com-10000_instance1\","
	"\"SMIME_Recipients\":\"\",\"Agent\":\"example.com\",\"Subject\":\"Cron <pps@user> "
	"/opt/proofpoint/pps8.0.1.1446/admin/tools/dbutil.sh -optimize -db msgqueue\","
	"\"Final_Rule\":\"access.system\",\"Suborg\":\"\",\"SMIME_Recipients_Signed\":\"\","
	"\"Message_Encrypted\":\"\",\"Message_Split\":\"\",\"Disposition_SmtpProfile\":\"\","
	"\"Sendmail_To\":\"\",\"Sendmail_Stat\":\"\",\"SID\":\"25nnq08028\","
	"\"Message_ID\":\"<551609250613.u8P6D1l3019878@user.example.com>\","
	"\"Final_Action\":\"accept\",\"Sender\":\"root@user.example.com\","
	"\"Sendmail_To_Stat\":\"\",\"Message_Size\":\"1142\"}";

/* The recorded quarantine search of the spec, section 8. */
static const char q_records[] =
	"[{\"processingserver\":\"...\",\"date\":\"2020-01-15 20:00:00\",\"subject\":\"Loan\","
	"\"messageid\":\"YATQ2LPCWC3MFA2YUTDH.448380834@example.net\",\"folder\":\"Quarantine\","
	"\"size\":\"6496\",\"rcpts\":[\"foo@bar.com\"],\"from\":\"john@doe.com\","
	"\"spamscore\":\"100\",\"guid\":\"lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO\","
	"\"host_ip\":\"[10.54.40.3] [10.54.40.3]\",\"localguid\":\"6:6:239\"},"
	"{\"processingserver\":\"...\",\"date\":\"2020-01-22 10:00:18\",\"subject\":\"Loan\","
	"\"messageid\":\"TLW25LKOCDR72DBE06JF.221045479@email1.example.com\","
	"\"folder\":\"Quarantine\",\"size\":\"6143\",\"rcpts\":[\"user@test.com\"],"
	"\"from\":\"john@doe.com\",\"spamscore\":\"100\","
	"\"guid\":\"edlp0pU9YXkWB5nmat91i9HUl7J-K-ep\",\"host_ip\":\"[10.12.40.4] [10.12.40.4]\","
	"\"localguid\":\"6:6:4\"}]";

/* "[" record "]", malloc'd. */
static char *in_array(const char *record)
{
	size_t n = strlen(record) + 3;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "[%s]", record);
	return s;
}

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (!v)
		fail_msg("bad test JSON: %s", e.text);
	return v;
}

/* Renders into memory; returns the malloc'd output and checks the return code. */
static char *render(cli_format fmt, int width, int color, const cli_output_spec *spec,
		    const json_t *records, size_t *len_out)
{
	cli_render_opts opts = { .format = fmt, .width = width, .color = color };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cli_render_records(f, &opts, spec, records), 0);
	assert_int_equal(fclose(f), 0);
	if (len_out)
		*len_out = len;
	return buf;
}

static char *render_text(cli_format fmt, const cli_output_spec *spec, const char *json)
{
	json_t *v = load(json);
	char *s = render(fmt, 0, 0, spec, v, NULL);

	json_decref(v);
	return s;
}

static char *message(cli_format fmt, const char *text)
{
	cli_render_opts opts = { .format = fmt };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cli_render_message(f, &opts, text), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_md_cell(const char *json, const char *want)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	char *got;

	assert_non_null(v);
	got = cli_markdown_cell(v);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("cell of %s: got '%s', want '%s'", json, got, want);
	free(got);
	json_decref(v);
}

static void test_render__format_names(void **state)
{
	cli_format f = CLI_FMT_RAW;

	(void)state;
	assert_int_equal(cli_format_parse("table", &f), 0);
	assert_int_equal(f, CLI_FMT_TABLE);
	assert_int_equal(cli_format_parse("markdown", &f), 0);
	assert_int_equal(f, CLI_FMT_MARKDOWN);
	assert_int_equal(cli_format_parse("json", &f), 0);
	assert_int_equal(f, CLI_FMT_JSON);
	assert_int_equal(cli_format_parse("ndjson", &f), 0);
	assert_int_equal(f, CLI_FMT_NDJSON);
	assert_int_equal(cli_format_parse("csv", &f), 0);
	assert_int_equal(f, CLI_FMT_CSV);
	assert_int_equal(cli_format_parse("raw", &f), 0);
	assert_int_equal(f, CLI_FMT_RAW);
	assert_int_equal(cli_format_parse("yaml", &f), -1);
	assert_int_equal(cli_format_parse("", &f), -1);
	assert_int_equal(cli_format_parse(NULL, &f), -1);
}

static void test_render__markdown_recorded_smart_search(void **state)
{
	char *recs, *out;

	(void)state;
	recs = in_array(ss_record);
	out = render_text(CLI_FMT_MARKDOWN, &ss_spec, recs);
	/* Angle brackets are not escaped (spec 7a: only | and the backtick). */
	assert_string_equal(
		out, "### Proofpoint Protection Server Smart Search Results\n"
		     "|GUID|Date|Sender|Recipients|Subject|Final_Action|\n"
		     "|---|---|---|---|---|---|\n"
		     "| 9rLtu31xs8H24NF8KcRw-S6EihtLK-y_ | 2020-05-20 14:13:02 [UTC-0600] | "
		     "root@user.example.com | user@example.com | Cron <pps@user> "
		     "/opt/proofpoint/pps8.0.1.1446/admin/tools/dbutil.sh -optimize -db msgqueue | "
		     "accept |\n");
	free(out);
	free(recs);
}

static void test_render__markdown_recorded_quarantine(void **state)
{
	char *out;

	(void)state;
	out = render_text(CLI_FMT_MARKDOWN, &q_spec, q_records);
	assert_string_equal(
		out,
		"### Proofpoint Protection Server Quarantined Messages\n"
		"|localguid|folder|spamscore|from|rcpts|date|subject|size|host_ip|\n"
		"|---|---|---|---|---|---|---|---|---|\n"
		"| 6:6:239 | Quarantine | 100 | john@doe.com | foo@bar.com | 2020-01-15 20:00:00 | "
		"Loan | 6496 | [10.54.40.3] [10.54.40.3] |\n"
		"| 6:6:4 | Quarantine | 100 | john@doe.com | user@test.com | 2020-01-22 10:00:18 | "
		"Loan | 6143 | [10.12.40.4] [10.12.40.4] |\n");
	free(out);
}

static void test_render__markdown_cells(void **state)
{
	(void)state;
	assert_md_cell("\"plain\"", "plain");
	assert_md_cell("\"a|b`c\"", "a\\|b\\`c");
	assert_md_cell("\"l1\\r\\nl2\\nl3\\rl4\"", "l1<br>l2<br>l3<br>l4");
	assert_md_cell("\"<b>*bold*</b>\"", "<b>*bold*</b>");
	assert_md_cell("[\"a\",\"b|c\"]", "a,<br>b\\|c");
	assert_md_cell("[\"only\"]", "only");
	assert_md_cell("[]", "");
	assert_md_cell("[1,true,null,{\"k\":\"v\"}]", "1,<br>true,<br>null,<br>{\"k\": \"v\"}");
	assert_md_cell("{\"k\":\"v\",\"l\":[\"x\",\"y\"],\"n\":1,\"o\":{\"a\":2}}",
		       "k: v<br>l: x,<br>y<br>n: 1<br>o: {\"a\": 2}");
	assert_md_cell("42", "42");
	assert_md_cell("false", "false");
	assert_md_cell("null", "");
	assert_md_cell("\"esc\\u001b[31mred\"", "esc\\x1b[31mred");
	assert_md_cell("\"csi\\u009b2J rlo\\u202egnp.exe\"", "csi\\x9b2J rlo\\u202egnp.exe");
	assert_md_cell("\"tab\\there\"", "tab\there");
	assert_md_cell("\"caf\\u00e9 \\u6f22\"", "caf\xc3\xa9 \xe6\xbc\xa2");
	{
		char *s = cli_markdown_cell(NULL);
		assert_non_null(s);
		assert_string_equal(s, "");
		free(s);
	}
}

static void test_render__markdown_missing_and_empty(void **state)
{
	static const char *const cols[] = { "a", "b", NULL };
	cli_output_spec spec = { "T", "X.Y", "a", cols, 0, NULL };
	char *out;

	(void)state;
	out = render_text(CLI_FMT_MARKDOWN, &spec,
			  "[{\"b\":\"x\"},{\"a\":null,\"b\":[\"p\",\"q\"]}]");
	assert_string_equal(out, "### T\n|a|b|\n|---|---|\n|  | x |\n|  | p,<br>q |\n");
	free(out);
	out = render_text(CLI_FMT_MARKDOWN, &spec, "[]");
	assert_string_equal(out, "No results found.\n");
	free(out);
	out = render(CLI_FMT_MARKDOWN, 0, 0, &spec, NULL, NULL);
	assert_string_equal(out, "No results found.\n");
	free(out);
}

static void test_render__csv_fields(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },	    { "", "" },
		{ "a,b", "\"a,b\"" },	    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "l1\nl2", "\"l1\nl2\"" }, { "cr\r", "\"cr\r\"" },
		{ "=SUM(A1)", "=SUM(A1)" }, { " spaced ", " spaced " },
		{ "\"", "\"\"\"\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = cli_csv_field(cases[i].in);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	assert_null(cli_csv_field(NULL));
}

static void test_render__csv_records(void **state)
{
	static const char *const cols[] = { "name", "list", "obj", "num", "missing", NULL };
	cli_output_spec spec = { "T", "X.Y", "name", cols, 0, NULL };
	char *out;

	(void)state;
	out = render_text(
		CLI_FMT_CSV, &spec,
		"[{\"name\":\"a \\\"b\\\", c\",\"list\":[\"x\",\"y\"],\"obj\":{\"k\":1},"
		"\"num\":23104551},"
		"{\"name\":\"line1\\nline2\",\"list\":[\"one\"],\"obj\":null,\"num\":true}]");
	/* LF by default: awk and cut see no stray CR in the last field. */
	assert_string_equal(out, "name,list,obj,num,missing\n"
				 "\"a \"\"b\"\", c\",\"x,y\",\"{\"\"k\"\":1}\",23104551,\n"
				 "\"line1\nline2\",one,,true,\n");
	free(out);
	out = render_text(CLI_FMT_CSV, &spec, "[]");
	assert_string_equal(out, "name,list,obj,num,missing\n");
	free(out);
}

/* On a terminal a table is printed a screenful at a time, each page with its header. */
static void test_render__table_pages_on_a_terminal(void **state)
{
	static const char *const cols[] = { "id", NULL };
	cli_output_spec spec = { .title = "Title", .columns = cols };
	cli_render_opts opts = { .format = CLI_FMT_TABLE, .width = 80, .height = 2 };
	json_t *recs = load("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"},{\"id\":\"d\"},"
			    "{\"id\":\"e\"}]");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(cli_render_records(f, &opts, &spec, recs), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "Title\nid\n--\na\nb\nid\n--\nc\nd\nid\n--\ne\n");
	free(buf);
	json_decref(recs);
}

static void test_render__table_aligned(void **state)
{
	static const char *const cols[] = { "id", "name", "tags", NULL };
	cli_output_spec spec = { "People", "X.Y", "id", cols, 0, NULL };
	char *out;

	(void)state;
	out = render_text(CLI_FMT_TABLE, &spec,
			  "[{\"id\":\"1\",\"name\":\"Ann\",\"tags\":[\"a\",\"b\"]},"
			  "{\"id\":\"22\",\"name\":\"Bartholomew\",\"tags\":\"x\"},"
			  "{\"id\":333}]");
	assert_string_equal(out, "People\n"
				 "id   name         tags\n"
				 "---  -----------  ----\n"
				 "1    Ann          a, b\n"
				 "22   Bartholomew  x\n"
				 "333\n");
	free(out);
}

static void test_render__table_quarantine_records(void **state)
{
	char *out;

	(void)state;
	out = render_text(CLI_FMT_TABLE, &q_spec, q_records);
	/* Padding is never left at the end of a line. */
	assert_null(strstr(out, " \n"));
	/* The key (guid, which a download needs) follows the first column. */
	assert_non_null(strstr(out, "Proofpoint Protection Server Quarantined Messages\n"
				    "localguid  guid                              folder      "
				    "spamscore  from          rcpts"));
	assert_non_null(strstr(out, "\n6:6:4      edlp0pU9YXkWB5nmat91i9HUl7J-K-ep  Quarantine  "
				    "100        john@doe.com  user@test.com"));
	free(out);
}

static void test_render__table_empty(void **state)
{
	char *out;

	(void)state;
	out = render_text(CLI_FMT_TABLE, &ss_spec, "[]");
	assert_string_equal(out, "No results found.\n");
	free(out);
}

/* Every line of s fits in width columns. */
static void assert_lines_fit(const char *s, size_t width)
{
	char *copy = strdup(s), *save = NULL;

	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t w = cli_display_width(line);
		if (w > width)
			fail_msg("line '%s' is %zu columns wide, more than %zu", line, w, width);
	}
	free(copy);
}

static void test_render__table_fits_width_with_wide_characters(void **state)
{
	static const char *const cols[] = { "k", "wide", "text", NULL };
	cli_output_spec spec = { NULL, "X.Y", "k", cols, 0, NULL };
	json_t *v;
	char *out;

	(void)state;
	/* 漢字 is four columns, the emoji two, each ASCII letter one. */
	v = load("[{\"k\":\"a\",\"wide\":\"\\u6f22\\u5b57\\u6f22\\u5b57\\u6f22\\u5b57\\u6f22\\u5b57"
		 "\\u6f22\\u5b57\",\"text\":\"\\ud83d\\ude00 smile and a long tail of words\"}]");
	out = render(CLI_FMT_TABLE, 0, 0, &spec, v, NULL);
	assert_string_equal(out, "k  wide                  text\n"
				 "-  --------------------  ---------------------------------\n"
				 "a  \xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
				 "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97  "
				 "\xf0\x9f\x98\x80 smile and a long tail of words\n");
	free(out);

	/* 40 columns: the key stays whole; the two text columns of one rank share the rest,
	 * the widest cut first: wide 18, text 17. */
	out = render(CLI_FMT_TABLE, 40, 0, &spec, v, NULL);
	assert_lines_fit(out, 40);
	assert_string_equal(out, "k  wide                text\n"
				 "-  ------------------  -----------------\n"
				 "a  \xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
				 "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe2\x80\xa6   "
				 "\xf0\x9f\x98\x80 smile and a l\xe2\x80\xa6\n");
	free(out);

	/* 25 columns: both shrink; a wide character that would straddle the edge is left out. */
	out = render(CLI_FMT_TABLE, 25, 0, &spec, v, NULL);
	assert_lines_fit(out, 25);
	assert_non_null(strstr(out, "\xe2\x80\xa6"));
	assert_string_equal(out,
			    "k  wide        text\n"
			    "-  ----------  ----------\n"
			    "a  \xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe2\x80\xa6   "
			    "\xf0\x9f\x98\x80 smile \xe2\x80\xa6\n");
	free(out);

	/* Too narrow for the minimum: the text columns are hidden, the key stays. */
	out = render(CLI_FMT_TABLE, 5, 0, &spec, v, NULL);
	assert_string_equal(out, "k\n-\na\n");
	free(out);
	json_decref(v);
}

static void test_render__table_keeps_the_key_column(void **state)
{
	char *recs = in_array(ss_record), *out;
	json_t *v = load(recs);

	(void)state;
	/* The GUID (the key) stays whole while the others shrink. */
	out = render(CLI_FMT_TABLE, 100, 0, &ss_spec, v, NULL);
	assert_lines_fit(out, 100);
	assert_non_null(strstr(out, "\n9rLtu31xs8H24NF8KcRw-S6EihtLK-y_  root@"));
	assert_non_null(strstr(out, "\xe2\x80\xa6"));
	free(out);
	/* Narrower, other columns are hidden rather than the key cut. */
	out = render(CLI_FMT_TABLE, 60, 0, &ss_spec, v, NULL);
	assert_lines_fit(out, 60);
	assert_non_null(strstr(out, "\n9rLtu31xs8H24NF8KcRw-S6EihtLK-y_  "));
	free(out);
	/* Even narrower than the key: the key alone, whole, wider than asked. */
	out = render(CLI_FMT_TABLE, 20, 0, &ss_spec, v, NULL);
	assert_string_equal(out, "Proofpoint Protection Server Smart Search Results\n"
				 "GUID\n"
				 "--------------------------------\n"
				 "9rLtu31xs8H24NF8KcRw-S6EihtLK-y_\n");
	free(out);
	json_decref(v);
	free(recs);
}

static char *render_opts(const cli_render_opts *opts, const cli_output_spec *spec, const char *json)
{
	json_t *v = load(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cli_render_records(f, opts, spec, v), 0);
	assert_int_equal(fclose(f), 0);
	json_decref(v);
	return buf;
}

static void test_render__csv_guards_formulas_unless_raw(void **state)
{
	static const char *const cols[] = { "a", "b", NULL };
	cli_output_spec spec = { "T", "X.Y", "a", cols, 0, NULL };
	cli_render_opts opts = { .format = CLI_FMT_CSV };
	const char *recs = "[{\"a\":\"=HYPERLINK(\\\"x\\\")\",\"b\":\"+1\"},"
			   "{\"a\":\"-2\",\"b\":\"@SUM(A1)\"},"
			   "{\"a\":\"esc\\u001b]52;c;eA==\\u0007\",\"b\":\"ok\"}]";
	char *out;

	(void)state;
	out = render_opts(&opts, &spec, recs);
	assert_string_equal(out, "a,b\n"
				 "\"'=HYPERLINK(\"\"x\"\")\",'+1\n"
				 "'-2,'@SUM(A1)\n"
				 "esc\\x1b]52;c;eA==\\x07,ok\n");
	free(out);
	opts.csv_raw = 1;
	opts.csv_crlf = 1;
	out = render_opts(&opts, &spec, recs);
	assert_string_equal(out, "a,b\r\n"
				 "\"=HYPERLINK(\"\"x\"\")\",+1\r\n"
				 "-2,@SUM(A1)\r\n"
				 "esc\x1b]52;c;eA==\x07,ok\r\n");
	free(out);
}

static void test_render__json_escapes_c1_and_bidi(void **state)
{
	static const char *const cols[] = { "s", NULL };
	cli_output_spec spec = { "T", "X.Y", "s", cols, 0, NULL };
	cli_render_opts opts = { .format = CLI_FMT_JSON };
	const char *recs = "[{\"s\":\"\\u009b2J \\u202etxt.exe \\u001b caf\\u00e9\"}]";
	json_t *back;
	char *out;

	(void)state;
	out = render_opts(&opts, &spec, recs);
	assert_non_null(strstr(out, "\"\\u009b2J \\u202etxt.exe \\u001B caf\xc3\xa9\""));
	/* The text a JSON reader gets back is the server's, unchanged. */
	back = json_loads(out, 0, NULL);
	assert_non_null(back);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(json_object_get(back, "X"), "Y"), 0), "s")),
		"\xc2\x9b"
		"2J \xe2\x80\xaetxt.exe \x1b caf\xc3\xa9");
	json_decref(back);
	free(out);
	opts.format = CLI_FMT_NDJSON;
	out = render_opts(&opts, &spec, recs);
	assert_null(strstr(out, "\xc2\x9b"));
	assert_null(strstr(out, "\xe2\x80\xae"));
	free(out);
}

static void test_render__fields_select_columns(void **state)
{
	static const char *const fields[] = { "Subject", "GUID", NULL };
	cli_render_opts opts = { .format = CLI_FMT_CSV, .fields = fields };
	char *recs = in_array(ss_record), *out;

	(void)state;
	out = render_opts(&opts, &ss_spec, recs);
	assert_string_equal(out,
			    "Subject,GUID\n"
			    "Cron <pps@user> /opt/proofpoint/pps8.0.1.1446/admin/tools/"
			    "dbutil.sh -optimize -db msgqueue,9rLtu31xs8H24NF8KcRw-S6EihtLK-y_\n");
	free(out);
	opts.format = CLI_FMT_NDJSON;
	out = render_opts(&opts, &ss_spec, recs);
	assert_string_equal(out, "{\"Subject\":\"Cron <pps@user> /opt/proofpoint/"
				 "pps8.0.1.1446/admin/tools/dbutil.sh -optimize -db msgqueue\","
				 "\"GUID\":\"9rLtu31xs8H24NF8KcRw-S6EihtLK-y_\"}\n");
	free(out);
	free(recs);
}

static void test_render__wide_ignores_the_width_and_narrow_notes_once(void **state)
{
	cli_render_opts opts = { .format = CLI_FMT_WIDE, .width = 60 };
	char *recs = in_array(ss_record), *out, *notes = NULL;
	size_t nlen = 0;

	(void)state;
	out = render_opts(&opts, &ss_spec, recs);
	assert_non_null(strstr(out, "dbutil.sh -optimize -db msgqueue  accept"));
	assert_null(strstr(out, "\xe2\x80\xa6"));
	free(out);
	opts.format = CLI_FMT_TABLE;
	opts.notes = open_memstream(&notes, &nlen);
	assert_non_null(opts.notes);
	out = render_opts(&opts, &ss_spec, recs);
	assert_int_equal(fclose(opts.notes), 0);
	assert_lines_fit(out, 60);
	/* The note fits the terminal too. */
	assert_string_equal(notes, "pps: hidden to fit the terminal: Date, Recipients,\n"
				   "  Final_Action; -o wide or -o json shows every column\n");
	free(notes);
	free(out);
	free(recs);
}

static void test_render__display_width(void **state)
{
	(void)state;
	assert_int_equal(cli_display_width(""), 0);
	assert_int_equal(cli_display_width(NULL), 0);
	assert_int_equal(cli_display_width("abc"), 3);
	assert_int_equal(cli_display_width("\xe6\xbc\xa2\xe5\xad\x97"), 4);
	assert_int_equal(cli_display_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(cli_display_width("e\xcc\x81"), 1);
	assert_int_equal(cli_display_width("\xff"), 1);
	assert_int_equal(cli_display_width("a\xff\xfe"
					   "b"),
			 4);
	assert_int_equal(cli_display_width("\xe2\x80\xa6"), 1);
}

static void test_render__table_strips_controls(void **state)
{
	static const char *const cols[] = { "s", NULL };
	cli_output_spec spec = { "T", "X.Y", "s", cols, 0, NULL };
	json_t *recs = json_array(), *rec = json_object();
	char *out;
	size_t len;

	(void)state;
	json_object_set_new(rec, "s",
			    json_stringn_nocheck("\x1b]0;pwn\x07[31mred\x1b[0m\ttab\nnl\r"
						 "cr\xc2\x9b"
						 "c1\xe2\x80\xae"
						 "bidi\xff"
						 "bad\0nul",
						 48));
	json_array_append_new(recs, rec);
	out = render(CLI_FMT_TABLE, 0, 0, &spec, recs, &len);
	assert_int_equal(strlen(out), len);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_null(strchr(out, '\t'));
	assert_null(strchr(out, '\r'));
	assert_null(strstr(out, "\xc2\x9b"));
	assert_null(strstr(out, "\xe2\x80\xae"));
	/* Tab and line breaks become a space; the other controls are shown, not obeyed. */
	assert_string_equal(out,
			    "T\n"
			    "s\n"
			    "-----------------------------------------------------------------\n"
			    "\\x1b]0;pwn\\x07[31mred\\x1b[0m tab nl cr\\x9bc1\\u202ebidi"
			    "\xef\xbf\xbd"
			    "bad\\x00nul\n");
	free(out);
	json_decref(recs);
}

static void test_render__table_color_only_on_request(void **state)
{
	static const char *const cols[] = { "a", NULL };
	cli_output_spec spec = { "T", "X.Y", "a", cols, 0, NULL };
	json_t *v = load("[{\"a\":\"x\"}]");
	char *out;

	(void)state;
	out = render(CLI_FMT_TABLE, 0, 1, &spec, v, NULL);
	assert_string_equal(out, "T\n\x1b[1ma\x1b[0m\n-\nx\n");
	free(out);
	out = render(CLI_FMT_TABLE, 0, 0, &spec, v, NULL);
	assert_null(strchr(out, '\x1b'));
	free(out);
	json_decref(v);
}

static void test_render__table_columns_from_first_record(void **state)
{
	cli_output_spec spec = { NULL, NULL, NULL, NULL, 0, NULL };
	char *out;

	(void)state;
	out = render_text(CLI_FMT_TABLE, &spec, "[{\"z\":\"1\",\"a\":\"2\"}]");
	assert_string_equal(out, "z  a\n-  -\n1  2\n");
	free(out);
}

static void test_render__json_context_wrapping(void **state)
{
	static const char *const cols[] = { "z", NULL };
	cli_output_spec spec = { "T", "Proofpoint.SmartSearch", "z", cols, 0, NULL };
	char *out;

	(void)state;
	out = render_text(CLI_FMT_JSON, &spec,
			  "[{\"z\":\"caf\\u00e9\",\"a\":[\"x\",{\"k\":1}]},{\"n\":null}]");
	assert_string_equal(out, "{\n"
				 "  \"Proofpoint\": {\n"
				 "    \"SmartSearch\": [\n"
				 "      {\n"
				 "        \"z\": \"caf\xc3\xa9\",\n"
				 "        \"a\": [\n"
				 "          \"x\",\n"
				 "          {\n"
				 "            \"k\": 1\n"
				 "          }\n"
				 "        ]\n"
				 "      },\n"
				 "      {\n"
				 "        \"n\": null\n"
				 "      }\n"
				 "    ]\n"
				 "  }\n"
				 "}\n");
	free(out);
	out = render_text(CLI_FMT_JSON, &spec, "[]");
	assert_string_equal(out, "{\n  \"Proofpoint\": {\n    \"SmartSearch\": []\n  }\n}\n");
	free(out);
}

static void test_render__json_is_the_records_exactly(void **state)
{
	json_t *recs, *back, *want;
	json_error_t e;
	char *text, *out;

	(void)state;
	text = in_array(ss_record);
	recs = load(text);
	out = render(CLI_FMT_JSON, 0, 0, &ss_spec, recs, NULL);
	back = json_loads(out, 0, &e);
	assert_non_null(back);
	want = json_pack("{s:{s:O}}", "Proofpoint", "SmartSearch", recs);
	assert_true(json_equal(back, want));
	/* The server's key order is kept: Rule_ID first, Message_Size last. */
	assert_true(strstr(out, "Rule_ID") < strstr(out, "Message_Size"));
	json_decref(want);
	json_decref(back);
	json_decref(recs);
	free(out);
	free(text);
}

static void test_render__json_single_object(void **state)
{
	char *out;

	(void)state;
	out = render_text(CLI_FMT_JSON, &user_spec, "[{\"uid\":\"demo.user\",\"groups\":[]}]");
	assert_string_equal(out, "{\n"
				 "  \"Proofpoint\": {\n"
				 "    \"User\": {\n"
				 "      \"uid\": \"demo.user\",\n"
				 "      \"groups\": []\n"
				 "    }\n"
				 "  }\n"
				 "}\n");
	free(out);
	out = render_text(CLI_FMT_JSON, &user_spec, "[]");
	assert_string_equal(out, "{\n  \"Proofpoint\": {\n    \"User\": {}\n  }\n}\n");
	free(out);
}

static void test_render__ndjson(void **state)
{
	json_t *recs = json_array();
	char *out;
	size_t len, want = 0;

	(void)state;
	out = render_text(CLI_FMT_NDJSON, &q_spec, "[{\"b\":\"\\u00e9\",\"a\":[1,2]},{\"c\":{}}]");
	assert_string_equal(out, "{\"b\":\"\xc3\xa9\",\"a\":[1,2]}\n{\"c\":{}}\n");
	free(out);
	out = render_text(CLI_FMT_NDJSON, &q_spec, "[]");
	assert_string_equal(out, "");
	free(out);

	/* Enough records to pass through several internal flushes. */
	for (int i = 0; i < 5000; i++)
		json_array_append_new(recs, json_pack("{s:i,s:s}", "i", i, "pad",
						      "0123456789012345678901234567890123456789"));
	out = render(CLI_FMT_NDJSON, 0, 0, &q_spec, recs, &len);
	for (int i = 0; i < 5000; i++) {
		char line[128];
		int n = snprintf(line, sizeof(line), "{\"i\":%d,\"pad\":\"%s\"}\n", i,
				 "0123456789012345678901234567890123456789");
		want += (size_t)n;
	}
	assert_int_equal(len, want);
	assert_non_null(strstr(out, "\n{\"i\":4999,\"pad\":"));
	json_decref(recs);
	free(out);
}

static void test_render__raw_is_compact_records(void **state)
{
	char *out;

	(void)state;
	out = render_text(CLI_FMT_RAW, &q_spec, "[{\"a\":1}]");
	assert_string_equal(out, "[{\"a\":1}]\n");
	free(out);
}

static void test_render__messages(void **state)
{
	char *out;

	(void)state;
	out = message(CLI_FMT_TABLE, "Successfully moved message 4:2:6");
	assert_string_equal(out, "Successfully moved message 4:2:6\n");
	free(out);
	out = message(CLI_FMT_MARKDOWN, "User already exists");
	assert_string_equal(out, "User already exists\n");
	free(out);
	out = message(CLI_FMT_JSON, "Deleted User");
	assert_string_equal(out, "{\n  \"message\": \"Deleted User\"\n}\n");
	free(out);
	out = message(CLI_FMT_NDJSON, "say \"hi\"\n");
	assert_string_equal(out, "{\"message\":\"say \\\"hi\\\"\\n\"}\n");
	free(out);
	out = message(CLI_FMT_TABLE, "bad \x1b[2J\xff");
	assert_string_equal(out, "bad \\x1b[2J\xef\xbf\xbd\n");
	free(out);
	out = message(CLI_FMT_JSON, "bad \xff");
	assert_string_equal(out, "{\n  \"message\": \"bad \xef\xbf\xbd\"\n}\n");
	free(out);
}

static void test_render__write_errors_are_reported(void **state)
{
	cli_render_opts opts = { .format = CLI_FMT_NDJSON };
	json_t *recs = json_array();
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < 100; i++)
		json_array_append_new(recs, json_pack("{s:i}", "i", i));
	assert_int_equal(cli_render_records(f, &opts, &q_spec, recs), -1);
	clearerr(f);
	opts.format = CLI_FMT_TABLE;
	assert_int_equal(cli_render_records(f, &opts, &q_spec, recs), -1);
	clearerr(f);
	assert_int_equal(cli_render_message(f, &opts, "x"), -1);
	fclose(f);
	json_decref(recs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render__format_names),
		cmocka_unit_test(test_render__markdown_recorded_smart_search),
		cmocka_unit_test(test_render__markdown_recorded_quarantine),
		cmocka_unit_test(test_render__markdown_cells),
		cmocka_unit_test(test_render__markdown_missing_and_empty),
		cmocka_unit_test(test_render__csv_fields),
		cmocka_unit_test(test_render__csv_records),
		cmocka_unit_test(test_render__table_aligned),
		cmocka_unit_test(test_render__table_pages_on_a_terminal),
		cmocka_unit_test(test_render__table_quarantine_records),
		cmocka_unit_test(test_render__table_empty),
		cmocka_unit_test(test_render__table_fits_width_with_wide_characters),
		cmocka_unit_test(test_render__table_keeps_the_key_column),
		cmocka_unit_test(test_render__display_width),
		cmocka_unit_test(test_render__csv_guards_formulas_unless_raw),
		cmocka_unit_test(test_render__json_escapes_c1_and_bidi),
		cmocka_unit_test(test_render__fields_select_columns),
		cmocka_unit_test(test_render__wide_ignores_the_width_and_narrow_notes_once),
		cmocka_unit_test(test_render__table_strips_controls),
		cmocka_unit_test(test_render__table_color_only_on_request),
		cmocka_unit_test(test_render__table_columns_from_first_record),
		cmocka_unit_test(test_render__json_context_wrapping),
		cmocka_unit_test(test_render__json_is_the_records_exactly),
		cmocka_unit_test(test_render__json_single_object),
		cmocka_unit_test(test_render__ndjson),
		cmocka_unit_test(test_render__raw_is_compact_records),
		cmocka_unit_test(test_render__messages),
		cmocka_unit_test(test_render__write_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
