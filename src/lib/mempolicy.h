/* The vocabulary of memory policies: the modes by name, the mode flags,
 * and the release that brought each.  Pure: the judge of --verify, the
 * regions and COMMAND's own policy all speak it. */
#ifndef NUMAMEM_MEMPOLICY_H
#define NUMAMEM_MEMPOLICY_H

#include <stddef.h>

/* Values are the kernel's MPOL_* modes. */
enum policy {
	POLICY_DEFAULT = 0,
	POLICY_PREFERRED = 1,
	POLICY_BIND = 2,
	POLICY_INTERLEAVE = 3,
	POLICY_LOCAL = 4,
	POLICY_PREFERRED_MANY = 5,
	POLICY_WEIGHTED_INTERLEAVE = 6,
	POLICY_COUNT
};
extern const char *const policy_names[POLICY_COUNT];

/* The policy name s is likely meant as, or NULL: numactl's and the
 * kernel's words for them (membind, localalloc, MPOL_PREFERRED_MANY...)
 * and near misses (interleaved, prefer).  For "did you mean". */
const char *policy_guess(const char *s);

/* The kernel's mode flags a region may ask for, as properties. */
enum mode_flag { FLAG_STATIC_NODES, FLAG_RELATIVE_NODES, FLAG_NUMA_BALANCING, FLAG_COUNT };
struct mode_flag_info {
	const char *name;  /* the property: "static-nodes" */
	unsigned bit;      /* MPOL_F_* */
	const char *since; /* the Linux release that brought it */
};
extern const struct mode_flag_info mode_flags[FLAG_COUNT];
/* The MPOL_F_* bits of flags (a set of 1 << enum mode_flag). */
unsigned mode_flag_bits(unsigned flags);
/* "static-nodes,numa-balancing" for MPOL_F_* bits; "" for none. */
const char *mode_flag_names(unsigned bits, char *buf, size_t len);
/* The Linux release that brought mode, or NULL for modes every kernel
 * numamem runs on has. */
const char *policy_since(int mode);

#endif
