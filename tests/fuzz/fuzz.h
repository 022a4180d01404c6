/* Shared by the fuzz harnesses: the libFuzzer entry point, and a copy of
 * the input as a C string. */
#ifndef NUMAMEM_FUZZ_H
#define NUMAMEM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
