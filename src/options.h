/* Command line and --object parsing into regions (struct region). */
#ifndef NUMAMEM_OPTIONS_H
#define NUMAMEM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "region.h"

/* QEMU's thread-context object: where prealloc threads may run. */
struct thread_context {
	char *id;
	bool has_cpus, has_nodes;
	cpu_set_t cpus;
	struct nodemask nodes;
};

struct numamem {
	struct region *regions;
	size_t nregions;
	struct thread_context *contexts;
	size_t ncontexts;
	bool json, verify, quiet, force_fork;
	bool map, colour;      /* --map; colour when stdout is a terminal */
	bool show_nodes;
	bool hold;
	double hold_seconds;   /* 0: until SIGINT or SIGTERM */
	char *ready_file;
	int ready_fd;          /* -1: none */
	int fd_number;         /* --fd=N, -1: none */
	enum tristate thp;
	char **command;        /* NULL-terminated, or NULL */
};

/* Parse argv into *nm.  Returns -1 to go on, or an exit status to exit
 * with (0 after --help / --version). */
int options_parse(int argc, char **argv, struct numamem *nm);
void options_free(struct numamem *nm);

/* One property of a region, by QEMU's name ("size", "host-nodes", ...).
 * Pure apart from reading the host's node set for "all".  On failure
 * returns an exit status after printing one line naming the value. */
int region_set(struct region *b, const char *name, const char *value, bool from_object);
/* "memory-backend-memfd,id=m0,size=1G,..." or "thread-context,..." */
int object_parse(struct numamem *nm, const char *spec);

#endif
