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
	pl->kernel_mode = mode & 0xff;
	pl->kernel_flags = (unsigned)mode & ~0xffu;
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

static enum verdict verdict(char *reason, size_t len, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum verdict verdict(char *reason, size_t len, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return v;
}

static uint64_t bytes_off(const struct judge_input *in)
{
	uint64_t off = 0;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (!nodemask_isset(&in->nodes, n))
			off += in->node_bytes[n];
	return off;
}

static enum verdict judge_bind(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	uint64_t off = bytes_off(in);
	char sz[32];

	format_size(off, sz, sizeof(sz));
	if (off)
		return verdict(reason, len, VERIFY_FAIL, "%s outside bound nodes %s", sz, list);
	return verdict(reason, len, VERIFY_PASS, "every present page on nodes %s", list);
}

/* Pages elsewhere are only wrong while the preferred nodes had room. */
static enum verdict judge_preferred(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	uint64_t off = bytes_off(in), room = 0, slack = in->huge ? 0 : 64ULL << 20;
	char sz[32];

	if (!off)
		return verdict(reason, len, VERIFY_PASS, "every present page on preferred nodes %s", list);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&in->nodes, n))
			room += in->room[n];
	format_size(off, sz, sizeof(sz));
	if (room > off + slack)
		return verdict(reason, len, VERIFY_FAIL, "%s off preferred nodes %s while they have room", sz, list);
	return verdict(reason, len, VERIFY_PASS, "%s spilled from full preferred nodes %s", sz, list);
}

/* Each node holds its share (by weight) within a unit per weight. */
static enum verdict judge_interleave(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	bool weighted = in->mode == POLICY_WEIGHTED_INTERLEAVE;
	uint64_t off = bytes_off(in), wsum = 0;
	char sz[32], e[32], g[32];

	if (off) {
		format_size(off, sz, sizeof(sz));
		return verdict(reason, len, VERIFY_FAIL, "%s outside interleaved nodes %s", sz, list);
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&in->nodes, n))
			wsum += weighted ? in->weights[n] : 1;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		uint64_t w = weighted ? in->weights[n] : 1, got = in->node_bytes[n];
		uint64_t expect = (uint64_t)((double)in->present_bytes * (double)w / (double)wsum);
		uint64_t slack = in->unit * w;

		if (!nodemask_isset(&in->nodes, n) || (got + slack >= expect && got <= expect + slack))
			continue;
		format_size(expect, e, sizeof(e));
		format_size(got, g, sizeof(g));
		return verdict(reason, len, VERIFY_FAIL, "node %u holds %s, interleave expects %s", n, g, e);
	}
	if (weighted) {
		char w[256];
		size_t used = 0;

		w[0] = '\0';
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES && used < sizeof(w); n++)
			if (nodemask_isset(&in->nodes, n))
				used += (size_t)snprintf(w + used, sizeof(w) - used, "%s%u:%u", used ? "," : "", n,
							 in->weights[n]);
		return verdict(reason, len, VERIFY_PASS, "present pages interleaved by weights %s", w);
	}
	return verdict(reason, len, VERIFY_PASS, "present pages interleaved evenly over nodes %s", list);
}

enum verdict placement_judge(const struct judge_input *in, char *reason, size_t len)
{
	char list[64];

	nodemask_format(&in->nodes, list, sizeof(list));
	if (!in->present_bytes)
		return verdict(reason, len, VERIFY_SKIPPED, "no page is present");
	switch (in->mode) {
	case POLICY_BIND:
		return judge_bind(in, list, reason, len);
	case POLICY_PREFERRED:
	case POLICY_PREFERRED_MANY:
		return judge_preferred(in, list, reason, len);
	case POLICY_INTERLEAVE:
	case POLICY_WEIGHTED_INTERLEAVE:
		return judge_interleave(in, list, reason, len);
	default:
		return verdict(reason, len, VERIFY_PASS, "policy %s places no constraint",
			       in->mode >= 0 && in->mode < POLICY_COUNT ? policy_names[in->mode] : "unknown");
	}
}

void placement_verify(struct region *r)
{
	struct placement *pl = &r->placement;
	struct judge_input in = {
		.mode = r->kernel_mode,
		.nodes = r->host_nodes,
		.node_bytes = pl->node_bytes,
		.present_bytes = pl->present_bytes,
		/* interleave deals out kernel pages, huge where the region is */
		.unit = pl->kind == PAGE_THP ? THP_SIZE : r->page_size,
		.huge = pl->kind == PAGE_HUGETLB,
	};

	if (r->has_weights) {
		/* numamem's stripes: judged as a weighted interleave whose unit
		 * is a stripe */
		in.mode = POLICY_WEIGHTED_INTERLEAVE;
		in.unit = r->stripe;
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&r->host_nodes, n))
			continue;
		in.weights[n] = r->has_weights ? r->weights[n] : host_interleave_weight(n);
		in.room[n] = in.huge ? host_free_hugepages((int)n, r->page_size) * r->page_size : host_node_free(n);
	}
	pl->verdict = placement_judge(&in, pl->reason, sizeof(pl->reason));
}
