/* Preallocation: populate a region with threads over contiguous chunks. */
#ifndef NUMAMEM_PREALLOC_H
#define NUMAMEM_PREALLOC_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

struct backend;

#define PREALLOC_MAX_THREADS 16
#define PREALLOC_MIN_CHUNK (64ULL << 20)

/* threads = min(requested, usable CPUs, 16, pages, size / 64 MiB), >= 1 */
unsigned prealloc_thread_count(unsigned requested, unsigned cpus, uint64_t size, size_t page);
/* The CPUs prealloc threads of b run on; false when not pinned. */
bool prealloc_cpus(const struct backend *b, cpu_set_t *cpus);
/* Populate b (after mbind).  Returns an exit status after a message. */
int prealloc_region(struct backend *b);

#endif
