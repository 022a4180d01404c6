/* Placement: ask the kernel where each page of a range is.
 *
 * move_pages(0, n, addrs, NULL, status, 0) returns each page's node
 * without faulting it in (-ENOENT: not present).  One address is asked
 * per kernel page: per huge page for hugetlb, per 2 MiB where THP maps
 * the whole range (smaps), per base page otherwise; and only where the
 * page tables have something (presence.c), so that an untouched 8 TiB
 * range costs what an untouched 1 GiB does. */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "placement.h"
#include "presence.h"

#define BATCH 65536

const char *const page_kind_names[] = {
	[PAGE_BASE] = "base",
	[PAGE_THP] = "thp",
	[PAGE_HUGETLB] = "hugetlb",
};

/* The map: while querying, each cell tallies its pages per node (and
 * absent, at MAP_TALLY - 1); then a cell shows the node holding most of
 * its pages, more than half of them, or MAP_ABSENT, or MAP_MIXED when
 * none does (an even interleave of base pages), and the nodes of mixed
 * cells are kept for the legend. */
#define MAP_TALLY (NUMAMEM_MAX_NODES + 1)

static void map_count(struct placement *pl, size_t c, int node, uint32_t pages)
{
	pl->tally[c * MAP_TALLY + (node >= 0 && node < NUMAMEM_MAX_NODES ? (size_t)node : MAP_TALLY - 1)] += pages;
}

/* Page i of total has move_pages() status node. */
static void map_page(struct placement *pl, size_t i, size_t total, int node)
{
	map_count(pl, i * pl->ncells / total, node, 1);
}

static void map_cells(struct placement *pl)
{
	for (unsigned c = 0; c < pl->ncells; c++) {
		const uint32_t *t = &pl->tally[(size_t)c * MAP_TALLY];
		uint64_t sum = 0;
		size_t best = MAP_TALLY - 1;

		for (size_t n = 0; n < MAP_TALLY; n++) {
			sum += t[n];
			if (t[n] > t[best])
				best = n;
		}
		if (t[best] * 2 > sum)
			pl->cells[c] = best == MAP_TALLY - 1 ? MAP_ABSENT : (short)best;
		else
			pl->cells[c] = MAP_MIXED;
		for (unsigned n = 0; pl->cells[c] == MAP_MIXED && n < NUMAMEM_MAX_NODES; n++)
			if (t[n])
				nodemask_set(&pl->map_mixed, n);
	}
	free(pl->tally);
	pl->tally = NULL;
}

/* Pages [from, to) of total are not present. */
static void absent_pages(struct placement *pl, size_t from, size_t to, size_t total)
{
	if (from >= to)
		return;
	pl->not_present_bytes += (uint64_t)(to - from) * pl->step;
	if (!pl->ncells)
		return;
	for (size_t i = from; i < to;) {
		size_t c = i * pl->ncells / total;
		/* the first page of the next cell */
		size_t next = ((c + 1) * total + pl->ncells - 1) / pl->ncells;

		if (next > to)
			next = to;
		map_count(pl, c, -1, (uint32_t)(next - i));
		i = next;
	}
}

/* Pages to ask move_pages() about, gathered over ranges so that
 * scattered present pages still go BATCH to a call. */
struct ask {
	void **addrs;
	int *status;
	size_t n;
	int last;       /* status of the range's last page: node, or < 0 */
};

