/* traffic-limit: the plain C loop numamem --traffic is compared with.
 *
 *   traffic-limit SIZE_MIB SECONDS read|write|copy THREADS
 *
 * Maps SIZE_MIB MiB of anonymous memory (MADV_HUGEPAGE, as numamem's ram
 * regions), writes it once, then THREADS threads (thread k on CPU k) each
 * loop over their own slice for SECONDS: read sums 64-bit words, write
 * is memset, copy is memcpy of the slice's first half onto its second
 * (counted as the whole slice, as numamem counts it).  Prints one line:
 *   bytes_per_sec=N
 * Build: gcc -O2 -pthread -o traffic-limit traffic-limit.c
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct worker {
	pthread_t tid;
	char *p;
	size_t len;
	int cpu;
	uint64_t bytes;
};

static int mode; /* 0 read, 1 write, 2 copy */
static double seconds;
static volatile uint64_t sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	cpu_set_t one;
	double until;
	uint64_t sum = 0;

	CPU_ZERO(&one);
	CPU_SET(w->cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	until = now() + seconds;
	do {
		if (mode == 0)
			for (size_t i = 0; i + 8 <= w->len; i += 8)
				sum += *(const uint64_t *)(w->p + i);
		else if (mode == 1)
			memset(w->p, (int)(w->bytes & 0xff), w->len);
		else
			memcpy(w->p + w->len / 2, w->p, w->len / 2);
		w->bytes += w->len;
	} while (now() < until);
	sink += sum;
	return NULL;
}

int main(int argc, char **argv)
{
	size_t size;
	int threads;
	struct worker *w;
	uint64_t bytes = 0;
	double t0;
	char *p;

	if (argc != 5) {
		fprintf(stderr, "usage: traffic-limit SIZE_MIB SECONDS read|write|copy THREADS\n");
		return 1;
	}
	size = strtoull(argv[1], NULL, 10) << 20;
	seconds = atof(argv[2]);
	mode = !strcmp(argv[3], "read") ? 0 : !strcmp(argv[3], "write") ? 1 : 2;
	threads = atoi(argv[4]);
	if (!size || threads < 1)
		return 1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 1, size);
	w = calloc(threads, sizeof(*w));
	t0 = now();
	for (int k = 0; k < threads; k++) {
		w[k] = (struct worker){ .p = p + size / threads * k, .len = size / threads, .cpu = k };
		pthread_create(&w[k].tid, NULL, work, &w[k]);
	}
	for (int k = 0; k < threads; k++) {
		pthread_join(w[k].tid, NULL);
		bytes += w[k].bytes;
	}
	printf("bytes_per_sec=%.0f\n", bytes / (now() - t0));
	return 0;
}
