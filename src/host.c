/* Host facts from sysfs and procfs; see host.h.
 *
 * Every path is made by vhost_path(), below the root prefix in
 * NUMAMEM_SYSROOT ("/" when unset or empty), so that the tests run this
 * same code over recorded trees of other topologies.  That is also why
 * libnuma's numa_nodes_ptr, numa_get_mems_allowed(), numa_node_to_cpus(),
 * numa_distance() and numa_node_size64() are not used here: they read
 * these same files, but libnuma cannot be pointed at a recorded tree.
 * Nothing is cached: each call reads the files it needs once. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"

#define NODE_DIR "/sys/devices/system/node"
#define HUGE_DIR "/sys/kernel/mm/hugepages"

/* path below the root prefix: "/sys/..." or "$NUMAMEM_SYSROOT/sys/..." */
static __attribute__((format(printf, 3, 0))) const char *
vhost_path(char *buf, size_t len, const char *fmt, va_list ap)
{
	const char *root = getenv("NUMAMEM_SYSROOT");
	int n = snprintf(buf, len, "%s", root ? root : "");

	if (n < 0 || (size_t)n >= len)
		n = 0; /* a prefix too long to use: the path will not exist */
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	return buf;
}

static __attribute__((format(printf, 3, 4))) const char *
host_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vhost_path(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

static __attribute__((format(printf, 1, 2))) FILE *host_fopen(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vhost_path(path, sizeof(path), fmt, ap);
	va_end(ap);
	return fopen(path, "re");
}

/* A kernel list ("0-1,3", "" for none) into a node mask or a CPU bit
 * array of ncpus bits, whichever is given, with the project's own list
 * parsers.  Item by item, so that a node or CPU numamem cannot name
 * (node 128, CPU ncpus and up) drops only itself: a range reaching past
 * the limit is cut at it. */
static void parse_kernel_list(char *s, struct nodemask *nodes, unsigned long *cpus, size_t ncpus)
{
	static const struct nodemask no_nodes;
	unsigned long max = nodes ? NUMAMEM_MAX_NODES : ncpus;
	char *save = NULL;

	s[strcspn(s, "\n")] = '\0';
	for (char *item = strtok_r(s, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char cut[64];
		unsigned long first;
		/* a kernel list has no "all" or "!": cpus stands in for the set
		 * they would be relative to */
		int r = nodes ? parse_nodelist(item, &no_nodes, nodes, NULL)
			      : parse_cpulist_bits(item, cpus, cpus, ncpus, NULL);

		if (r != -ERANGE || !strchr(item, '-'))
			continue;
		first = strtoul(item, NULL, 10);
		if (first >= max)
			continue;
		snprintf(cut, sizeof(cut), "%lu-%lu", first, max - 1);
		if (nodes)
			parse_nodelist(cut, &no_nodes, nodes, NULL);
		else
			parse_cpulist_bits(cut, cpus, cpus, ncpus, NULL);
	}
}

static __attribute__((format(printf, 1, 2))) uint64_t read_u64(const char *fmt, ...);

/* First line of a list file such as has_memory ("0-1,3\n"). */
static void read_node_list(struct nodemask *m, const char *file)
{
	char buf[4096];
	FILE *f = host_fopen(NODE_DIR "/%s", file);

	*m = (struct nodemask){ { 0 } };
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f))
		parse_kernel_list(buf, m, NULL, 0);
	fclose(f);
}

/* The same into a bit array of nbits bits (nodes past 127). */
static void read_node_list_bits(unsigned long *bits, size_t nbits, const char *file)
{
	char buf[8192];
	FILE *f = host_fopen(NODE_DIR "/%s", file);

	memset(bits, 0, NODE_BITS_WORDS(nbits) * sizeof(*bits));
	if (!f)
		return;
	/* a kernel list has no "all" or "!": the parser's all is unused */
	if (fgets(buf, sizeof(buf), f))
		parse_kernel_list(buf, NULL, bits, nbits);
	fclose(f);
}

