/* JSON output helpers; see json.h. */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "json.h"
#include "parse.h"

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_nodes(FILE *out, const struct nodemask *m)
{
	bool first = true;

	fputc('[', out);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(m, n)) {
			fprintf(out, "%s%u", first ? "" : ",", n);
			first = false;
		}
	fputc(']', out);
}

void json_cpus(FILE *out, const cpu_set_t *set)
{
	bool first = true;

	fputc('[', out);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set)) {
			fprintf(out, "%s%d", first ? "" : ",", c);
			first = false;
		}
	fputc(']', out);
}

/* Who printed this, for joining reports across a cluster: pid,
 * hostname, and the launcher's rank variables that are set (Slurm, Open
 * MPI, PMI), as numbers. */
void json_origin(FILE *out)
{
	static const char *const ranks[] = {
		"SLURM_PROCID", "SLURM_LOCALID", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "PMI_RANK",
	};
	char host[256] = "";
	bool first = true;

	gethostname(host, sizeof(host) - 1);
	fprintf(out, ",\"pid\":%ld,\"hostname\":", (long)getpid());
	json_string(out, host);
	fprintf(out, ",\"rank\":{");
	for (size_t i = 0; i < ARRAY_SIZE(ranks); i++) {
		const char *v = getenv(ranks[i]);
		unsigned long n;

		if (!v || parse_uint(v, 0, ULONG_MAX, &n) < 0)
			continue;
		fprintf(out, "%s\"%s\":%lu", first ? "" : ",", ranks[i], n);
		first = false;
	}
	fputc('}', out);
}
