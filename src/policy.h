/* The process policy for COMMAND: numactl's --membind, --interleave,
 * --preferred, --preferred-many, --weighted-interleave, --localalloc,
 * --balancing, --cpunodebind and --physcpubind.  Parsed into one struct,
 * checked against the host with the node checks regions use, before
 * anything is allocated, and applied in the process that becomes COMMAND
 * (the forked child, or numamem itself right before exec). */
#ifndef NUMAMEM_POLICY_H
#define NUMAMEM_POLICY_H

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/parse.h"

struct process_policy {
	int mode;              /* enum policy (MPOL_*); -1: none given */
	const char *mode_opt;  /* the option that gave it: "membind" */
	/* Node sets as bit arrays of nnodes bits (host_node_bits(): the
	 * kernel's MAX_NUMNODES, past struct nodemask's 128), allocated when
	 * given; NULL: none */
	size_t nnodes;
	unsigned long *nodes;  /* the memory policy's nodes (none for localalloc) */
	bool balancing;        /* MPOL_F_NUMA_BALANCING */
	bool all;              /* --all: lists and checks ignore the cpuset
				  and the affinity, as numactl's -a */
	bool has_cpunodes, has_cpus;
	bool cpus_last;        /* --physcpubind came after --cpunodebind:
				  numactl applies both, in order */
	unsigned long *cpunodes; /* --cpunodebind's nodes */
	/* CPU sets as bit arrays of ncpus bits (host_cpu_bits(): the
	 * kernel's NR_CPUS, past cpu_set_t's 1024), allocated when needed */
	size_t ncpus;
	unsigned long *cpus;      /* --physcpubind */
	unsigned long *node_cpus; /* once validated: the CPUs of
				     --cpunodebind's nodes, within the cpuset */
};

void policy_init(struct process_policy *p);
void policy_free(struct process_policy *p);
/* An empty CPU set of p->ncpus bits (set from host_cpu_bits() the first
 * time), or NULL when out of memory. */
unsigned long *policy_cpu_set(struct process_policy *p);
/* An empty node set of p->nnodes bits (set from host_node_bits() the
 * first time), or NULL when out of memory. */
unsigned long *policy_node_set(struct process_policy *p);
/* Does the memory policy name a node from NUMAMEM_MAX_NODES up (one a
 * region's per-node counts cannot hold)?  *first: the first such. */
bool policy_past_regions(const struct process_policy *p, size_t *first);
/* Anything to apply? */
bool policy_given(const struct process_policy *p);
/* Nodes exist, have memory (for the memory policy), may be used; CPUs
 * are online and allowed; the kernel has the mode and flag.  One line
 * and an exit status, before anything is allocated. */
int policy_validate(struct process_policy *p);
/* CPU binding, then the memory policy, on the calling thread (inherited
 * across fork and exec).  0, or -1 with *what naming the call and errno
 * set; prints nothing (it runs in a child between fork and exec). */
/* The CPUs COMMAND ends up on, as a cpu_set_t (the report's). */
void policy_final_cpus(const struct process_policy *p, cpu_set_t *out);
int policy_apply(const struct process_policy *p, const char **what);
/* numactl --show of the calling process, byte for byte (numactl
 * 2.0.16's show()): policy, preferred node, CPUs, nodes. */
void policy_show(FILE *out);
#endif
