/*
 * The parts that both a generated message (mime.c) and its attachments (mime_attach.c) make: a
 * UTF-8 text part, and the small message of an attached .eml. Calls neither of them.
 */
#include "sim/mime_int.h"

#include <string.h>

#include "util/banned.h"

GMimeObject *sim_mime_text_part(const char *subtype, const char *s)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(s, strlen(s));
	GMimeDataWrapper *w =
		g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);

	/* The text is UTF-8 as written here: said, not scanned for. */
	g_mime_part_set_content(GMIME_PART(t), w);
	g_object_unref(w);
	g_object_unref(st);
	g_mime_text_part_set_charset(t, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(t), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(t);
}

GMimeMessage *sim_mime_inner(rng *r, const struct sim_mail *m)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GDateTime *t = g_date_time_new_from_unix_utc(m->epoch - 3600 - below(r, 86400));
	char tok[12], *id, *s;
	GMimeObject *part;

	sim_mime_token(r, tok, 10, "0123456789abcdef");
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, "Accounts Payable",
				   "ap@billing-notice.example.org");
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, m->from);
	g_mime_message_set_subject(msg, "Payment details", NULL);
	g_mime_message_set_date(msg, t);
	g_date_time_unref(t);
	id = g_strdup_printf("%s@billing-notice.example.org", tok);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	s = g_strdup_printf("Please update the payment details before Friday:\r\n"
			    "https://billing-notice.example.org/pay?ref=%s\r\n",
			    tok);
	part = sim_mime_text_part("plain", s);
	g_free(s);
	g_mime_message_set_mime_part(msg, part);
	g_object_unref(part);
	return msg;
}
