/*
 * Unit tests of src/cli/args.c, commands.c and the list readers of bulk.c: name=value, --name
 * value, --name=value, names, required, choices, booleans, defaults, times, JSON, GUID lists.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/args.h"
#include "cli/bulk.h"
#include "cli/commands.h"
#include "helpers.h"

/* 2020-05-20T12:00:00Z */
#define NOW ((int64_t)1589976000)

static char err[1024];

/* Parses words for the named command; returns the parse result, args in *a. */
static int parse(cli_args *a, const char *cmd, int argc, const char *const *argv)
{
	const cli_command *c = cli_command_find(cmd);

	assert_non_null(c);
	err[0] = '\0';
	return cli_args_parse(a, c, argc, argv, NOW, stdin, err, sizeof(err));
}

static void test_args__finds_short_reference_and_bang_names(void **state)
{
	(void)state;
	assert_string_equal(cli_command_find("smart-search")->name, "smart-search");
	assert_string_equal(cli_command_find("proofpoint-pps-smart-search")->name, "smart-search");
	assert_string_equal(cli_command_find("!proofpoint-pps-get-user")->name, "get-user");
	assert_string_equal(cli_command_find("!delete-user")->name, "delete-user");
	assert_null(cli_command_find("proofpoint-pps-"));
	assert_null(cli_command_find("smart"));
	assert_null(cli_command_find("proofpoint-pps-test"));
	assert_non_null(cli_command_find("test"));
}

static void test_args__table_has_every_command(void **state)
{
	size_t n = 0;

	(void)state;
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		n++;
		assert_non_null(c->run);
		assert_non_null(c->summary);
		assert_true(cli_command_nargs(c) <= CLI_MAX_ARGS);
	}
	assert_int_equal(n, 25);
}

/* inspect's operands: files and - in order; name=value only for its own names. */
static void test_args__operands_of_inspect(void **state)
{
	const char *words[] = { "a.eml", "-", "--iocs", "b=c.eml", "--extract", "out", "./-x" };
	const char *none[] = { "--iocs" };
	const char *opt[] = { "a.eml", "-z" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "inspect", 7, words), 0);
	assert_int_equal(a.noperands, 4);
	assert_string_equal(a.operands[0], "a.eml");
	assert_string_equal(a.operands[1], "-");
	assert_string_equal(a.operands[2], "b=c.eml");
	assert_string_equal(a.operands[3], "./-x");
	assert_string_equal(cli_args_get(&a, "extract"), "out");
	assert_true(a.boolean[cli_args_index(&a, "iocs")]);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "inspect", 1, none), -1);
	assert_string_equal(err,
			    "inspect needs FILE... | -: the files to read, - for standard input");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "inspect", 2, opt), -1);
	cli_args_release(&a);
	/* A command without operands still refuses a bare word. */
	assert_int_equal(parse(&a, "quarantine-message-inspect", 1, opt), -1);
	assert_non_null(strstr(err, "expected name=value"));
	cli_args_release(&a);
}

static void test_args__three_spellings(void **state)
{
	const char *argv[] = { "recipient=user@example.com", "--sender",   "root@x",
			       "--subject=Cron jobs",	     "--queue-id", "q1" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 6, argv), 0);
	assert_string_equal(cli_args_get(&a, "recipient"), "user@example.com");
	assert_string_equal(cli_args_get(&a, "sender"), "root@x");
	assert_string_equal(cli_args_get(&a, "subject"), "Cron jobs");
	assert_string_equal(cli_args_get(&a, "queue_id"), "q1");
	assert_null(cli_args_get(&a, "virus"));
	cli_args_release(&a);
}

static void test_args__value_may_hold_equals(void **state)
{
	const char *argv[] = { "subject=a=b" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 1, argv), 0);
	assert_string_equal(cli_args_get(&a, "subject"), "a=b");
	cli_args_release(&a);
}

