/* Placement: ask the kernel where each page of a region is.
 *
 * move_pages(0, n, addrs, NULL, status, 0) returns each page's node
 * without faulting it in (-ENOENT: not present).  One address is asked
 * per kernel page: per huge page for hugetlb, per 2 MiB where THP maps
 * the whole region (smaps), per base page otherwise; and only where the
 * page tables have something (see "Finding the present pages"), so
 * that an untouched 8 TiB region costs what an untouched 1 GiB does. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "region.h"
#include "host.h"
#include "util.h"
#include "placement.h"

#define BATCH 65536
#define THP_SIZE (2UL << 20)

const char *const page_kind_names[] = {
	[PAGE_BASE] = "base",
	[PAGE_THP] = "thp",
	[PAGE_HUGETLB] = "hugetlb",
};

/* What smaps says of a region: the THP-mapped bytes of the mapping that
 * starts at the region (as before: they decide the query step), and the
 * bytes present in page tables over every mapping the region overlaps
 * (Rss, plus the hugetlb lines, which Rss leaves out).  A region can be
 * several mappings (mbind or mprotect split it) and a mapping can reach
 * beyond the region (a neighbour with the same flags merged into it):
 * resident is then more than the region's, never less. */
struct smaps_sum {
	uint64_t huge, resident;
	uint64_t span;          /* bytes of the mappings the region overlaps */
	bool read;
};

/* Every mapping of this process as smaps describes it, read once for
 * all regions (a read per region would cost n² for n regions: 10,000
 * regions are 10,000 mappings). */
struct vma_stat {
	uintptr_t start, end;
	uint64_t resident, huge;
};

struct smaps_table {
	struct vma_stat *v;
	size_t n;
	bool read;
};

static void smaps_free(struct smaps_table *t)
{
	free(t->v);
	*t = (struct smaps_table){ 0 };
}

static struct smaps_table smaps_load(void)
{
	struct smaps_table t = { 0 };
	size_t room = 0;
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return t;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		unsigned long long kb;
		struct vma_stat *v = t.n ? &t.v[t.n - 1] : NULL;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (t.n == room) {
				struct vma_stat *more = realloc(t.v, (room = room ? room * 2 : 256) * sizeof(*more));

				if (!more) {
					fclose(f);
					smaps_free(&t);
					return t;
				}
				t.v = more;
			}
			t.v[t.n++] = (struct vma_stat){ .start = start, .end = end };
		} else if (v && (sscanf(line, "Rss: %llu kB", &kb) == 1 ||
				 sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1 ||
				 sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1)) {
			v->resident += kb * 1024;
		} else if (v && (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1 ||
				 sscanf(line, "ShmemPmdMapped: %llu kB", &kb) == 1 ||
				 sscanf(line, "FilePmdMapped: %llu kB", &kb) == 1)) {
			v->huge += kb * 1024;
		}
	}
	t.read = !ferror(f);
	fclose(f);
	return t;
}

/* The region's share of the table: mappings are in address order, so a
 * binary search finds the first one that ends past the region's start. */
static struct smaps_sum smaps_for(const struct smaps_table *t, const struct region *b)
{
	uintptr_t lo = (uintptr_t)b->ptr, hi = lo + b->map_len;
	struct smaps_sum sum = { .read = t->read };
	size_t l = 0, h = t->n;

	while (l < h) {
		size_t m = l + (h - l) / 2;

		if (t->v[m].end <= lo)
			l = m + 1;
		else
			h = m;
	}
	for (size_t i = l; i < t->n && t->v[i].start < hi; i++) {
		sum.span += t->v[i].end - t->v[i].start;
		sum.resident += t->v[i].resident;
		if (t->v[i].start == lo)
			sum.huge = t->v[i].huge;
	}
	return sum;
}

