#ifndef MEDIC_CSANDBOX_H
#define MEDIC_CSANDBOX_H

#include <sys/types.h>

/// How a child is confined before it runs its program.
typedef struct {
    /// Non-zero: prctl(PR_SET_NO_NEW_PRIVS), so no setuid or file capability raises its privileges.
    int no_new_privs;
    /// Non-NULL: a private mount namespace in which every mount is read-only and a fresh tmpfs
    /// is mounted on this existing, empty directory, the only place the program can write files.
    const char *scratch;
} medic_sandbox;

/// Starts `file` (looked up on PATH when it has no slash) with `argv` and `envp` in a process
/// group of its own, stdin on /dev/null, stdout and stderr on `output`, every other descriptor
/// closed, SIGINT, SIGTERM, SIGPIPE, SIGHUP and SIGQUIT at their default action and no signal
/// blocked, confined by `sandbox`.
///
/// Returns 0 and sets `*pid`, or returns the errno of the step that failed and sets `*stage` to
/// it (see medic_sandbox_stage_name); the child is reaped in that case.
int medic_sandbox_spawn(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                        pid_t *pid, int *stage);

/// What the step numbered `stage` did, for messages ("exec", "unshare the mount namespace", …).
const char *medic_sandbox_stage_name(int stage);

/// Whether this kernel and these privileges allow the mount confinement: tries it in a
/// throwaway child with `scratch`. Returns 0, or the errno of the step that failed (`*stage` set).
int medic_sandbox_probe(const char *scratch, int *stage);

/// Makes this process a child subreaper (prctl(PR_SET_CHILD_SUBREAPER)): a descendant orphaned
/// by its parent's exit, such as a `setsid` child of a step's shell, becomes this process's
/// child instead of init's, so it can be found, ended and reaped. Returns 0 or the errno.
int medic_become_child_subreaper(void);

/// Asks the kernel to SIGKILL this process when its parent dies (prctl(PR_SET_PDEATHSIG)), and
/// exits at once when the parent, `parent`, is already gone. Returns 0 or the errno.
int medic_die_with_parent(pid_t parent);

#endif