void host_nodes_present_bits(unsigned long *bits, size_t nbits)
{
	read_node_list_bits(bits, nbits, "online");
}

void host_nodes_with_memory_bits(unsigned long *bits, size_t nbits)
{
	read_node_list_bits(bits, nbits, "has_memory");
}

void host_nodes_present(struct nodemask *m)
{
	read_node_list(m, "online");
}

void host_nodes_with_memory(struct nodemask *m)
{
	read_node_list(m, "has_memory");
}

/* The list after "key:\t" in /proc/self/status into a node mask or a CPU
 * bit array; false when the file or the line is missing. */
static bool read_status_list(const char *key, struct nodemask *nodes, unsigned long *cpus, size_t ncpus)
{
	size_t klen = strlen(key), cap = 0;
	char *line = NULL;
	bool found = false;
	FILE *f = host_fopen("/proc/self/status");

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		parse_kernel_list(line + klen + 1 + strspn(line + klen + 1, " \t"), nodes, cpus, ncpus);
		found = true;
	}
	free(line);
	fclose(f);
	return found;
}

void host_nodes_allowed(struct nodemask *m)
{
	*m = (struct nodemask){ { 0 } };
	read_status_list("Mems_allowed_list", m, NULL, 0);
}

void host_nodes_allowed_bits(unsigned long *bits, size_t nbits)
{
	memset(bits, 0, NODE_BITS_WORDS(nbits) * sizeof(*bits));
	read_status_list("Mems_allowed_list", NULL, bits, nbits);
}

#define WORD_BITS (8 * sizeof(unsigned long))
#define BITS_WORDS(n) (((n) + WORD_BITS - 1) / WORD_BITS)

static void bits_zero(unsigned long *b, size_t nbits)
{
	memset(b, 0, BITS_WORDS(nbits) * sizeof(*b));
}

static bool bits_any(const unsigned long *b, size_t nbits)
{
	for (size_t i = 0; i < BITS_WORDS(nbits); i++)
		if (b[i])
			return true;
	return false;
}

unsigned host_node_bits(void)
{
	/* libnuma's numa_num_possible_nodes(): the length of Mems_allowed in
	 * /proc/self/status, the kernel's MAX_NUMNODES */
	int n = numa_num_possible_nodes();

	return n > NUMAMEM_MAX_NODES ? (unsigned)n : NUMAMEM_MAX_NODES;
}

bool host_node_exists(unsigned node)
{
	char path[PATH_MAX];

	return access(host_path(path, sizeof(path), NODE_DIR "/node%u", node), F_OK) == 0;
}

size_t host_cpu_bits(void)
{
	char buf[64];
	FILE *f = host_fopen("/sys/devices/system/cpu/kernel_max");
	unsigned long max = 0;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			max = strtoul(buf, NULL, 10);
		fclose(f);
	}
	/* NR_CPUS is at most 8192 on the architectures Linux has; the cap
	 * keeps a broken file from asking for gigabytes */
	if (max >= (1ul << 22))
		max = (1ul << 22) - 1;
	max = max + 1 > CPU_SETSIZE ? max + 1 : CPU_SETSIZE;
	return BITS_WORDS(max) * WORD_BITS;
}

/* A list file of CPUs into bits; false when the file cannot be read. */
static __attribute__((format(printf, 3, 4))) bool read_cpu_file(unsigned long *cpus, size_t ncpus, const char *fmt,
								 ...)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vhost_path(path, sizeof(path), fmt, ap);
	va_end(ap);
	bits_zero(cpus, ncpus);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (getline(&line, &cap, f) > 0)
		parse_kernel_list(line, NULL, cpus, ncpus);
	free(line);
	fclose(f);
	return true;
}

void host_cpus_allowed_bits(unsigned long *cpus, size_t ncpus)
{
	bits_zero(cpus, ncpus);
	if (read_status_list("Cpus_allowed_list", NULL, cpus, ncpus))
		return;
	if (sched_getaffinity(0, BITS_WORDS(ncpus) * sizeof(*cpus), (cpu_set_t *)cpus) < 0)
		for (long i = 0; i < sysconf(_SC_NPROCESSORS_ONLN) && (size_t)i < ncpus; i++)
			cpus[i / WORD_BITS] |= 1ul << (i % WORD_BITS);
}

