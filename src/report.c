/* Report: what numamem made and where the kernel put it. */
#include "config.h"

#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "lib/json.h"
#include "numamem.h"
#include "region.h"
#include "report.h"
#include "table.h"
#include "util.h"
#include "watch.h"

static const char *mode_name(int mode)
{
	return mode >= 0 && mode < POLICY_COUNT ? policy_names[mode] : "unknown";
}

static double rate(const struct region *b)
{
	return b->t_prealloc > 0 ? (double)b->size / b->t_prealloc : 0;
}

#define WI_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

/* The weights a weighted interleave follows: the region's own, or the
 * system's; 0 for nodes outside host-nodes. */
static bool region_weights(const struct region *b, unsigned w[NUMAMEM_MAX_NODES])
{
	bool any = false;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		w[n] = 0;
		if (!nodemask_isset(&b->host_nodes, n))
			continue;
		w[n] = b->has_weights ? b->weights[n] : host_interleave_weight(n);
		any = true;
	}
	return any && (b->has_weights || b->policy == POLICY_WEIGHTED_INTERLEAVE);
}

/* "0:3,1:1" */
static const char *weights_str(const unsigned w[NUMAMEM_MAX_NODES], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES && used < len; n++)
		if (w[n])
			used += (size_t)snprintf(buf + used, len - used, "%s%u:%u", used ? "," : "", n, w[n]);
	return buf;
}

/* weights: as asked and as obtained (numamem's stripes), or the system's
 * (the kernel's weighted interleave). */
static void text_weights(FILE *out, const struct region *b)
{
	const struct placement *pl = &b->placement;
	unsigned w[NUMAMEM_MAX_NODES], sum = 0;
	char buf[512], sz[32];
	int autow;

	if (!region_weights(b, w))
		return;
	if (!b->has_weights) {
		autow = host_interleave_auto();
		fprintf(out, "  weights:      system's %s (%s%s)\n", weights_str(w, buf, sizeof(buf)), WI_DIR,
			autow < 0 ? "" : autow ? ", auto mode" : ", set by hand");
		return;
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		sum += w[n];
	fprintf(out, "  weights:      asked %s (", weights_str(w, buf, sizeof(buf)));
	for (unsigned n = 0, k = 0; n < NUMAMEM_MAX_NODES; n++)
		if (w[n])
			fprintf(out, "%s%.1f%%", k++ ? " " : "", 100.0 * w[n] / sum);
	fprintf(out, "), obtained ");
	for (unsigned n = 0, k = 0; n < NUMAMEM_MAX_NODES; n++)
		if (w[n])
			fprintf(out, "%s%.1f%%", k++ ? " " : "",
				pl->present_bytes ? 100.0 * (double)pl->node_bytes[n] / (double)pl->present_bytes : 0.0);
	format_size(b->stripe, sz, sizeof(sz));
	fprintf(out, "%s; %s stripes, %lu VMAs (vm.max_map_count %lu)\n", pl->present_bytes ? "" : " (nothing present)",
		sz, b->vmas, b->max_map_count);
}

const char *const report_columns[] = { "NODE", "SIZE", "PAGES", NULL };

/* The region's bytes per node, and those not present: a row each. */
static void text_node_table(FILE *out, const struct region *b, const struct table_style *st)
{
	const struct placement *pl = &b->placement;
	struct table *t = table_new(st);

	if (!t) {
		fail_oom();
		return;
	}
	table_column(t, "NODE", "NODE", false);
	table_column(t, "SIZE", "SIZE", true);
	table_column(t, "PAGES", "PAGES", true);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!pl->node_bytes[n] && !nodemask_isset(&b->host_nodes, n))
			continue;
		table_row(t);
		table_cell(t, "%u", n);
		table_size(t, pl->node_bytes[n]);
		table_cell(t, "%" PRIu64, pl->node_bytes[n] / b->page_size);
	}
	table_row(t);
	table_cell(t, "absent");
	table_size(t, pl->not_present_bytes);
	table_cell(t, "%" PRIu64, pl->not_present_bytes / b->page_size);
	if (table_print(t, out, "  ") < 0)
		fail_oom();
}

