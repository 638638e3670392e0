/*
 * The attachments of a generated message: bytes that are what their names say, so that a file
 * type detector agrees (a PDF, a zip, Office Open XML with or without macros, a PE executable,
 * a JPEG, text, an attached message), or for bad mail do not (a "pdf" that is a program).
 * Archives are written by libarchive in memory; the parts are GMime's.
 */
#include "sim/mime_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

struct entry {
	const char *name;
	const void *data;
	size_t len;
};

/* A zip of the entries, dated epoch; NULL on failure. */
static GByteArray *zip_of(const struct entry *e, size_t n, int64_t epoch)
{
	size_t cap = 4096, used = 0;
	struct archive *a = archive_write_new();
	guint8 *buf;
	int ok;

	for (size_t i = 0; i < n; i++)
		cap += e[i].len + 256;
	buf = g_malloc(cap);
	/* Stored, not deflated: as valid, and it spares a deflate state per entry. */
	ok = a && archive_write_set_format_zip(a) == ARCHIVE_OK &&
	     archive_write_zip_set_compression_store(a) == ARCHIVE_OK &&
	     archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
	     archive_write_open_memory(a, buf, cap, &used) == ARCHIVE_OK;
	for (size_t i = 0; ok && i < n; i++) {
		struct archive_entry *ae = archive_entry_new();

		ok = ae != NULL;
		if (ok) {
			archive_entry_set_pathname(ae, e[i].name);
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, (la_int64_t)e[i].len);
			archive_entry_set_mtime(ae, (time_t)epoch, 0);
			ok = archive_write_header(a, ae) == ARCHIVE_OK &&
			     archive_write_data(a, e[i].data, e[i].len) == (la_ssize_t)e[i].len;
			archive_entry_free(ae);
		}
	}
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	archive_write_free(a);
	if (!ok) {
		g_free(buf);
		return NULL;
	}
	return g_byte_array_new_take(buf, used);
}

/* Office Open XML: dir is "word", "xl" or "ppt"; with macros, a VBA project beside it. */
static GByteArray *ooxml(const char *dir, int macro, const char *text, int64_t epoch)
{
	static const struct {
		const char *dir, *main, *type, *mtype, *head, *tail;
	} kinds[] = {
		{ "word", "document.xml",
		  "application/"
		  "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
		  "application/vnd.ms-word.document.macroEnabled.main+xml",
		  "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
		  "main\"><w:body><w:p><w:r><w:t>",
		  "</w:t></w:r></w:p></w:body></w:document>" },
		{ "xl", "workbook.xml",
		  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
		  "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
		  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		  "<sheets/><!-- ",
		  " --></workbook>" },
		{ "ppt", "presentation.xml",
		  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+"
		  "xml",
		  "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
		  "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/"
		  "main\"><!-- ",
		  " --></p:presentation>" },
	};
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
	static const char rels_ns[] =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
		"relationships\"><Relationship Id=\"rId1\" "
		"Type=\"http://schemas.openxmlformats.org/"
		"officeDocument/2006/relationships/";
	size_t k = strcmp(dir, "word") == 0 ? 0 : strcmp(dir, "xl") == 0 ? 1 : 2;
	char *types, *rels, *main, *mrels, *mname, *mrname, *vname, *esc;
	guint8 vba[1024] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	static const char vba_text[] = "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\n"
				       "    Shell \"cmd /c echo pps-sim sample\"\r\nEnd Sub\r\n";
	GByteArray *out;

	memcpy(vba + 512, vba_text, sizeof(vba_text) - 1);
	types = g_strdup_printf(
		"%s<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/"
		"vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" "
		"ContentType=\"application/xml\"/>%s<Override PartName=\"/%s/%s\" "
		"ContentType=\"%s\"/></Types>",
		xml,
		macro ? "<Default Extension=\"bin\" ContentType=\"application/"
			"vnd.ms-office.vbaProject\"/>"
		      : "",
		dir, kinds[k].main, macro ? kinds[k].mtype : kinds[k].type);
	rels = g_strdup_printf("%s%sofficeDocument\" Target=\"%s/%s\"/></Relationships>", xml,
			       rels_ns, dir, kinds[k].main);
	esc = g_markup_escape_text(text, -1);
	main = g_strconcat(kinds[k].head, esc, kinds[k].tail, NULL);
	g_free(esc);
	mrels = g_strdup_printf(
		"%s<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
		"2006/relationships\"><Relationship Id=\"rId1\" "
		"Type=\"http://schemas.microsoft.com/office/2006/relationships/"
		"vbaProject\" Target=\"vbaProject.bin\"/></Relationships>",
		xml);
	mname = g_strdup_printf("%s/%s", dir, kinds[k].main);
	mrname = g_strdup_printf("%s/_rels/%s.rels", dir, kinds[k].main);
	vname = g_strdup_printf("%s/vbaProject.bin", dir);
	{
		/* [Content_Types].xml first and the main part third: where libmagic looks. */
		const struct entry e[] = { { "[Content_Types].xml", types, strlen(types) },
					   { "_rels/.rels", rels, strlen(rels) },
					   { mname, main, strlen(main) },
					   { mrname, mrels, strlen(mrels) },
					   { vname, vba, sizeof(vba) } };

		out = zip_of(e, macro ? 5 : 3, epoch);
	}
	g_free(types);
	g_free(rels);
	g_free(main);
	g_free(mrels);
	g_free(mname);
	g_free(mrname);
	g_free(vname);
	return out;
}

