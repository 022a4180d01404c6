/* Threaded preallocation.
 *
 * Each thread populates one contiguous chunk with MADV_POPULATE_WRITE
 * (Linux 5.14), which faults pages in under the region's policy without
 * the cost of a fault per page.  Where the kernel lacks it, a thread
 * touches one byte per page instead; a SIGBUS there (hugetlb pages ran
 * out) is caught and becomes an error instead of a crash. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "region.h"
#include "host.h"
#include "numamem.h"
#include "prealloc.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* populate in steps so a signal or the progress line never waits long */
#define POPULATE_STEP (64UL << 20)
#define PROGRESS_AFTER 1.0    /* seconds before the progress line appears */
#define PROGRESS_EVERY 250000 /* microseconds between updates */

struct job {
	char *start;
	size_t len, page, step;
	_Atomic uint64_t *done; /* bytes populated, for the progress line */
	bool write;
	bool touch;    /* NUMAMEM_PREALLOC=touch: skip MADV_POPULATE_* */
	int err;       /* errno of the failure, 0 when done */
	bool sigbus;   /* touch loop ran out of huge pages */
};

/* volatile: the stores around the loop must not be optimised away */
static __thread sigjmp_buf *volatile touch_jmp;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	if (touch_jmp)
		siglongjmp(*touch_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* Fallback for kernels before 5.14: one access per page. */
static void touch_pages(struct job *j)
{
	sigjmp_buf jb;
	volatile char *volatile p = (volatile char *)j->start;
	volatile char *end = p + j->len;

	if (sigsetjmp(jb, 1)) {
		touch_jmp = NULL;
		j->sigbus = true;
		j->err = ENOMEM;
		return;
	}
	touch_jmp = &jb;
	for (; p < end; p += j->page) {
		if (j->write)
			*p = *p;
		else
			(void)*p;
	}
	touch_jmp = NULL;
}

static void *populate(void *arg)
{
	struct job *j = arg;
	int advice = j->write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;

	if (j->touch) {
		touch_pages(j);
		return NULL;
	}
	for (size_t done = 0; done < j->len;) {
		size_t n = j->len - done < j->step ? j->len - done : j->step;

		if (madvise(j->start + done, n, advice) == 0) {
			done += n;
			atomic_fetch_add_explicit(j->done, n, memory_order_relaxed);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EINVAL) { /* no MADV_POPULATE_*: touch instead */
			struct job rest = *j;

			rest.start += done;
			rest.len -= done;
			touch_pages(&rest);
			j->err = rest.err;
			j->sigbus = rest.sigbus;
			break;
		}
		j->err = errno;
		break;
	}
	return NULL;
}

unsigned prealloc_thread_count(unsigned requested, unsigned cpus, uint64_t size, size_t page)
{
	uint64_t n = requested;

	if (cpus && n > cpus)
		n = cpus;
	if (n > PREALLOC_MAX_THREADS)
		n = PREALLOC_MAX_THREADS;
	if (page && n > size / page)
		n = size / page;
	if (n > size / PREALLOC_MIN_CHUNK)
		n = size / PREALLOC_MIN_CHUNK;
	return n ? (unsigned)n : 1;
}

bool prealloc_cpus(const struct region *b, cpu_set_t *cpus)
{
	cpu_set_t allowed;

	if (b->has_prealloc_cpus) {
		host_cpus_allowed(&allowed);
		CPU_AND(cpus, &b->prealloc_cpus, &allowed);
		return true;
	}
	if (b->has_prealloc_nodes)
		return host_node_cpus(&b->prealloc_nodes, cpus);
	/* Beyond QEMU: run where the memory will be, when those nodes have CPUs. */
	if (!nodemask_empty(&b->host_nodes) && host_node_cpus(&b->host_nodes, cpus))
		return true;
	CPU_ZERO(cpus);
	return false;
}

/* A SIGBUS in the touch loop and EFAULT from MADV_POPULATE_* are the
 * same event: the backing store could not supply a page. */
static int prealloc_error(const struct region *b, const struct job *j)
{
	bool huge = b->page_size > (size_t)sysconf(_SC_PAGESIZE);
	bool no_page = j->sigbus || j->err == EFAULT || j->err == ENOMEM;
	char sz[32];

	format_size(b->page_size, sz, sizeof(sz));
	if (no_page && huge)
		return fail(EXIT_UNAVAILABLE, "region '%s': ran out of %s huge pages while preallocating", b->id, sz);
	if (no_page && b->kind == BACKEND_FILE)
		return fail(EXIT_UNAVAILABLE, "region '%s': mem-path '%s' ran out of space while preallocating",
			    b->id, b->mem_path);
	if (no_page)
		return fail(EXIT_UNAVAILABLE, "region '%s': out of memory while preallocating", b->id);
	return fail_errno(EXIT_COMPLETE, j->err, "region '%s': cannot preallocate", b->id);
}

struct progress {
	const struct region *b;
	_Atomic uint64_t done;
	_Atomic bool stop;
	pthread_t tid;
	bool shown;
};

/* One line on a terminal, rewritten in place: done, rate, time left. */
static void *progress_loop(void *arg)
{
	struct progress *p = arg;
	double t0 = now_seconds();

	while (!atomic_load(&p->stop)) {
		double t = now_seconds() - t0;
		uint64_t done = atomic_load_explicit(&p->done, memory_order_relaxed);
		char d[32], total[32], rate[32];

		usleep(PROGRESS_EVERY);
		if (t < PROGRESS_AFTER || !done)
			continue;
		format_size(done, d, sizeof(d));
		format_size(p->b->size, total, sizeof(total));
		format_size((uint64_t)((double)done / t), rate, sizeof(rate));
		fprintf(stderr, "\rnumamem: prealloc %s: %s of %s, %s/s, %.0f s left\033[K", p->b->id, d, total, rate,
			(double)(p->b->size - done) * t / (double)done);
		p->shown = true;
	}
	if (p->shown)
		fputs("\r\033[K", stderr);
	return NULL;
}

bool prealloc_can_overlap(const struct region *regions, size_t n)
{
	cpu_set_t used, cpus, common;
	unsigned count = 0;

	CPU_ZERO(&used);
	for (size_t i = 0; i < n; i++) {
		if (!regions[i].prealloc)
			continue;
		if (!prealloc_cpus(&regions[i], &cpus))
			return false;
		CPU_AND(&common, &used, &cpus);
		if (CPU_COUNT(&common))
			return false;
		CPU_OR(&used, &used, &cpus);
		count++;
	}
	return count > 1;
}

/* SIGBUS handler for the touch loop, installed once for the process:
 * overlapping preallocs must not restore each other's handlers. */
static void catch_sigbus(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install_sigbus);
}

