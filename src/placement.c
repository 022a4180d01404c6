/* Placement: ask the kernel where each page of a region is.
 *
 * move_pages(0, n, addrs, NULL, status, 0) returns each page's node
 * without faulting it in (-ENOENT: not present).  One address is asked
 * per kernel page: per huge page for hugetlb, per 2 MiB where THP maps
 * the whole region (smaps), per base page otherwise. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "region.h"
#include "host.h"
#include "numamem.h"
#include "placement.h"

#define BATCH 65536
#define THP_SIZE (2UL << 20)

const char *const page_kind_names[] = {
	[PAGE_BASE] = "base",
	[PAGE_THP] = "thp",
	[PAGE_HUGETLB] = "hugetlb",
};

const char *const verdict_names[] = {
	[VERIFY_SKIPPED] = "skipped",
	[VERIFY_PASS] = "pass",
	[VERIFY_FAIL] = "fail",
};

/* THP-mapped bytes of the mapping that starts at addr, from smaps. */
static uint64_t smaps_huge_bytes(const void *addr)
{
	char line[512];
	bool in = false;
	uint64_t huge = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		unsigned long long kb;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (in)
				break;
			in = start == (unsigned long)addr;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1 ||
		    sscanf(line, "ShmemPmdMapped: %llu kB", &kb) == 1 ||
		    sscanf(line, "FilePmdMapped: %llu kB", &kb) == 1)
			huge += kb * 1024;
	}
	fclose(f);
	return huge;
}

/* Fold page i of total (node, or a negative status) into its map cell;
 * cells start as SHRT_MIN, "nothing seen yet". */
static void map_page(struct placement *pl, size_t i, size_t total, int node)
{
	size_t c = i * pl->ncells / total;
	short v = node >= 0 && node < NUMAMEM_MAX_NODES ? (short)node : MAP_ABSENT;

	if (pl->cells[c] == SHRT_MIN)
		pl->cells[c] = v;
	else if (pl->cells[c] != v)
		pl->cells[c] = MAP_MIXED;
}

static int query_pages(struct region *b, bool map)
{
	struct placement *pl = &b->placement;
	size_t step = pl->step, total = b->map_len / step;
	void **addrs = malloc(BATCH * sizeof(*addrs));
	int *status = malloc(BATCH * sizeof(*status));
	char *base = b->ptr;

	if (!addrs || !status) {
		free(addrs);
		free(status);
		return fail(EXIT_COMPLETE, "out of memory");
	}
	if (map) {
		pl->ncells = total < MAP_CELLS ? (unsigned)total : MAP_CELLS;
		for (unsigned c = 0; c < pl->ncells; c++)
			pl->cells[c] = SHRT_MIN;
	}
	for (size_t i = 0; i < total; i += BATCH) {
		size_t n = total - i < BATCH ? total - i : BATCH;

		for (size_t k = 0; k < n; k++)
			addrs[k] = base + (i + k) * step;
		if (move_pages(0, (unsigned long)n, addrs, NULL, status, 0) < 0) {
			int e = errno;

			free(addrs);
			free(status);
			return fail_errno(EXIT_COMPLETE, e, "region '%s': cannot query page placement", b->id);
		}
		for (size_t k = 0; k < n; k++) {
			if (status[k] >= 0 && status[k] < NUMAMEM_MAX_NODES)
				pl->node_bytes[status[k]] += step;
			else
				pl->not_present_bytes += step;
			if (map)
				map_page(pl, i + k, total, status[k]);
		}
	}
	/* a tail shorter than step (base-page regions only) */
	if (total * step < b->map_len)
		pl->not_present_bytes += b->map_len - total * step;
	free(addrs);
	free(status);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		pl->present_bytes += pl->node_bytes[n];
	return EXIT_OK;
}

