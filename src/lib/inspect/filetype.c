/*
 * File types by content (libmagic; the only file that includes it) and the flags of an
 * attachment: declared and detected types that differ, a double extension, a type that can
 * carry macros, an executable, an encrypted archive. Handles are pooled: magic_load is slow.
 */
#include <pthread.h>
#include <string.h>

#include <magic.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

#define POOL_MAX 8
/* Types remembered per handle by content hash: the same attachment recurs across a campaign. */
#define CACHE_MAX 4096

struct pps__filetype {
	magic_t magic;	   /* NULL when libmagic could not load its database */
	GHashTable *cache; /* sha256 hex -> type (both g_free'd) */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pps__filetype *pool[POOL_MAX];
static size_t pool_len;

struct pps__filetype *pps__filetype_new(void)
{
	struct pps__filetype *ft = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_len)
		ft = pool[--pool_len];
	pthread_mutex_unlock(&pool_lock);
	if (ft)
		return ft;
	ft = g_new0(struct pps__filetype, 1);
	ft->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ft->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
			       MAGIC_ERROR);
	if (ft->magic && magic_load(ft->magic, NULL) != 0) {
		magic_close(ft->magic);
		ft->magic = NULL;
	}
	return ft;
}

void pps__filetype_free(struct pps__filetype *ft)
{
	if (!ft)
		return;
	pthread_mutex_lock(&pool_lock);
	if (pool_len < POOL_MAX) {
		pool[pool_len++] = ft;
		ft = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	if (ft) {
		if (ft->magic)
			magic_close(ft->magic);
		g_hash_table_destroy(ft->cache);
		g_free(ft);
	}
}

static int has(const void *buf, size_t len, const char *needle)
{
	const char *p = buf, *end;
	size_t n = strlen(needle);

	if (!buf)
		return 0;
	end = p + len;
	while ((size_t)(end - p) >= n && (p = memchr(p, needle[0], (size_t)(end - p)))) {
		if ((size_t)(end - p) >= n && !memcmp(p, needle, n))
			return 1;
		p++;
	}
	return 0;
}

/* A zip whose names show an OOXML file with a VBA project: the macro-enabled type. */
static const char *ooxml_macro(const void *head, size_t hl, const void *tail, size_t tl)
{
	static const struct {
		const char *name, *type;
	} kinds[] = {
		{ "word/vbaProject.bin", "application/vnd.ms-word.document.macroEnabled.12" },
		{ "xl/vbaProject.bin", "application/vnd.ms-excel.sheet.macroEnabled.12" },
		{ "ppt/vbaProject.bin",
		  "application/vnd.ms-powerpoint.presentation.macroEnabled.12" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (has(head, hl, kinds[i].name) || has(tail, tl, kinds[i].name))
			return kinds[i].type;
	return NULL;
}

static const char *detect(struct pps__filetype *ft, const void *head, size_t head_len,
			  const void *tail, size_t tail_len)
{
	const char *t = magic_buffer(ft->magic, head, head_len);
	const char *macro;

	if (t && (!strcmp(t, "application/zip") || strstr(t, "openxmlformats")) &&
	    (macro = ooxml_macro(head, head_len, tail, tail_len)))
		return macro;
	return t;
}

char *pps__filetype_detect(struct pps__filetype *ft, const char *sha256, const void *head,
			   size_t head_len, const void *tail, size_t tail_len)
{
	const char *t, *known;

	if (!ft || !ft->magic || !head_len)
		return NULL;
	known = sha256 ? g_hash_table_lookup(ft->cache, sha256) : NULL;
	if (known)
		return g_strdup(known);
	t = detect(ft, head, head_len, tail, tail_len);
	if (!t)
		return NULL;
	if (sha256) {
		if (g_hash_table_size(ft->cache) >= CACHE_MAX)
			g_hash_table_remove_all(ft->cache);
		g_hash_table_insert(ft->cache, g_strdup(sha256), g_strdup(t));
	}
	return g_strdup(t);
}

/* The lower-case extension of name after its last dot (g_free'd), or NULL. */
static char *ext_of(const char *name, size_t len)
{
	const char *dot = g_strrstr_len(name, (gssize)len, ".");

	if (!dot || dot == name || dot + 1 >= name + len)
		return NULL;
	return g_ascii_strdown(dot + 1, name + len - dot - 1);
}

static int in_list(const char *ext, const char *const *list)
{
	for (; ext && *list; list++)
		if (!strcmp(ext, *list))
			return 1;
	return 0;
}

static const char *const exec_exts[] = {
	"exe", "scr", "com", "bat", "cmd", "pif", "js",	 "jse", "vbs",	       "vbe", "wsf",
	"wsh", "hta", "msi", "lnk", "ps1", "jar", "cpl", "dll", "sys",	       "reg", "iso",
	"img", "vhd", "apk", "app", "sh",  "msc", "scf", "url", "application", NULL,
};
static const char *const macro_exts[] = {
	"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm",
	"doc",	"dot",	"xls",	"xlt",	"xla",	"ppt",	"pot",	"pps",	"rtf",	NULL,
};
static const char *const exec_types[] = {
	"application/x-dosexec",
	"application/x-executable",
	"application/x-sharedlib",
	"application/x-pie-executable",
	"application/x-mach-binary",
	"application/vnd.microsoft.portable-executable",
	"application/x-msdownload",
	"application/x-msi",
	"text/x-shellscript",
	"application/java-archive",
	NULL,
};

static int macro_type(const char *t)
{
	return t &&
	       (strstr(t, "macroEnabled") || strstr(t, "macroenabled") ||
		!strcmp(t, "application/msword") || !strcmp(t, "application/vnd.ms-excel") ||
		!strcmp(t, "application/vnd.ms-powerpoint") || !strcmp(t, "application/CDFV2"));
}

/* "invoice.pdf.exe" (spaces before the last dot too): a risky extension after another one. */
static int double_extension(const char *name)
{
	size_t len = strlen(name);
	char *last = ext_of(name, len), *prev = NULL;
	const char *dot = g_strrstr_len(name, (gssize)len, ".");
	size_t plen;
	int hit = 0;

	if (last && in_list(last, exec_exts) && dot) {
		plen = (size_t)(dot - name);
		while (plen && name[plen - 1] == ' ')
			plen--;
		prev = ext_of(name, plen);
		hit = prev && strlen(prev) >= 2 && strlen(prev) <= 4 && !in_list(prev, exec_exts);
	}
	g_free(last);
	g_free(prev);
	return hit;
}

/* Members of one family that libmagic and senders name differently. */
static const char *family(const char *t)
{
	if (!t)
		return NULL;
	if (strstr(t, "openxmlformats") || strstr(t, "macroEnabled") ||
	    !strcmp(t, "application/zip") || !strcmp(t, "application/x-zip-compressed") ||
	    !strcmp(t, "application/java-archive") || strstr(t, "opendocument"))
		return "zip";
	if (!strcmp(t, "application/CDFV2") || !strcmp(t, "application/msword") ||
	    !strcmp(t, "application/vnd.ms-excel") || !strcmp(t, "application/vnd.ms-powerpoint") ||
	    !strcmp(t, "application/vnd.ms-outlook") || !strcmp(t, "application/x-ole-storage"))
		return "ole";
	if (!strncmp(t, "text/", 5) || !strcmp(t, "application/json") ||
	    !strcmp(t, "application/xml") || !strcmp(t, "application/javascript"))
		return "text";
	if (!strcmp(t, "image/jpg") || !strcmp(t, "image/pjpeg"))
		return "image/jpeg";
	if (!strcmp(t, "message/rfc822") || !strcmp(t, "text/rfc822-headers"))
		return "message";
	return t;
}

static int mismatch(const char *declared, const char *detected)
{
	const char *a, *b;

	if (!declared || !detected || !strcmp(detected, "application/octet-stream") ||
	    !strcmp(detected, "application/x-empty") || !strcmp(detected, "inode/x-empty"))
		return 0;
	a = family(declared);
	b = family(detected);
	return g_ascii_strcasecmp(a, b) != 0;
}

void pps__filetype_flags(json_t *flags, const char *filename, const char *declared,
			 const char *detected, const void *head, size_t head_len)
{
	const unsigned char *h = head;
	char *ext = filename ? ext_of(filename, strlen(filename)) : NULL;

	if (mismatch(declared, detected))
		json_array_append_new(flags, json_string("type_mismatch"));
	if (filename && double_extension(filename))
		json_array_append_new(flags, json_string("double_extension"));
	if (in_list(ext, macro_exts) || macro_type(detected) || macro_type(declared))
		json_array_append_new(flags, json_string("macro_capable"));
	if (in_list(ext, exec_exts) || in_list(detected, exec_types))
		json_array_append_new(flags, json_string("executable"));
	/* A zip whose first entry has the "encrypted" bit of its general purpose flags. */
	if (head_len >= 8 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4 && (h[6] & 1))
		json_array_append_new(flags, json_string("encrypted_archive"));
	g_free(ext);
}