/* Finding the present pages before asking move_pages() about them, so
 * that the report costs what is present rather than what is mapped
 * (bench/present-probe measures every candidate; bench/RESULTS.md):
 *
 * - smaps Rss = 0 over the region's mappings: nothing is present, no
 *   per-page work at all (0.04 ms whatever the size).  Rss = the size
 *   of mappings that are exactly the region: everything is present, and
 *   every page goes to move_pages() without looking further.
 * - Otherwise ioctl(PAGEMAP_SCAN) on /proc/self/pagemap (Linux 6.7)
 *   returns the present ranges themselves; it walks only the page
 *   tables that exist: 0.02 ms for 8 TiB with one page touched, 7 ms
 *   for 4 GiB of 4 KiB pages all present.
 * - Older kernels: pread() of /proc/self/pagemap, bit 63 of one 64-bit
 *   entry per 4 KiB page, 8 MiB at a time: ~0.45 s per TiB of address
 *   space, for anonymous and shared mappings alike.  mincore() was
 *   measured too and not taken: 0.14 s per TiB for anonymous memory but
 *   2.5 s per TiB for a memfd, and for shared file mappings it reports
 *   the page cache, not this process's page tables.
 *
 * Each answers "present in the page tables" (the zero page included),
 * a superset of what move_pages() reports on a node: the ranges only
 * choose what to ask, move_pages() still decides, so the totals and the
 * map stay exact.  Whatever fails leaves the rest of the region to
 * move_pages(), as before. */
#ifndef PAGEMAP_SCAN
/* The PAGEMAP_SCAN ABI (linux/fs.h since 6.7) for older headers. */
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGE_IS_PRESENT (1 << 3)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif

#define SCAN_RANGES 1024
#define PAGEMAP_ENTRIES (1UL << 20)

enum presence_how { PRESENCE_SCAN, PRESENCE_PAGEMAP, PRESENCE_ALL, PRESENCE_DONE };

/* Where to start looking, from what smaps says. */
static enum presence_how presence_start(const struct region *b, const struct smaps_sum *sm)
{
	if (!sm->read)
		return PRESENCE_SCAN;
	if (!sm->resident)
		return PRESENCE_DONE;
	if (sm->span == sm->resident && sm->span == b->map_len)
		return PRESENCE_ALL;
	return PRESENCE_SCAN;
}

struct presence {
	enum presence_how how;
	int fd;
	uintptr_t base, end, at;   /* at: where the next look starts */
	size_t page;
	struct page_region *vec;
	size_t n, i;               /* ranges in vec, the next one */
	uint64_t *entries;
};

static void presence_open(struct presence *p, const struct region *b, enum presence_how how)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	*p = (struct presence){
		.how = how,
		.fd = -1,
		.base = (uintptr_t)b->ptr,
		.end = (uintptr_t)b->ptr + (b->map_len + page - 1) / page * page,
		.at = (uintptr_t)b->ptr,
		.page = page,
	};
	if (p->how != PRESENCE_SCAN)
		return;
	p->fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		p->how = PRESENCE_ALL;
}

static void presence_close(struct presence *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->vec);
	free(p->entries);
}

/* Refill p->vec from PAGEMAP_SCAN: 0 or -errno (-ENOTTY before 6.7). */
static int presence_scan(struct presence *p)
{
	struct pm_scan_arg a = {
		.size = sizeof(a),
		.start = p->at,
		.end = p->end,
		.vec_len = SCAN_RANGES,
		.category_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT,
	};
	int n;

	/* zeroed: valgrind cannot know what the ioctl writes there */
	if (!p->vec && !(p->vec = calloc(SCAN_RANGES, sizeof(*p->vec))))
		return -ENOMEM;
	a.vec = (uintptr_t)p->vec;
	n = ioctl(p->fd, PAGEMAP_SCAN, &a);
	if (n < 0)
		return -errno;
	if (a.walk_end <= p->at || a.walk_end > p->end)
		return -EIO;
	p->n = (size_t)n;
	p->i = 0;
	p->at = a.walk_end;
	return 0;
}

/* The next run of present pages in the next PAGEMAP_ENTRIES pages. */
static bool presence_pagemap(struct presence *p, uintptr_t *s, uintptr_t *e)
{
	while (p->at < p->end) {
		size_t n = (p->end - p->at) / p->page, k = 0, j;
		off_t off = (off_t)(p->at / p->page * sizeof(uint64_t));

		if (n > PAGEMAP_ENTRIES)
			n = PAGEMAP_ENTRIES;
		if (!p->entries && !(p->entries = calloc(PAGEMAP_ENTRIES, sizeof(uint64_t))))
			return false;
		if (pread(p->fd, p->entries, n * sizeof(uint64_t), off) != (ssize_t)(n * sizeof(uint64_t)))
			return false;
		while (k < n && !(p->entries[k] >> 63))
			k++;
		if (k == n) {
			p->at += n * p->page;
			continue;
		}
		for (j = k; j < n && p->entries[j] >> 63; j++)
			;
		*s = p->at + k * p->page;
		*e = p->at + j * p->page;
		p->at = *e;
		return true;
	}
	p->how = PRESENCE_DONE;
	return false;
}

