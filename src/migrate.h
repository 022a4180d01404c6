/* --pid --migrate=FROM:TO: the pages of a process numamem did not start
 * moved from nodes FROM to nodes TO with migrate_pages(2), through
 * libnuma's numa_migrate_pages() as migratepages(8) does; what moved is
 * counted from /proc/PID/numa_maps before and after. */
#ifndef NUMAMEM_MIGRATE_H
#define NUMAMEM_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"

struct migrate_request {
	bool given;
	struct nodemask from, to;
};

struct migrate_result {
	long not_moved;      /* migrate_pages(2)'s answer: pages it could not move */
	double seconds;      /* the call alone */
	uint64_t before[NUMAMEM_MAX_NODES], after[NUMAMEM_MAX_NODES]; /* bytes per node */
	uint64_t from_bytes; /* on FROM before */
	uint64_t moved[NUMAMEM_MAX_NODES];  /* bytes that left each FROM node */
	uint64_t failed[NUMAMEM_MAX_NODES]; /* bytes still on each FROM node, not in TO */
	uint64_t moved_bytes, failed_bytes;
};

/* FROM and TO against the host (nodes that exist and have memory), one
 * line and an exit status. */
int migrate_check(const struct migrate_request *m);
/* Move pid's pages; before and after are the process's numa_maps totals
 * per node, read by the caller around this call.  0, or an exit status
 * after one line (no such process, permission, the kernel's refusal). */
int migrate_run(long pid, const struct migrate_request *m, struct migrate_result *res);
/* moved and failed from before and after (pure). */
void migrate_count(const struct migrate_request *m, struct migrate_result *res);

#endif
