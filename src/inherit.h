/* What COMMAND inherits from whoever started numamem, and what it runs
 * under in the end.
 *
 * A launcher (Slurm's srun, mpirun) or a parent (taskset, numactl) may
 * have set numamem's memory policy and CPU affinity already: COMMAND
 * inherits both across fork and exec unless numamem's own options
 * (--membind, --physcpubind, ...) replace them.  The rule: numamem's
 * explicit option wins, within the cpuset (the CPUs and nodes the
 * process's cgroup allows; policy.c refuses anything outside it).  When
 * the option disagrees with what was inherited, numamem says so in one
 * line on stderr; the report says which policy and CPUs COMMAND ran
 * under and who set them. */
#ifndef NUMAMEM_INHERIT_H
#define NUMAMEM_INHERIT_H

#include <sched.h>
#include <stdbool.h>

#include "lib/parse.h"
#include "policy.h"

/* Who set what COMMAND runs under. */
enum set_by {
	SET_BY_DEFAULT,   /* nobody: the default policy, every CPU of the cpuset */
	SET_BY_INHERITED, /* a parent that is no launcher numamem knows (taskset, numactl) */
	SET_BY_LAUNCHER,  /* the launcher, as its variables say (SLURM_MEM_BIND, SLURM_CPU_BIND) */
	SET_BY_NUMAMEM,   /* numamem's own option */
	SET_BY_COUNT
};
extern const char *const set_by_names[SET_BY_COUNT];

struct launcher {
	const char *name;      /* "slurm", "open-mpi", or NULL */
	const char *cpu_bind;  /* SLURM_CPU_BIND, or NULL */
	const char *mem_bind;  /* SLURM_MEM_BIND, or NULL */
	/* what numamem was started with */
	int mode;              /* enum policy, from get_mempolicy(2) */
	/* node sets of any node the kernel can have (nodes past 127) */
	unsigned long nodes[NODE_BITS_WORDS(KERNEL_NODES_MAX)];
	cpu_set_t cpus;        /* sched_getaffinity(2) */
	cpu_set_t cpuset;      /* what the cgroup cpuset allows */
	enum set_by mem_inherited, cpus_inherited;
	/* what COMMAND runs under */
	int ran_mode;
	unsigned long ran_nodes[NODE_BITS_WORDS(KERNEL_NODES_MAX)];
	cpu_set_t ran_cpus;
	enum set_by mem_by, cpus_by;
	bool mem_conflict, cpus_conflict; /* numamem's option overrode what was inherited */
};

/* Read what this process inherited (its policy, CPUs and the launcher's
 * variables), then weigh COMMAND's own options p (validated) against it:
 * fills the ran_* fields and prints one warning line for each conflict.
 * Call before numamem changes its own policy or CPUs. */
void launcher_weigh(struct launcher *l, const struct process_policy *p);

#endif