static void text_region(FILE *out, const struct region *b, const struct table_style *st)
{
	const struct placement *pl = &b->placement;
	char size[32], page[32], s[32], list[96];

	format_size(b->size, size, sizeof(size));
	format_size(b->page_size, page, sizeof(page));
	fprintf(out, "region %s: %s, %s at %p", b->id, region_kind_name(b), size, b->ptr);
	if (b->fd >= 0)
		fprintf(out, ", fd %d", b->fd);
	fputc('\n', out);
	nodemask_format(&b->host_nodes, list, sizeof(list));
	fprintf(out, "  policy:       %s%s%s", policy_names[b->policy], *list ? " " : "", list);
	if (b->kernel_flags)
		fprintf(out, ", %s", mode_flag_names(b->kernel_flags, s, sizeof(s)));
	if (b->home_node >= 0)
		fprintf(out, ", home node %d", b->home_node);
	nodemask_format(&pl->kernel_nodes, list, sizeof(list));
	fprintf(out, " (kernel: %s%s%s", mode_name(pl->kernel_mode), *list ? " " : "", list);
	if (pl->kernel_flags)
		fprintf(out, ", %s", mode_flag_names(pl->kernel_flags, s, sizeof(s)));
	fputs(")\n", out);
	text_weights(out, b);
	if (pl->kind == PAGE_THP) {
		format_size(pl->huge_bytes, s, sizeof(s));
		fprintf(out, "  page size:    %s, transparent huge pages on %s\n", page, s);
	} else {
		fprintf(out, "  page size:    %s%s\n", page, pl->kind == PAGE_HUGETLB ? " (hugetlb)" : "");
	}
	text_node_table(out, b, st);
	fprintf(out, "  timings:      alloc %.3f ms, mbind %.3f ms, prealloc %.3f ms, query %.3f ms\n",
		b->t_alloc * 1e3, b->t_mbind * 1e3, b->t_prealloc * 1e3, pl->t_query * 1e3);
	if (b->prealloc) {
		format_size((uint64_t)rate(b), s, sizeof(s));
		fprintf(out, "  prealloc:     %s/s with %u thread%s", s, b->threads_used, b->threads_used == 1 ? "" : "s");
		if (b->prealloc_pinned) {
			cpuset_format(&b->prealloc_cpuset, list, sizeof(list));
			fprintf(out, " on CPUs %s", list);
		}
		fputc('\n', out);
	}
	if (b->merge && region_share(b))
		fprintf(out, "  note:         merge has no effect: the kernel does not merge shared mappings\n");
	if (pl->verdict != VERIFY_SKIPPED || *pl->reason)
		fprintf(out, "  verify:       %s (%s)\n", verdict_names[pl->verdict], pl->reason);
}

/* One character per map cell: the node (0-9, a-z), '.' absent, '+' mixed. */
static char cell_char(short v)
{
	if (v == MAP_ABSENT)
		return '.';
	if (v == MAP_MIXED || v < 0)
		return '+';
	if (v < 10)
		return (char)('0' + v);
	return v < 36 ? (char)('a' + v - 10) : '#';
}

static void text_map(FILE *out, const struct region *b, bool colour)
{
	const struct placement *pl = &b->placement;
	/* background colours per node, cycling; absent dim, mixed inverse */
	static const char *const bg[] = { "42", "44", "45", "46", "43", "41", "47", "100" };
	char cell[32];
	const unsigned width = 64;

	if (!pl->ncells)
		return;
	format_size(b->size / pl->ncells, cell, sizeof(cell));
	fprintf(out, "  map:          one cell per %s; digit: the node with most of its pages, '.': absent", cell);
	if (!nodemask_empty(&pl->map_mixed)) {
		char list[64];

		nodemask_format(&pl->map_mixed, list, sizeof(list));
		fprintf(out, ", '+': shared evenly by nodes %s", list);
	}
	fputc('\n', out);
	/* with colour, one escape sequence per run of equal cells in a row */
	for (unsigned c = 0; c < pl->ncells; c++) {
		short v = pl->cells[c];
		bool row_start = c % width == 0, row_end = c % width == width - 1 || c + 1 == pl->ncells;

		if (row_start)
			fputs("    ", out);
		if (colour && (row_start || pl->cells[c - 1] != v)) {
			if (v >= 0)
				fprintf(out, "\033[30;%sm", bg[v % (short)ARRAY_SIZE(bg)]);
			else
				fputs(v == MAP_MIXED ? "\033[7m" : "\033[2m", out);
		}
		fputc(cell_char(v), out);
		if (colour && (row_end || pl->cells[c + 1] != v))
			fputs("\033[0m", out);
		if (row_end)
			fputc('\n', out);
	}
}

static bool watched(const struct numamem *nm)
{
	return nm->watch && nm->watch->pid > 0;
}

const char *const report_verdict_names[] = {
	[VERIFY_SKIPPED] = "none", [VERIFY_PASS] = "pass", [VERIFY_FAIL] = "fail",
};

/* One verdict more: counted, and the first failure (else the first
 * thing skipped) says why. */
static void tally(enum verdict v, const char *what, const char *why, unsigned n[3], char *reason, size_t len)
{
	if (!n[VERIFY_FAIL] && (v == VERIFY_FAIL || (v == VERIFY_SKIPPED && !n[VERIFY_SKIPPED])))
		snprintf(reason, len, "%s: %s", what, why);
	n[v]++;
}

