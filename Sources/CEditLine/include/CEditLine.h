#ifndef MEDIC_CEDITLINE_H
#define MEDIC_CEDITLINE_H

/* Signals: a self-pipe that SIGINT, SIGTERM and SIGHUP write their number to, so the REPL and
   the step runner can wait on it with poll() next to their own descriptors. */

/* Installs the handlers (without SA_RESTART) and creates the pipe; returns its read end, or -1. */
int medic_signals_install(void);
/* The read end of the pipe, or -1 before install. */
int medic_signals_fd(void);
/* Reads and discards every byte in the pipe; returns the signals seen since the last call as a
   bit mask (1 << signo), clearing it. */
unsigned long medic_signals_take(void);
/* The signals seen since the last take, without clearing. */
unsigned long medic_signals_peek(void);

#endif