void host_cpus_allowed(cpu_set_t *cpus)
{
	CPU_ZERO(cpus);
	host_cpus_allowed_bits(cpus->__bits, CPU_SETSIZE);
}

/* The cpuset file of this process's cgroup, or of the nearest ancestor
 * that has one: cgroup v2 (cpuset.cpus.effective), then v1
 * (cpuset.effective_cpus).  False when there is none. */
static bool read_cgroup_cpuset(unsigned long *cpus, size_t ncpus)
{
	char path[PATH_MAX] = "";
	FILE *f = host_fopen("/proc/self/cpuset");
	bool found = false;

	if (!f)
		return false;
	if (!fgets(path, sizeof(path), f))
		path[0] = '\0';
	fclose(f);
	path[strcspn(path, "\n")] = '\0';
	if (path[0] != '/')
		return false;
	for (;;) {
		const char *dir = strcmp(path, "/") ? path : "";

		if (read_cpu_file(cpus, ncpus, "/sys/fs/cgroup%s/cpuset.cpus.effective", dir) ||
		    read_cpu_file(cpus, ncpus, "/sys/fs/cgroup/cpuset%s/cpuset.effective_cpus", dir))
			found = bits_any(cpus, ncpus);
		if (found || !*dir)
			return found;
		*strrchr(path, '/') = '\0';
		if (!path[0])
			strcpy(path, "/");
	}
}

void host_cpus_cpuset_bits(unsigned long *cpus, size_t ncpus)
{
	unsigned long *online = calloc(BITS_WORDS(ncpus), sizeof(*online));

	host_cpus_online_bits(cpus, ncpus);
	if (!online)
		return; /* out of memory: the online CPUs */
	memcpy(online, cpus, BITS_WORDS(ncpus) * sizeof(*online));
	if (read_cgroup_cpuset(cpus, ncpus))
		for (size_t i = 0; i < BITS_WORDS(ncpus); i++)
			cpus[i] &= online[i];
	else
		memcpy(cpus, online, BITS_WORDS(ncpus) * sizeof(*online));
	free(online);
}

void host_cpus_cpuset(cpu_set_t *cpus)
{
	CPU_ZERO(cpus);
	host_cpus_cpuset_bits(cpus->__bits, CPU_SETSIZE);
}

void host_node_cpus_all_bits(unsigned node, unsigned long *cpus, size_t ncpus)
{
	read_cpu_file(cpus, ncpus, NODE_DIR "/node%u/cpulist", node);
}

void host_node_cpus_all(unsigned node, cpu_set_t *cpus)
{
	CPU_ZERO(cpus);
	host_node_cpus_all_bits(node, cpus->__bits, CPU_SETSIZE);
}

void host_cpus_online_bits(unsigned long *cpus, size_t ncpus)
{
	struct nodemask present;
	unsigned long *node;

	if (read_cpu_file(cpus, ncpus, "/sys/devices/system/cpu/online"))
		return;
	/* a tree without the file: every node's CPUs */
	node = calloc(BITS_WORDS(ncpus), sizeof(*node));
	host_nodes_present(&present);
	for (unsigned n = 0; node && n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&present, n))
			continue;
		host_node_cpus_all_bits(n, node, ncpus);
		for (size_t i = 0; i < BITS_WORDS(ncpus); i++)
			cpus[i] |= node[i];
	}
	free(node);
}

