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

/* "0-3,8" for a CPU set; returns the length snprintf would have written. */
int cpuset_format(const cpu_set_t *set, char *buf, size_t len);
/* The same for a bit array of nbits bits (CPU sets past 1024). */
int bits_format(const unsigned long *bits, size_t nbits, char *buf, size_t len);

#endif
