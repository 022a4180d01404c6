/* watch-cost: what watching a workload's memory per node costs.
 *
 *   watch-cost SIZE thp|nothp [REPS]
 *
 * Forks a workload that maps SIZE bytes of anonymous memory
 * (MADV_HUGEPAGE or MADV_NOHUGEPAGE), makes it resident with
 * MADV_POPULATE_WRITE and waits.  Then, side by side and alternating,
 * REPS times each (default 21, medians printed), the candidates for
 * numamem's workload observation:
 *   numa_maps   reading and summing /proc/CHILD/numa_maps per node, as a
 *               sampler in another process does (the kernel walks the
 *               child's page tables in the reader's time);
 *   numa_stat   reading memory.numa_stat of the child's cgroup (v2 when
 *               /proc/CHILD/cgroup has a "0::" line whose directory has
 *               the file, else the v1 memory controller's), or "none".
 * For each: wall ms and CPU ms (CLOCK_PROCESS_CPUTIME_ID: user + system
 * of the reader), and the overhead as % of one CPU when sampled every
 * 10 ms, 100 ms and 1 s, and at the adaptive interval max(10 ms,
 * 100 x cost), which keeps it at most 1% by construction.
 * Prints key=value lines.
 *
 *   watch-cost workload SIZE thp|nothp SECONDS
 *
 * is the workload alone, for numamem to watch (bench/watch-overhead):
 * maps and populates SIZE the same way, holds it SECONDS, exits.
 *   watch-cost forks N SIZE
 *
 * is a fork-heavy workload (bench/watch-overhead forks): N children one
 * after another, each mapping SIZE bytes of anonymous memory (no THP),
 * writing every page and exiting; prints forks_per_sec.
 * Build: gcc -O2 -o watch-cost watch-cost.c
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double clock_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

/* Sum N<node>=pages over every line, as numamem's sampler does. */
static unsigned long long read_numa_maps(const char *path)
{
	unsigned long long sum = 0;
	char *line = NULL, *p;
	size_t cap = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0)
		for (p = strstr(line, " N"); p; p = strstr(p + 1, " N")) {
			unsigned n;
			unsigned long long c;

			if (sscanf(p, " N%u=%llu", &n, &c) == 2)
				sum += c;
		}
	free(line);
	fclose(f);
	return sum;
}

static unsigned long long read_all(const char *path)
{
	char buf[65536];
	unsigned long long n = 0;
	ssize_t r;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		n += (unsigned long long)r;
	fclose(f);
	return n;
}

/* The child's cgroup numa_stat, v2 first. */
static const char *find_numa_stat(pid_t pid, char *out, size_t len)
{
	char path[64], line[512];
	FILE *f;
	const char *kind = "none";

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *dir = strrchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		if (!dir)
			continue;
		if (!strncmp(line, "0::", 3)) {
			snprintf(out, len, "/sys/fs/cgroup%s/memory.numa_stat", dir + 1);
			if (access(out, R_OK) == 0) {
				kind = "v2";
				break;
			}
			snprintf(out, len, "/sys/fs/cgroup/unified%s/memory.numa_stat", dir + 1);
			if (access(out, R_OK) == 0) {
				kind = "v2";
				break;
			}
		} else if (strstr(line, ":memory:")) {
			snprintf(out, len, "/sys/fs/cgroup/memory%s/memory.numa_stat", dir + 1);
			if (access(out, R_OK) == 0)
				kind = "v1";
		}
	}
	if (f)
		fclose(f);
	return kind;
}

static unsigned long long parse_size(const char *a)
{
	char *e;
	unsigned long long size = strtoull(a, &e, 0);

	return size << (*e == 'G' || *e == 'g' ? 30 : *e == 'M' || *e == 'm' ? 20 : 0);
}

static int workload(int argc, char **argv)
{
	unsigned long long size = parse_size(argv[2]);
	char *p;

	if (argc != 5)
		return 2;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	madvise(p, size, strcmp(argv[3], "thp") ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
	if (madvise(p, size, MADV_POPULATE_WRITE) < 0)
		memset(p, 1, size);
	sleep((unsigned)atoi(argv[4]));
	return 0;
}

static int forks(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[2]) : 0;
	unsigned long long size = argc > 3 ? parse_size(argv[3]) : 0;
	double t0 = clock_ms(CLOCK_MONOTONIC);

	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c == 0) {
			char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				_exit(3);
			madvise(p, size, MADV_NOHUGEPAGE);
			for (unsigned long long off = 0; off < size; off += 4096)
				p[off] = 1;
			_exit(0);
		}
		if (c < 0 || waitpid(c, NULL, 0) < 0)
			return 3;
	}
	printf("forks_per_sec=%.0f\n", n / ((clock_ms(CLOCK_MONOTONIC) - t0) / 1e3));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long size = argc > 1 ? strtoull(argv[1], NULL, 0) : 1ULL << 30;
	int thp = argc > 2 && !strcmp(argv[2], "thp"), reps = argc > 3 ? atoi(argv[3]) : 21;
	double *w[2], *c[2];
	char maps[64], stat[512];
	const char *kind;
	int ready[2];
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "workload"))
		return workload(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "forks"))
		return forks(argc, argv);
	if (argc > 1)
		size = parse_size(argv[1]);
	if (pipe(ready) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		madvise(p, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		if (madvise(p, size, MADV_POPULATE_WRITE) < 0)
			memset(p, 1, size);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], maps, 1) != 1) {
		fprintf(stderr, "watch-cost: the workload could not map %llu bytes\n", size);
		return 1;
	}
	snprintf(maps, sizeof(maps), "/proc/%d/numa_maps", (int)pid);
	kind = find_numa_stat(pid, stat, sizeof(stat));
	for (int k = 0; k < 2; k++) {
		w[k] = calloc(reps, sizeof(double));
		c[k] = calloc(reps, sizeof(double));
	}
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < 2; i++) {
			int k = (r + i) % 2; /* alternate which goes first */
			double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

			if (k == 0)
				read_numa_maps(maps);
			else if (strcmp(kind, "none"))
				read_all(stat);
			w[k][r] = clock_ms(CLOCK_MONOTONIC) - w0;
			c[k][r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
	printf("size=%llu thp=%s reps=%d pages_seen=%llu cgroup=%s\n", size, thp ? "on" : "off", reps,
	       read_numa_maps(maps), kind);
	for (int k = 0; k < 2; k++) {
		double wm = median(w[k], reps), cm = median(c[k], reps);
		double adaptive = 100 * cm > 10 ? 100 * cm : 10;

		if (k == 1 && !strcmp(kind, "none"))
			continue;
		printf("%s wall_ms=%.3f cpu_ms=%.3f cpu%%@10ms=%.2f cpu%%@100ms=%.3f cpu%%@1s=%.4f adaptive_ms=%.0f cpu%%@adaptive=%.3f\n",
		       k ? "numa_stat" : "numa_maps", wm, cm, cm / 10 * 100, cm / 100 * 100, cm / 1000 * 100, adaptive,
		       cm / adaptive * 100);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
