/* Fuzz the whole command line short of allocating: the input's lines are
 * the arguments, parsed twice for the same result. */
#include "config.h"

#include <stdio.h>

#include "fuzz.h"
#include "options.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct numamem nm;
	char *s = fuzz_string(data, size), *argv[MAX_ARGS + 2], *save = NULL;
	int argc = 0;

	if (!s)
		return 0;
	argv[argc++] = (char *)"numamem";
	for (char *a = strtok_r(s, "\n", &save); a && argc <= MAX_ARGS; a = strtok_r(NULL, "\n", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	/* twice: the parser keeps no state from one call to the next */
	int first = options_parse(argc, argv, &nm);
	size_t nregions = nm.nregions;
	bool json = nm.json, asked = nm.command_asked;

	options_free(&nm);
	if (options_parse(argc, argv, &nm) != first || nm.nregions != nregions || nm.json != json ||
	    nm.command_asked != asked)
		abort();
	options_free(&nm);
	free(s);
	return 0;
}