/* A one-page PDF saying title, with its cross-reference table. */
static GByteArray *pdf(const char *title)
{
	GString *s = g_string_new("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	char *stream = g_strdup_printf("BT /F1 18 Tf 72 720 Td (%s) Tj ET\n", title);
	const char *objs[5];
	char *len_obj =
		g_strdup_printf("<< /Length %zu >>\nstream\n%sendstream", strlen(stream), stream);
	size_t off[5], xref;

	objs[0] = "<< /Type /Catalog /Pages 2 0 R >>";
	objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
		  "/Resources << /Font << /F1 5 0 R >> >> >>";
	objs[3] = len_obj;
	objs[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
	for (size_t i = 0; i < 5; i++) {
		off[i] = s->len;
		g_string_append_printf(s, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	xref = s->len;
	g_string_append(s, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t i = 0; i < 5; i++)
		g_string_append_printf(s, "%010zu 00000 n \n", off[i]);
	g_string_append_printf(s, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
			       xref);
	g_free(stream);
	g_free(len_obj);
	return g_bytes_unref_to_array(g_string_free_to_bytes(s));
}

/* A PE32 program's headers: the MS-DOS header and its message, "PE", an i386 file header, a GUI
 * optional header. */
static GByteArray *exe(void)
{
	static const char dos_message[] = "This program cannot be run in DOS mode.\r\r\n$";
	static const guint8 pe[4] = { 'P', 'E', 0, 0 };
	guint8 b[512] = { 'M', 'Z', 0x90 };
	GByteArray *out = g_byte_array_sized_new(sizeof(b));

	b[0x3C] = 0x80;
	memcpy(b + 0x4E, dos_message, sizeof(dos_message) - 1);
	memcpy(b + 0x80, pe, sizeof(pe));
	b[0x84] = 0x4C; /* i386 */
	b[0x85] = 0x01;
	b[0x86] = 1;	/* sections */
	b[0x94] = 0xE0; /* size of the optional header */
	b[0x96] = 0x02; /* executable image, 32-bit */
	b[0x97] = 0x01;
	b[0x98] = 0x0B; /* PE32 */
	b[0x99] = 0x01;
	b[0x98 + 68] = 2; /* Windows GUI */
	return g_byte_array_append(out, b, sizeof(b));
}

static GByteArray *jpeg(void)
{
	static const guint8 b[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',
				    'I',  'F',	0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
				    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9 };

	return g_byte_array_append(g_byte_array_new(), b, sizeof(b));
}

static GByteArray *text(const char *t)
{
	return g_byte_array_append(g_byte_array_new(), (const guint8 *)t, (guint)strlen(t));
}

/* The declared type of a name, by its last extension. */
static const char *declared(const char *ext)
{
	static const char *const types[][2] = {
		{ "pdf", "application/pdf" },
		{ "zip", "application/zip" },
		{ "docm", "application/vnd.ms-word.document.macroEnabled.12" },
		{ "xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12" },
		{ "docx",
		  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "pptx",
		  "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
		{ "jpg", "image/jpeg" },
		{ "js", "application/javascript" },
		{ "exe", "application/x-msdownload" },
		{ "csv", "text/csv" },
		{ "txt", "text/plain" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
		if (g_ascii_strcasecmp(ext, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* The bytes of the attachment called name (ext its last extension). */
static GByteArray *content(rng *r, const struct sim_mail *m, const char *name, const char *ext)
{
	int bad = m->k == K_VIRUS || m->k == K_PHISH;
	char title[64];

	snprintf(title, sizeof(title), "Document %" PRIu32, 10000 + below(r, 90000));
	if (strcmp(ext, "pdf") == 0)
		return bad ? exe() : pdf(title); /* bad: a program in a PDF's name */
	if (strcmp(ext, "exe") == 0)
		return exe();
	if (strcmp(ext, "zip") == 0) {
		static const char js[] = "var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
					 "sh.Run(\"cmd /c echo pps-sim sample\");\r\n";
		static const char notes[] = "Notes from the meeting.\r\n";
		const struct entry e = { bad ? "invoice.js" : "notes.txt", bad ? js : notes,
					 bad ? sizeof(js) - 1 : sizeof(notes) - 1 };

		return zip_of(&e, 1, m->epoch);
	}
	if (g_str_has_prefix(ext, "doc") || g_str_has_prefix(ext, "xls") ||
	    g_str_has_prefix(ext, "ppt"))
		return ooxml(ext[0] == 'd'   ? "word"
			     : ext[0] == 'x' ? "xl"
					     : "ppt",
			     ext[3] == 'm', title, m->epoch);
	if (strcmp(ext, "jpg") == 0)
		return jpeg();
	if (strcmp(ext, "js") == 0)
		return text("WScript.Echo(\"pps-sim sample\");\r\n");
	if (strcmp(ext, "csv") == 0)
		return text("name,card,expiry\r\nSample Person,4111111111111111,12/29\r\n");
	(void)name;
	return text("Notes from the meeting.\r\n");
}

GMimeObject *sim_mime_attachment(rng *r, const struct sim_mail *m, const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[8];
	const char *type;
	GByteArray *bytes;
	GMimePart *part;
	GMimeStream *s;
	GMimeDataWrapper *w;

	snprintf(ext, sizeof(ext), "%s", dot ? dot + 1 : "");
	for (char *p = ext; *p; p++)
		*p = g_ascii_tolower(*p);
	if (strcmp(ext, "eml") == 0) {
		GMimeMessage *inner = sim_mime_inner(r, m);
		GMimeMessagePart *mp = g_mime_message_part_new_with_message("rfc822", inner);

		g_object_unref(inner);
		g_mime_object_set_disposition(GMIME_OBJECT(mp), "attachment");
		g_mime_object_set_content_disposition_parameter(GMIME_OBJECT(mp), "filename", name);
		return GMIME_OBJECT(mp);
	}
	bytes = content(r, m, name, ext);
	if (!bytes)
		return NULL;
	type = declared(ext);
	{
		const char *slash = strchr(type, '/');
		char *major = g_strndup(type, (gsize)(slash - type));

		part = g_mime_part_new_with_type(major, slash + 1);
		g_free(major);
	}
	s = g_mime_stream_mem_new_with_byte_array(bytes); /* takes bytes */
	w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(s);
	g_mime_object_set_disposition(GMIME_OBJECT(part), "attachment");
	g_mime_part_set_filename(part, name);
	g_mime_part_set_content_encoding(part, g_str_has_prefix(type, "text/")
						       ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
						       : GMIME_CONTENT_ENCODING_BASE64);
	return GMIME_OBJECT(part);
}
