/*
 * One command over several clusters (--profile a,b,c): searches side by side, one thread and one
 * client each, merged newest first and tagged with the cluster; actions one cluster after the
 * other, only with --yes; two profiles naming one server and account refused before anything.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/audit.h"
#include "cli/exit.h"
#include "cli/journal.h"
#include "cli/run.h"
#include "cli/walk.h"
#include "util/buf.h"

#include "util/banned.h"

/*
 * With several profiles, each cluster's server settings come from its profile alone: a PPS_URL
 * or PPS_PASSWORD exported for one server must not send every cluster's request to it.
 */
static const char *cluster_getenv(const char *name)
{
	static const char *const hidden[] = { "PPS_URL",      "PPS_USERNAME",
					      "PPS_PASSWORD", "PPS_CACERT",
					      "PPS_INSECURE", "PPS_PROFILE",
					      "PPS_PROXY",    NULL };

	for (int i = 0; hidden[i]; i++)
		if (!strcmp(name, hidden[i]))
			return NULL;
	return getenv(name);
}

struct cluster {
	cli_globals *g;
	const char *const *fields;
	const cli_command *cmd;
	const cli_args *args;
	const char *profile;
	cli_format format;
	json_t *records; /* what the cluster's search printed, tagged */
	char *errtext;	 /* its stderr */
	size_t errlen;
	int status;
	int is_search;
	int stream; /* --all --checkpoint: printed as it comes, cluster after cluster */
};

static void *cluster_main(void *arg)
{
	struct cluster *c = arg;
	cli_config_flags flags = c->g->cfg;
	cli_settings s;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	FILE *errf = open_memstream(&c->errtext, &c->errlen);

	memset(&s, 0, sizeof(s));
	if (!errf) {
		c->status = CLI_EXIT_FAILURE;
		return NULL;
	}
	cli_ctx_init(&ctx, c->g, c->cmd, c->args, c->fields);
	ctx.err = errf;
	ctx.err_tty = 0;
	ctx.render.format = c->format;
	ctx.cluster = c->profile;
	if (c->is_search && !c->stream)
		ctx.collect = c->records;
	flags.profile = c->profile;
	if (cli_config_load(&s, &flags, cluster_getenv, NULL, err, sizeof(err)) ||
	    cli_settings_check(&s, err, sizeof(err)) ||
	    cli_open_client(c->g, &s, 0, &client, err, sizeof(err)) ||
	    cli_audit_setup(&ctx, &s, err, sizeof(err))) {
		fprintf(errf, "pps: %s\n", err);
		c->status = CLI_EXIT_USAGE;
		goto done;
	}
	if (!ctx.jobs.server_cap)
		ctx.jobs.server_cap = s.server_cap;
	ctx.timeout_ms = s.timeout * 1000;
	ctx.client = client;
	c->status = c->cmd->run(&ctx, c->args);
done:
	cli_audit_finish(&ctx);
	pps_client_free(client);
	cli_settings_release(&s);
	fclose(errf);
	return NULL;
}

