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
#include <stdlib.h>
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

void policy_free(struct process_policy *p)
{
	free(p->cpus);
	free(p->node_cpus);
	free(p->nodes);
	free(p->cpunodes);
	policy_init(p);
}

#define WORD_BITS (8 * sizeof(unsigned long))
#define CPU_WORDS(p) (((p)->ncpus + WORD_BITS - 1) / WORD_BITS)

unsigned long *policy_cpu_set(struct process_policy *p)
{
	if (!p->ncpus)
		p->ncpus = host_cpu_bits();
	return calloc(CPU_WORDS(p), sizeof(unsigned long));
}

unsigned long *policy_node_set(struct process_policy *p)
{
	if (!p->nnodes)
		p->nnodes = host_node_bits();
	return calloc(NODE_BITS_WORDS(p->nnodes), sizeof(unsigned long));
}

bool policy_past_regions(const struct process_policy *p, size_t *first)
{
	for (size_t n = NUMAMEM_MAX_NODES; p->nodes && n < p->nnodes; n++)
		if (bits_isset(p->nodes, p->nnodes, n)) {
			*first = n;
			return true;
		}
	return false;
}

static bool cpu_bits_any(const struct process_policy *p, const unsigned long *b)
{
	for (size_t i = 0; i < CPU_WORDS(p); i++)
		if (b[i])
			return true;
	return false;
}

bool policy_given(const struct process_policy *p)
{
	return p->mode >= 0 || p->has_cpunodes || p->has_cpus;
}

static int policy_mode_flags(const struct process_policy *p)
{
	return p->mode | (p->balancing ? MPOL_F_NUMA_BALANCING : 0);
}

/* maxnode is one more than the bits the kernel reads (get_nodes()
 * takes maxnode - 1): the highest node + 2, within the set's nnodes. */
