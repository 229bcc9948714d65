/* Preloaded into the program a benchmark measures (LD_PRELOAD): at exit, writes the process's own
   peak resident memory (getrusage RUSAGE_SELF, in KiB) to the file named by RSS_AT_EXIT_FILE.
   wait4's ru_maxrss cannot tell it: it is the largest of the process and every child it reaped,
   so a check that starts a 30 MiB Python (supervisorctl) would be counted as Medic's.
   Only the process whose pid is RSS_AT_EXIT_PID writes; the variable LD_PRELOAD is removed at
   start so that the programs it runs are not touched at all. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static char path[4096];

__attribute__((constructor)) static void start(void) {
    const char *file = getenv("RSS_AT_EXIT_FILE");
    const char *pid = getenv("RSS_AT_EXIT_PID");
    if (file != NULL && pid != NULL && atol(pid) == (long)getpid()) snprintf(path, sizeof path, "%s", file);
    unsetenv("LD_PRELOAD");
    unsetenv("RSS_AT_EXIT_FILE");
    unsetenv("RSS_AT_EXIT_PID");
}

__attribute__((destructor)) static void report(void) {
    if (path[0] == '\0') return;
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return;
    FILE *out = fopen(path, "w");
    if (out == NULL) return;
    fprintf(out, "%ld\n", usage.ru_maxrss);
    fclose(out);
}