static void test_args__unknown_name_lists_the_valid_ones(void **state)
{
	const char *argv[] = { "bucket=HIPAA" };
	const char *folder[] = { "folder=HIPAA" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-delete", 1, argv), -1);
	assert_non_null(strstr(err, "unknown argument 'bucket'"));
	assert_non_null(strstr(err, "folder_name, local_guid, deleted_folder"));
	cli_args_release(&a);
	/* A word that begins a name's parts is that name. */
	assert_int_equal(parse(&a, "quarantine-message-delete", 1, folder), -1);
	assert_string_equal(err, "unknown argument 'folder' for quarantine-message-delete: did "
				 "you mean 'folder_name'?");
	cli_args_release(&a);
}

static void test_args__bare_word_is_refused(void **state)
{
	const char *argv[] = { "HIPAA" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-delete", 1, argv), -1);
	assert_non_null(strstr(err, "expected name=value"));
	cli_args_release(&a);
}

static void test_args__missing_required(void **state)
{
	const char *argv[] = { "folder_name=HIPAA", "local_guid=4:2:6" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-forward", 2, argv), -1);
	assert_string_equal(err,
			    "missing required argument 'recipient' for quarantine-message-forward");
	cli_args_release(&a);
}

static void test_args__empty_required_is_missing(void **state)
{
	const char *argv[] = { "guid=" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-download", 1, argv), -1);
	assert_non_null(strstr(err, "missing required argument 'guid'"));
	cli_args_release(&a);
}

static void test_args__choices_are_named(void **state)
{
	const char *argv[] = { "action=deliver" };
	const char *ok[] = { "action=REJECT" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 1, argv), -1);
	assert_string_equal(err, "invalid action 'deliver': expected one of accept, continue, "
				 "discard, redirect, reject, retry");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 1, ok), 0);
	assert_string_equal(cli_args_get(&a, "action"), "reject");
	cli_args_release(&a);
}

static void test_args__booleans(void **state)
{
	const char *yes[] = { "folder_name=F", "local_guid=1", "scan=True" };
	const char *bad[] = { "folder_name=F", "local_guid=1", "scan=yes" };
	const char *flag[] = { "guid=g", "--force" };
	const char *flag_false[] = { "guid=g", "--force", "false" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-release", 3, yes), 0);
	assert_int_equal(a.boolean[cli_args_index(&a, "scan")], 1);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-message-release", 3, bad), -1);
	assert_string_equal(err, "invalid scan 'yes': expected one of true, false");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-message-download", 2, flag), 0);
	assert_int_equal(a.boolean[cli_args_index(&a, "force")], 1);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-message-download", 3, flag_false), 0);
	assert_int_equal(a.boolean[cli_args_index(&a, "force")], 0);
	cli_args_release(&a);
}

static void test_args__defaults_applied(void **state)
{
	const char *argv[] = { "folder_name=F", "local_guid=1", "recipient=r@x" };
	const char *search[] = { "sender=x" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-forward", 3, argv), 0);
	assert_string_equal(cli_args_get(&a, "append_old_subject"), "false");
	assert_int_equal(a.boolean[cli_args_index(&a, "append_old_subject")], 0);
	assert_int_equal(a.given[cli_args_index(&a, "append_old_subject")], 0);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 1, search), 0);
	assert_int_equal(a.number[cli_args_index(&a, "limit")], 100);
	/* start_time defaults to 24 hours before now */
	assert_int_equal(a.time[cli_args_index(&a, "start_time")].epoch, NOW - 86400);
	assert_null(cli_args_get(&a, "end_time"));
	cli_args_release(&a);
}

static void test_args__times_name_the_bad_argument(void **state)
{
	const char *bad_start[] = { "start_time=24 horus" };
	const char *bad_end[] = { "end_time=tomorrowish" };
	const char *iso[] = { "start_time=2020-01-25T10:00:00Z" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 1, bad_start), -1);
	assert_string_equal(
		err, "invalid start_time '24 horus': unknown unit 'horus'; did you mean 'hours'?");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 1, bad_end), -1);
	assert_non_null(strstr(err, "invalid end_time 'tomorrowish'"));
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 1, iso), 0);
	assert_int_equal(a.time[cli_args_index(&a, "start_time")].epoch, 1579946400);
	cli_args_release(&a);
}

