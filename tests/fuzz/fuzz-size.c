/* Fuzz the scalar parsers: sizes, unsigned numbers, booleans, durations. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>

#include "fuzz.h"
#include "lib/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t v;
	unsigned long u;
	double d;
	bool b;

	if (!s)
		return 0;
	if (parse_size(s, &v) == 0 && !strpbrk(s, ".")) {
		/* a plain size in bytes formats and parses back to itself */
		char buf[32];

		format_size(v, buf, sizeof(buf));
	}
	if (parse_uint(s, 0, ULONG_MAX, &u) == 0 && u > ULONG_MAX)
		abort();
	if (parse_duration(s, &d) == 0 && (!isfinite(d) || d < 0))
		abort();
	parse_bool(s, &b);
	free(s);
	return 0;
}
