/* --show-nodes: per node memory, free memory, huge pages of every size,
 * CPUs, distances, memory tier, HMAT access attributes, and whether this
 * process may use it. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "host.h"
#include "lib/json.h"
#include "nodes.h"
#include "util.h"

/* What --show-nodes says of every node, read once. */
struct overview {
	struct nodemask present, memory, allowed;
	uint64_t sizes[8];          /* huge page sizes, ascending */
	size_t nsizes;
	struct host_memory mem[NUMAMEM_MAX_NODES];
	int tier[NUMAMEM_MAX_NODES];  /* -1: in no tier */
};

/* numastat -m's rows of each node's meminfo, in its order. */
static const char *const meminfo_keys[] = {
	"MemTotal", "MemFree", "MemUsed", "Active", "Inactive", "Active(anon)", "Inactive(anon)",
	"Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "Dirty", "Writeback", "FilePages",
	"Mapped", "AnonPages", "Shmem", "KernelStack", "PageTables", "Slab", "SReclaimable", "SUnreclaim",
	"AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "HugePages_Total", "HugePages_Free",
	"HugePages_Surp", "KReclaimable",
};
#define MEMINFO_KEYS ARRAY_SIZE(meminfo_keys)

/* HMAT access classes: 0, nearest initiators; 1, nearest CPU initiators. */
#define ACCESS_CLASSES 2

static void json_tier(FILE *out, int tier)
{
	if (tier >= 0)
		fprintf(out, "%d", tier);
	else
		fputs("null", out);
}

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
	fprintf(out, "},\"unmanaged_bytes\":%" PRIu64 ",\"memory_tier\":", o->mem[n].unmanaged);
	json_tier(out, o->tier[n]);
	fprintf(out, ",\"access\":{");
	for (unsigned c = 0, k = 0; c < ACCESS_CLASSES; c++) {
		struct host_access a;

		if (!host_node_access(n, c, &a))
			continue;
		fprintf(out, "%s\"access%u\":{\"initiators\":", k++ ? "," : "", c);
		json_nodes(out, &a.initiators);
		fprintf(out, ",\"read_bandwidth_mbps\":%" PRIu64 ",\"write_bandwidth_mbps\":%" PRIu64
			     ",\"read_latency_ns\":%" PRIu64 ",\"write_latency_ns\":%" PRIu64 "}",
			a.read_bandwidth, a.write_bandwidth, a.read_latency, a.write_latency);
	}
	fprintf(out, "},\"meminfo\":{");
	{
		uint64_t bytes[MEMINFO_KEYS];

		host_node_meminfo(n, meminfo_keys, MEMINFO_KEYS, bytes);
		for (size_t i = 0; i < MEMINFO_KEYS; i++)
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", meminfo_keys[i], bytes[i]);
	}
	fprintf(out, "}}");
}

/* numastat -m's table: MiB per meminfo line and node, and the total. */
static void meminfo_text(FILE *out, const struct overview *o)
{
	uint64_t bytes[NUMAMEM_MAX_NODES][MEMINFO_KEYS];

	fprintf(out, "\n%-16s", "MEMINFO (MiB)");
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&o->present, n))
			continue;
		host_node_meminfo(n, meminfo_keys, MEMINFO_KEYS, bytes[n]);
		fprintf(out, " %10s%-4u", "Node ", n);
	}
	fprintf(out, " %14s\n", "Total");
	for (size_t i = 0; i < MEMINFO_KEYS; i++) {
		uint64_t total = 0;

		fprintf(out, "%-16s", meminfo_keys[i]);
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
			if (!nodemask_isset(&o->present, n))
				continue;
			total += bytes[n][i];
			fprintf(out, " %14.2f", (double)bytes[n][i] / 1048576.0);
		}
		fprintf(out, " %14.2f\n", (double)total / 1048576.0);
	}
}

const char *const nodes_columns[] = { "NODE", "TIER", "TOTAL", "FREE", "AVAILABLE", "HUGE", "USABLE", "CPUS",
				      "DISTANCES", NULL };