static void test_args__integers(void **state)
{
	const char *bad[] = { "limit=ten" };
	const char *zero[] = { "limit=0" };
	const char *ok[] = { "--limit", "5" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 1, bad), -1);
	assert_string_equal(err, "invalid limit 'ten': expected a positive integer");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 1, zero), -1);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "smart-search", 2, ok), 0);
	assert_int_equal(a.number[cli_args_index(&a, "limit")], 5);
	cli_args_release(&a);
}

static void test_args__twice_is_refused(void **state)
{
	const char *argv[] = { "sender=a", "--sender=b" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "smart-search", 2, argv), -1);
	assert_string_equal(err, "argument 'sender' given twice");
	cli_args_release(&a);
}

static void test_args__email_or_uid(void **state)
{
	const char *none[] = { "fields={}" };
	const char *upper[] = { "UID=demo.user" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "modify-user", 1, none), -1);
	assert_string_equal(err, "Please specify an email or uid");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "modify-user", 1, upper), 0);
	assert_string_equal(cli_args_get(&a, "uid"), "demo.user");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "get-user", 0, NULL), -1);
	assert_string_equal(err, "Please specify an email or uid");
	cli_args_release(&a);
}

static void test_args__quarantine_list_needs_a_filter(void **state)
{
	const char *none[] = { "folder_name=Quarantine" };
	const char *guid[] = { "guid=abc" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-messages-list", 1, none), -1);
	assert_string_equal(err, "At least one of the following arguments must be specified: "
				 "sender, recipient, subject.");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-messages-list", 1, guid), 0);
	cli_args_release(&a);
}

static void test_args__json_objects(void **state)
{
	const char *bad[] = { "email=a@b", "fields={\"firstname\":" };
	const char *arr[] = { "email=a@b", "attributes=[1]" };
	const char *ok[] = { "email=a@b", "fields={\"firstname\":\"Jane\"}" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "create-user", 2, bad), -1);
	assert_non_null(strstr(err, "invalid fields"));
	assert_non_null(strstr(err, "expected a JSON object"));
	cli_args_release(&a);
	assert_int_equal(parse(&a, "create-user", 2, arr), -1);
	assert_non_null(strstr(err, "invalid attributes"));
	cli_args_release(&a);
	assert_int_equal(parse(&a, "create-user", 2, ok), 0);
	cli_args_release(&a);
}

/* Found by fuzz_cli_args: a failure after the default folder list was parsed leaked the list. */
static void test_args__failure_frees_parsed_lists(void **state)
{
	const char *argv[] = { "subject=Lo", "limit=0" };
	cli_args a;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-messages-list", 2, argv), -1);
	/* no cli_args_release here: LeakSanitizer fails the test if the list was kept */
}

static void test_args__folder_lists(void **state)
{
	const char *json[] = { "sender=x", "folder_name=[\"HIPAA\", \"PCI\", \"HIPAA\"]" };
	const char *comma[] = { "sender=x", "folder_name= Quarantine , Phish,," };
	const char *bad[] = { "sender=x", "folder_name=[1,2]" };
	const char *dflt[] = { "sender=x" };
	cli_args a;
	int i;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-messages-list", 2, json), 0);
	i = cli_args_index(&a, "folder_name");
	assert_int_equal(a.list[i].n, 2);
	assert_string_equal(a.list[i].items[0], "HIPAA");
	assert_string_equal(a.list[i].items[1], "PCI");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-messages-list", 2, comma), 0);
	assert_int_equal(a.list[i].n, 2);
	assert_string_equal(a.list[i].items[0], "Quarantine");
	assert_string_equal(a.list[i].items[1], "Phish");
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-messages-list", 2, bad), -1);
	cli_args_release(&a);
	assert_int_equal(parse(&a, "quarantine-messages-list", 1, dflt), 0);
	assert_int_equal(a.list[i].n, 1);
	assert_string_equal(a.list[i].items[0], "Quarantine");
	cli_args_release(&a);
}

