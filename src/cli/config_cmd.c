/*
 * pps config: show (the settings in effect and where each came from: a flag, the environment,
 * the config file's line, or the default), profiles (the file's sections) and set KEY VALUE
 * (the file rewritten line by line, its comments kept, mode 0600, through a temporary file and
 * a rename). Sends nothing. The file is read here line by line, as libinih reads it (config.c):
 * [section] lines, key = value (or key: value), ; and # comments.
 */
#include "cli/config_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/config.h"
#include "cli/exit.h"
#include "cli/gen.h"
#include "cli/render.h"
#include "cli/sanitize.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include "util/banned.h"

/* The config file as lines, each without its newline; owned. */
struct lines {
	char **v;
	size_t n;
};

static void lines_release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int lines_push(struct lines *l, char *line)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v) {
		free(line);
		return -1;
	}
	l->v = v;
	l->v[l->n++] = line;
	return 0;
}

/* Reads path into l; 1 when it does not exist, 0 read, -1 with errno. */
static int lines_read(struct lines *l, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(l, 0, sizeof(*l));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (lines_push(l, line) < 0) {
			fclose(f);
			lines_release(l);
			errno = ENOMEM;
			return -1;
		}
		line = NULL;
		cap = 0;
	}
	free(line);
	fclose(f);
	return 0;
}

/* The section a "[name]" line opens (into name), else 0. */
static int section_of(const char *line, char *name, size_t len)
{
	const char *p = line + strspn(line, " \t"), *end;

	if (*p != '[' || !(end = strchr(p, ']')))
		return 0;
	snprintf(name, len, "%.*s", (int)(end - p - 1), p + 1);
	return 1;
}

/* Whether line sets key (key = value, key: value), its value's start in *value. */
static int line_sets(const char *line, const char *key, const char **value)
{
	const char *p = line + strspn(line, " \t");
	size_t klen = strlen(key);

	if (*p == ';' || *p == '#' || strncmp(p, key, klen) != 0)
		return 0;
	p += klen;
	p += strspn(p, " \t");
	if (*p != '=' && *p != ':')
		return 0;
	p++;
	*value = p + strspn(p, " \t");
	return 1;
}

/*
 * Whether line i continues the value of a key above it, as libinih reads it: an indented line
 * after a name=value line of the same section (*prev says whether one was seen).
 */
static int continues(const char *line, int *prev)
{
	const char *p = line + strspn(line, " \t");

	if (*p == '[') {
		*prev = 0;
		return 0;
	}
	if (!*p || *p == ';' || *p == '#')
		return 0;
	if (*prev && p > line)
		return 1;
	*prev = strpbrk(p, "=:") != NULL;
	return 0;
}

/* The 1-based line of the last key= of profile in l, 0 when none. */
static size_t line_of(const struct lines *l, const char *profile, const char *key)
{
	char sec[256] = "";
	size_t found = 0;
	int prev = 0;
	const char *v;

	for (size_t i = 0; i < l->n; i++) {
		if (continues(l->v[i], &prev))
			continue;
		if (section_of(l->v[i], sec, sizeof(sec)))
			continue;
		if (!strcmp(sec, profile) && line_sets(l->v[i], key, &v))
			found = i + 1;
	}
	return found;
}

/* The config file path as config.c picks it, malloc'd, or NULL (no HOME either). */
static char *config_path(const cli_globals *g, const char **source)
{
	if (g->cfg.config) {
		*source = "flag --config";
		return strdup(g->cfg.config);
	}
	*source = "default";
	return cli_config_default_path((cli_getenv_fn)getenv);
}

static const char *profile_of(const cli_globals *g, const char **source)
{
	const char *env = getenv("PPS_PROFILE");

	if (g->cfg.profile) {
		*source = "flag --profile";
		return g->cfg.profile;
	}
	if (env && *env) {
		*source = "environment PPS_PROFILE";
		return env;
	}
	*source = "default";
	return "default";
}

/* What show knows to name a setting's source. */
struct show {
	const char *path;
	const char *profile;
	const struct lines *file;
};

/* One row: the key, its value (or "-"), where it came from. */
static void row(FILE *out, const char *key, const char *value, const char *source)
{
	ppsbuf safe = PPSBUF_INIT;

	/* A value may hold anything the file or the environment gave: written visibly. */
	if (value && *value && cli_sanitize(&safe, value, strlen(value), NULL, NULL) == 0)
		value = safe.buf;
	fprintf(out, "%-14s %-40s %s\n", key, value && *value ? value : "-", source);
	ppsbuf_release(&safe);
}