static int ask_flush(const struct placement_target *t, struct ask *a, size_t total)
{
	struct placement *pl = t->pl;
	char *base = t->start;

	if (!a->n)
		return EXIT_OK;
	if (move_pages(0, (unsigned long)a->n, a->addrs, NULL, a->status, 0) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot query page placement", t->id);
	for (size_t k = 0; k < a->n; k++) {
		int st = a->status[k];

		size_t i = (size_t)((char *)a->addrs[k] - base) / pl->step;

		if (st >= 0 && st < NUMAMEM_MAX_NODES)
			pl->node_bytes[st] += pl->step;
		else
			pl->not_present_bytes += pl->step;
		if (i + 1 == total)
			a->last = st;
		if (pl->ncells)
			map_page(pl, i, total, st);
	}
	a->n = 0;
	return EXIT_OK;
}

/* Ask about pages [from, to) of total. */
static int ask_pages(const struct placement_target *t, struct ask *a, size_t from, size_t to, size_t total)
{
	char *base = t->start;
	int rc = EXIT_OK;

	for (size_t i = from; i < to && !rc; i++) {
		a->addrs[a->n++] = base + i * t->pl->step;
		if (a->n == BATCH)
			rc = ask_flush(t, a, total);
	}
	return rc;
}

static int query_pages(const struct placement_target *t, bool map, const struct smaps_sum *sm)
{
	struct placement *pl = t->pl;
	/* every kernel page, the last partial one too (base pages only: huge
	 * and THP steps divide the range) */
	size_t step = pl->step, total = (t->len + step - 1) / step, next = 0;
	struct ask a = { .last = -1 };
	struct presence p;
	uintptr_t s, e;
	int rc = EXIT_OK;

	if (map) {
		pl->ncells = total < MAP_CELLS ? (unsigned)total : MAP_CELLS;
		pl->tally = calloc((size_t)pl->ncells * MAP_TALLY, sizeof(*pl->tally));
		if (!pl->tally)
			return fail_oom();
	}
	presence_open(&p, t->start, t->len, sm);
	while (!rc && next < total && presence_next(&p, &s, &e)) {
		/* present bytes widened to whole query steps (THP, hugetlb) */
		size_t from = (s - p.base) / step, to = (e - p.base + step - 1) / step;

		if (from < next)
			from = next;
		if (to > total)
			to = total;
		if (from >= to)
			continue;
		if (!a.addrs) {
			a.addrs = malloc(BATCH * sizeof(*a.addrs));
			a.status = malloc(BATCH * sizeof(*a.status));
			if (!a.addrs || !a.status) {
				rc = fail_oom();
				break;
			}
		}
		absent_pages(pl, next, from, total);
		rc = ask_pages(t, &a, from, to, total);
		next = to;
	}
	if (!rc)
		rc = ask_flush(t, &a, total);
	presence_close(&p);
	free(a.addrs);
	free(a.status);
	if (rc) {
		free(pl->tally);
		pl->tally = NULL;
		return rc;
	}
	absent_pages(pl, next, total, total);
	if (pl->ncells)
		map_cells(pl);
	/* the last page counts only for the bytes of the range it holds */
	if (a.last >= 0 && a.last < NUMAMEM_MAX_NODES)
		pl->node_bytes[a.last] -= total * step - t->len;
	else
		pl->not_present_bytes -= total * step - t->len;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		pl->present_bytes += pl->node_bytes[n];
	return EXIT_OK;
}

static int query_policy(const struct placement_target *t)
{
	struct placement *pl = t->pl;
	int mode;

	if (get_mempolicy(&mode, pl->kernel_nodes.bits, NUMAMEM_MAX_NODES + 1, t->start, MPOL_F_ADDR) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot read the memory policy", t->id);
	pl->kernel_mode = mode & 0xff;
	pl->kernel_flags = (unsigned)mode & ~0xffu;
	return EXIT_OK;
}

static int query_range(const struct placement_target *t, bool map, const struct smaps_table *smaps)
{
	struct placement *pl = t->pl;
	size_t base = (size_t)sysconf(_SC_PAGESIZE);
	double t0 = now_seconds();
	struct smaps_sum sm;
	int status;

	memset(pl, 0, sizeof(*pl));
	sm = smaps_for(smaps, t->start, t->len);
	if (t->page_size > base) {
		pl->kind = PAGE_HUGETLB;
		pl->step = t->page_size;
	} else {
		pl->huge_bytes = sm.huge;
		pl->kind = pl->huge_bytes ? PAGE_THP : PAGE_BASE;
		pl->step = pl->huge_bytes >= t->len && t->len % PLACEMENT_THP_SIZE == 0 &&
					   (uintptr_t)t->start % PLACEMENT_THP_SIZE == 0
				   ? PLACEMENT_THP_SIZE
				   : base;
	}
	status = query_policy(t);
	if (!status)
		status = query_pages(t, map, &sm);
	pl->t_query = now_seconds() - t0;
	return status;
}

int placement_query(const struct placement_target *targets, size_t n, bool map)
{
	double t0 = now_seconds();
	struct smaps_table smaps = smaps_load();
	double share = n ? (now_seconds() - t0) / (double)n : 0;
	int status = EXIT_OK;

	for (size_t i = 0; i < n && !status; i++) {
		status = query_range(&targets[i], map, &smaps);
		targets[i].pl->t_query += share; /* smaps, read once for all */
	}
	smaps_free(&smaps);
	return status;
}
