/*
 * The views of a message's inspection (docs/output.md, "Inspection"): escaped lines for a given
 * width (the terminal, a curses pane), markdown for a ticket, the indicators of compromise.
 * No stdio: the caller writes what it is handed.
 */
#ifndef PPS_CLI_RENDER_INSPECT_H
#define PPS_CLI_RENDER_INSPECT_H

#include <stddef.h>

#include "util/buf.h"

struct json_t;

/* What a line is, for a caller that colours: a section title, a flag (a warning sign), text. */
enum { CLI_INSPECT_TEXT = 0, CLI_INSPECT_HEADING = 1, CLI_INSPECT_FLAG = 2 };

typedef void (*cli_inspect_line_fn)(void *ctx, const char *text, int attr);

/*
 * Calls line once per line of the inspection's terminal view (sections Headers, Received,
 * Authentication, Body, URLs, Attachments, Warnings), in order. Each text is NUL-terminated,
 * without a newline, at most width display columns (width <= 0: no limit; below 20 counts as
 * 20), every message-derived string escaped (controls, bidi) and every URL defanged. The text
 * is valid only during the call. Returns 0, or -1 when memory ran out (lines may have gone).
 */
int cli_inspect_lines(const struct json_t *inspection, int width, cli_inspect_line_fn line,
		      void *ctx);

/* Appends the inspection as markdown (headings, tables with escaped pipes, defanged URLs). */
int cli_inspect_markdown(ppsbuf *b, const struct json_t *inspection);

/*
 * Appends url (n bytes) defanged: http/https/ftp as hxxp/hxxps/fxp and every dot of the host
 * as [.] (hxxps://example[.]com/a.b). Not escaped: the caller escapes. Returns 0 or -1.
 */
int cli_defang(ppsbuf *b, const char *url, size_t n);

/*
 * The indicators of an inspection (new reference): an array of {"type", "value", "source",
 * "found_in"} with type url, domain, ip, email, md5, sha1 or sha256, each value once (found_in
 * lists every place it was seen); source the inspection's source file or GUID. NULL: memory.
 */
struct json_t *cli_inspect_iocs(const struct json_t *inspection);

#endif
