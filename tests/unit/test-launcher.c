/* Unit tests for launch_read() (every launcher, launchers nested in an
 * allocation, values that are not numbers) and template_expand(). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "lib/launcher.h"
#include "lib/template.h"
#include "tap.h"

/* field f of envp: its value, or -1 when null; *src its variable */
static long field(const char *const *envp, enum launch_field f, const char **src, const char **launcher)
{
	struct launch l;

	launch_read(envp, &l);
	if (src)
		*src = l.source[f] ? l.source[f] : "(null)";
	if (launcher)
		*launcher = l.launcher ? l.launcher : "(null)";
	return l.set[f] ? (long)l.value[f] : -1;
}

#define is(envp, f, want, want_src)                                                             \
	do {                                                                                    \
		const char *src_;                                                               \
		long got_ = field(envp, f, &src_, NULL);                                        \
		ok(got_ == (want) && !strcmp(src_, want_src), "%s: %s %ld from %s", #envp,      \
		   launch_field_names[f], got_, src_);                                          \
	} while (0)

#define by(envp, want)                                                                          \
	do {                                                                                    \
		const char *who_;                                                               \
		field(envp, LF_RANK, NULL, &who_);                                              \
		ok(!strcmp(who_, want), "%s: launcher %s", #envp, who_);                        \
	} while (0)

static void launchers(void)
{
	const char *none[] = { "PATH=/bin", "HOME=/root", NULL };
	const char *slurm[] = { "SLURM_PROCID=5", "SLURM_LOCALID=1", "SLURM_NODEID=2", "SLURM_NTASKS=8",
			  "SLURM_JOB_ID=4242", "SLURM_STEP_ID=3", NULL };
	const char *ompi[] = { "OMPI_COMM_WORLD_RANK=1", "OMPI_COMM_WORLD_LOCAL_RANK=1", "OMPI_COMM_WORLD_SIZE=2",
			 "OMPI_COMM_WORLD_NODE_RANK=1", "PMIX_RANK=1", NULL };
	/* mpirun inside an sbatch script: the batch step's SLURM_PROCID=0 stays */
	const char *ompi_in_slurm[] = { "SLURM_PROCID=0", "SLURM_LOCALID=0", "SLURM_NODEID=0", "SLURM_NTASKS=1",
				  "SLURM_JOB_ID=77", "OMPI_COMM_WORLD_RANK=3", "OMPI_COMM_WORLD_SIZE=4", NULL };
	/* srun --mpi=pmix: PMIx has the rank only, Slurm agrees and gives the rest */
	const char *pmix_srun[] = { "PMIX_RANK=6", "SLURM_PROCID=6", "SLURM_LOCALID=2", "SLURM_NTASKS=16",
			      "SLURM_NODEID=1", "SLURM_JOB_ID=9", NULL };
	const char *pmi[] = { "PMI_RANK=7", "PMI_SIZE=9", "MPI_LOCALRANKID=3", NULL };
	const char *mv2[] = { "MV2_COMM_WORLD_RANK=2", "MV2_COMM_WORLD_LOCAL_RANK=0", "MV2_COMM_WORLD_SIZE=3", NULL };
	const char *flux[] = { "FLUX_TASK_RANK=4", "FLUX_TASK_LOCAL_ID=0", "FLUX_JOB_SIZE=5", "FLUX_JOB_ID=123456789", NULL };
	const char *flux_f58[] = { "FLUX_TASK_RANK=0", "FLUX_JOB_ID=\xc6\x92" "2Xbq5hW", NULL };
	const char *pals[] = { "PALS_RANKID=10", "PALS_LOCAL_RANKID=2", "PALS_NODEID=5", "PMI_RANK=10", "PMI_SIZE=12",
			 "PBS_JOBID=55.pbs01", NULL };
	const char *array[] = { "SLURM_PROCID=0", "SLURM_JOB_ID=123_4", "SLURM_JOBID=124", NULL };
	const char *junk[] = { "OMPI_COMM_WORLD_RANK=one", "SLURM_PROCID=-1", "PMI_RANK= 2", "FLUX_TASK_RANK=",
			 "SLURM_STEP_ID=batch", "SLURM_LOCALID=0", NULL };
	const char *prefix[] = { "SLURM_PROCIDX=3", "XSLURM_PROCID=4", NULL };

	by(none, "(null)");
	is(none, LF_RANK, -1, "(null)");
	is(none, LF_JOB_ID, -1, "(null)");

	by(slurm, "slurm");
	is(slurm, LF_RANK, 5, "SLURM_PROCID");
	is(slurm, LF_LOCAL_RANK, 1, "SLURM_LOCALID");
	is(slurm, LF_WORLD_SIZE, 8, "SLURM_NTASKS");
	is(slurm, LF_NODE_ID, 2, "SLURM_NODEID");
	is(slurm, LF_JOB_ID, 4242, "SLURM_JOB_ID");
	is(slurm, LF_STEP_ID, 3, "SLURM_STEP_ID");

	by(ompi, "openmpi");
	is(ompi, LF_RANK, 1, "OMPI_COMM_WORLD_RANK");
	is(ompi, LF_LOCAL_RANK, 1, "OMPI_COMM_WORLD_LOCAL_RANK");
	is(ompi, LF_WORLD_SIZE, 2, "OMPI_COMM_WORLD_SIZE");
	is(ompi, LF_NODE_ID, -1, "(null)");

	by(ompi_in_slurm, "openmpi");
	is(ompi_in_slurm, LF_RANK, 3, "OMPI_COMM_WORLD_RANK");
	is(ompi_in_slurm, LF_WORLD_SIZE, 4, "OMPI_COMM_WORLD_SIZE");
	is(ompi_in_slurm, LF_LOCAL_RANK, -1, "(null)"); /* not the batch step's */
	is(ompi_in_slurm, LF_NODE_ID, -1, "(null)");
	is(ompi_in_slurm, LF_JOB_ID, 77, "SLURM_JOB_ID");

	by(pmix_srun, "pmix");
	is(pmix_srun, LF_RANK, 6, "PMIX_RANK");
	is(pmix_srun, LF_LOCAL_RANK, 2, "SLURM_LOCALID");
	is(pmix_srun, LF_WORLD_SIZE, 16, "SLURM_NTASKS");
	is(pmix_srun, LF_NODE_ID, 1, "SLURM_NODEID");

	by(pmi, "pmi");
	is(pmi, LF_RANK, 7, "PMI_RANK");
	is(pmi, LF_LOCAL_RANK, 3, "MPI_LOCALRANKID");
	is(pmi, LF_WORLD_SIZE, 9, "PMI_SIZE");

	by(mv2, "mvapich2");
	is(mv2, LF_RANK, 2, "MV2_COMM_WORLD_RANK");
	is(mv2, LF_LOCAL_RANK, 0, "MV2_COMM_WORLD_LOCAL_RANK");
	is(mv2, LF_WORLD_SIZE, 3, "MV2_COMM_WORLD_SIZE");

	by(flux, "flux");
	is(flux, LF_RANK, 4, "FLUX_TASK_RANK");
	is(flux, LF_LOCAL_RANK, 0, "FLUX_TASK_LOCAL_ID");
	is(flux, LF_WORLD_SIZE, 5, "FLUX_JOB_SIZE");
	is(flux, LF_JOB_ID, 123456789, "FLUX_JOB_ID");

	by(pals, "pals");
	is(pals, LF_RANK, 10, "PALS_RANKID");
	is(pals, LF_LOCAL_RANK, 2, "PALS_LOCAL_RANKID");
	is(pals, LF_NODE_ID, 5, "PALS_NODEID");
	is(pals, LF_WORLD_SIZE, 12, "PMI_SIZE"); /* PMI agrees on rank 10 */

	/* a job id that is not a number: null, its text kept */
	{
		struct launch l;

		launch_read(flux_f58, &l);
		ok(!l.set[LF_JOB_ID] && l.job_text && !strcmp(l.job_text, "\xc6\x92" "2Xbq5hW") &&
		   !strcmp(l.source[LF_JOB_ID], "FLUX_JOB_ID"), "flux f58 job id: null, text kept");
		launch_read(array, &l);
		ok(!l.set[LF_JOB_ID] && !strcmp(l.job_text, "123_4") && !strcmp(l.source[LF_JOB_ID], "SLURM_JOB_ID"),
		   "Slurm array job 123_4: null, text kept, SLURM_JOB_ID named");
		launch_read(pals, &l);
		ok(!l.set[LF_JOB_ID] && !strcmp(l.job_text, "55.pbs01"), "PBS job id 55.pbs01: text kept");
		launch_read(slurm, &l);
		ok(l.set[LF_JOB_ID] && !strcmp(l.job_text, "4242"), "numeric job id: its text too");
	}

	/* not whole numbers: skipped, the next launcher's rank used */
	by(junk, "(null)");
	is(junk, LF_RANK, -1, "(null)");
	is(junk, LF_LOCAL_RANK, -1, "(null)"); /* no rank: no launcher's other fields */
	is(junk, LF_STEP_ID, -1, "(null)");
	by(prefix, "(null)");
	{
		const char *big[] = { "SLURM_PROCID=99999999999999999999999", "PMI_RANK=3", NULL };

		is(big, LF_RANK, 3, "PMI_RANK");
	}
}

static void expands(const char *tmpl, const struct template_values *v, int want, const char *want_out,
		    char want_bad)
{
	char out[64] = "", bad = '?';
	int r = template_expand(tmpl, v, out, sizeof(out), &bad);

	if (want)
		ok(r == want && bad == want_bad, "'%s': error %d, bad '%c'", tmpl, r, bad ? bad : '0');
	else
		ok(r == 0 && !strcmp(out, want_out), "'%s' -> '%s'", tmpl, out);
}

static void templates(void)
{
	struct template_values v = { .pid = 4242, .host = "node17", .rank = "3", .job = "123_4" };
	struct template_values none = { .pid = 1, .host = "h" };
	struct template_values slash = { .pid = 1, .host = "a/b", .job = "x/y" };
	char small[8], bad = '?';

	expands("rank%r.json", &v, 0, "rank3.json", 0);
	expands("%h-%p-%j-%r", &v, 0, "node17-4242-123_4-3", 0);
	expands("100%%.txt", &v, 0, "100%.txt", 0);
	expands("%%p", &v, 0, "%p", 0);
	expands("plain", &v, 0, "plain", 0);
	expands("", &v, 0, "", 0);
	expands("rank%r-%j", &none, 0, "ranknone-none", 0);
	expands("a%x", &v, -EINVAL, NULL, 'x');
	expands("a%", &v, -EINVAL, NULL, '\0');
	expands("%P", &v, -EINVAL, NULL, 'P');
	expands("%h.log", &slash, -EXDEV, NULL, 'h');
	expands("%j.log", &slash, -EXDEV, NULL, 'j');
	expands("dir/%p", &slash, 0, "dir/1", 0);
	ok(template_expand("%h%h", &v, small, sizeof(small), &bad) == -ENAMETOOLONG, "too long: -ENAMETOOLONG");
	ok(template_expand("1234567", &v, small, sizeof(small), &bad) == 0 && !strcmp(small, "1234567"),
	   "exactly fits");
	ok(template_expand("12345678", &v, small, sizeof(small), &bad) == -ENAMETOOLONG, "one too many");
}

int main(void)
{
	launchers();
	templates();
	return tap_done();
}
