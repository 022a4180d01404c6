/* Which rank of which job a process is, from the environment its
 * launcher gave it (Slurm, Open MPI, PMI, PMIx, MPICH/Hydra, MVAPICH2,
 * Flux, PALS).  Pure: the environment is given, so that every launcher
 * is unit tested. */
#ifndef NUMAMEM_LAUNCHER_H
#define NUMAMEM_LAUNCHER_H

#include <stdbool.h>

enum launch_field { LF_RANK, LF_LOCAL_RANK, LF_WORLD_SIZE, LF_NODE_ID, LF_JOB_ID, LF_STEP_ID, LF_COUNT };
/* "rank", "local_rank", ...: the JSON names */
extern const char *const launch_field_names[LF_COUNT];

struct launch {
	const char *launcher;          /* "openmpi", "slurm", ...: whose rank; NULL: none */
	bool set[LF_COUNT];            /* the field is a whole number */
	unsigned long value[LF_COUNT];
	const char *source[LF_COUNT];  /* the variable it came from, or NULL */
	const char *job_text;          /* the job id as given, even when not a number ("123_4"), or NULL */
};

/* Read envp (NAME=VALUE strings, NULL-terminated) into *l.  The first
 * launcher (in the order of launch.c's table) whose rank variable holds a
 * whole number gives the rank; the other fields come from it, or from a
 * later launcher whose own rank agrees.  The job and step come from the
 * scheduler (Flux, Slurm, PBS). */
void launch_read(const char *const *envp, struct launch *l);

#endif
