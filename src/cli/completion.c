/*
 * Shell completion for bash, zsh (a native function) and fish, generated from the command
 * table, the global option table and the config keys: commands, options before and after the
 * command, arguments and their predefined values, profiles, file names after the options that
 * take a FILE and after out= and local_guid=@. Writes text only; sends nothing, reads no
 * configuration.
 */
#include <string.h>

#include "cli/config.h"
#include "cli/gen.h"
#include "cli/options.h"
#include "cli/render.h"

#include "util/banned.h"

/* The same profile names for fish (whose quoting differs). */
#define PROFILES_FISH                                                                            \
	"sed -n \"s/^[[:space:]]*\\[\\([^]]*\\)\\].*/\\1/p\" "                                   \
	"(set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/pps/config " \
	"2>/dev/null"

/*
 * The profile names of the config file (its [section] lines), for completing --profile; the
 * file is where pps reads it, or the --config given earlier on the line is not looked at.
 */
#define PROFILES_SH                                          \
	"sed -n 's/^[[:space:]]*\\[\\([^]]*\\)\\].*/\\1/p' " \
	"\"${XDG_CONFIG_HOME:-$HOME/.config}/pps/config\" 2>/dev/null"

/* The builtin words completed where a command is expected. */
#define BUILTIN_WORDS "help version completion config"
#define CONFIG_WORDS  "show profiles set"

/* Whether an option's value is a file name (its metavar says FILE). */
static int opt_is_file(const opt_spec *o)
{
	return o->metavar && !strcmp(o->metavar, "FILE");
}

/* The prefix after which an argument's value is a file name ("out=", "local_guid=@"), or NULL. */
static const char *arg_file_prefix(const cli_arg_spec *s, char *buf, size_t len)
{
	if (s->kind == CLI_ARG_GUIDLIST)
		snprintf(buf, len, "%s=@", s->name);
	else if (!strcmp(s->name, "out"))
		snprintf(buf, len, "%s=", s->name);
	else
		return NULL;
	return buf;
}

/* The options taking a FILE, joined by sep. */
static void file_opts(FILE *out, const char *sep)
{
	int first = 1;

	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		if (!opt_is_file(o))
			continue;
		fprintf(out, "%s--%s", first ? "" : sep, cli_global_name(o));
		first = 0;
	}
}

/* Every option name (--long and -s), space-separated. */
static void all_opts(FILE *out, int with_values_only)
{
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		if (with_values_only && !o->metavar)
			continue;
		fprintf(out, " --%s", cli_global_name(o));
		if (cli_global_short(o))
			fprintf(out, " -%c", cli_global_short(o));
	}
}

static void command_names(FILE *out)
{
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c))
		fprintf(out, "%s ", c->name);
}

static void config_keys(FILE *out)
{
	for (const cli_config_key *k = cli_config_keys; k->key; k++)
		if (strcmp(k->key, "profile") != 0 && strcmp(k->key, "password") != 0)
			fprintf(out, "%s ", k->key);
}

static void bash_words(FILE *out, const cli_command *c)
{
	for (const cli_arg_spec *s = c->args; s->name; s++)
		fprintf(out, "%s%s=", s == c->args ? "" : " ", s->name);
}

/* bash: the values after out= and local_guid=@ are file names. */
static void bash_file_args(FILE *out)
{
	char buf[96];

	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		for (const cli_arg_spec *s = c->args; s->name; s++) {
			const char *pre = arg_file_prefix(s, buf, sizeof(buf));

			if (pre)
				fprintf(out, "\t%s:%s*) pre=%s ;;\n", c->name, pre, pre);
		}
	}
}

