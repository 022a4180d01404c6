/* numamem: QEMU's host memory backend as a command-line tool.
 *
 *   parse → validate every region → complete each in order → report →
 *   hold | run COMMAND | exit
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <numa.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connect.h"
#include "inherit.h"
#include "measure.h"
#include "numamem.h"
#include "nodes.h"
#include "options.h"
#include "region.h"
#include "report.h"
#include "run.h"
#include "verify.h"
#include "watch.h"

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
	int status = regions_query(nm->regions, nm->nregions, nm->map);

	for (size_t i = 0; !status && nm->verify && i < nm->nregions; i++)
		region_verify(&nm->regions[i]);
	for (size_t i = 0; !status && nm->verify && i < nm->nregions; i++)
		if (nm->regions[i].placement.verdict == VERIFY_FAIL)
			return EXIT_VERIFY;
	return status;
}

static void release_all(struct numamem *nm, bool keep)
{
	for (size_t i = 0; i < nm->nregions; i++)
		region_release(&nm->regions[i], keep);
}

/* The report is out: on stdout, and in -o's file. */
static int report_flush(struct numamem *nm)
{
	int status = stdout_status();

	return status ? status : outfile_flush(&nm->output);
}

/* What the regions are for, once they are complete and reported. */
static int act(struct numamem *nm)
{
	int status;

	if (nm->command) {
		/* the report must be out before COMMAND replaces numamem */
		status = report_flush(nm);
		if (status)
			return status;
		return run_command(nm);
	}
	if (nm->hold) {
		/* -o's file whole, for whoever reads it during the hold */
		status = report_flush(nm);
		return status ? status : run_hold(nm);
	}
	if (nm->ready_file || nm->ready_fd >= 0) {
		/* ready: the report is out too */
		status = report_flush(nm);
		return status ? status : run_signal_ready(nm);
	}
	return EXIT_OK;
}

/* --pid's names (comm) resolved into process ids. */
static int resolve_pids(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nnames; i++) {
		size_t before = nm->npids;
		int r = procmaps_find_comm(nm->pid_names[i], &nm->pids, &nm->npids, &nm->pids_room);

		if (r == -ENOMEM)
			return fail_oom();
		if (r < 0)
			return fail_errno(EXIT_UNAVAILABLE, -r, "cannot read /proc");
		if (nm->npids == before)
			return fail(EXIT_UNAVAILABLE, "pid '%s': no process has that command name", nm->pid_names[i]);
	}
	return EXIT_OK;
}

/* --migrate for one process: numa_maps before, migrate_pages, numa_maps
 * after (left in *p); with --verify, failed bytes break it. */
static int migrate_pid(struct numamem *nm, long pid, struct proc_numa *p, struct migrate_result *m)
{
	int status;

	memcpy(m->before, p->node_bytes, sizeof(m->before));
	procmaps_free(p);
	status = migrate_run(pid, &nm->migrate, m);
	if (!status)
		status = procmaps_read(pid, p);
	if (status)
		return status;
	memcpy(m->after, p->node_bytes, sizeof(m->after));
	migrate_count(&nm->migrate, m);
	if (nm->verify) {
		char failed[32];

		format_size(m->failed_bytes, failed, sizeof(failed));
		p->verdict = m->failed_bytes ? VERIFY_FAIL : VERIFY_PASS;
		snprintf(p->reason, sizeof(p->reason), "%s left on the FROM nodes%s", failed,
			 m->failed_bytes ? "" : ": every page moved");
	}
	return EXIT_OK;
}

/* --pid: where a process numamem did not start has its memory. */
static int report_one_pid(struct numamem *nm, long pid)
{
	struct proc_numa p;
	struct migrate_result m = { 0 };
	int status = procmaps_read(pid, &p);

	if (!status && nm->migrate.given)
		status = migrate_pid(nm, pid, &p, &m);
	else if (!status && nm->verify)
		procmaps_verify(&p);
	if (!status && nm->json && !nm->quiet)
		report_process_json(nm->out, &p, &nm->migrate, nm->migrate.given ? &m : NULL);
	else if (!status && !nm->quiet) {
		if (nm->migrate.given)
			report_migrate_text(nm->out, pid, p.comm, &nm->migrate, &m);
		report_process_text(nm->out, &p, &nm->table);
	}
	nm->output_whole = !status;
	if (!status && nm->verify && p.verdict == VERIFY_SKIPPED)
		warn_msg("--verify judged nothing: %s", p.reason);
	if (!status && p.verdict == VERIFY_FAIL)
		status = fail(EXIT_VERIFY, "pid %ld %s %s", p.pid, nm->migrate.given ? "migrate:" : "breaks policy",
			      p.reason);
	procmaps_free(&p);
	return status;
}

