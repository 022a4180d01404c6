/* numamaps-floor: the floor for a placement report.
 *
 *   numamaps-floor SIZE thp|nothp [REPS]
 *
 * Maps SIZE bytes of anonymous memory (MADV_HUGEPAGE or MADV_NOHUGEPAGE),
 * makes it resident with MADV_POPULATE_WRITE, then times, REPS times each
 * (default 5, median printed):
 *   numa_maps_ms   reading all of /proc/self/numa_maps (the kernel's
 *                  per-VMA per-node page counts: the cheapest witness);
 *   move_pages_ms  move_pages(0, n, addrs, NULL, status, 0) over the whole
 *                  region, one address per 4 KiB page ("nothp") or per
 *                  2 MiB ("thp"), batches of 16384 addresses: the per-page
 *                  query numamem is designed around;
 *   move_pages_4k_ms  the same at 4 KiB granularity in both cases.
 * Prints one line of key=value pairs.
 * Build: gcc -O2 -o numamaps-floor numamaps-floor.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define BATCH 16384

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	case '\0': break;
	default: fprintf(stderr, "numamaps-floor: bad size %s\n", s); exit(1);
	}
	return v;
}

static double read_numa_maps(size_t *bytes)
{
	static char buf[1 << 16];
	double t0 = now_ms();
	int fd = open("/proc/self/numa_maps", O_RDONLY);
	ssize_t n;
	*bytes = 0;
	if (fd < 0) { perror("numamaps-floor: numa_maps"); exit(1); }
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*bytes += n;
	close(fd);
	return now_ms() - t0;
}

static double query(char *base, size_t size, size_t step, long *present)
{
	static void *addrs[BATCH];
	static int status[BATCH];
	double t0 = now_ms();
	*present = 0;
	for (size_t off = 0; off < size;) {
		unsigned long n = 0;
		for (; n < BATCH && off < size; n++, off += step)
			addrs[n] = base + off;
		if (syscall(SYS_move_pages, 0, n, addrs, NULL, status, 0) < 0) {
			perror("numamaps-floor: move_pages");
			exit(1);
		}
		for (unsigned long i = 0; i < n; i++)
			*present += status[i] >= 0;
	}
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: numamaps-floor SIZE thp|nothp [REPS]\n");
		return 1;
	}
	size_t size = parse_size(argv[1]);
	int thp = !strcmp(argv[2], "thp");
	int reps = argc > 3 ? atoi(argv[3]) : 5;
	if (reps < 1 || reps > 100) reps = 5;
	size_t align = 2UL << 20;
	char *raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) { perror("numamaps-floor: mmap"); return 1; }
	char *base = (char *)(((unsigned long)raw + align - 1) & ~(align - 1));
	madvise(base, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (madvise(base, size, MADV_POPULATE_WRITE)) {
		perror("numamaps-floor: MADV_POPULATE_WRITE");
		return 1;
	}
	double a[100], b[100], c[100];
	size_t bytes = 0;
	long present = 0, present4k = 0;
	for (int i = 0; i < reps; i++) {
		a[i] = read_numa_maps(&bytes);
		b[i] = query(base, size, thp ? align : 4096, &present);
		c[i] = thp ? query(base, size, 4096, &present4k) : b[i];
	}
	qsort(a, reps, sizeof(double), cmp);
	qsort(b, reps, sizeof(double), cmp);
	qsort(c, reps, sizeof(double), cmp);
	printf("numa_maps_ms=%.3f move_pages_ms=%.3f move_pages_4k_ms=%.3f numa_maps_bytes=%zu queried_present=%ld\n",
	       a[reps / 2], b[reps / 2], c[reps / 2], bytes, present);
	return 0;
}
