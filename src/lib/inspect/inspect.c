/*
 * The public face of the inspection: options, the streaming inspector, one buffer, a
 * quarantined message streamed from the server. The parse and the sections are elsewhere in
 * this folder; nothing here prints or writes a file.
 */
#include <pthread.h>
#include <string.h>

#include "lib/inspect/inspect_int.h"
#include "lib/internal.h"

#include "util/banned.h"

struct pps_inspector {
	pps_inspect_options o;
	GByteArray *data;  /* the message's first max_message bytes */
	GChecksum *sha256; /* over every byte fed */
	size_t seen;	   /* bytes fed */
	int spent;
	struct pps__filetype *ft;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

int pps_inspect_options_init(pps_inspect_options *opts, unsigned int version)
{
	if (!opts || version == 0 || version > PPS_INSPECT_OPTIONS_VERSION)
		return PPS_EUSAGE;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return PPS_OK;
}

/* The caller's options (or none) with the defaults in place of zeros; PPS_EUSAGE if unknown. */
static int options_fill(pps_inspect_options *o, const pps_inspect_options *in)
{
	memset(o, 0, sizeof(*o));
	o->version = PPS_INSPECT_OPTIONS_VERSION;
	if (in) {
		if (in->version == 0 || in->version > PPS_INSPECT_OPTIONS_VERSION)
			return PPS_EUSAGE;
		*o = *in;
	}
	if (!o->max_depth)
		o->max_depth = PPS__INSP_DEPTH;
	if (!o->max_parts)
		o->max_parts = PPS__INSP_PARTS;
	if (!o->max_headers)
		o->max_headers = PPS__INSP_HEADERS;
	if (!o->max_message)
		o->max_message = PPS__INSP_MESSAGE;
	/* A GByteArray counts in guint. */
	if (o->max_message > G_MAXUINT - 1)
		o->max_message = G_MAXUINT - 1;
	if (!o->max_decoded)
		o->max_decoded = PPS__INSP_DECODED;
	if (!o->body_excerpt)
		o->body_excerpt = PPS__INSP_EXCERPT;
	return PPS_OK;
}

int pps_inspector_new(pps_inspector **out, const pps_inspect_options *opts)
{
	pps_inspector *in;

	if (!out)
		return PPS_EUSAGE;
	*out = NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return PPS_ENOMEM;
	if (options_fill(&in->o, opts)) {
		free(in);
		return PPS_EUSAGE;
	}
	pthread_once(&gmime_once, gmime_start);
	in->data = g_byte_array_new();
	in->sha256 = g_checksum_new(G_CHECKSUM_SHA256);
	in->ft = pps__filetype_new();
	*out = in;
	return PPS_OK;
}

int pps_inspector_feed(pps_inspector *in, const void *data, size_t len)
{
	size_t room;

	if (!in || in->spent || (!data && len))
		return PPS_EUSAGE;
	if (!len)
		return PPS_OK;
	g_checksum_update(in->sha256, data, (gssize)len);
	in->seen += len;
	room = in->o.max_message - in->data->len;
	if (room)
		g_byte_array_append(in->data, data, (guint)(len < room ? len : room));
	return PPS_OK;
}

void pps_inspector_free(pps_inspector *in)
{
	if (!in)
		return;
	if (in->data)
		g_byte_array_unref(in->data);
	if (in->sha256)
		g_checksum_free(in->sha256);
	pps__filetype_free(in->ft);
	free(in);
}

/* GMime's parser warnings, named in ours. */
static void parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer ctx)
{
	pps__insp *st = ctx;
	const char *what = item ? item : "";

	switch (code) {
	case GMIME_CRIT_NESTING_OVERFLOW:
		pps__insp_warn(st, "depth_limit", "the MIME parser's nesting limit was reached");
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		pps__insp_warn(st, "bad_boundary", "a multipart without a boundary");
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		pps__insp_warn(st, "bad_boundary", "a multipart whose boundary never appears");
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		pps__insp_warn(st, "malformed_mime", "the message ends inside a part");
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		pps__insp_warn(st, "bad_header", "an invalid RFC 2047 encoded word");
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_WARN_UNENCODED_8BIT_HEADER:
	case GMIME_CRIT_CONFLICTING_HEADER:
		pps__insp_warn(st, "bad_header", "a malformed header field at byte %lld",
			       (long long)offset);
		break;
	case GMIME_WARN_INVALID_CONTENT_TYPE:
	case GMIME_WARN_INVALID_PARAMETER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_WARN_PART_WITHOUT_CONTENT:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		pps__insp_warn(st, "malformed_mime", "malformed MIME (%d)", (int)code);
		break;
	default:
		(void)what;
		break;
	}
}

static json_t *source_new(pps__insp *st, size_t seen, GChecksum *sha)
{
	json_t *src = json_object();

	(void)st;
	json_object_set_new(src, "size", json_integer((json_int_t)seen));
	json_object_set_new(src, "sha256", json_string(g_checksum_get_string(sha)));
	return src;
}

