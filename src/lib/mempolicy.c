/* The policy vocabulary; see mempolicy.h. */
#include "config.h"

#include <numaif.h>
#include <stdio.h>

#include "mempolicy.h"

#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif

const char *const policy_names[POLICY_COUNT] = {
	[POLICY_DEFAULT] = "default",
	[POLICY_PREFERRED] = "preferred",
	[POLICY_BIND] = "bind",
	[POLICY_INTERLEAVE] = "interleave",
	[POLICY_LOCAL] = "local",
	[POLICY_PREFERRED_MANY] = "preferred-many",
	[POLICY_WEIGHTED_INTERLEAVE] = "weighted-interleave",
};

const struct mode_flag_info mode_flags[FLAG_COUNT] = {
	[FLAG_STATIC_NODES] = { "static-nodes", MPOL_F_STATIC_NODES, "2.6.26" },
	[FLAG_RELATIVE_NODES] = { "relative-nodes", MPOL_F_RELATIVE_NODES, "2.6.26" },
	[FLAG_NUMA_BALANCING] = { "numa-balancing", MPOL_F_NUMA_BALANCING, "5.12" },
};

/* Kernel release that brought each mode numamem may have to refuse. */
static const char *const mode_since[POLICY_COUNT] = {
	[POLICY_LOCAL] = "3.8",
	[POLICY_PREFERRED_MANY] = "5.15",
	[POLICY_WEIGHTED_INTERLEAVE] = "6.9",
};

const char *policy_since(int mode)
{
	return mode >= 0 && mode < POLICY_COUNT ? mode_since[mode] : NULL;
}

unsigned mode_flag_bits(unsigned flags)
{
	unsigned bits = 0;

	for (unsigned f = 0; f < FLAG_COUNT; f++)
		if (flags & 1u << f)
			bits |= mode_flags[f].bit;
	return bits;
}

const char *mode_flag_names(unsigned bits, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < FLAG_COUNT && used < len; f++)
		if (bits & mode_flags[f].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", mode_flags[f].name);
	return buf;
}
