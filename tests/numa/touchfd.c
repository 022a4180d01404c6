/* touchfd — the child for numamem's "-- COMMAND" test.
 *
 * Maps the region numamem hands over (fd in $NUMAMEM_FD, size in
 * $NUMAMEM_SIZE), writes one byte per page, and prints the line of
 * /proc/self/numa_maps for that mapping so the suite can check, without
 * trusting numamem, on which nodes the pages landed:
 *
 *   touchfd: fd=3 size=67108864 addr=7f...
 *   touchfd-numa_maps: 7f... bind:1 file=/memfd:... dirty=16384 N1=16384 kernelpagesize_kB=4
 *
 * Exit status: 0 ok; 2 environment missing or bad; 3 mmap failed;
 * 4 its numa_maps line not found.
 *
 *   touchfd fill NODE BYTES READYFILE
 *
 * fills NODE for the "preferred on a full node" cases without numamem:
 * maps BYTES of anonymous memory, binds it to NODE with mbind(2), writes
 * every page, creates READYFILE and waits for a signal.
 *
 *   touchfd anon BYTES [READYFILE]
 *   touchfd misplace NODE BYTES READYFILE
 *   touchfd elsewhere NODE BYTES READYFILE
 *
 * anon: the child for COMMAND's own policy (numamem -m/-i/-N ... --
 * touchfd anon): maps BYTES of anonymous memory (no THP), writes every
 * page, prints its numa_maps line ("touchfd-numa_maps: ...") and its
 * Cpus_allowed_list ("touchfd-cpus: ..."); with READYFILE it then
 * creates it and waits for a signal (for numamem --pid).  misplace:
 * writes the pages first, then binds them to NODE without moving them,
 * so that numa_maps says bind:NODE while the pages are elsewhere (what
 * numamem --pid --verify must catch).  elsewhere: binds the mapping to
 * NODE before writing it, so that the pages land on NODE whatever the
 * process's own policy (what numamem -m --verify must catch in COMMAND's
 * memory).  With READYFILE, SIGUSR1 ends it with status 0.
 *
 *   touchfd view BYTES
 *
 * the child of the numactl-vs-numamem peer cases (the same invocation
 * through either program): prints what the child was given, in lines
 * that do not depend on addresses, so that the two outputs can be
 * compared whole: its policy as get_mempolicy(2) returns it (mode with
 * flags, nodes), Cpus_allowed_list, Mems_allowed_list, then maps BYTES
 * of anonymous memory (no THP), writes every page and prints the
 * mapping's policy in numa_maps and its pages per node in MiB, rounded
 * (an interleave's odd page lands on a node that depends on the address).
 *
 * Built with `gcc -static` by mkinitramfs.sh so the guest needs no
 * libraries for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_BIND_ 2

static int parse_u64(const char *s, unsigned long long *out);

static int fill(int argc, char **argv)
{
	unsigned long long node, bytes, off, mask[16] = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p;
	FILE *f;

	if (argc != 5 || parse_u64(argv[2], &node) || parse_u64(argv[3], &bytes) || node >= 1024) {
		fprintf(stderr, "usage: touchfd fill NODE BYTES READYFILE\n");
		return 2;
	}
	bytes = bytes / page * page;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "touchfd fill: mmap %llu: %s\n", bytes, strerror(errno));
		return 3;
	}
	madvise((void *)p, bytes, MADV_NOHUGEPAGE);
	mask[node / 64] = 1ULL << (node % 64);
	if (syscall(SYS_mbind, p, bytes, MPOL_BIND_, mask, 1024, 0)) {
		fprintf(stderr, "touchfd fill: mbind node %llu: %s\n", node, strerror(errno));
		return 3;
	}
	for (off = 0; off < bytes; off += page)
		p[off] = 1;
	f = fopen(argv[4], "w");
	if (!f || fprintf(f, "ready %d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "touchfd fill: %s: %s\n", argv[4], strerror(errno));
		return 3;
	}
	for (;;)
		pause();
}

static int parse_u64(const char *s, unsigned long long *out);

/* The numa_maps line of the mapping at p, and this process's CPUs. */
static int show(volatile char *p)
{
	char want[32], line[4096];
	int found = 0;
	FILE *f = fopen("/proc/self/numa_maps", "r");

	snprintf(want, sizeof(want), "%lx ", (unsigned long)(uintptr_t)p);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, want, strlen(want)) == 0) {
			printf("touchfd-numa_maps: %s", line);
			found = 1;
		}
	if (f)
		fclose(f);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			printf("touchfd-cpus: %s", line + 18 + strspn(line + 18, " \t"));
	if (f)
		fclose(f);
	fflush(stdout);
	return found ? 0 : 4;
}

static void exit_ok(int sig)
{
	(void)sig;
	_exit(0);
}

