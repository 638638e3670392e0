/*
 * Inside the inspection views (render_inspect*.c, inspect_iocs.c): the line writer that wraps
 * escaped text to a width, and the readers of the inspection's members (render_inspect_lines.c,
 * which calls none of the views).
 */
#ifndef PPS_CLI_INSPECTPRIV_H
#define PPS_CLI_INSPECTPRIV_H

#include <jansson.h>
#include <stddef.h>

#include "cli/render_inspect.h"
#include "util/buf.h"

struct ilines {
	int width; /* 0: no limit */
	cli_inspect_line_fn fn;
	void *ctx;
	ppsbuf line;
	ppsbuf safe;
	int any; /* a line was emitted */
	int oom;
};

/* Lines a value may take before it is cut with an ellipsis. */
#define ILINES_VALUE_MAX 4

/*
 * Emits text (raw, from the message: escaped here; line breaks become spaces) after prefix
 * (ASCII, padded to indent columns), wrapped at width, continuation lines indented by indent,
 * cut with an ellipsis after maxlines lines.
 */
void ilines_text(struct ilines *w, const char *prefix, size_t indent, const char *text, size_t n,
		 int attr, int maxlines);
/*
 * Wraps the escaped text already in w->safe the same way (prefix, indent, attr, maxlines as
 * above). Returns the lines emitted.
 */
int ilines_wrap(struct ilines *w, const char *prefix, size_t indent, int attr, int maxlines);
/* The same as ilines_text for a string member of a JSON value (nothing when it is no string). */
void ilines_str(struct ilines *w, const char *prefix, size_t indent, const json_t *v, int attr);
/* A line of pps's own ASCII text (cut at width). */
void ilines_plain(struct ilines *w, const char *text, int attr);
/* A section title: a blank line before it (but the first), then "== Title ==". */
void ilines_heading(struct ilines *w, const char *title);

/* A member's string or NULL. */
const char *istr(const json_t *obj, const char *key);
/* The readable words of a flag name, or the name itself. */
const char *iflag_words(const char *flag);

/* Sections of the terminal view (render_inspect_parts.c). */
void ilines_urls(struct ilines *w, const json_t *urls);
void ilines_attachments(struct ilines *w, const json_t *atts);
void ilines_warnings(struct ilines *w, const json_t *warnings);

#endif
