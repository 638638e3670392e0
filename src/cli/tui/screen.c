/*
 * Painting pps triage: the index (title, rows, status line, message line), the preview and help
 * screens, and the questions on the bottom line. Everything painted is text escaped before
 * (index.c, preview.c) or pps's own; cut to the screen's width by display columns.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "cli/sanitize.h"
#include "cli/tui/tui.h"
#include "util/buf.h"

#include "util/banned.h"

enum { PAIR_DONE = 1, PAIR_BAD, PAIR_MARK };

/* Writes s cut to width display columns and padded with spaces to width. */
static void put_cut(const char *s, int width)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int used = 0;

	while (*p && used < width) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		int w;

		if (n <= 0)
			break;
		w = utf8proc_charwidth(cp);
		if (w < 0)
			w = 1;
		if (used + w > width)
			break;
		addnstr((const char *)p, (int)n);
		used += w;
		p += n;
	}
	for (; used < width; used++)
		addch(' ');
}

/* The widths of the index's columns for a screen of cols columns (at least 40). */
static void widths(int cols, int w[TUI_NCELLS], int *outcome)
{
	int flex;

	w[TUI_DATE] = 11;
	w[TUI_FOLDER] = cols >= 100 ? 12 : 10;
	w[TUI_SCORE] = 3;
	w[TUI_SIZE] = 5;
	*outcome = 7;
	/* mark, then a space before each column */
	flex = cols - 1 - (w[TUI_DATE] + w[TUI_FOLDER] + w[TUI_SCORE] + w[TUI_SIZE] + *outcome) - 7;
	if (flex < 10)
		flex = 10;
	w[TUI_FROM] = flex * 2 / 5;
	w[TUI_SUBJECT] = flex - w[TUI_FROM];
}

static const char *const outcome_word[] = {
	"", "done", "refused", "unknown", "invalid", "not sent"
};

static void paint_row(tui *t, int y, const tui_row *r, int selected)
{
	static const int order[TUI_NCELLS] = { TUI_DATE,    TUI_FOLDER, TUI_FROM,
					       TUI_SUBJECT, TUI_SCORE,	TUI_SIZE };
	const tui_tag *g = tui_tag_find(t, r->folder, r->localguid, 0);
	int w[TUI_NCELLS], wo;

	widths(t->cols, w, &wo);
	move(y, 0);
	if (selected)
		attron(A_REVERSE);
	if (g && g->marked)
		attron(A_BOLD | (t->color ? COLOR_PAIR(PAIR_MARK) : 0));
	addch(g && g->marked ? '*' : ' ');
	for (int c = 0; c < TUI_NCELLS; c++) {
		addch(' ');
		put_cut(r->cell[order[c]], w[order[c]]);
	}
	addch(' ');
	if (g && g->outcome && t->color)
		attron(COLOR_PAIR(g->outcome == TUI_DONE ? PAIR_DONE : PAIR_BAD));
	put_cut(g ? outcome_word[g->outcome] : "", wo);
	attrset(A_NORMAL);
}

static void paint_title(tui *t)
{
	static const char *const names[TUI_NCELLS] = { "date",	  "folder", "from",
						       "subject", "scr",    "size" };
	int w[TUI_NCELLS], wo;

	widths(t->cols, w, &wo);
	move(0, 0);
	attron(A_REVERSE | A_BOLD);
	addch(' ');
	for (int c = 0; c < TUI_NCELLS; c++) {
		addch(' ');
		put_cut(names[c], w[c]);
	}
	addch(' ');
	put_cut("state", wo);
	attrset(A_NORMAL);
}

static void paint_status(tui *t)
{
	ppsbuf b = PPSBUF_INIT, esc = PPSBUF_INIT;
	const char *cluster = t->ctx->cluster ? t->ctx->cluster : getenv("PPS_PROFILE");

	ppsbuf_addf(&b, " %zu/%zu%s", t->ix.count ? t->cursor + 1 : 0, t->ix.count,
		    t->ix.ended ? "" : "+");
	for (size_t f = 0; f < t->ix.nfolders; f++)
		ppsbuf_addf(&b, "%s%s", f ? "," : "  ", t->ix.folders[f]);
	if (t->ix.filter)
		ppsbuf_addf(&b, "  filter: %s", t->ix.filter);
	if (tui_marked(t))
		ppsbuf_addf(&b, "  marked: %zu", tui_marked(t));
	ppsbuf_addf(&b, "  cluster: %s", cluster && *cluster ? cluster : "default");
	if (t->screen == TUI_INDEX) {
		const tui_row *r = tui_index_row(&t->ix, t->cursor);

		if (r)
			ppsbuf_addf(&b, "  %s", r->localguid);
	}
	ppsbuf_adds(&b, t->screen == TUI_STATS ? "  Tab:index  ?:help" : "  ?:help");
	cli_sanitize(&esc, b.buf, b.len, NULL, NULL);
	move(t->rows - 2, 0);
	attron(A_REVERSE);
	put_cut(esc.buf, t->cols);
	attrset(A_NORMAL);
	ppsbuf_release(&b);
	ppsbuf_release(&esc);
}