static int anon(int argc, char **argv)
{
	unsigned long long bytes, node = 0, off, mask[16] = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	int elsewhere = strcmp(argv[1], "elsewhere") == 0;
	int misplace = strcmp(argv[1], "misplace") == 0 || elsewhere, a = 2 + misplace;
	const char *ready = argc > a + 1 ? argv[a + 1] : NULL;
	volatile char *p;
	FILE *f;
	int r;

	if (argc < a + 1 || argc > a + 2 || (misplace && (!ready || parse_u64(argv[2], &node) || node >= 1024)) ||
	    parse_u64(argv[a], &bytes)) {
		fprintf(stderr, "usage: touchfd anon BYTES [READYFILE] | touchfd misplace|elsewhere NODE BYTES READYFILE\n");
		return 2;
	}
	bytes = bytes / page * page;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "touchfd anon: mmap %llu: %s\n", bytes, strerror(errno));
		return 3;
	}
	madvise((void *)p, bytes, MADV_NOHUGEPAGE);
	mask[node / 64] = 1ULL << (node % 64);
	if (elsewhere && syscall(SYS_mbind, p, bytes, MPOL_BIND_, mask, 1024, 0)) {
		fprintf(stderr, "touchfd elsewhere: mbind node %llu: %s\n", node, strerror(errno));
		return 3;
	}
	for (off = 0; off < bytes; off += page)
		p[off] = 1;
	if (misplace && !elsewhere && syscall(SYS_mbind, p, bytes, MPOL_BIND_, mask, 1024, 0)) {
		fprintf(stderr, "touchfd misplace: mbind node %llu: %s\n", node, strerror(errno));
		return 3;
	}
	r = show(p);
	if (!ready || r)
		return r;
	signal(SIGUSR1, exit_ok);
	f = fopen(ready, "w");
	if (!f || fprintf(f, "ready %d\n", (int)getpid()) < 0 || fclose(f))
		return 3;
	for (;;)
		pause();
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

static int view(int argc, char **argv)
{
	unsigned long long bytes, off, mask[16] = { 0 }, pages[1024] = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	char want[32], line[4096];
	volatile char *p;
	int mode = -1, sep = 0, found = 0;
	FILE *f;

	if (argc != 3 || parse_u64(argv[2], &bytes)) {
		fprintf(stderr, "usage: touchfd view BYTES\n");
		return 2;
	}
	if (syscall(SYS_get_mempolicy, &mode, mask, 1024, NULL, 0UL) < 0)
		printf("view-mempolicy: error %s\n", strerror(errno));
	else {
		printf("view-mempolicy: %d ", mode);
		for (unsigned n = 0; n < 1024; n++)
			if (mask[n / 64] >> (n % 64) & 1) {
				printf("%s%u", sep ? "," : "", n);
				sep = 1;
			}
		printf("\n");
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cpus_allowed_list:", 18) || !strncmp(line, "Mems_allowed_list:", 18))
			printf("view-%.4s: %s", line, line + 18 + strspn(line + 18, " \t"));
	if (f)
		fclose(f);
	bytes = bytes / page * page;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "touchfd view: mmap %llu: %s\n", bytes, strerror(errno));
		return 3;
	}
	madvise((void *)p, bytes, MADV_NOHUGEPAGE);
	for (off = 0; off < bytes; off += page)
		p[off] = 1;
	snprintf(want, sizeof(want), "%lx ", (unsigned long)(uintptr_t)p);
	f = fopen("/proc/self/numa_maps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *tok, *save = NULL;

		if (strncmp(line, want, strlen(want)))
			continue;
		found = 1;
		line[strcspn(line, "\n")] = '\0';
		strtok_r(line, " ", &save);
		tok = strtok_r(NULL, " ", &save);
		printf("view-numa_maps: %s", tok ? tok : "?");
		while ((tok = strtok_r(NULL, " ", &save)))
			if (tok[0] == 'N' && strchr(tok, '=')) {
				unsigned long n = strtoul(tok + 1, NULL, 10);

				if (n < 1024)
					pages[n] += strtoull(strchr(tok, '=') + 1, NULL, 10);
			}
		for (unsigned n = 0; n < 1024; n++)
			if (pages[n])
				printf(" N%u=%lluM", n, (pages[n] * page + (1 << 19)) >> 20);
		printf("\n");
	}
	if (f)
		fclose(f);
	fflush(stdout);
	return found ? 0 : 4;
}

int main(int argc, char **argv)
{
	unsigned long long fd, size, off;
	long page = sysconf(_SC_PAGESIZE);
	const char *sfd = getenv("NUMAMEM_FD"), *ssize = getenv("NUMAMEM_SIZE");
	char want[32], line[4096];
	volatile char *p;
	FILE *f;
	int found = 0;

	if (argc > 1 && strcmp(argv[1], "fill") == 0)
		return fill(argc, argv);
	if (argc > 1 && strcmp(argv[1], "view") == 0)
		return view(argc, argv);
	if (argc > 1 && (strcmp(argv[1], "anon") == 0 || strcmp(argv[1], "misplace") == 0 || strcmp(argv[1], "elsewhere") == 0))
		return anon(argc, argv);
	if (parse_u64(sfd, &fd) || parse_u64(ssize, &size) || size == 0) {
		fprintf(stderr, "touchfd: need NUMAMEM_FD and NUMAMEM_SIZE (got %s, %s)\n",
			sfd ? sfd : "(unset)", ssize ? ssize : "(unset)");
		return 2;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "touchfd: mmap fd %llu size %llu: %s\n", fd, size, strerror(errno));
		return 3;
	}
	for (off = 0; off < size; off += page)
		p[off] = 1;
	snprintf(want, sizeof(want), "%lx ", (unsigned long)(uintptr_t)p);
	printf("touchfd: fd=%llu size=%llu addr=%lx\n", fd, size, (unsigned long)(uintptr_t)p);
	f = fopen("/proc/self/numa_maps", "r");
	if (!f) {
		fprintf(stderr, "touchfd: /proc/self/numa_maps: %s\n", strerror(errno));
		return 4;
	}
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, want, strlen(want)) == 0) {
			printf("touchfd-numa_maps: %s", line);
			found = 1;
		}
	fclose(f);
	fflush(stdout);
	if (!found) {
		fprintf(stderr, "touchfd: no numa_maps line at %s\n", want);
		return 4;
	}
	return 0;
}
