/* Unit tests for --object parsing (src/options.c, linked as built). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "numamem.h"
#include "backends/backend.h"
#include "object.h"
#include "options.h"
#include "run.h"
#include "tap.h"

static struct numamem fresh(void)
{
	struct numamem nm;

	options_init(&nm);
	return nm;
}

static void refused(const char *spec, int want)
{
	struct numamem nm = fresh();
	int r = object_parse(&nm, spec);

	ok(r == want, "refused (%d): %s", r, spec);
	options_free(&nm);
}

/* options_parse over a command line written as one string. */
static int parse_line(struct numamem *nm, const char *line)
{
	char *copy = strdup(line), *argv[32], *save = NULL;
	int argc = 0;

	argv[argc++] = (char *)"numamem";
	for (char *a = strtok_r(copy, " ", &save); a && argc < 31; a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	argc = options_parse(argc, argv, nm);
	free(copy);
	return argc;
}

static void options_tests(void)
{
	static const struct {
		const char *line;
		bool asked;
	} asked[] = {
		{ "--size=1M -- true", true },
		{ "--size=1M true", true },
		{ "--size 1M", false },
		{ "--size 1M true", true },
		{ "--bogus true", true },
		{ "--bogus", false },
		{ "--hold 5", false },
		{ "--hold --size=1M", false },
		{ "--json --", false },
		{ "-q ./app", true },
		{ "--no-prealloc ./app", true },
		{ "-m 0", false },
		{ "-m 0 ./app", true },
		{ "-m0 ./app", true },
		{ "-N 0 -C 1 -- ./app", true },
		{ "-lq ./app", true },
		{ "-qm 0", false },
		{ "-qm 0 ./app", true },
		{ "--pid 1", false },
	};
	struct numamem nm;

	/* the same command line twice: nothing carries over */
	ok(parse_line(&nm, "--size=1M --json --verify --map --prealloc") == -1 && nm.json && nm.verify &&
	   nm.map && nm.regions[0].prealloc, "first parse: flags and toggles set");
	options_free(&nm);
	ok(parse_line(&nm, "--size=1M") == -1 && !nm.json && !nm.verify && !nm.map && !nm.regions[0].prealloc,
	   "second parse: no flag or toggle left from the first");
	options_free(&nm);
	ok(parse_line(&nm, "--size=1M --prealloc --no-prealloc") == -1 && !nm.regions[0].prealloc,
	   "--no-NAME after --NAME wins");
	options_free(&nm);
	/* ",," is a literal comma wherever it stands, id= included */
	ok(parse_line(&nm, "--object memory-backend-file,mem-path=/x,,id=evil,id=m0,size=1M") == -1 &&
	   nm.nregions == 1 && !strcmp(nm.regions[0].id, "m0") && !strcmp(nm.regions[0].mem_path, "/x,id=evil"),
	   "an escaped id= inside mem-path is part of the path");
	options_free(&nm);
	ok(parse_line(&nm, "--size=1M --backend=file --mem-path=/tmp --prealloc-cpus=0") == -1 &&
	   region_kind(&nm.regions[0]) == BACKEND_FILE && nm.regions[0].has_prealloc_cpus,
	   "--backend and a file-only property");
	options_free(&nm);
	ok(parse_line(&nm, "--object memory-backend-ram,id=m0,size=1M --object memory-backend-ram,id=m0,size=1M") ==
	   EXIT_USAGE, "duplicate id refused");
	options_free(&nm);
	ok(parse_line(&nm, "--object thread-context,id=m0,cpu-affinity=0 --object memory-backend-ram,id=m0,size=1M") ==
	   EXIT_USAGE, "an id shared by a context and a region refused");
	options_free(&nm);
	ok(parse_line(&nm, "--object memory-backend-ram,id=a.b,size=1M --object memory-backend-ram,id=a_b,size=1M") ==
	   EXIT_USAGE, "ids with one environment name refused");
	options_free(&nm);
	ok(parse_line(&nm, "--object memory-backend-ram,id=a-b,size=1M --object thread-context,id=a_b,cpu-affinity=0") == -1,
	   "a context may share a region's environment name (it has none)");
	options_free(&nm);
	/* the rules table */
	ok(parse_line(&nm, "--size=1M --prealloc-cpus=0 --prealloc-nodes=0") == EXIT_USAGE, "cpus and nodes exclude");
	options_free(&nm);
	ok(parse_line(&nm, "--show-nodes --size=1M") == EXIT_USAGE, "--show-nodes takes no region");
	options_free(&nm);
	ok(parse_line(&nm, "--show-nodes --json") == -1 && nm.show_nodes && nm.json, "--show-nodes --json");
	options_free(&nm);
	ok(parse_line(&nm, "--size=1M --fork") == EXIT_USAGE, "--fork needs a COMMAND");
	options_free(&nm);
	ok(parse_line(&nm, "--size=1M --fork true") == -1 && nm.force_fork && nm.command, "--fork with a COMMAND");
	options_free(&nm);
	/* COMMAND's own policy and CPUs */
	ok(parse_line(&nm, "-N 0 -m 0 --size=20G --policy=bind --host-nodes=0 --prealloc -- ./app") == -1 &&
	   nm.proc.mode == POLICY_BIND && bits_isset(nm.proc.nodes, nm.proc.nnodes, 0) && nm.proc.has_cpunodes &&
	   bits_isset(nm.proc.cpunodes, nm.proc.nnodes, 0) && nm.nregions == 1 && nm.command,
	   "-N 0 -m 0 with a region and a COMMAND");
	options_free(&nm);
	ok(parse_line(&nm, "--interleave=all --physcpubind=0 true") == -1 && nm.proc.mode == POLICY_INTERLEAVE &&
	   nm.proc.has_cpus && nm.proc.cpus && (nm.proc.cpus[0] & 1) && nm.proc.ncpus >= CPU_SETSIZE && !nm.nregions &&
	   policy_given(&nm.proc),
	   "a process policy without a region runs COMMAND as numactl would");
	options_free(&nm);
	ok(parse_line(&nm, "-l -b true") == -1 && !nm.proc.balancing, "--balancing without --membind: warned and dropped");
	options_free(&nm);
	ok(parse_line(&nm, "-m 0 -b true") == -1 && nm.proc.balancing, "--membind --balancing");
	options_free(&nm);
	ok(parse_line(&nm, "-m 0 -m 0 true") == EXIT_USAGE, "one policy given twice: Conflicting policies");
	options_free(&nm);
	ok(parse_line(&nm, "-N 0 -C 0 true") == -1 && nm.proc.has_cpunodes && nm.proc.has_cpus && nm.proc.cpus_last,
	   "-N with -C: both, -C last");
	options_free(&nm);
	ok(parse_line(&nm, "-C 0 -N 0 true") == -1 && !nm.proc.cpus_last, "-C with -N: both, -N last");
	options_free(&nm);
	ok(parse_line(&nm, "-a -m all true") == -1 && nm.proc.all, "--all before a list");
	options_free(&nm);
	ok(parse_line(&nm, "-m all -a true") == EXIT_USAGE, "--all after a list refused, as numactl");
	options_free(&nm);
	ok(parse_line(&nm, "-H") == -1 && nm.hardware, "-H");
	options_free(&nm);
	ok(parse_line(&nm, "-m 0 -s") == -1 && nm.show_policy && nm.proc.mode == POLICY_BIND, "-m 0 -s: shown after applying");
	options_free(&nm);
	ok(parse_line(&nm, "-s true") == EXIT_USAGE, "-s with a COMMAND refused");
	options_free(&nm);
	ok(parse_line(&nm, "true") == -1 && nm.command && !nm.nregions, "a bare COMMAND runs as numactl COMMAND runs it");
	options_free(&nm);
	ok(parse_line(&nm, "-m 0 -P 0 true") == EXIT_USAGE, "two memory policies refused");
	options_free(&nm);
	ok(parse_line(&nm, "-w 0") == EXIT_USAGE, "a process policy needs a COMMAND");
	options_free(&nm);
	ok(parse_line(&nm, "--pid=1 --json --verify") == -1 && nm.pid == 0 && nm.npids == 1 && nm.pids[0] == 1 &&
	   !nm.nregions, "--pid needs no region");
	options_free(&nm);
	ok(parse_line(&nm, "--pid=1,sshd --pid 7") == -1 && nm.npids == 2 && nm.pids[1] == 7 && nm.nnames == 1 &&
	   !strcmp(nm.pid_names[0], "sshd"), "--pid takes ids and names, repeated");
	options_free(&nm);
	ok(parse_line(&nm, "--pid=1 --migrate=0-1:all") == -1 && nm.migrate.given &&
	   nodemask_isset(&nm.migrate.from, 1) && !nodemask_isset(&nm.migrate.from, 2), "--migrate=FROM:TO");
	options_free(&nm);
	ok(parse_line(&nm, "--file=/dev/shm/x --length=2M --offset=1M -i 0 --touch --strict") == -1 && nm.nregions == 1 &&
	   nm.regions[0].numactl_file && nm.regions[0].numactl_strict && nm.regions[0].prealloc &&
	   nm.regions[0].policy == POLICY_INTERLEAVE && nm.regions[0].offset == 1048576 && nm.regions[0].size == 2097152 &&
	   region_share(&nm.regions[0]) && nm.proc.mode < 0, "--file: the file region with numactl's policy, offset and touch");
	options_free(&nm);
	/* a COMMAND asked for, as popt reads argv */
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		parse_line(&nm, asked[i].line);
		ok(nm.command_asked == asked[i].asked, "'%s' %s a COMMAND", asked[i].line,
		   asked[i].asked ? "asks for" : "does not ask for");
		options_free(&nm);
	}
}

