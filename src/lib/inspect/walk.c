/*
 * The walk over the MIME tree: each part counted against the limits, the body parts chosen,
 * every other leaf an attachment whose decoded bytes stream through the hashes (never held
 * whole). Decoding is GMime's (base64, quoted-printable, uuencode; charsets).
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* Bytes of an attachment kept for the file type; bytes read at a time. */
#define HEAD_MAX 8192
#define CHUNK	 65536
/* A part larger than the 25 MiB that common mail services take is named in a warning. */
#define LARGE_PART ((size_t)25 << 20)

#define PATH_MAX_ ((size_t)512)

/* The decoded content of part as a new stream to read (unref it), or NULL when it has none. */
static GMimeStream *decoded_open(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *raw, *filtered;
	GMimeContentEncoding enc;

	if (!dw || !(raw = g_mime_data_wrapper_get_stream(dw)))
		return NULL;
	g_mime_stream_reset(raw);
	filtered = g_mime_stream_filter_new(raw);
	enc = g_mime_data_wrapper_get_encoding(dw);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *f = g_mime_filter_basic_new(enc, FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
		g_object_unref(f);
	}
	return filtered;
}

/* Counts n decoded bytes; 0, or -1 once the message's decoded bound is passed. */
static int decoded_count(pps__insp *st, size_t n, const char *path)
{
	if (st->decoded + n > st->o.max_decoded) {
		if (!st->decoded_warned) {
			st->decoded_warned = 1;
			pps__insp_warn(st, "decoded_limit",
				       "more than %zu decoded bytes: part %s and the rest were cut",
				       st->o.max_decoded, path);
		}
		return -1;
	}
	st->decoded += n;
	return 0;
}

static int charset_is_utf8(const char *cs)
{
	return !cs || !g_ascii_strcasecmp(cs, "utf-8") || !g_ascii_strcasecmp(cs, "utf8") ||
	       !g_ascii_strcasecmp(cs, "us-ascii") || !g_ascii_strcasecmp(cs, "ascii");
}

char *pps__insp_part_text(pps__insp *st, GMimePart *part, size_t max, size_t *len, int *cut)
{
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	GMimeStream *s = decoded_open(part);
	GString *text = g_string_new(NULL);
	char buf[CHUNK];
	gssize n;
	char *valid;

	*cut = 0;
	if (s && !charset_is_utf8(cs)) {
		GMimeFilter *f = g_mime_filter_charset_new(cs, "UTF-8");

		if (f) {
			g_mime_stream_filter_add(GMIME_STREAM_FILTER(s), f);
			g_object_unref(f);
		} else {
			char *name = pps__insp_utf8_dup(cs, strlen(cs), 64);

			pps__insp_warn(st, "bad_charset", "unknown charset '%s': read as UTF-8",
				       name);
			g_free(name);
		}
	}
	while (s && (n = g_mime_stream_read(s, buf, sizeof(buf))) > 0) {
		size_t take = (size_t)n;

		if (decoded_count(st, take, "text")) {
			*cut = 1;
			break;
		}
		if (text->len + take > max) {
			take = max - text->len;
			*cut = 1;
		}
		g_string_append_len(text, buf, (gssize)take);
		if (*cut)
			break;
	}
	if (s)
		g_object_unref(s);
	valid = pps__insp_utf8_dup(text->str, text->len, max);
	g_string_free(text, TRUE);
	*len = strlen(valid);
	return valid;
}

/* Replaces '/', '\', controls and format characters (bidi overrides) with '_'; max 255 bytes. */
static char *filename_clean(const char *name)
{
	char *valid = pps__insp_utf8_dup(name, strlen(name), 4 * 255);
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '/' || c == '\\' || g_unichar_iscntrl(c) ||
		    g_unichar_type(c) == G_UNICODE_FORMAT)
			c = '_';
		if (out->len + (size_t)g_unichar_to_utf8(c, NULL) > 255)
			break;
		g_string_append_unichar(out, c);
	}
	g_free(valid);
	if (!out->len || !strcmp(out->str, ".") || !strcmp(out->str, "..")) {
		g_string_assign(out, "_");
	}
	return g_string_free(out, FALSE);
}

/* The file name of a part (Content-Disposition's, else Content-Type's name), decoded by GMime. */
static const char *filename_of(GMimeObject *obj)
{
	const char *name;

	if (GMIME_IS_PART(obj))
		return g_mime_part_get_filename(GMIME_PART(obj));
	name = g_mime_object_get_content_disposition_parameter(obj, "filename");
	return name ? name : g_mime_object_get_content_type_parameter(obj, "name");
}

