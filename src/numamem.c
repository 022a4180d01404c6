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
	struct backend *b = arg;

	return (void *)(intptr_t)backend_prealloc(b);
}

/* Bytes regions before i will still take from nodes region i may use,
 * when their preallocs have not run yet. */
static uint64_t promised_before(const struct config *cfg, size_t i)
{
	const struct backend *b = &cfg->regions[i];
	uint64_t sum = 0;

	for (size_t k = 0; k < i; k++) {
		const struct backend *e = &cfg->regions[k];
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
static int prealloc_at_once(struct config *cfg)
{
	pthread_t *tids = calloc(cfg->nregions, sizeof(*tids));
	bool *started = calloc(cfg->nregions, sizeof(*started));
	int first_error = EXIT_OK;

	for (size_t i = 0; i < cfg->nregions; i++) {
		cfg->regions[i].overlapped = true;
		cfg->regions[i].progress &= i == 0; /* one progress line */
		started[i] = tids && started && !pthread_create(&tids[i], NULL, prealloc_thread, &cfg->regions[i]);
	}
	for (size_t i = 0; i < cfg->nregions; i++) {
		void *r = NULL;
		int st;

		if (started && started[i])
			pthread_join(tids[i], &r);
		st = started && started[i] ? (int)(intptr_t)r : backend_prealloc(&cfg->regions[i]);
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
static int complete_all(struct config *cfg)
{
	bool overlap;
	int status;

	for (size_t i = 0; i < cfg->nregions; i++) {
		status = backend_validate(&cfg->regions[i]);
		if (status)
			return status;
	}
	overlap = prealloc_can_overlap(cfg->regions, cfg->nregions);
	for (size_t i = 0; i < cfg->nregions; i++) {
		status = backend_complete(&cfg->regions[i], overlap, overlap ? promised_before(cfg, i) : 0);
		if (status)
			return status;
	}
	return overlap ? prealloc_at_once(cfg) : EXIT_OK;
}

/* Query placement and, with --verify, judge it. */
static int measure_all(struct config *cfg)
{
	int status = EXIT_OK;

	for (size_t i = 0; i < cfg->nregions; i++) {
		struct backend *b = &cfg->regions[i];
		int r = placement_query(b, cfg->map);

		if (r)
			return r;
		if (cfg->verify) {
			placement_verify(b);
			if (b->placement.verdict == VERIFY_FAIL)
				status = EXIT_VERIFY;
		}
	}
	return status;
}

static void release_all(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nregions; i++)
		backend_release(&cfg->regions[i]);
}

int main(int argc, char **argv)
{
	struct config cfg;
	bool command = wants_command(argc, argv);
	bool ran = false;
	int status, verify;

	status = options_parse(argc, argv, &cfg);
	if (status >= 0) {
		options_free(&cfg);
		return command && status ? EXIT_CANCELED : status;
	}
	if (numa_available() < 0) {
		status = fail(EXIT_UNAVAILABLE, "this kernel has no NUMA support");
		goto out;
	}
	if (cfg.show_nodes) {
		status = nodes_show(stdout, cfg.json);
		goto out;
	}
	cfg.colour = cfg.map && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (size_t i = 0; i < cfg.nregions; i++)
		cfg.regions[i].progress = !cfg.quiet && isatty(STDERR_FILENO);
	status = complete_all(&cfg);
	if (status)
		goto out;
	/* The placement query costs a move_pages() per page: skip it when
	 * nothing will show or judge it (a COMMAND, or --quiet). */
	verify = cfg.json || cfg.verify || cfg.map || (!cfg.quiet && !cfg.command) ? measure_all(&cfg) : EXIT_OK;
	if (verify && verify != EXIT_VERIFY) {
		status = verify;
		goto out;
	}
	if (cfg.json)
		status = report_json(stdout, &cfg);
	else if (!cfg.quiet && !cfg.command)
		status = report_text(stdout, &cfg);
	if (status)
		goto out;
	if (verify) {
		for (size_t i = 0; i < cfg.nregions; i++)
			if (cfg.regions[i].placement.verdict == VERIFY_FAIL)
				fail(EXIT_VERIFY, "region '%s' breaks policy %s: %s", cfg.regions[i].id,
				     policy_names[cfg.regions[i].policy], cfg.regions[i].placement.reason);
		status = EXIT_VERIFY;
		goto out;
	}
	if (cfg.command) {
		status = run_command(&cfg);
		ran = true;
	} else if (cfg.hold) {
		status = run_hold(&cfg);
	} else if (cfg.ready_file || cfg.ready_fd >= 0) {
		status = run_signal_ready(&cfg);
	}
out:
	release_all(&cfg);
	/* like env(1): numamem's own failure before COMMAND ran is 125 */
	if (cfg.command && !ran && status)
		status = EXIT_CANCELED;
	options_free(&cfg);
	return status;
}