enum verdict report_verdict(const struct numamem *nm, char *reason, size_t len)
{
	unsigned n[3] = { 0 };
	char what[200], skipped[700] = "";

	if (!nm->verify) {
		snprintf(reason, len, "nothing judged: --verify was not given");
		return VERIFY_SKIPPED;
	}
	for (size_t i = 0; i < nm->nregions; i++) {
		const struct region *b = &nm->regions[i];

		snprintf(what, sizeof(what), "region '%s' (%s)", b->id, policy_names[b->policy]);
		tally(b->placement.verdict, what, b->placement.reason, n, skipped, sizeof(skipped));
	}
	if (watched(nm)) {
		snprintf(what, sizeof(what), "'%s'", nm->command[0]);
		tally(nm->watch->verdict, what, nm->watch->reason, n, skipped, sizeof(skipped));
	}
	if (n[VERIFY_FAIL]) {
		snprintf(reason, len, "%s", skipped);
		return VERIFY_FAIL;
	}
	if (n[VERIFY_PASS]) {
		snprintf(reason, len, "%u judged, each keeps its policy%s%.0u%s", n[VERIFY_PASS],
			 n[VERIFY_SKIPPED] ? "; " : "", n[VERIFY_SKIPPED], n[VERIFY_SKIPPED] ? " skipped" : "");
		return VERIFY_PASS;
	}
	snprintf(reason, len, "nothing judged: %s%s", *skipped ? skipped : "nothing to judge",
		 nm->nregions && !watched(nm) ? " (--prealloc populates a region)" : "");
	return VERIFY_SKIPPED;
}

/* ,"verdict":{"result":...,"reason":...} */
static void json_verdict(FILE *out, enum verdict v, const char *reason)
{
	fprintf(out, ",\"verdict\":{\"result\":\"%s\",\"reason\":", report_verdict_names[v]);
	json_string(out, reason);
	fputc('}', out);
}

/* "set by the launcher (SLURM_MEM_BIND=quiet,local)", "numamem's option" */
static void text_set_by(FILE *out, const struct launcher *l, enum set_by by, enum set_by inherited, bool conflict,
			const char *value)
{
	static const char *const whom[SET_BY_COUNT] = {
		[SET_BY_INHERITED] = "a parent process", [SET_BY_LAUNCHER] = "the launcher",
	};

	switch (by) {
	case SET_BY_NUMAMEM:
		fprintf(out, ", numamem's option");
		if (inherited != SET_BY_DEFAULT)
			fprintf(out, ", %s what %s set", conflict ? "over" : "within", whom[inherited]);
		fputc('\n', out);
		break;
	case SET_BY_LAUNCHER:
		fprintf(out, ", inherited from the launcher (%s)\n", value ? value : "");
		break;
	case SET_BY_INHERITED:
		fprintf(out, ", inherited from a parent process%s%s\n", l->name ? " under " : "", l->name ? l->name : "");
		break;
	default:
		fprintf(out, ", the default\n");
	}
}

/* Which policy and CPUs COMMAND ran under, and who set them. */
static void text_ran_under(FILE *out, const struct launcher *l)
{
	char list[256], v[300];

	bits_format(l->ran_nodes, KERNEL_NODES_MAX, list, sizeof(list));
	fprintf(out, "  ran under:    memory %s%s%s", mode_name(l->ran_mode), *list ? " " : "", list);
	snprintf(v, sizeof(v), "SLURM_MEM_BIND=%s", l->mem_bind ? l->mem_bind : "");
	text_set_by(out, l, l->mem_by, l->mem_inherited, l->mem_conflict, v);
	cpuset_format(&l->ran_cpus, list, sizeof(list));
	fprintf(out, "                CPUs %s", list);
	snprintf(v, sizeof(v), "SLURM_CPU_BIND=%s", l->cpu_bind ? l->cpu_bind : "");
	text_set_by(out, l, l->cpus_by, l->cpus_inherited, l->cpus_conflict, v);
}

/* COMMAND's memory: a row per node that held any, one block character
 * per column of the chart (eighths of the node's own peak); in a locale
 * that is not UTF-8, one of " .:-=+*#@" instead. */
