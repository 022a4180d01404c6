/* The memory kernels of src/stream.c, each instruction set in a child of
 * its own (the choice is made once a process, from NUMAMEM_KERNELS):
 * write fills exactly the bytes asked with its pattern, copy puts the
 * first half onto the second, read moves nothing; aligned and not, with
 * a tail that is not a multiple of the kernels' block. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stream.h"
#include "tap.h"

#define GUARD 256

enum { BAD_ISA = 1, BAD_WRITE = 2, BAD_GUARD = 4, BAD_COPY = 8, BAD_READ = 16, BAD_COUNT = 32 };

static int check(char *base, size_t len)
{
	char *p = base + GUARD;
	int bad = 0;
	size_t blocks = len / 2 / 256, half = blocks ? blocks * 256 : len / 2; /* less than a block: memcpy of half */

	memset(base, 0x11, len + 2 * GUARD);
	if (stream_pass(STREAM_WRITE, p, len) != len)
		bad |= BAD_COUNT;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] != 0x5a)
			bad |= BAD_WRITE;
	for (size_t i = 0; i < GUARD; i++)
		if (base[i] != 0x11 || p[len + i] != 0x11)
			bad |= BAD_GUARD;
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(i * 7 + i / 251);
	if (stream_pass(STREAM_READ, p, len) != len)
		bad |= BAD_COUNT;
	for (size_t i = 0; i < len; i++)
		if (p[i] != (char)(i * 7 + i / 251))
			bad |= BAD_READ;
	if (stream_pass(STREAM_COPY, p, len) != 2 * half)
		bad |= BAD_COUNT;
	if (memcmp(p + half, p, half))
		bad |= BAD_COPY;
	if (base[0] != 0x11 || p[len] != 0x11)
		bad |= BAD_GUARD;
	return bad;
}

static int child(const char *isa)
{
	char *base = aligned_alloc(4096, (4UL << 20) + 4096);
	int bad = 0;

	if (!base)
		return 64;
	setenv("NUMAMEM_KERNELS", isa, 1);
	if (strcmp(stream_isa(), isa))
		return 128; /* the CPU lacks it */
	bad |= check(base + 4096 - GUARD, 1UL << 20);            /* 64-byte aligned, whole blocks */
	bad |= check(base + 4096 - GUARD, (1UL << 20) + 4160);   /* a tail past the blocks */
	bad |= check(base + 4096 - GUARD + 8, (1UL << 20) + 72); /* not aligned */
	bad |= check(base + 4096 - GUARD, 200);                  /* less than a block */
	free(base);
	return bad;
}

int main(void)
{
	static const char *const isas[] = { "scalar", "sse2", "avx2", "avx512" };

	for (size_t i = 0; i < sizeof(isas) / sizeof(isas[0]); i++) {
		pid_t pid = fork();
		int st = 0, bad;

		if (pid == 0)
			_exit(child(isas[i]));
		waitpid(pid, &st, 0);
		bad = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
		if (bad == 128) {
			printf("ok %d - %s: # SKIP this CPU has no %s\n", ++tap_n, isas[i], isas[i]);
			continue;
		}
		ok(bad == 0, "%s: write fills exactly, read moves nothing, copy copies, counts right (failures 0x%x)",
		   isas[i], bad);
	}
	return tap_done();
}
