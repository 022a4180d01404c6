/* --show-nodes: per node memory, free memory, huge pages of every size,
 * CPUs, distances, and whether this process may use it. */
#include "config.h"

#include <dirent.h>
#include <inttypes.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "nodes.h"
#include "numamem.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Huge page sizes of this host, ascending (from /sys/kernel/mm/hugepages). */
static size_t hugepage_sizes(uint64_t *sizes, size_t max)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) && n < max) {
		unsigned long long kb;

		if (sscanf(e->d_name, "hugepages-%llukB", &kb) == 1)
			sizes[n++] = kb * 1024;
	}
	if (d)
		closedir(d);
	qsort(sizes, n, sizeof(*sizes), cmp_u64);
	return n;
}

/* All CPUs of a node, allowed to this process or not. */
static void cpus_of(unsigned node, char *buf, size_t len)
{
	struct bitmask *bm = numa_allocate_cpumask();
	cpu_set_t set;

	CPU_ZERO(&set);
	if (numa_node_to_cpus((int)node, bm) == 0)
		for (unsigned c = 0; c < bm->size && c < CPU_SETSIZE; c++)
			if (numa_bitmask_isbitset(bm, c))
				CPU_SET(c, &set);
	numa_bitmask_free(bm);
	cpuset_format(&set, buf, len);
}

void nodes_show(FILE *out, bool json)
{
	struct nodemask present, memory, allowed;
	uint64_t sizes[8];
	size_t nsizes = hugepage_sizes(sizes, ARRAY_SIZE(sizes));
	uint64_t avail[NUMAMEM_MAX_NODES];
	bool first = true;

	host_available(avail);
	host_nodes_present(&present);
	host_nodes_with_memory(&memory);
	host_nodes_allowed(&allowed);
	if (json)
		fprintf(out, "{\"version\":1,\"nodes\":[");
	else {
		fprintf(out, "%-5s %12s %12s %12s", "NODE", "TOTAL", "FREE", "AVAILABLE");
		for (size_t i = 0; i < nsizes; i++) {
			char h[32], col[48];

			format_size(sizes[i], h, sizeof(h));
			snprintf(col, sizeof(col), "HUGE %s", h);
			fprintf(out, " %14s", col);
		}
		fprintf(out, "  %-6s %-12s %s\n", "USABLE", "CPUS", "DISTANCES");
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		long long total_free = 0;
		long long total = nodemask_isset(&present, n) ? numa_node_size64((int)n, &total_free) : -1;
		bool usable = nodemask_isset(&allowed, n) && nodemask_isset(&memory, n);
		char cpus[256], a[32], b[32], c[32];

		if (!nodemask_isset(&present, n))
			continue;
		if (total < 0)
			total = 0;
		cpus_of(n, cpus, sizeof(cpus));
		if (json) {
			fprintf(out, "%s{\"node\":%u,\"total_bytes\":%lld,\"free_bytes\":%" PRIu64
				     ",\"available_bytes\":%" PRIu64 ",\"has_memory\":%s,\"usable\":%s,\"cpus\":\"%s\",\"hugepages\":[",
				first ? "" : ",", n, total, host_node_free(n), avail[n],
				nodemask_isset(&memory, n) ? "true" : "false", usable ? "true" : "false", cpus);
			for (size_t i = 0; i < nsizes; i++)
				fprintf(out, "%s{\"page_size\":%" PRIu64 ",\"free\":%" PRIu64 ",\"total\":%" PRIu64 "}",
					i ? "," : "", sizes[i], host_free_hugepages((int)n, sizes[i]),
					host_total_hugepages((int)n, sizes[i]));
			fprintf(out, "],\"distances\":{");
			for (unsigned m = 0, k = 0; m < NUMAMEM_MAX_NODES; m++)
				if (nodemask_isset(&present, m))
					fprintf(out, "%s\"%u\":%d", k++ ? "," : "", m, numa_distance((int)n, (int)m));
			fprintf(out, "}}");
			first = false;
			continue;
		}
		format_size((uint64_t)total, a, sizeof(a));
		format_size(host_node_free(n), b, sizeof(b));
		format_size(avail[n], c, sizeof(c));
		fprintf(out, "%-5u %12s %12s %12s", n, a, b, c);
		for (size_t i = 0; i < nsizes; i++) {
			char col[48];

			snprintf(col, sizeof(col), "%" PRIu64 "/%" PRIu64, host_free_hugepages((int)n, sizes[i]),
				 host_total_hugepages((int)n, sizes[i]));
			fprintf(out, " %14s", col);
		}
		fprintf(out, "  %-6s %-12s", usable ? "yes" : nodemask_isset(&memory, n) ? "no" : "no-mem",
			*cpus ? cpus : "-");
		for (unsigned m = 0; m < NUMAMEM_MAX_NODES; m++)
			if (nodemask_isset(&present, m))
				fprintf(out, " %d", numa_distance((int)n, (int)m));
		fputc('\n', out);
	}
	if (json)
		fprintf(out, "]}\n");
}
