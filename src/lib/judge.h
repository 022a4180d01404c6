/* The verdict of --verify: does a placement keep its policy?  Pure:
 * everything it needs is given, so that every verdict is unit tested. */
#ifndef NUMAMEM_JUDGE_H
#define NUMAMEM_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"

enum verdict { VERIFY_SKIPPED, VERIFY_PASS, VERIFY_FAIL };
extern const char *const verdict_names[];

/* Everything judging a placement needs, given: judging reads nothing
 * of the host, so that every verdict can be unit tested. */
struct judge_input {
	int mode;                    /* the MPOL_* mode the region got */
	struct nodemask nodes;       /* host-nodes */
	const uint64_t *node_bytes;  /* present bytes per node */
	uint64_t present_bytes;
	uint64_t unit;               /* bytes interleave deals out at once */
	bool huge;                   /* hugetlb pages: preferred gets no slack */
	unsigned weights[NUMAMEM_MAX_NODES]; /* weighted interleave, per node */
	uint64_t room[NUMAMEM_MAX_NODES];    /* free bytes per preferred node */
};

/* The verdict on a placement, and why, in reason. */
enum verdict placement_judge(const struct judge_input *in, char *reason, size_t len);

#endif