static void text_workload(FILE *out, const struct numamem *nm)
{
	static const char *const blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char *const ascii[] = { " ", ".", ":", "-", "=", "+", "*", "#", "@" };
	/* block characters only where the locale can show them (not LC_ALL=C) */
	const char *const *level = strcmp(nl_langinfo(CODESET), "UTF-8") ? ascii : blocks;
	const struct watch *w = nm->watch;
	const char *const *kinds = watch_counted(w);
	char peak[32], last[32], coverage[1024];
	bool any = false;

	fprintf(out, "command %s (pid %ld): %u process%s, %s: %u read at exit, %u sample%s every %.0f ms, "
		"exit figures %s\n", nm->command[0], (long)w->pid, w->processes, w->processes == 1 ? "" : "es",
		w->mechanism, w->exit_reads, w->samples, w->samples == 1 ? "" : "s", w->interval * 1e3,
		w->exit_exact ? "read at its exit" : "of the last sample");
	watch_coverage(w, coverage, sizeof(coverage));
	fprintf(out, "  coverage:     %s\n", coverage);
	fputs("  counted:      ", out);
	for (size_t k = 0; kinds[k]; k++)
		fprintf(out, "%s%s", k ? ", " : "", kinds[k]);
	fputs(" (not the page cache of regular files)\n", out);
	if (w->exact_peak >= 0) {
		format_size((uint64_t)w->exact_peak, peak, sizeof(peak));
		fprintf(out, "  exact peak:   %s (memory.peak of %s)\n", peak, w->cg.was);
	}
	fprintf(out, "  memory per node over %.2f s (%u columns), peak %s:\n", w->ncols * w->col_span, w->ncols,
		w->traced ? "at exits and samples" : "of the samples");
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!w->peak[n])
			continue;
		any = true;
		fprintf(out, "  node %-3u ", n);
		for (unsigned c = 0; c < w->ncols; c++)
			fputs(level[(w->cols[c][n] * 8 + w->peak[n] - 1) / w->peak[n]], out);
		format_size(w->peak[n], peak, sizeof(peak));
		format_size(w->last[n], last, sizeof(last));
		fprintf(out, "  peak %s, at exit %s\n", peak, last);
	}
	if (!any)
		fprintf(out, "  none seen\n");
	text_ran_under(out, &nm->launcher);
	if (w->verdict != VERIFY_SKIPPED || *w->reason)
		fprintf(out, "  verify:       %s (%s)\n", verdict_names[w->verdict], w->reason);
}

/* --color: auto colours a terminal unless NO_COLOR is set to anything
 * (no-color.org). */
static bool use_colour(enum color_when when)
{
	const char *no = getenv("NO_COLOR");

	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && *no);
}

void report_line(FILE *out, const struct numamem *nm)
{
	char size[32];

	fputs("numamem:", out);
	for (size_t i = 0; i < nm->nregions; i++) {
		const struct region *b = &nm->regions[i];
		const struct placement *pl = &b->placement;
		bool any = false;

		format_size(b->size, size, sizeof(size));
		fprintf(out, "%s region %s (%s):", i ? ";" : "", b->id, size);
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
			if (!pl->node_bytes[n])
				continue;
			format_size(pl->node_bytes[n], size, sizeof(size));
			fprintf(out, "%s node %u %s", any ? "," : "", n, size);
			any = true;
		}
		if (pl->not_present_bytes) {
			format_size(pl->not_present_bytes, size, sizeof(size));
			fprintf(out, "%s %s not present yet", any ? "," : "", size);
		}
	}
	fprintf(out, "%s running '%s' (--report shows its memory)\n", nm->nregions ? ";" : "", nm->command[0]);
}

void report_text(FILE *out, const struct numamem *nm)
{
	bool colour = use_colour(nm->color);

	for (size_t i = 0; i < nm->nregions; i++) {
		if (i)
			fputc('\n', out);
		text_region(out, &nm->regions[i], &nm->table);
		text_map(out, &nm->regions[i], colour);
	}
	char reason[800];
	enum verdict v = report_verdict(nm, reason, sizeof(reason));

	if (watched(nm)) {
		if (nm->nregions)
			fputc('\n', out);
		text_workload(out, nm);
	}
	fprintf(out, "\nverdict: %s (%s)\n", report_verdict_names[v], reason);
}

static void json_node_bytes(FILE *out, const uint64_t *bytes);

static uint64_t total(const uint64_t *bytes)
{
	uint64_t sum = 0;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		sum += bytes[n];
	return sum;
}

static void json_string_or_null(FILE *out, const char *s)
{
	if (s)
		json_string(out, s);
	else
		fputs("null", out);
}

/* "ran_under": COMMAND's memory policy and CPUs, who set each, and what
 * the launcher's variables said. */
