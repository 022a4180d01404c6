/* memset-limit: the speed limit for preallocation on this machine.
 *
 *   memset-limit SIZE THREADS [thp|nothp] [populate] [touchonly]
 *
 * Maps SIZE bytes of anonymous private memory (MADV_HUGEPAGE with "thp",
 * the default, as numamem --backend=ram and QEMU's memory-backend-ram do;
 * MADV_NOHUGEPAGE with "nothp"), then, with THREADS threads over contiguous
 * chunks:
 *   1. first touch: memset of fresh memory (or MADV_POPULATE_WRITE with
 *      "populate"), timed: page faults + zeroing + the memset;
 *      ("touchonly": stop here; bench/run uses this to warm memory);
 *   2. resident memset, three passes over the now-resident memory, timed:
 *      the median pass is the limit (GB/s of memset over resident memory).
 * Prints one line:  first_ms=X resident_ms=Y resident_gbps=Z
 * (GB = 1e9 bytes).  Build: gcc -O2 -pthread -o memset-limit memset-limit.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static char *base;
static size_t size, chunk;
static int nthreads, populate_mode, touch_only;
static int pass_value;
static pthread_barrier_t start_bar, end_bar;
static volatile int mode; /* 0 = first touch, 1 = resident memset, 2 = quit */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	case 't': case 'T': v <<= 40; break;
	case '\0': break;
	default: fprintf(stderr, "memset-limit: bad size %s\n", s); exit(1);
	}
	return v;
}

static void *worker(void *arg)
{
	long i = (long)arg;
	for (;;) {
		pthread_barrier_wait(&start_bar);
		if (mode == 2)
			return NULL;
		size_t off = i * chunk;
		size_t len = off >= size ? 0 : (size - off < chunk ? size - off : chunk);
		if (len) {
			if (mode == 0 && populate_mode) {
				if (madvise(base + off, len, MADV_POPULATE_WRITE)) {
					perror("memset-limit: MADV_POPULATE_WRITE");
					exit(1);
				}
			} else {
				memset(base + off, pass_value, len);
			}
		}
		pthread_barrier_wait(&end_bar);
	}
}

static double run_pass(int m, int value)
{
	mode = m;
	pass_value = value;
	double t0 = now_ms();
	pthread_barrier_wait(&start_bar);
	pthread_barrier_wait(&end_bar);
	return now_ms() - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int thp = 1;
	if (argc < 3) {
		fprintf(stderr, "usage: memset-limit SIZE THREADS [thp|nothp] [populate] [touchonly]\n");
		return 1;
	}
	size = parse_size(argv[1]);
	nthreads = atoi(argv[2]);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "nothp")) thp = 0;
		else if (!strcmp(argv[i], "thp")) thp = 1;
		else if (!strcmp(argv[i], "populate")) populate_mode = 1;
		else if (!strcmp(argv[i], "touchonly")) touch_only = 1;
		else { fprintf(stderr, "memset-limit: unknown argument %s\n", argv[i]); return 1; }
	}
	if (!size || nthreads < 1) {
		fprintf(stderr, "memset-limit: size and threads must be > 0\n");
		return 1;
	}
	/* Align to 2 MiB like QEMU (QEMU_VMALLOC_ALIGN) so THP can cover all of it. */
	size_t align = 2UL << 20;
	char *raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) { perror("memset-limit: mmap"); return 1; }
	base = (char *)(((unsigned long)raw + align - 1) & ~(align - 1));
	if (madvise(base, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		perror("memset-limit: madvise");
	/* chunks of whole 2 MiB units */
	chunk = (size / nthreads + align - 1) & ~(align - 1);

	pthread_barrier_init(&start_bar, NULL, nthreads + 1);
	pthread_barrier_init(&end_bar, NULL, nthreads + 1);
	pthread_t *t = calloc(nthreads, sizeof(*t));
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);

	double first = run_pass(0, 1);
	if (touch_only) {
		printf("first_ms=%.3f first_gbps=%.3f\n", first, size / first / 1e6);
		return 0;
	}
	double r[3];
	for (int i = 0; i < 3; i++)
		r[i] = run_pass(1, 2 + i);
	qsort(r, 3, sizeof(r[0]), cmp);
	mode = 2;
	pthread_barrier_wait(&start_bar);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	printf("first_ms=%.3f resident_ms=%.3f resident_gbps=%.3f first_gbps=%.3f\n",
	       first, r[1], size / r[1] / 1e6, size / first / 1e6);
	return 0;
}
