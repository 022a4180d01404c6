/* Ranks from the launcher's variables; see launcher.h. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "lib/launcher.h"
#include "lib/parse.h"

const char *const launch_field_names[LF_COUNT] = {
	[LF_RANK] = "rank", [LF_LOCAL_RANK] = "local_rank", [LF_WORLD_SIZE] = "world_size",
	[LF_NODE_ID] = "node_id", [LF_JOB_ID] = "job_id", [LF_STEP_ID] = "step_id",
};

/* The launchers that start ranks, nearest first: an MPI launcher run
 * inside a Slurm or Flux allocation leaves the allocation's variables
 * (SLURM_PROCID=0 of the batch step) in every rank's environment, so the
 * MPI launcher's own variables win and the scheduler's come last. */
static const struct {
	const char *name;
	const char *var[LF_NODE_ID + 1]; /* rank, local_rank, world_size, node_id */
} launchers[] = {
	{ "openmpi", { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_SIZE", NULL } },
	{ "mvapich2", { "MV2_COMM_WORLD_RANK", "MV2_COMM_WORLD_LOCAL_RANK", "MV2_COMM_WORLD_SIZE", NULL } },
	{ "pals", { "PALS_RANKID", "PALS_LOCAL_RANKID", NULL, "PALS_NODEID" } },
	{ "pmix", { "PMIX_RANK", NULL, NULL, NULL } },
	/* MPICH's Hydra, Intel MPI, Cray PMI, Slurm's pmi2 */
	{ "pmi", { "PMI_RANK", "MPI_LOCALRANKID", "PMI_SIZE", NULL } },
	{ "flux", { "FLUX_TASK_RANK", "FLUX_TASK_LOCAL_ID", "FLUX_JOB_SIZE", NULL } },
	{ "slurm", { "SLURM_PROCID", "SLURM_LOCALID", "SLURM_NTASKS", "SLURM_NODEID" } },
};

/* The job, then the step: the nearest scheduler first (Flux run inside
 * a Slurm allocation is its own job). */
static const char *const job_vars[] = { "FLUX_JOB_ID", "SLURM_JOB_ID", "SLURM_JOBID", "PBS_JOBID" };
static const char *const step_vars[] = { "SLURM_STEP_ID", "SLURM_STEPID" };

static const char *env_get(const char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* name's value as a whole number (decimal, no sign, no space). */
static bool env_number(const char *const *envp, const char *name, unsigned long *out)
{
	const char *v = name ? env_get(envp, name) : NULL;

	return v && parse_uint(v, 0, ULONG_MAX, out) == 0;
}

static void take(struct launch *l, enum launch_field f, const char *var, unsigned long v)
{
	l->set[f] = true;
	l->value[f] = v;
	l->source[f] = var;
}

void launch_read(const char *const *envp, struct launch *l)
{
	size_t first = ARRAY_SIZE(launchers);
	unsigned long v, rank = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < ARRAY_SIZE(launchers) && first == ARRAY_SIZE(launchers); i++)
		if (env_number(envp, launchers[i].var[LF_RANK], &rank))
			first = i;
	if (first < ARRAY_SIZE(launchers)) {
		l->launcher = launchers[first].name;
		take(l, LF_RANK, launchers[first].var[LF_RANK], rank);
		/* what the first lacks, from a later one that agrees on the rank */
		for (size_t i = first; i < ARRAY_SIZE(launchers); i++) {
			if (i != first && !(env_number(envp, launchers[i].var[LF_RANK], &v) && v == rank))
				continue;
			for (int f = LF_LOCAL_RANK; f <= LF_NODE_ID; f++)
				if (!l->set[f] && env_number(envp, launchers[i].var[f], &v))
					take(l, (enum launch_field)f, launchers[i].var[f], v);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(job_vars) && !l->source[LF_JOB_ID]; i++) {
		const char *text = env_get(envp, job_vars[i]);

		if (!text || !*text)
			continue;
		l->job_text = text;
		l->source[LF_JOB_ID] = job_vars[i];
		l->set[LF_JOB_ID] = parse_uint(text, 0, ULONG_MAX, &l->value[LF_JOB_ID]) == 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(step_vars) && !l->set[LF_STEP_ID]; i++)
		if (env_number(envp, step_vars[i], &v))
			take(l, LF_STEP_ID, step_vars[i], v);
}
