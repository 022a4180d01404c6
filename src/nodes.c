/* --show-nodes: per node memory, free memory, huge pages of every size,
 * CPUs, distances, and whether this process may use it. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "host.h"
#include "json.h"
#include "nodes.h"
#include "numamem.h"

/* What --show-nodes says of every node, read once. */
struct overview {
	struct nodemask present, memory, allowed;
	uint64_t sizes[8];          /* huge page sizes, ascending */
	size_t nsizes;
	struct host_memory mem[NUMAMEM_MAX_NODES];
};

/* One node: its CPUs (all of them, allowed to this process or not) and
 * distances are read here. */
static void node_json(FILE *out, const struct overview *o, unsigned n, bool first)
{
	bool usable = nodemask_isset(&o->allowed, n) && nodemask_isset(&o->memory, n);
	int dist[NUMAMEM_MAX_NODES];
	cpu_set_t set;

	host_node_cpus_all(n, &set);
	host_node_distances(n, &o->present, dist);
	fprintf(out, "%s{\"node\":%u,\"total_bytes\":%" PRIu64 ",\"free_bytes\":%" PRIu64
		     ",\"available_bytes\":%" PRIu64 ",\"has_memory\":%s,\"usable\":%s,\"cpus\":",
		first ? "" : ",", n, o->mem[n].total, o->mem[n].free, o->mem[n].available,
		nodemask_isset(&o->memory, n) ? "true" : "false", usable ? "true" : "false");
	json_cpus(out, &set);
	fprintf(out, ",\"hugepages\":[");
	for (size_t i = 0; i < o->nsizes; i++)
		fprintf(out, "%s{\"page_size\":%" PRIu64 ",\"free\":%" PRIu64 ",\"total\":%" PRIu64 "}",
			i ? "," : "", o->sizes[i], host_free_hugepages((int)n, o->sizes[i]),
			host_total_hugepages((int)n, o->sizes[i]));
	fprintf(out, "],\"distances\":{");
	for (unsigned m = 0, k = 0; m < NUMAMEM_MAX_NODES; m++)
		if (nodemask_isset(&o->present, m))
			fprintf(out, "%s\"%u\":%d", k++ ? "," : "", m, dist[m]);
	fprintf(out, "}}");
}

static void node_text(FILE *out, const struct overview *o, unsigned n)
{
	bool usable = nodemask_isset(&o->allowed, n) && nodemask_isset(&o->memory, n);
	int dist[NUMAMEM_MAX_NODES];
	char cpus[256], a[32], b[32], c[32];
	cpu_set_t set;

	host_node_cpus_all(n, &set);
	cpuset_format(&set, cpus, sizeof(cpus));
	host_node_distances(n, &o->present, dist);
	format_size(o->mem[n].total, a, sizeof(a));
	format_size(o->mem[n].free, b, sizeof(b));
	format_size(o->mem[n].available, c, sizeof(c));
	fprintf(out, "%-5u %12s %12s %12s", n, a, b, c);
	for (size_t i = 0; i < o->nsizes; i++) {
		char col[48];

		snprintf(col, sizeof(col), "%" PRIu64 "/%" PRIu64, host_free_hugepages((int)n, o->sizes[i]),
			 host_total_hugepages((int)n, o->sizes[i]));
		fprintf(out, " %14s", col);
	}
	fprintf(out, "  %-6s %-12s", usable ? "yes" : nodemask_isset(&o->memory, n) ? "no" : "no-mem",
		*cpus ? cpus : "-");
	for (unsigned m = 0; m < NUMAMEM_MAX_NODES; m++)
		if (nodemask_isset(&o->present, m))
			fprintf(out, " %d", dist[m]);
	fputc('\n', out);
}

void nodes_show(FILE *out, bool json)
{
	struct overview o;
	bool first = true;

	o.nsizes = host_hugepage_sizes(o.sizes, ARRAY_SIZE(o.sizes));
	host_nodes_present(&o.present);
	host_memory(&o.present, o.mem);
	host_nodes_with_memory(&o.memory);
	host_nodes_allowed(&o.allowed);
	if (json) {
		fprintf(out, "{\"version\":1");
		json_origin(out);
		fprintf(out, ",\"nodes\":[");
	} else {
		fprintf(out, "%-5s %12s %12s %12s", "NODE", "TOTAL", "FREE", "AVAILABLE");
		for (size_t i = 0; i < o.nsizes; i++) {
			char h[32], col[48];

			format_size(o.sizes[i], h, sizeof(h));
			snprintf(col, sizeof(col), "HUGE %s", h);
			fprintf(out, " %14s", col);
		}
		fprintf(out, "  %-6s %-12s %s\n", "USABLE", "CPUS", "DISTANCES");
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&o.present, n))
			continue;
		if (json)
			node_json(out, &o, n, first);
		else
			node_text(out, &o, n);
		first = false;
	}
	if (json)
		fprintf(out, "]}\n");
}