/* An inline list is one line; its entries are checked and deduplicated when the action runs. */
static void test_args__guid_list_inline_is_one_line(void **state)
{
	const char *argv[] = { "folder_name=F", "local_guid=4:2:6, 4:2:7,4:2:6" };
	cli_args a;
	int i;

	(void)state;
	assert_int_equal(parse(&a, "quarantine-message-release", 2, argv), 0);
	i = cli_args_index(&a, "local_guid");
	assert_int_equal(a.list[i].n, 1);
	assert_string_equal(a.list[i].items[0], "4:2:6, 4:2:7,4:2:6");
	assert_int_equal(a.from_file, 0);
	cli_args_release(&a);
}

/* A file's lines are kept as read, blank ones too, so that item k is line k + 1. */
static void test_args__guid_list_from_file(void **state)
{
	char path[PATH_MAX];
	char arg[PATH_MAX + 16];
	const char *argv[] = { "folder_name=F", arg };
	int fd = th_tmpfile(path, sizeof(path), "test-guids");
	FILE *f;
	cli_args a;
	int i;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("  b:1  \n\n a:2\r\nb:1\nc:3", f);
	fclose(f);
	snprintf(arg, sizeof(arg), "local_guid=@%s", path);
	assert_int_equal(parse(&a, "quarantine-message-delete", 2, argv), 0);
	i = cli_args_index(&a, "local_guid");
	assert_int_equal(a.list[i].n, 5);
	assert_string_equal(a.list[i].items[0], "  b:1  ");
	assert_string_equal(a.list[i].items[1], "");
	assert_string_equal(a.list[i].items[2], " a:2\r");
	assert_string_equal(a.list[i].items[4], "c:3");
	assert_int_equal(a.from_file, 1);
	cli_args_release(&a);
	unlink(path);
	assert_int_equal(parse(&a, "quarantine-message-delete", 2, argv), -1);
	assert_non_null(strstr(err, "cannot open"));
	cli_args_release(&a);
}

static void test_args__guid_list_from_stream(void **state)
{
	char text[] = "x\n\n   \ny\nx\n";
	FILE *in = fmemopen(text, strlen(text), "r");
	cli_strlist l = CLI_STRLIST_INIT;
	char why[256];

	(void)state;
	assert_non_null(in);
	assert_int_equal(cli_guids_from_arg(&l, "-", in, why, sizeof(why)), 0);
	fclose(in);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.items[0], "x");
	assert_string_equal(l.items[3], "y");
	assert_string_equal(l.items[4], "x");
	cli_strlist_release(&l);
}

/* "6:6:2\0" + "39" must not release 6:6:2: a NUL anywhere refuses the whole list. */
static void test_args__guid_list_with_nul_is_refused(void **state)
{
	static const char text[] = "6:6:4\n6:6:2\0"
				   "39\n";
	FILE *in = fmemopen((void *)(uintptr_t)text, sizeof(text) - 1, "r");
	cli_strlist l = CLI_STRLIST_INIT;
	char why[256];

	(void)state;
	assert_non_null(in);
	assert_int_equal(cli_guids_from_arg(&l, "-", in, why, sizeof(why)), -1);
	fclose(in);
	assert_string_equal(why, "standard input holds a NUL byte");
	cli_strlist_release(&l);
}

/* An empty input read in is no error (the action ends with 0); an empty list typed out is. */
static void test_args__empty_guid_list_is_refused_when_typed(void **state)
{
	char text[] = "\n \n";
	FILE *in = fmemopen(text, strlen(text), "r");
	cli_strlist l = CLI_STRLIST_INIT;
	char why[256];

	(void)state;
	assert_int_equal(cli_guids_from_arg(&l, "-", in, why, sizeof(why)), 0);
	fclose(in);
	cli_strlist_release(&l);
	assert_int_equal(cli_guids_from_arg(&l, " ", NULL, why, sizeof(why)), -1);
	assert_string_equal(why, "no GUIDs given");
	cli_strlist_release(&l);
}

