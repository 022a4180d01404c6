/* Test helper: the COMMAND side of numamem.
 *
 *   touchfd [touch] [ID]
 *   touchfd fds
 *
 * Maps the region numamem handed over (NUMAMEM_FD, NUMAMEM_SIZE and
 * NUMAMEM_OFFSET, or NUMAMEM_<ID>_* when ID is given), writes one byte
 * per page when "touch" is given, else reads one (which maps pages a
 * prealloc made into this process), then prints where its own mapping's
 * pages are, asked of the kernel with move_pages() one base page at a
 * time:  "fd=3 size=67108864 node0=67108864 absent=0".
 * "fds" prints the descriptors open in this process ("0 1 2 3").
 *
 *   touchfd hold BYTES FILE
 *
 * A workload for numamem to watch: maps BYTES of anonymous memory (no
 * THP), writes every page, writes "ready PID" to FILE, and exits once
 * FILE is removed.
 *
 *   touchfd burst BYTES FILE
 *
 * A short-lived workload: maps BYTES of anonymous memory (no THP),
 * writes every page, writes its own numa_maps line of that mapping and
 * the milliseconds it lived so far to FILE ("ms=N LINE"), and exits.
 *
 *   touchfd mapfile PATH BYTES
 *
 * Makes file PATH of BYTES, maps it shared, writes every page and exits.
 *
 *   touchfd shared BYTES FILE
 *
 * Two processes sharing memory: maps BYTES MAP_SHARED|MAP_ANONYMOUS,
 * writes every page, forks a child that writes every page too, writes
 * "ready PARENT CHILD" to FILE, and both exit once FILE is removed.
 * Exits 2 when the environment is missing, 3 when mmap fails. */
#include <ctype.h>
#include <fcntl.h>
#include <dirent.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *env(const char *id, const char *what)
{
	char name[128];
	size_t n = (size_t)snprintf(name, sizeof(name), "NUMAMEM_");

	if (id)
		for (; *id && n + 2 < sizeof(name); id++)
			name[n++] = isalnum((unsigned char)*id) ? (char)toupper((unsigned char)*id) : '_';
	snprintf(name + n, sizeof(name) - n, "%s%s", id ? "_" : "", what);
	return getenv(name);
}

static int list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fds[1024], n = 0;

	if (!d)
		return 3;
	while ((e = readdir(d)) && n < 1024)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			fds[n++] = atoi(e->d_name);
	closedir(d);
	for (int i = 0; i < n; i++)
		for (int k = i + 1; k < n; k++)
			if (fds[k] < fds[i]) {
				int t = fds[i];

				fds[i] = fds[k];
				fds[k] = t;
			}
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	putchar('\n');
	return 0;
}

/* BYTES of anonymous memory (flags: MAP_PRIVATE without THP, or
 * MAP_SHARED), every page written with value; MAP_FAILED when it cannot. */
static char *touched(unsigned long long bytes, int flags, char value)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return p;
	if (flags & MAP_PRIVATE)
		madvise(p, bytes, MADV_NOHUGEPAGE);
	for (unsigned long long off = 0; off < bytes; off += (unsigned long long)page)
		p[off] = value;
	return p;
}

