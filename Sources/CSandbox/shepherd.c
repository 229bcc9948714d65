#define _GNU_SOURCE
#include "CSandbox.h"
#include "fork.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

// The shepherd is a fork of Medic, a process with threads, that never execs: everything it does,
// for its whole life, is a system call or plain C on its own stack and static storage (no
// malloc, no stdio, no opendir), so no lock another of Medic's threads held at the fork matters.

// The most processes one look through /proc takes in (more are not seen).
#define MAX_PROCESSES 32768
// The most escapees named by pid; more are ended all the same.
#define MAX_NAMED 4096

struct process {
    pid_t pid;
    pid_t parent;
    pid_t group;
    char state;
    char name[16];
};

static struct process processes[MAX_PROCESSES];
// Indexes into `processes` of the shepherd's descendants.
static int tree[MAX_PROCESSES];
static pid_t named[MAX_NAMED];

static void send_message(int fd, int32_t kind, int32_t value, int32_t detail, const char *name) {
    medic_shepherd_message message = {.kind = kind, .value = value, .detail = detail};
    for (int i = 0; name && name[i] && i < (int)sizeof message.name - 1; i++) message.name[i] = name[i];
    ssize_t written;
    do {
        written = write(fd, &message, sizeof message);
    } while (written < 0 && errno == EINTR);
}

static long now_milliseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

// Reads a decimal number after spaces; returns the position after it, or NULL.
static const char *read_number(const char *text, const char *end, long *value) {
    while (text < end && *text == ' ') text++;
    int negative = text < end && *text == '-';
    if (negative) text++;
    if (text >= end || *text < '0' || *text > '9') return NULL;
    long number = 0;
    while (text < end && *text >= '0' && *text <= '9') number = number * 10 + (*text++ - '0');
    *value = negative ? -number : number;
    return text;
}

// /proc/PID/stat: pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
static int read_process(pid_t pid, struct process *process) {
    char path[32] = "/proc/";
    char digits[12];
    int length = 0;
    for (pid_t rest = pid; rest > 0 && length < (int)sizeof digits; rest /= 10) digits[length++] = (char)('0' + rest % 10);
    int at = 6;
    while (length > 0) path[at++] = digits[--length];
    const char *tail = "/stat";
    for (int i = 0; tail[i]; i++) path[at++] = tail[i];
    path[at] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char stat[512];
    ssize_t count;
    do {
        count = read(fd, stat, sizeof stat);
    } while (count < 0 && errno == EINTR);
    close(fd);
    if (count <= 0) return 0;
    const char *end = stat + count, *open_paren = NULL, *close_paren = NULL;
    for (const char *c = stat; c < end; c++) {
        if (*c == '(' && !open_paren) open_paren = c;
        if (*c == ')') close_paren = c;
    }
    if (!open_paren || !close_paren || close_paren + 2 >= end) return 0;
    int n = 0;
    for (const char *c = open_paren + 1; c < close_paren && n < (int)sizeof process->name - 1; c++) process->name[n++] = *c;
    process->name[n] = 0;
    process->state = close_paren[2];
    long parent, group;
    const char *next = read_number(close_paren + 3, end, &parent);
    if (!next || !read_number(next, end, &group)) return 0;
    process->pid = pid;
    process->parent = (pid_t)parent;
    process->group = (pid_t)group;
    return 1;
}

struct directory_entry {
    uint64_t inode;
    int64_t offset;
    unsigned short length;
    unsigned char type;
    char name[];
};

// Reads every process in /proc and finds the shepherd's descendants (following PPid down from
// `self`) into `tree`; returns how many.
static int find_tree(pid_t self) {
    int count = 0;
    int directory = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) return 0;
    char buffer[16384] __attribute__((aligned(8)));
    for (;;) {
        long filled = syscall(SYS_getdents64, directory, buffer, sizeof buffer);
        if (filled <= 0) break;
        for (long offset = 0; offset < filled;) {
            struct directory_entry *entry = (struct directory_entry *)(buffer + offset);
            offset += entry->length;
            long pid = 0;
            const char *c = entry->name;
            while (*c >= '0' && *c <= '9') pid = pid * 10 + (*c++ - '0');
            if (*c || pid <= 0 || count >= MAX_PROCESSES) continue;
            if (read_process((pid_t)pid, &processes[count])) count++;
        }
    }
    close(directory);
    int found = 0, grew = 1;
    static char in_tree[MAX_PROCESSES];
    for (int i = 0; i < count; i++) in_tree[i] = 0;
    while (grew) {
        grew = 0;
        for (int i = 0; i < count; i++) {
            if (in_tree[i]) continue;
            int below = processes[i].parent == self;
            for (int j = 0; j < found && !below; j++) below = processes[tree[j]].pid == processes[i].parent;
            if (below) {
                in_tree[i] = 1;
                tree[found++] = i;
                grew = 1;
            }
        }
    }
    return found;
}