/* The source of a setting: its flag, its environment variable, its file line, or the default. */
static void source_of(ppsbuf *b, const struct show *sh, const char *key, const char *flag,
		      const char *env)
{
	const char *e = env ? getenv(env) : NULL;
	size_t line;

	ppsbuf_reset(b);
	if (flag)
		ppsbuf_addf(b, "flag %s", flag);
	else if (e && *e)
		ppsbuf_addf(b, "environment %s", env);
	else if (sh->file && (line = line_of(sh->file, sh->profile, key)) > 0)
		ppsbuf_addf(b, "file %s:%zu", sh->path, line);
	else
		ppsbuf_adds(b, "default");
}

static void show_rows(FILE *out, const cli_globals *g, const cli_settings *s, const struct show *sh)
{
	const cli_config_flags *f = &g->cfg;
	ppsbuf src = PPSBUF_INIT;
	char num[32];
	const char *pwflag = f->password_file	 ? "--password-file"
			     : f->password_stdin ? "--password-stdin"
						 : NULL;
	size_t pwline = sh->file ? line_of(sh->file, sh->profile, "password") : 0;

	source_of(&src, sh, "url", f->url ? "--url" : NULL, "PPS_URL");
	row(out, "url", s->url, src.buf);
	source_of(&src, sh, "username", f->username ? "--username" : NULL, "PPS_USERNAME");
	row(out, "username", s->username, src.buf);
	/* The password itself is never printed: only whether there is one, and from where. */
	source_of(&src, sh, pwline ? "password" : "password_file", pwflag, "PPS_PASSWORD");
	row(out, "password", s->password ? "(set)" : NULL, s->password ? src.buf : "not set");
	source_of(&src, sh, "cacert", f->cacert ? "--cacert" : NULL, "PPS_CACERT");
	row(out, "cacert", s->cacert, s->cacert ? src.buf : "default (the system's CAs)");
	source_of(&src, sh, "insecure", f->insecure >= 0 ? "--insecure" : NULL, "PPS_INSECURE");
	row(out, "insecure", s->insecure ? "true" : "false", src.buf);
	source_of(&src, sh, "proxy",
		  f->no_proxy ? "--no-proxy"
		  : f->proxy  ? "--proxy"
			      : NULL,
		  NULL);
	row(out, "proxy", s->no_proxy ? "(none)" : s->proxy,
	    s->no_proxy || s->proxy ? src.buf : "default (the proxy environment)");
	snprintf(num, sizeof(num), "%ld", s->timeout);
	source_of(&src, sh, "timeout", f->timeout >= 0 ? "--timeout" : NULL, NULL);
	row(out, "timeout", num, src.buf);
	snprintf(num, sizeof(num), "%d", s->retries);
	source_of(&src, sh, "retries", f->retries >= 0 ? "--retries" : NULL, NULL);
	row(out, "retries", num, src.buf);
	source_of(&src, sh, "output", f->output ? "--output" : NULL, NULL);
	row(out, "output", s->output ? s->output : "table", src.buf);
	snprintf(num, sizeof(num), "%ld", g->jobs.server_cap ? g->jobs.server_cap : s->server_cap);
	source_of(&src, sh, "server_cap", g->jobs.server_cap ? "--server-cap" : NULL, NULL);
	row(out, "server_cap", strcmp(num, "0") ? num : NULL,
	    strcmp(num, "0") ? src.buf : "default (probed when needed)");
	ppsbuf_release(&src);
}

