/*
 * The index of pps triage over libpps's walk (index.h): one page per walk call, stopped at its
 * page_done with the position kept; rows built escaped for the terminal; a bounded cache.
 * Never prints.
 */
#include "cli/tui/index.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sanitize.h"
#include "util/buf.h"

#include "util/banned.h"

static void row_release(tui_row *r)
{
	for (int c = 0; c < TUI_NCELLS; c++)
		free(r->cell[c]);
	free(r->localguid);
	free(r->guid);
	free(r->folder);
	free(r->sender);
	free(r->recipient);
	free(r->json);
}

static void page_drop_rows(tui_page *p)
{
	if (!p->rows)
		return;
	for (size_t i = 0; i < p->n; i++)
		row_release(&p->rows[i]);
	free(p->rows);
	p->rows = NULL;
}

/* The text of a member as a string: strings as they are, numbers written, else "". */
static char *member_text(const json_t *rec, const char *name)
{
	const json_t *v = json_object_get(rec, name);
	char num[64];

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return strdup(num);
	}
	if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		return strdup(num);
	}
	if (json_is_array(v) && json_is_string(json_array_get(v, 0)))
		return strdup(json_string_value(json_array_get(v, 0)));
	return strdup("");
}

static char *escaped(const char *s)
{
	ppsbuf b = PPSBUF_INIT;

	if (cli_sanitize(&b, s, strlen(s), NULL, NULL)) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

/* "2026-12-06 19:27:03" as "12-06 19:27"; anything else escaped as it is. */
static char *short_date(const char *s)
{
	if (strlen(s) >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T')) {
		char d[12];

		snprintf(d, sizeof(d), "%.5s %.5s", s + 5, s + 11);
		return escaped(d);
	}
	return escaped(s);
}

/* A size in bytes as a short number: 812, 13K, 4.2M. */
static char *short_size(const char *s)
{
	char *end, out[16];
	double n = strtod(s, &end);

	if (end == s || *end)
		return escaped(s);
	if (n < 1000)
		snprintf(out, sizeof(out), "%.0f", n);
	else if (n < 1e6)
		snprintf(out, sizeof(out), "%.0fK", n / 1024);
	else
		snprintf(out, sizeof(out), "%.1fM", n / (1024 * 1024));
	return strdup(out);
}

/* Case-insensitive (ASCII) substring. */
static int has_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return !n;
}

/* Builds r from rec. 0, or -1 (memory). */
static int row_build(tui_row *r, const json_t *rec)
{
	char *date = member_text(rec, "date"), *score = member_text(rec, "spamscore");
	char *size = member_text(rec, "size"), *subject = member_text(rec, "subject");
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->localguid = member_text(rec, "localguid");
	r->guid = member_text(rec, "guid");
	r->folder = member_text(rec, "folder");
	r->sender = member_text(rec, "from");
	r->recipient = member_text(rec, "rcpts");
	r->json = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!date || !score || !size || !subject || !r->localguid || !r->guid || !r->folder ||
	    !r->sender || !r->recipient || !r->json)
		goto done;
	r->cell[TUI_DATE] = short_date(date);
	r->cell[TUI_FOLDER] = escaped(r->folder);
	r->cell[TUI_FROM] = escaped(r->sender);
	r->cell[TUI_SUBJECT] = escaped(subject);
	r->cell[TUI_SCORE] = escaped(score);
	r->cell[TUI_SIZE] = short_size(size);
	rc = 0;
	for (int c = 0; c < TUI_NCELLS; c++)
		if (!r->cell[c])
			rc = -1;
done:
	free(date);
	free(score);
	free(size);
	free(subject);
	if (rc)
		row_release(r);
	return rc;
}

static int row_matches(const tui_row *r, const char *filter)
{
	return !filter || has_text(r->sender, filter) || has_text(r->cell[TUI_SUBJECT], filter) ||
	       has_text(r->recipient, filter) || has_text(r->localguid, filter) ||
	       has_text(r->json, filter);
}

/* One walk call: the rows of one page and where the walk stands after it. */
struct reading {
	tui_index *ix;
	tui_row *rows;
	size_t n, alloc;
	char *next; /* the position after the page, or NULL */
	int paged;  /* page_done came: the page is whole */
	int front;  /* reading at the front: records are new to the view */
	int nomem;
};

