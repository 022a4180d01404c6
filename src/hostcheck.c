/* Node and mode checks against the host; see hostcheck.h. */
#include "config.h"

#include <stdlib.h>

#include "host.h"
#include "hostcheck.h"
#include "lib/mempolicy.h"
#include "util.h"

static int check_nodes(const struct nodemask *m, bool need_memory, bool need_allowed, const char *prop,
		       const char *owner)
{
	struct nodemask present, memory, allowed;

	host_nodes_present(&present);
	host_nodes_with_memory(&memory);
	host_nodes_allowed(&allowed);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(m, n))
			continue;
		if (!nodemask_isset(&present, n))
			return fail(EXIT_UNAVAILABLE, "%s '%u'%s: node %u does not exist", prop, n, owner, n);
		if (need_memory && !nodemask_isset(&memory, n))
			return fail(EXIT_UNAVAILABLE, "%s '%u'%s: node %u has no memory", prop, n, owner, n);
		if (need_allowed && !nodemask_isset(&allowed, n))
			return fail(EXIT_UNAVAILABLE, "%s '%u'%s: node %u is outside the nodes this process may use",
				    prop, n, owner, n);
	}
	return EXIT_OK;
}

int check_nodes_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner)
{
	return check_nodes(m, need_memory, true, prop, owner);
}

int check_nodes_exist_on_host(const struct nodemask *m, bool need_memory, const char *prop, const char *owner)
{
	return check_nodes(m, need_memory, false, prop, owner);
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
