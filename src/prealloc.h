/* Preallocation: populate a range with threads over contiguous chunks.
 *
 * prealloc knows nothing of regions: it takes a job (range, page size,
 * threads, CPUs, write or read, progress) and says how it went. */
#ifndef NUMAMEM_PREALLOC_H
#define NUMAMEM_PREALLOC_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREALLOC_MAX_THREADS 16
#define PREALLOC_MIN_CHUNK (64ULL << 20)

struct prealloc_job {
	/* what to populate */
	char *start;
	size_t len;             /* a multiple of page */
	size_t page;            /* the backing page size */
	unsigned threads;       /* wanted; prealloc_thread_count() caps it */
	cpu_set_t cpus;         /* CPUs the threads may use */
	bool pinned;            /* run the threads on cpus (else: anywhere) */
	bool write;             /* MADV_POPULATE_WRITE, else _READ */
	bool touch;             /* touch each page instead of MADV_POPULATE_* */
	const char *progress;   /* name on a progress line, or NULL for none */
	/* how it went */
	unsigned threads_used;
	int err;                /* errno of the first failure, 0 when done */
	bool no_page;           /* the backing store could not supply a page */
	bool no_thread;         /* err is from starting a thread */
};

/* threads = min(requested, usable CPUs, 16, pages, size / 64 MiB), >= 1 */
unsigned prealloc_thread_count(unsigned requested, unsigned cpus, uint64_t size, size_t page);
/* Populate job's range.  0, or -1 with job->err (and no_page, no_thread)
 * set. */
int prealloc_run(struct prealloc_job *job);

/* Run fn(arg) on this thread with a SIGBUS caught (a page the backing
 * store cannot supply: a full file system, no free huge page): 0 when fn
 * returned, -1 when a SIGBUS cut it short.  fn must take no lock and
 * nothing else that a jump out of it would leave behind. */
int prealloc_guard(void (*fn)(void *), void *arg);

#endif
