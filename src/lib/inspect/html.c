/*
 * HTML through gumbo (an HTML5 parser; the only file that includes it): the text an HTML body
 * shows, for the excerpt, and its links (a/area/link href with the anchor text, src, form
 * action). The tree is walked without recursion, so deep nesting costs no stack.
 */
#include <string.h>

#include <gumbo.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* The most anchor text kept per link; elements deeper than this are not walked. */
#define ANCHOR_MAX 1024
#define DEPTH_MAX  2048
/*
 * gumbo checks the open elements on every tag, which costs the nesting depth each time: an
 * HTML part nested 100,000 deep would take minutes. The HTML given to it ends where an upper
 * estimate of the depth passes this (linear in the bytes, whatever the input).
 */
#define GUMBO_DEPTH 512
/* The most tags given to gumbo per part (its tree costs some 200 bytes a node) and per message. */
#define GUMBO_TAGS	   100000
#define GUMBO_MESSAGE_TAGS 1000000

struct frame {
	GumboNode *node;
	unsigned int next; /* the next child to visit */
	int anchor;	   /* this element opened an anchor */
};

struct walk {
	pps__insp *st;
	GString *text;
	GString *anchor; /* the text of the open <a>, or NULL */
	const char *href;
	int depth_warned;
};

static int is_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_BR:
	case GUMBO_TAG_LI:
	case GUMBO_TAG_TR:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_HR:
		return 1;
	default:
		return 0;
	}
}

static int is_hidden(GumboTag t)
{
	return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_HEAD ||
	       t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT;
}

/* Appends text with its white space folded to single spaces, up to max bytes in all. */
static void append_folded(GString *out, const char *text, size_t max)
{
	const char *p;

	for (p = text; *p && out->len < max; p++) {
		if (g_ascii_isspace(*p)) {
			if (out->len && out->str[out->len - 1] != ' ' &&
			    out->str[out->len - 1] != '\n')
				g_string_append_c(out, ' ');
		} else {
			g_string_append_c(out, *p);
		}
	}
}

static void newline(GString *out)
{
	while (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	if (out->len && out->str[out->len - 1] != '\n' && out->len < PPS__INSP_TEXT_MAX)
		g_string_append_c(out, '\n');
}

static void attr_url(struct walk *w, GumboElement *el, const char *name, const char *where)
{
	GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);

	if (a && a->value)
		pps__insp_url_add(w->st, a->value, strlen(a->value), where, NULL);
}

/* An element entered: its links; 1 when it opens an anchor. */
static int element_enter(struct walk *w, GumboElement *el)
{
	GumboAttribute *href;

	if (is_block(el->tag))
		newline(w->text);
	attr_url(w, el, "src", "html:src");
	if (el->tag == GUMBO_TAG_FORM)
		attr_url(w, el, "action", "html:form");
	if (el->tag != GUMBO_TAG_A && el->tag != GUMBO_TAG_AREA && el->tag != GUMBO_TAG_LINK)
		return 0;
	href = gumbo_get_attribute(&el->attributes, "href");
	if (!href || !href->value)
		return 0;
	if (el->tag != GUMBO_TAG_A || w->anchor) {
		pps__insp_url_add(w->st, href->value, strlen(href->value), "html:href", NULL);
		return 0;
	}
	w->anchor = g_string_new(NULL);
	w->href = href->value;
	return 1;
}

static void anchor_close(struct walk *w)
{
	if (w->href)
		pps__insp_url_add(w->st, w->href, strlen(w->href), "html:href", w->anchor->str);
	g_string_free(w->anchor, TRUE);
	w->anchor = NULL;
	w->href = NULL;
}

