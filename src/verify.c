/* The region side of placement: regions described to placement.c as
 * ranges, and the --verify judgement of what it found against each
 * region's policy (the judge itself is lib/judge.c, pure). */
#include "config.h"

#include <stdlib.h>

#include "host.h"
#include "util.h"
#include "region.h"
#include "verify.h"

int regions_query(struct region *regions, size_t n, bool map)
{
	struct placement_target *t = n ? calloc(n, sizeof(*t)) : NULL;
	int status;

	if (n && !t)
		return fail_oom();
	for (size_t i = 0; i < n; i++)
		t[i] = (struct placement_target){
			.id = regions[i].id,
			.start = regions[i].ptr,
			.len = regions[i].size,
			.page_size = regions[i].page_size,
			.pl = &regions[i].placement,
		};
	/* one batch: placement reads the process's mappings once for all */
	status = placement_query(t, n, map);
	free(t);
	return status;
}

void region_verify(struct region *r)
{
	struct placement *pl = &r->placement;
	struct judge_input in = {
		.mode = r->kernel_mode,
		.nodes = r->host_nodes,
		.node_bytes = pl->node_bytes,
		.present_bytes = pl->present_bytes,
		/* interleave deals out kernel pages, huge where the region is */
		.unit = pl->kind == PAGE_THP ? PLACEMENT_THP_SIZE : r->page_size,
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
