/* present-probe: what finding a region's present pages costs, per kernel
 * interface, so that numamem's report can pick one by measurement.
 *
 *   present-probe SIZE anon|memfd none|one|all [REPS]
 *
 * Maps SIZE bytes (MAP_NORESERVE, MADV_NOHUGEPAGE: 4 KiB pages), anonymous
 * private or a shared memfd, touches nothing, the first page only, or all
 * of it (MADV_POPULATE_WRITE), then times each candidate over the whole
 * region, REPS times (default 3, median printed, in ms):
 *   smaps_ms      reading /proc/self/smaps up to the region's Rss line
 *                 (per-VMA: says "nothing present" or "something present");
 *   scan_ms       ioctl(PAGEMAP_SCAN) on /proc/self/pagemap (Linux 6.7) for
 *                 ranges with PAGE_IS_PRESENT, 4096 ranges per call;
 *                 -1 when the kernel does not have it;
 *   mincore_ms    mincore() in chunks of 1 GiB, and a scan of its vector;
 *   pagemap_ms    pread() of /proc/self/pagemap in 8 MiB reads (1 GiB of
 *                 address space each), testing bit 63; skipped (-1) above
 *                 PAGEMAP_MAX (default 1 TiB of address space);
 *   move_pages_ms move_pages() one address per 4 KiB, 65536 per call;
 *                 skipped (-1) above MOVE_MAX (default 64 GiB).
 * Each prints the pages it found present, which must agree.
 * Build: gcc -O2 -o present-probe present-probe.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* The PAGEMAP_SCAN ABI (linux/fs.h since 6.7), for older headers. */
struct probe_page_region {
	uint64_t start, end, categories;
};
struct probe_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PROBE_PAGE_IS_PRESENT (1 << 3)
#define PROBE_PAGEMAP_SCAN _IOWR('f', 16, struct probe_scan_arg)

#define PAGE 4096UL
#define GIB (1UL << 30)

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
	default: fprintf(stderr, "present-probe: bad size %s\n", s); exit(1);
	}
	return v;
}

static char *base;
static size_t len;

static long probe_smaps(void)
{
	char line[512];
	int in = 0;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "re");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s <= (unsigned long)base && (unsigned long)base < e;
			continue;
		}
		if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024 / (long)PAGE;
}

static long probe_scan(void)
{
	static struct probe_page_region vec[4096];
	struct probe_scan_arg a = {
		.size = sizeof(a), .start = (uintptr_t)base, .end = (uintptr_t)base + len,
		.vec = (uintptr_t)vec, .vec_len = 4096,
		.category_mask = PROBE_PAGE_IS_PRESENT, .return_mask = PROBE_PAGE_IS_PRESENT,
	};
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	long pages = 0;

	for (;;) {
		int n = ioctl(fd, PROBE_PAGEMAP_SCAN, &a);
		if (n < 0) {
			close(fd);
			return -1;
		}
		for (int i = 0; i < n; i++)
			pages += (long)((vec[i].end - vec[i].start) / PAGE);
		if (a.walk_end >= a.end)
			break;
		a.start = a.walk_end;
	}
	close(fd);
	return pages;
}

static long probe_mincore(void)
{
	size_t chunk = GIB, per = chunk / PAGE;
	unsigned char *v = malloc(per);
	long pages = 0;

	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? (len - off) / PAGE : per;
		if (mincore(base + off, n * PAGE, v) < 0) {
			free(v);
			return -1;
		}
		/* eight bytes at a time: most of a sparse vector is zero */
		size_t k = 0;
		for (; k + 8 <= n; k += 8) {
			uint64_t w;
			memcpy(&w, v + k, 8);
			if (!(w & 0x0101010101010101ULL))
				continue;
			for (size_t j = k; j < k + 8; j++)
				pages += v[j] & 1;
		}
		for (; k < n; k++)
			pages += v[k] & 1;
	}
	free(v);
	return pages;
}

static long probe_pagemap(void)
{
	size_t per = GIB / PAGE;
	uint64_t *e = malloc(per * 8);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	long pages = 0;

	for (size_t off = 0; off < len; off += GIB) {
		size_t n = len - off < GIB ? (len - off) / PAGE : per;
		off_t at = (off_t)(((uintptr_t)base + off) / PAGE * 8);
		if (pread(fd, e, n * 8, at) != (ssize_t)(n * 8)) {
			pages = -1;
			break;
		}
		for (size_t k = 0; k < n; k++)
			pages += (long)(e[k] >> 63);
	}
	close(fd);
	free(e);
	return pages;
}

static long probe_move_pages(void)
{
	enum { B = 65536 };
	void **a = malloc(B * sizeof(*a));
	int *st = malloc(B * sizeof(*st));
	size_t total = len / PAGE;
	long pages = 0;

	for (size_t i = 0; i < total; i += B) {
		size_t n = total - i < B ? total - i : B;
		for (size_t k = 0; k < n; k++)
			a[k] = base + (i + k) * PAGE;
		if (syscall(SYS_move_pages, 0, n, a, NULL, st, 0) < 0) {
			pages = -1;
			break;
		}
		for (size_t k = 0; k < n; k++)
			pages += st[k] >= 0;
	}
	free(a);
	free(st);
	return pages;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void run(const char *name, long (*fn)(void), int reps, int skip)
{
	double t[32];
	long pages = -1;

	if (skip) {
		printf(" %s_ms=-1", name);
		return;
	}
	for (int r = 0; r < reps; r++) {
		double t0 = now_ms();
		pages = fn();
		t[r] = now_ms() - t0;
	}
	qsort(t, reps, sizeof(*t), cmp);
	printf(" %s_ms=%.3f %s_pages=%ld", name, pages < 0 ? -1 : t[reps / 2], name, pages);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int reps = argc > 4 ? atoi(argv[4]) : 3, fd = -1, flags;
	size_t pmax = getenv("PAGEMAP_MAX") ? parse_size(getenv("PAGEMAP_MAX")) : 1UL << 40;
	size_t mmax = getenv("MOVE_MAX") ? parse_size(getenv("MOVE_MAX")) : 64UL << 30;

	if (argc < 4) {
		fprintf(stderr, "usage: present-probe SIZE anon|memfd none|one|all [REPS]\n");
		return 2;
	}
	if (reps < 1 || reps > 32)
		reps = 3;
	len = parse_size(argv[1]);
	flags = MAP_NORESERVE;
	if (!strcmp(argv[2], "memfd")) {
		fd = (int)syscall(SYS_memfd_create, "present-probe", 0);
		if (fd < 0 || ftruncate(fd, (off_t)len) < 0) {
			perror("memfd");
			return 1;
		}
		flags |= MAP_SHARED;
	} else {
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (base == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(base, len, MADV_NOHUGEPAGE);
	if (!strcmp(argv[3], "one"))
		base[0] = 1;
	else if (!strcmp(argv[3], "all") && madvise(base, len, MADV_POPULATE_WRITE) < 0) {
		perror("MADV_POPULATE_WRITE");
		return 1;
	}
	printf("size=%s backing=%s touched=%s", argv[1], argv[2], argv[3]);
	run("smaps", probe_smaps, reps, 0);
	run("scan", probe_scan, reps, 0);
	run("mincore", probe_mincore, reps, 0);
	run("pagemap", probe_pagemap, reps, len > pmax);
	run("move_pages", probe_move_pages, reps, len > mmax);
	printf("\n");
	return 0;
}