bool host_cpu_caches(int cpu, struct host_cache *c)
{
	*c = (struct host_cache){ 0 };
	CPU_ZERO(&c->llc_cpus);
	for (unsigned i = 0; i < 16; i++) {
		char buf[4096], unit = 'K';
		unsigned long long size = 0;
		unsigned level = (unsigned)read_u64("/sys/devices/system/cpu/cpu%d/cache/index%u/level", cpu, i);
		FILE *f = host_fopen("/sys/devices/system/cpu/cpu%d/cache/index%u/type", cpu, i);
		bool data = false;

		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f))
			data = !strncmp(buf, "Data", 4) || !strncmp(buf, "Unified", 7);
		fclose(f);
		f = host_fopen("/sys/devices/system/cpu/cpu%d/cache/index%u/size", cpu, i);
		if (f) {
			if (fscanf(f, "%llu%c", &size, &unit) < 1)
				size = 0;
			fclose(f);
		}
		size <<= unit == 'M' ? 20 : unit == 'G' ? 30 : unit == 'K' ? 10 : 0;
		if (!data || !level || !size)
			continue;
		if (level == 2)
			c->l2_bytes = size;
		if (level < c->llc_level)
			continue;
		c->llc_level = level;
		c->llc_bytes = size;
		CPU_ZERO(&c->llc_cpus);
		f = host_fopen("/sys/devices/system/cpu/cpu%d/cache/index%u/shared_cpu_list", cpu, i);
		if (f) {
			if (fgets(buf, sizeof(buf), f))
				parse_kernel_list(buf, NULL, c->llc_cpus.__bits, CPU_SETSIZE);
			fclose(f);
		}
		if (!CPU_COUNT(&c->llc_cpus))
			CPU_SET(cpu, &c->llc_cpus);
	}
	return c->llc_bytes > 0;
}

void host_cpus_online(cpu_set_t *cpus)
{
	CPU_ZERO(cpus);
	host_cpus_online_bits(cpus->__bits, CPU_SETSIZE);
}

bool host_node_cpus(const struct nodemask *m, cpu_set_t *cpus)
{
	cpu_set_t allowed, node_cpus;

	CPU_ZERO(cpus);
	host_cpus_allowed(&allowed);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(m, n))
			continue;
		host_node_cpus_all(n, &node_cpus);
		CPU_AND(&node_cpus, &node_cpus, &allowed);
		CPU_OR(cpus, cpus, &node_cpus);
	}
	return CPU_COUNT(cpus) > 0;
}

void host_node_distances_bits(unsigned node, const unsigned long *present, size_t nbits, int *dist)
{
	char *buf = NULL, *p;
	size_t cap = 0, m = 0;
	FILE *f = host_fopen(NODE_DIR "/node%u/distance", node);

	memset(dist, 0, nbits * sizeof(*dist));
	if (!f)
		return;
	/* a line of up to 4 bytes per present node: read whole */
	if (getline(&buf, &cap, f) < 0) {
		free(buf);
		fclose(f);
		return;
	}
	fclose(f);
	/* "10 20 20": one column per present node, in ascending order */
	for (p = buf;;) {
		char *end;
		long d = strtol(p, &end, 10);

		if (end == p)
			break;
		p = end;
		while (m < nbits && !bits_isset(present, nbits, m))
			m++;
		if (m >= nbits)
			break;
		dist[m++] = d > 0 && d <= INT_MAX ? (int)d : 0;
	}
	free(buf);
}

void host_node_distances(unsigned node, const struct nodemask *present, int dist[NUMAMEM_MAX_NODES])
{
	host_node_distances_bits(node, present->bits, NUMAMEM_MAX_NODES, dist);
}

int host_distance(unsigned a, unsigned b)
{
	unsigned nbits = host_node_bits();
	unsigned long *present = calloc(NODE_BITS_WORDS(nbits), sizeof(*present));
	int *dist = calloc(nbits, sizeof(*dist)), d = 0;

	if (present && dist && a < nbits && b < nbits) {
		host_nodes_present_bits(present, nbits);
		host_node_distances_bits(a, present, nbits, dist);
		d = dist[b];
	}
	free(present);
	free(dist);
	return d;
}

/* Values in kB of "Node N Key:  123 kB" or "Key:  123 kB" lines, in one
 * pass: kb[i] for keys[i], 0 when missing. */