/* One attachment being read: its hashes, size and first bytes. */
struct att {
	GChecksum *md5, *sha1, *sha256;
	size_t size;
	unsigned char head[HEAD_MAX];
	size_t head_len;
	unsigned char tail[HEAD_MAX]; /* the last bytes */
	size_t tail_len;
	int cut;
};

/* The next decoded bytes of an attachment: hashed, counted, handed on. -1 stops the reading. */
static int att_feed(pps__insp *st, struct att *a, const char *buf, size_t got, const char *path)
{
	if (decoded_count(st, got, path)) {
		a->cut = 1;
		return -1;
	}
	g_checksum_update(a->md5, (const guchar *)buf, (gssize)got);
	g_checksum_update(a->sha1, (const guchar *)buf, (gssize)got);
	g_checksum_update(a->sha256, (const guchar *)buf, (gssize)got);
	if (a->head_len < HEAD_MAX) {
		size_t take = MIN(got, HEAD_MAX - a->head_len);

		memcpy(a->head + a->head_len, buf, take);
		a->head_len += take;
	}
	if (got >= HEAD_MAX) {
		memcpy(a->tail, buf + got - HEAD_MAX, HEAD_MAX);
		a->tail_len = HEAD_MAX;
	} else {
		size_t keep = MIN(a->tail_len, HEAD_MAX - got);

		memmove(a->tail, a->tail + a->tail_len - keep, keep);
		memcpy(a->tail + keep, buf, got);
		a->tail_len = keep + got;
	}
	a->size += got;
	if (st->o.attachment && st->o.attachment(st->o.ctx, st->index, buf, got, NULL)) {
		st->canceled = 1;
		return -1;
	}
	return 0;
}

/* Streams s (decoded content) through att_feed. */
static void att_read(pps__insp *st, struct att *a, GMimeStream *s, const char *path)
{
	char buf[CHUNK];
	gssize n;

	while (s && (n = g_mime_stream_read(s, buf, sizeof(buf))) > 0)
		if (att_feed(st, a, buf, (size_t)n, path))
			break;
}

/*
 * The content of an attachment as a stream to read (unref it): a leaf's decoded bytes, an
 * attached message as GMime writes it back (its parts are kept as they came).
 */
static GMimeStream *content_open(GMimeObject *obj)
{
	GMimeStream *mem;

	if (GMIME_IS_PART(obj))
		return decoded_open(GMIME_PART(obj));
	if (!GMIME_IS_MESSAGE_PART(obj))
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_object_write_content_to_stream(obj, NULL, mem);
	g_mime_stream_reset(mem);
	return mem;
}

/* The links of a text part inside an attached message: a link there is a link all the same. */
static void nested_text(pps__insp *st, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	int plain = ct && g_mime_content_type_is_type(ct, "text", "plain");
	int html = ct && g_mime_content_type_is_type(ct, "text", "html");
	size_t len;
	int cut;
	char *text;

	if (!GMIME_IS_PART(obj) || (!plain && !html) || st->canceled)
		return;
	text = pps__insp_part_text(st, GMIME_PART(obj), PPS__INSP_TEXT_MAX, &len, &cut);
	if (plain)
		pps__insp_urls_scan(st, text, len, "text");
	else
		g_free(pps__insp_html(st, text, len));
	g_free(text);
}

static json_t *checksum_json(GChecksum *c, int cut)
{
	return cut ? json_null() : json_string(g_checksum_get_string(c));
}

static void attachment(pps__insp *st, GMimeObject *obj, const char *path, int nested)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *declared = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	const char *fname = filename_of(obj);
	GMimeStream *content;
	const char *disp = g_mime_object_get_disposition(obj);
	char *clean = fname ? filename_clean(fname) : NULL;
	struct att *a = g_new0(struct att, 1);
	char *detected;
	json_t *m = json_object(), *flags = json_array();

	a->md5 = g_checksum_new(G_CHECKSUM_MD5);
	a->sha1 = g_checksum_new(G_CHECKSUM_SHA1);
	a->sha256 = g_checksum_new(G_CHECKSUM_SHA256);
	content = content_open(obj);
	att_read(st, a, content, path);
	if (content)
		g_object_unref(content);
	detected = pps__filetype_detect(st->ft, a->cut ? NULL : g_checksum_get_string(a->sha256),
					a->head, a->head_len, a->tail, a->tail_len);
	json_object_set_new(m, "index", json_integer((json_int_t)st->index));
	json_object_set_new(m, "path", json_string(path));
	pps__insp_set(m, "filename", pps__insp_str(clean));
	pps__insp_set(m, "declared_type", pps__insp_str(declared));
	pps__insp_set(m, "detected_type", pps__insp_str(detected));
	json_object_set_new(m, "size", json_integer((json_int_t)a->size));
	/* Inspected whole all the same; mail services refuse parts this large. */
	if (a->size > LARGE_PART)
		pps__insp_warn(st, "large_part",
			       "part %s holds %zu MiB: more than mail services take (25 MiB)", path,
			       a->size >> 20);
	json_object_set_new(m, "md5", checksum_json(a->md5, a->cut));
	json_object_set_new(m, "sha1", checksum_json(a->sha1, a->cut));
	json_object_set_new(m, "sha256", checksum_json(a->sha256, a->cut));
	pps__insp_set(m, "disposition", disp ? pps__insp_str(disp) : NULL);
	pps__filetype_flags(flags, clean, declared, detected, a->head, a->head_len);
	if (nested || GMIME_IS_MESSAGE_PART(obj))
		json_array_append_new(flags, json_string("nested_message"));
	json_object_set_new(m, "flags", flags);
	json_array_append_new(st->attachments, m);
	if (!st->canceled && st->o.attachment && st->o.attachment(st->o.ctx, st->index, NULL, 0, m))
		st->canceled = 1;
	st->index++;
	g_checksum_free(a->md5);
	g_checksum_free(a->sha1);
	g_checksum_free(a->sha256);
	g_free(a);
	g_free(clean);
	g_free(declared);
	g_free(detected);
	if (nested)
		nested_text(st, obj);
}

