/* Where the pages of a range are: move_pages() per kernel page, and the
 * policy as the kernel reports it.  placement knows ranges, not regions
 * (verify.c describes regions to it). */
#ifndef NUMAMEM_PLACEMENT_H
#define NUMAMEM_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/judge.h"
#include "lib/parse.h"

enum page_kind { PAGE_BASE, PAGE_THP, PAGE_HUGETLB };
extern const char *const page_kind_names[];

/* A transparent huge page: the query step where THP maps a whole range. */
#define PLACEMENT_THP_SIZE (2UL << 20)


/* --map: the range cut in up to MAP_CELLS equal chunks, each holding
 * the node that has more than half of its pages, or MAP_ABSENT (more
 * than half absent) or MAP_MIXED (no node has). */
#define MAP_CELLS 256
#define MAP_ABSENT (-1)
#define MAP_MIXED (-2)

struct placement {
	uint64_t node_bytes[NUMAMEM_MAX_NODES];
	uint64_t present_bytes, not_present_bytes;
	size_t step;            /* bytes per move_pages() query */
	enum page_kind kind;
	uint64_t huge_bytes;    /* THP-mapped bytes (smaps) */
	int kernel_mode;        /* get_mempolicy(MPOL_F_ADDR), flags stripped */
	unsigned kernel_flags;  /* the MPOL_F_* flags it reported */
	struct nodemask kernel_nodes;
	double t_query;
	unsigned ncells;        /* 0 unless asked for a map */
	short cells[MAP_CELLS];
	struct nodemask map_mixed; /* nodes in MAP_MIXED cells */
	uint32_t *tally;        /* pages per cell and node, while querying */
	enum verdict verdict;   /* set by --verify's judge, not by the query */
	char reason[160];       /* why verify failed, or what it checked */
};

/* A range to ask about. */
struct placement_target {
	const char *id;         /* the region the messages name */
	void *start;
	size_t len;
	size_t page_size;       /* backing page size: above the base page for hugetlb */
	struct placement *pl;   /* filled in (cleared first) */
};

/* Fill each target's placement (and its map when map is set).  The
 * process's mappings are read once for the whole batch: ask about many
 * ranges in one call, not one call per range (10,000 ranges must cost
 * linear time).  Returns 0 or an exit status after a message. */
int placement_query(const struct placement_target *targets, size_t n, bool map);

#endif
