#ifndef MEDIC_CSANDBOX_H
#define MEDIC_CSANDBOX_H

#include <stdint.h>
#include <sys/types.h>

/// How a child is confined before it runs its program.
typedef struct {
    /// Non-zero: prctl(PR_SET_NO_NEW_PRIVS), so no setuid or file capability raises its privileges.
    int no_new_privs;
    /// Non-NULL: a private mount namespace in which every mount is read-only and a fresh tmpfs
    /// is mounted on this existing, empty directory, the only place the program can write files.
    const char *scratch;
} medic_sandbox;

/// A step's program started under its shepherd.
typedef struct {
    /// The shepherd: Medic's child, in a process group of its own, a child subreaper for the
    /// step's tree only.
    pid_t shepherd;
    /// The step's program, the shepherd's child: its pid is also its process group's id, and
    /// stays so (unreaped) until Medic writes to `control`.
    pid_t program;
    /// The read end of the shepherd's messages (`medic_shepherd_message`), close-on-exec.
    int reports;
    /// The write end on which one byte (or its closing) tells the shepherd that Medic is done
    /// signalling the program's group, close-on-exec.
    int control;
} medic_shepherd;

/// What the shepherd says, one message per write (atomic on a pipe).
typedef struct {
    int32_t kind;
    /// MEDIC_SHEPHERD_FORKED (before it execs) and _STARTED: the program's pid; _FAILED: the stage; _EXITED: the program's
    /// wait status; _ESCAPEE: its pid; _SURVIVED: how many of the step's processes still lived when it gave up ending them.
    int32_t value;
    /// MEDIC_SHEPHERD_FAILED: the errno.
    int32_t detail;
    /// MEDIC_SHEPHERD_ESCAPEE: its name (`comm`), NUL-terminated.
    char name[16];
} medic_shepherd_message;

#define MEDIC_SHEPHERD_STARTED 1
#define MEDIC_SHEPHERD_FAILED 2
#define MEDIC_SHEPHERD_EXITED 3
#define MEDIC_SHEPHERD_ESCAPEE 4
#define MEDIC_SHEPHERD_DONE 5
#define MEDIC_SHEPHERD_FORKED 6
#define MEDIC_SHEPHERD_SURVIVED 7

/// Starts `file` (looked up on PATH when it has no slash) with `argv` and `envp` under a
/// shepherd: a fork of Medic that makes itself a child subreaper and starts the program in a
/// process group of its own, stdin on /dev/null, stdout and stderr on `output`, every other
/// descriptor closed, SIGINT, SIGTERM, SIGPIPE, SIGHUP and SIGQUIT at their default action and no
/// signal blocked, confined by `sandbox`.
///
/// The shepherd then reports the program's exit (MEDIC_SHEPHERD_EXITED) without reaping it and
/// waits for Medic's byte on `control`; then it looks for what is left of the program's tree (its
/// own descendants, found by PPid in /proc, whatever their environment): with `end_escapees`
/// (a check) it ends them all with SIGKILL by pid and reaps them, else (an action) it leaves them
/// running; either way it names those outside the program's group (MEDIC_SHEPHERD_ESCAPEE), says
/// how many of a check's still lived after two seconds of trying (MEDIC_SHEPHERD_SURVIVED, only
/// when some did), says MEDIC_SHEPHERD_DONE and exits, so what still runs becomes Medic's.
///
/// Returns 0 and fills `*started` once the program has exec'd (or once it was forked, when the
/// shepherd died right after: then `reports` is at its end, and the program is Medic's child), or
/// returns the errno of the step that failed and sets `*stage` to it (see
/// medic_sandbox_stage_name); the shepherd is reaped in that case.
int medic_shepherd_spawn(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                         int end_escapees, medic_shepherd *started, int *stage);

/// What the step numbered `stage` did, for messages ("exec", "unshare the mount namespace", …).
const char *medic_sandbox_stage_name(int stage);

/// Whether this kernel and these privileges allow the mount confinement: tries it in a
/// throwaway child with `scratch`. Returns 0, or the errno of the step that failed (`*stage` set).
int medic_sandbox_probe(const char *scratch, int *stage);

/// Makes this process a child subreaper (prctl(PR_SET_CHILD_SUBREAPER)): a descendant orphaned
/// by its parent's exit (what an action's shepherd leaves running when it exits) becomes this
/// process's child instead of init's, so it can be reaped. Returns 0 or the errno.
int medic_become_child_subreaper(void);

/// Asks the kernel to SIGKILL this process when its parent dies (prctl(PR_SET_PDEATHSIG)), and
/// exits at once when the parent, `parent`, is already gone. Returns 0 or the errno.
int medic_die_with_parent(pid_t parent);

/// Keeps this process's memory to itself: no core file (the soft RLIMIT_CORE is set to 0; the
/// hard limit is left, so a child may raise its own) and not dumpable (prctl(PR_SET_DUMPABLE,
/// 0): its /proc files such as environ and mem belong to root, and a process of the same user
/// cannot ptrace it). A program it executes is dumpable again; the core limit is inherited.
/// Returns 0 or the errno of the first call that failed.
int medic_forbid_core_dumps(void);

#endif
