/* Node sets, as mbind() takes them, and the text of node and CPU sets.
 * Pure: no system calls, no messages. */
#ifndef NUMAMEM_NODEMASK_H
#define NUMAMEM_NODEMASK_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

/* Highest node number + 1 that host-nodes accepts, as in QEMU. */
#define NUMAMEM_MAX_NODES 128
#define NODEMASK_LONGS ((NUMAMEM_MAX_NODES + 1 + 8 * sizeof(unsigned long) - 1) / \
                        (8 * sizeof(unsigned long)))

/* One bit more than NUMAMEM_MAX_NODES: mbind() is passed maxnode + 1. */
struct nodemask {
	unsigned long bits[NODEMASK_LONGS];
};

void nodemask_set(struct nodemask *m, unsigned node);
bool nodemask_isset(const struct nodemask *m, unsigned node);
unsigned nodemask_weight(const struct nodemask *m);
bool nodemask_empty(const struct nodemask *m);
/* Highest set node + 1, or 0 when empty (mbind's maxnode). */
unsigned nodemask_maxnode(const struct nodemask *m);
/* "0-2,5"; returns the length snprintf would have written. */
int nodemask_format(const struct nodemask *m, char *buf, size_t len);

/* Node sets of numactl's options, as bit arrays of nbits bits (one
 * unsigned long per 8 * sizeof(long) bits): the kernel's MAX_NUMNODES,
 * past struct nodemask's 128.  Nodes from nbits up are never set. */
/* Room for any node any kernel can have (MAX_NUMNODES is at most 1 << 10). */
#define KERNEL_NODES_MAX 4096
#define NODE_BITS_WORDS(nbits) (((nbits) + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)))
void bits_set(unsigned long *bits, size_t nbits, size_t bit);
bool bits_isset(const unsigned long *bits, size_t nbits, size_t bit);
size_t bits_weight(const unsigned long *bits, size_t nbits);
/* Highest set bit + 1, or 0 when empty (set_mempolicy's maxnode is one more). */
size_t bits_maxbit(const unsigned long *bits, size_t nbits);
/* The bits below NUMAMEM_MAX_NODES as a struct nodemask; true when no
 * bit from NUMAMEM_MAX_NODES up is set (the set fits). */
bool bits_to_nodemask(const unsigned long *bits, size_t nbits, struct nodemask *m);
/* A struct nodemask into bits (nodes from nbits up dropped). */
void nodemask_to_bits(const struct nodemask *m, unsigned long *bits, size_t nbits);

/* "0-3,8" for a CPU set; returns the length snprintf would have written. */
int cpuset_format(const cpu_set_t *set, char *buf, size_t len);
/* The same for a bit array of nbits bits (CPU sets past 1024). */
int bits_format(const unsigned long *bits, size_t nbits, char *buf, size_t len);

#endif
