/* COMMAND in a cgroup v2 of its own, where this host delegates one with
 * the memory controller: memory.peak (Linux 5.19), the exact high-water
 * mark of every page charged to the workload, and memory.numa_stat, its
 * pages per node now.  Made before COMMAND execs (the child writes
 * itself into cgroup.procs), removed once it has exited, on every path. */
#ifndef NUMAMEM_CGROUP_H
#define NUMAMEM_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"

struct cgroup {
	char path[PATH_MAX];    /* the workload's cgroup, "" when none */
	char parent[PATH_MAX];  /* numamem's own, where leftovers go back */
	int procs_fd;           /* its cgroup.procs, open for the child; -1 */
	char why[300];          /* why there is none */
	char was[PATH_MAX];     /* the path it had, once removed */
};

/* Probe delegation and make the workload's cgroup: 0, or -1 with why. */
int cgroup_create(struct cgroup *cg);
/* In the forked child, before exec: join the cgroup (async-signal-safe).
 * 0, or -1 with errno. */
int cgroup_enter(const struct cgroup *cg);
/* memory.peak: the bytes, or -1 when the kernel has no memory.peak. */
int64_t cgroup_peak(const struct cgroup *cg);
/* memory.numa_stat's anon, shmem and file per node now.  0 or -1. */
int cgroup_numa_stat(const struct cgroup *cg, uint64_t anon[NUMAMEM_MAX_NODES], uint64_t shmem[NUMAMEM_MAX_NODES],
		     uint64_t file[NUMAMEM_MAX_NODES]);
/* Processes left in it go back to numamem's cgroup; then it is removed. */
void cgroup_remove(struct cgroup *cg);

#endif
