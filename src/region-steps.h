/* The checks and steps of validate and complete (region.c) that a live
 * region takes again (region-live.c): a new policy is checked as at
 * validate, a grown tail is advised, bound and preallocated as complete
 * made the rest.  Only those two files include this. */
#ifndef NUMAMEM_REGION_STEPS_H
#define NUMAMEM_REGION_STEPS_H

#include <stddef.h>
#include <stdint.h>

#include "region.h"

/* QEMU's policy / host-nodes consistency; one line, exit status. */
int region_policy_consistent(const struct region *r);
/* The host checks of node list m, the property prop of r. */
int region_nodes_on_host(const struct region *r, const struct nodemask *m, const char *prop);
/* The MPOL_* mode mbind() gets for r's policy on this kernel. */
int region_effective_mode(const struct region *r);
/* A size as the user may have written it: 3M, 1536K, 3000. */
const char *size_as_written(uint64_t v, char *buf, size_t len);
/* Can the nodes r may use hold a prealloc of bytes, beyond promised? */
int region_check_room(const struct region *r, uint64_t bytes, uint64_t promised);
/* THP advice for [ptr, ptr + len) as r's kind and --thp ask. */
void region_advise_thp(const struct region *r, void *ptr, size_t len);
/* mbind of [ptr, ptr + len) to r's policy (weights: the stripes). */
int region_bind(struct region *r, void *ptr, size_t len);
/* Preallocate len bytes from byte from of r. */
int region_populate(struct region *r, uint64_t from, uint64_t len);

#endif