static int hold(int argc, char **argv)
{
	unsigned long long bytes = argc == 4 ? strtoull(argv[2], NULL, 0) : 0;
	FILE *f;

	if (!bytes)
		return 2;
	if (touched(bytes, MAP_PRIVATE, 1) == MAP_FAILED)
		return 3;
	f = fopen(argv[3], "w");
	if (!f || fprintf(f, "ready %d\n", (int)getpid()) < 0 || fclose(f))
		return 3;
	while (access(argv[3], F_OK) == 0)
		usleep(10000);
	return 0;
}

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The numa_maps line of the mapping at p, into buf. */
static int own_line(const void *p, char *buf, size_t len)
{
	char want[32];
	FILE *f = fopen("/proc/self/numa_maps", "r");
	int found = 0;

	snprintf(want, sizeof(want), "%lx ", (unsigned long)p);
	while (f && !found && fgets(buf, (int)len, f))
		found = !strncmp(buf, want, strlen(want));
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

static int burst(int argc, char **argv)
{
	double t0 = ms_now();
	unsigned long long bytes = argc == 4 ? strtoull(argv[2], NULL, 0) : 0;
	char *p, line[4096];
	FILE *f;

	if (!bytes)
		return 2;
	if ((p = touched(bytes, MAP_PRIVATE, 1)) == MAP_FAILED)
		return 3;
	if (own_line(p, line, sizeof(line)) < 0)
		return 4;
	f = fopen(argv[3], "w");
	if (!f || fprintf(f, "ms=%.0f %s", ms_now() - t0, line) < 0 || fclose(f))
		return 3;
	return 0;
}

static int mapfile(int argc, char **argv)
{
	unsigned long long bytes = argc == 4 ? strtoull(argv[3], NULL, 0) : 0;
	long page = sysconf(_SC_PAGESIZE);
	int fd = bytes ? open(argv[2], O_RDWR | O_CREAT | O_EXCL, 0600) : -1;
	char *p;

	if (fd < 0 || ftruncate(fd, (off_t)bytes) < 0)
		return 3;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 3;
	for (unsigned long long off = 0; off < bytes; off += (unsigned long long)page)
		p[off] = 1;
	return 0;
}

static int shared(int argc, char **argv)
{
	unsigned long long bytes = argc == 4 ? strtoull(argv[2], NULL, 0) : 0;
	long page = sysconf(_SC_PAGESIZE);
	char *p;
	pid_t child;
	FILE *f;

	if (!bytes)
		return 2;
	if ((p = touched(bytes, MAP_SHARED, 1)) == MAP_FAILED)
		return 3;
	child = fork();
	if (child < 0)
		return 3;
	if (child == 0) {
		for (unsigned long long off = 0; off < bytes; off += (unsigned long long)page)
			p[off] = 2;
		f = fopen(argv[3], "w");
		if (!f || fprintf(f, "ready %d %d\n", (int)getppid(), (int)getpid()) < 0 || fclose(f))
			_exit(3);
		while (access(argv[3], F_OK) == 0)
			usleep(10000);
		_exit(0);
	}
	while (waitpid(child, NULL, 0) < 0)
		;
	return 0;
}

static int run(int argc, char **argv)
{
	int touch = argc > 1 && !strcmp(argv[1], "touch");
	const char *id = argc > 1 + touch ? argv[1 + touch] : NULL;
	const char *fds = env(id, "FD"), *sizes = env(id, "SIZE"), *offs = env(id, "OFFSET");
	unsigned long long size, off, absent = 0, node[128] = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	char *p;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "burst"))
		return burst(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "shared"))
		return shared(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "mapfile"))
		return mapfile(argc, argv);

	if (argc > 1 && !strcmp(argv[1], "fds"))
		return list_fds();
	if (!fds || !sizes) {
		fprintf(stderr, "touchfd: no NUMAMEM_%sFD / SIZE in the environment\n", id ? "<ID>_" : "");
		return 2;
	}
	fd = atoi(fds);
	size = strtoull(sizes, NULL, 10);
	off = offs ? strtoull(offs, NULL, 10) : 0;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	if (p == MAP_FAILED) {
		perror("touchfd: mmap");
		return 3;
	}
	for (unsigned long long i = 0; i < size; i += (unsigned long long)page) {
		if (touch)
			p[i] = 1;
		else
			(void)*(volatile char *)(p + i);
	}
	for (unsigned long long i = 0; i < size; i += (unsigned long long)page) {
		void *addr = p + i;
		int status = -1;

		if (move_pages(0, 1, &addr, NULL, &status, 0) == 0 && status >= 0 && status < 128)
			node[status] += (unsigned long long)page;
		else
			absent += (unsigned long long)page;
	}
	printf("fd=%d size=%llu", fd, size);
	for (int n = 0; n < 128; n++)
		if (node[n])
			printf(" node%d=%llu", n, node[n]);
	printf(" absent=%llu\n", absent);
	return 0;
}

/* Ends with _exit(): numamem traces its workload (PTRACE_O_TRACEEXIT),
 * and LeakSanitizer's check at exit (an ASan build, as .ci/run makes)
 * ptraces its own process, which a traced process cannot: the check
 * would fail the helper.  Nothing here is freed on purpose. */
int main(int argc, char **argv)
{
	int r = run(argc, argv);

	fflush(stdout);
	_exit(r);
}
