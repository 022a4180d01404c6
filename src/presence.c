/* Presence: which pages of a range the page tables hold, so that
 * placement.c asks move_pages() about those alone (see "Finding the
 * present pages" below). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "presence.h"

void smaps_free(struct smaps_table *t)
{
	free(t->v);
	*t = (struct smaps_table){ 0 };
}

/* Read once for all ranges: a read per range would cost n² for n
 * ranges (10,000 regions are 10,000 mappings). */
struct smaps_table smaps_load(void)
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

/* Mappings are in address order: a binary search finds the first one
 * that ends past the range's start. */
struct smaps_sum smaps_for(const struct smaps_table *t, const void *start, size_t len)
{
	uintptr_t lo = (uintptr_t)start, hi = lo + len;
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
 * - smaps Rss = 0 over the range's mappings: nothing is present, no
 *   per-page work at all (0.04 ms whatever the size).  Rss = the size
 *   of mappings that are exactly the range: everything is present, and
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
 * map stay exact.  Whatever fails leaves the rest of the range to
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

/* Where to start looking, from what smaps says. */
static enum presence_how presence_start(size_t len, const struct smaps_sum *sm)
{
	if (!sm->read)
		return PRESENCE_SCAN;
	if (!sm->resident)
		return PRESENCE_DONE;
	if (sm->span == sm->resident && sm->span == len)
		return PRESENCE_ALL;
	return PRESENCE_SCAN;
}

void presence_open(struct presence *p, const void *start, size_t len, const struct smaps_sum *sm)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	*p = (struct presence){
		.how = presence_start(len, sm),
		.fd = -1,
		.base = (uintptr_t)start,
		.end = (uintptr_t)start + (len + page - 1) / page * page,
		.at = (uintptr_t)start,
		.page = page,
	};
	if (p->how != PRESENCE_SCAN)
		return;
	p->fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		p->how = PRESENCE_ALL;
}

void presence_close(struct presence *p)
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

bool presence_next(struct presence *p, uintptr_t *s, uintptr_t *e)
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