static long set_policy(const struct process_policy *p)
{
	unsigned long maxnode = p->nodes ? bits_maxbit(p->nodes, p->nnodes) : 0;

	if (p->mode == POLICY_LOCAL || p->mode == POLICY_DEFAULT || !p->nodes)
		return set_mempolicy(p->mode, NULL, 0);
	return set_mempolicy(policy_mode_flags(p), p->nodes, maxnode + 1);
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

static int check_cpus(struct process_policy *p)
{
	unsigned long *allowed = policy_cpu_set(p);
	char list[256], what[300];
	int status;

	if (!allowed)
		return fail_oom();
	/* numamem's option wins over the CPUs it was started on (a
	 * launcher's binding, taskset's), within the cpuset: see inherit.h;
	 * with --all, the CPUs online */
	if (p->all)
		host_cpus_online_bits(allowed, p->ncpus);
	else
		host_cpus_cpuset_bits(allowed, p->ncpus);
	bits_format(p->cpus, p->ncpus, list, sizeof(list));
	snprintf(what, sizeof(what), "physcpubind '%s'", list);
	status = check_cpu_bits_on_host(p->cpus, allowed, p->ncpus, what,
					p->all ? "the CPUs online" : "this process's cpuset");
	free(allowed);
	return status;
}

/* The CPUs of --cpunodebind's nodes that the cpuset lets this process
 * run on: the kernel bounds sched_setaffinity() by the cpuset, not by
 * the affinity numamem was started with (after taskset -c 0, -N 1 runs
 * on node 1, as numactl's test/bind_range checks).  Nodes without CPUs
 * (CXL, HBM and PMEM memory) add none, as in numactl: -N all runs on
 * every node that has CPUs; a list of only such nodes is refused. */
static int check_cpunodes(struct process_policy *p)
{
	unsigned long *bound, *all_cpus, *node, *present;
	char nodes[256], cpus[256], inside[256];
	int status = EXIT_OK;
	size_t weight = bits_weight(p->cpunodes, p->nnodes);

	free(p->node_cpus);
	p->node_cpus = policy_cpu_set(p);
	bound = policy_cpu_set(p);
	all_cpus = policy_cpu_set(p);
	node = policy_cpu_set(p);
	present = policy_node_set(p);
	if (!p->node_cpus || !bound || !all_cpus || !node || !present) {
		status = fail_oom();
		goto out;
	}
	/* Not the allowed memory nodes (Mems_allowed): a memoryless node with
	 * CPUs is never in them, and its CPUs are as good as any. */
	host_nodes_present_bits(present, p->nnodes);
	host_cpus_cpuset_bits(bound, p->ncpus);
	bits_format(p->cpunodes, p->nnodes, nodes, sizeof(nodes));
	for (size_t n = 0; n < p->nnodes && !status; n++) {
		if (!bits_isset(p->cpunodes, p->nnodes, n))
			continue;
		if (!bits_isset(present, p->nnodes, n)) {
			status = fail(EXIT_UNAVAILABLE, "cpunodebind '%s': node %zu does not exist", nodes, n);
			break;
		}
		host_node_cpus_all_bits((unsigned)n, node, p->ncpus);
		for (size_t i = 0; i < CPU_WORDS(p); i++)
			all_cpus[i] |= node[i];
	}
	for (size_t i = 0; !status && i < CPU_WORDS(p); i++)
		p->node_cpus[i] = all_cpus[i] & bound[i];
	if (status || cpu_bits_any(p, p->node_cpus))
		goto out;
	if (!cpu_bits_any(p, all_cpus)) {
		status = fail(EXIT_UNAVAILABLE, "cpunodebind '%s': %s %s %s no CPU", nodes,
			      weight > 1 ? "nodes" : "node", nodes, weight > 1 ? "have" : "has");
		goto out;
	}
	bits_format(all_cpus, p->ncpus, cpus, sizeof(cpus));
	bits_format(bound, p->ncpus, inside, sizeof(inside));
	status = fail(EXIT_UNAVAILABLE, "cpunodebind '%s': its CPUs (%s) are outside this process's cpuset (%s)",
		      nodes, cpus, inside);
out:
	free(bound);
	free(all_cpus);
	free(node);
	free(present);
	return status;
}

int policy_validate(struct process_policy *p)
{
	int status = EXIT_OK;

	if (p->mode >= 0 && p->mode != POLICY_LOCAL && p->nodes)
		status = check_node_bits_on_host(p->nodes, p->nnodes, true, !p->all, p->mode_opt, "");
	if (!status && p->mode >= 0)
		status = check_mode_on_host(p->mode);
	if (!status && p->balancing && !kernel_has_balancing(p))
		status = fail(EXIT_UNAVAILABLE, "--balancing with --%s needs Linux 5.12 or later (this is %s)",
			      p->mode_opt, host_kernel_release());
	if (!status && p->has_cpunodes)
		status = check_cpunodes(p);
	if (!status && p->has_cpus)
		status = check_cpus(p);
	return status;
}

/* The CPUs COMMAND ends up on (the last of --cpunodebind and
 * --physcpubind given, as policy_apply() leaves them), its first
 * CPU_SETSIZE as a cpu_set_t, for the report. */
void policy_final_cpus(const struct process_policy *p, cpu_set_t *out)
{
	const unsigned long *last = p->has_cpus && (!p->has_cpunodes || p->cpus_last) ? p->cpus : p->node_cpus;
	size_t n = CPU_WORDS(p) * sizeof(unsigned long);

	CPU_ZERO(out);
	if (last)
		memcpy(out, last, n < sizeof(*out) ? n : sizeof(*out));
}

int policy_apply(const struct process_policy *p, const char **what)
{
	/* both, in the order given, as numactl does: the last one stands */
	const unsigned long *first = p->has_cpunodes ? p->node_cpus : p->cpus,
			    *second = p->has_cpunodes && p->has_cpus ? p->cpus : NULL;
	size_t bytes = CPU_WORDS(p) * sizeof(unsigned long);

	if (p->has_cpunodes && p->has_cpus && !p->cpus_last) {
		second = p->node_cpus;
		first = p->cpus;
	}
	if ((p->has_cpus || p->has_cpunodes) &&
	    (sched_setaffinity(0, bytes, (const cpu_set_t *)first) < 0 ||
	     (second && sched_setaffinity(0, bytes, (const cpu_set_t *)second) < 0))) {
		*what = "sched_setaffinity";
		return -1;
	}
	if (p->mode >= 0 && set_policy(p) < 0) {
		*what = "set_mempolicy";
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ --show */

/* Nodes as get_mempolicy() gives them: room for any node the kernel can
 * have (MAX_NUMNODES is at most 1 << 10). */
#define SHOW_NODES 4096
#define SHOW_LONGS (SHOW_NODES / (8 * sizeof(unsigned long)))
#define SHOW_ISSET(m, n) (((m)[(n) / (8 * sizeof(unsigned long))] >> ((n) % (8 * sizeof(unsigned long)))) & 1)

/* "name: 0 1 \n", numactl's printmask() */
static void show_nodes(FILE *out, const char *name, const unsigned long *m)
{
	fprintf(out, "%s: ", name);
	for (unsigned n = 0; n < SHOW_NODES; n++)
		if (SHOW_ISSET(m, n))
			fprintf(out, "%u ", n);
	fputc('\n', out);
}

static int first_node(const unsigned long *m)
{
	for (unsigned n = 0; n < SHOW_NODES; n++)
		if (SHOW_ISSET(m, n))
			return (int)n;
	return -1;
}

/* The affinity, however many CPUs the kernel has: the set grows until
 * sched_getaffinity() takes it. */
static cpu_set_t *show_affinity(size_t *bytes)
{
	for (size_t ncpus = CPU_SETSIZE; ncpus <= (1u << 22); ncpus *= 2) {
		cpu_set_t *set = CPU_ALLOC(ncpus);

		*bytes = CPU_ALLOC_SIZE(ncpus);
		if (!set)
			return NULL;
		CPU_ZERO_S(*bytes, set);
		if (sched_getaffinity(0, *bytes, set) == 0)
			return set;
		CPU_FREE(set);
		if (errno != EINVAL)
			return NULL;
	}
	return NULL;
}

void policy_show(FILE *out)
{
	static const char *const names[] = { "default", "preferred", "bind", "interleave", "local",
					     "preferred-many" };
	unsigned long nodes[SHOW_LONGS] = { 0 }, allowed[SHOW_LONGS] = { 0 }, cpubind[SHOW_LONGS] = { 0 };
	unsigned nbits = host_node_bits() < SHOW_NODES ? host_node_bits() : SHOW_NODES;
	size_t bytes = 0;
	cpu_set_t *aff = show_affinity(&bytes);
	unsigned long *node;
	int mode = 0, next = 0;

	if (get_mempolicy(&mode, nodes, SHOW_NODES, NULL, 0) < 0)
		mode = 0;
	if (get_mempolicy(&next, NULL, 0, NULL, MPOL_F_NODE) < 0)
		next = 0; /* only interleave has a next node */
	host_nodes_allowed_bits(allowed, nbits);
	node = aff ? calloc(bytes, 1) : NULL;
	for (unsigned n = 0; n < nbits; n++) {
		if (!bits_isset(allowed, nbits, n))
			continue;
		if (!node)
			continue;
		host_node_cpus_all_bits(n, node, 8 * bytes);
		for (size_t i = 0; i < bytes / sizeof(*node); i++)
			if (node[i] & ((unsigned long *)aff)[i]) {
				cpubind[n / WORD_BITS] |= 1UL << (n % WORD_BITS);
				break;
			}
	}
	free(node);
	if ((size_t)mode < ARRAY_SIZE(names))
		fprintf(out, "policy: %s\n", names[mode]);
	else
		fprintf(out, "policy: [%d]\n", mode);
	/* a mode numactl has no case for (local, weighted interleave, one
	 * with flags) leaves the line open, as numactl does */
	fprintf(out, "preferred node: ");
	if (mode == POLICY_PREFERRED)
		fprintf(out, "%d\n", first_node(nodes) >= 0 ? first_node(nodes) : 0);
	else if (mode == POLICY_DEFAULT)
		fprintf(out, "current\n");
	else if (mode == POLICY_INTERLEAVE)
		fprintf(out, "%d (interleave next)\n", next);
	else if (mode == POLICY_BIND)
		fprintf(out, "%d\n", first_node(nodes));
	else if (mode == POLICY_PREFERRED_MANY)
		fprintf(out, "%d (preferred-many)\n", next);
	if (mode == POLICY_INTERLEAVE) {
		show_nodes(out, "interleavemask", nodes);
		fprintf(out, "interleavenode: %d\n", next);
	}
	fprintf(out, "physcpubind: ");
	for (size_t c = 0; aff && c < 8 * bytes; c++)
		if (CPU_ISSET_S(c, bytes, aff))
			fprintf(out, "%zu ", c);
	fputc('\n', out);
	show_nodes(out, "cpubind", cpubind);
	show_nodes(out, "nodebind", cpubind);
	show_nodes(out, "membind", mode == POLICY_BIND ? nodes : allowed);
	show_nodes(out, "preferred", nodes);
	if (aff)
		CPU_FREE(aff);
}