static int report_pid(struct numamem *nm)
{
	static struct watch watch;
	int status = resolve_pids(nm), first = EXIT_OK;

	if (!status && nm->migrate.given)
		status = migrate_check(&nm->migrate);
	if (!status && nm->trace_file) {
		struct proc_numa p;

		if (nm->npids != 1)
			return fail(EXIT_USAGE, "--trace watches one process: --pid gave %zu", nm->npids);
		status = procmaps_read(nm->pids[0], &p);
		nm->watch = &watch;
		if (!status)
			status = run_watch_pid(nm, nm->pids[0], p.comm);
		procmaps_free(&p);
		watch_free(&watch);
		return status;
	}
	for (size_t i = 0; !status && i < nm->npids; i++) {
		int st = report_one_pid(nm, nm->pids[i]);

		if (!first)
			first = st;
	}
	return status ? status : first;
}

/* --verify that judged nothing passes (status 0: nothing broke a
 * policy), but never in silence. */
static void warn_unjudged(const struct numamem *nm)
{
	static const char prefix[] = "nothing judged: ";
	char reason[800];

	if (!nm->verify || report_verdict(nm, reason, sizeof(reason)) != VERIFY_SKIPPED)
		return;
	warn_msg("--verify judged nothing: %s", strncmp(reason, prefix, strlen(prefix)) ? reason : reason + strlen(prefix));
}

/* After a watched COMMAND: judge its memory, report the regions and
 * it.  A broken placement is EXIT_VERIFY (124 by exit_status()) when
 * COMMAND itself succeeded; its own failure stays its status. */
static int report_workload(struct numamem *nm, int status)
{
	struct watch *w = nm->watch;

	if (nm->verify)
		watch_verify(w, &nm->proc);
	if (nm->json && !nm->quiet)
		report_json(nm->out, nm);
	else if (nm->report && !nm->quiet)
		report_text(nm->out, nm);
	nm->output_whole = true;
	warn_unjudged(nm);
	if (w->verdict == VERIFY_FAIL) {
		fail(EXIT_VERIFY, "'%s' breaks policy %s: %s", nm->command[0], policy_names[nm->proc.mode], w->reason);
		nm->placement_broken = true;
		if (!status)
			status = EXIT_VERIFY;
	}
	return status;
}

/* --show, after the options before it are applied to numamem itself,
 * as numactl -m 1 -s shows the policy -m 1 set. */
static int show_policy(struct numamem *nm)
{
	const char *what = "";
	int status = policy_given(&nm->proc) ? policy_validate(&nm->proc) : EXIT_OK;

	if (status)
		return status;
	if (policy_given(&nm->proc) && policy_apply(&nm->proc, &what) < 0)
		return fail_errno(EXIT_UNAVAILABLE, errno, "%s", what);
	policy_show(stdout);
	return EXIT_OK;
}

