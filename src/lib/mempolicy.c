/* The policy vocabulary; see mempolicy.h. */
#include "config.h"

#include <numaif.h>
#include <stdio.h>

#include <string.h>
#include <strings.h>

#include "mempolicy.h"
#include "parse.h"

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

const char *policy_guess(const char *s)
{
	/* numactl's options, the kernel's names, the man pages' words */
	static const struct {
		const char *word;
		enum policy policy;
	} aliases[] = {
		{ "membind", POLICY_BIND },
		{ "localalloc", POLICY_LOCAL },
		{ "preferred_many", POLICY_PREFERRED_MANY },
		{ "preferredmany", POLICY_PREFERRED_MANY },
		{ "prefer-many", POLICY_PREFERRED_MANY },
		{ "weighted_interleave", POLICY_WEIGHTED_INTERLEAVE },
		{ "weighted", POLICY_WEIGHTED_INTERLEAVE },
		{ "weighted-interleaved", POLICY_WEIGHTED_INTERLEAVE },
		{ "interleaved", POLICY_INTERLEAVE },
		{ "prefer", POLICY_PREFERRED },
		{ "prefered", POLICY_PREFERRED },
	};
	char word[64];
	size_t n = 0;

	if (!s)
		return NULL;
	/* MPOL_BIND, Bind, "--membind": the word itself */
	if (!strncasecmp(s, "mpol_", 5))
		s += 5;
	while (*s == '-')
		s++;
	for (; s[n] && n + 1 < sizeof(word); n++)
		word[n] = s[n] >= 'A' && s[n] <= 'Z' ? (char)(s[n] - 'A' + 'a') : s[n];
	word[n] = '\0';
	for (size_t i = 0; i < POLICY_COUNT; i++)
		if (!strcmp(word, policy_names[i]))
			return policy_names[i];
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(word, aliases[i].word))
			return policy_names[aliases[i].policy];
	return parse_suggest(word, policy_names, POLICY_COUNT);
}

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