static void state_release(pps__insp *st)
{
	json_decref(st->warnings);
	json_decref(st->urls);
	json_decref(st->attachments);
	json_decref(st->body);
	if (st->url_index)
		g_hash_table_destroy(st->url_index);
	if (st->warned)
		g_hash_table_destroy(st->warned);
	g_free(st->html_text);
}

/* The longest header field (folded lines included) and the most parameters of a Content-*. */
#define FIELD_MAX  ((size_t)1 << 20)
#define PARAMS_MAX 256

/* The state of bound()'s scan. */
struct scan {
	size_t fields, all, dashes; /* fields in this block, in all blocks; delimiter lines */
	size_t start, bytes, semis; /* the field being read: its offset, length, ';' */
	int in_headers, content;    /* content: a Content-* field, whose parameters GMime reads */
};

/* One header line (n bytes at pos): 0, or -1 with the cut in *at and its warning said. */
static int header_line(pps__insp *st, struct scan *s, const guint8 *d, size_t pos, size_t n,
		       size_t *at)
{
	const guint8 *p = d + pos, *end = d + pos + n;

	if (*p != ' ' && *p != '\t') {
		s->start = pos;
		s->bytes = s->semis = 0;
		s->content = n >= 8 && !g_ascii_strncasecmp((const char *)p, "content-", 8);
		*at = pos;
		if (++s->fields > st->o.max_headers) {
			pps__insp_warn(st, "header_limit",
				       "more than %u header fields in one block: the message was "
				       "read up to byte %zu",
				       st->o.max_headers, pos);
			return -1;
		}
		if (++s->all > 100 * (size_t)st->o.max_headers) {
			pps__insp_warn(st, "header_limit",
				       "more than %zu header fields in all: the message was read "
				       "up to byte %zu",
				       100 * (size_t)st->o.max_headers, pos);
			return -1;
		}
	}
	s->bytes += n;
	while (s->content && (p = memchr(p, ';', (size_t)(end - p)))) {
		s->semis++;
		p++;
	}
	*at = s->start;
	if (s->bytes > FIELD_MAX || s->semis > PARAMS_MAX) {
		pps__insp_warn(
			st, "header_limit",
			"a header field of more than %s: the message was read up to byte %zu",
			s->bytes > FIELD_MAX ? "1 MiB" : "256 parameters", s->start);
		return -1;
	}
	return 0;
}

/*
 * How much of the message GMime may read. GMime builds every part, header field and parameter
 * it meets before the walk can count them (and reads parameters in time that grows with their
 * square), so the bounds are applied before: a linear scan of the lines cuts the message at
 * the header field past max_headers in one header block (the message's or a part's: the lines
 * after a line starting with "--" up to an empty line), past 100 times max_headers in all
 * blocks, at a field longer than 1 MiB or a Content-* field of more than 256 parameters, or at
 * the line starting with "--" past twice max_parts (a part needs its delimiter line, and a
 * closing one at most as many). The cut is named in a warning.
 */
static size_t bound(pps__insp *st, const guint8 *d, size_t len)
{
	size_t pos = 0, at, max_dashes = 2 * (size_t)st->o.max_parts + 64;
	struct scan s = { 0 };

	s.in_headers = 1;
	while (pos < len) {
		const guint8 *nl = memchr(d + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - d) + 1 : len, n = end - pos;

		if (n >= 2 && d[pos] == '-' && d[pos + 1] == '-') {
			if (++s.dashes > max_dashes) {
				pps__insp_warn(st, "part_limit",
					       "more than %u parts: the message was read up to "
					       "byte %zu",
					       st->o.max_parts, pos);
				return pos;
			}
			s.in_headers = 1;
			s.fields = 0;
		} else if (s.in_headers) {
			if (n == 1 || (n == 2 && d[pos] == '\r'))
				s.in_headers = 0;
			else if (header_line(st, &s, d, pos, n, &at))
				return at;
		}
		pos = end;
	}
	return len;
}

