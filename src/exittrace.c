/* Exit stops; see exittrace.h.
 *
 * The stops a seized tracee reports (ptrace(2), "Stopped states"):
 *   event stops, status>>8 == SIGTRAP | PTRACE_EVENT_x << 8: fork, vfork,
 *   clone (the new task is traced already) and exit; resumed with 0;
 *   PTRACE_EVENT_STOP with SIGTRAP: a new task's first stop; resumed;
 *   PTRACE_EVENT_STOP with a stop signal: a group-stop, kept with
 *   PTRACE_LISTEN so that the process stays stopped as without numamem
 *   (SIGCONT ends it as always);
 *   a signal-delivery stop: the signal is injected back, as it came. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "exittrace.h"

#define OPTIONS (PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)

int exittrace_seize(pid_t pid)
{
	return ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)OPTIONS) < 0 ? -1 : 0;
}

static bool stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

enum trace_event exittrace_handle(pid_t tid, int wstatus)
{
	int sig, event;

	if (WIFEXITED(wstatus) || WIFSIGNALED(wstatus))
		return TRACE_GONE;
	if (!WIFSTOPPED(wstatus))
		return TRACE_OTHER;
	sig = WSTOPSIG(wstatus);
	event = (unsigned)wstatus >> 16;
	if (event == PTRACE_EVENT_EXIT)
		return TRACE_EXIT_STOP;
	if (event == PTRACE_EVENT_STOP && stop_signal(sig))
		ptrace(PTRACE_LISTEN, tid, 0, 0);
	else if (event) /* fork, vfork, clone, a new task's first stop */
		ptrace(PTRACE_CONT, tid, 0, 0);
	else /* a signal on its way: delivered as it came */
		ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig);
	return TRACE_OTHER;
}

void exittrace_resume(pid_t tid)
{
	ptrace(PTRACE_CONT, tid, 0, 0);
}