static void paint_message(tui *t)
{
	move(t->rows - 1, 0);
	if (t->ix.failed && !t->message[0])
		snprintf(t->message, sizeof(t->message), "%s", t->ix.errmsg);
	put_cut(t->message, t->cols);
}

static void paint_index(tui *t)
{
	size_t n = t->rows > 3 ? (size_t)t->rows - 3 : 1;

	if (t->cursor < t->top)
		t->top = t->cursor;
	if (t->cursor >= t->top + n)
		t->top = t->cursor - n + 1;
	paint_title(t);
	for (size_t i = 0; i < n; i++) {
		const tui_row *r = tui_index_row(&t->ix, t->top + i);

		if (!r) {
			move((int)i + 1, 0);
			clrtobot();
			break;
		}
		paint_row(t, (int)i + 1, r, t->top + i == t->cursor);
	}
}

/* The preview or help screen: its lines from scroll on. */
static void paint_lines(tui *t)
{
	int n = t->rows - 2;

	for (int y = 0; y < n; y++) {
		size_t i = t->scroll + (size_t)y;

		move(y, 0);
		if (i < t->nlines)
			put_cut(t->lines[i], t->cols);
		else
			clrtoeol();
	}
}

void tui_paint(tui *t)
{
	if (t->rows < 5 || t->cols < 40) {
		erase();
		mvaddstr(0, 0, "pps triage: the terminal is too small");
		refresh();
		return;
	}
	if (t->screen == TUI_INDEX)
		paint_index(t);
	else
		paint_lines(t);
	paint_status(t);
	paint_message(t);
	refresh();
	tui_trace(t, "paint screen=%d cursor=%zu count=%zu cached=%zu requests=%zu", t->screen,
		  t->cursor, t->ix.count, tui_index_cached(&t->ix), t->ix.requests);
}

void tui_set_message(tui *t, const char *fmt, ...)
{
	char raw[sizeof(t->message)];
	ppsbuf b = PPSBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (cli_sanitize(&b, raw, strlen(raw), NULL, NULL) == 0)
		snprintf(t->message, sizeof(t->message), "%s", b.buf);
	ppsbuf_release(&b);
}

int tui_prompt(tui *t, const char *question, char *buf, size_t len)
{
	size_t n = strlen(buf);

	for (;;) {
		ppsbuf b = PPSBUF_INIT;
		int c;

		ppsbuf_adds(&b, question);
		cli_sanitize(&b, buf, n, NULL, NULL);
		move(t->rows - 1, 0);
		attron(A_BOLD);
		put_cut(b.buf, t->cols - 1);
		attrset(A_NORMAL);
		move(t->rows - 1, (int)(b.len < (size_t)t->cols - 1 ? b.len : (size_t)t->cols - 1));
		ppsbuf_release(&b);
		refresh();
		timeout(-1);
		c = getch();
		if (c == 27 || c == 3) {
			t->message[0] = '\0';
			return 0;
		}
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && n)
			buf[--n] = '\0';
		else if (c >= 32 && c < 256 && c != 127 && n + 1 < len) {
			buf[n++] = (char)c;
			buf[n] = '\0';
		}
	}
	t->message[0] = '\0';
	return 1;
}

int tui_confirm(tui *t, const char *question)
{
	ppsbuf q = PPSBUF_INIT;
	int c;

	cli_sanitize(&q, question, strlen(question), NULL, NULL);
	ppsbuf_adds(&q, " (y/N) ");
	move(t->rows - 1, 0);
	attron(A_BOLD);
	put_cut(q.buf, t->cols);
	ppsbuf_release(&q);
	attrset(A_NORMAL);
	refresh();
	timeout(-1);
	c = getch();
	t->message[0] = '\0';
	return c == 'y' || c == 'Y';
}

tui_tag *tui_tag_find(tui *t, const char *folder, const char *localguid, int make)
{
	tui_tag *g;

	for (size_t i = 0; i < t->ntags; i++)
		if (!strcmp(t->tags[i].localguid, localguid) && !strcmp(t->tags[i].folder, folder))
			return &t->tags[i];
	if (!make)
		return NULL;
	if (t->ntags == t->tags_alloc) {
		size_t a = t->tags_alloc ? t->tags_alloc * 2 : 16;
		tui_tag *v = realloc(t->tags, a * sizeof(*v));

		if (!v)
			return NULL;
		t->tags = v;
		t->tags_alloc = a;
	}
	g = &t->tags[t->ntags];
	memset(g, 0, sizeof(*g));
	g->folder = strdup(folder);
	g->localguid = strdup(localguid);
	if (!g->folder || !g->localguid) {
		free(g->folder);
		free(g->localguid);
		return NULL;
	}
	t->ntags++;
	return g;
}

size_t tui_marked(const tui *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->ntags; i++)
		n += t->tags[i].marked != 0;
	return n;
}

double tui_now_ms(const tui *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6 - t->t0;
}

void tui_trace(tui *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->trace)
		return;
	fprintf(t->trace, "%.3f ", tui_now_ms(t));
	va_start(ap, fmt);
	vfprintf(t->trace, fmt, ap);
	va_end(ap);
	fputc('\n', t->trace);
	fflush(t->trace);
}

void tui_colors(tui *t)
{
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_DONE, COLOR_GREEN, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_MARK, COLOR_YELLOW, -1);
}