void cli_gen_bash(FILE *out)
{
	fprintf(out, "# bash completion for pps; %s\n", CLI_GENERATED_NOTE);
	fputs("_pps() {\n"
	      "\tlocal line=${COMP_LINE:0:$COMP_POINT} cur w prev= cmd= skip= cands= pre=-\n"
	      "\tlocal -a ws pos=()\n"
	      "\tcur=${line##*[[:space:]]}\n"
	      "\tread -ra ws <<<\"${line%\"$cur\"}\"\n"
	      "\tlocal withval=\"",
	      out);
	all_opts(out, 1);
	fputs(" \"\n\tfor w in \"${ws[@]:1}\"; do\n"
	      "\t\tif [ -n \"$skip\" ]; then skip=; continue; fi\n"
	      "\t\tcase \" $withval \" in *\" $w \"*) skip=1; continue ;; esac\n"
	      "\t\tcase $w in -*) continue ;; esac\n"
	      "\t\tif [ -z \"$cmd\" ]; then cmd=${w#!}; cmd=${cmd#" CLI_REFERENCE_PREFIX
	      "}; else pos+=(\"$w\"); fi\n"
	      "\tdone\n"
	      "\t[ ${#ws[@]} -gt 1 ] && prev=${ws[${#ws[@]}-1]}\n"
	      "\tcase $prev in\n"
	      "\t-o|--output) cands=\"",
	      out);
	fputs(cli_format_names(" "), out);
	fputs("\" ;;\n\t", out);
	file_opts(out, "|");
	fputs(") pre= ;;\n"
	      "\t--profile) cands=$(" PROFILES_SH ") ;;\n"
	      "\t--color) cands=\"auto always never\" ;;\n"
	      "\t*)\n"
	      "\t\tif [ -n \"$skip\" ]; then return; fi\n"
	      "\t\tcase $cur in\n\t\t-*) cands=\"",
	      out);
	all_opts(out, 0);
	fputs("\" ;;\n\t\t*) [ -z \"$cmd\" ] && cands=\"", out);
	command_names(out);
	fputs(BUILTIN_WORDS "\" ;;\n\t\tesac ;;\n\tesac\n"
			    "\tif [ -z \"$cands\" ] && [ \"$pre\" = - ] && [ -n \"$cmd\" ]; then\n"
			    "\t\tcase $cmd:$cur in\n",
	      out);
	bash_file_args(out);
	fputs("\t\tesac\n\tfi\n"
	      "\tif [ \"$pre\" != - ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -f -P \"$pre\" -- \"${cur#\"$pre\"}\"))\n"
	      "\telif [ -z \"$cands\" ] && [ -n \"$cmd\" ]; then\n"
	      "\t\tcase $cur in\n",
	      out);
	/* Values of arguments with predefined choices. */
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		for (const cli_arg_spec *s = c->args; s->name; s++) {
			if (!s->choices)
				continue;
			fprintf(out, "\t\t%s=*) [ \"$cmd\" = %s ] && cands=\"", s->name, c->name);
			for (size_t k = 0; s->choices[k]; k++)
				fprintf(out, "%s%s=%s", k ? " " : "", s->name, s->choices[k]);
			fputs("\" ;;\n", out);
		}
	}
	fputs("\t\tesac\n\t\tif [ -z \"$cands\" ]; then\n\t\t\tcase $cmd in\n", out);
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		fprintf(out, "\t\t\t%s) cands=\"", c->name);
		bash_words(out, c);
		fputs("\" ;;\n", out);
	}
	fputs("\t\t\thelp) cands=\"", out);
	command_names(out);
	fputs(BUILTIN_WORDS "\" ;;\n\t\t\tcompletion) cands=\"bash zsh fish\" ;;\n"
			    "\t\t\tconfig) case ${#pos[@]}:${pos[0]:-} in\n"
			    "\t\t\t\t0:) cands=\"" CONFIG_WORDS "\" ;;\n"
			    "\t\t\t\t1:set) cands=\"",
	      out);
	config_keys(out);
	fputs("\" ;;\n\t\t\t\tesac ;;\n\t\t\tesac\n\t\tfi\n\tfi\n"
	      "\t[ \"$pre\" = - ] && COMPREPLY=($(compgen -W \"$cands\" -- \"$cur\"))\n",
	      out);
	/* The operands of a command that takes files (inspect FILE...) are file names too. */
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c))
		if (c->operands)
			fprintf(out,
				"\t[ \"$pre\" = - ] && [ \"$cmd\" = %s ] && case $cur in -*|*=*) "
				";; "
				"*) COMPREPLY+=($(compgen -f -- \"$cur\")) ;; esac\n",
				c->name);
	fputs("\t# bash replaces only the text after the last '=' or ':' of the word.\n"
	      "\tlocal head=${cur%\"${cur##*[=:]}\"}\n"
	      "\t[ -n \"$head\" ] && COMPREPLY=(\"${COMPREPLY[@]#\"$head\"}\")\n"
	      "\tcase ${COMPREPLY[0]:-} in *=) compopt -o nospace 2>/dev/null ;; esac\n"
	      "}\n"
	      "complete -F _pps pps\n",
	      out);
}