int main(void)
{
	struct numamem nm = fresh();
	struct region *b;
	char buf[64];

	ok(object_parse(&nm, "memory-backend-memfd,id=m0,size=1G,policy=bind,host-nodes=0-1,prealloc=on") == 0,
	   "memfd object parses");
	b = &nm.regions[0];
	nodemask_format(&b->host_nodes, buf, sizeof(buf));
	ok(nm.nregions == 1 && region_kind(b) == BACKEND_MEMFD && !strcmp(b->id, "m0"), "kind memfd, id m0");
	ok(b->size == 1ULL << 30, "size 1G");
	ok(b->policy == POLICY_BIND && !strcmp(buf, "0-1"), "policy bind, nodes 0-1 ('%s')", buf);
	ok(b->prealloc && b->reserve && b->merge && b->dump && b->seal, "prealloc on; QEMU defaults kept");
	ok(region_share(b), "memfd shares by default");

	ok(object_parse(&nm, "memory-backend-ram,id=r1,size=64M,host-nodes=0,host-nodes=2,policy=interleave,merge=no,dump=false,share=yes") == 0,
	   "repeated host-nodes keys and boolean spellings");
	b = &nm.regions[1];
	nodemask_format(&b->host_nodes, buf, sizeof(buf));
	ok(!strcmp(buf, "0,2") && !b->merge && !b->dump && region_share(b), "nodes 0,2; merge/dump off; share on ('%s')", buf);
	ok(!region_share(&(struct region){ .ops = &backend_ram_ops, .share = TRI_AUTO }), "ram is private by default");

	ok(object_parse(&nm, "memory-backend-file,id=f0,size=2M,mem-path=/tmp/a,,b,align=2M,offset=4K,readonly=on,rom=auto,discard-data=on") == 0,
	   "file object with an escaped comma");
	b = &nm.regions[2];
	ok(!strcmp(b->mem_path, "/tmp/a,b") && b->align == 2ULL << 20 && b->offset == 4096, "mem-path '/tmp/a,b', align, offset");
	ok(b->readonly && b->rom == TRI_AUTO && !region_writable(b) && b->discard_data, "readonly, rom auto → not writable");

	ok(object_parse(&nm, "memory-backend-memfd,id=h0,size=4M,hugetlb=on,hugetlbsize=2M,seal=off") == 0, "hugetlb memfd");
	b = &nm.regions[3];
	ok(b->hugetlb && b->hugetlbsize == 2ULL << 20 && !b->seal, "hugetlb, 2M, unsealed");

	ok(object_parse(&nm, "memory-backend-ram,id=p0,id=p1,size=1M,policy=bind,host-nodes=0,host-nodes=2-3,"
			     "noprealloc,share,prealloc-context=,") == 0,
	   "repeated host-nodes, short forms, a second id, an empty prealloc-context, a trailing comma");
	b = &nm.regions[4];
	nodemask_format(&b->host_nodes, buf, sizeof(buf));
	ok(!strcmp(buf, "0,2-3") && !strcmp(b->id, "p0") && !b->prealloc && b->share == TRI_ON && !b->prealloc_context,
	   "nodes 0,2-3 ('%s'), the first id, noprealloc is off, share on, no context", buf);

	ok(object_parse(&nm, "thread-context,id=tc0,node-affinity=0") == 0, "thread-context parses");
	ok(nm.ncontexts == 1 && nm.contexts[0].has_nodes && !nm.contexts[0].has_cpus, "node affinity recorded");
	ok(object_parse(&nm, "memory-backend-shm,id=s0,size=1M,prealloc-context=tc0,prealloc-threads=3") == 0,
	   "shm with prealloc-context");
	b = &nm.regions[5];
	ok(region_kind(b) == BACKEND_SHM && !strcmp(b->prealloc_context, "tc0") && b->prealloc_threads == 3, "context and threads");
	ok(object_parse(&nm, "qom-type=memory-backend-ram,id=q0,size=1M,x-use-canonical-path-for-ramblock-id=off") == 0,
	   "qom-type= prefix and the x- compat property");
	ok(object_parse(&nm, "memory-backend-ram,id=b0,size=1M,prealloc-threads=010,policy=bind,host-nodes=0x0,"
			     "prealloc=y,merge=n,dump=no,share=true") == 0,
	   "base-0 numbers and QEMU's booleans");
	b = &nm.regions[7];
	nodemask_format(&b->host_nodes, buf, sizeof(buf));
	ok(b->prealloc_threads == 8 && !strcmp(buf, "0") && b->prealloc && !b->merge && !b->dump && b->share == TRI_ON,
	   "prealloc-threads=010 is 8, host-nodes=0x0 is node 0, y, n, no, true ('%s')", buf);
	options_free(&nm);

	refused("memory-backend-ram,size=1M", EXIT_USAGE);
	refused("memory-backend-ram,id=m0", EXIT_USAGE);
	refused("memory-backend-ram,id=0m,size=1M", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,mem-path=/tmp", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,hugetlb=on", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,prealloc-cpus=0", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,bogus=1", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,prealloc=maybe", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1X", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,policy=strict", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,host-nodes=128", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,prealloc-threads=0", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0,2", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,nohugetlb", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,size", EXIT_USAGE);
	refused("memory-backend-disk,id=m0,size=1M", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,share=auto", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,prealloc=ON", EXIT_USAGE);
	refused("memory-backend-ram,id=m0,size=1M,prealloc=1", EXIT_USAGE);
	{
		struct numamem tc;

		options_init(&tc);
		ok(object_parse(&tc, "thread-context,id=t0") == 0 && tc.ncontexts == 1 && !tc.contexts[0].has_cpus &&
			   !tc.contexts[0].has_nodes,
		   "a thread-context without affinity is allowed, as in QEMU");
		options_free(&tc);
	}
	refused("memory-backend-memfd,id=m0,size=2M,hugetlb=on,hugetlbsize=0", EXIT_USAGE);
	refused("thread-context,id=t0,cpu-affinity=0,node-affinity=0", EXIT_USAGE);
	refused("thread-context,id=t0,cpu-affinity=x", EXIT_USAGE);
	{
		char name[64];

		run_env_name("vm-ram.0", "FD", name, sizeof(name));
		ok(!strcmp(name, "NUMAMEM_VM_RAM_0_FD"), "env name for id vm-ram.0 ('%s')", name);
	}
	options_tests();
	return tap_done();
}
