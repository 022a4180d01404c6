/* --pid --migrate; see migrate.h. */
#include "config.h"

#include <errno.h>
#include <numa.h>
#include <string.h>

#include "hostcheck.h"
#include "migrate.h"
#include "util.h"

int migrate_check(const struct migrate_request *m)
{
	int status = check_nodes_on_host(&m->from, false, "migrate from", "");

	return status ? status : check_nodes_on_host(&m->to, true, "migrate to", "");
}

static struct bitmask *to_bitmask(const struct nodemask *m)
{
	struct bitmask *b = numa_allocate_nodemask();

	for (unsigned n = 0; b && n < NUMAMEM_MAX_NODES && n < numa_bitmask_nbytes(b) * 8; n++)
		if (nodemask_isset(m, n))
			numa_bitmask_setbit(b, n);
	return b;
}

int migrate_run(long pid, const struct migrate_request *m, struct migrate_result *res)
{
	struct bitmask *from = to_bitmask(&m->from), *to = to_bitmask(&m->to);
	double t0 = now_seconds();
	long rc;
	int e;

	if (!from || !to) {
		numa_bitmask_free(from ? from : to);
		return fail_oom();
	}
	rc = numa_migrate_pages((int)pid, from, to);
	e = errno;
	res->seconds = now_seconds() - t0;
	numa_bitmask_free(from);
	numa_bitmask_free(to);
	res->not_moved = rc > 0 ? rc : 0;
	if (rc >= 0)
		return EXIT_OK;
	if (e == ESRCH)
		return fail(EXIT_UNAVAILABLE, "pid %ld: no such process", pid);
	if (e == EPERM)
		return fail(EXIT_UNAVAILABLE, "pid %ld: not permitted to move its pages (another user's process needs CAP_SYS_NICE)",
			    pid);
	if (e == EINVAL)
		return fail(EXIT_USAGE, "pid %ld: the kernel refused the nodes of --migrate (TO outside the process's cpuset?)",
			    pid);
	return fail_errno(EXIT_COMPLETE, e, "pid %ld: migrate_pages", pid);
}

void migrate_count(const struct migrate_request *m, struct migrate_result *res)
{
	res->from_bytes = res->moved_bytes = res->failed_bytes = 0;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		res->moved[n] = res->failed[n] = 0;
		if (!nodemask_isset(&m->from, n))
			continue;
		res->from_bytes += res->before[n];
		/* a node in both FROM and TO keeps its pages: nothing failed there */
		if (!nodemask_isset(&m->to, n))
			res->failed[n] = res->after[n];
		res->moved[n] = res->before[n] > res->after[n] ? res->before[n] - res->after[n] : 0;
		res->moved_bytes += res->moved[n];
		res->failed_bytes += res->failed[n];
	}
}