static int config_show(const cli_globals *g)
{
	cli_config_flags flags = g->cfg;
	cli_settings s;
	struct lines file;
	struct show sh = { 0 };
	const char *psrc, *csrc;
	char err[1024], *path = config_path(g, &csrc);
	int have;

	/* Standard input is left alone: show says where a password comes from, not what it is. */
	flags.password_stdin = 0;
	if (cli_config_load(&s, &flags, (cli_getenv_fn)getenv, stdin, err, sizeof(err))) {
		fprintf(stderr, "pps: %s\n", err);
		free(path);
		return CLI_EXIT_USAGE;
	}
	sh.profile = profile_of(g, &psrc);
	sh.path = path;
	have = path ? lines_read(&file, path) : 1;
	if (have < 0) {
		fprintf(stderr, "pps: cannot read config file '%s': %s\n", path, strerror(errno));
		cli_settings_release(&s);
		free(path);
		return CLI_EXIT_USAGE;
	}
	if (have == 0)
		sh.file = &file;
	row(stdout, "config", path ? path : NULL,
	    have == 0 ? csrc
	    : path    ? "missing (no file: flags, environment, defaults)"
		      : "none");
	row(stdout, "profile", sh.profile, psrc);
	show_rows(stdout, g, &s, &sh);
	if (have == 0)
		lines_release(&file);
	cli_settings_release(&s);
	free(path);
	return fflush(stdout) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

static int config_profiles(const cli_globals *g)
{
	const char *csrc, *psrc, *current = profile_of(g, &psrc);
	char *path = config_path(g, &csrc), sec[256];
	struct lines file;
	int have = path ? lines_read(&file, path) : 1;

	if (have != 0) {
		if (have < 0)
			fprintf(stderr, "pps: cannot read config file '%s': %s\n", path,
				strerror(errno));
		else
			fprintf(stderr,
				"pps: no config file '%s': pps config set KEY VALUE "
				"writes one\n",
				path ? path : "$HOME/.config/pps/config");
		free(path);
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < file.n; i++)
		if (section_of(file.v[i], sec, sizeof(sec)))
			printf("%s %s\n", strcmp(sec, current) ? " " : "*", sec);
	lines_release(&file);
	free(path);
	return fflush(stdout) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

/* A value the loader will accept for key (config.c's checks), else -1 with the reason. */
static int check_value(const char *key, const char *v, char *why, size_t len)
{
	static const char *const numeric[] = { "timeout", "retries", "server_cap", NULL };
	static const char *const flags[] = { "1",  "0",	 "true", "false", "yes",
					     "no", "on", "off",	 NULL };
	cli_format fmt;

	if (strpbrk(v, "\r\n")) {
		snprintf(why, len, "a value is one line");
		return -1;
	}
	for (size_t i = 0; numeric[i]; i++) {
		if (!strcmp(key, numeric[i]) &&
		    (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)) {
			snprintf(why, len, "expected a number");
			return -1;
		}
	}
	if (!strcmp(key, "insecure")) {
		for (size_t i = 0; flags[i]; i++)
			if (!strcmp(v, flags[i]))
				return 0;
		snprintf(why, len, "expected true or false");
		return -1;
	}
	if (!strcmp(key, "output") && cli_format_parse(v, &fmt)) {
		snprintf(why, len, "expected one of %s", cli_format_names(", "));
		return -1;
	}
	return 0;
}

/* Sets key = value in profile's section of l (the last such line, else a new one). */
static int lines_set(struct lines *l, const char *profile, const char *key, const char *value)
{
	char sec[256] = "", *line = NULL;
	size_t at, last = 0, hit = 0, start = 0;
	int in = 0, have = 0, prev = 0;
	const char *v;
	ppsbuf b = PPSBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (continues(l->v[i], &prev)) {
			if (in)
				last = i + 1;
			continue;
		}
		if (section_of(l->v[i], sec, sizeof(sec))) {
			in = !strcmp(sec, profile);
			if (in) {
				have = 1;
				last = i + 1;
			}
			continue;
		}
		if (!in)
			continue;
		if (line_sets(l->v[i], key, &v))
			hit = i + 1;
		if (l->v[i][strspn(l->v[i], " \t")])
			last = i + 1;
	}
	if (hit) {
		const char *p = l->v[hit - 1], *cmt;

		/* The indentation and an inline comment (whitespace, then ;) stay. */
		line_sets(p, key, &v);
		for (cmt = v; *cmt; cmt++)
			if (*cmt == ';' && cmt > v && (cmt[-1] == ' ' || cmt[-1] == '\t'))
				break;
		while (*cmt && cmt > v && (cmt[-1] == ' ' || cmt[-1] == '\t'))
			cmt--;
		start = strspn(p, " \t");
		ppsbuf_addf(&b, "%.*s%s = %s%s", (int)start, p, key, value, cmt);
		line = ppsbuf_detach(&b, NULL);
		if (!line)
			return -1;
		free(l->v[hit - 1]);
		l->v[hit - 1] = line;
		return 0;
	}
	if (!have) {
		/* A new section at the end, after a blank line. */
		if (l->n && l->v[l->n - 1][0]) {
			char *blank = strdup("");

			if (!blank || lines_push(l, blank) < 0)
				return -1;
		}
		ppsbuf_addf(&b, "[%s]", profile);
		if (!(line = ppsbuf_detach(&b, NULL)) || lines_push(l, line) < 0)
			return -1;
		last = l->n;
	}
	at = last;
	ppsbuf_addf(&b, "%s = %s", key, value);
	if (!(line = ppsbuf_detach(&b, NULL)) || lines_push(l, line) < 0)
		return -1;
	/* The new line moves up to just after the section's last line. */
	memmove(l->v + at + 1, l->v + at, (l->n - 1 - at) * sizeof(*l->v));
	l->v[at] = line;
	return 0;
}

/* Writes l to path atomically: a 0600 temporary file beside it, synced, renamed over it. */
static int lines_write(const struct lines *l, const char *path)
{
	ppsbuf tmp = PPSBUF_INIT;
	FILE *f = NULL;
	char failed[4096];
	int fd, rc = -1, saved;

	if (fs_make_parents(path, 0700, failed, sizeof(failed)) < 0 ||
	    ppsbuf_addf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		ppsbuf_release(&tmp);
		return -1;
	}
	if (fchmod(fd, 0600) == 0 && (f = fdopen(fd, "w")) != NULL) {
		for (size_t i = 0; i < l->n; i++)
			fprintf(f, "%s\n", l->v[i]);
		if (fflush(f) == 0 && fsync(fd) == 0 && !ferror(f))
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	} else {
		close(fd);
	}
	if (rc == 0 && rename(tmp.buf, path) != 0)
		rc = -1;
	saved = errno;
	if (rc)
		unlink(tmp.buf);
	ppsbuf_release(&tmp);
	errno = saved;
	return rc;
}

static int config_set(const cli_globals *g, const char *key, const char *value)
{
	const char *csrc, *psrc, *profile = profile_of(g, &psrc);
	char why[256], *path = config_path(g, &csrc);
	struct lines file;
	struct stat st;
	int known = 0, have, status = CLI_EXIT_USAGE;

	for (const cli_config_key *k = cli_config_keys; k->key; k++)
		known |= !strcmp(k->key, key) && strcmp(key, "profile") != 0;
	if (!known) {
		fprintf(stderr,
			"pps: unknown config key '%s': run 'pps help config' for the keys\n", key);
	} else if (!strcmp(key, "password")) {
		fputs("pps: config set password: a password on the command line is visible to "
		      "other "
		      "users; set password_file instead\n",
		      stderr);
	} else if (strchr(profile, ',') || strpbrk(profile, "[]\r\n") || !*profile) {
		fprintf(stderr, "pps: config set: '%s' is not one profile name\n", profile);
	} else if (check_value(key, value, why, sizeof(why))) {
		fprintf(stderr, "pps: invalid %s '%s': %s\n", key, value, why);
	} else if (!path) {
		fputs("pps: config set: no config file path: set HOME or give --config\n", stderr);
	} else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "pps: config file '%s' is not a regular file: not rewritten\n",
			path);
	} else if ((have = lines_read(&file, path)) < 0) {
		fprintf(stderr, "pps: cannot read config file '%s': %s\n", path, strerror(errno));
	} else {
		status = CLI_EXIT_OK;
		if (lines_set(&file, profile, key, value) < 0 || lines_write(&file, path) < 0) {
			fprintf(stderr, "pps: cannot write config file '%s': %s\n", path,
				strerror(errno));
			status = CLI_EXIT_FAILURE;
		} else if (have == 0 && (st.st_mode & 07777) != 0600) {
			fprintf(stderr, "pps: note: config file '%s' was mode %04o, is now 0600\n",
				path, (unsigned)(st.st_mode & 07777));
		}
		lines_release(&file);
	}
	free(path);
	return status;
}