static void walk_tree(struct walk *w, GumboNode *root)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct frame));
	struct frame top = { root, 0, 0 };

	g_array_append_val(stack, top);
	while (stack->len) {
		struct frame *f = &g_array_index(stack, struct frame, stack->len - 1);
		GumboNode *n = f->node;

		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
		    n->type == GUMBO_NODE_WHITESPACE) {
			append_folded(w->text, n->v.text.text, PPS__INSP_TEXT_MAX);
			if (w->anchor)
				append_folded(w->anchor, n->v.text.text, ANCHOR_MAX);
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		if ((n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE &&
		     n->type != GUMBO_NODE_DOCUMENT) ||
		    f->next >= (n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children.length
							       : n->v.element.children.length)) {
			if (f->anchor)
				anchor_close(w);
			if (n->type == GUMBO_NODE_ELEMENT && is_block(n->v.element.tag))
				newline(w->text);
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		{
			GumboVector *kids = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
									   : &n->v.element.children;
			struct frame child = { kids->data[f->next++], 0, 0 };

			if (stack->len >= DEPTH_MAX) {
				if (!w->depth_warned++)
					pps__insp_warn(w->st, "depth_limit",
						       "HTML elements nested more than %d deep "
						       "were skipped",
						       DEPTH_MAX);
				continue;
			}
			if (child.node->type == GUMBO_NODE_ELEMENT) {
				GumboElement *el = &child.node->v.element;

				child.anchor = element_enter(w, el);
				if (is_hidden(el->tag))
					child.next = el->children.length;
			}
			g_array_append_val(stack, child);
		}
	}
	g_array_free(stack, TRUE);
	if (w->anchor)
		anchor_close(w);
}

/* Elements that hold nothing or close themselves: they add no depth that lasts. */
static int no_depth(const char *name, size_t n)
{
	static const char *const names[] = { "br",    "img",	"hr",  "input", "meta",	 "link",
					     "area",  "base",	"col", "embed", "param", "source",
					     "track", "wbr",	"p",   "li",	"td",	 "th",
					     "tr",    "option", "dt",  "dd",	"!",	 NULL };
	const char *const *p;

	for (p = names; *p; p++)
		if (strlen(*p) == n && !g_ascii_strncasecmp(name, *p, n))
			return 1;
	return 0;
}

/*
 * The length of html that gumbo may read: all of it, or up to the tag where an upper estimate
 * of the nesting (start tags minus end tags, those that add no depth left out) passes
 * GUMBO_DEPTH (*why "depth"), or the tag past GUMBO_TAGS (*why "tags").
 */
static size_t html_bound(const char *html, size_t len, size_t max_tags, const char **why,
			 size_t *tags_out)
{
	size_t i = 0, depth = 0, tags = 0, cut = len;

	while (i < len) {
		const char *lt = memchr(html + i, '<', len - i);
		size_t start, n;
		int end;

		if (!lt)
			break;
		start = (size_t)(lt - html);
		i = start + 1;
		end = i < len && html[i] == '/';
		if (end)
			i++;
		for (n = 0; i + n < len && (g_ascii_isalnum(html[i + n]) || html[i + n] == '!');
		     n++)
			;
		if (n && ++tags > max_tags) {
			*why = "tags";
			cut = start;
			break;
		}
		if (!n || no_depth(html + i, n))
			continue;
		if (end)
			depth -= depth > 0;
		else if (++depth > GUMBO_DEPTH) {
			*why = "depth";
			cut = start;
			break;
		}
		i += n;
	}
	*tags_out = tags;
	return cut;
}

char *pps__insp_html(pps__insp *st, const char *html, size_t len)
{
	GumboOptions opts = kGumboDefaultOptions;
	GumboOutput *out;
	struct walk w = { st, NULL, NULL, NULL, 0 };

	opts.max_errors = 0;
	{
		const char *why = NULL;
		size_t left = GUMBO_MESSAGE_TAGS - MIN(st->html_tags, GUMBO_MESSAGE_TAGS);
		size_t tags = 0;
		size_t cut = html_bound(html, len, MIN(left, GUMBO_TAGS), &why, &tags);

		st->html_tags += tags;
		if (cut < len && why && !strcmp(why, "depth"))
			pps__insp_warn(st, "depth_limit",
				       "HTML nested more than %d deep: read up to byte %zu",
				       GUMBO_DEPTH, cut);
		else if (cut < len)
			pps__insp_warn(st, "truncated",
				       "HTML past %d tags in a part or %d in the message: read up "
				       "to byte %zu",
				       GUMBO_TAGS, GUMBO_MESSAGE_TAGS, cut);
		len = cut;
	}
	out = gumbo_parse_with_options(&opts, html, len);
	if (!out)
		return NULL;
	w.text = g_string_new(NULL);
	walk_tree(&w, out->document);
	gumbo_destroy_output(&opts, out);
	{
		char *text = pps__insp_utf8_dup(w.text->str, w.text->len, PPS__INSP_TEXT_MAX);

		g_string_free(w.text, TRUE);
		return g_strstrip(text);
	}
}