/* Prints a cluster's stderr with every "pps: " line naming the cluster. */
static void print_cluster_err(const struct cluster *c)
{
	const char *p = c->errtext;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len >= 5 && !strncmp(p, "pps: ", 5))
			fprintf(stderr, "pps: cluster '%s': %.*s\n", c->profile, (int)(len - 5),
				p + 5);
		else
			fprintf(stderr, "%.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

struct tagged {
	json_t *rec;
	int64_t t;
	size_t order;
};

static int newest_first(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	if (x->t != y->t)
		return x->t > y->t ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The clusters' records in one array, newest first (a stable merge); NULL out of memory. */
static json_t *merge_clusters(struct cluster *cl, size_t n, int quarantine)
{
	size_t total = 0, k = 0;
	struct tagged *v;
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		total += json_array_size(cl[i].records);
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;
		json_t *rec;

		json_array_foreach(cl[i].records, j, rec)
		{
			v[k].rec = rec;
			if (pps_record_time(&v[k].t, CLI_SEARCH_OP(quarantine), rec))
				v[k].t = INT64_MIN;
			v[k].order = k;
			k++;
		}
	}
	qsort(v, total, sizeof(*v), newest_first);
	for (size_t i = 0; i < total; i++) {
		if (json_array_append(out, v[i].rec)) {
			json_decref(out);
			out = NULL;
			break;
		}
	}
	free(v);
	return out;
}

/* Whether cmd makes a request that changes something (any method but GET). */
static int changes_something(const cli_command *cmd)
{
	for (size_t i = 0; i < sizeof(cmd->ops) / sizeof(cmd->ops[0]) && cmd->ops[i] != PPS_OP_NONE;
	     i++) {
		const pps_op_info *o = pps_operation_info(cmd->ops[i]);

		if (o && strcmp(o->method, "GET") != 0)
			return 1;
	}
	return 0;
}

/*
 * The server and account a profile's settings resolve to, as "URL as USER": scheme and host in
 * lower case, the default port made explicit, no user part, no trailing '/'. NULL on memory.
 */
static char *cluster_identity(const cli_settings *s)
{
	const char *url = s->url ? s->url : "", *sep = strstr(url, "://");
	const char *host = sep ? sep + 3 : url, *end, *at;
	size_t scheme_len = sep ? (size_t)(sep - url) : 0, hlen, plen;
	int has_port = 0;
	ppsbuf b = PPSBUF_INIT;

	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	hlen = (size_t)(end - host);
	plen = strlen(end);
	while (plen && end[plen - 1] == '/')
		plen--;
	for (size_t i = 0; i < scheme_len; i++)
		ppsbuf_addch(&b, (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]));
	ppsbuf_adds(&b, "://");
	for (size_t i = 0; i < hlen; i++) {
		char c = host[i];

		if (c == ':' && memchr(host + i, ']', hlen - i) == NULL)
			has_port = 1;
		ppsbuf_addch(&b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
	if (!has_port)
		ppsbuf_adds(&b, scheme_len == 4 && !strncasecmp(url, "http", 4) ? ":80" : ":443");
	ppsbuf_add(&b, end, plen);
	if (ppsbuf_addf(&b, " as %s", s->username ? s->username : "")) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

/*
 * Two profiles that name one server and one account would act twice on every message: refused
 * before anything is sent, naming both; so is a profile that does not load. Returns 0 or an exit
 * status.
 */
static int check_distinct_clusters(const cli_globals *g, const cli_strlist *names)
{
	char **ids = calloc(names->n ? names->n : 1, sizeof(*ids));
	int status = CLI_EXIT_OK;

	if (!ids) {
		cli_usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (size_t i = 0; i < names->n; i++) {
		cli_config_flags flags = g->cfg;
		cli_settings s;
		char err[1024];

		flags.profile = names->items[i];
		if (cli_config_load(&s, &flags, cluster_getenv, NULL, err, sizeof(err))) {
			/* A profile that cannot load fails before any cluster is asked anything. */
			cli_usage_error("cluster '%s': %s", names->items[i], err);
			status = CLI_EXIT_USAGE;
			break;
		}
		/* A profile without a URL fails in its own run, with its own message. */
		if (s.url && *s.url)
			ids[i] = cluster_identity(&s);
		cli_settings_release(&s);
	}
	for (size_t i = 0; i < names->n && !status; i++)
		for (size_t k = i + 1; k < names->n && !status; k++)
			if (ids[i] && ids[k] && !strcmp(ids[i], ids[k])) {
				cli_usage_error("profiles '%s' and '%s' name the same server and "
						"account (%s): the command would run twice there; "
						"give each cluster once",
						names->items[i], names->items[k], ids[i]);
				status = CLI_EXIT_USAGE;
			}
	for (size_t i = 0; i < names->n; i++)
		free(ids[i]);
	free(ids);
	return status;
}

/*
 * The status of a run over several clusters, the most severe first: interrupted (130), an
 * outcome unknown (8); 0 when every cluster succeeded; the failure's own when every cluster
 * failed the same way; else 1.
 */
static int clusters_status(const struct cluster *cl, size_t n)
{
	int failed = 0, common = -1, mixed = 0;

	for (size_t i = 0; i < n; i++)
		if (cl[i].status == CLI_EXIT_INTERRUPTED)
			return CLI_EXIT_INTERRUPTED;
	for (size_t i = 0; i < n; i++)
		if (cl[i].status == CLI_EXIT_UNKNOWN)
			return CLI_EXIT_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		if (cl[i].status == CLI_EXIT_OK)
			continue;
		failed++;
		if (common < 0)
			common = cl[i].status;
		else if (common != cl[i].status)
			mixed = 1;
	}
	if (!failed)
		return CLI_EXIT_OK;
	return (size_t)failed == n && !mixed ? common : CLI_EXIT_FAILURE;
}

/* What refuses a run over several clusters before anything is sent; 0 or an exit status. */
static int check_cluster_run(const cli_globals *g, const cli_command *cmd, size_t n, int is_search,
			     cli_format format)
{
	if (g->cfg.url || g->cfg.username || g->cfg.password_file || g->cfg.password_stdin ||
	    g->cfg.cacert) {
		cli_usage_error("%s",
				"with several profiles, each cluster's server and credentials "
				"come from its profile: leave out --url, --username, "
				"--password-*, --cacert");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(cmd->name, "stats")) {
		cli_usage_error("%s", "stats counts one cluster: run one pps per profile");
		return CLI_EXIT_USAGE;
	}
	if (g->jobs.follow) {
		cli_usage_error("%s", "--follow follows one cluster: run one pps per profile");
		return CLI_EXIT_USAGE;
	}
	if (changes_something(cmd) && !g->yes) {
		cli_usage_error("refusing to run %s on %zu clusters at once without --yes",
				cmd->name, n);
		return CLI_EXIT_USAGE;
	}
	if (is_search && format == CLI_FMT_RAW) {
		cli_usage_error("%s", "-o raw shows one answer: with several profiles use another "
				      "format");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/*
 * Runs every cluster: searches side by side, anything else one after the other (a signal stops
 * an action between clusters too: the next one is not started). Returns how many failed.
 */
static size_t run_each(struct cluster *cl, pthread_t *threads, size_t n, int is_search, int acting)
{
	size_t failed = 0;

	if (acting)
		cli_stop_begin();
	for (size_t i = 0; i < n; i++) {
		if (acting && cli_stop_signal()) {
			fprintf(stderr, "pps: cluster '%s': not started: interrupted\n",
				cl[i].profile);
			cl[i].status = CLI_EXIT_INTERRUPTED;
			threads[i] = 0;
			continue;
		}
		if (!is_search || cl[i].stream ||
		    pthread_create(&threads[i], NULL, cluster_main, &cl[i]) != 0) {
			cluster_main(&cl[i]);
			print_cluster_err(&cl[i]);
			threads[i] = 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (threads[i]) {
			pthread_join(threads[i], NULL);
			print_cluster_err(&cl[i]);
		}
		if (cl[i].status != CLI_EXIT_OK)
			failed++;
	}
	if (acting)
		cli_stop_end();
	return failed;
}

/*
 * The merged records printed, the table with a cluster column in front, kept whole like an
 * identifier: a row means nothing without the cluster it came from. Returns the exit status.
 */
static int print_merged(cli_globals *g, const cli_command *cmd, const cli_args *args,
			const char *const *fields, cli_format format, const json_t *merged)
{
	cli_command shown = *cmd;
	cli_output_spec spec = cmd->out;
	const char *cols[24];
	cli_column_rule rules[24];
	size_t n = 0, nr = 1;
	cli_ctx ctx;

	cols[n++] = "cluster";
	for (size_t i = 0; spec.columns && spec.columns[i] && n + 1 < 24; i++)
		cols[n++] = spec.columns[i];
	cols[n] = NULL;
	spec.columns = cols;
	rules[0] = (cli_column_rule){ "cluster", CLI_COL_ID, 0 };
	for (size_t i = 0; spec.rules && spec.rules[i].name && nr + 2 < 24; i++)
		rules[nr++] = spec.rules[i];
	rules[nr] = (cli_column_rule){ NULL, CLI_COL_TEXT, 0 };
	spec.rules = rules;
	shown.out = spec;
	cli_ctx_init(&ctx, g, &shown, args, fields);
	ctx.render.format = format;
	return cli_print_records(&ctx, merged);
}

/* Each cluster's run set up: its profile, its format, an array for its records. 0 or -1. */
static int clusters_init(struct cluster *cl, const cli_strlist *names, cli_globals *g,
			 const cli_command *cmd, const cli_args *args, const char *const *fields,
			 cli_format format, int is_search)
{
	for (size_t i = 0; i < names->n; i++) {
		cl[i].g = g;
		cl[i].cmd = cmd;
		cl[i].args = args;
		cl[i].profile = names->items[i];
		cl[i].format = format;
		cl[i].is_search = is_search;
		/* Each cluster's position is saved after its records are out: no merge. */
		cl[i].stream = is_search && g->jobs.all && (g->jobs.checkpoint || g->jobs.output);
		cl[i].fields = fields;
		cl[i].records = json_array();
		if (!cl[i].records)
			return -1;
	}
	return 0;
}

int cli_run_clusters(cli_globals *g, const cli_command *cmd, const cli_args *args,
		     const char *const *fields)
{
	cli_strlist names = { 0 };
	struct cluster *cl = NULL;
	pthread_t *threads = NULL;
	cli_settings none;
	json_t *merged = NULL;
	int status = CLI_EXIT_OK, global = 0;
	int is_search = !strcmp(cmd->name, "smart-search") ||
			(!strcmp(cmd->name, "quarantine-messages-list") &&
			 !args->value[cli_command_arg_index(cmd, "guid")]);
	size_t failed;
	cli_format format;

	memset(&none, 0, sizeof(none));
	if (cli_list_split(&names, g->cfg.profile)) {
		cli_usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	cli_strlist_dedup(&names);
	if (cli_pick_format(g, &none, &format)) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	status = check_cluster_run(g, cmd, names.n, is_search, format);
	if (!status)
		status = check_distinct_clusters(g, &names);
	if (status)
		goto done;
	cl = calloc(names.n, sizeof(*cl));
	threads = calloc(names.n, sizeof(*threads));
	if (!cl || !threads || pps_global_init()) {
		cli_usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	global = 1;
	if (clusters_init(cl, &names, g, cmd, args, fields, format, is_search)) {
		cli_usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	failed = run_each(cl, threads, names.n, is_search, changes_something(cmd));
	if (is_search && !cl[0].stream && failed < names.n) {
		merged = merge_clusters(cl, names.n, strcmp(cmd->name, "smart-search") != 0);
		if (!merged) {
			cli_usage_error("%s", "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		status = print_merged(g, cmd, args, fields, format, merged);
	}
	if (failed)
		status = clusters_status(cl, names.n);
done:
	for (size_t i = 0; cl && i < names.n; i++) {
		json_decref(cl[i].records);
		free(cl[i].errtext);
	}
	if (global)
		pps_global_cleanup();
	json_decref(merged);
	free(cl);
	free(threads);
	cli_strlist_release(&names);
	return status;
}
