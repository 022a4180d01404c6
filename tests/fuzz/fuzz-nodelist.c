/* Fuzz node lists; a parsed mask formats to a list that parses back to
 * the same mask. */
#include "config.h"

#include "fuzz.h"
#include "lib/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nodemask all = { { 0 } }, m = { { 0 } }, again = { { 0 } };
	char *s = fuzz_string(data, size), buf[1024];
	unsigned long bad;

	if (!s)
		return 0;
	for (unsigned n = 0; n < 8; n++)
		nodemask_set(&all, n);
	if (parse_nodelist(s, &all, &m, &bad) == 0) {
		if (nodemask_maxnode(&m) > NUMAMEM_MAX_NODES)
			abort();
		nodemask_format(&m, buf, sizeof(buf));
		if (*buf && (parse_nodelist(buf, &all, &again, &bad) != 0 || memcmp(&m, &again, sizeof(m))))
			abort();
	}
	free(s);
	return 0;
}