/* zsh: one compadd of words (space-separated text) and a return. */
static void zsh_add(FILE *out, const char *indent, const char *flags, const char *words)
{
	fprintf(out, "%scompadd %s-- %s; return\n", indent, flags, words);
}

void cli_gen_zsh(FILE *out)
{
	char buf[96];

	fprintf(out, "#compdef pps\n# zsh completion for pps; %s\n", CLI_GENERATED_NOTE);
	fputs("_pps() {\n"
	      "\tlocal cur=$PREFIX prev=${words[CURRENT-1]} w cmd= skip=\n"
	      "\tlocal -a withval pos\n"
	      "\twithval=(",
	      out);
	all_opts(out, 1);
	fputs(" )\n"
	      "\tfor w in \"${(@)words[2,CURRENT-1]}\"; do\n"
	      "\t\tif [[ -n $skip ]]; then skip=; continue; fi\n"
	      "\t\tif (( ${withval[(Ie)$w]} )); then skip=1; continue; fi\n"
	      "\t\t[[ $w == -* ]] && continue\n"
	      "\t\tif [[ -z $cmd ]]; then cmd=${w#!}; cmd=${cmd#" CLI_REFERENCE_PREFIX
	      "}; else pos+=(\"$w\"); fi\n"
	      "\tdone\n"
	      "\tcase $prev in\n\t-o|--output)\n",
	      out);
	zsh_add(out, "\t\t", "", cli_format_names(" "));
	fputs("\t\t;;\n\t", out);
	file_opts(out, "|");
	fputs(") _files; return ;;\n"
	      "\t--profile) compadd -- ${(f)\"$(" PROFILES_SH ")\"}; return ;;\n"
	      "\t--color) compadd -- auto always never; return ;;\n"
	      "\tesac\n"
	      "\t[[ -n $skip ]] && return 1\n"
	      "\tif [[ $cur == -* ]]; then\n\t\tcompadd --",
	      out);
	all_opts(out, 0);
	fputs("\n\t\treturn\n\tfi\n\tif [[ -z $cmd ]]; then\n\t\tcompadd -- ", out);
	command_names(out);
	fputs(BUILTIN_WORDS "\n\t\treturn\n\tfi\n\tcase $cmd:$cur in\n", out);
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		for (const cli_arg_spec *s = c->args; s->name; s++) {
			const char *pre = arg_file_prefix(s, buf, sizeof(buf));

			if (pre)
				fprintf(out, "\t%s:%s*) compset -P '%s'; _files; return ;;\n",
					c->name, pre, pre);
			if (!s->choices)
				continue;
			fprintf(out, "\t%s:%s=*) compset -P '%s='; compadd --", c->name, s->name,
				s->name);
			for (size_t k = 0; s->choices[k]; k++)
				fprintf(out, " %s", s->choices[k]);
			fputs("; return ;;\n", out);
		}
	}
	fputs("\tesac\n\tcase $cmd in\n", out);
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		if (!c->args[0].name)
			continue;
		fprintf(out, "\t%s) compadd -S '' -- ", c->name);
		bash_words(out, c);
		fputs(" ;;\n", out);
	}
	fputs("\thelp) compadd -- ", out);
	command_names(out);
	fputs(BUILTIN_WORDS
	      " ;;\n\tcompletion) compadd -- bash zsh fish ;;\n"
	      "\tconfig)\n\t\tif (( ${#pos} == 0 )); then compadd -- " CONFIG_WORDS "\n"
	      "\t\telif (( ${#pos} == 1 )) && [[ ${pos[1]} == set ]]; then compadd -- ",
	      out);
	config_keys(out);
	fputs("\n\t\tfi ;;\n\tesac\n}\n"
	      "# As an autoloaded file (fpath) the function runs; sourced, it is registered.\n"
	      "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n\t_pps \"$@\"\n"
	      "else\n\tcompdef _pps pps\nfi\n",
	      out);
}

