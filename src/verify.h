/* The regions' placement: queried (placement.c, the regions described
 * to it as ranges) and judged against each region's policy (--verify). */
#ifndef NUMAMEM_VERIFY_H
#define NUMAMEM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

struct region;

/* Fill each region's placement (and its map when map is set), the n
 * regions asked about in one batch.  Returns 0 or an exit status after
 * a message. */
int regions_query(struct region *regions, size_t n, bool map);
/* --verify: judge r->placement against r's policy (sets verdict and
 * reason). */
void region_verify(struct region *r);

#endif