static int on_record(void *ctx, json_t *rec, int64_t t)
{
	struct reading *rd = ctx;
	tui_row r;

	(void)t;
	if (row_build(&r, rec)) {
		rd->nomem = 1;
		return 1;
	}
	if (!row_matches(&r, rd->ix->filter)) {
		row_release(&r);
		return 0;
	}
	if (rd->front && rd->ix->counted)
		rd->ix->counted(rd->ix->counted_ctx, rec);
	if (rd->n == rd->alloc) {
		size_t a = rd->alloc ? rd->alloc * 2 : 64;
		tui_row *v = realloc(rd->rows, a * sizeof(*v));

		if (!v) {
			row_release(&r);
			rd->nomem = 1;
			return 1;
		}
		rd->rows = v;
		rd->alloc = a;
	}
	rd->rows[rd->n++] = r;
	return 0;
}

static int on_page(void *ctx, const char *position, const pps_walk_result *sofar)
{
	struct reading *rd = ctx;

	(void)sofar;
	rd->next = strdup(position);
	rd->nomem = !rd->next;
	rd->paged = 1;
	return 1; /* one page per call: the caller goes on from here when it needs more */
}

static void say_failure(tui_index *ix, int rc, size_t folder)
{
	const pps_error *e = pps_client_last_error(ix->client);

	ix->failed = 1;
	snprintf(ix->errmsg, sizeof(ix->errmsg), "reading folder '%s' failed: %s",
		 ix->folders[folder], rc == PPS_ENOMEM ? "out of memory" : e->message);
}

/*
 * Reads one page of folder from pos into rd. 1: a page, 0: the folder has no more, -1: failed
 * (said in ix->errmsg).
 */
static int read_page(tui_index *ix, size_t folder, const char *pos, struct reading *rd, int front)
{
	pps_walk_options o;
	pps_quarantine_search_req req = ix->req;
	int rc;

	memset(rd, 0, sizeof(*rd));
	rd->ix = ix;
	rd->front = front;
	pps_walk_options_init(&o, PPS_WALK_OPTIONS_VERSION);
	o.page = ix->page_size;
	o.record = on_record;
	o.page_done = on_page;
	o.ctx = rd;
	o.position = pos;
	req.folder = ix->folders[folder];
	ix->requests++;
	rc = pps_quarantine_walk(ix->client, &req, &o, NULL);
	if (rd->nomem)
		rc = PPS_ENOMEM;
	if (rc == PPS_ECANCELED && rd->paged)
		return 1;
	if ((rc == PPS_OK || rc == PPS_EINCOMPLETE) && !rd->n)
		return 0;
	if (rc == PPS_OK || rc == PPS_EINCOMPLETE)
		return 1; /* the last records of the folder, with no position after them */
	for (size_t i = 0; i < rd->n; i++)
		row_release(&rd->rows[i]);
	free(rd->rows);
	free(rd->next);
	rd->rows = NULL;
	rd->next = NULL;
	say_failure(ix, rc, folder);
	return -1;
}

/* Keeps at most TUI_CACHE_PAGES pages' rows: drops the least recently used others. */
static void trim_cache(tui_index *ix, const tui_page *keep)
{
	for (;;) {
		tui_page *lru = NULL;
		size_t cached = 0;

		for (size_t i = 0; i < ix->npages; i++) {
			tui_page *p = &ix->pages[i];

			if (!p->rows)
				continue;
			cached++;
			if (p != keep && (!lru || p->used < lru->used))
				lru = p;
		}
		if (cached <= TUI_CACHE_PAGES || !lru)
			return;
		page_drop_rows(lru);
	}
}

size_t tui_index_cached(const tui_index *ix)
{
	size_t n = 0;

	for (size_t i = 0; i < ix->npages; i++)
		n += ix->pages[i].rows != NULL;
	return n;
}

void tui_index_init(tui_index *ix, pps_client *client, const pps_quarantine_search_req *req,
		    const char *const *folders, size_t nfolders)
{
	memset(ix, 0, sizeof(*ix));
	ix->client = client;
	ix->req = *req;
	ix->folders = folders;
	ix->nfolders = nfolders;
	ix->page_size = TUI_PAGE_SIZE;
	ix->ended = !nfolders;
}

