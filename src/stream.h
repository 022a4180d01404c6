/* The memory kernels that --measure and --traffic stream with: read
 * (vector loads into independent accumulators), write (non-temporal
 * vector stores, as Intel MLC's -W modes and likwid-bench's *_mem
 * kernels) and copy (loads and non-temporal stores), in AVX-512, AVX2
 * or SSE2, whichever the CPU has, chosen once at run time. */
#ifndef NUMAMEM_STREAM_H
#define NUMAMEM_STREAM_H

#include <stddef.h>
#include <stdint.h>

enum stream_op { STREAM_READ, STREAM_WRITE, STREAM_COPY, STREAM_OPS };
extern const char *const stream_op_names[STREAM_OPS];

/* The instruction set the kernels use: "avx512", "avx2" or "sse2" (or
 * "scalar" on a CPU without SSE2).  The first call chooses, from
 * __builtin_cpu_supports(); the environment variable NUMAMEM_KERNELS
 * (one of those names) can ask for a lesser one, for tests and
 * benchmarks. */
const char *stream_isa(void);
/* One pass of op over len bytes at p: the bytes moved.  Copy copies the
 * first half onto the second and counts both (read and written).  p is
 * best 64-byte aligned; any tail past a multiple of 256 bytes is done a
 * byte at a time. */
uint64_t stream_pass(enum stream_op op, char *p, size_t len);
/* Read len bytes at p, 1 KiB at a time, spinning delay empty loops
 * (about a cycle each) after every KiB: the paced injector of loaded latency.  The
 * bytes read. */
uint64_t stream_read_paced(const char *p, size_t len, unsigned delay);

#endif
