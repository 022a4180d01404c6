/* The checks every node list and policy mode gets against this host
 * before anything is allocated, for a region's and for COMMAND's own. */
#ifndef NUMAMEM_HOSTCHECK_H
#define NUMAMEM_HOSTCHECK_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/nodemask.h"

/* The node checks every node list gets before anything is allocated:
 * each node in m exists, has memory (need_memory) and may be used by
 * this process.  prop names the list ("host-nodes", "membind"), owner
 * follows the value (" of region 'm0'", or ""); one line, exit status. */
int check_nodes_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner);
/* The same without the last check (--all: the kernel bounds the policy
 * by the cpuset itself). */
int check_nodes_exist_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner);
/* The same two for a bit array of nbits bits (host_node_bits():
 * numactl's options, nodes past 127); need_allowed false is --all. */
int check_node_bits_on_host(const unsigned long *m, size_t nbits, bool need_memory, bool need_allowed,
			    const char *prop, const char *owner);
/* Each CPU in cpus is online and in allowed (outside says what allowed
 * is: "the CPUs this process may use"); what names the list and its
 * value ("physcpubind '0-3'"); one line, exit status. */
int check_cpus_on_host(const cpu_set_t *cpus, const cpu_set_t *allowed, const char *what, const char *outside);
/* The same for bit arrays of ncpus bits (numactl's options, past 1024). */
int check_cpu_bits_on_host(const unsigned long *cpus, const unsigned long *allowed, size_t ncpus, const char *what,
			   const char *outside);
/* The running kernel has MPOL_* mode, or one line naming the release it
 * needs; exit status. */
int check_mode_on_host(int mode);

#endif
