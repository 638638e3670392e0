/*
 * Neutralising text that may reach a terminal or a spreadsheet: control characters, C1, line
 * separators and bidi overrides written visibly (\x1b, \u202e); JSON text hardened the same
 * way; CSV formula triggers guarded. Pure functions over buffers: no I/O, no PPS knowledge.
 */
#ifndef PPS_CLI_SANITIZE_H
#define PPS_CLI_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* 1 for a code point a terminal acts on rather than shows: C0, DEL, C1, U+2028/9, bidi. */
int cli_is_unsafe_cp(int32_t cp);

/*
 * Appends n bytes of s to b with every unsafe code point written visibly: C0, DEL and C1 as
 * \xHH (ESC is \x1b, CSI U+009B is \x9b), the others as \uHHHH (U+202E is \u202e); a
 * backslash stays a backslash. Characters in keep (any of '\t', '\n', '\r'; NULL for none)
 * pass unchanged. Invalid UTF-8 bytes become U+FFFD. When width is not NULL the display
 * width of what was appended is added to it. Returns 0 or -1 (out of memory).
 */
int cli_sanitize(ppsbuf *b, const char *s, size_t n, const char *keep, size_t *width);

/* 1 when s (n bytes) holds anything cli_sanitize would change. */
int cli_needs_sanitize(const char *s, size_t n, const char *keep);

/*
 * Rewrites the JSON text in b from byte offset from on: C1 controls, U+2028/9 and the bidi
 * controls become \uHHHH escapes (jansson already escapes C0 and DEL is harmless in JSON
 * only when escaped, so DEL becomes \u007f too). Valid because these characters can only occur
 * inside JSON strings. Returns 0 or -1.
 */
int cli_json_harden(ppsbuf *b, size_t from);

/* Appends s (n bytes) with every invalid UTF-8 byte replaced by U+FFFD. Returns 0 or -1. */
int cli_utf8_lossy(ppsbuf *b, const char *s, size_t n);

/*
 * Appends raw text (a message, a body) for a terminal: CRLF becomes LF, tab and LF pass, every
 * other unsafe character is written visibly as by cli_sanitize. Returns 0 or -1.
 */
int cli_sanitize_text(ppsbuf *b, const char *s, size_t n);

/* 1 when a CSV cell starting with this text would be taken for a formula by a spreadsheet. */
int cli_csv_is_formula(const char *s, size_t n);

#endif
