/* The control protocol's verbs (see control.h for what each does). */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "control-verbs.h"

const char *const verb_names[V_COUNT] = {
	[V_ADD] = "add", [V_DEL] = "del", [V_SET] = "set", [V_QUERY] = "query", [V_QUIT] = "quit",
};

int verb_of(const char *line, const char **rest)
{
	size_t len;

	while (isspace((unsigned char)*line))
		line++;
	len = strcspn(line, " \t\r\n");
	for (int v = 0; v < V_COUNT; v++)
		if (strlen(verb_names[v]) == len && !strncmp(line, verb_names[v], len)) {
			for (line += len; isspace((unsigned char)*line); line++)
				;
			*rest = line;
			return v;
		}
	return -1;
}

bool control_known(const char *line)
{
	const char *rest;

	return verb_of(line, &rest) >= 0;
}
