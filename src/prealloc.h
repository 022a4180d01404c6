/* Preallocation: populate a region with threads over contiguous chunks. */
#ifndef NUMAMEM_PREALLOC_H
#define NUMAMEM_PREALLOC_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

struct region;

#define PREALLOC_MAX_THREADS 16
#define PREALLOC_MIN_CHUNK (64ULL << 20)

/* threads = min(requested, usable CPUs, 16, pages, size / 64 MiB), >= 1 */
unsigned prealloc_thread_count(unsigned requested, unsigned cpus, uint64_t size, size_t page);
/* The CPUs prealloc threads of b run on; false when not pinned. */
bool prealloc_cpus(const struct region *b, cpu_set_t *cpus);
/* Can the preallocs of these regions run at once?  Yes when at least
 * two preallocate and each one's threads are pinned to CPUs no other
 * uses: together they then finish sooner, and none slows another. */
bool prealloc_can_overlap(const struct region *regions, size_t n);
/* Populate b (after mbind).  Returns an exit status after a message. */
int prealloc_region(struct region *b);

#endif
