/* Host facts from libnuma, sysfs and procfs; see host.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"

#define NODE_DIR "/sys/devices/system/node"

static void from_bitmask(const struct bitmask *bm, struct nodemask *m)
{
	*m = (struct nodemask){ { 0 } };
	for (unsigned n = 0; bm && n < bm->size && n < NUMAMEM_MAX_NODES; n++)
		if (numa_bitmask_isbitset(bm, n))
			nodemask_set(m, n);
}

void host_nodes_present(struct nodemask *m)
{
	from_bitmask(numa_nodes_ptr, m);
}

/* A kernel node list file such as has_memory ("0-1,3\n"). */
static void read_node_file(const char *path, struct nodemask *m)
{
	struct nodemask none = { { 0 } };
	char buf[4096];
	FILE *f = fopen(path, "re");

	*m = none;
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (*buf && parse_nodelist(buf, &none, m, NULL) < 0)
			*m = none;
	}
	fclose(f);
}

void host_nodes_with_memory(struct nodemask *m)
{
	read_node_file(NODE_DIR "/has_memory", m);
}

void host_nodes_allowed(struct nodemask *m)
{
	struct bitmask *bm = numa_get_mems_allowed();

	from_bitmask(bm, m);
	numa_bitmask_free(bm);
}

void host_cpus_allowed(cpu_set_t *cpus)
{
	CPU_ZERO(cpus);
	if (sched_getaffinity(0, sizeof(*cpus), cpus) < 0)
		for (long i = 0; i < sysconf(_SC_NPROCESSORS_ONLN) && i < CPU_SETSIZE; i++)
			CPU_SET(i, cpus);
}

bool host_node_cpus(const struct nodemask *m, cpu_set_t *cpus)
{
	struct bitmask *bm = numa_allocate_cpumask();
	cpu_set_t allowed;

	CPU_ZERO(cpus);
	host_cpus_allowed(&allowed);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(m, n) || numa_node_to_cpus((int)n, bm) < 0)
			continue;
		for (unsigned c = 0; c < bm->size && c < CPU_SETSIZE; c++)
			if (numa_bitmask_isbitset(bm, c) && CPU_ISSET(c, &allowed))
				CPU_SET(c, cpus);
	}
	numa_bitmask_free(bm);
	return CPU_COUNT(cpus) > 0;
}

/* Value in kB of "Node N Key:  123 kB" or "Key:  123 kB" lines. */
static uint64_t meminfo_kb(const char *path, const char *key)
{
	char line[256];
	uint64_t v = 0;
	size_t klen = strlen(key);
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		if (!strncmp(p, "Node ", 5)) {
			p = strchr(p + 5, ' ');
			if (!p)
				continue;
			p++;
		}
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			v = strtoull(p + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static uint64_t node_meminfo(unsigned node, const char *key)
{
	char path[96];

	snprintf(path, sizeof(path), NODE_DIR "/node%u/meminfo", node);
	return meminfo_kb(path, key) * 1024;
}

uint64_t host_node_free(unsigned node)
{
	return node_meminfo(node, "MemFree");
}

/* Per-node sums from /proc/zoneinfo, in pages. */
struct zone_sums {
	uint64_t low, present, managed;
};

static void zoneinfo(struct zone_sums *z, unsigned nz)
{
	char line[256];
	int node = -1;
	FILE *f = fopen("/proc/zoneinfo", "re");

	memset(z, 0, nz * sizeof(*z));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		int n;

		if (sscanf(line, "Node %d, zone", &n) == 1)
			node = n;
		else if (node < 0 || (unsigned)node >= nz)
			continue;
		else if (sscanf(line, " low %llu", &v) == 1)
			z[node].low += v;
		else if (sscanf(line, " present %llu", &v) == 1)
			z[node].present += v;
		else if (sscanf(line, " managed %llu", &v) == 1)
			z[node].managed += v;
	}
	fclose(f);
}

void host_available(uint64_t avail[NUMAMEM_MAX_NODES])
{
	static struct zone_sums z[NUMAMEM_MAX_NODES];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t nodes_total = 0, unmanaged = 0, gap;
	uint64_t global_total = meminfo_kb("/proc/meminfo", "MemTotal") * 1024;
	struct nodemask present;

	zoneinfo(z, NUMAMEM_MAX_NODES);
	host_nodes_present(&present);
	memset(avail, 0, NUMAMEM_MAX_NODES * sizeof(*avail));
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&present, n))
			continue;
		avail[n] = node_meminfo(n, "MemFree") + node_meminfo(n, "Inactive(file)");
		nodes_total += node_meminfo(n, "MemTotal");
		if (z[n].present > z[n].managed)
			unmanaged += z[n].present - z[n].managed;
	}
	/* Some hosts (lazily accepted or hot-added memory) count memory in
	 * MemTotal before any node's zones manage it.  Give each node its
	 * share of that gap, by its present-but-unmanaged pages. */
	gap = global_total > nodes_total ? global_total - nodes_total : 0;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		uint64_t low = z[n].low * page;

		if (!nodemask_isset(&present, n))
			continue;
		if (gap && unmanaged && z[n].present > z[n].managed)
			avail[n] += (uint64_t)((double)gap * (double)(z[n].present - z[n].managed) /
					       (double)unmanaged);
		avail[n] = avail[n] > low ? avail[n] - low : 0;
	}
}

static uint64_t read_u64(const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned long long v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

uint64_t host_free_hugepages(int node, uint64_t page_size)
{
	char path[160];

	if (node < 0) {
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/free_hugepages",
			 page_size / 1024);
		uint64_t free_pages = read_u64(path);
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/resv_hugepages",
			 page_size / 1024);
		uint64_t resv = read_u64(path);
		return free_pages > resv ? free_pages - resv : 0;
	}
	snprintf(path, sizeof(path), NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/free_hugepages",
		 node, page_size / 1024);
	return read_u64(path);
}

uint64_t host_total_hugepages(int node, uint64_t page_size)
{
	char path[160];

	snprintf(path, sizeof(path), NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages", node,
		 page_size / 1024);
	return read_u64(path);
}

bool host_has_hugepage_size(uint64_t page_size)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", page_size / 1024);
	return page_size >= 1024 && access(path, F_OK) == 0;
}

uint64_t host_default_hugepage_size(void)
{
	return meminfo_kb("/proc/meminfo", "Hugepagesize") * 1024;
}

unsigned host_interleave_weight(unsigned node)
{
	char path[96];
	uint64_t w;

	snprintf(path, sizeof(path), "/sys/kernel/mm/mempolicy/weighted_interleave/node%u", node);
	w = read_u64(path);
	return w ? (unsigned)w : 1;
}

bool host_kernel_has_mode(int mode)
{
	static int known[8]; /* 0 unknown, 1 yes, 2 no */
	unsigned long mask[NODEMASK_LONGS] = { 0 };
	struct nodemask mem;
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	void *p;
	int r;

	if (mode < 0 || mode >= 8)
		return false;
	if (known[mode])
		return known[mode] == 1;
	host_nodes_allowed(&mem);
	memcpy(mask, mem.bits, sizeof(mask));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true; /* cannot tell: let mbind() decide */
	r = mbind(p, len, mode, mode == MPOL_DEFAULT || mode == 4 ? NULL : mask,
		  mode == MPOL_DEFAULT || mode == 4 ? 0 : NUMAMEM_MAX_NODES + 1, 0);
	known[mode] = (r == 0 || errno != EINVAL) ? 1 : 2;
	munmap(p, len);
	return known[mode] == 1;
}

const char *host_kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u) < 0)
		return "unknown";
	return u.release;
}
