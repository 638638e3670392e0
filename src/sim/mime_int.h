/*
 * What the mime*.c files share: GMime and GLib types, behind src/sim/mime.h. Not for the rest of
 * the emulator.
 */
#ifndef PPS_SIM_MIME_INT_H
#define PPS_SIM_MIME_INT_H

#include <glib.h>
#include <gmime/gmime.h>

#include "sim/mime.h"

/* n characters of alphabet drawn from r into out (NUL-terminated: out holds n + 1). */
void sim_mime_token(rng *r, char *out, size_t n, const char *alphabet);
#define SIM_MIME_B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* mime_links.c: the text and HTML bodies of m with their links (and List-Unsubscribe's URL
 * into *unsub, or NULL), new strings; 0 or -1. */
int sim_mime_bodies(rng *r, const struct sim_mail *m, GString **text, GString **html, char **unsub);

/* mime_attach.c: the attachment called name, as a part to add to a multipart (a new
 * reference); NULL when out of memory. */
GMimeObject *sim_mime_attachment(rng *r, const struct sim_mail *m, const char *name);

/* mime_part.c: a text part of subtype ("plain", "html") holding s (UTF-8, quoted-printable);
 * a new reference. */
GMimeObject *sim_mime_text_part(const char *subtype, const char *s);

/* mime_part.c: a small message of its own (for an attached .eml) from sender to rcpt. */
GMimeMessage *sim_mime_inner(rng *r, const struct sim_mail *m);

#endif
