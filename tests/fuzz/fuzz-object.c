/* Fuzz --object strings through the real parser. */
#include "config.h"

#include <stdio.h>

#include "fuzz.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct numamem nm = { .ready_fd = -1, .fd_number = -1, .thp = TRI_AUTO };
	char *s = fuzz_string(data, size);

	if (!s)
		return 0;
	object_parse(&nm, s);
	options_free(&nm);
	free(s);
	return 0;
}