/* The table's columns: a huge page column per size, a distance column
 * per node, each headed by the node it leads to. */
static void nodes_columns_add(struct table *t, const struct overview *o)
{
	table_column(t, "NODE", "NODE", false);
	table_column(t, "TIER", "TIER", true);
	table_column(t, "TOTAL", "TOTAL", true);
	table_column(t, "FREE", "FREE", true);
	table_column(t, "AVAILABLE", "AVAILABLE", true);
	for (size_t i = 0; i < o->nsizes; i++) {
		char h[32], col[48];

		format_size(o->sizes[i], h, sizeof(h));
		snprintf(col, sizeof(col), "HUGE %s", h);
		table_column(t, col, "HUGE", true);
	}
	table_column(t, "USABLE", "USABLE", false);
	table_column(t, "CPUS", "CPUS", false);
	for (unsigned m = 0; m < NUMAMEM_MAX_NODES; m++) {
		char col[16];

		snprintf(col, sizeof(col), "->%u", m);
		if (nodemask_isset(&o->present, m))
			table_column(t, col, "DISTANCES", true);
	}
}

static void node_text(struct table *t, const struct overview *o, unsigned n)
{
	bool usable = nodemask_isset(&o->allowed, n) && nodemask_isset(&o->memory, n);
	int dist[NUMAMEM_MAX_NODES];
	char cpus[256];
	cpu_set_t set;

	host_node_cpus_all(n, &set);
	cpuset_format(&set, cpus, sizeof(cpus));
	host_node_distances(n, &o->present, dist);
	table_row(t);
	table_cell(t, "%u", n);
	if (o->tier[n] >= 0)
		table_cell(t, "%d", o->tier[n]);
	else
		table_cell(t, "-");
	table_size(t, o->mem[n].total);
	table_size(t, o->mem[n].free);
	table_size(t, o->mem[n].available);
	for (size_t i = 0; i < o->nsizes; i++)
		table_cell(t, "%" PRIu64 "/%" PRIu64, host_free_hugepages((int)n, o->sizes[i]),
			   host_total_hugepages((int)n, o->sizes[i]));
	table_cell(t, "%s", usable ? "yes" : nodemask_isset(&o->memory, n) ? "no" : "no-mem");
	table_cell(t, "%s", *cpus ? cpus : "-");
	for (unsigned m = 0; m < NUMAMEM_MAX_NODES; m++)
		if (nodemask_isset(&o->present, m))
			table_cell(t, "%d", dist[m]);
}

/* The HMAT table, when sysfs has access attributes for any node (every
 * column: --columns names the node table's). */
static void access_text(FILE *out, const struct overview *o, const struct table_style *st)
{
	struct table_style all = *st;
	struct table *t = NULL;

	all.columns = NULL;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		for (unsigned c = 0; nodemask_isset(&o->present, n) && c < ACCESS_CLASSES; c++) {
			struct host_access a;
			char list[64];

			if (!host_node_access(n, c, &a))
				continue;
			if (!t) {
				t = table_new(&all);
				if (!t) {
					fail_oom();
					return;
				}
				table_column(t, "NODE", "NODE", false);
				table_column(t, "ACCESS", "ACCESS", false);
				table_column(t, "INITIATORS", "INITIATORS", false);
				table_column(t, "READ MB/s", "READ", true);
				table_column(t, "WRITE MB/s", "WRITE", true);
				table_column(t, "READ ns", "READ_NS", true);
				table_column(t, "WRITE ns", "WRITE_NS", true);
			}
			nodemask_format(&a.initiators, list, sizeof(list));
			table_row(t);
			table_cell(t, "%u", n);
			table_cell(t, "access%u", c);
			table_cell(t, "%s", *list ? list : "-");
			table_cell(t, "%" PRIu64, a.read_bandwidth);
			table_cell(t, "%" PRIu64, a.write_bandwidth);
			table_cell(t, "%" PRIu64, a.read_latency);
			table_cell(t, "%" PRIu64, a.write_latency);
		}
	}
	if (!t)
		return;
	fputc('\n', out);
	if (table_print(t, out, "") < 0)
		fail_oom();
}

