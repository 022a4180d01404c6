/* /proc/PID/numa_maps; see procmaps.h.
 *
 * A line is "ADDRESS POLICY[=FLAGS][:NODES] key=value...", where POLICY is
 * the kernel's name (mpol_to_str), two of which hold a space ("prefer
 * (many)", "weighted interleave"), and a file name has its spaces,
 * '=', tabs and newlines escaped as octal ("\040"), so that the rest
 * splits at blanks; the name is kept decoded. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "host.h"
#include "util.h"
#include "procmaps.h"
#include "region.h"

#define THP_SIZE (2ULL << 20)

static const struct {
	const char *name;
	int mode;
} kernel_policies[] = {
	/* longest first: "prefer" starts "prefer (many)" */
	{ "weighted interleave", POLICY_WEIGHTED_INTERLEAVE },
	{ "prefer (many)", POLICY_PREFERRED_MANY },
	{ "interleave", POLICY_INTERLEAVE },
	{ "default", POLICY_DEFAULT },
	{ "prefer", POLICY_PREFERRED },
	{ "local", POLICY_LOCAL },
	{ "bind", POLICY_BIND },
};

/* Files whose pages a policy places: shared memory, not page cache. */
static bool shmem_name(const char *file)
{
	static const char *const prefixes[] = { "/memfd:", "/dev/shm/", "/SYSV", "/anon_hugepage", "/dev/zero" };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(file, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int procmaps_parse_line(const char *line, struct vma_numa *v)
{
	static const struct nodemask every = { { [0 ... NODEMASK_LONGS - 1] = ~0UL } };
	const char *p, *tok;
	uint64_t pages[NUMAMEM_MAX_NODES] = { 0 };
	char *end;
	size_t len;

	memset(v, 0, sizeof(*v));
	v->mode = -1;
	v->page_size = 4096;
	v->start = strtoul(line, &end, 16);
	if (end == line || *end != ' ')
		return -EINVAL;
	p = end + 1;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_policies); i++) {
		len = strlen(kernel_policies[i].name);
		if (!strncmp(p, kernel_policies[i].name, len) && (!p[len] || strchr("=: \n", p[len]))) {
			v->mode = kernel_policies[i].mode;
			break;
		}
	}
	if (v->mode < 0) /* a name of a later kernel: the first word */
		len = strcspn(p, " \n");
	len += strcspn(p + len, " \n"); /* =FLAGS:NODES */
	if (!len || len >= sizeof(v->policy))
		return -EINVAL;
	memcpy(v->policy, p, len);
	v->policy[len] = '\0';
	tok = strrchr(v->policy, ':');
	if (tok && tok[1] && parse_nodelist(tok + 1, &every, &v->nodes, NULL) < 0)
		return -EINVAL;
	for (p += len; *p == ' ';) {
		char key[32];
		unsigned long long n, c;

		tok = p + strspn(p, " ");
		len = strcspn(tok, " \n");
		p = tok + len;
		if (len > 5 && !strncmp(tok, "file=", 5)) {
			unescape_octal(v->name, sizeof(v->name), tok + 5, len - 5);
			v->file = true;
			v->shmem = shmem_name(v->name);
		} else if ((len == 4 && !strncmp(tok, "heap", 4)) || (len == 5 && !strncmp(tok, "stack", 5))) {
			memcpy(v->name, tok, len);
			v->name[len] = '\0';
		} else if (len == 4 && !strncmp(tok, "huge", 4)) {
			v->shmem = true; /* hugetlb: placed by policy, even when file= */
			v->huge = true;
		} else if (sscanf(tok, "N%llu=%llu", &n, &c) == 2) {
			if (n < NUMAMEM_MAX_NODES)
				pages[n] += c;
		} else if (sscanf(tok, "kernelpagesize_kB=%llu", &n) == 1) {
			v->page_size = (uint64_t)n * 1024;
		} else if (len && sscanf(tok, "%31[a-z_]=", key) != 1) {
			return -EINVAL;
		}
	}
	if (*p && *p != '\n')
		return -EINVAL;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		v->node_bytes[n] = pages[n] * v->page_size;
		v->bytes += v->node_bytes[n];
	}
	return 0;
}