static void json_ran_under(FILE *out, const struct launcher *l)
{
	fprintf(out, ",\"ran_under\":{\"memory\":{\"policy\":\"%s\",\"nodes\":", mode_name(l->ran_mode));
	json_node_bits(out, l->ran_nodes, KERNEL_NODES_MAX);
	fprintf(out, ",\"set_by\":\"%s\",\"conflict\":%s},\"cpus\":{\"cpus\":", set_by_names[l->mem_by],
		l->mem_conflict ? "true" : "false");
	json_cpus(out, &l->ran_cpus);
	fprintf(out, ",\"set_by\":\"%s\",\"conflict\":%s},\"launcher\":", set_by_names[l->cpus_by],
		l->cpus_conflict ? "true" : "false");
	json_string_or_null(out, l->name);
	fputs(",\"slurm_mem_bind\":", out);
	json_string_or_null(out, l->mem_bind);
	fputs(",\"slurm_cpu_bind\":", out);
	json_string_or_null(out, l->cpu_bind);
	fputc('}', out);
}

static void json_workload(FILE *out, const struct numamem *nm)
{
	const struct watch *w = nm->watch;
	const char *const *kinds = watch_counted(w);
	char coverage[1024];

	fprintf(out, ",\"workload\":{\"command_pid\":%ld,\"command\":", (long)w->pid);
	json_string(out, nm->command[0]);
	fprintf(out, ",\"mechanism\":\"%s\",\"interval_ms\":%.3f,\"sample_cost_ms\":%.3f,\"freshness_ms\":%.3f",
		w->mechanism, w->interval * 1e3, w->cost * 1e3, w->freshness * 1e3);
	fprintf(out, ",\"watched_ms\":%.3f,\"sampling_cpu_ms\":%.3f", w->watched * 1e3, w->cpu * 1e3);
	fprintf(out, ",\"exit_trace\":%s,\"exit_reads\":%u,\"exit_exact\":%s,\"peak_source\":\"%s\",\"coverage\":",
		w->traced ? "true" : "false", w->exit_reads, w->exit_exact ? "true" : "false",
		w->traced ? "exits and samples" : "samples");
	watch_coverage(w, coverage, sizeof(coverage));
	json_string(out, coverage);
	fputs(",\"mechanism_note\":", out);
	json_string(out, w->note);
	fputs(",\"counted\":[", out);
	for (size_t k = 0; kinds[k]; k++) {
		fprintf(out, "%s", k ? "," : "");
		json_string(out, kinds[k]);
	}
	fputs("],\"cgroup\":", out);
	if (*w->cg.was)
		json_string(out, w->cg.was);
	else
		fputs("null", out);
	if (w->exact_peak >= 0)
		fprintf(out, ",\"exact_peak_bytes\":%" PRId64, w->exact_peak);
	else
		fputs(",\"exact_peak_bytes\":null", out);
	fprintf(out, ",\"samples\":%u,\"processes\":%u,\"peak_bytes\":%" PRIu64 ",\"peak_node_bytes\":", w->samples,
		w->processes, total(w->peak));
	json_node_bytes(out, w->peak);
	fprintf(out, ",\"exit_bytes\":%" PRIu64 ",\"exit_node_bytes\":", total(w->last));
	json_node_bytes(out, w->last);
	fprintf(out, ",\"policy\":");
	if (nm->proc.mode >= 0)
		fprintf(out, "\"%s\"", policy_names[nm->proc.mode]);
	else
		fputs("null", out);
	fprintf(out, ",\"verify\":\"%s\",\"verify_reason\":", verdict_names[w->verdict]);
	json_string(out, w->reason);
	json_ran_under(out, &nm->launcher);
	fputc('}', out);
}

/* MPOL_F_* bits as an array of property names. */
static void json_flags(FILE *out, unsigned bits)
{
	bool first = true;

	fputc('[', out);
	for (unsigned f = 0; f < FLAG_COUNT; f++) {
		if (!(bits & mode_flags[f].bit))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",", mode_flags[f].name);
		first = false;
	}
	fputc(']', out);
}

static void json_weights(FILE *out, const struct region *b)
{
	const struct placement *pl = &b->placement;
	unsigned w[NUMAMEM_MAX_NODES];
	int autow;

	fputs(",\"weights\":", out);
	if (!region_weights(b, w)) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"source\":\"%s\",\"asked\":{", b->has_weights ? "numamem" : "system");
	for (unsigned n = 0, k = 0; n < NUMAMEM_MAX_NODES; n++)
		if (w[n])
			fprintf(out, "%s\"%u\":%u", k++ ? "," : "", n, w[n]);
	fputc('}', out);
	if (b->has_weights) {
		fputs(",\"obtained_shares\":{", out);
		for (unsigned n = 0, k = 0; n < NUMAMEM_MAX_NODES; n++)
			if (w[n])
				fprintf(out, "%s\"%u\":%.4f", k++ ? "," : "", n,
					pl->present_bytes ? (double)pl->node_bytes[n] / (double)pl->present_bytes : 0.0);
		fprintf(out, "},\"stripe_bytes\":%zu,\"vmas\":%lu,\"max_map_count\":%lu", b->stripe, b->vmas,
			b->max_map_count);
	} else {
		autow = host_interleave_auto();
		fprintf(out, ",\"auto\":%s", autow < 0 ? "null" : autow ? "true" : "false");
	}
	fputc('}', out);
}

