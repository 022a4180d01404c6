/* Node and mode checks against the host; see hostcheck.h. */
#include "config.h"

#include <stdlib.h>

#include "host.h"
#include "hostcheck.h"
#include "lib/mempolicy.h"
#include "util.h"

/* present, memory and allowed: the host's sets of nbits bits */
static int check_each(const unsigned long *m, size_t nbits, const unsigned long *present, const unsigned long *memory,
		      const unsigned long *allowed, const char *prop, const char *owner)
{
	for (size_t n = 0; n < nbits; n++) {
		if (!bits_isset(m, nbits, n))
			continue;
		if (!bits_isset(present, nbits, n))
			return fail(EXIT_UNAVAILABLE, "%s '%zu'%s: node %zu does not exist", prop, n, owner, n);
		if (memory && !bits_isset(memory, nbits, n))
			return fail(EXIT_UNAVAILABLE, "%s '%zu'%s: node %zu has no memory", prop, n, owner, n);
		if (allowed && !bits_isset(allowed, nbits, n))
			return fail(EXIT_UNAVAILABLE, "%s '%zu'%s: node %zu is outside the nodes this process may use",
				    prop, n, owner, n);
	}
	return EXIT_OK;
}

static int check_nodes(const struct nodemask *m, bool need_memory, bool need_allowed, const char *prop,
		       const char *owner)
{
	struct nodemask present, memory, allowed;

	host_nodes_present(&present);
	host_nodes_with_memory(&memory);
	host_nodes_allowed(&allowed);
	return check_each(m->bits, NUMAMEM_MAX_NODES, present.bits, need_memory ? memory.bits : NULL,
			  need_allowed ? allowed.bits : NULL, prop, owner);
}

int check_nodes_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner)
{
	return check_nodes(m, need_memory, true, prop, owner);
}

int check_nodes_exist_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner)
{
	return check_nodes(m, need_memory, false, prop, owner);
}

int check_node_bits_on_host(const unsigned long *m, size_t nbits, bool need_memory, bool need_allowed,
			    const char *prop, const char *owner)
{
	size_t words = NODE_BITS_WORDS(nbits);
	unsigned long *present = calloc(words, sizeof(*present)), *memory = calloc(words, sizeof(*memory)),
		      *allowed = calloc(words, sizeof(*allowed));
	int status;

	if (!present || !memory || !allowed) {
		status = fail_oom();
	} else {
		host_nodes_present_bits(present, nbits);
		host_nodes_with_memory_bits(memory, nbits);
		host_nodes_allowed_bits(allowed, nbits);
		status = check_each(m, nbits, present, need_memory ? memory : NULL, need_allowed ? allowed : NULL,
				    prop, owner);
	}
	free(present);
	free(memory);
	free(allowed);
	return status;
}

int check_cpu_bits_on_host(const unsigned long *cpus, const unsigned long *allowed, size_t ncpus, const char *what,
			   const char *outside)
{
	const size_t w = 8 * sizeof(unsigned long);
	unsigned long *online = calloc((ncpus + w - 1) / w, sizeof(*online));
	int status = EXIT_OK;

	if (!online)
		return fail_oom();
	host_cpus_online_bits(online, ncpus);
	for (size_t c = 0; c < ncpus && !status; c++) {
		if (!(cpus[c / w] >> (c % w) & 1))
			continue;
		if (!(online[c / w] >> (c % w) & 1))
			status = fail(EXIT_UNAVAILABLE, "%s: CPU %zu does not exist or is offline", what, c);
		else if (!(allowed[c / w] >> (c % w) & 1))
			status = fail(EXIT_UNAVAILABLE, "%s: CPU %zu is outside %s", what, c, outside);
	}
	free(online);
	return status;
}

int check_cpus_on_host(const cpu_set_t *cpus, const cpu_set_t *allowed, const char *what, const char *outside)
{
	return check_cpu_bits_on_host(cpus->__bits, allowed->__bits, CPU_SETSIZE, what, outside);
}

int check_mode_on_host(int mode)
{
	if (policy_since(mode) && !host_kernel_has_mode(mode))
		return fail(EXIT_UNAVAILABLE, "policy '%s' needs Linux %s or later (this is %s)", policy_names[mode],
			    policy_since(mode), host_kernel_release());
	return EXIT_OK;
}
