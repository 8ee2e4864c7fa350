/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes what is derived from the option table at build time, so that it
 * cannot drift from the parser:
 *     gen-doc completion    the bash completion of spawn-helper
 *     gen-doc man-options   the OPTIONS section of spawn-helper(1) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "options.h"

/* A keyword option's words, from the table's choices column. */
static const char *choices_completion(const struct option_def *opt)
{
	static char action[256];
	size_t len = (size_t)snprintf(action, sizeof(action),
				      "COMPREPLY=($(compgen -W '");

	for (size_t i = 0; opt->choices[i]; i++)
		len += (size_t)snprintf(action + len,
					len < sizeof(action) ? sizeof(action) - len
							     : 0,
					"%s%s", i ? " " : "", opt->choices[i]);
	snprintf(action + len, len < sizeof(action) ? sizeof(action) - len : 0,
		 "' -- \"$cur\"))");
	return action;
}

/* How the value of an option is completed; nothing for numbers. A NULL
 * action: the option's choices (only --ns-fallback's so far: the other
 * keyword options would change the completion file). */
static const char *value_completion(const struct option_def *opt)
{
	static const char dirs[] = "COMPREPLY=($(compgen -d -- \"$cur\"))";
	static const struct {
		const char *option, *action;
	} actions[] = {
		{ "chdir", dirs },
		{ "chroot", dirs },
		{ "tmpfs", dirs },
		{ "cgroup", dirs },
		{ "cgroup-parent", dirs },
		{ "bind", "COMPREPLY=($(compgen -f -- \"$cur\"))" },
		{ "ro-bind", "COMPREPLY=($(compgen -f -- \"$cur\"))" },
		{ "uid", "COMPREPLY=($(compgen -u -- \"$cur\"))" },
		{ "gid", "COMPREPLY=($(compgen -g -- \"$cur\"))" },
		{ "setenv", "COMPREPLY=($(compgen -v -S= -- \"$cur\"))" },
		{ "unsetenv", "COMPREPLY=($(compgen -v -- \"$cur\"))" },
		{ "ns-fallback", NULL },
		{ "join-ns", "COMPREPLY=($(compgen -W 'user= mount= net= ipc= "
			     "uts= pid= cgroup= time=' -- \"$cur\"))" },
	};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(opt->name, actions[i].option) == 0)
			return actions[i].action ? actions[i].action
						 : choices_completion(opt);
	return "COMPREPLY=()";
}

static void print_completion(void)
{
	printf("# bash completion for spawn-helper, generated from its option "
	       "table\n_spawn_helper()\n{\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	       "prev=${COMP_WORDS[COMP_CWORD-1]} i\n"
	       "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	       "\t\tif [[ ${COMP_WORDS[i]} == -- ]]; then\n"
	       "\t\t\tif declare -F _command_offset >/dev/null; then\n"
	       "\t\t\t\t_command_offset $((i + 1))\n"
	       "\t\t\telse\n"
	       "\t\t\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n"
	       "\t\t\tfi\n"
	       "\t\t\treturn\n\t\tfi\n\tdone\n"
	       "\tcase $prev in\n");
	for (size_t i = 0; i < option_count; i++) {
		const struct option_def *opt = &option_table[i];

		if (opt->flags & OPT_VALUE)
			printf("\t--%s) %s; return ;;\n", opt->name,
			       value_completion(opt));
	}
	printf("\tesac\n\tCOMPREPLY=($(compgen -W '");
	for (size_t i = 0; i < option_count; i++)
		printf("%s--%s", i ? " " : "", option_table[i].name);
	printf("' -- \"$cur\"))\n}\ncomplete -F _spawn_helper spawn-helper\n");
}

/* Text for roff: backslashes escaped, nothing read as a request. */
static void print_roff(const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '\\')
			fputs("\\e", stdout);
		else if (*c == '-')
			fputs("\\-", stdout);
		else
			putchar(*c);
	}
}

/* Text and its ending as roff lines of at most about 72 bytes. */
static void print_wrapped_roff(const char *text, const char *ending)
{
	char buf[1024], *word, *save = NULL;
	size_t column = 0;

	snprintf(buf, sizeof(buf), "%s%s", text, ending);
	for (word = strtok_r(buf, " ", &save); word;
	     word = strtok_r(NULL, " ", &save)) {
		if (column && column + strlen(word) > 64) {
			putchar('\n');
			column = 0;
		} else if (column) {
			putchar(' ');
			column++;
		}
		print_roff(word);
		column += strlen(word);
	}
	putchar('\n');
}

static void print_man_options(void)
{
	for (int g = 0; g < GROUP_COUNT; g++) {
		printf(".SS %s\n", option_group_title((enum opt_group)g));
		for (size_t i = 0; i < option_count; i++) {
			const struct option_def *opt = &option_table[i];

			if (opt->group != (enum opt_group)g)
				continue;
			printf(".TP\n.B ");
			if (OPTION_SHORT_NAME(opt))
				printf("\\-%c\\fR,\\fB ", OPTION_SHORT_NAME(opt));
			printf("\\-\\-");
			print_roff(opt->name);
			if (opt->metavar) {
				printf("\\~\\fI");
				print_roff(opt->metavar);
				printf("\\fR");
			}
			printf("\n");
			print_wrapped_roff(opt->help,
					   (opt->flags & OPT_REPEAT)
						   ? " (repeatable)."
						   : ".");
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "completion") == 0)
		print_completion();
	else if (argc == 2 && strcmp(argv[1], "man-options") == 0)
		print_man_options();
	else
		return fprintf(stderr, "usage: gen-doc completion|man-options\n"), 2;
	return 0;
}
