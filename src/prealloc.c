/* Threaded preallocation.
 *
 * Each thread populates one contiguous chunk with MADV_POPULATE_WRITE
 * (Linux 5.14), which faults pages in under the region's policy without
 * the cost of a fault per page.  Where the kernel lacks it, a thread
 * touches one byte per page instead; a SIGBUS there (hugetlb pages ran
 * out) is caught and becomes an error instead of a crash, as it is for
 * anyone who runs a function under prealloc_guard(). */
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

#include "util.h"
#include "lib/parse.h"
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

/* One thread's chunk. */
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

/* SIGBUS handler for the touch loop and prealloc_guard(), installed once
 * for the process: overlapping preallocs must not restore each other's
 * handlers. */
static void catch_sigbus(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install_sigbus);
}

int prealloc_guard(void (*fn)(void *), void *arg)
{
	sigjmp_buf jb;

	catch_sigbus();
	if (sigsetjmp(jb, 1)) {
		touch_jmp = NULL;
		return -1;
	}
	touch_jmp = &jb;
	fn(arg);
	touch_jmp = NULL;
	return 0;
}

static void touch_loop(void *arg)
{
	const struct job *j = arg;
	volatile char *p = (volatile char *)j->start, *end = p + j->len;

	for (; p < end; p += j->page) {
		if (j->write)
			*p = *p;
		else
			(void)*p;
	}
}

/* Fallback for kernels before 5.14: one access per page. */
static void touch_pages(struct job *j)
{
	if (prealloc_guard(touch_loop, j) < 0) {
		j->sigbus = true;
		j->err = ENOMEM;
	}
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

struct progress {
	const char *name;
	uint64_t total;
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
		format_size(p->total, total, sizeof(total));
		format_size((uint64_t)((double)done / t), rate, sizeof(rate));
		fprintf(stderr, "\rnumamem: prealloc %s: %s of %s, %s/s, %.0f s left\033[K", p->name, d, total, rate,
			(double)(p->total - done) * t / (double)done);
		p->shown = true;
	}
	if (p->shown)
		fputs("\r\033[K", stderr);
	return NULL;
}

/* Cut the job in n chunks of whole pages. */
static void split(const struct prealloc_job *pj, struct job *jobs, unsigned n, _Atomic uint64_t *done)
{
	uint64_t pages = pj->len / pj->page, first = 0;
	size_t step = POPULATE_STEP < pj->page ? pj->page : POPULATE_STEP;

	for (unsigned i = 0; i < n; i++) {
		uint64_t count = pages / n + (i < pages % n);

		jobs[i] = (struct job){
			.start = pj->start + first * pj->page,
			.len = (size_t)(count * pj->page),
			.page = pj->page,
			.step = step - step % pj->page,
			.done = done,
			.write = pj->write,
			.touch = pj->touch,
		};
		first += count;
	}
}

/* Start a thread per chunk (unpinned, the last chunk runs here);
 * returns how many threads started. */
static unsigned start_threads(struct prealloc_job *pj, struct job *jobs, unsigned *n, pthread_t *tids)
{
	unsigned started = 0;

	for (unsigned i = 0; i < *n; i++) {
		pthread_attr_t attr;
		int e;

		if (i + 1 == *n && !pj->pinned) {
			populate(&jobs[i]);
			break;
		}
		pthread_attr_init(&attr);
		if (pj->pinned)
			pthread_attr_setaffinity_np(&attr, sizeof(pj->cpus), &pj->cpus);
		e = pthread_create(&tids[started], &attr, populate, &jobs[i]);
		pthread_attr_destroy(&attr);
		if (e) {
			pj->err = e;
			pj->no_thread = true;
			*n = i;
			break;
		}
		started++;
	}
	return started;
}

int prealloc_run(struct prealloc_job *pj)
{
	struct job jobs[PREALLOC_MAX_THREADS];
	pthread_t tids[PREALLOC_MAX_THREADS];
	struct progress progress = { .name = pj->progress, .total = pj->len };
	bool show = pj->progress != NULL;
	unsigned n, started;

	n = prealloc_thread_count(pj->threads, (unsigned)CPU_COUNT(&pj->cpus), pj->len, pj->page);
	if (show && pthread_create(&progress.tid, NULL, progress_loop, &progress) != 0)
		show = false;
	split(pj, jobs, n, &progress.done);
	started = start_threads(pj, jobs, &n, tids);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (show) {
		atomic_store(&progress.stop, true);
		pthread_join(progress.tid, NULL);
	}
	pj->threads_used = n;
	for (unsigned i = 0; i < n && !pj->err; i++) {
		pj->err = jobs[i].err;
		/* a SIGBUS in the touch loop and EFAULT or ENOMEM from
		 * MADV_POPULATE_* are the same event */
		pj->no_page = jobs[i].sigbus || jobs[i].err == EFAULT || jobs[i].err == ENOMEM;
	}
	return pj->err ? -1 : 0;
}
