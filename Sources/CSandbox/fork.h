#ifndef MEDIC_CSANDBOX_FORK_H
#define MEDIC_CSANDBOX_FORK_H

#include "CSandbox.h"

// The stages of starting a step's program, as medic_sandbox_stage_name names them.
enum {
    STAGE_STDIO = 1,
    STAGE_NO_NEW_PRIVS,
    STAGE_UNSHARE,
    STAGE_PROPAGATION,
    STAGE_READ_ONLY,
    STAGE_SCRATCH,
    STAGE_EXEC,
    STAGE_FORK,
    STAGE_SHEPHERD,
};

// Forks and execs `file` in a process group of its own, stdin on /dev/null, stdout and stderr on
// `output`, every other descriptor closed, the default signals reset and none blocked, confined
// by `sandbox`; with `announce` >= 0, the child writes its pid there (MEDIC_SHEPHERD_FORKED) before
// it execs; waits until it has exec'd. Returns 0 and sets `*pid`, or the errno of the stage that
// failed (`*stage`), the child reaped. Async-signal-safe but for its own child's exec.
int medic_sandbox_fork(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                       int announce, pid_t *pid, int *stage);

#endif
