/*
 * Shell completion for bash, zsh (through bashcompinit) and fish, generated from the command
 * table and the global option table. Writes text only; sends nothing and reads no configuration.
 */
#include <string.h>

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

static void bash_words(FILE *out, const cli_command *c)
{
	for (const cli_arg_spec *s = c->args; s->name; s++)
		fprintf(out, "%s%s=", s == c->args ? "" : " ", s->name);
}

void cli_gen_bash(FILE *out)
{
	fprintf(out, "# bash completion for pps; %s\n", CLI_GENERATED_NOTE);
	fputs("_pps() {\n"
	      "\tlocal line=${COMP_LINE:0:COMP_POINT} cur i w cmd= skip= cands=\n"
	      "\tcur=${line##*[[:space:]]}\n"
	      "\tlocal withval=\"",
	      out);
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		if (!o->metavar)
			continue;
		fprintf(out, " --%s", cli_global_name(o));
		if (cli_global_short(o))
			fprintf(out, " -%c", cli_global_short(o));
	}
	fputs(" \"\n\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [ -n \"$skip\" ]; then skip=; continue; fi\n"
	      "\t\tcase \" $withval \" in *\" $w \"*) skip=1; continue ;; esac\n"
	      "\t\tcase $w in -*) ;; *) cmd=${w#!}; cmd=${cmd#" CLI_REFERENCE_PREFIX
	      "}; break ;; esac\n"
	      "\tdone\n"
	      "\tif [ -z \"$cmd\" ]; then\n"
	      "\t\tcase ${COMP_WORDS[COMP_CWORD-1]} in\n"
	      "\t\t-o|--output) cands=\"",
	      out);
	fputs(cli_format_names(" "), out);
	fputs("\" ;;\n"
	      "\t\t--password-file|--cacert|--config) COMPREPLY=($(compgen -f -- \"$cur\")); "
	      "return ;;\n"
	      "\t\t--profile) cands=$(" PROFILES_SH ") ;;\n"
	      "\t\t--color) cands=\"auto always never\" ;;\n"
	      "\t\t*) cands=\"",
	      out);
	for (const opt_spec *o = cli_global_opts; o->name; o++)
		fprintf(out, "--%s ", cli_global_name(o));
	for (const cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "%s ", c->name);
	fputs("help version completion\" ;;\n\t\tesac\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$cands\" -- \"$cur\"))\n\t\treturn\n\tfi\n"
	      "\tcase $cur in\n",
	      out);
	/* Values of arguments with predefined choices. */
	for (const cli_command *c = cli_commands; c->name; c++) {
		for (const cli_arg_spec *s = c->args; s->name; s++) {
			if (!s->choices)
				continue;
			fprintf(out, "\t%s=*) [ \"$cmd\" = %s ] && cands=\"", s->name, c->name);
			for (size_t k = 0; s->choices[k]; k++)
				fprintf(out, "%s%s=%s", k ? " " : "", s->name, s->choices[k]);
			fputs("\" ;;\n", out);
		}
	}
	fputs("\tesac\n\tif [ -z \"$cands\" ]; then\n\t\tcase $cmd in\n", out);
	for (const cli_command *c = cli_commands; c->name; c++) {
		fprintf(out, "\t\t%s) cands=\"", c->name);
		bash_words(out, c);
		fputs("\" ;;\n", out);
	}
	fputs("\t\thelp) cands=\"", out);
	for (const cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "%s ", c->name);
	fputs("\" ;;\n\t\tcompletion) cands=\"bash zsh fish\" ;;\n\t\tesac\n\tfi\n"
	      "\tCOMPREPLY=($(compgen -W \"$cands\" -- \"$cur\"))\n"
	      "\t# bash replaces only the text after the last '=' or ':' of the word.\n"
	      "\tlocal head=${cur%\"${cur##*[=:]}\"}\n"
	      "\t[ -n \"$head\" ] && COMPREPLY=(\"${COMPREPLY[@]#\"$head\"}\")\n"
	      "\tcase ${COMPREPLY[0]:-} in *=) compopt -o nospace 2>/dev/null ;; esac\n"
	      "}\n"
	      "complete -F _pps pps\n",
	      out);
}

void cli_gen_zsh(FILE *out)
{
	/* zsh runs the bash completion through its bashcompinit layer: one script to maintain. */
	fprintf(out, "#compdef pps\n# zsh completion for pps; %s\n", CLI_GENERATED_NOTE);
	fputs("autoload -U +X bashcompinit && bashcompinit\n", out);
	cli_gen_bash(out);
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
		} else if (o->metavar && (!strcmp(cli_global_name(o), "password-file") ||
					  !strcmp(cli_global_name(o), "cacert") ||
					  !strcmp(cli_global_name(o), "config"))) {
			fputs(" -F", out);
		}
		fputs(" -d ", out);
		fish_quoted(out, o->help);
		fputc('\n', out);
	}
	for (const cli_command *c = cli_commands; c->name; c++) {
		fprintf(out, "complete -c pps -n __fish_use_subcommand -a %s -d ", c->name);
		fish_quoted(out, c->summary);
		fputc('\n', out);
		for (const cli_arg_spec *a = c->args; a->name; a++) {
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
	fputs("complete -c pps -n __fish_use_subcommand -a 'help version completion'\n"
	      "complete -c pps -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n",
	      out);
}