/* Complete, report and act; the status before the exit rules. */
static int run(struct numamem *nm)
{
	static struct watch watch;
	int status, verify;
	bool line;

	if (nm->connect_path)
		return control_connect(nm);
	if (numa_available() < 0)
		return fail(EXIT_UNAVAILABLE, "this kernel has no NUMA support");
	if (nm->output_file) {
		status = outfile_create(&nm->output, "output", nm->output_file);
		if (status)
			return status;
		nm->out = nm->output.f;
	}
	if (nm->measure) {
		status = measure_run(nm);
		nm->output_whole = !status;
		return status;
	}
	if (nm->show_nodes) {
		nodes_show(nm->out, nm->json, &nm->table);
		nm->output_whole = true;
		return EXIT_OK;
	}
	if (nm->hardware) {
		nodes_hardware(stdout);
		return EXIT_OK;
	}
	if (nm->show_policy)
		return show_policy(nm);
	if (nm->pid >= 0)
		return report_pid(nm);
	/* COMMAND's memory is watched when anything shows or judges it */
	if (nm->command && ((nm->json && !nm->quiet) || nm->verify || nm->report || nm->trace_file))
		nm->watch = &watch;
	for (size_t i = 0; i < nm->nregions; i++)
		nm->regions[i].progress = !nm->quiet && isatty(STDERR_FILENO);
	/* COMMAND's own policy is checked before any region is allocated */
	status = policy_given(&nm->proc) ? policy_validate(&nm->proc) : EXIT_OK;
	/* numamem's own options against what a launcher set (one line each) */
	if (!status && nm->command)
		launcher_weigh(&nm->launcher, &nm->proc);
	if (!status)
		status = complete_all(nm);
	if (status)
		return status;
	/* COMMAND's run shows no report: on a terminal, one line says where
	 * the regions went (not with --quiet, nor into a pipe or log) */
	line = nm->command && !nm->json && !nm->report && !nm->verify && !nm->quiet && nm->nregions &&
	       isatty(STDERR_FILENO);
	/* The placement query costs a move_pages() per page: skip it when
	 * nothing will show or judge it (a COMMAND, or --quiet). */
	verify = nm->verify || line || (!nm->quiet && (nm->json || nm->map || !nm->command)) ? measure_all(nm) : EXIT_OK;
	if (verify && verify != EXIT_VERIFY)
		return verify;
	/* a watched COMMAND's report comes when it has exited */
	if (!nm->quiet && nm->json && !nm->watch)
		report_json(nm->out, nm);
	else if (!nm->quiet && !nm->json && !nm->command)
		report_text(nm->out, nm);
	nm->output_whole = !nm->watch;
	if (!nm->watch)
		warn_unjudged(nm);
	if (verify) {
		for (size_t i = 0; i < nm->nregions; i++)
			if (nm->regions[i].placement.verdict == VERIFY_FAIL)
				fail(EXIT_VERIFY, "region '%s' breaks policy %s: %s", nm->regions[i].id,
				     policy_names[nm->regions[i].policy], nm->regions[i].placement.reason);
		nm->placement_broken = true;
		return EXIT_VERIFY;
	}
	if (line)
		report_line(stderr, nm);
	status = act(nm);
	if (nm->watch && nm->watch->pid > 0) {
		status = report_workload(nm, status);
		watch_free(nm->watch);
	}
	return status;
}

/* The one place the exit status is decided: a report that could not be
 * written is a failure; with a COMMAND, a placement that breaks a policy
 * is 124 (never 125, which also means a typo, nor 4, which a command may
 * return for reasons of its own); and, as env(1) does it, numamem's own
 * failure when a COMMAND was asked for but never ran is 125. */
static int exit_status(struct numamem *nm, int status)
{
	int out = stdout_status();
	/* -o's file stays only with the whole report in it */
	int file = outfile_close(&nm->output, nm->output_whole);

	nm->out = stdout;
	if (!out)
		out = file;
	if (!status)
		status = out;
	if (status == EXIT_VERIFY && nm->placement_broken && nm->command_asked)
		return EXIT_VERIFY_COMMAND;
	if (status && nm->command_asked && !nm->command_ran)
		return EXIT_CANCELED;
	return status;
}

/* 0, 1 and 2 open before anything else is: a closed one would
 * otherwise be the first region's descriptor, and the report, a message
 * or the ready line would be written into the user's file.  As gnulib's
 * stdopen does, each is opened on /dev/null the other way round, so
 * that a report to a closed stdout fails (status 5) instead of
 * vanishing. */
static void open_std_streams(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		nfd = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
		if (nfd != fd) /* no /dev/null: nothing safe is left to do */
			_exit(EXIT_UNAVAILABLE);
	}
}

int main(int argc, char **argv)
{
	struct numamem nm;
	bool sigpipe_default;
	int status;

	open_std_streams();
	/* the character set only (the report's block characters): numbers
	 * keep the C locale's decimal point, for JSON */
	setlocale(LC_CTYPE, "");
	/* a reader that has gone is an output error (5), not a silent death;
	 * COMMAND gets SIGPIPE back as numamem was given it */
	sigpipe_default = signal(SIGPIPE, SIG_IGN) == SIG_DFL;
	status = options_parse(argc, argv, &nm);
	nm.sigpipe_default = sigpipe_default;

	if (status < 0) {
		status = run(&nm);
		release_all(&nm, !status || nm.command_ran);
	}
	status = exit_status(&nm, status);
	options_free(&nm);
	return status;
}
