/* Unit tests for placement_judge(): pass and fail for every policy,
 * with the placement and the host's room and weights given. */
#include "config.h"

#include <string.h>

#include "lib/judge.h"
#include "lib/mempolicy.h"
#include "lib/parse.h"
#include "tap.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static uint64_t bytes[NUMAMEM_MAX_NODES];

/* A placement of mode over nodes "0-1"-style list, with bytes[] set by
 * the caller; every node has 1 GiB of room and weight 1. */
static struct judge_input input(int mode, const char *nodes)
{
	struct judge_input in = { .mode = mode, .node_bytes = bytes, .unit = 4096 };
	struct nodemask none = { { 0 } };

	parse_nodelist(nodes, &none, &in.nodes, NULL);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		in.present_bytes += bytes[n];
		in.weights[n] = 1;
		in.room[n] = GiB;
	}
	return in;
}

static void place(uint64_t n0, uint64_t n1, uint64_t n2)
{
	memset(bytes, 0, sizeof(bytes));
	bytes[0] = n0;
	bytes[1] = n1;
	bytes[2] = n2;
}

#define judge(in_, want, what)                                                              \
	do {                                                                                \
		struct judge_input in__ = (in_);                                            \
		char why[160] = "";                                                         \
		enum verdict v = placement_judge(&in__, why, sizeof(why));                  \
		ok(v == (want), "%s: %s (%s)", what, verdict_names[v], why);                \
	} while (0)

int main(void)
{
	struct judge_input in;

	place(0, 0, 0);
	judge(input(POLICY_BIND, "0"), VERIFY_SKIPPED, "no page present");

	place(64 * MiB, 0, 0);
	judge(input(POLICY_BIND, "0"), VERIFY_PASS, "bind 0, all on 0");
	place(64 * MiB, 4096, 0);
	judge(input(POLICY_BIND, "0"), VERIFY_FAIL, "bind 0, one page on 1");
	place(32 * MiB, 32 * MiB, 0);
	judge(input(POLICY_BIND, "0-1"), VERIFY_PASS, "bind 0-1, split over both");
	place(0, 0, 4096);
	judge(input(POLICY_BIND, "0-1"), VERIFY_FAIL, "bind 0-1, a page on 2");

	place(0, 64 * MiB, 0);
	judge(input(POLICY_PREFERRED, "1"), VERIFY_PASS, "preferred 1, all on 1");
	place(512 * MiB, 64 * MiB, 0);
	judge(input(POLICY_PREFERRED, "1"), VERIFY_FAIL, "preferred 1, most on 0 while 1 has room");
	in = input(POLICY_PREFERRED, "1");
	in.room[1] = 16 * MiB;
	judge(in, VERIFY_PASS, "preferred 1, spilled from a full node 1");
	place(512 * MiB, 0, 0);
	judge(input(POLICY_PREFERRED_MANY, "1-2"), VERIFY_FAIL, "preferred-many 1-2, all on 0 while they have room");
	place(0, 256 * MiB, 256 * MiB);
	judge(input(POLICY_PREFERRED_MANY, "1-2"), VERIFY_PASS, "preferred-many 1-2, on 1 and 2");
	place(2 * MiB, 0, 0);
	in = input(POLICY_PREFERRED, "1");
	in.huge = true;
	in.room[1] = 4 * MiB;
	judge(in, VERIFY_FAIL, "preferred 1, a huge page on 0 while 1 has free huge pages");

	place(32 * MiB, 32 * MiB, 0);
	judge(input(POLICY_INTERLEAVE, "0-1"), VERIFY_PASS, "interleave 0-1, even");
	place(32 * MiB + 4096, 32 * MiB - 4096, 0);
	judge(input(POLICY_INTERLEAVE, "0-1"), VERIFY_PASS, "interleave 0-1, one page apart");
	place(48 * MiB, 16 * MiB, 0);
	judge(input(POLICY_INTERLEAVE, "0-1"), VERIFY_FAIL, "interleave 0-1, 3:1");
	place(64 * MiB, 0, 0);
	judge(input(POLICY_INTERLEAVE, "0-1"), VERIFY_FAIL, "interleave 0-1, all on 0");
	place(32 * MiB, 0, 32 * MiB);
	judge(input(POLICY_INTERLEAVE, "0-1"), VERIFY_FAIL, "interleave 0-1, half on 2");

	place(48 * MiB, 16 * MiB, 0);
	in = input(POLICY_WEIGHTED_INTERLEAVE, "0-1");
	in.weights[0] = 3;
	judge(in, VERIFY_PASS, "weighted interleave 3:1, 3:1");
	place(32 * MiB, 32 * MiB, 0);
	judge(in, VERIFY_FAIL, "weighted interleave 3:1, even");
	in.weights[0] = 1;
	judge(in, VERIFY_PASS, "weighted interleave 1:1, even");
	place(48 * MiB, 16 * MiB, 0);
	in.weights[0] = 3;
	in.unit = 2 * MiB;
	judge(in, VERIFY_PASS, "weights 3:1 in 2 MiB stripes, 3:1");
	place(46 * MiB, 18 * MiB, 0);
	judge(in, VERIFY_PASS, "weights 3:1 in 2 MiB stripes, one stripe off");
	place(40 * MiB, 24 * MiB, 0);
	judge(in, VERIFY_FAIL, "weights 3:1 in 2 MiB stripes, 5:3");

	place(10 * MiB, 20 * MiB, 30 * MiB);
	judge(input(POLICY_DEFAULT, ""), VERIFY_PASS, "default places no constraint");
	judge(input(POLICY_LOCAL, ""), VERIFY_PASS, "local places no constraint");
	return tap_done();
}