/* A text part that reads as the message's body: inline, no file name, not yet chosen. */
static int body_candidate(pps__insp *st, GMimeObject *obj, int nested)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);

	if (nested || !ct || g_mime_part_get_filename(GMIME_PART(obj)) ||
	    (disp && !g_ascii_strcasecmp(disp, "attachment")))
		return 0;
	if (!st->text_part && g_mime_content_type_is_type(ct, "text", "plain")) {
		st->text_part = obj;
		return 1;
	}
	if (!st->html_part && g_mime_content_type_is_type(ct, "text", "html")) {
		st->html_part = obj;
		return 1;
	}
	return 0;
}

static void walk(pps__insp *st, GMimeObject *obj, const char *path, unsigned int depth, int nested);

static void walk_children(pps__insp *st, GMimeMultipart *mp, const char *path, unsigned int depth,
			  int nested)
{
	int i, n = g_mime_multipart_get_count(mp);

	if (n == 0 && g_mime_multipart_get_boundary(mp))
		pps__insp_warn(st, "bad_boundary", "the boundary of part %s never appears",
			       *path ? path : "0");
	else if (n == 0)
		pps__insp_warn(st, "malformed_mime", "part %s is a multipart without parts",
			       *path ? path : "0");
	for (i = 0; i < n && !st->canceled && !st->parts_warned; i++) {
		char child[PATH_MAX_];

		if (*path)
			g_snprintf(child, sizeof(child), "%s.%d", path, i + 1);
		else
			g_snprintf(child, sizeof(child), "%d", i + 1);
		walk(st, g_mime_multipart_get_part(mp, i), child, depth + 1, nested);
	}
}

static void walk(pps__insp *st, GMimeObject *obj, const char *path, unsigned int depth, int nested)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);

	if (++st->parts > st->o.max_parts) {
		if (!st->parts_warned) {
			st->parts_warned = 1;
			pps__insp_warn(st, "part_limit",
				       "more than %u parts: the rest were skipped",
				       st->o.max_parts);
		}
		return;
	}
	if (depth > st->o.max_depth || strlen(path) > PATH_MAX_ - 16) {
		if (!st->depth_warned) {
			st->depth_warned = 1;
			pps__insp_warn(st, "depth_limit",
				       "parts nested more than %u deep were skipped",
				       st->o.max_depth);
		}
		return;
	}
	if (hl && (size_t)g_mime_header_list_get_count(hl) > st->o.max_headers)
		pps__insp_warn(st, "header_limit", "part %s has more than %u header fields",
			       *path ? path : "0", st->o.max_headers);
	if (GMIME_IS_MULTIPART(obj)) {
		walk_children(st, GMIME_MULTIPART(obj), path, depth, nested);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;

		/* The attached message itself, hashed as a whole once (not at every level). */
		if (!nested && !st->canceled)
			attachment(st, obj, *path ? path : "1", 0);
		if (body && !st->canceled)
			walk(st, body, *path ? path : "1", depth + 1, 1);
		else
			pps__insp_warn(st, "malformed_mime", "part %s is an empty message/rfc822",
				       *path ? path : "1");
	} else if (GMIME_IS_PART(obj)) {
		if (!body_candidate(st, obj, nested))
			attachment(st, obj, *path ? path : "1", nested);
	}
}

void pps__insp_walk(pps__insp *st, GMimeObject *top)
{
	walk(st, top, "", 0, 0);
}