void report_json_region(FILE *out, const struct region *b)
{
	const struct placement *pl = &b->placement;
	bool first = true;

	fprintf(out, "{\"id\":");
	json_string(out, b->id);
	fprintf(out, ",\"backend\":\"%s\",\"address\":\"0x%lx\",\"size\":%" PRIu64 ",\"page_size\":%zu",
		region_kind_name(b), (unsigned long)(uintptr_t)b->ptr, b->size, b->page_size);
	fprintf(out, ",\"page_kind\":\"%s\",\"thp_bytes\":%" PRIu64, page_kind_names[pl->kind], pl->huge_bytes);
	fprintf(out, ",\"share\":%s,\"fd\":", region_share(b) ? "true" : "false");
	if (b->fd >= 0)
		fprintf(out, "%d", b->fd);
	else
		fputs("null", out);
	fprintf(out, ",\"policy\":\"%s\",\"host_nodes\":", policy_names[b->policy]);
	json_nodes(out, &b->host_nodes);
	fprintf(out, ",\"mode_flags\":");
	json_flags(out, b->kernel_flags);
	if (b->home_node >= 0)
		fprintf(out, ",\"home_node\":%d", b->home_node);
	else
		fputs(",\"home_node\":null", out);
	json_weights(out, b);
	fprintf(out, ",\"kernel_policy\":\"%s\",\"kernel_nodes\":", mode_name(pl->kernel_mode));
	json_nodes(out, &pl->kernel_nodes);
	fprintf(out, ",\"kernel_mode_flags\":");
	json_flags(out, pl->kernel_flags);
	fprintf(out, ",\"prealloc\":%s,\"prealloc_threads\":%u,\"prealloc_cpus\":",
		b->prealloc ? "true" : "false", b->threads_used);
	if (b->prealloc_pinned) {
		json_cpus(out, &b->prealloc_cpuset);
	} else {
		fputs("null", out);
	}
	fprintf(out, ",\"prealloc_overlapped\":%s", b->overlapped ? "true" : "false");
	fprintf(out, ",\"present_bytes\":%" PRIu64 ",\"not_present_bytes\":%" PRIu64 ",\"node_bytes\":{",
		pl->present_bytes, pl->not_present_bytes);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!pl->node_bytes[n] && !nodemask_isset(&b->host_nodes, n))
			continue;
		fprintf(out, "%s\"%u\":%" PRIu64, first ? "" : ",", n, pl->node_bytes[n]);
		first = false;
	}
	fprintf(out, "},\"timings_ms\":{\"alloc\":%.3f,\"mbind\":%.3f,\"prealloc\":%.3f,\"query\":%.3f}",
		b->t_alloc * 1e3, b->t_mbind * 1e3, b->t_prealloc * 1e3, pl->t_query * 1e3);
	fprintf(out, ",\"prealloc_bytes_per_sec\":%.0f,\"verify\":\"%s\",\"verify_reason\":", rate(b),
		verdict_names[pl->verdict]);
	json_string(out, pl->reason);
	if (pl->ncells) {
		fprintf(out, ",\"map\":\"");
		for (unsigned c = 0; c < pl->ncells; c++)
			fputc(cell_char(pl->cells[c]), out);
		fprintf(out, "\",\"map_cell_bytes\":%" PRIu64 ",\"map_mixed_nodes\":", b->size / pl->ncells);
		json_nodes(out, &pl->map_mixed);
	}
	fputc('}', out);
}

void report_json(FILE *out, const struct numamem *nm)
{
	json_header(out, "report", host_kernel_release());
	fprintf(out, ",\"regions\":[");
	for (size_t i = 0; i < nm->nregions; i++) {
		if (i)
			fputc(',', out);
		report_json_region(out, &nm->regions[i]);
	}
	char reason[800];
	enum verdict v = report_verdict(nm, reason, sizeof(reason));

	fputc(']', out);
	if (watched(nm))
		json_workload(out, nm);
	json_verdict(out, v, reason);
	fprintf(out, "}\n");
}

/* ------------------------------------------------ a process's memory */

/* Nodes holding any of the process's pages, or every node with memory. */
static void process_nodes(const struct proc_numa *p, struct nodemask *cols)
{
	*cols = (struct nodemask){ { 0 } };
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (p->node_bytes[n])
			nodemask_set(cols, n);
	if (nodemask_empty(cols))
		host_nodes_with_memory(cols);
}

