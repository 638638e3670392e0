/*
 * Settings of pps: command-line flags, then the environment (PPS_*), then a profile of the INI
 * config file, then defaults. Reads passwords from files and stdin; never prints one.
 */
#ifndef PPS_CLI_CONFIG_H
#define PPS_CLI_CONFIG_H

#include <stdio.h>

/* What the command line said; NULL or -1 means not given. */
typedef struct cli_config_flags {
	const char *url;
	const char *username;
	const char *password_file;
	int password_stdin;
	const char *cacert;
	int insecure; /* -1, 0, 1 */
	const char *proxy;
	int no_proxy;
	long timeout; /* seconds */
	long retries;
	const char *output;
	const char *profile;
	const char *config; /* config file path */
	const char *audit;  /* --audit FILE or off */
} cli_config_flags;

void cli_config_flags_init(cli_config_flags *f);

/* A setting: its config file key, its environment variable (or NULL), what it holds. */
typedef struct cli_config_key {
	const char *key;
	const char *env;
	const char *help;
} cli_config_key;

/* The one table of settings (loading, pps(1)), ended by a NULL key. */
#define CLI_CONFIG_KEYS 15
extern const cli_config_key cli_config_keys[CLI_CONFIG_KEYS + 1];

/* The resolved settings; all strings owned, freed by cli_settings_release(). */
typedef struct cli_settings {
	char *url;
	char *username;
	char *password;
	char *cacert;
	char *proxy;
	char *output;
	char *profile;	   /* the profile used */
	char *config_path; /* the config file read, or NULL */
	int insecure;
	int no_proxy;
	long timeout;		   /* seconds, default 60 */
	int retries;		   /* default 3 */
	long server_cap;	   /* the server's Smart Search count cap, 0 when unknown */
	char *audit;		   /* the audit file, "off", or NULL (the default file, audit.h) */
	int audit_syslog;	   /* audit_syslog = on */
	char *audit_syslog_socket; /* the syslog socket, NULL: /dev/log */
} cli_settings;

void cli_settings_release(cli_settings *s);
/* Zeroes and frees the password alone (once the client holds its own copy). */
void cli_settings_wipe_password(cli_settings *s);

/* Looks up an environment variable; getenv in production, a table in tests. */
typedef const char *(*cli_getenv_fn)(const char *name);

/* The config file's default path ($XDG_CONFIG_HOME/pps/config, else ~/.config/pps/config),
 * malloc'd, or NULL when neither variable is set. */
char *cli_config_default_path(cli_getenv_fn env);

/*
 * Resolves the settings: flags > environment > config file profile > defaults. The config file
 * is flags->config, else $XDG_CONFIG_HOME/pps/config, else
 * $HOME/.config/pps/config (a missing default file is fine; a missing named file or profile is
 * not). A file holding a password and readable by group or others is refused. in is read for
 * --password-stdin. Returns 0, or -1 with a one-line reason (no "pps: " prefix) in err.
 * Does not require url or credentials (see cli_settings_check).
 */
int cli_config_load(cli_settings *out, const cli_config_flags *flags, cli_getenv_fn env, FILE *in,
		    char *err, size_t errlen);

/* Checks that url, username and password are set; -1 with a reason naming the flag/env var. */
int cli_settings_check(const cli_settings *s, char *err, size_t errlen);

/* Reads the first line of a password file (trailing CR/LF stripped); malloc'd or NULL + err. */
char *cli_password_read(FILE *in, const char *what, char *err, size_t errlen);

#endif
