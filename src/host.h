/* Facts about this host that validation and prealloc need: which nodes
 * exist, have memory, may be used; free memory and huge pages per node;
 * node CPUs; which policies the running kernel has. */
#ifndef NUMAMEM_HOST_H
#define NUMAMEM_HOST_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

/* Nodes present / with memory / allowed for this process (libnuma). */
void host_nodes_present(struct nodemask *m);
void host_nodes_with_memory(struct nodemask *m);
void host_nodes_allowed(struct nodemask *m);
/* CPUs of the nodes in m that this process may run on; false if none. */
bool host_node_cpus(const struct nodemask *m, cpu_set_t *cpus);
/* CPUs this process may run on. */
void host_cpus_allowed(cpu_set_t *cpus);

/* Bytes each node can give without the OOM killer: free pages, plus
 * reclaimable page cache and memory the kernel has not initialised yet,
 * minus the low watermark.  All nodes in one pass over procfs/sysfs. */
void host_available(uint64_t avail[NUMAMEM_MAX_NODES]);
uint64_t host_node_free(unsigned node);
/* Free huge pages of page_size bytes on node (-1: all nodes). */
uint64_t host_free_hugepages(int node, uint64_t page_size);
uint64_t host_total_hugepages(int node, uint64_t page_size);
bool host_has_hugepage_size(uint64_t page_size);
uint64_t host_default_hugepage_size(void);
/* Weighted-interleave weight of a node (1 when unset). */
unsigned host_interleave_weight(unsigned node);

/* Does the running kernel accept this MPOL_* mode for mbind()? */
bool host_kernel_has_mode(int mode);
/* "6.1.0-28-cloud-amd64" */
const char *host_kernel_release(void);

#endif
