/* Writes the bash completion of spawn-helper from the option table, so the
 * completion cannot drift from the parser. Run at build time. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "options.h"

/* How the value of an option is completed; nothing for numbers. */
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
		{ "ns-fallback",
		  "COMPREPLY=($(compgen -W 'strict drop' -- \"$cur\"))" },
		{ "join-ns", "COMPREPLY=($(compgen -W 'user= mount= net= ipc= "
			     "uts= pid= cgroup= time=' -- \"$cur\"))" },
	};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(opt->name, actions[i].option) == 0)
			return actions[i].action;
	return "COMPREPLY=()";
}

int main(void)
{
	printf("# bash completion for spawn-helper, generated from its option "
	       "table\n_spawn_helper()\n{\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	       "prev=${COMP_WORDS[COMP_CWORD-1]} i\n"
	       "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	       "\t\tif [[ ${COMP_WORDS[i]} == -- ]]; then\n"
	       "\t\t\t_command_offset $((i + 1)) 2>/dev/null || "
	       "COMPREPLY=($(compgen -c -- \"$cur\"))\n"
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
	return 0;
}