static void read_comm(struct proc_numa *p)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", p->pid);
	f = fopen(path, "re");
	if (f && fgets(p->comm, sizeof(p->comm), f))
		p->comm[strcspn(p->comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* numa_maps of pid into *p, silently: 0, or -errno (-EINVAL for a line
 * it cannot read, kept in p->reason). */
int procmaps_sample(long pid, struct proc_numa *p)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	double t0 = now_seconds();
	FILE *f;
	int e;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%ld/numa_maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	errno = 0;
	while (getline(&line, &cap, f) > 0) {
		struct vma_numa *v;

		if (p->n == p->room) {
			size_t want = p->room ? p->room * 2 : 64;
			struct vma_numa *grown = realloc(p->vmas, want * sizeof(*grown));

			if (!grown) {
				free(line);
				fclose(f);
				return -ENOMEM;
			}
			p->vmas = grown;
			p->room = want;
		}
		v = &p->vmas[p->n];
		if (procmaps_parse_line(line, v) < 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(p->reason, sizeof(p->reason), "%s", line);
			free(line);
			fclose(f);
			return -EINVAL;
		}
		p->n++;
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			p->node_bytes[n] += v->node_bytes[n];
		p->bytes += v->bytes;
		errno = 0;
	}
	e = errno;
	free(line);
	fclose(f);
	if (e) /* the process went away while it was read, or access was denied */
		return -e;
	p->t_read = now_seconds() - t0;
	return 0;
}

int procmaps_parse_maps_line(const char *line, struct vma_numa *v)
{
	unsigned long start, end, maj, min, ino;
	unsigned long long off;
	char perms[8];

	/* START-END PERMS OFFSET MAJ:MIN INODE [NAME] */
	if (sscanf(line, "%lx-%lx %7s %llx %lx:%lx %lu", &start, &end, perms, &off, &maj, &min, &ino) != 7 ||
	    end <= start || strlen(perms) != 4)
		return -EINVAL;
	v->start = start;
	v->end = end;
	v->shared = perms[3] == 's';
	v->offset = off;
	v->dev = (unsigned long)makedev(maj, min);
	v->inode = ino;
	v->has_ident = true;
	return 0;
}

int procmaps_sample_ident(long pid, struct proc_numa *p)
{
	char path[64], *line = NULL;
	size_t cap = 0, k = 0;
	int r = procmaps_sample(pid, p);
	FILE *f;

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	if (!(f = fopen(path, "re")))
		return -errno;
	/* both list the mappings in address order: joined as they come (a
	 * mapping made or removed between the two reads is left without) */
	while (k < p->n && getline(&line, &cap, f) > 0) {
		struct vma_numa id = { 0 };

		if (procmaps_parse_maps_line(line, &id) < 0)
			continue;
		while (k < p->n && p->vmas[k].start < id.start)
			k++;
		if (k < p->n && p->vmas[k].start == id.start) {
			struct vma_numa *v = &p->vmas[k++];

			v->has_ident = true;
			v->shared = id.shared;
			v->end = id.end;
			v->offset = id.offset;
			v->dev = id.dev;
			v->inode = id.inode;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

int procmaps_read(long pid, struct proc_numa *p)
{
	char path[64], comm[32] = "";
	int r;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%ld", pid);
	if (access(path, F_OK) < 0)
		return fail(EXIT_UNAVAILABLE, "pid %ld: no such process", pid);
	p->pid = pid;
	read_comm(p);
	memcpy(comm, p->comm, sizeof(comm));
	r = procmaps_sample(pid, p);
	memcpy(p->comm, comm, sizeof(comm));
	snprintf(path, sizeof(path), "/proc/%ld/numa_maps", pid);
	if (r == -EINVAL)
		return fail(EXIT_COMPLETE, "pid %ld: cannot read this line of %s: %s", pid, path, p->reason);
	if (r == -ENOMEM)
		return fail_oom();
	if (r < 0)
		return fail_errno(EXIT_UNAVAILABLE, -r, "pid %ld: cannot read %s", pid, path);
	return EXIT_OK;
}

/* Pages a policy placed: anonymous and shared memory. */
static bool placed_by_policy(const struct vma_numa *v)
{
	return !v->file || v->shmem;
}

void procmaps_verify(struct proc_numa *p)
{
	bool *done = calloc(p->n ? p->n : 1, sizeof(*done));
	size_t groups = 0;

	p->verdict = VERIFY_SKIPPED;
	snprintf(p->reason, sizeof(p->reason), "no page placed by a policy is present");
	for (size_t i = 0; done && i < p->n; i++) {
		uint64_t bytes[NUMAMEM_MAX_NODES] = { 0 }, present = 0, unit = 0;
		struct judge_input in = { .mode = p->vmas[i].mode, .nodes = p->vmas[i].nodes };
		char reason[200];
		enum verdict v;
		size_t maps = 0;

		if (done[i] || !placed_by_policy(&p->vmas[i]))
			continue;
		/* every mapping under this same policy, as one */
		for (size_t k = i; k < p->n; k++) {
			const struct vma_numa *m = &p->vmas[k];

			if (done[k] || !placed_by_policy(m) || strcmp(m->policy, p->vmas[i].policy))
				continue;
			done[k] = true;
			maps++;
			for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
				bytes[n] += m->node_bytes[n];
			present += m->bytes;
			/* a mapping may hand out a unit more or less than its share:
			 * a huge page, or a transparent one where it may have them */
			unit += m->page_size > 4096 ? m->page_size : THP_SIZE;
			in.huge |= m->page_size > 4096;
		}
		in.node_bytes = bytes;
		in.present_bytes = present;
		in.unit = unit;
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
			if (!nodemask_isset(&in.nodes, n))
				continue;
			in.weights[n] = host_interleave_weight(n);
			in.room[n] = host_node_free(n);
		}
		v = in.mode < 0 ? VERIFY_SKIPPED : placement_judge(&in, reason, sizeof(reason));
		if (v == VERIFY_SKIPPED)
			continue;
		groups++;
		p->verdict = v;
		snprintf(p->reason, sizeof(p->reason), "%s (%zu mapping%s): %s", p->vmas[i].policy, maps,
			 maps == 1 ? "" : "s", reason);
		if (v == VERIFY_FAIL)
			break;
	}
	if (p->verdict == VERIFY_PASS && groups > 1)
		snprintf(p->reason, sizeof(p->reason), "%zu policies, each kept", groups);
	free(done);
}

void procmaps_free(struct proc_numa *p)
{
	free(p->vmas);
	p->vmas = NULL;
	p->n = p->room = 0;
}

const char *const proc_category_names[PROC_CATEGORIES] = {
	[PROC_HUGE] = "Huge", [PROC_HEAP] = "Heap", [PROC_STACK] = "Stack", [PROC_PRIVATE] = "Private",
};

void procmaps_summary(const struct proc_numa *p, uint64_t sum[PROC_CATEGORIES][NUMAMEM_MAX_NODES])
{
	memset(sum, 0, sizeof(uint64_t) * PROC_CATEGORIES * NUMAMEM_MAX_NODES);
	for (size_t i = 0; i < p->n; i++) {
		const struct vma_numa *v = &p->vmas[i];
		enum proc_category c = v->huge ? PROC_HUGE
				       : !v->file && !strcmp(v->name, "heap") ? PROC_HEAP
				       : !v->file && !strcmp(v->name, "stack") ? PROC_STACK : PROC_PRIVATE;

		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			sum[c][n] += v->node_bytes[n];
	}
}

int procmaps_find_comm(const char *name, long **pids, size_t *n, size_t *room)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct proc_numa p = { 0 };
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		long *slot;

		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		p.pid = pid;
		read_comm(&p);
		if (strcmp(p.comm, name))
			continue;
		slot = array_grow((void **)pids, n, room, sizeof(*slot));
		if (!slot) {
			closedir(d);
			return -ENOMEM;
		}
		*slot = pid;
	}
	closedir(d);
	return 0;
}
