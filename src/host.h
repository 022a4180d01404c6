/* Facts about this host that validation and prealloc need: which nodes
 * exist, have memory, may be used; free memory and huge pages per node;
 * node CPUs; which policies the running kernel has.
 *
 * Every fact but host_kernel_has_mode() comes from files under /sys and
 * /proc below a root prefix: "/" normally, the directory in the
 * environment variable NUMAMEM_SYSROOT when it is set and not empty.
 * That variable is for the tests only: they point it at recorded trees of
 * other machines' topologies (tests/topo). */
#ifndef NUMAMEM_HOST_H
#define NUMAMEM_HOST_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450 /* the same on every architecture since 5.17 */
#endif

/* Nodes present (online) / with memory / allowed for this process
 * (Mems_allowed_list). */
void host_nodes_present(struct nodemask *m);
void host_nodes_with_memory(struct nodemask *m);
void host_nodes_allowed(struct nodemask *m);
/* The same three into a bit array of nbits bits (host_node_bits()), for
 * numactl's options, which take nodes past 127. */
void host_nodes_present_bits(unsigned long *bits, size_t nbits);
void host_nodes_with_memory_bits(unsigned long *bits, size_t nbits);
void host_nodes_allowed_bits(unsigned long *bits, size_t nbits);
/* CPUs of the nodes in m that this process may run on; false if none. */
bool host_node_cpus(const struct nodemask *m, cpu_set_t *cpus);
/* CPUs this process may run on. */
void host_cpus_allowed(cpu_set_t *cpus);
/* CPUs the cgroup cpuset of this process allows (online ones): where a
 * thread may be moved by sched_setaffinity(), whatever the affinity
 * numamem was started with.  The online CPUs without a cpuset. */
void host_cpus_cpuset(cpu_set_t *cpus);
/* CPUs online on this host. */
void host_cpus_online(cpu_set_t *cpus);
/* All CPUs of one node, whether this process may run on them or not. */
void host_node_cpus_all(unsigned node, cpu_set_t *cpus);
/* The same four into a bit array of ncpus bits (a multiple of the bits
 * of a long), for CPU sets past cpu_set_t's 1024 CPUs: numactl's options
 * take every CPU the kernel can have. */
void host_cpus_allowed_bits(unsigned long *cpus, size_t ncpus);
void host_cpus_cpuset_bits(unsigned long *cpus, size_t ncpus);
void host_cpus_online_bits(unsigned long *cpus, size_t ncpus);
void host_node_cpus_all_bits(unsigned node, unsigned long *cpus, size_t ncpus);
/* How many CPUs such a set holds on this host: the kernel's NR_CPUS
 * (/sys/devices/system/cpu/kernel_max + 1), at least CPU_SETSIZE,
 * rounded up to the bits of a long. */
size_t host_cpu_bits(void);
/* How many nodes the kernel can have (MAX_NUMNODES, as libnuma's
 * numa_num_possible_nodes()), at least NUMAMEM_MAX_NODES. */
unsigned host_node_bits(void);
/* sysfs has nodeN. */
bool host_node_exists(unsigned node);

/* The caches of one CPU from sysfs (cpuN/cache/indexM: level, type,
 * size, shared_cpu_list): the last level's size and the CPUs that share
 * it, and the size of level 2 (0 when there is none).  False when sysfs
 * lists no data or unified cache for the CPU. */
struct host_cache {
	uint64_t llc_bytes, l2_bytes;
	unsigned llc_level;
	cpu_set_t llc_cpus;
};
bool host_cpu_caches(int cpu, struct host_cache *c);

/* Distance from node a to node b as the kernel gives it (10 for a node to
 * itself); 0 when unknown. */
int host_distance(unsigned a, unsigned b);
/* One node's distances to every node in one read: dist[m] for each node
 * m in present, which must be what host_nodes_present() gave (the
 * kernel's distance file has one column per present node); 0 elsewhere. */
void host_node_distances(unsigned node, const struct nodemask *present, int dist[NUMAMEM_MAX_NODES]);
/* The same for nodes past 127: present and dist of nbits. */
void host_node_distances_bits(unsigned node, const unsigned long *present, size_t nbits, int *dist);

/* Bytes each node can give without the OOM killer: free pages, plus
 * reclaimable page cache and memory the kernel has not initialised yet,
 * minus the low watermark.  All nodes in one pass over procfs/sysfs. */
