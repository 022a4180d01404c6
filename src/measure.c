/* --measure: for every node with CPUs (the initiator) and every node with
 * memory (the target), a buffer bound to the target with mbind(), then
 *
 *   bandwidth  one thread on each CPU of the initiator (this process's
 *              cpuset allowing) reads the buffer for a while: bytes / s
 *   latency    one thread on the initiator's first CPU follows a chain of
 *              pointers, one per 64-byte line in a random order, so that
 *              every load waits for the one before: ns per load
 *
 * as Intel MLC's --bandwidth_matrix and --latency_matrix report them.
 * Shape, not a benchmark harness: no warm-up runs, no medians. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"
#include "lib/json.h"
#include "measure.h"

#define BUF_BYTES (32UL << 20)  /* per target: beyond most last-level caches */
#define LINE 64
#define BW_SECONDS 0.25
#define LAT_LOADS (1UL << 20)

struct reader {
	pthread_t tid;
	const char *buf;
	size_t len;
	int cpu;
	double until;
	uint64_t bytes;
};

static void *read_loop(void *arg)
{
	struct reader *rd = arg;
	static volatile uint64_t sink;
	cpu_set_t one;
	uint64_t sum = 0;

	CPU_ZERO(&one);
	CPU_SET(rd->cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	do {
		for (size_t i = 0; i + 8 <= rd->len; i += 8)
			sum += *(const uint64_t *)(rd->buf + i);
		rd->bytes += rd->len;
	} while (now_seconds() < rd->until);
	sink += sum;
	return NULL;
}

/* A buffer of BUF_BYTES bound to node and written, or NULL. */
static char *bound_buffer(unsigned node)
{
	struct nodemask m = { { 0 } };
	char *p = mmap(NULL, BUF_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	nodemask_set(&m, node);
	madvise(p, BUF_BYTES, MADV_HUGEPAGE); /* as MLC: TLB misses are not memory latency */
	if (mbind(p, BUF_BYTES, MPOL_BIND, m.bits, nodemask_maxnode(&m) + 1, MPOL_MF_STRICT) < 0) {
		munmap(p, BUF_BYTES);
		return NULL;
	}
	memset(p, 1, BUF_BYTES);
	return p;
}

#define MAX_READERS 256

/* Read bandwidth from the CPUs in cpus over buf: bytes / s.  Each thread
 * reads a slice of its own, so that none shares lines with another. */
static double bandwidth(const char *buf, const cpu_set_t *cpus)
{
	static struct reader rd[MAX_READERS];
	unsigned n = 0, started = 0;
	uint64_t bytes = 0;
	size_t slice;
	double t0, until;

	for (int c = 0; c < CPU_SETSIZE && n < MAX_READERS; c++)
		if (CPU_ISSET(c, cpus))
			rd[n++].cpu = c;
	if (!n)
		return 0;
	slice = BUF_BYTES / n / 4096 * 4096;
	t0 = now_seconds();
	until = t0 + BW_SECONDS;
	for (unsigned k = 0; k < n; k++) {
		rd[k] = (struct reader){ .cpu = rd[k].cpu, .buf = buf + k * slice, .len = slice, .until = until };
		if (pthread_create(&rd[k].tid, NULL, read_loop, &rd[k]))
			break;
		started++;
	}
	for (unsigned k = 0; k < started; k++) {
		pthread_join(rd[k].tid, NULL);
		bytes += rd[k].bytes;
	}
	return (double)bytes / (now_seconds() - t0);
}

/* Idle latency from cpu over buf: ns per dependent load. */
static double latency(char *buf, int cpu)
{
	size_t lines = BUF_BYTES / LINE;
	size_t *order = malloc(lines * sizeof(*order));
	unsigned long long seed = 88172645463325252ULL;
	cpu_set_t one, old;
	void **p;
	double t0, t;

	if (!order)
		return 0;
	/* a random cycle through every line (Sattolo's shuffle) */
	for (size_t i = 0; i < lines; i++)
		order[i] = i;
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		j = (size_t)(seed % i);
		size_t tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < lines; i++)
		*(void **)(buf + order[i] * LINE) = buf + order[(i + 1) % lines] * LINE;
	free(order);
	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	p = (void **)buf;
	t0 = now_seconds();
	for (size_t i = 0; i < LAT_LOADS; i++)
		p = (void **)*p;
	t = now_seconds() - t0;
	sched_setaffinity(0, sizeof(old), &old);
	__asm__ volatile("" : : "r"(p));
	return t * 1e9 / (double)LAT_LOADS;
}

static void print_matrix(FILE *out, const char *title, const struct nodemask *from, const struct nodemask *to,
			 double m[][NUMAMEM_MAX_NODES], double scale)
{
	fprintf(out, "%s\n%-8s", title, "");
	for (unsigned t = 0; t < NUMAMEM_MAX_NODES; t++)
		if (nodemask_isset(to, t))
			fprintf(out, " %10s%u", "node ", t);
	fputc('\n', out);
	for (unsigned f = 0; f < NUMAMEM_MAX_NODES; f++) {
		if (!nodemask_isset(from, f))
			continue;
		fprintf(out, "node %-3u", f);
		for (unsigned t = 0; t < NUMAMEM_MAX_NODES; t++)
			if (nodemask_isset(to, t))
				fprintf(out, " %11.1f", m[f][t] / scale);
		fputc('\n', out);
	}
}

static void json_matrix(FILE *out, const char *name, const struct nodemask *from, const struct nodemask *to,
			double m[][NUMAMEM_MAX_NODES], int decimals)
{
	bool first_row = true;

	fprintf(out, ",\"%s\":[", name);
	for (unsigned f = 0; f < NUMAMEM_MAX_NODES; f++) {
		bool first = true;

		if (!nodemask_isset(from, f))
			continue;
		fprintf(out, "%s[", first_row ? "" : ",");
		first_row = false;
		for (unsigned t = 0; t < NUMAMEM_MAX_NODES; t++) {
			if (!nodemask_isset(to, t))
				continue;
			fprintf(out, "%s%.*f", first ? "" : ",", decimals, m[f][t]);
			first = false;
		}
		fputc(']', out);
	}
	fputc(']', out);
}

int measure_run(const struct numamem *nm)
{
	static double bw[NUMAMEM_MAX_NODES][NUMAMEM_MAX_NODES], lat[NUMAMEM_MAX_NODES][NUMAMEM_MAX_NODES];
	struct nodemask from = { { 0 } }, to, one;
	unsigned threads[NUMAMEM_MAX_NODES] = { 0 };
	cpu_set_t cpus[NUMAMEM_MAX_NODES];
	FILE *out = nm->out; /* the report: stdout, or -o's file */

	host_nodes_with_memory(&to);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		one = (struct nodemask){ { 0 } };
		nodemask_set(&one, n);
		if (host_node_cpus(&one, &cpus[n])) {
			nodemask_set(&from, n);
			threads[n] = (unsigned)CPU_COUNT(&cpus[n]);
		}
	}
	if (nodemask_empty(&from) || nodemask_empty(&to))
		return fail(EXIT_UNAVAILABLE, "--measure: no node with CPUs this process may use, or none with memory");
	for (unsigned t = 0; t < NUMAMEM_MAX_NODES; t++) {
		char *buf;

		if (!nodemask_isset(&to, t))
			continue;
		buf = bound_buffer(t);
		if (!buf)
			return fail_errno(EXIT_UNAVAILABLE, errno, "--measure: cannot bind %lu MiB to node %u",
					  BUF_BYTES >> 20, t);
		for (unsigned f = 0; f < NUMAMEM_MAX_NODES; f++) {
			int first = -1;

			if (!nodemask_isset(&from, f))
				continue;
			bw[f][t] = bandwidth(buf, &cpus[f]);
			for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
				if (CPU_ISSET(c, &cpus[f]))
					first = c;
			lat[f][t] = latency(buf, first);
		}
		munmap(buf, BUF_BYTES);
	}
	if (nm->json) {
		bool first = true;

		json_header(out, "measure", host_kernel_release());
		fprintf(out, ",\"buffer_bytes\":%lu,\"initiators\":", BUF_BYTES);
		json_nodes(out, &from);
		fputs(",\"targets\":", out);
		json_nodes(out, &to);
		fputs(",\"threads\":[", out);
		for (unsigned f = 0; f < NUMAMEM_MAX_NODES; f++)
			if (nodemask_isset(&from, f)) {
				fprintf(out, "%s%u", first ? "" : ",", threads[f]);
				first = false;
			}
		fputc(']', out);
		json_matrix(out, "bandwidth_bytes_per_sec", &from, &to, bw, 0);
		json_matrix(out, "latency_ns", &from, &to, lat, 1);
		fputs("}\n", out);
		return EXIT_OK;
	}
	print_matrix(out, "Read bandwidth (MB/s; every CPU of the row's node reading memory bound to the column's)",
		     &from, &to, bw, 1e6);
	fputc('\n', out);
	print_matrix(out, "Idle latency (ns; one CPU of the row's node, dependent loads)", &from, &to, lat, 1.0);
	return EXIT_OK;
}
