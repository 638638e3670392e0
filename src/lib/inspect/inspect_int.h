/*
 * Declarations shared by the files of the message inspection (src/lib/inspect/); never
 * installed. GMime and GLib types appear here and nowhere outside this folder.
 */
#ifndef PPS_LIB_INSPECT_INT_H
#define PPS_LIB_INSPECT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <gmime/gmime.h>
#include <jansson.h>

#include "pps/pps.h"

/* Defaults of pps_inspect_options (0 in a member means these). */
#define PPS__INSP_DEPTH	  64u
#define PPS__INSP_PARTS	  10000u
#define PPS__INSP_HEADERS 1000u
#define PPS__INSP_MESSAGE ((size_t)64 << 20)
#define PPS__INSP_DECODED ((size_t)256 << 20)
#define PPS__INSP_EXCERPT ((size_t)4096)
/* The most warnings kept; one more says that some were left out. */
#define PPS__INSP_WARNINGS 64u
/* The most URLs kept per message, and the longest URL taken. */
#define PPS__INSP_URLS	  2000u
#define PPS__INSP_URL_MAX 8192u
/* The most text of a body part read (for the excerpt, its length and its links). */
#define PPS__INSP_TEXT_MAX ((size_t)8 << 20)
/* The most Received and Authentication-Results header fields read. */
#define PPS__INSP_HOPS 100u
/* The longest header value kept (decoded and raw each). */
#define PPS__INSP_VALUE_MAX 16384u

struct pps__filetype;

/* The working state of one inspection, between the parse and the finished result. */
typedef struct pps__insp {
	pps_inspect_options o; /* the caller's options with the defaults filled in */
	json_t *warnings;      /* [] */
	json_t *urls;	       /* [] */
	json_t *attachments;   /* [] */
	json_t *body;	       /* the body object or NULL */
	GHashTable *url_index; /* url -> json_t * (borrowed from urls) */
	GHashTable *warned;    /* "code\nmessage" seen, to say each once */
	unsigned int warn_limit_hit;
	size_t parts;	/* parts walked */
	size_t decoded; /* decoded bytes over all parts */
	size_t index;	/* next attachment index */
	int depth_warned, parts_warned, decoded_warned;
	int canceled;		  /* the attachment callback asked to stop */
	size_t html_tags;	  /* tags given to gumbo so far, over all HTML parts */
	struct pps__filetype *ft; /* borrowed from the inspector */
	GMimeObject *text_part;	  /* the chosen text/plain body, borrowed */
	GMimeObject *html_part;	  /* the chosen text/html part, borrowed */
	char *html_text;	  /* the HTML as text (malloc'd by GLib), when HTML is the body */
} pps__insp;

/* util.c */
/* Adds {"code", "message"} to the warnings once per distinct pair; message is printf-style. */
void pps__insp_warn(pps__insp *st, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new JSON string of s[0..len) made valid UTF-8 (bad bytes become U+FFFD); NUL-safe. */
json_t *pps__insp_string(const char *s, size_t len);
/* The same for a NUL-terminated s; json_null() for NULL. */
json_t *pps__insp_str(const char *s);
/* A g_malloc'd copy of s made valid UTF-8, at most max bytes (cut on a character). */
char *pps__insp_utf8_dup(const char *s, size_t len, size_t max);
/* The lower-case domain of an address ("a@Ex.COM" -> "ex.com"), g_malloc'd, or NULL. */
char *pps__insp_domain_of(const char *address);
/* Sets obj[key] to value (stolen); on a NULL value sets null. */
void pps__insp_set(json_t *obj, const char *key, json_t *value);

/* walk.c: the parts of the message (attachments, body choice, limits). */
void pps__insp_walk(pps__insp *st, GMimeObject *top);
/* Reads a part's decoded content into a g_malloc'd string of at most max bytes (NUL-ended). */
char *pps__insp_part_text(pps__insp *st, GMimePart *part, size_t max, size_t *len, int *cut);

/* headers.c */
json_t *pps__insp_headers(pps__insp *st, GMimeMessage *msg);
/* received.c */
json_t *pps__insp_received(pps__insp *st, GMimeHeaderList *headers);
/* auth.c */
json_t *pps__insp_auth(pps__insp *st, GMimeHeaderList *headers);
/* body.c: the body section, the URLs of the text part. */
json_t *pps__insp_body(pps__insp *st);

/* urls.c */
/* Records url (found in where; anchor text or NULL) once, decoding URL Defense. */
void pps__insp_url_add(pps__insp *st, const char *url, size_t len, const char *where,
		       const char *anchor);
/* Every http(s)/ftp URL and www. host in text[0..len) as found in where. */
void pps__insp_urls_scan(pps__insp *st, const char *text, size_t len, const char *where);
/* The URLs of List-Unsubscribe and similar <...> lists. */
void pps__insp_urls_header(pps__insp *st, GMimeHeaderList *headers);

/* urldefense.c: the URL a URL Defense link wraps (g_free'd), or NULL when url is none. */
char *pps__urldefense_decode(const char *url);

/* html.c (the only file with gumbo): the HTML's text (g_malloc'd) and its links. */
char *pps__insp_html(pps__insp *st, const char *html, size_t len);

/* filetype.c (the only file with libmagic). */
/* A libmagic handle from a process-wide pool (magic_load is slow: loaded once per handle). */
struct pps__filetype *pps__filetype_new(void);
/* Gives the handle back to the pool. */
void pps__filetype_free(struct pps__filetype *ft);
/*
 * The MIME type of a content from its first and last bytes (the tail shows a zip's central
 * directory: an OOXML file with macros); g_free'd, or NULL. sha256 (the whole content's, or
 * NULL when it is not known) names a content whose type the handle may remember.
 */
char *pps__filetype_detect(struct pps__filetype *ft, const char *sha256, const void *head,
			   size_t head_len, const void *tail, size_t tail_len);
/* Adds the flags of one attachment to flags (a JSON array of strings). */
void pps__filetype_flags(json_t *flags, const char *filename, const char *declared,
			 const char *detected, const void *head, size_t head_len);

#endif