void host_available(uint64_t avail[NUMAMEM_MAX_NODES]);
uint64_t host_node_free(unsigned node);
/* A node's meminfo lines named by keys ("MemTotal", "Shmem"), in bytes:
 * kB values times 1024, HugePages_ counts times the default huge page
 * size (as numastat -m counts them); 0 for a key the file lacks. */
void host_node_meminfo(unsigned node, const char *const *keys, size_t nkeys, uint64_t *bytes);
/* MemTotal of a node; 0 when unknown. */
uint64_t host_node_total(unsigned node);
/* Total, free and available bytes (as host_available counts them) of
 * the nodes in *nodes, every file read once; 0 for other nodes. */
struct host_memory {
	uint64_t total, free, available;
	uint64_t unmanaged; /* of available: the node's share of memory MemTotal
			       counts that no zone manages yet */
};
void host_memory(const struct nodemask *nodes, struct host_memory mem[NUMAMEM_MAX_NODES]);
/* Free huge pages of page_size bytes on node (-1: all nodes). */
uint64_t host_free_hugepages(int node, uint64_t page_size);
uint64_t host_total_hugepages(int node, uint64_t page_size);
/* The knob that sets the pool of page_size huge pages, for a message:
 * /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages, or node's
 * own under /sys/devices/system/node (node >= 0; node < 0 and nodes
 * given: "nodeN" for N in nodes).  The real path, never the test root. */
const char *host_hugepages_knob(char *buf, size_t len, int node, const char *nodes, uint64_t page_size);
bool host_has_hugepage_size(uint64_t page_size);
/* Huge page sizes of this host in bytes, ascending; returns how many
 * (at most max). */
size_t host_hugepage_sizes(uint64_t *sizes, size_t max);
uint64_t host_default_hugepage_size(void);
/* Memory tiers (/sys/devices/virtual/memory_tiering/memory_tierN):
 * tier[n] is the N whose nodelist holds node n, -1 for none.  False when
 * the kernel shows no tiers. */
bool host_memory_tiers(int tier[NUMAMEM_MAX_NODES]);
/* HMAT access attributes of a node as its target, for access class 0
 * (nearest initiators) or 1 (nearest CPU initiators): bandwidth in MB/s,
 * latency in ns, the initiator nodes.  False when sysfs has none. */
struct host_access {
	uint64_t read_bandwidth, write_bandwidth, read_latency, write_latency;
	struct nodemask initiators;
};
bool host_node_access(unsigned node, unsigned access, struct host_access *a);
/* Weighted interleave's auto mode (Linux 6.16): 1 on, 0 off, -1 when
 * the kernel has none. */
int host_interleave_auto(void);
/* Weighted-interleave weight of a node (1 when unset). */
unsigned host_interleave_weight(unsigned node);

/* vm.max_map_count; 65530 (the kernel's default) when unknown. */
unsigned long host_max_map_count(void);
/* The mappings (VMAs) this process has now: /proc/self/maps's lines. */
unsigned long host_map_count(void);
/* Would more mappings than it has take this process to
 * vm.max_map_count?  What an ENOMEM from mmap(), mbind() or mremap()
 * then means. */
bool host_map_count_near(unsigned long more);
/* vm.overcommit_memory (0, 1 or 2); -1 when unknown. */
int host_overcommit_memory(void);
/* numactl's list forms that only the running host can resolve, through
 * libnuma (never below NUMAMEM_SYSROOT): "+N" relative to the nodes (CPUs)
 * this process may use, and for nodes netdev:DEV, file:PATH, block:DEV,
 * pci:ID, the node of that device; "!" before them inverts.  Adds to *m
 * (*set).  0; -EINVAL for syntax, -ENODEV for a node, CPU or device the
 * host does not have, -ERANGE for a node above 127; libnuma's words in
 * why. */
int host_resolve_nodes(const char *s, struct nodemask *m, char *why, size_t len);
/* The same into a bit array of nbits bits (numactl's options): -ERANGE
 * for a node from nbits up. */
int host_resolve_nodes_bits(const char *s, unsigned long *bits, size_t nbits, char *why, size_t len);
int host_resolve_cpus(const char *s, cpu_set_t *set, char *why, size_t len);

/* Does the running kernel accept this MPOL_* mode for mbind()? */
bool host_kernel_has_mode(int mode);
/* Does the running kernel have set_mempolicy_home_node(2) (Linux 5.17)? */
bool host_kernel_has_home_node(void);
/* And this mode with an MPOL_F_* flag (one bit)? */
bool host_kernel_has_flag(int mode, unsigned flag);
/* "6.1.0-28-cloud-amd64" */
const char *host_kernel_release(void);

#endif
