/*
 * GUID and folder lists (comma lists, JSON arrays, one per line from a file or stdin; duplicates
 * dropped keeping the first) and the batched quarantine action. A POST batch is never retried.
 */
#include "cli/bulk.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* A GUID list file larger than this is refused rather than read without end. */
#define GUID_INPUT_CAP (64u * 1024 * 1024)

void cli_strlist_release(cli_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->alloc = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int cli_strlist_add(cli_strlist *l, const char *text, size_t len)
{
	char *copy;

	while (len && is_space(*text)) {
		text++;
		len--;
	}
	while (len && is_space(text[len - 1]))
		len--;
	if (!len)
		return 0;
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		char **ni = realloc(l->items, na * sizeof(*ni));

		if (!ni)
			return -1;
		l->items = ni;
		l->alloc = na;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	l->items[l->n++] = copy;
	return 0;
}

struct slot {
	const char *s;
	size_t index;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

void cli_strlist_dedup(cli_strlist *l)
{
	struct slot *slots;
	unsigned char *drop;
	size_t w = 0;

	if (l->n < 2)
		return;
	slots = malloc(l->n * sizeof(*slots));
	drop = calloc(l->n, 1);
	if (!slots || !drop) {
		/* Without memory for the sort, fall back to the quadratic scan. */
		free(slots);
		free(drop);
		for (size_t i = 0; i < l->n; i++) {
			int dup = 0;

			for (size_t j = 0; j < w && !dup; j++)
				dup = strcmp(l->items[i], l->items[j]) == 0;
			if (dup)
				free(l->items[i]);
			else
				l->items[w++] = l->items[i];
		}
		l->n = w;
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		slots[i].s = l->items[i];
		slots[i].index = i;
	}
	/* Sorted by text then position: every later equal text is a duplicate of the first. */
	qsort(slots, l->n, sizeof(*slots), slot_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(slots[i].s, slots[i - 1].s) == 0)
			drop[slots[i].index] = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (drop[i])
			free(l->items[i]);
		else
			l->items[w++] = l->items[i];
	}
	l->n = w;
	free(slots);
	free(drop);
}

char *cli_strlist_join(const cli_strlist *l, size_t from, size_t count, const char *sep)
{
	ppsbuf b = PPSBUF_INIT;

	for (size_t i = from; i < from + count && i < l->n; i++) {
		if ((i > from && ppsbuf_adds(&b, sep)) || ppsbuf_adds(&b, l->items[i])) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

int cli_list_split(cli_strlist *l, const char *text)
{
	const char *p = text;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (cli_strlist_add(l, p, len))
			return -1;
		if (!c)
			return 0;
		p = c + 1;
	}
}

int cli_list_read_lines(cli_strlist *l, FILE *in)
{
	ppsbuf b;
	char chunk[8192];
	size_t n;
	int rc = -1;

	ppsbuf_init(&b, GUID_INPUT_CAP);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (ppsbuf_add(&b, chunk, n))
			goto done;
	if (ferror(in))
		goto done;
	/* A NUL would silently cut a GUID short, and a cut GUID may name another message. */
	if (memchr(b.buf, '\0', b.len)) {
		rc = -2;
		goto done;
	}
	for (char *line = b.buf; *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (cli_list_split(l, line))
			goto done;
		if (!nl)
			break;
		line = nl + 1;
	}
	rc = 0;
done:
	ppsbuf_release(&b);
	return rc;
}

int cli_guids_from_arg(cli_strlist *out, const char *value, FILE *in, char *err, size_t errlen)
{
	if (strcmp(value, "-") == 0) {
		int rc = cli_list_read_lines(out, in);

		if (rc) {
			snprintf(err, errlen, "%s",
				 rc == -2 ? "standard input holds a NUL byte"
					  : "cannot read standard input");
			return -1;
		}
	} else if (value[0] == '@') {
		FILE *f = fopen(value + 1, "r");
		int rc;

		if (!f) {
			snprintf(err, errlen, "cannot open '%s': %s", value + 1, strerror(errno));
			return -1;
		}
		rc = cli_list_read_lines(out, f);
		fclose(f);
		if (rc) {
			snprintf(err, errlen,
				 rc == -2 ? "'%s' holds a NUL byte" : "cannot read '%s'",
				 value + 1);
			return -1;
		}
	} else if (cli_list_split(out, value)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (out->n == 0) {
		snprintf(err, errlen, "no GUIDs given");
		return -1;
	}
	cli_strlist_dedup(out);
	return 0;
}

int cli_folders_from_arg(cli_strlist *out, const char *value, char *err, size_t errlen)
{
	const char *p = value;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		json_t *arr = json_loads(p, 0, NULL);
		size_t i;
		json_t *v;

		if (!json_is_array(arr)) {
			json_decref(arr);
			snprintf(err, errlen, "expected a comma list or a JSON array of strings");
			return -1;
		}
		json_array_foreach(arr, i, v)
		{
			const char *s = json_string_value(v);

			if (!s || cli_strlist_add(out, s, strlen(s))) {
				json_decref(arr);
				snprintf(err, errlen,
					 "expected a comma list or a JSON array of strings");
				return -1;
			}
		}
		json_decref(arr);
	} else if (cli_list_split(out, value)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (out->n == 0) {
		snprintf(err, errlen, "no folder given");
		return -1;
	}
	cli_strlist_dedup(out);
	return 0;
}

static pps_qaction qaction_of(const char *action)
{
	if (strcmp(action, "resubmit") == 0)
		return PPS_QA_RESUBMIT;
	if (strcmp(action, "forward") == 0)
		return PPS_QA_FORWARD;
	if (strcmp(action, "move") == 0)
		return PPS_QA_MOVE;
	if (strcmp(action, "delete") == 0)
		return PPS_QA_DELETE;
	return PPS_QA_RELEASE;
}

/* The argument's value, NULL when unset, or "t"/"f" for a boolean. */
static const char *opt(const cli_args *a, const char *name)
{
	int i = cli_command_arg_index(a->cmd, name);

	if (i < 0 || !a->value[i])
		return NULL;
	if (a->cmd->args[i].kind == CLI_ARG_BOOL)
		return a->boolean[i] ? "t" : "f";
	return a->value[i];
}

static void fill_request(pps_quarantine_action_req *req, const cli_args *a)
{
	memset(req, 0, sizeof(*req));
	req->action = qaction_of(a->cmd->action);
	req->folder = opt(a, "folder_name");
	req->scan = opt(a, "scan");
	req->brandtemplate = opt(a, "brand_template");
	req->securitypolicy = opt(a, "security_policy");
	req->deletedfolder = opt(a, "deleted_folder");
	req->targetfolder = opt(a, "target_folder");
	req->subject = opt(a, "subject");
	req->appendoldsubject = opt(a, "append_old_subject");
	req->from = opt(a, "sender");
	req->headerfrom = opt(a, "header_from");
	req->to = opt(a, "recipient");
	req->comment = opt(a, "comment");
}

static int dry_run_batch(cli_ctx *ctx, const cli_args *args, const char *joined)
{
	json_t *body = cli_wire_params(ctx, args);
	int rc;

	if (!body || json_object_set_new(body, "localguid", json_string(joined))) {
		json_decref(body);
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_dry_run_print(ctx, ctx->cmd->method, ctx->cmd->path, body);
	json_decref(body);
	return rc;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * Sends one batch (or prints it with --dry-run); returns 0 when the server took it, else the
 * failure's exit status. *write_failed is set when its answer could not be printed.
 */
static int run_batch(cli_ctx *ctx, const cli_args *args, pps_quarantine_action_req *req,
		     const char *joined, const char *what, int *write_failed)
{
	pps_response *resp = NULL;
	int rc;

	if (ctx->dry_run)
		return dry_run_batch(ctx, args, joined);
	req->localguid = joined;
	rc = pps_quarantine_action(ctx->client, req, &resp);
	if (ctx->err_tty && what) {
		/* Clear the progress line so that answers and errors start clean. */
		fputs("\r\033[K", ctx->err);
		fflush(ctx->err);
	}
	if (rc) {
		pps_response_free(resp);
		rc = cli_report(ctx, rc, what);
		return rc ? rc : CLI_EXIT_FAILURE;
	}
	if (cli_print_message(ctx, resp->message ? resp->message : ""))
		*write_failed = 1;
	pps_response_free(resp);
	return 0;
}

int cli_bulk_action(cli_ctx *ctx, const cli_args *args)
{
	const cli_strlist *guids = &args->list[cli_args_index(args, "local_guid")];
	size_t batch = ctx->batch > 0 ? (size_t)ctx->batch : 100;
	size_t nbatches = (guids->n + batch - 1) / batch;
	size_t done = 0, failed = 0, b;
	int status = CLI_EXIT_OK, write_failed = 0;
	int progress = ctx->err_tty && !ctx->quiet && nbatches > 1 && !ctx->dry_run;
	pps_quarantine_action_req req;
	struct sigaction sa, old_int, old_term;

	/*
	 * An interrupt lets the batch in flight finish and stops before the next one, so that the
	 * count says exactly which GUIDs were acted on: a second run must not act on them twice.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* A signal the caller chose to ignore (a background job) stays ignored. */
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	fill_request(&req, args);
	for (b = 0; b < nbatches && !interrupted; b++) {
		size_t first = b * batch;
		size_t count = guids->n - first < batch ? guids->n - first : batch;
		char *joined = cli_strlist_join(guids, first, count, ",");
		char what[160];
		int rc;

		if (!joined) {
			cli_errorf(ctx, "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		snprintf(what, sizeof(what), "batch %zu of %zu (first GUID %s)", b + 1, nbatches,
			 guids->items[first]);
		if (progress) {
			fprintf(ctx->err, "\r%s: batch %zu of %zu", ctx->cmd->action, b + 1,
				nbatches);
			fflush(ctx->err);
		}
		rc = run_batch(ctx, args, &req, joined, nbatches > 1 ? what : NULL, &write_failed);
		free(joined);
		if (rc && ctx->dry_run) {
			status = rc;
			goto done;
		}
		if (rc) {
			failed++;
			status = rc;
		} else {
			done += count;
		}
		/* Credentials or rights that failed once fail for every later batch too. */
		if (rc == CLI_EXIT_AUTH && b + 1 < nbatches) {
			b++;
			cli_errorf(ctx,
				   "stopped: %s %zu of %zu messages; not sent: %zu from GUID %s on",
				   ctx->cmd->verb, done, guids->n, guids->n - b * batch,
				   guids->items[b * batch]);
			status = done ? CLI_EXIT_FAILURE : CLI_EXIT_AUTH;
			goto done;
		}
	}
	if (b < nbatches) {
		cli_errorf(ctx,
			   "interrupted: %s %zu of %zu messages; not sent: %zu from GUID %s on",
			   ctx->cmd->verb, done, guids->n, guids->n - b * batch,
			   guids->items[b * batch]);
		status = CLI_EXIT_INTERRUPTED;
		goto done;
	}
	if (!ctx->dry_run && !ctx->quiet && (nbatches > 1 || args->from_file))
		fprintf(ctx->err, "%s %zu of %zu messages (%zu batch%s, %zu failed)\n",
			ctx->cmd->verb, done, guids->n, nbatches, nbatches == 1 ? "" : "es",
			failed);
	/* Some batches done: 1; all failed: that failure's own status. */
	if ((failed && failed < nbatches) || (!failed && write_failed))
		status = CLI_EXIT_FAILURE;
done:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
