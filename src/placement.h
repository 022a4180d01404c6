/* Where a region's pages are: move_pages() per kernel page, the policy
 * as the kernel reports it, and the policy check behind --verify. */
#ifndef NUMAMEM_PLACEMENT_H
#define NUMAMEM_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/judge.h"
#include "lib/parse.h"

enum page_kind { PAGE_BASE, PAGE_THP, PAGE_HUGETLB };
extern const char *const page_kind_names[];


/* --map: the region cut in up to MAP_CELLS equal chunks, each holding
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
	enum verdict verdict;
	char reason[160];       /* why verify failed, or what it checked */
};

struct region;

/* Fill each region's placement (and its map when map is set); the
 * process's mappings are read once for all.  Returns 0 or an exit
 * status after a message. */
int placement_query(struct region *regions, size_t n, bool map);
/* Judge b->placement against b's policy (sets verdict and reason). */
void placement_verify(struct region *b);

#endif
