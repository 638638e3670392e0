/*
 * pps triage: the terminal (refused without one, set up with ncursesw, always restored: on q,
 * Ctrl-C, SIGTERM, SIGHUP), the loop of key reads, and the walk's next page read between them
 * when no key waits, so that the view is drawn from the first page on and stays responsive.
 * It opens on the statistics of what is read (stats_screen.c); Tab shows the index.
 */
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit.h"
#include "cli/tui/triage.h"
#include "cli/tui/tui.h"

#include "util/banned.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* The signals that end the view: caught, so that the loop restores the terminal first. */
static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

static void catch_signals(struct sigaction old[NCAUGHT])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends the wait for a key */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[NCAUGHT])
{
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &old[i], NULL);
}

/* Why this process cannot draw the view, or NULL when it can. */
static const char *no_terminal(void)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return "standard input and output must be a terminal";
	if (!term || !*term)
		return "TERM is not set";
	if (!strcmp(term, "dumb"))
		return "TERM=dumb cannot draw a full-screen view";
	return NULL;
}

static void release(tui *t)
{
	tui_lines_close(t);
	tui_index_release(&t->ix);
	for (size_t i = 0; i < t->ntags; i++) {
		free(t->tags[i].folder);
		free(t->tags[i].localguid);
		free(t->tags[i].guid);
		free(t->tags[i].sender);
		free(t->tags[i].recipient);
	}
	free(t->tags);
	tui_stats_free(t);
	if (t->trace)
		fclose(t->trace);
}

/* Draws the statistics screen again when it is shown and its counts changed; then paints. */
static void paint(tui *t)
{
	if (tui_stats_refresh(t))
		tui_set_message(t, "out of memory");
	tui_paint(t);
}

/*
 * The loop: paint, then a key, or (none waiting) the walk's next page. The first screen is the
 * statistics, growing with each page read.
 */
static void loop(tui *t)
{
	static const char reading[] = "reading the first page...";
	int first = 1;

	/* The frame at once, before the first page is asked for; said until it came. */
	getmaxyx(stdscr, t->rows, t->cols);
	if (tui_stats_open(t))
		tui_lines_close(t);
	tui_set_message(t, "%s", reading);
	t->ix.no_reads = 1;
	paint(t);
	t->ix.no_reads = 0;
	while (!t->quit && !stop_signal) {
		int key;

		getmaxyx(stdscr, t->rows, t->cols);
		paint(t);
		if (first && t->ix.count) {
			tui_trace(t, "first-screen rows=%zu", t->ix.count);
			first = 0;
		}
		if (t->ix.requests && !strcmp(t->message, reading)) {
			t->message[0] = '\0'; /* a page was read: painted again without it */
			continue;
		}
		timeout(t->ix.ended || t->ix.failed ? -1 : 0);
		key = getch();
		if (key == ERR) {
			if (!stop_signal && !t->ix.ended && !t->ix.failed)
				tui_index_more(&t->ix);
			continue;
		}
		tui_trace(t, "key %d", key);
		if (key == KEY_RESIZE) {
			clear();
			continue;
		}
		if (t->on_marked && key == 27) {
			t->on_marked = 0;
			t->message[0] = '\0';
			continue;
		}
		tui_key_run(t, key);
	}
}

static int open_trace(tui *t)
{
	const char *path = getenv("PPS_TRIAGE_TRACE");
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->t0 = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
	if (!path || !*path)
		return 0;
	t->trace = fopen(path, "a");
	if (!t->trace)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	tui_trace(t, "start realtime=%lld.%03ld pid=%ld", (long long)ts.tv_sec,
		  ts.tv_nsec / 1000000, (long)getpid());
	return 0;
}

int cmd_triage(cli_ctx *ctx, const cli_args *args)
{
	pps_quarantine_search_req req;
	struct sigaction old[NCAUGHT];
	const cli_strlist *folders;
	const char *why = no_terminal(), *no_color;
	SCREEN *scr;
	size_t field;
	struct rusage ru;
	tui t;

	if (why) {
		cli_errorf(ctx, "triage needs a terminal: %s", why);
		return CLI_EXIT_USAGE;
	}
	if (ctx->cluster) {
		cli_errorf(ctx, "triage shows one cluster: give one profile to --profile");
		return CLI_EXIT_USAGE;
	}
	if (ctx->dry_run) {
		cli_errorf(ctx,
			   "triage sends requests as keys ask: --dry-run and --curl do not apply");
		return CLI_EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	if (open_trace(&t)) {
		cli_errorf(ctx, "cannot open PPS_TRIAGE_TRACE '%s'", getenv("PPS_TRIAGE_TRACE"));
		return CLI_EXIT_USAGE;
	}
	pps_quarantine_search_req_init(&req, PPS_QUARANTINE_SEARCH_REQ_VERSION);
	cli_args_bind(args, &req);
	/* The API asks for one of the three; a whole folder is every subject. */
	if (!req.sender && !req.recipient && !req.subject)
		req.subject = "*";
	folders = cli_args_list(args, CLI_ARG_LIST, &field);
	tui_index_init(&t.ix, ctx->client, &req, (const char *const *)folders->items, folders->n);
	if (tui_stats_start(&t, req.start.epoch,
			    req.end.set ? req.end.epoch : (int64_t)time(NULL))) {
		cli_errorf(ctx,
			   "triage: the window from start_time to end_time has too many hours");
		release(&t);
		return CLI_EXIT_USAGE;
	}
	setlocale(LC_CTYPE, "");
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		cli_errorf(ctx, "triage needs a terminal: TERM '%s' is unknown", getenv("TERM"));
		release(&t);
		return CLI_EXIT_USAGE;
	}
	catch_signals(old);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	no_color = getenv("NO_COLOR");
	t.color = has_colors() && !(no_color && *no_color);
	tui_colors(&t);
	loop(&t);
	endwin();
	delscreen(scr);
	restore_signals(old);
	getrusage(RUSAGE_SELF, &ru);
	tui_trace(&t, "exit maxrss_kb=%ld pages=%zu requests=%zu", ru.ru_maxrss, t.ix.npages,
		  t.ix.requests);
	release(&t);
	return stop_signal ? CLI_EXIT_INTERRUPTED : CLI_EXIT_OK;
}