/* AVAILABLE above what a node's zones hold deserves a word. */
static void unmanaged_text(FILE *out, const struct overview *o)
{
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		char sz[32];

		if (!nodemask_isset(&o->present, n) || !o->mem[n].unmanaged)
			continue;
		format_size(o->mem[n].unmanaged, sz, sizeof(sz));
		fprintf(out, "note: node %u's AVAILABLE counts %s that MemTotal holds but no zone manages yet "
			     "(memory accepted or onlined lazily); see AVAILABLE in numamem(1)\n", n, sz);
	}
}

/* numactl --hardware, byte for byte (numactl 2.0.16's hardware()):
 * scripts parse it. */
void nodes_hardware(FILE *out)
{
	/* every node the kernel can have, past the 128 of a region */
	unsigned nbits = host_node_bits();
	unsigned long *present = calloc(NODE_BITS_WORDS(nbits), sizeof(*present));
	int *dist = calloc(nbits, sizeof(*dist));
	char *list = calloc(8, nbits + 1);
	unsigned count = 0, first = nbits, last = 0;

	if (!present || !dist || !list) {
		fail_oom();
		goto out;
	}
	host_nodes_present_bits(present, nbits);
	bits_format(present, nbits, list, 8 * (size_t)(nbits + 1));
	for (unsigned n = 0; n < nbits; n++)
		if (bits_isset(present, nbits, n)) {
			count++;
			last = n;
			if (first == nbits)
				first = n;
		}
	fprintf(out, "available: %u nodes (%s)\n", count, list);
	for (unsigned n = 0; n < nbits; n++) {
		cpu_set_t set;

		if (!bits_isset(present, nbits, n))
			continue;
		host_node_cpus_all(n, &set);
		fprintf(out, "node %u cpus:", n);
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				fprintf(out, " %d", c);
		fprintf(out, "\nnode %u size: %" PRIu64 " MB\n", n, host_node_total(n) >> 20);
		fprintf(out, "node %u free: %" PRIu64 " MB\n", n, host_node_free(n) >> 20);
	}
	if (!count || !host_distance(last, first)) {
		fprintf(out, "No distance information available.\n");
		goto out;
	}
	fprintf(out, "node distances:\nnode ");
	for (unsigned n = 0; n < nbits; n++)
		if (bits_isset(present, nbits, n))
			fprintf(out, "% 3d ", (int)n);
	fputc('\n', out);
	for (unsigned n = 0; n < nbits; n++) {
		if (!bits_isset(present, nbits, n))
			continue;
		host_node_distances_bits(n, present, nbits, dist);
		fprintf(out, "% 3d: ", (int)n);
		for (unsigned m = 0; m < nbits; m++)
			if (bits_isset(present, nbits, m))
				fprintf(out, "% 3d ", dist[m]);
		fputc('\n', out);
	}
out:
	free(present);
	free(dist);
	free(list);
}

void nodes_show(FILE *out, bool json, const struct table_style *st)
{
	struct overview o;
	struct table *t = NULL;
	bool first = true;

	o.nsizes = host_hugepage_sizes(o.sizes, ARRAY_SIZE(o.sizes));
	host_nodes_present(&o.present);
	host_memory(&o.present, o.mem);
	host_nodes_with_memory(&o.memory);
	host_nodes_allowed(&o.allowed);
	host_memory_tiers(o.tier);
	if (json) {
		json_header(out, "nodes", host_kernel_release());
		fprintf(out, ",\"nodes\":[");
	} else {
		t = table_new(st);
		if (!t) {
			fail_oom();
			return;
		}
		nodes_columns_add(t, &o);
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&o.present, n))
			continue;
		if (json)
			node_json(out, &o, n, first);
		else
			node_text(t, &o, n);
		first = false;
	}
	if (json) {
		fprintf(out, "]}\n");
		return;
	}
	if (table_print(t, out, "") < 0)
		fail_oom();
	meminfo_text(out, &o);
	access_text(out, &o, st);
	unmanaged_text(out, &o);
}