static void meminfo_kb(FILE *f, const char *const *keys, uint64_t *kb, size_t nkeys)
{
	char line[256];

	memset(kb, 0, nkeys * sizeof(*kb));
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line;

		if (!strncmp(p, "Node ", 5)) {
			p = strchr(p + 5, ' ');
			if (!p)
				continue;
			p++;
		}
		for (size_t i = 0; i < nkeys; i++) {
			size_t klen = strlen(keys[i]);

			if (!strncmp(p, keys[i], klen) && p[klen] == ':')
				kb[i] = strtoull(p + klen + 1, NULL, 10);
		}
	}
	if (f)
		fclose(f);
}

static uint64_t node_meminfo(unsigned node, const char *key)
{
	uint64_t kb;

	meminfo_kb(host_fopen(NODE_DIR "/node%u/meminfo", node), &key, &kb, 1);
	return kb * 1024;
}

void host_node_meminfo(unsigned node, const char *const *keys, size_t nkeys, uint64_t *bytes)
{
	uint64_t huge = 0;

	meminfo_kb(host_fopen(NODE_DIR "/node%u/meminfo", node), keys, bytes, nkeys);
	for (size_t i = 0; i < nkeys; i++) {
		if (strncmp(keys[i], "HugePages_", 10)) {
			bytes[i] *= 1024;
			continue;
		}
		if (!huge)
			huge = host_default_hugepage_size();
		bytes[i] *= huge;
	}
}

uint64_t host_node_free(unsigned node)
{
	return node_meminfo(node, "MemFree");
}

uint64_t host_node_total(unsigned node)
{
	return node_meminfo(node, "MemTotal");
}

/* Per-node sums from /proc/zoneinfo, in pages. */
struct zone_sums {
	uint64_t low, present, managed;
};

static void zoneinfo(struct zone_sums *z, unsigned nz)
{
	char line[256];
	int node = -1;
	FILE *f = host_fopen("/proc/zoneinfo");

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

void host_memory(const struct nodemask *nodes, struct host_memory mem[NUMAMEM_MAX_NODES])
{
	static const char *const node_keys[] = { "MemTotal", "MemFree", "Inactive(file)" };
	static const char *const global_keys[] = { "MemTotal" };
	struct zone_sums z[NUMAMEM_MAX_NODES];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t nodes_total = 0, unmanaged = 0, gap, global_total;

	meminfo_kb(host_fopen("/proc/meminfo"), global_keys, &global_total, 1);
	global_total *= 1024;
	zoneinfo(z, NUMAMEM_MAX_NODES);
	memset(mem, 0, NUMAMEM_MAX_NODES * sizeof(*mem));
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		uint64_t kb[ARRAY_SIZE(node_keys)];

		if (!nodemask_isset(nodes, n))
			continue;
		meminfo_kb(host_fopen(NODE_DIR "/node%u/meminfo", n), node_keys, kb, ARRAY_SIZE(kb));
		mem[n].total = kb[0] * 1024;
		mem[n].free = kb[1] * 1024;
		mem[n].available = (kb[1] + kb[2]) * 1024;
		nodes_total += mem[n].total;
		if (z[n].present > z[n].managed)
			unmanaged += z[n].present - z[n].managed;
	}
	/* Some hosts (lazily accepted or hot-added memory) count memory in
	 * MemTotal before any node's zones manage it.  Give each node its
	 * share of that gap, by its present-but-unmanaged pages. */
	gap = global_total > nodes_total ? global_total - nodes_total : 0;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		uint64_t low = z[n].low * page, *avail = &mem[n].available;

		if (!nodemask_isset(nodes, n))
			continue;
		if (gap && unmanaged && z[n].present > z[n].managed) {
			mem[n].unmanaged = (uint64_t)((double)gap * (double)(z[n].present - z[n].managed) /
						      (double)unmanaged);
			*avail += mem[n].unmanaged;
		}
		*avail = *avail > low ? *avail - low : 0;
	}
}

