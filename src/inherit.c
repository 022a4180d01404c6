/* What COMMAND inherits, and what it runs under; see inherit.h.
 *
 * Slurm's task/affinity plugin sets a task's CPUs (--cpu-bind) with
 * sched_setaffinity() and its memory (--mem-bind) with libnuma's
 * numa_set_membind() or numa_set_preferred() before it execs the task,
 * and says so in SLURM_CPU_BIND and SLURM_MEM_BIND (their _TYPE
 * variables are "none" when it bound nothing).  numamem reads its own
 * policy and affinity, which are exactly what it inherited: nothing in
 * numamem changes either before COMMAND starts. */
#include "config.h"

#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "inherit.h"
#include "lib/mempolicy.h"
#include "util.h"

const char *const set_by_names[SET_BY_COUNT] = {
	[SET_BY_DEFAULT] = "default",
	[SET_BY_INHERITED] = "inherited",
	[SET_BY_LAUNCHER] = "launcher",
	[SET_BY_NUMAMEM] = "numamem",
};

/* SLURM_*_BIND_TYPE says Slurm bound something ("none" when it did not). */
static bool slurm_bound(const char *type_var)
{
	const char *t = getenv(type_var);

	return t && *t && strncmp(t, "none", 4) != 0;
}

static void read_inherited(struct launcher *l)
{
	int mode = POLICY_DEFAULT;

	if (getenv("SLURM_JOB_ID"))
		l->name = "slurm";
	else if (getenv("OMPI_COMM_WORLD_RANK"))
		l->name = "open-mpi";
	l->cpu_bind = getenv("SLURM_CPU_BIND");
	l->mem_bind = getenv("SLURM_MEM_BIND");
	/* maxnode below the kernel's nr_node_ids is EINVAL: room for all */
	if (get_mempolicy(&mode, l->nodes, KERNEL_NODES_MAX, NULL, 0) < 0)
		mode = POLICY_DEFAULT;
	l->mode = mode & 0xff;
	/* kernels before 5.13 keep MPOL_LOCAL as preferred with no node */
	if (l->mode == POLICY_PREFERRED && !bits_maxbit(l->nodes, KERNEL_NODES_MAX))
		l->mode = POLICY_LOCAL;
	if (l->mode == POLICY_DEFAULT || l->mode == POLICY_LOCAL)
		memset(l->nodes, 0, sizeof(l->nodes));
	host_cpus_allowed(&l->cpus);
	host_cpus_cpuset(&l->cpuset);

	if (l->mode == POLICY_DEFAULT)
		l->mem_inherited = SET_BY_DEFAULT;
	else
		l->mem_inherited = l->name && slurm_bound("SLURM_MEM_BIND_TYPE") ? SET_BY_LAUNCHER : SET_BY_INHERITED;
	if (CPU_EQUAL(&l->cpus, &l->cpuset))
		l->cpus_inherited = SET_BY_DEFAULT;
	else
		l->cpus_inherited = l->name && slurm_bound("SLURM_CPU_BIND_TYPE") ? SET_BY_LAUNCHER : SET_BY_INHERITED;
}

static bool nodes_within(const unsigned long *a, const unsigned long *b)
{
	for (size_t w = 0; w < NODE_BITS_WORDS(KERNEL_NODES_MAX); w++)
		if (a[w] & ~b[w])
			return false;
	return true;
}

/* "the launcher set (SLURM_MEM_BIND=quiet,local)" or "a parent process set" */
static const char *whose(const struct launcher *l, enum set_by by, const char *var, const char *value, char *buf,
			 size_t len)
{
	if (by == SET_BY_LAUNCHER)
		snprintf(buf, len, "the launcher set (%s=%s)", var, value ? value : "");
	else
		snprintf(buf, len, "a parent process%s%s set", l->name ? " under " : "", l->name ? l->name : "");
	return buf;
}

static void weigh_memory(struct launcher *l, const struct process_policy *p)
{
	char asked[160], had[160], who[300];

	l->ran_mode = l->mode;
	memcpy(l->ran_nodes, l->nodes, sizeof(l->ran_nodes));
	l->mem_by = l->mem_inherited;
	if (p->mode < 0)
		return;
	l->ran_mode = p->mode;
	memset(l->ran_nodes, 0, sizeof(l->ran_nodes));
	for (size_t n = 0; p->mode != POLICY_LOCAL && p->nodes && n < p->nnodes; n++)
		if (bits_isset(p->nodes, p->nnodes, n))
			bits_set(l->ran_nodes, KERNEL_NODES_MAX, n);
	l->mem_by = SET_BY_NUMAMEM;
	/* the same policy on the inherited nodes (or some of them) agrees */
	if (l->mem_inherited == SET_BY_DEFAULT || (p->mode == l->mode && nodes_within(l->ran_nodes, l->nodes)))
		return;
	l->mem_conflict = true;
	/* a launcher's binding overridden is said; a parent's (taskset,
	 * numactl) is what numactl itself replaces in silence: the report
	 * says it */
	if (l->mem_inherited != SET_BY_LAUNCHER)
		return;
	bits_format(l->ran_nodes, KERNEL_NODES_MAX, asked, sizeof(asked));
	bits_format(l->nodes, KERNEL_NODES_MAX, had, sizeof(had));
	warn_msg("--%s%s%s overrides memory policy %s%s%s, which %s: numamem's option wins", p->mode_opt,
		 *asked ? " " : "", asked, policy_names[l->mode], *had ? " " : "", had,
		 whose(l, l->mem_inherited, "SLURM_MEM_BIND", l->mem_bind, who, sizeof(who)));
}

static void weigh_cpus(struct launcher *l, const struct process_policy *p)
{
	char asked[400], had[256], who[300];
	cpu_set_t outside;
	int n;

	l->ran_cpus = l->cpus;
	l->cpus_by = l->cpus_inherited;
	if (!p->has_cpus && !p->has_cpunodes)
		return;
	policy_final_cpus(p, &l->ran_cpus);
	l->cpus_by = SET_BY_NUMAMEM;
	/* CPUs among the inherited ones agree; any other is a conflict */
	CPU_XOR(&outside, &l->ran_cpus, &l->cpus);
	CPU_AND(&outside, &outside, &l->ran_cpus);
	if (l->cpus_inherited == SET_BY_DEFAULT || !CPU_COUNT(&outside))
		return;
	l->cpus_conflict = true;
	if (l->cpus_inherited != SET_BY_LAUNCHER)
		return; /* a parent's binding: in silence, as numactl (the report says it) */
	n = 0;
	if (p->has_cpunodes) {
		n = bits_format(p->cpunodes, p->nnodes, asked, sizeof(asked));
		n = n < 0 || (size_t)n >= sizeof(asked) - 8 ? 0 : n;
		n += snprintf(asked + n, sizeof(asked) - (size_t)n, " (CPUs ");
	}
	cpuset_format(&l->ran_cpus, asked + n, sizeof(asked) - (size_t)n);
	if (p->has_cpunodes)
		strncat(asked, ")", sizeof(asked) - strlen(asked) - 1);
	cpuset_format(&l->cpus, had, sizeof(had));
	warn_msg("--%s %s overrides CPUs %s, which %s: numamem's option wins",
		 p->has_cpunodes ? "cpunodebind" : "physcpubind", asked, had,
		 whose(l, l->cpus_inherited, "SLURM_CPU_BIND", l->cpu_bind, who, sizeof(who)));
}

void launcher_weigh(struct launcher *l, const struct process_policy *p)
{
	*l = (struct launcher){ 0 };
	read_inherited(l);
	weigh_memory(l, p);
	weigh_cpus(l, p);
}