/* numastat -p's table: MiB per category and node, two decimals, a
 * column for every node, as numastat prints it. */
static void process_summary_text(FILE *out, const struct proc_numa *p, const struct nodemask *holding)
{
	uint64_t sum[PROC_CATEGORIES][NUMAMEM_MAX_NODES];
	uint64_t col_total[NUMAMEM_MAX_NODES] = { 0 }, all = 0;
	struct nodemask every, *cols = &every;

	host_nodes_present(&every);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(holding, n))
			nodemask_set(&every, n);
	procmaps_summary(p, sum);
	fprintf(out, "  per node, MiB (as numastat -p):\n  %-16s", "");
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(cols, n))
			fprintf(out, " %11s%-4u", "Node ", n);
	fprintf(out, " %15s\n", "Total");
	for (int c = 0; c <= PROC_CATEGORIES; c++) {
		const uint64_t *row = c < PROC_CATEGORIES ? sum[c] : col_total;
		uint64_t t = 0;

		fprintf(out, "  %-16s", c < PROC_CATEGORIES ? proc_category_names[c] : "Total");
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
			if (c < PROC_CATEGORIES) {
				col_total[n] += row[n];
				all += row[n];
			}
			t += row[n];
			if (nodemask_isset(cols, n))
				fprintf(out, " %15.2f", (double)row[n] / 1048576.0);
		}
		fprintf(out, " %15.2f\n", (double)(c < PROC_CATEGORIES ? t : all) / 1048576.0);
	}
}

const char *const report_process_columns[] = { "ADDRESS", "POLICY", "NODES", "MAPPING", NULL };

void report_process_text(FILE *out, const struct proc_numa *p, const struct table_style *st)
{
	struct nodemask cols;
	struct table *t = table_new(st);
	char sz[32];

	if (!t) {
		fail_oom();
		return;
	}
	process_nodes(p, &cols);
	format_size(p->bytes, sz, sizeof(sz));
	fprintf(out, "process %ld (%s): %zu mappings, %s present; /proc/%ld/numa_maps read in %.3f ms\n", p->pid,
		p->comm, p->n, sz, p->pid, p->t_read * 1e3);
	table_column(t, "ADDRESS", "ADDRESS", false);
	table_column(t, "POLICY", "POLICY", false);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		char col[16];

		snprintf(col, sizeof(col), "NODE %u", n);
		if (nodemask_isset(&cols, n))
			table_column(t, col, "NODES", true);
	}
	table_column(t, "MAPPING", "MAPPING", false);
	for (size_t i = 0; i < p->n; i++) { /* every mapping, those with no page present too */
		const struct vma_numa *v = &p->vmas[i];

		table_row(t);
		table_cell(t, "0x%lx", v->start);
		table_cell(t, "%s", v->policy);
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			if (nodemask_isset(&cols, n))
				table_size(t, v->node_bytes[n]);
		table_cell(t, "%s", *v->name ? v->name : "anon");
	}
	table_row(t);
	table_cell(t, "total");
	table_cell(t, "%s", "");
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&cols, n))
			table_size(t, p->node_bytes[n]);
	if (table_print(t, out, "  ") < 0)
		fail_oom();
	process_summary_text(out, p, &cols);
	if (p->verdict != VERIFY_SKIPPED || *p->reason)
		fprintf(out, "  verify:       %s (%s)\n", verdict_names[p->verdict], p->reason);
	fprintf(out, "\nverdict: %s (%s)\n", report_verdict_names[p->verdict],
		*p->reason ? p->reason : "nothing judged: --verify was not given");
}

static void json_node_bytes(FILE *out, const uint64_t *bytes)
{
	bool first = true;

	fputc('{', out);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!bytes[n])
			continue;
		fprintf(out, "%s\"%u\":%" PRIu64, first ? "" : ",", n, bytes[n]);
		first = false;
	}
	fputc('}', out);
}