/* Parses the bytes of data (borrowed) and builds the sections into result. */
static void sections(pps__insp *st, GByteArray *data, json_t *result)
{
	GMimeParserOptions *po = g_mime_parser_options_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(data), *stream;
	size_t cut = bound(st, data->data, data->len);
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeHeaderList *hl;

	/* The array stays the caller's: the stream only reads it. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	stream = cut < data->len ? g_mime_stream_substream(mem, 0, (gint64)cut) : g_object_ref(mem);
	g_mime_parser_options_set_warning_callback(po, parser_warning, st);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_persist_stream(parser, TRUE);
	msg = g_mime_parser_construct_message(parser, po);
	g_object_unref(parser);
	if (!msg) {
		pps__insp_warn(st, data->len ? "malformed_mime" : "empty",
			       data->len ? "no message could be read" : "the message is empty");
		pps__insp_set(result, "headers", NULL);
		pps__insp_set(result, "received", json_array());
		pps__insp_set(result, "auth", NULL);
		goto done;
	}
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	if ((size_t)g_mime_header_list_get_count(hl) > st->o.max_headers)
		pps__insp_warn(st, "header_limit", "the message has more than %u header fields",
			       st->o.max_headers);
	pps__insp_set(result, "headers", pps__insp_headers(st, msg));
	pps__insp_set(result, "received", pps__insp_received(st, hl));
	pps__insp_set(result, "auth", pps__insp_auth(st, hl));
	pps__insp_urls_header(st, hl);
	if (g_mime_message_get_mime_part(msg))
		pps__insp_walk(st, g_mime_message_get_mime_part(msg));
	st->body = pps__insp_body(st);
	g_object_unref(msg);
done:
	g_object_unref(stream);
	g_object_unref(mem);
	g_mime_parser_options_free(po);
}

/* The inspection of data (borrowed, at most max_message bytes), seen bytes in all. */
static int inspect(json_t **out, const pps_inspect_options *o, struct pps__filetype *ft,
		   GByteArray *data, size_t seen, GChecksum *sha)
{
	pps__insp st = { 0 };
	json_t *result;

	st.o = *o;
	st.ft = ft;
	st.warnings = json_array();
	st.urls = json_array();
	st.attachments = json_array();
	st.url_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	st.warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	result = json_object();
	json_object_set_new(result, "source", source_new(&st, seen, sha));
	if (seen > data->len)
		pps__insp_warn(&st, "size_limit",
			       "the message has %zu bytes: only the first %zu were read", seen,
			       (size_t)data->len);
	sections(&st, data, result);
	if (st.canceled) {
		json_decref(result);
		state_release(&st);
		return PPS_ECANCELED;
	}
	json_object_set(result, "body", st.body ? st.body : json_null());
	json_object_set(result, "urls", st.urls);
	json_object_set(result, "attachments", st.attachments);
	json_object_set(result, "warnings", st.warnings);
	state_release(&st);
	*out = result;
	return PPS_OK;
}

int pps_inspector_finish(json_t **out, pps_inspector *in)
{
	if (!out)
		return PPS_EUSAGE;
	*out = NULL;
	if (!in || in->spent)
		return PPS_EUSAGE;
	in->spent = 1;
	return inspect(out, &in->o, in->ft, in->data, in->seen, in->sha256);
}

int pps_inspect_buffer(json_t **out, const void *data, size_t len, const pps_inspect_options *opts)
{
	pps_inspect_options o;
	GByteArray *ba;
	GChecksum *sha;
	struct pps__filetype *ft;
	size_t kept;
	int ret;

	if (!out)
		return PPS_EUSAGE;
	*out = NULL;
	if ((!data && len) || options_fill(&o, opts))
		return PPS_EUSAGE;
	pthread_once(&gmime_once, gmime_start);
	kept = len < o.max_message ? len : o.max_message;
	/*
	 * The array borrows the caller's bytes (nothing is copied); it is only read, and freed
	 * below without its data.
	 */
	{
		union {
			const void *in;
			guint8 *bytes;
		} borrow = { data };

		ba = g_byte_array_new_take(borrow.bytes, (gsize)kept);
	}
	sha = g_checksum_new(G_CHECKSUM_SHA256);
	if (len)
		g_checksum_update(sha, data, (gssize)len);
	ft = pps__filetype_new();
	ret = inspect(out, &o, ft, ba, len, sha);
	pps__filetype_free(ft);
	g_checksum_free(sha);
	g_byte_array_free(ba, FALSE);
	return ret;
}

/* The body of GET /quarantine?guid= into the inspector, up to its bound. */
struct qfeed {
	pps_inspector *in;
	int full; /* stopped at max_message */
};

static int qfeed_body(void *ctx, const char *data, size_t len)
{
	struct qfeed *q = ctx;

	if (pps_inspector_feed(q->in, data, len))
		return 1;
	if (q->in->seen > q->in->o.max_message) {
		q->full = 1;
		return 1;
	}
	return 0;
}

int pps_quarantine_inspect(json_t **out, pps_client *client, const char *guid,
			   const pps_inspect_options *opts)
{
	pps_visitor v = PPS_VISITOR_INIT;
	pps_response *resp = NULL;
	struct qfeed q = { 0 };
	int ret;

	if (!out)
		return PPS_EUSAGE;
	*out = NULL;
	if (!client)
		return PPS_EUSAGE;
	ret = pps_inspector_new(&q.in, opts);
	if (ret) {
		pps__error_reset(client);
		return pps__error_set(client, ret, 0, "bad inspection options");
	}
	v.body = qfeed_body;
	v.ctx = &q;
	ret = pps_quarantine_download_stream(&resp, client, guid, &v);
	pps_response_free(resp);
	if (ret == PPS_ECANCELED && q.full) {
		pps__error_reset(client);
		ret = PPS_OK;
	}
	if (ret == PPS_OK) {
		ret = pps_inspector_finish(out, q.in);
		if (ret == PPS_OK) {
			json_t *src = json_object_get(*out, "source");

			json_object_set_new(src, "guid", pps__insp_str(guid));
		} else {
			pps__error_set(client, ret, 0, "the inspection of '%s' stopped", guid);
		}
	}
	pps_inspector_free(q.in);
	return ret;
}