void host_available(uint64_t avail[NUMAMEM_MAX_NODES])
{
	struct host_memory mem[NUMAMEM_MAX_NODES];
	struct nodemask present;

	host_nodes_present(&present);
	host_memory(&present, mem);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		avail[n] = mem[n].available;
}

static __attribute__((format(printf, 1, 2))) uint64_t read_u64(const char *fmt, ...)
{
	char path[PATH_MAX];
	unsigned long long v = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vhost_path(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

unsigned long host_max_map_count(void)
{
	uint64_t v = read_u64("/proc/sys/vm/max_map_count");

	return v ? (unsigned long)v : 65530;
}

unsigned long host_map_count(void)
{
	FILE *f = fopen("/proc/self/maps", "re"); /* this process's own, never below NUMAMEM_SYSROOT */
	unsigned long n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Would the mappings this process has, and more, go over vm.max_map_count? */
bool host_map_count_near(unsigned long more)
{
	return host_map_count() + more >= host_max_map_count();
}

int host_overcommit_memory(void)
{
	FILE *f = host_fopen("/proc/sys/vm/overcommit_memory");
	int mode = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &mode) != 1)
		mode = -1;
	fclose(f);
	return mode;
}

uint64_t host_free_hugepages(int node, uint64_t page_size)
{
	uint64_t kb = page_size / 1024, free_pages, resv;

	if (node >= 0)
		return read_u64(NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/free_hugepages", node, kb);
	free_pages = read_u64(HUGE_DIR "/hugepages-%" PRIu64 "kB/free_hugepages", kb);
	resv = read_u64(HUGE_DIR "/hugepages-%" PRIu64 "kB/resv_hugepages", kb);
	return free_pages > resv ? free_pages - resv : 0;
}

uint64_t host_total_hugepages(int node, uint64_t page_size)
{
	return read_u64(NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages", node,
			page_size / 1024);
}

const char *host_hugepages_knob(char *buf, size_t len, int node, const char *nodes, uint64_t page_size)
{
	uint64_t kb = page_size / 1024;

	if (node >= 0)
		snprintf(buf, len, NODE_DIR "/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages", node, kb);
	else if (nodes)
		snprintf(buf, len, NODE_DIR "/nodeN/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages for N in %s", kb,
			 nodes);
	else
		snprintf(buf, len, HUGE_DIR "/hugepages-%" PRIu64 "kB/nr_hugepages", kb);
	return buf;
}

bool host_has_hugepage_size(uint64_t page_size)
{
	char path[PATH_MAX];

	host_path(path, sizeof(path), HUGE_DIR "/hugepages-%" PRIu64 "kB", page_size / 1024);
	return page_size >= 1024 && access(path, F_OK) == 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

size_t host_hugepage_sizes(uint64_t *sizes, size_t max)
{
	char path[PATH_MAX];
	DIR *d = opendir(host_path(path, sizeof(path), HUGE_DIR));
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) && n < max) {
		unsigned long long kb;

		if (sscanf(e->d_name, "hugepages-%llukB", &kb) == 1)
			sizes[n++] = kb * 1024;
	}
	if (d)
		closedir(d);
	qsort(sizes, n, sizeof(*sizes), cmp_u64);
	return n;
}

uint64_t host_default_hugepage_size(void)
{
	static const char *const key = "Hugepagesize";
	uint64_t kb;

	meminfo_kb(host_fopen("/proc/meminfo"), &key, &kb, 1);
	return kb * 1024;
}

#define TIER_DIR "/sys/devices/virtual/memory_tiering"

bool host_memory_tiers(int tier[NUMAMEM_MAX_NODES])
{
	char path[PATH_MAX], buf[4096];
	DIR *d = opendir(host_path(path, sizeof(path), TIER_DIR));
	struct dirent *e;
	bool any = false;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		tier[n] = -1;
	while (d && (e = readdir(d))) {
		struct nodemask m = { { 0 } };
		unsigned id;
		FILE *f;

		if (sscanf(e->d_name, "memory_tier%u", &id) != 1 || id > INT_MAX)
			continue;
		f = host_fopen(TIER_DIR "/%s/nodelist", e->d_name);
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f))
			parse_kernel_list(buf, &m, NULL, 0);
		fclose(f);
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			if (nodemask_isset(&m, n))
				tier[n] = (int)id;
		any = true;
	}
	if (d)
		closedir(d);
	return any;
}