/* Fish description text: single quotes and backslashes escaped. */
static void fish_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

void cli_gen_fish(FILE *out)
{
	fprintf(out, "# fish completion for pps; %s\n", CLI_GENERATED_NOTE);
	fputs("complete -c pps -f\n", out);
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		fprintf(out, "complete -c pps -l %s", cli_global_name(o));
		if (cli_global_short(o))
			fprintf(out, " -s %c", cli_global_short(o));
		if (o->metavar)
			fputs(" -r", out);
		if (!strcmp(cli_global_name(o), "output")) {
			fputs(" -x -a '", out);
			fputs(cli_format_names(" "), out);
			fputc('\'', out);
		} else if (!strcmp(cli_global_name(o), "color")) {
			fputs(" -x -a 'auto always never'", out);
		} else if (!strcmp(cli_global_name(o), "profile")) {
			fputs(" -x -a '(" PROFILES_FISH ")'", out);
		} else if (opt_is_file(o)) {
			fputs(" -F", out);
		}
		fputs(" -d ", out);
		fish_quoted(out, o->help);
		fputc('\n', out);
	}
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		fprintf(out, "complete -c pps -n __fish_use_subcommand -a %s -d ", c->name);
		fish_quoted(out, c->summary);
		fputc('\n', out);
		for (const cli_arg_spec *a = c->args; a->name; a++) {
			char buf[96];
			const char *pre = arg_file_prefix(a, buf, sizeof(buf));

			/* out=FILE, local_guid=@FILE: the file names after the prefix. */
			if (pre)
				fprintf(out,
					"complete -c pps -n '__fish_seen_subcommand_from %s; and "
					"string match -q -- \"%s*\" (commandline -ct)' -a '(__fish_"
					"complete_path (string replace -- \"%s\" \"\" (commandline "
					"-ct)) | string replace -r -- \"^\" \"%s\")'\n",
					c->name, pre, pre, pre);
			if (a->choices) {
				for (size_t k = 0; a->choices[k]; k++)
					fprintf(out,
						"complete -c pps -n '__fish_seen_subcommand_from "
						"%s' "
						"-a %s=%s\n",
						c->name, a->name, a->choices[k]);
				continue;
			}
			fprintf(out,
				"complete -c pps -n '__fish_seen_subcommand_from %s' -a %s= -d ",
				c->name, a->name);
			fish_quoted(out, a->help);
			fputc('\n', out);
		}
	}
	fputs("complete -c pps -n __fish_use_subcommand -a '" BUILTIN_WORDS "'\n"
	      "complete -c pps -n '__fish_seen_subcommand_from help' -a '",
	      out);
	command_names(out);
	fputs(BUILTIN_WORDS
	      "'\n"
	      "complete -c pps -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n"
	      "complete -c pps -n '__fish_seen_subcommand_from config; and not "
	      "__fish_seen_subcommand_from " CONFIG_WORDS "' -a '" CONFIG_WORDS "'\n"
	      "complete -c pps -n '__fish_seen_subcommand_from config; and "
	      "__fish_seen_subcommand_from set; and test (count (commandline -opc)) -le 3' -a '",
	      out);
	config_keys(out);
	fputs("'\n", out);
}
