/*
 * The picture of pps stats as lines of text for a width: a headline, a bar chart of the
 * buckets (Unicode eighths or ASCII '#'), then the top lists with counts and shares. Every
 * message-derived text is escaped (sanitize.h). No stdio: the lines go to a callback, so that
 * the command prints them and a terminal view draws them.
 */
#ifndef PPS_CLI_STATS_VIEW_H
#define PPS_CLI_STATS_VIEW_H

#include <stddef.h>

#include "cli/stats.h"
#include "util/buf.h"

/* The width the lines are laid out for when none is given (a pipe): values are then never cut. */
#define CLI_STATS_DEFAULT_WIDTH 80
/* The narrowest width laid out; a narrower one is treated as this. */
#define CLI_STATS_MIN_WIDTH 40

/*
 * Renders finished stats s as lines for a terminal of width columns (0 or less: a pipe, laid out
 * for CLI_STATS_DEFAULT_WIDTH, long values kept whole), each given to line (NUL-terminated,
 * no newline, valid for the call) with ctx. unicode 1: block characters (U+258F..U+2588) and an
 * ellipsis; 0: '#' and "..." only. A line never takes more than width columns (width > 0).
 * Out of memory, lines may be left out (never cut short of their escaping).
 */
void cli_stats_lines(const cli_stats *s, int width, int unicode,
		     void (*line)(void *ctx, const char *text), void *ctx);

/*
 * Appends a bar for count of max over cells columns to b: count * cells / max columns, in
 * eighths (unicode) or whole '#' (rounded half up), at least one eighth (one '#') for a count
 * above 0. Returns the columns the bar takes, or -1 out of memory.
 */
int cli_stats_bar(ppsbuf *b, unsigned long long count, unsigned long long max, size_t cells,
		  int unicode);

/*
 * Appends to b the text s (n bytes, safe display text already) cut to at most width columns with
 * an ellipsis ("…", or "..." when not unicode) when longer; width 0: whole. 0 or -1.
 */
int cli_stats_cut(ppsbuf *b, const char *s, size_t n, size_t width, int unicode);

#endif