bool host_node_access(unsigned node, unsigned access, struct host_access *a)
{
	char path[PATH_MAX];
	DIR *d = opendir(host_path(path, sizeof(path), NODE_DIR "/node%u/access%u/initiators", node, access));
	struct dirent *e;

	*a = (struct host_access){ 0 };
	if (!d)
		return false;
	while ((e = readdir(d))) {
		unsigned n;

		if (sscanf(e->d_name, "node%u", &n) == 1 && n < NUMAMEM_MAX_NODES)
			nodemask_set(&a->initiators, n);
	}
	closedir(d);
	a->read_bandwidth = read_u64(NODE_DIR "/node%u/access%u/initiators/read_bandwidth", node, access);
	a->write_bandwidth = read_u64(NODE_DIR "/node%u/access%u/initiators/write_bandwidth", node, access);
	a->read_latency = read_u64(NODE_DIR "/node%u/access%u/initiators/read_latency", node, access);
	a->write_latency = read_u64(NODE_DIR "/node%u/access%u/initiators/write_latency", node, access);
	return true;
}

int host_interleave_auto(void)
{
	char buf[16] = "";
	FILE *f = host_fopen("/sys/kernel/mm/mempolicy/weighted_interleave/auto");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strncmp(buf, "true", 4) || buf[0] == '1' || buf[0] == 'Y';
}

unsigned host_interleave_weight(unsigned node)
{
	uint64_t w = read_u64("/sys/kernel/mm/mempolicy/weighted_interleave/node%u", node);

	return w ? (unsigned)w : 1;
}

/* A question to the running kernel, never to a recorded tree: so the
 * nodes it names are the ones the kernel itself allows (libnuma asks it
 * with get_mempolicy). */
/* mbind() of one page with mode (and its flags) on the nodes this
 * process may use: false only when the kernel says EINVAL. */
static bool kernel_takes(int mode)
{
	int base = mode & 0xff;
	bool nodeless = base == MPOL_DEFAULT || base == 4; /* MPOL_LOCAL */
	struct nodemask mask = { { 0 } };
	struct bitmask *allowed;
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	bool yes;
	void *p;
	int r;

	allowed = numa_get_mems_allowed();
	for (unsigned n = 0; allowed && n < allowed->size && n < NUMAMEM_MAX_NODES; n++)
		if (numa_bitmask_isbitset(allowed, n))
			nodemask_set(&mask, n);
	if (allowed)
		numa_bitmask_free(allowed);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true; /* cannot tell: let mbind() decide */
	r = mbind(p, len, (unsigned)mode, nodeless ? NULL : mask.bits, nodeless ? 0 : NUMAMEM_MAX_NODES + 1, 0);
	yes = r == 0 || errno != EINVAL;
	munmap(p, len);
	return yes;
}

bool host_kernel_has_mode(int mode)
{
	static int known[8]; /* 0 unknown, 1 yes, 2 no */

	if (mode < 0 || mode >= 8)
		return false;
	if (!known[mode])
		known[mode] = kernel_takes(mode) ? 1 : 2;
	return known[mode] == 1;
}

bool host_kernel_has_home_node(void)
{
	static int known; /* 0 unknown, 1 yes, 2 no */
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	void *p;

	if (known)
		return known == 1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true; /* cannot tell: let the call itself say */
	/* no policy on the range: the kernel has the call if it does not
	 * answer ENOSYS (it skips a range without a policy) */
	known = syscall(SYS_set_mempolicy_home_node, p, len, 0UL, 0UL) < 0 && errno == ENOSYS ? 2 : 1;
	munmap(p, len);
	return known == 1;
}

