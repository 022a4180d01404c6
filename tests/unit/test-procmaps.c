/* Unit tests for the numa_maps parser behind --pid (src/procmaps.c). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "procmaps.h"
#include "region.h"
#include "tap.h"

static void line_is(const char *line, const char *policy, int mode, const char *nodes, const char *name,
		    bool placed, uint64_t page, unsigned node, uint64_t bytes)
{
	struct vma_numa v;
	char list[64];
	int r = procmaps_parse_line(line, &v);

	nodemask_format(&v.nodes, list, sizeof(list));
	ok(r == 0 && !strcmp(v.policy, policy) && v.mode == mode && !strcmp(list, nodes) && !strcmp(v.name, name) &&
	   (!v.file || v.shmem) == placed && v.page_size == page && v.node_bytes[node] == bytes && v.bytes >= bytes,
	   "%s -> policy '%s' mode %d nodes '%s' name '%s' page %llu node %u: %llu", line, v.policy, v.mode, list,
	   v.name, (unsigned long long)v.page_size, node, (unsigned long long)v.node_bytes[node]);
}

int main(void)
{
	struct vma_numa v;

	line_is("55d0c0a00000 bind:1 heap anon=3 dirty=3 N1=3 kernelpagesize_kB=4", "bind:1", POLICY_BIND, "1",
		"heap", true, 4096, 1, 12288);
	line_is("7f0000000000 interleave:0-1 anon=4 dirty=4 N0=2 N1=2 kernelpagesize_kB=4", "interleave:0-1",
		POLICY_INTERLEAVE, "0-1", "", true, 4096, 0, 8192);
	line_is("7f0000000000 prefer (many):0,2 anon=1 N2=1 kernelpagesize_kB=4", "prefer (many):0,2",
		POLICY_PREFERRED_MANY, "0,2", "", true, 4096, 2, 4096);
	line_is("7f0000000000 weighted interleave:0-1 anon=1 N1=1 kernelpagesize_kB=4", "weighted interleave:0-1",
		POLICY_WEIGHTED_INTERLEAVE, "0-1", "", true, 4096, 1, 4096);
	line_is("7f0000000000 bind=balancing:0 anon=1 N0=1 kernelpagesize_kB=4", "bind=balancing:0", POLICY_BIND, "0",
		"", true, 4096, 0, 4096);
	line_is("7f0000000000 prefer=static|relative:1 anon=1 N1=1 kernelpagesize_kB=4", "prefer=static|relative:1",
		POLICY_PREFERRED, "1", "", true, 4096, 1, 4096);
	line_is("7f0000000000 local stack anon=2 N0=2 kernelpagesize_kB=4", "local", POLICY_LOCAL, "", "stack", true,
		4096, 0, 8192);
	line_is("5607988e6000 default file=/usr/bin/sleep mapped=2 N0=2 kernelpagesize_kB=4", "default",
		POLICY_DEFAULT, "", "/usr/bin/sleep", false, 4096, 0, 8192);
	line_is("7f0000000000 bind:1 file=/memfd:m0\\040(deleted) dirty=16 N1=16 kernelpagesize_kB=4", "bind:1",
		POLICY_BIND, "1", "/memfd:m0 (deleted)", true, 4096, 1, 65536);
	line_is("7f0000000000 default file=/anon_hugepage\\040(deleted) huge dirty=1 N1=1 kernelpagesize_kB=2048",
		"default", POLICY_DEFAULT, "", "/anon_hugepage (deleted)", true, 2097152, 1, 2097152);
	line_is("7f0000000000 default file=/tmp/a\\040b\\075c\\012d mapped=1 N0=1 kernelpagesize_kB=4", "default",
		POLICY_DEFAULT, "", "/tmp/a b=c\nd", false, 4096, 0, 4096);
	line_is("7f0000000000 default", "default", POLICY_DEFAULT, "", "", true, 4096, 0, 0);
	line_is("7f0000000000 tiered:0-1 anon=1 N0=1 kernelpagesize_kB=4", "tiered:0-1", -1, "0-1", "", true, 4096,
		0, 4096);
	ok(procmaps_parse_line("", &v) == -EINVAL, "empty line refused");
	ok(procmaps_parse_line("zz bind:1", &v) == -EINVAL, "no address refused");
	ok(procmaps_parse_line("7f00 bind:x anon=1", &v) == -EINVAL, "bad node list refused");
	ok(procmaps_parse_line("7f00 bind:1 N0=1 ???", &v) == -EINVAL, "a word numa_maps never writes refused");
	memset(&v, 0, sizeof(v));
	ok(procmaps_parse_maps_line("7f1c2a000000-7f1c2e000000 rw-s 00000000 00:01 2051                       /dev/zero (deleted)\n",
				    &v) == 0 && v.start == 0x7f1c2a000000UL && v.end == 0x7f1c2e000000UL && v.shared &&
	   v.offset == 0 && v.dev == (unsigned long)makedev(0, 1) && v.inode == 2051 && v.has_ident,
	   "maps: a MAP_SHARED anonymous mapping: range, shared, device 00:01, inode 2051");
	ok(procmaps_parse_maps_line("55d0c0a00000-55d0c0a21000 rw-p 00002000 fd:01 131 /usr/bin/x", &v) == 0 && !v.shared &&
	   v.offset == 0x2000 && v.dev == (unsigned long)makedev(0xfd, 1), "maps: a private file mapping at offset 0x2000");
	ok(procmaps_parse_maps_line("7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]", &v) == 0 && !v.inode,
	   "maps: the stack, no inode");
	ok(procmaps_parse_maps_line("7f00-7e00 rw-p 0 00:00 0", &v) == -EINVAL, "maps: an end before the start refused");
	ok(procmaps_parse_maps_line("garbage", &v) == -EINVAL, "maps: garbage refused");
	return tap_done();
}