static void test_args__dedup_keeps_first_of_many(void **state)
{
	cli_strlist l = CLI_STRLIST_INIT;
	char buf[32];
	char *joined;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "g%d", (i * 7) % 1000);
		assert_int_equal(cli_strlist_add(&l, buf, strlen(buf)), 0);
	}
	cli_strlist_dedup(&l);
	assert_int_equal(l.n, 1000);
	assert_string_equal(l.items[0], "g0");
	assert_string_equal(l.items[1], "g7");
	joined = cli_strlist_join(&l, 0, 3, ",");
	assert_string_equal(joined, "g0,g7,g14");
	free(joined);
	cli_strlist_release(&l);
}

/* Every argument of every command is bound to a request member of the size its kind needs. */
static void test_args__every_argument_is_bound(void **state)
{
	(void)state;
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		for (const cli_arg_spec *a = c->args; a->name; a++) {
			size_t want = a->kind == CLI_ARG_TIME	? sizeof(pps_instant)
				      : a->kind == CLI_ARG_BOOL ? sizeof(pps_flag)
				      : a->kind == CLI_ARG_INT	? sizeof(long)
								: sizeof(const char *);

			if (!a->bound || a->field_size != want)
				fail_msg("%s %s: bound %d, member of %zu bytes, want %zu", c->name,
					 a->name, a->bound, a->field_size, want);
		}
		/* A command on local input (inspect) makes no request. */
		if (c->local)
			continue;
		assert_int_not_equal(c->ops[0], PPS_OP_NONE);
		assert_non_null(pps_operation_info(c->ops[0]));
	}
}

/* The words of a command: name=value, --name=value, --name value, bare boolean, global. */
static void test_args__words(void **state)
{
	const cli_command *cmd = cli_command_find("quarantine-message-download");
	const char *const w[] = { "guid=g", "--out=x", "--out",	    "x",      "--force",
				  "false",  "-o",      "--timeout", "--force" };

	(void)state;
	assert_int_equal(cli_args_words(cmd, 9, w, 0), 1);
	assert_int_equal(cli_args_words(cmd, 9, w, 1), 1);
	assert_int_equal(cli_args_words(cmd, 9, w, 2), 2);
	assert_int_equal(cli_args_words(cmd, 9, w, 4), 2);
	assert_int_equal(cli_args_words(cmd, 9, w, 6), 0);
	assert_int_equal(cli_args_words(cmd, 9, w, 7), 0);
	assert_int_equal(cli_args_words(cmd, 9, w, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args__finds_short_reference_and_bang_names),
		cmocka_unit_test(test_args__table_has_every_command),
		cmocka_unit_test(test_args__operands_of_inspect),
		cmocka_unit_test(test_args__three_spellings),
		cmocka_unit_test(test_args__value_may_hold_equals),
		cmocka_unit_test(test_args__unknown_name_lists_the_valid_ones),
		cmocka_unit_test(test_args__bare_word_is_refused),
		cmocka_unit_test(test_args__missing_required),
		cmocka_unit_test(test_args__empty_required_is_missing),
		cmocka_unit_test(test_args__choices_are_named),
		cmocka_unit_test(test_args__booleans),
		cmocka_unit_test(test_args__defaults_applied),
		cmocka_unit_test(test_args__times_name_the_bad_argument),
		cmocka_unit_test(test_args__integers),
		cmocka_unit_test(test_args__twice_is_refused),
		cmocka_unit_test(test_args__email_or_uid),
		cmocka_unit_test(test_args__quarantine_list_needs_a_filter),
		cmocka_unit_test(test_args__json_objects),
		cmocka_unit_test(test_args__folder_lists),
		cmocka_unit_test(test_args__failure_frees_parsed_lists),
		cmocka_unit_test(test_args__guid_list_inline_is_one_line),
		cmocka_unit_test(test_args__guid_list_from_file),
		cmocka_unit_test(test_args__guid_list_from_stream),
		cmocka_unit_test(test_args__guid_list_with_nul_is_refused),
		cmocka_unit_test(test_args__empty_guid_list_is_refused_when_typed),
		cmocka_unit_test(test_args__dedup_keeps_first_of_many),
		cmocka_unit_test(test_args__every_argument_is_bound),
		cmocka_unit_test(test_args__words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
