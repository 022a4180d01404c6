/* Fuzz CPU lists. */
#include "config.h"

#include <errno.h>

#include "fuzz.h"
#include "lib/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cpu_set_t all, set;
	char *s = fuzz_string(data, size);
	unsigned long bad = 0;

	if (!s)
		return 0;
	CPU_ZERO(&all);
	CPU_ZERO(&set);
	for (int c = 0; c < 4; c++)
		CPU_SET(c, &all);
	if (parse_cpulist(s, &all, &set, &bad) == -ERANGE && bad < CPU_SETSIZE)
		abort();
	free(s);
	return 0;
}
