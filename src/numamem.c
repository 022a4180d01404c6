/* numamem: QEMU's host memory backend as a command-line tool.
 *
 *   parse → validate every region → complete each in order → report →
 *   hold | run COMMAND | exit
 */
#include "config.h"

#include <numa.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numamem.h"
#include "nodes.h"
#include "options.h"
#include "prealloc.h"
#include "report.h"
#include "run.h"

/* Would the user's command line run a COMMAND?  Known before popt is
 * done, so that even a bad option exits 125 as env(1) does. */
static bool wants_command(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--"))
			return true;
	return false;
}

static void *prealloc_thread(void *arg)
{
	struct region *b = arg;

	return (void *)(intptr_t)region_prealloc(b);
}

/* Bytes regions before i will still take from nodes region i may use,
 * when their preallocs have not run yet. */
static uint64_t promised_before(const struct numamem *nm, size_t i)
{
	const struct region *b = &nm->regions[i];
	uint64_t sum = 0;

	for (size_t k = 0; k < i; k++) {
		const struct region *e = &nm->regions[k];
		struct nodemask both;
		bool shared = b->kernel_mode != POLICY_BIND || e->kernel_mode != POLICY_BIND;

		for (size_t w = 0; !shared && w < NODEMASK_LONGS; w++) {
			both.bits[w] = b->host_nodes.bits[w] & e->host_nodes.bits[w];
			shared = both.bits[w] != 0;
		}
		if (e->prealloc && shared)
			sum += e->size;
	}
	return sum;
}

/* Every region's prealloc at once, a thread each; a region whose thread
 * cannot start preallocates in this one. */
static int prealloc_at_once(struct numamem *nm)
{
	pthread_t *tids = calloc(nm->nregions, sizeof(*tids));
	bool *started = calloc(nm->nregions, sizeof(*started));
	int first_error = EXIT_OK;

	for (size_t i = 0; i < nm->nregions; i++) {
		nm->regions[i].overlapped = true;
		nm->regions[i].progress &= i == 0; /* one progress line */
		started[i] = tids && started && !pthread_create(&tids[i], NULL, prealloc_thread, &nm->regions[i]);
	}
	for (size_t i = 0; i < nm->nregions; i++) {
		void *r = NULL;
		int st;

		if (started && started[i])
			pthread_join(tids[i], &r);
		st = started && started[i] ? (int)(intptr_t)r : region_prealloc(&nm->regions[i]);
		if (!first_error)
			first_error = st;
	}
	free(tids);
	free(started);
	return first_error;
}

/* Validate every region, then complete each in order.  Preallocs whose
 * threads have CPUs of their own run at once, after every region's
 * mbind; otherwise each region is completed in turn. */
static int complete_all(struct numamem *nm)
{
	bool overlap;
	int status;

	for (size_t i = 0; i < nm->nregions; i++) {
		status = region_validate(&nm->regions[i]);
		if (status)
			return status;
	}
	overlap = regions_prealloc_can_overlap(nm->regions, nm->nregions);
	for (size_t i = 0; i < nm->nregions; i++) {
		status = region_complete(&nm->regions[i], overlap, overlap ? promised_before(nm, i) : 0);
		if (status)
			return status;
	}
	return overlap ? prealloc_at_once(nm) : EXIT_OK;
}

/* Query placement and, with --verify, judge it. */
static int measure_all(struct numamem *nm)
{
	int status = EXIT_OK;

	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *b = &nm->regions[i];
		int r = placement_query(b, nm->map);

		if (r)
			return r;
		if (nm->verify) {
			placement_verify(b);
			if (b->placement.verdict == VERIFY_FAIL)
				status = EXIT_VERIFY;
		}
	}
	return status;
}

static void release_all(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++)
		region_release(&nm->regions[i]);
}

int main(int argc, char **argv)
{
	struct numamem nm;
	bool command = wants_command(argc, argv);
	bool ran = false;
	int status, verify;

	status = options_parse(argc, argv, &nm);
	if (status >= 0) {
		options_free(&nm);
		return command && status ? EXIT_CANCELED : status;
	}
	if (numa_available() < 0) {
		status = fail(EXIT_UNAVAILABLE, "this kernel has no NUMA support");
		goto out;
	}
	if (nm.show_nodes) {
		status = nodes_show(stdout, nm.json);
		goto out;
	}
	nm.colour = nm.map && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (size_t i = 0; i < nm.nregions; i++)
		nm.regions[i].progress = !nm.quiet && isatty(STDERR_FILENO);
	status = complete_all(&nm);
	if (status)
		goto out;
	/* The placement query costs a move_pages() per page: skip it when
	 * nothing will show or judge it (a COMMAND, or --quiet). */
	verify = nm.json || nm.verify || nm.map || (!nm.quiet && !nm.command) ? measure_all(&nm) : EXIT_OK;
	if (verify && verify != EXIT_VERIFY) {
		status = verify;
		goto out;
	}
	if (nm.json)
		status = report_json(stdout, &nm);
	else if (!nm.quiet && !nm.command)
		status = report_text(stdout, &nm);
	if (status)
		goto out;
	if (verify) {
		for (size_t i = 0; i < nm.nregions; i++)
			if (nm.regions[i].placement.verdict == VERIFY_FAIL)
				fail(EXIT_VERIFY, "region '%s' breaks policy %s: %s", nm.regions[i].id,
				     policy_names[nm.regions[i].policy], nm.regions[i].placement.reason);
		status = EXIT_VERIFY;
		goto out;
	}
	if (nm.command) {
		status = run_command(&nm);
		ran = true;
	} else if (nm.hold) {
		status = run_hold(&nm);
	} else if (nm.ready_file || nm.ready_fd >= 0) {
		status = run_signal_ready(&nm);
	}
out:
	release_all(&nm);
	/* like env(1): numamem's own failure before COMMAND ran is 125 */
	if (nm.command && !ran && status)
		status = EXIT_CANCELED;
	options_free(&nm);
	return status;
}
