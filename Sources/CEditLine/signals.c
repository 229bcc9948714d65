#define _GNU_SOURCE
#include "CEditLine.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static atomic_ulong seen = 0;

static void on_signal(int signo) {
    int saved = errno;
    atomic_fetch_or(&seen, 1UL << signo);
    unsigned char byte = (unsigned char)signo;
    if (pipe_fds[1] >= 0) {
        ssize_t ignored = write(pipe_fds[1], &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int medic_signals_install(void) {
    if (pipe_fds[0] >= 0) return pipe_fds[0];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a blocking read returns EINTR */
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* A parent may have started us with these blocked (some process launchers do); Ctrl-C must
       still reach us. */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    sigprocmask(SIG_UNBLOCK, &wanted, NULL);
    return pipe_fds[0];
}

int medic_signals_fd(void) { return pipe_fds[0]; }

unsigned long medic_signals_take(void) {
    unsigned char buffer[64];
    if (pipe_fds[0] >= 0) {
        while (read(pipe_fds[0], buffer, sizeof buffer) > 0) {}
    }
    return atomic_exchange(&seen, 0);
}

unsigned long medic_signals_peek(void) { return atomic_load(&seen); }