static int query_policy(struct region *b)
{
	struct placement *pl = &b->placement;
	int mode;

	if (get_mempolicy(&mode, pl->kernel_nodes.bits, NUMAMEM_MAX_NODES + 1, b->ptr, MPOL_F_ADDR) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot read the memory policy", b->id);
	pl->kernel_flags = (unsigned)mode & ~0xffu;
	pl->kernel_mode = mode & 0xff;
	return EXIT_OK;
}

int placement_query(struct region *b, bool map)
{
	struct placement *pl = &b->placement;
	size_t base = (size_t)sysconf(_SC_PAGESIZE);
	double t0 = now_seconds();
	int status;

	memset(pl, 0, sizeof(*pl));
	if (b->page_size > base) {
		pl->kind = PAGE_HUGETLB;
		pl->step = b->page_size;
	} else {
		pl->huge_bytes = smaps_huge_bytes(b->ptr);
		pl->kind = pl->huge_bytes ? PAGE_THP : PAGE_BASE;
		pl->step = pl->huge_bytes >= b->map_len && b->map_len % THP_SIZE == 0 &&
					   (uintptr_t)b->ptr % THP_SIZE == 0
				   ? THP_SIZE
				   : base;
	}
	status = query_policy(b);
	if (!status)
		status = query_pages(b, map);
	pl->t_query = now_seconds() - t0;
	return status;
}

static void verdict(struct placement *pl, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verdict(struct placement *pl, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	pl->verdict = v;
	va_start(ap, fmt);
	vsnprintf(pl->reason, sizeof(pl->reason), fmt, ap);
	va_end(ap);
}

static uint64_t bytes_off(const struct placement *pl, const struct nodemask *m)
{
	uint64_t off = 0;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (!nodemask_isset(m, n))
			off += pl->node_bytes[n];
	return off;
}

/* The unit interleave deals out: a kernel page, huge where the region is. */
static uint64_t interleave_unit(const struct region *b)
{
	const struct placement *pl = &b->placement;

	return pl->kind == PAGE_THP ? THP_SIZE : b->page_size;
}

void placement_verify(struct region *b)
{
	struct placement *pl = &b->placement;
	const struct nodemask *nodes = &b->host_nodes;
	char list[64], sz[32];
	uint64_t off;

	nodemask_format(nodes, list, sizeof(list));
	if (!pl->present_bytes) {
		verdict(pl, VERIFY_SKIPPED, "no page is present");
		return;
	}
	switch (b->kernel_mode) {
	case POLICY_BIND:
		off = bytes_off(pl, nodes);
		format_size(off, sz, sizeof(sz));
		if (off)
			verdict(pl, VERIFY_FAIL, "%s outside bound nodes %s", sz, list);
		else
			verdict(pl, VERIFY_PASS, "every present page on nodes %s", list);
		return;
	case POLICY_PREFERRED:
	case POLICY_PREFERRED_MANY: {
		/* Pages elsewhere are only wrong while the preferred nodes had room. */
		uint64_t room = 0, slack = 64ULL << 20;

		off = bytes_off(pl, nodes);
		if (!off) {
			verdict(pl, VERIFY_PASS, "every present page on preferred nodes %s", list);
			return;
		}
		/* room: free huge pages of this size for hugetlb, else free memory */
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			if (nodemask_isset(nodes, n))
				room += pl->kind == PAGE_HUGETLB ? host_free_hugepages((int)n, b->page_size) * b->page_size
								 : host_node_free(n);
		if (pl->kind == PAGE_HUGETLB)
			slack = 0;
		format_size(off, sz, sizeof(sz));
		if (room > off + slack)
			verdict(pl, VERIFY_FAIL, "%s off preferred nodes %s while they have room", sz, list);
		else
			verdict(pl, VERIFY_PASS, "%s spilled from full preferred nodes %s", sz, list);
		return;
	}
	case POLICY_INTERLEAVE:
	case POLICY_WEIGHTED_INTERLEAVE: {
		uint64_t unit = interleave_unit(b), wsum = 0;
		bool weighted = b->kernel_mode == POLICY_WEIGHTED_INTERLEAVE;

		off = bytes_off(pl, nodes);
		if (off) {
			format_size(off, sz, sizeof(sz));
			verdict(pl, VERIFY_FAIL, "%s outside interleaved nodes %s", sz, list);
			return;
		}
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			if (nodemask_isset(nodes, n))
				wsum += weighted ? host_interleave_weight(n) : 1;
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
			uint64_t w, expect, got = pl->node_bytes[n], slack;

			if (!nodemask_isset(nodes, n))
				continue;
			w = weighted ? host_interleave_weight(n) : 1;
			expect = (uint64_t)((double)pl->present_bytes * (double)w / (double)wsum);
			slack = unit * w;
			if (got + slack < expect || got > expect + slack) {
				char e[32], g[32];

				format_size(expect, e, sizeof(e));
				format_size(got, g, sizeof(g));
				verdict(pl, VERIFY_FAIL, "node %u holds %s, interleave expects %s", n, g, e);
				return;
			}
		}
		verdict(pl, VERIFY_PASS, "present pages interleaved evenly over nodes %s", list);
		return;
	}
	default:
		verdict(pl, VERIFY_PASS, "policy %s places no constraint",
			b->kernel_mode < POLICY_COUNT ? policy_names[b->kernel_mode] : "unknown");
		return;
	}
}
