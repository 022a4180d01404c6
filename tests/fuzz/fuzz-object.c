/* Fuzz --object strings through the real parser. */
#include "config.h"

#include <stdio.h>

#include "fuzz.h"
#include "object.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct numamem nm;
	char *s = fuzz_string(data, size);

	options_init(&nm);
	if (!s)
		return 0;
	object_parse(&nm, s);
	options_free(&nm);
	free(s);
	return 0;
}
