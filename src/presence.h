/* Which pages of a range are present in this process's page tables:
 * smaps read once for many ranges, then PAGEMAP_SCAN or pagemap over
 * what smaps cannot decide.  The answers only choose what to ask
 * move_pages() about (placement.c); they never decide a node. */
#ifndef NUMAMEM_PRESENCE_H
#define NUMAMEM_PRESENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every mapping of this process as smaps describes it. */
struct vma_stat {
	uintptr_t start, end;
	uint64_t resident, huge;
};

struct smaps_table {
	struct vma_stat *v;
	size_t n;
	bool read;
};

/* What smaps says of a range: the THP-mapped bytes of the mapping that
 * starts at the range (they decide the query step), and the bytes
 * present in page tables over every mapping the range overlaps (Rss,
 * plus the hugetlb lines, which Rss leaves out).  A range can be several
 * mappings (mbind or mprotect split it) and a mapping can reach beyond
 * the range (a neighbour with the same flags merged into it): resident
 * is then more than the range's, never less. */
struct smaps_sum {
	uint64_t huge, resident;
	uint64_t span;          /* bytes of the mappings the range overlaps */
	bool read;
};

/* Read /proc/self/smaps once for all the ranges that follow (.read is
 * false when it could not be read: every range is then looked at). */
struct smaps_table smaps_load(void);
void smaps_free(struct smaps_table *t);
/* The share of [start, start + len) in the table. */
struct smaps_sum smaps_for(const struct smaps_table *t, const void *start, size_t len);

enum presence_how { PRESENCE_SCAN, PRESENCE_PAGEMAP, PRESENCE_ALL, PRESENCE_DONE };

struct page_region;

/* A walk over the present pages of one range, in address order. */
struct presence {
	enum presence_how how;
	int fd;
	uintptr_t base, end, at;   /* at: where the next look starts */
	size_t page;
	struct page_region *vec;
	size_t n, i;               /* ranges in vec, the next one */
	uint64_t *entries;
};

/* Start the walk over [start, start + len); sm says where to begin. */
void presence_open(struct presence *p, const void *start, size_t len, const struct smaps_sum *sm);
/* The next range [*s, *e) that may hold present pages; false at the
 * end of the range. */
bool presence_next(struct presence *p, uintptr_t *s, uintptr_t *e);
void presence_close(struct presence *p);

#endif
