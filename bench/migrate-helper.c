/* bench/migrate-helper.c: the in-guest helper of bench/migrate (built
 * static, runs under busybox, which has no sub-second clock).
 *
 *   migrate-helper time OUTFILE CMD [ARG...]
 *       runs CMD, writes its wall time in seconds (CLOCK_MONOTONIC, fork to
 *       exit) to OUTFILE, exits with CMD's status
 *   migrate-helper memcpy SIZE_MIB SRC_NODE DST_NODE
 *       the limit: two anonymous mappings of SIZE_MIB, bound (mbind
 *       MPOL_BIND) to SRC_NODE and DST_NODE, both written first, then one
 *       timed memcpy of the first onto the second; prints
 *         seconds=S bytes_per_sec=R src_on=BYTES dst_on=BYTES
 *       where src_on/dst_on are the bytes numa_maps of this process shows on
 *       SRC_NODE for the source and on DST_NODE for the destination.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MPOL_BIND 2

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_time(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return 2;
	double t1 = now();
	FILE *f = fopen(argv[2], "w");
	if (!f)
		return 2;
	fprintf(f, "%.6f\n", t1 - t0);
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void *bound_map(size_t size, int node)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	unsigned long mask = 1UL << node;
	if (syscall(SYS_mbind, p, size, MPOL_BIND, &mask, sizeof(mask) * 8, 0) != 0) {
		perror("mbind");
		exit(2);
	}
	return p;
}

/* bytes of the mapping at ADDR on NODE, from /proc/self/numa_maps */
static unsigned long long on_node(void *addr, int node)
{
	FILE *f = fopen("/proc/self/numa_maps", "r");
	char line[4096], want[64], key[32];
	unsigned long long pages = 0, kb = 4;
	snprintf(want, sizeof(want), "%lx ", (unsigned long)addr);
	snprintf(key, sizeof(key), " N%d=", node);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)) != 0)
			continue;
		char *n = strstr(line, key), *k = strstr(line, "kernelpagesize_kB=");
		if (n)
			pages = strtoull(n + strlen(key), NULL, 10);
		if (k)
			kb = strtoull(k + 18, NULL, 10);
		break;
	}
	fclose(f);
	return pages * kb * 1024;
}

static int cmd_memcpy(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	size_t size = strtoull(argv[2], NULL, 10) << 20;
	int sn = atoi(argv[3]), dn = atoi(argv[4]);
	char *src = bound_map(size, sn), *dst = bound_map(size, dn);
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	double t0 = now();
	memcpy(dst, src, size);
	double t1 = now();
	if (dst[size - 1] != 0x5a)
		return 2;
	printf("seconds=%.6f bytes_per_sec=%.0f src_on=%llu dst_on=%llu\n", t1 - t0,
	       (double)size / (t1 - t0), on_node(src, sn), on_node(dst, dn));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "time") == 0)
		return cmd_time(argc, argv);
	if (argc > 1 && strcmp(argv[1], "memcpy") == 0)
		return cmd_memcpy(argc, argv);
	fprintf(stderr, "usage: migrate-helper time OUTFILE CMD [ARG...] | memcpy SIZE_MIB SRC_NODE DST_NODE\n");
	return 2;
}
