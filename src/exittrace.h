/* Every descendant of COMMAND caught at its exit, before its memory is
 * gone: COMMAND is PTRACE_SEIZEd before it execs, with
 * PTRACE_O_TRACEEXIT and the fork, vfork and clone options, so that each
 * process and thread it makes is traced from its first instruction and
 * stops once more at the start of its exit, its mm still whole.  Nothing
 * else is asked of the kernel: no syscall stops; signals are delivered
 * as they came, group-stops kept (PTRACE_LISTEN), exec followed (a
 * seized tracee gets no extra SIGTRAP). */
#ifndef NUMAMEM_EXITTRACE_H
#define NUMAMEM_EXITTRACE_H

#include <sys/types.h>

enum trace_event {
	TRACE_OTHER,     /* a stop handled and resumed, or not a tracee's */
	TRACE_EXIT_STOP, /* stopped at its exit: read it, then exittrace_resume() */
	TRACE_GONE,      /* exited or killed: waited for */
};

/* Seize pid (stopped or not yet execed): 0, or -1 with errno. */
int exittrace_seize(pid_t pid);
/* What waitpid(-1, __WALL) said of tid; every stop but the exit stop is
 * resumed here, with the signal it carried. */
enum trace_event exittrace_handle(pid_t tid, int wstatus);
/* Resume tid from its exit stop. */
void exittrace_resume(pid_t tid);

#endif
