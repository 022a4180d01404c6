/* The placement judge; see judge.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "judge.h"
#include "mempolicy.h"
#include "parse.h"

const char *const verdict_names[] = {
	[VERIFY_SKIPPED] = "skipped",
	[VERIFY_PASS] = "pass",
	[VERIFY_FAIL] = "fail",
};

static enum verdict verdict(char *reason, size_t len, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum verdict verdict(char *reason, size_t len, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return v;
}

static uint64_t bytes_off(const struct judge_input *in)
{
	uint64_t off = 0;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (!nodemask_isset(&in->nodes, n))
			off += in->node_bytes[n];
	return off;
}

static enum verdict judge_bind(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	uint64_t off = bytes_off(in);
	char sz[32];

	format_size(off, sz, sizeof(sz));
	if (off)
		return verdict(reason, len, VERIFY_FAIL, "%s outside bound nodes %s", sz, list);
	return verdict(reason, len, VERIFY_PASS, "every present page on nodes %s", list);
}

/* Pages elsewhere are only wrong while the preferred nodes had room. */
static enum verdict judge_preferred(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	uint64_t off = bytes_off(in), room = 0, slack = in->huge ? 0 : 64ULL << 20;
	char sz[32];

	if (!off)
		return verdict(reason, len, VERIFY_PASS, "every present page on preferred nodes %s", list);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&in->nodes, n))
			room += in->room[n];
	format_size(off, sz, sizeof(sz));
	if (room > off + slack)
		return verdict(reason, len, VERIFY_FAIL, "%s off preferred nodes %s while they have room", sz, list);
	return verdict(reason, len, VERIFY_PASS, "%s spilled from full preferred nodes %s", sz, list);
}

/* Each node holds its share (by weight) within a unit per weight. */
static enum verdict judge_interleave(const struct judge_input *in, const char *list, char *reason, size_t len)
{
	bool weighted = in->mode == POLICY_WEIGHTED_INTERLEAVE;
	uint64_t off = bytes_off(in), wsum = 0;
	char sz[32], e[32], g[32];

	if (off) {
		format_size(off, sz, sizeof(sz));
		return verdict(reason, len, VERIFY_FAIL, "%s outside interleaved nodes %s", sz, list);
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&in->nodes, n))
			wsum += weighted ? in->weights[n] : 1;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		uint64_t w = weighted ? in->weights[n] : 1, got = in->node_bytes[n];
		uint64_t expect = (uint64_t)((double)in->present_bytes * (double)w / (double)wsum);
		uint64_t slack = in->unit * w;

		if (!nodemask_isset(&in->nodes, n) || (got + slack >= expect && got <= expect + slack))
			continue;
		format_size(expect, e, sizeof(e));
		format_size(got, g, sizeof(g));
		return verdict(reason, len, VERIFY_FAIL, "node %u holds %s, interleave expects %s", n, g, e);
	}
	if (weighted) {
		char w[256];
		size_t used = 0;

		w[0] = '\0';
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES && used < sizeof(w); n++)
			if (nodemask_isset(&in->nodes, n))
				used += (size_t)snprintf(w + used, sizeof(w) - used, "%s%u:%u", used ? "," : "", n,
							 in->weights[n]);
		return verdict(reason, len, VERIFY_PASS, "present pages interleaved by weights %s", w);
	}
	return verdict(reason, len, VERIFY_PASS, "present pages interleaved evenly over nodes %s", list);
}

enum verdict placement_judge(const struct judge_input *in, char *reason, size_t len)
{
	char list[64];

	nodemask_format(&in->nodes, list, sizeof(list));
	if (!in->present_bytes)
		return verdict(reason, len, VERIFY_SKIPPED, "no page is present");
	switch (in->mode) {
	case POLICY_BIND:
		return judge_bind(in, list, reason, len);
	case POLICY_PREFERRED:
	case POLICY_PREFERRED_MANY:
		return judge_preferred(in, list, reason, len);
	case POLICY_INTERLEAVE:
	case POLICY_WEIGHTED_INTERLEAVE:
		return judge_interleave(in, list, reason, len);
	default:
		return verdict(reason, len, VERIFY_PASS, "policy %s places no constraint",
			       in->mode >= 0 && in->mode < POLICY_COUNT ? policy_names[in->mode] : "unknown");
	}
}