bool host_kernel_has_flag(int mode, unsigned flag)
{
	static int known[8][16]; /* per mode and flag bit: 0 unknown, 1 yes, 2 no */
	int bit = __builtin_ctz(flag | 1u << 31);

	if (mode < 0 || mode >= 8 || bit >= 16)
		return false;
	if (!known[mode][bit])
		known[mode][bit] = kernel_takes(mode | (int)flag) ? 1 : 2;
	return known[mode][bit] == 1;
}

const char *host_kernel_release(void)
{
	static char release[256];
	static struct utsname u;
	FILE *f = host_fopen("/proc/sys/kernel/osrelease");

	if (f) {
		bool ok = fgets(release, sizeof(release), f) != NULL;

		fclose(f);
		release[strcspn(release, "\n")] = '\0';
		if (ok && *release)
			return release;
	}
	if (!u.release[0] && uname(&u) < 0)
		return "unknown";
	return u.release;
}

/* libnuma's warnings: kept for the caller while a list is resolved,
 * printed as libnuma would print them otherwise.  (libnuma documents
 * numa_warn() as a function a program may define.) */
static char *libnuma_warning;
static size_t libnuma_warning_len;

void numa_warn(int num, char *fmt, ...)
{
	char msg[256];
	va_list ap;

	(void)num;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	msg[strcspn(msg, "\n")] = '\0';
	if (libnuma_warning && !*libnuma_warning)
		snprintf(libnuma_warning, libnuma_warning_len, "%s", msg);
	else if (!libnuma_warning)
		fprintf(stderr, "numamem: libnuma: %s\n", msg);
}

/* What libnuma said about a list it refused: its syntax, or a node, CPU
 * or device this host does not have. */
static int libnuma_refusal(const char *why)
{
	static const char *const syntax[] = { "unparseable", "missing", "Illegal", "Cannot parse PCI" };

	for (size_t i = 0; i < ARRAY_SIZE(syntax); i++)
		if (strstr(why, syntax[i]))
			return -EINVAL;
	return -ENODEV;
}

int host_resolve_nodes_bits(const char *s, unsigned long *bits, size_t nbits, char *why, size_t len)
{
	const char *t = s + (*s == '!');
	struct bitmask *b;
	int r = 0;

	*why = '\0';
	libnuma_warning = why;
	libnuma_warning_len = len;
	/* +N counts the nodes this process may use (numactl without --all) */
	b = *t == '+' ? numa_parse_nodestring(s) : numa_parse_nodestring_all(s);
	libnuma_warning = NULL;
	if (!b)
		return *why ? libnuma_refusal(why) : -EINVAL;
	for (unsigned long n = 0; n < b->size; n++) {
		if (!numa_bitmask_isbitset(b, (unsigned)n))
			continue;
		if (n >= nbits) {
			snprintf(why, len, "node %lu is above the highest possible, %zu", n, nbits - 1);
			r = -ERANGE;
			break;
		}
		bits_set(bits, nbits, n);
	}
	numa_bitmask_free(b);
	return r;
}

int host_resolve_nodes(const char *s, struct nodemask *m, char *why, size_t len)
{
	return host_resolve_nodes_bits(s, m->bits, NUMAMEM_MAX_NODES, why, len);
}

int host_resolve_cpus(const char *s, cpu_set_t *set, char *why, size_t len)
{
	struct bitmask *b;

	*why = '\0';
	libnuma_warning = why;
	libnuma_warning_len = len;
	/* +N counts the CPUs this process may use (numactl without --all);
	 * other CPUs are any CPU, checked against the cpuset later */
	b = s[*s == '!'] == '+' ? numa_parse_cpustring(s) : numa_parse_cpustring_all(s);
	libnuma_warning = NULL;
	if (!b)
		return *why ? libnuma_refusal(why) : -EINVAL;
	for (unsigned long c = 0; c < b->size && c < CPU_SETSIZE; c++)
		if (numa_bitmask_isbitset(b, (unsigned)c))
			CPU_SET(c, set);
	numa_bitmask_free(b);
	return 0;
}
