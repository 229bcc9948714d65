#define _GNU_SOURCE
#include "CSandbox.h"
#include "fork.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// From <linux/mount.h>, spelled out so older headers build.
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct medic_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};


const char *medic_sandbox_stage_name(int stage) {
    switch (stage) {
    case STAGE_STDIO: return "set up the standard streams";
    case STAGE_NO_NEW_PRIVS: return "set no_new_privs";
    case STAGE_UNSHARE: return "unshare the mount namespace";
    case STAGE_PROPAGATION: return "make the mounts slaves of the host's";
    case STAGE_READ_ONLY: return "make every mount read-only";
    case STAGE_SCRATCH: return "mount the scratch tmpfs";
    case STAGE_EXEC: return "exec";
    case STAGE_FORK: return "fork";
    case STAGE_SHEPHERD: return "start the step's shepherd";
    default: return "start";
    }
}

// Everything below runs in the forked child of a multi-threaded process: only async-signal-safe
// calls (system calls) until exec.
static void report(int fd, int stage, int code) {
    int message[2] = {stage, code};
    ssize_t ignored = write(fd, message, sizeof message);
    (void)ignored;
    _exit(127);
}

static void confine_mounts(int status, const char *scratch) {
    if (unshare(CLONE_NEWNS) != 0) report(status, STAGE_UNSHARE, errno);
    // Nothing mounted here reaches the host; the host's later mounts still show here.
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) report(status, STAGE_PROPAGATION, errno);
    struct medic_mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) != 0) report(status, STAGE_READ_ONLY, errno);
    if (mount("medic-scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=64m") != 0) report(status, STAGE_SCRATCH, errno);
}

static void child(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox, int status,
                  int announce) {
    // The child says its pid itself, before it can run anything of the program's: a program that
    // kills its parent at once cannot hide from Medic.
    if (announce >= 0) {
        medic_shepherd_message forked = {.kind = MEDIC_SHEPHERD_FORKED, .value = getpid()};
        ssize_t written;
        do {
            written = write(announce, &forked, sizeof forked);
        } while (written < 0 && errno == EINTR);
    }
    if (setpgid(0, 0) != 0) report(status, STAGE_STDIO, errno);
    static const int defaults[] = {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        struct sigaction action = {0};
        action.sa_handler = SIG_DFL;
        sigaction(defaults[i], &action, NULL);
    }
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(output, 1) < 0 || dup2(output, 2) < 0) report(status, STAGE_STDIO, errno);
    // Every other descriptor closes at exec (the status pipe with them, which tells the parent
    // exec worked). Without close_range (Linux < 5.11) only close-on-exec protects.
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (sandbox->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) report(status, STAGE_NO_NEW_PRIVS, errno);
    if (sandbox->scratch) confine_mounts(status, sandbox->scratch);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvpe(file, argv, envp);
    report(status, STAGE_EXEC, errno);
}

int medic_sandbox_fork(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                       int announce, pid_t *pid, int *stage) {
    int status[2];
    if (pipe2(status, O_CLOEXEC) != 0) {
        *stage = STAGE_FORK;
        return errno;
    }
    // No handler of Medic's may run in the child before it resets them: block every signal
    // across the fork; the child unblocks them just before exec.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t forked = fork();
    if (forked == 0) {
        close(status[0]);
        child(file, argv, envp, output, sandbox, status[1], announce);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(status[1]);
    if (forked < 0) {
        close(status[0]);
        *stage = STAGE_FORK;
        return fork_error;
    }
    int message[2];
    ssize_t count;
    do {
        count = read(status[0], message, sizeof message);
    } while (count < 0 && errno == EINTR);
    close(status[0]);
    if (count == (ssize_t)sizeof message) {
        int ignored;
        while (waitpid(forked, &ignored, 0) < 0 && errno == EINTR) {}
        *stage = message[0];
        return message[1] ? message[1] : EIO;
    }
    *pid = forked;
    return 0;
}

int medic_sandbox_probe(const char *scratch, int *stage) {
    char *const argv[] = {"true", NULL};
    char *const envp[] = {NULL};
    medic_sandbox sandbox = {.no_new_privs = 1, .scratch = scratch};
    int output = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (output < 0) {
        *stage = STAGE_STDIO;
        return errno;
    }
    pid_t pid;
    // /bin/true exists on every system Medic supports; a missing one is not the sandbox's fault.
    int code = medic_sandbox_fork("/bin/true", argv, envp, output, &sandbox, -1, &pid, stage);
    close(output);
    if (code != 0) return *stage == STAGE_EXEC ? 0 : code;
    int ignored;
    while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
    return 0;
}

int medic_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}

int medic_die_with_parent(pid_t parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return errno;
    if (getppid() != parent) _exit(0);
    return 0;
}

int medic_forbid_core_dumps(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_CORE, &limit) != 0) return errno;
    limit.rlim_cur = 0;
    if (setrlimit(RLIMIT_CORE, &limit) != 0) return errno;
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : errno;
}
