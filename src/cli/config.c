/*
 * Settings: flags > environment (PPS_*) > a profile of the INI config file (libinih) > defaults.
 * Refuses a config file that holds a password and is readable by others. Never prints a password.
 */
#include "cli/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

#include "util/banned.h"

#define DEFAULT_TIMEOUT 60
#define DEFAULT_RETRIES 3

void cli_config_flags_init(cli_config_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->insecure = -1;
	f->timeout = -1;
	f->retries = -1;
}

void cli_settings_wipe_password(cli_settings *s)
{
	if (s->password) {
		volatile char *p = s->password;

		while (*p)
			*p++ = '\0';
	}
	free(s->password);
	s->password = NULL;
}

void cli_settings_release(cli_settings *s)
{
	free(s->url);
	free(s->username);
	if (s->password) {
		/* Do not leave the password in freed memory. */
		volatile char *p = s->password;

		while (*p)
			*p++ = '\0';
	}
	free(s->password);
	free(s->cacert);
	free(s->proxy);
	free(s->output);
	free(s->profile);
	free(s->config_path);
	free(s->audit);
	free(s->audit_syslog_socket);
	memset(s, 0, sizeof(*s));
}

static int set_str(char **dst, const char *v)
{
	char *c = strdup(v);

	if (!c)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

static int parse_flag(const char *v, int *out)
{
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on")) {
		*out = 1;
		return 0;
	}
	if (!*v || !strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcasecmp(v, "off")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int parse_count(const char *v, long min, long max, long *out)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Zeroes what a buffer holds, then releases it. */
static void wipe_buf(ppsbuf *b)
{
	volatile char *p = b->buf;

	for (size_t i = 0; i < b->len; i++)
		p[i] = '\0';
	ppsbuf_release(b);
}

char *cli_password_read(FILE *in, const char *what, char *err, size_t errlen)
{
	ppsbuf b;
	int c;

	ppsbuf_init(&b, 4096);
	while ((c = fgetc(in)) != EOF && c != '\n') {
		/* A NUL would silently cut the password short where C strings end. */
		if (c == '\0') {
			snprintf(err, errlen, "password in %s holds a NUL byte", what);
			wipe_buf(&b);
			return NULL;
		}
		if (ppsbuf_addch(&b, (char)c)) {
			snprintf(err, errlen, "password in %s is too long", what);
			wipe_buf(&b);
			return NULL;
		}
	}
	if (b.len && b.buf[b.len - 1] == '\r')
		ppsbuf_setlen(&b, b.len - 1);
	if (b.len == 0) {
		snprintf(err, errlen, "no password in %s", what);
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

static char *password_from_file(const char *path, char *err, size_t errlen)
{
	char what[512];
	/* O_NONBLOCK: opening a FIFO must not wait for a writer that may never come. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *f = NULL;
	struct stat st;
	char *pw;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open password file '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen,
			 "password file '%s' is not a regular file: use --password-stdin for "
			 "a pipe",
			 path);
		close(fd);
		return NULL;
	}
	f = fcntl(fd, F_SETFL, 0) == 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		snprintf(err, errlen, "cannot open password file '%s': %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	/* As for the config file: a password others can read is no secret. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen,
			 "password file '%s' is readable by others: run chmod 600 '%s'", path,
			 path);
		fclose(f);
		return NULL;
	}
	snprintf(what, sizeof(what), "'%s'", path);
	pw = cli_password_read(f, what, err, errlen);
	fclose(f);
	return pw;
}

/* What the config file's chosen profile says; owned strings. */
struct file_values {
	const char *profile; /* the section wanted */
	int found;	     /* the section exists */
	int missing;	     /* the (default) file does not exist */
	int has_password;    /* any section holds password= */
	char *keys[CLI_CONFIG_KEYS];
	int bad_line;
	char bad_key[64];
};

/* The one table of settings: config file key, environment variable, what it is. */
const cli_config_key cli_config_keys[] = {
	{ "url", "PPS_URL", "the server URL" },
	{ "username", "PPS_USERNAME", "the API user name" },
	{ "password", "PPS_PASSWORD", "the password" },
	{ "password_file", NULL, "a file whose first line is the password" },
	{ "cacert", "PPS_CACERT", "a file of trusted CA certificates" },
	{ "insecure", "PPS_INSECURE", "1 (or true) to skip certificate verification" },
	{ "proxy", NULL, "a proxy URL" },
	{ "timeout", NULL, "seconds per request" },
	{ "retries", NULL, "retries of a GET" },
	{ "output", NULL, "the output format" },
	{ "server_cap", NULL, "the server's Smart Search count cap, when known (--server-cap)" },
	{ "audit", NULL,
	  "the audit file of the changes pps makes (default "
	  "$XDG_STATE_HOME/pps/audit.ndjson), or off" },
	{ "audit_syslog", NULL, "on: also send the audit lines to the local syslog (RFC 5424)" },
	{ "audit_syslog_socket", NULL, "the syslog socket of audit_syslog (default /dev/log)" },
	{ "profile", "PPS_PROFILE", "the profile (section) to read; not a key of the file" },
	{ NULL, NULL, NULL },
};

/* The index of a config file key (profile is none), or -1. */
static int key_index(const char *name)
{
	for (int i = 0; cli_config_keys[i].key; i++)
		if (strcmp(cli_config_keys[i].key, name) == 0 && strcmp(name, "profile") != 0)
			return i;
	return -1;
}

/* The environment variable of a setting (from the table). */
static const char *env_of(cli_getenv_fn env, const char *key)
{
	for (int i = 0; cli_config_keys[i].key; i++)
		if (strcmp(cli_config_keys[i].key, key) == 0 && cli_config_keys[i].env)
			return env(cli_config_keys[i].env);
	return NULL;
}

static int ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct file_values *fv = user;
	int i = key_index(name);

	if (i < 0) {
		snprintf(fv->bad_key, sizeof(fv->bad_key), "%s", name);
		return 0;
	}
	if (strcmp(name, "password") == 0)
		fv->has_password = 1;
	if (strcmp(section, fv->profile) != 0)
		return 1;
	fv->found = 1;
	return set_str(&fv->keys[i], value) == 0;
}

static void file_values_release(struct file_values *fv)
{
	for (size_t i = 0; i < sizeof(fv->keys) / sizeof(fv->keys[0]); i++) {
		if (fv->keys[i] && i == (size_t)key_index("password")) {
			volatile char *p = fv->keys[i];

			while (*p)
				*p++ = '\0';
		}
		free(fv->keys[i]);
	}
}

/* Reads the profile of path into fv. missing_ok: a missing file is no error. */
static int read_file(struct file_values *fv, const char *path, int missing_ok, char *err,
		     size_t errlen)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		if (missing_ok && errno == ENOENT) {
			fv->missing = 1;
			return 0;
		}
		snprintf(err, errlen, "cannot open config file '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_file(f, ini_cb, fv);
	if (fstat(fileno(f), &st) != 0) {
		fclose(f);
		snprintf(err, errlen, "cannot stat config file '%s': %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	if (rc != 0) {
		if (fv->bad_key[0])
			snprintf(err, errlen, "config file '%s' line %d: unknown key '%s'", path,
				 rc, fv->bad_key);
		else
			snprintf(err, errlen, "config file '%s' line %d: cannot parse", path, rc);
		return -1;
	}
	if (fv->has_password && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		snprintf(err, errlen,
			 "config file '%s' holds a password and is readable by others: run chmod "
			 "600 '%s'",
			 path, path);
		return -1;
	}
	return 0;
}

char *cli_config_default_path(cli_getenv_fn env)
{
	const char *xdg = env("XDG_CONFIG_HOME");
	const char *home = env("HOME");
	ppsbuf b = PPSBUF_INIT;

	if (xdg && *xdg)
		ppsbuf_addf(&b, "%s/pps/config", xdg);
	else if (home && *home)
		ppsbuf_addf(&b, "%s/.config/pps/config", home);
	else
		return NULL;
	return ppsbuf_detach(&b, NULL);
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Applies the file's values (the lowest layer above the defaults). */
static int apply_file(cli_settings *s, struct file_values *fv, char *err, size_t errlen)
{
	const char *v;
	long n;

	if ((v = fv->keys[key_index("url")]) && set_str(&s->url, v))
		return -1;
	if ((v = fv->keys[key_index("username")]) && set_str(&s->username, v))
		return -1;
	if ((v = fv->keys[key_index("cacert")]) && set_str(&s->cacert, v))
		return -1;
	if ((v = fv->keys[key_index("proxy")]) && set_str(&s->proxy, v))
		return -1;
	if ((v = fv->keys[key_index("output")]) && set_str(&s->output, v))
		return -1;
	if ((v = fv->keys[key_index("audit")]) && set_str(&s->audit, v))
		return -1;
	if ((v = fv->keys[key_index("audit_syslog_socket")]) && set_str(&s->audit_syslog_socket, v))
		return -1;
	if ((v = fv->keys[key_index("audit_syslog")]) && parse_flag(v, &s->audit_syslog)) {
		snprintf(err, errlen,
			 "config file '%s': invalid audit_syslog '%s': expected on or off",
			 s->config_path, v);
		return -1;
	}
	if ((v = fv->keys[key_index("insecure")]) && parse_flag(v, &s->insecure)) {
		snprintf(err, errlen,
			 "config file '%s': invalid insecure '%s': expected true or false",
			 s->config_path, v);
		return -1;
	}
	if ((v = fv->keys[key_index("timeout")])) {
		if (parse_count(v, 1, 86400, &n)) {
			snprintf(err, errlen,
				 "config file '%s': invalid timeout '%s': expected seconds",
				 s->config_path, v);
			return -1;
		}
		s->timeout = n;
	}
	if ((v = fv->keys[key_index("retries")])) {
		if (parse_count(v, 0, 100, &n)) {
			snprintf(err, errlen,
				 "config file '%s': invalid retries '%s': expected a number",
				 s->config_path, v);
			return -1;
		}
		s->retries = (int)n;
	}
	if ((v = fv->keys[key_index("server_cap")])) {
		if (parse_count(v, 1, 100000000, &n)) {
			snprintf(err, errlen,
				 "config file '%s': invalid server_cap '%s': expected a number",
				 s->config_path, v);
			return -1;
		}
		s->server_cap = n;
	}
	if ((v = fv->keys[key_index("password")])) {
		if (set_str(&s->password, v))
			return -1;
	} else if ((v = fv->keys[key_index("password_file")])) {
		s->password = password_from_file(v, err, errlen);
		if (!s->password)
			return -1;
	}
	return 0;
}

static int apply_env(cli_settings *s, cli_getenv_fn env, char *err, size_t errlen)
{
	const char *v;

	if ((v = nonempty(env_of(env, "url"))) && set_str(&s->url, v))
		return -1;
	if ((v = nonempty(env_of(env, "username"))) && set_str(&s->username, v))
		return -1;
	if ((v = nonempty(env_of(env, "password"))) && set_str(&s->password, v))
		return -1;
	if ((v = nonempty(env_of(env, "cacert"))) && set_str(&s->cacert, v))
		return -1;
	if ((v = env_of(env, "insecure")) && parse_flag(v, &s->insecure)) {
		snprintf(err, errlen, "invalid PPS_INSECURE '%s': expected 1 or 0", v);
		return -1;
	}
	return 0;
}

static int apply_flags(cli_settings *s, const cli_config_flags *f, FILE *in, char *err,
		       size_t errlen)
{
	if (f->url && set_str(&s->url, f->url))
		return -1;
	if (f->username && set_str(&s->username, f->username))
		return -1;
	if (f->cacert && set_str(&s->cacert, f->cacert))
		return -1;
	if (f->proxy && set_str(&s->proxy, f->proxy))
		return -1;
	if (f->output && set_str(&s->output, f->output))
		return -1;
	if (f->audit && set_str(&s->audit, f->audit))
		return -1;
	if (f->insecure >= 0)
		s->insecure = f->insecure;
	if (f->no_proxy)
		s->no_proxy = 1;
	if (f->timeout >= 0)
		s->timeout = f->timeout;
	if (f->retries >= 0)
		s->retries = f->retries;
	if (f->password_file || f->password_stdin) {
		char *pw = f->password_file ? password_from_file(f->password_file, err, errlen)
					    : cli_password_read(in, "standard input", err, errlen);

		if (!pw)
			return -1;
		if (s->password) {
			volatile char *p = s->password;

			while (*p)
				*p++ = '\0';
		}
		free(s->password);
		s->password = pw;
	}
	return 0;
}

int cli_config_load(cli_settings *out, const cli_config_flags *flags, cli_getenv_fn env, FILE *in,
		    char *err, size_t errlen)
{
	struct file_values fv;
	const char *profile;
	int explicit_profile;
	int rc = -1;

	/*
	 * From here the process may hold a password (the config file's, a password file's,
	 * stdin's): no core dump, no ptrace by peers, for every command and every cluster.
	 */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	memset(out, 0, sizeof(*out));
	memset(&fv, 0, sizeof(fv));
	out->timeout = DEFAULT_TIMEOUT;
	out->retries = DEFAULT_RETRIES;
	profile = flags->profile ? flags->profile : nonempty(env_of(env, "profile"));
	explicit_profile = profile != NULL;
	if (!profile)
		profile = "default";
	if (set_str(&out->profile, profile))
		goto oom;
	fv.profile = out->profile;
	if (flags->config) {
		if (set_str(&out->config_path, flags->config))
			goto oom;
	} else {
		out->config_path = cli_config_default_path(env);
	}
	/* The apply steps only fail silently on memory; they overwrite this otherwise. */
	snprintf(err, errlen, "out of memory");
	if (out->config_path) {
		if (read_file(&fv, out->config_path, flags->config == NULL, err, errlen))
			goto done;
		if (explicit_profile && fv.missing) {
			snprintf(err, errlen,
				 "no profile '%s': the config file '%s' does not exist (a profile "
				 "is a [%s] section of it, or give --config FILE)",
				 profile, out->config_path, profile);
			goto done;
		}
		if (explicit_profile && !fv.found) {
			snprintf(err, errlen, "no profile '%s' in config file '%s'", profile,
				 out->config_path);
			goto done;
		}
		if (apply_file(out, &fv, err, errlen))
			goto done;
	} else if (explicit_profile) {
		snprintf(err, errlen, "no config file for profile '%s'", profile);
		goto done;
	}
	if (apply_env(out, env, err, errlen) || apply_flags(out, flags, in, err, errlen))
		goto done;
	rc = 0;
	goto done;
oom:
	snprintf(err, errlen, "out of memory");
done:
	file_values_release(&fv);
	if (rc)
		cli_settings_release(out);
	return rc;
}

int cli_settings_check(const cli_settings *s, char *err, size_t errlen)
{
	if (!s->url || !*s->url) {
		snprintf(err, errlen,
			 "no server URL: give --url, set PPS_URL, or put url= in the config file");
		return -1;
	}
	if (!s->username || !*s->username) {
		snprintf(err, errlen,
			 "no username: give --username, set PPS_USERNAME, or put username= in the "
			 "config file");
		return -1;
	}
	if (!s->password || !*s->password) {
		snprintf(err, errlen,
			 "no password: give --password-file or --password-stdin, set PPS_PASSWORD, "
			 "or "
			 "put password_file= in the config file");
		return -1;
	}
	return 0;
}