static void json_process(FILE *out, const struct proc_numa *p)
{
	fprintf(out, "{\"target_pid\":%ld,\"comm\":", p->pid);
	json_string(out, p->comm);
	fprintf(out, ",\"source\":\"numa_maps\",\"read_ms\":%.3f,\"present_bytes\":%" PRIu64 ",\"node_bytes\":",
		p->t_read * 1e3, p->bytes);
	json_node_bytes(out, p->node_bytes);
	fprintf(out, ",\"mappings\":[");
	for (size_t i = 0; i < p->n; i++) {
		const struct vma_numa *v = &p->vmas[i];

		fprintf(out, "%s{\"address\":\"0x%lx\",\"policy\":", i ? "," : "", v->start);
		json_string(out, v->policy);
		fprintf(out, ",\"mode\":\"%s\",\"nodes\":", mode_name(v->mode));
		json_nodes(out, &v->nodes);
		fprintf(out, ",\"name\":");
		json_string(out, v->name);
		fprintf(out, ",\"placed_by_policy\":%s,\"page_size\":%" PRIu64 ",\"present_bytes\":%" PRIu64
			",\"node_bytes\":", !v->file || v->shmem ? "true" : "false", v->page_size, v->bytes);
		json_node_bytes(out, v->node_bytes);
		fputc('}', out);
	}
	fprintf(out, "],\"summary\":{");
	{
		uint64_t sum[PROC_CATEGORIES][NUMAMEM_MAX_NODES];

		procmaps_summary(p, sum);
		for (int c = 0; c < PROC_CATEGORIES; c++) {
			fprintf(out, "%s\"%s\":", c ? "," : "", proc_category_names[c]);
			json_node_bytes(out, sum[c]);
		}
	}
	fprintf(out, "},\"verify\":\"%s\",\"verify_reason\":", verdict_names[p->verdict]);
	json_string(out, p->reason);
	fputc('}', out);
}

static double migrate_rate(const struct migrate_result *m)
{
	return m->seconds > 0 ? (double)m->moved_bytes / m->seconds : 0;
}

static void json_migrate(FILE *out, const struct migrate_request *rq, const struct migrate_result *m)
{
	bool first = true;

	fprintf(out, ",\"migrate\":{\"from\":");
	json_nodes(out, &rq->from);
	fprintf(out, ",\"to\":");
	json_nodes(out, &rq->to);
	fprintf(out, ",\"mechanism\":\"migrate_pages\",\"time_ms\":%.3f,\"bytes_per_sec\":%.0f,"
		"\"not_moved_pages\":%ld,\"from_bytes\":%" PRIu64 ",\"moved_bytes\":%" PRIu64
		",\"failed_bytes\":%" PRIu64 ",\"nodes\":{", m->seconds * 1e3, migrate_rate(m), m->not_moved, m->from_bytes,
		m->moved_bytes, m->failed_bytes);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!m->before[n] && !m->after[n] && !nodemask_isset(&rq->from, n) && !nodemask_isset(&rq->to, n))
			continue;
		fprintf(out, "%s\"%u\":{\"before_bytes\":%" PRIu64 ",\"after_bytes\":%" PRIu64 ",\"moved_bytes\":%" PRIu64
			",\"failed_bytes\":%" PRIu64 "}", first ? "" : ",", n, m->before[n], m->after[n], m->moved[n],
			m->failed[n]);
		first = false;
	}
	fprintf(out, "}}");
}

void report_process_json(FILE *out, const struct proc_numa *p, const struct migrate_request *rq,
			 const struct migrate_result *m)
{
	json_header(out, "process", host_kernel_release());
	fprintf(out, ",\"process\":");
	json_process(out, p);
	if (m)
		json_migrate(out, rq, m);
	/* judged: a reason; not: --verify was not given */
	json_verdict(out, p->verdict, *p->reason ? p->reason : "nothing judged: --verify was not given");
	fprintf(out, "}\n");
}

void report_migrate_text(FILE *out, long pid, const char *comm, const struct migrate_request *rq,
			 const struct migrate_result *m)
{
	char from[64], to[64], moved[32], failed[32], rate[32];

	nodemask_format(&rq->from, from, sizeof(from));
	nodemask_format(&rq->to, to, sizeof(to));
	format_size(m->moved_bytes, moved, sizeof(moved));
	format_size(m->failed_bytes, failed, sizeof(failed));
	format_size((uint64_t)migrate_rate(m), rate, sizeof(rate));
	fprintf(out, "migrate pid %ld (%s) from node%s %s to node%s %s: %s moved in %.3f ms (%s/s), %s failed; migrate_pages left %ld page%s\n",
		pid, comm, nodemask_weight(&rq->from) > 1 ? "s" : "", from, nodemask_weight(&rq->to) > 1 ? "s" : "",
		to, moved, m->seconds * 1e3, rate, failed, m->not_moved, m->not_moved == 1 ? "" : "s");
	fprintf(out, "  %-8s %16s %16s %16s %16s\n", "node", "before", "after", "moved", "failed");
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!m->before[n] && !m->after[n] && !nodemask_isset(&rq->from, n) && !nodemask_isset(&rq->to, n))
			continue;
		fprintf(out, "  %-8u %16" PRIu64 " %16" PRIu64 " %16" PRIu64 " %16" PRIu64 "\n", n, m->before[n],
			m->after[n], m->moved[n], m->failed[n]);
	}
}