int prealloc_region(struct region *b)
{
	struct job jobs[PREALLOC_MAX_THREADS];
	pthread_t tids[PREALLOC_MAX_THREADS];
	cpu_set_t cpus, allowed;
	bool pin = prealloc_cpus(b, &cpus);
	uint64_t pages = b->size / b->page_size, first = 0;
	unsigned n, started = 0;
	int status = EXIT_OK;
	const char *mode = getenv("NUMAMEM_PREALLOC");
	bool touch = mode && !strcmp(mode, "touch");
	struct progress progress = { .b = b };
	size_t step = POPULATE_STEP < b->page_size ? b->page_size : POPULATE_STEP;

	host_cpus_allowed(&allowed);
	n = prealloc_thread_count(b->prealloc_threads, (unsigned)CPU_COUNT(pin ? &cpus : &allowed),
				  b->size, b->page_size);
	catch_sigbus();
	if (b->progress && pthread_create(&progress.tid, NULL, progress_loop, &progress) != 0)
		b->progress = false;
	for (unsigned i = 0; i < n; i++) {
		uint64_t count = pages / n + (i < pages % n);
		pthread_attr_t attr;

		jobs[i] = (struct job){
			.start = (char *)b->ptr + first * b->page_size,
			.len = (size_t)(count * b->page_size),
			.page = b->page_size,
			.step = step - step % b->page_size,
			.done = &progress.done,
			.write = region_writable(b),
			.touch = touch,
		};
		first += count;
		pthread_attr_init(&attr);
		if (pin)
			pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
		if (i + 1 == n && !pin) {
			/* the last chunk runs on this thread */
			populate(&jobs[i]);
			pthread_attr_destroy(&attr);
			continue;
		}
		errno = pthread_create(&tids[started], &attr, populate, &jobs[i]);
		pthread_attr_destroy(&attr);
		if (errno) {
			status = fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot start prealloc thread", b->id);
			n = i;
			break;
		}
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (b->progress) {
		atomic_store(&progress.stop, true);
		pthread_join(progress.tid, NULL);
	}
	b->threads_used = n;
	if (pin)
		b->prealloc_cpuset = cpus;
	b->prealloc_pinned = pin;
	for (unsigned i = 0; i < n && !status; i++)
		if (jobs[i].err)
			status = prealloc_error(b, &jobs[i]);
	return status;
}