static void drop_pages(tui_index *ix)
{
	for (size_t i = 0; i < ix->npages; i++) {
		page_drop_rows(&ix->pages[i]);
		free(ix->pages[i].pos);
	}
	free(ix->pages);
	ix->pages = NULL;
	ix->npages = ix->alloc = 0;
	free(ix->front_pos);
	ix->front_pos = NULL;
}

void tui_index_release(tui_index *ix)
{
	drop_pages(ix);
	free(ix->filter);
	ix->filter = NULL;
}

int tui_index_restart(tui_index *ix, const char *filter)
{
	drop_pages(ix);
	free(ix->filter);
	ix->filter = filter && *filter ? strdup(filter) : NULL;
	ix->front_folder = 0;
	ix->ended = !ix->nfolders;
	ix->count = 0;
	ix->failed = 0;
	return filter && *filter && !ix->filter ? -1 : 0;
}

static void reading_release(struct reading *rd)
{
	for (size_t i = 0; i < rd->n; i++)
		row_release(&rd->rows[i]);
	free(rd->rows);
	free(rd->next);
}

/* The folder at the front was read to its end: the next one, from its newest end. */
static void next_folder(tui_index *ix)
{
	free(ix->front_pos);
	ix->front_pos = NULL;
	ix->front_folder++;
	ix->ended = ix->front_folder >= ix->nfolders;
}

int tui_index_more(tui_index *ix)
{
	struct reading rd;
	tui_page *p;
	int rc;

	while (!ix->ended) {
		rc = read_page(ix, ix->front_folder, ix->front_pos, &rd, 1);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			next_folder(ix);
			continue;
		}
		if (ix->npages == ix->alloc) {
			size_t a = ix->alloc ? ix->alloc * 2 : 64;
			tui_page *v = realloc(ix->pages, a * sizeof(*v));

			if (!v) {
				reading_release(&rd);
				snprintf(ix->errmsg, sizeof(ix->errmsg), "out of memory");
				ix->failed = 1;
				return -1;
			}
			ix->pages = v;
			ix->alloc = a;
		}
		p = &ix->pages[ix->npages++];
		p->folder = ix->front_folder;
		p->pos = ix->front_pos; /* the page owns it now */
		p->first = ix->count;
		p->n = rd.n;
		p->rows = rd.rows;
		p->used = ++ix->clock;
		ix->count += rd.n;
		ix->front_pos = rd.next;
		if (!rd.next)
			next_folder(ix);
		trim_cache(ix, p);
		return 1;
	}
	return 0;
}

/* Reads page p again from its position; the pages after it are dropped when it changed. */
static int reread(tui_index *ix, tui_page *p)
{
	struct reading rd;
	int rc = read_page(ix, p->folder, p->pos, &rd, 0);

	if (rc < 0)
		return -1;
	if (rc == 0 || rd.n != p->n) {
		/* The folder changed under the view (an action, new mail): stream again from here. */
		size_t at = (size_t)(p - ix->pages);

		reading_release(&rd);
		for (size_t i = at; i < ix->npages; i++) {
			page_drop_rows(&ix->pages[i]);
			if (i > at)
				free(ix->pages[i].pos);
		}
		free(ix->front_pos);
		ix->front_pos = p->pos;
		ix->front_folder = p->folder;
		ix->count = p->first;
		ix->npages = at;
		ix->ended = 0;
		return 0;
	}
	free(rd.next);
	p->rows = rd.rows;
	p->used = ++ix->clock;
	trim_cache(ix, p);
	return 1;
}

const tui_row *tui_index_row(tui_index *ix, size_t i)
{
	size_t lo = 0, hi;

	while (i >= ix->count) {
		if (ix->failed || ix->no_reads || tui_index_more(ix) <= 0)
			return NULL;
	}
	/* The last page whose first row is at or before i. */
	hi = ix->npages;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ix->pages[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	while (lo < ix->npages && ix->pages[lo].first + ix->pages[lo].n <= i)
		lo++;
	if (lo == ix->npages)
		return NULL;
	if (!ix->pages[lo].rows) {
		int rc = ix->no_reads ? -1 : reread(ix, &ix->pages[lo]);

		if (rc < 0)
			return NULL;
		if (rc == 0)
			return tui_index_row(ix, i);
	}
	ix->pages[lo].used = ++ix->clock;
	return &ix->pages[lo].rows[i - ix->pages[lo].first];
}
