/*
 * The index of pps triage: the quarantine's messages in the server's order, read page by page
 * through libpps's walk and never all kept: every page's resumable position is kept (a few bytes
 * a page), its rows only while the page is among the last few used; a page dropped from that
 * cache is read again from its position. No terminal I/O here.
 */
#ifndef PPS_CLI_TUI_INDEX_H
#define PPS_CLI_TUI_INDEX_H

#include <stddef.h>

#include "pps/pps.h"

struct json_t;

/* The index's columns, in the order shown. */
enum tui_cell { TUI_DATE, TUI_FOLDER, TUI_FROM, TUI_SUBJECT, TUI_SCORE, TUI_SIZE, TUI_NCELLS };

/* The records a page asks for; the pages whose rows are kept. */
#define TUI_PAGE_SIZE	200
#define TUI_CACHE_PAGES 6

/* One message as the view needs it; every string owned by the row. */
typedef struct tui_row {
	char *cell[TUI_NCELLS]; /* escaped for a terminal (sanitize.h): safe to print */
	char *localguid;	/* raw, for requests */
	char *guid;
	char *folder;
	char *sender;	 /* the envelope sender, raw */
	char *recipient; /* the first recipient, raw */
	char *json;	 /* the record's compact JSON text, raw (the preview escapes it) */
} tui_row;

typedef struct tui_page {
	size_t folder; /* index into the folders */
	char *pos;     /* where the walk that read it starts; NULL: the folder's newest end */
	size_t first;  /* the index of its first row */
	size_t n;      /* its rows (after the filter) */
	tui_row *rows; /* NULL when not cached */
	unsigned long used;
} tui_page;

typedef struct tui_index {
	pps_client *client;	       /* borrowed */
	pps_quarantine_search_req req; /* the filters; folder set per walk */
	const char *const *folders;    /* borrowed */
	size_t nfolders;
	char *filter; /* the text filter (/), or NULL */
	tui_page *pages;
	size_t npages, alloc;
	size_t front_folder; /* where the next unread page starts */
	char *front_pos;
	int ended;    /* every folder was read to its end */
	size_t count; /* rows known so far */
	unsigned long clock;
	long page_size;
	int failed;   /* the last read failed: errmsg says why */
	int no_reads; /* 1: tui_index_row gives what is kept and reads nothing */
	char errmsg[300];
	size_t requests; /* walks made (pages read, counting re-reads) */
	/* Optional: each record shown, once, as the front reads it (not on a re-read). */
	void (*counted)(void *ctx, struct json_t *record);
	void *counted_ctx;
} tui_index;

/* Sets up an empty index over folders with the filters of req (copied by value). */
void tui_index_init(tui_index *ix, pps_client *client, const pps_quarantine_search_req *req,
		    const char *const *folders, size_t nfolders);
void tui_index_release(tui_index *ix);
/* Drops every page and starts again from the first folder's newest end with a new text filter. */
int tui_index_restart(tui_index *ix, const char *filter);
/* Reads the next page at the front. 1: a page was read (maybe with no row), 0: the end, -1: failed.
 */
int tui_index_more(tui_index *ix);
/*
 * Row i (0-based), reading pages as needed: up to the front when i is beyond what is known, or
 * again from a kept position when its page left the cache. NULL past the end or on a failure.
 * Valid until the next call on the index.
 */
const tui_row *tui_index_row(tui_index *ix, size_t i);
/* The number of pages whose rows are kept (for the trace and the tests). */
size_t tui_index_cached(const tui_index *ix);

#endif
