/* The process policy for COMMAND; see policy.h.
 *
 * Applied with set_mempolicy(2) and sched_setaffinity(2) themselves
 * (set_mempolicy through libnuma's numaif wrapper): libnuma's
 * numa_set_membind() and friends return nothing and only print a failure,
 * while the child must report one to numamem before it execs. */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"
#include "hostcheck.h"
#include "util.h"
#include "policy.h"
#include "region.h"

#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif

void policy_init(struct process_policy *p)
{
	*p = (struct process_policy){ .mode = -1 };
}

bool policy_given(const struct process_policy *p)
{
	return p->mode >= 0 || p->has_cpunodes || p->has_cpus;
}

static int policy_mode_flags(const struct process_policy *p)
{
	return p->mode | (p->balancing ? MPOL_F_NUMA_BALANCING : 0);
}

static long set_policy(const struct process_policy *p)
{
	unsigned long maxnode = nodemask_maxnode(&p->nodes);

	if (p->mode == POLICY_LOCAL || p->mode == POLICY_DEFAULT)
		return set_mempolicy(p->mode, NULL, 0);
	return set_mempolicy(policy_mode_flags(p), p->nodes.bits, maxnode + 1);
}

/* Does the kernel take the mode with MPOL_F_NUMA_BALANCING (Linux 5.12
 * for bind)?  Asked in a child, so that numamem's own policy is never
 * changed. */
static bool kernel_has_balancing(const struct process_policy *p)
{
	pid_t pid = fork();
	int ws;

	if (pid == 0)
		_exit(set_policy(p) < 0 && errno == EINVAL ? 1 : 0);
	if (pid < 0 || waitpid(pid, &ws, 0) < 0)
		return true; /* cannot tell: let the child's set_mempolicy() say */
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

static int check_cpus(const struct process_policy *p)
{
	cpu_set_t allowed;
	char list[256], what[300];

	/* numamem's option wins over the CPUs it was started on (a
	 * launcher's binding), within the cpuset: see inherit.h */
	host_cpus_cpuset(&allowed);
	cpuset_format(&p->cpus, list, sizeof(list));
	snprintf(what, sizeof(what), "physcpubind '%s'", list);
	return check_cpus_on_host(&p->cpus, &allowed, what, "this process's cpuset");
}

/* Every node of --cpunodebind has a CPU in this process's cpuset; the
 * union of those CPUs is the binding (whatever CPUs numamem was started
 * on, as numactl's numa_run_on_node_mask_all()). */
static int check_cpunodes(struct process_policy *p)
{
	struct nodemask present;
	cpu_set_t cpuset;

	/* Not the allowed memory nodes (Mems_allowed): a memoryless node with
	 * CPUs is never in them, and its CPUs are as good as any. */
	host_nodes_present(&present);
	host_cpus_cpuset(&cpuset);
	CPU_ZERO(&p->cpus);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		cpu_set_t cpus;

		if (!nodemask_isset(&p->cpunodes, n))
			continue;
		if (!nodemask_isset(&present, n))
			return fail(EXIT_UNAVAILABLE, "cpunodebind '%u': node %u does not exist", n, n);
		host_node_cpus_all(n, &cpus);
		CPU_AND(&cpus, &cpus, &cpuset);
		if (!CPU_COUNT(&cpus))
			return fail(EXIT_UNAVAILABLE, "cpunodebind '%u': node %u has no CPU in this process's cpuset", n, n);
		CPU_OR(&p->cpus, &p->cpus, &cpus);
	}
	return EXIT_OK;
}

int policy_validate(struct process_policy *p)
{
	int status = EXIT_OK;

	if (p->mode >= 0 && p->mode != POLICY_LOCAL)
		status = check_nodes_on_host(&p->nodes, true, p->mode_opt, "");
	if (!status && p->mode >= 0)
		status = check_mode_on_host(p->mode);
	if (!status && p->balancing && !kernel_has_balancing(p))
		status = fail(EXIT_UNAVAILABLE, "--balancing with --%s needs Linux 5.12 or later (this is %s)",
			      p->mode_opt, host_kernel_release());
	if (!status && p->has_cpunodes)
		status = check_cpunodes(p);
	if (!status && p->has_cpus && !p->has_cpunodes)
		status = check_cpus(p);
	return status;
}

int policy_apply(const struct process_policy *p, const char **what)
{
	if ((p->has_cpus || p->has_cpunodes) && sched_setaffinity(0, sizeof(p->cpus), &p->cpus) < 0) {
		*what = "sched_setaffinity";
		return -1;
	}
	if (p->mode >= 0 && set_policy(p) < 0) {
		*what = "set_mempolicy";
		return -1;
	}
	return 0;
}