/* The next range [*s, *e) that may hold present pages, in address
 * order; false at the end of the region. */
static bool presence_next(struct presence *p, uintptr_t *s, uintptr_t *e)
{
	int r;

	for (;;) {
		switch (p->how) {
		case PRESENCE_SCAN:
			if (p->i < p->n) {
				*s = p->vec[p->i].start;
				*e = p->vec[p->i].end;
				p->i++;
				return true;
			}
			if (p->at >= p->end) {
				p->how = PRESENCE_DONE;
				break;
			}
			r = presence_scan(p);
			if (r)
				p->how = p->at == p->base && (r == -ENOTTY || r == -EINVAL)
						 ? PRESENCE_PAGEMAP
						 : PRESENCE_ALL;
			break;
		case PRESENCE_PAGEMAP:
			if (presence_pagemap(p, s, e))
				return true;
			if (p->how != PRESENCE_DONE)
				p->how = PRESENCE_ALL;
			break;
		case PRESENCE_ALL:
			/* all present (smaps), or no way to look: the rest is
			 * move_pages()'s */
			*s = p->at;
			*e = p->end;
			p->how = PRESENCE_DONE;
			return *s < *e;
		case PRESENCE_DONE:
			return false;
		}
	}
}

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
	int last;       /* status of the region's last page: node, or < 0 */
};

static int ask_flush(struct region *b, struct ask *a, size_t total)
{
	struct placement *pl = &b->placement;
	char *base = b->ptr;

	if (!a->n)
		return EXIT_OK;
	if (move_pages(0, (unsigned long)a->n, a->addrs, NULL, a->status, 0) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot query page placement", b->id);
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
static int ask_pages(struct region *b, struct ask *a, size_t from, size_t to, size_t total)
{
	char *base = b->ptr;
	int rc = EXIT_OK;

	for (size_t i = from; i < to && !rc; i++) {
		a->addrs[a->n++] = base + i * b->placement.step;
		if (a->n == BATCH)
			rc = ask_flush(b, a, total);
	}
	return rc;
}

static int query_pages(struct region *b, bool map, enum presence_how how)
{
	struct placement *pl = &b->placement;
	/* every kernel page, the last partial one too (base pages only: huge
	 * and THP steps divide the region) */
	size_t step = pl->step, total = (b->map_len + step - 1) / step, next = 0;
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
	presence_open(&p, b, how);
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
		rc = ask_pages(b, &a, from, to, total);
		next = to;
	}
	if (!rc)
		rc = ask_flush(b, &a, total);
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
	/* the last page counts only for the bytes of the region it holds */
	if (a.last >= 0 && a.last < NUMAMEM_MAX_NODES)
		pl->node_bytes[a.last] -= total * step - b->map_len;
	else
		pl->not_present_bytes -= total * step - b->map_len;
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

static int query_region(struct region *b, bool map, const struct smaps_table *t)
{
	struct placement *pl = &b->placement;
	size_t base = (size_t)sysconf(_SC_PAGESIZE);
	double t0 = now_seconds();
	struct smaps_sum sm;
	int status;

	memset(pl, 0, sizeof(*pl));
	sm = smaps_for(t, b);
	if (b->page_size > base) {
		pl->kind = PAGE_HUGETLB;
		pl->step = b->page_size;
	} else {
		pl->huge_bytes = sm.huge;
		pl->kind = pl->huge_bytes ? PAGE_THP : PAGE_BASE;
		pl->step = pl->huge_bytes >= b->map_len && b->map_len % THP_SIZE == 0 &&
					   (uintptr_t)b->ptr % THP_SIZE == 0
				   ? THP_SIZE
				   : base;
	}
	status = query_policy(b);
	if (!status)
		status = query_pages(b, map, presence_start(b, &sm));
	pl->t_query = now_seconds() - t0;
	return status;
}

int placement_query(struct region *regions, size_t n, bool map)
{
	double t0 = now_seconds();
	struct smaps_table t = smaps_load();
	double share = n ? (now_seconds() - t0) / (double)n : 0;
	int status = EXIT_OK;

	for (size_t i = 0; i < n && !status; i++) {
		status = query_region(&regions[i], map, &t);
		regions[i].placement.t_query += share; /* smaps, read once for all */
	}
	smaps_free(&t);
	return status;
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
