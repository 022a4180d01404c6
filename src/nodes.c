/* --show-nodes: per node memory, free memory, huge pages of every size,
 * CPUs, distances, and whether this process may use it. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "host.h"
#include "nodes.h"
#include "numamem.h"

int nodes_show(FILE *out, bool json)
{
	struct nodemask present, memory, allowed;
	uint64_t sizes[8];
	size_t nsizes = host_hugepage_sizes(sizes, ARRAY_SIZE(sizes));
	struct host_memory mem[NUMAMEM_MAX_NODES];
	int dist[NUMAMEM_MAX_NODES];
	bool first = true;

	host_nodes_present(&present);
	host_memory(&present, mem);
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
		bool usable = nodemask_isset(&allowed, n) && nodemask_isset(&memory, n);
		char cpus[256], a[32], b[32], c[32];
		cpu_set_t set;

		if (!nodemask_isset(&present, n))
			continue;
		/* all of the node's CPUs, allowed to this process or not */
		host_node_cpus_all(n, &set);
		cpuset_format(&set, cpus, sizeof(cpus));
		host_node_distances(n, &present, dist);
		if (json) {
			fprintf(out, "%s{\"node\":%u,\"total_bytes\":%" PRIu64 ",\"free_bytes\":%" PRIu64
				     ",\"available_bytes\":%" PRIu64 ",\"has_memory\":%s,\"usable\":%s,\"cpus\":\"%s\",\"hugepages\":[",
				first ? "" : ",", n, mem[n].total, mem[n].free, mem[n].available,
				nodemask_isset(&memory, n) ? "true" : "false", usable ? "true" : "false", cpus);
			for (size_t i = 0; i < nsizes; i++)
				fprintf(out, "%s{\"page_size\":%" PRIu64 ",\"free\":%" PRIu64 ",\"total\":%" PRIu64 "}",
					i ? "," : "", sizes[i], host_free_hugepages((int)n, sizes[i]),
					host_total_hugepages((int)n, sizes[i]));
			fprintf(out, "],\"distances\":{");
			for (unsigned m = 0, k = 0; m < NUMAMEM_MAX_NODES; m++)
				if (nodemask_isset(&present, m))
					fprintf(out, "%s\"%u\":%d", k++ ? "," : "", m, dist[m]);
			fprintf(out, "}}");
			first = false;
			continue;
		}
		format_size(mem[n].total, a, sizeof(a));
		format_size(mem[n].free, b, sizeof(b));
		format_size(mem[n].available, c, sizeof(c));
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
				fprintf(out, " %d", dist[m]);
		fputc('\n', out);
	}
	if (json)
		fprintf(out, "]}\n");
	if (fflush(out) || ferror(out))
		return fail(EXIT_OUTPUT, "cannot write the node overview");
	return EXIT_OK;
}
