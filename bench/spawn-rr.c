/* spawn-rr: start-up time of commands, alternated.
 *
 *   spawn-rr RUNS WARMUP 'cmd1 args' 'cmd2 args' ...
 *
 * Runs WARMUP untimed rounds, then RUNS rounds; each round runs every
 * command once (posix_spawnp, stdout/stderr to /dev/null, wait), starting
 * from a different command each round so none always goes first. Each
 * command is split on spaces (no shell). Prints, per command:
 *   median_ms=X p10_ms=Y p90_ms=Z fails=N  cmd
 * Build: gcc -O2 -o spawn-rr spawn-rr.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: spawn-rr RUNS WARMUP CMD...\n");
		return 1;
	}
	int runs = atoi(argv[1]), warm = atoi(argv[2]), n = argc - 3;
	char ***av = calloc(n, sizeof(*av));
	for (int i = 0; i < n; i++) {
		char *s = strdup(argv[3 + i]);
		av[i] = calloc(strlen(s) + 2, sizeof(char *));
		int k = 0;
		for (char *t = strtok(s, " "); t; t = strtok(NULL, " "))
			av[i][k++] = t;
	}
	double *t = calloc((size_t)n * runs, sizeof(double));
	int *fails = calloc(n, sizeof(int));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (int r = -warm; r < runs; r++) {
		for (int j = 0; j < n; j++) {
			int i = ((r < 0 ? -r : r) + j) % n;
			pid_t pid;
			int st;
			double t0 = now_ms();
			if (posix_spawnp(&pid, av[i][0], &fa, NULL, av[i], environ)) {
				perror(av[i][0]);
				return 1;
			}
			waitpid(pid, &st, 0);
			double dt = now_ms() - t0;
			if (r >= 0) {
				t[(size_t)i * runs + r] = dt;
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					fails[i]++;
			}
		}
	}
	for (int i = 0; i < n; i++) {
		double *x = t + (size_t)i * runs;
		qsort(x, runs, sizeof(double), cmp);
		printf("median_ms=%.3f p10_ms=%.3f p90_ms=%.3f fails=%d  %s\n",
		       x[runs / 2], x[runs / 10], x[runs * 9 / 10], fails[i], argv[3 + i]);
	}
	return 0;
}