int cli_config_main(cli_globals *g, int argc, char **argv, int k)
{
	const char *words[4] = { NULL };
	int n = 0;

	/* Global options (--config, --profile) may stand anywhere after config. */
	while (k < argc) {
		int r = argv[k][0] == '-' && argv[k][1] ? cli_global_parse(g, argc, argv, &k) : 0;

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[k][0] == '-' && argv[k][1] && strcmp(argv[k], "-") != 0) {
			cli_unknown_option(argv[k]);
			return CLI_EXIT_USAGE;
		}
		if (n == 4) {
			cli_usage_error("config: unexpected '%s'", argv[k]);
			return CLI_EXIT_USAGE;
		}
		words[n++] = argv[k++];
	}
	if (g->help)
		return cli_help_builtin(stdout, "config") ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
	if (n == 1 && !strcmp(words[0], "show"))
		return config_show(g);
	if (n == 1 && !strcmp(words[0], "profiles"))
		return config_profiles(g);
	if (n == 3 && !strcmp(words[0], "set"))
		return config_set(g, words[1], words[2]);
	if (n >= 1 && !strcmp(words[0], "set"))
		cli_usage_error("%s",
				"config set needs a key and a value: pps config set KEY VALUE "
				"[--profile P]");
	else
		cli_usage_error("%s", "config needs show, profiles or set KEY VALUE: run 'pps help "
				      "config'");
	return CLI_EXIT_USAGE;
}
