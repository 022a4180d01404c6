/* numamem: QEMU's host memory backend as a command-line tool.
 *
 *   parse → validate every region → complete each in order → report →
 *   hold | run COMMAND | exit
 */
#include "config.h"

#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numamem.h"
#include "nodes.h"
#include "options.h"
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

static int complete_all(struct config *cfg)
{
	int status;

	for (size_t i = 0; i < cfg->nregions; i++) {
		status = backend_validate(&cfg->regions[i]);
		if (status)
			return status;
	}
	for (size_t i = 0; i < cfg->nregions; i++) {
		status = backend_complete(&cfg->regions[i]);
		if (status)
			return status;
	}
	return EXIT_OK;
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
	verify = measure_all(&cfg);
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