static int is_zombie(const struct process *process) { return process->state == 'Z' || process->state == 'X'; }

static void reap_exited(void) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

// Whether `parent` is the shepherd or one of the `found` processes of `tree`.
static int in_tree_or_self(pid_t parent, pid_t self, int found) {
    if (parent == self) return 1;
    for (int i = 0; i < found; i++)
        if (processes[tree[i]].pid == parent) return 1;
    return 0;
}

// Sends SIGKILL to `process`, one of the `found` descendants just read, if it is still one: its
// pid is pinned by a pidfd first, then its parent read again, so that a pid freed and taken by
// another process since /proc was read (its parent, also ours, may have reaped it) is never
// signalled. Without pidfds (Linux before 5.3), by pid.
static void end_process(const struct process *process, pid_t self, int found) {
    int pidfd = (int)syscall(SYS_pidfd_open, process->pid, 0);
    if (pidfd < 0) {
        if (errno == ENOSYS) kill(process->pid, SIGKILL);
        return;
    }
    struct process now;
    if (read_process(process->pid, &now) && in_tree_or_self(now.parent, self, found)) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    close(pidfd);
}

// A check's: ends every descendant with SIGKILL, naming those outside `group`, and reaps them as
// they become the shepherd's, again and again until the shepherd has no child left, or two
// seconds have passed (a process stuck in the kernel cannot die sooner). Returns how many still
// lived then (0 when all ended).
static int end_tree(pid_t self, pid_t group, int reports) {
    int named_count = 0;
    long deadline = now_milliseconds() + 2000;
    for (;;) {
        int found = find_tree(self), alive = 0;
        for (int i = 0; i < found; i++) {
            const struct process *process = &processes[tree[i]];
            if (is_zombie(process)) continue;
            alive++;
            end_process(process, self, found);
            if (process->group == group) continue;
            int seen = 0;
            for (int j = 0; j < named_count && !seen; j++) seen = named[j] == process->pid;
            if (seen || named_count >= MAX_NAMED) continue;
            named[named_count++] = process->pid;
            send_message(reports, MEDIC_SHEPHERD_ESCAPEE, process->pid, 0, process->name);
        }
        reap_exited();
        if (alive == 0 && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) return 0;
        if (now_milliseconds() >= deadline) {
            // What still lives once the last SIGKILL had its moment.
            struct timespec settle = {0, 20000000};
            nanosleep(&settle, NULL);
            reap_exited();
            int left = 0, last = find_tree(self);
            for (int i = 0; i < last; i++) left += !is_zombie(&processes[tree[i]]);
            return left;
        }
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
}

// An action's: names the living descendants outside `group`, which stay running.
static void name_tree(pid_t self, pid_t group, int reports) {
    reap_exited();
    int found = find_tree(self);
    for (int i = 0; i < found; i++) {
        const struct process *process = &processes[tree[i]];
        if (!is_zombie(process) && process->group != group) send_message(reports, MEDIC_SHEPHERD_ESCAPEE, process->pid, 0, process->name);
    }
}

static void close_from(int lowest, int highest) {
    if (lowest > highest) return;
    if (syscall(SYS_close_range, lowest, highest, 0) == 0) return;
    struct rlimit limit;
    int last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (int)limit.rlim_cur - 1 : 65535;
    for (int fd = lowest; fd <= highest && fd <= last; fd++) close(fd);
}

// Closes every descriptor from 3 up but the three kept, so that the shepherd holds no pipe of
// another step's (a copy would keep it open while this step runs).
static void keep_only(int a, int b, int c) {
    int kept[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (kept[j] < kept[i]) {
                int swap = kept[i];
                kept[i] = kept[j];
                kept[j] = swap;
            }
    int from = 3;
    for (int i = 0; i < 3; i++) {
        if (kept[i] >= from) close_from(from, kept[i] - 1);
        if (kept[i] + 1 > from) from = kept[i] + 1;
    }
    close_from(from, ~0U >> 1);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3 && devnull >= 0; fd++)
        if (fd != a && fd != b && fd != c && fd != devnull) dup2(devnull, fd);
    if (devnull > 2) close(devnull);
}

static int raw_status(const siginfo_t *info) {
    switch (info->si_code) {
    case CLD_EXITED: return (info->si_status & 0xff) << 8;
    case CLD_DUMPED: return (info->si_status & 0x7f) | 0x80;
    default: return info->si_status & 0x7f;
    }
}

static void shepherd(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                     int end_escapees, int reports, int control) {
    // Every signal is blocked (since before the fork). Medic's handlers must never run here:
    // every signal back to its default, but SIGPIPE, ignored so that a gone Medic is EPIPE.
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        struct sigaction action = {0};
        action.sa_handler = signal == SIGPIPE ? SIG_IGN : SIG_DFL;
        sigaction(signal, &action, NULL);
    }
    // A group of its own: the program's group signals and the terminal's Ctrl-C never reach it.
    setpgid(0, 0);
    prctl(PR_SET_NAME, "medic-shepherd", 0, 0, 0);
    keep_only(output, reports, control);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        send_message(reports, MEDIC_SHEPHERD_FAILED, STAGE_SHEPHERD, errno, NULL);
        _exit(127);
    }
    pid_t program = 0;
    int stage = 0;
    int code = medic_sandbox_fork(file, argv, envp, output, sandbox, reports, &program, &stage);
    close(output);
    if (code != 0) {
        send_message(reports, MEDIC_SHEPHERD_FAILED, stage, code, NULL);
        _exit(0);
    }
    send_message(reports, MEDIC_SHEPHERD_STARTED, program, 0, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    // Orphans adopted while the program runs are reaped as they end; the program is waited for
    // without being reaped, so that its pid names its group alone while Medic may signal it.
    siginfo_t info;
    for (;;) {
        info.si_pid = 0;
        if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0) {
            if (errno == EINTR) continue;
            send_message(reports, MEDIC_SHEPHERD_FAILED, STAGE_SHEPHERD, errno, NULL);
            _exit(127);
        }
        if (info.si_pid == program) break;
        while (waitpid(info.si_pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    send_message(reports, MEDIC_SHEPHERD_EXITED, raw_status(&info), 0, NULL);
    char done;
    while (read(control, &done, 1) < 0 && errno == EINTR) {}
    while (waitpid(program, NULL, 0) < 0 && errno == EINTR) {}
    if (end_escapees) {
        int survived = end_tree(getpid(), program, reports);
        if (survived > 0) send_message(reports, MEDIC_SHEPHERD_SURVIVED, survived, 0, NULL);
    } else {
        name_tree(getpid(), program, reports);
    }
    send_message(reports, MEDIC_SHEPHERD_DONE, 0, 0, NULL);
    _exit(0);
}

int medic_shepherd_spawn(const char *file, char *const argv[], char *const envp[], int output, const medic_sandbox *sandbox,
                         int end_escapees, medic_shepherd *started, int *stage) {
    int reports[2], control[2];
    if (pipe2(reports, O_CLOEXEC) != 0) {
        *stage = STAGE_SHEPHERD;
        return errno;
    }
    if (pipe2(control, O_CLOEXEC) != 0) {
        int error = errno;
        close(reports[0]);
        close(reports[1]);
        *stage = STAGE_SHEPHERD;
        return error;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t forked = fork();
    if (forked == 0) {
        close(reports[0]);
        close(control[1]);
        shepherd(file, argv, envp, output, sandbox, end_escapees, reports[1], control[0]);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(reports[1]);
    close(control[0]);
    if (forked < 0) {
        close(reports[0]);
        close(control[1]);
        *stage = STAGE_FORK;
        return fork_error;
    }
    // The program's pid as soon as it is forked, then whether it exec'd: a shepherd that dies
    // in between (a program can kill its parent at once) still leaves Medic the program.
    medic_shepherd_message message;
    pid_t program = 0;
    ssize_t count;
    for (;;) {
        do {
            count = read(reports[0], &message, sizeof message);
        } while (count < 0 && errno == EINTR);
        if (count == (ssize_t)sizeof message && message.kind == MEDIC_SHEPHERD_FORKED) {
            program = message.value;
            continue;
        }
        break;
    }
    int exec_d = count == (ssize_t)sizeof message && message.kind == MEDIC_SHEPHERD_STARTED;
    int failed = count == (ssize_t)sizeof message && message.kind == MEDIC_SHEPHERD_FAILED;
    if (!exec_d && (failed || program == 0)) {
        close(reports[0]);
        close(control[1]);
        while (waitpid(forked, NULL, 0) < 0 && errno == EINTR) {}
        *stage = failed ? message.value : STAGE_SHEPHERD;
        return failed && message.detail ? message.detail : EIO;
    }
    started->shepherd = forked;
    started->program = program;
    started->reports = reports[0];
    started->control = control[1];
    return 0;
}
