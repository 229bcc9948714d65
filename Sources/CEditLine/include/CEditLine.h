#ifndef MEDIC_CEDITLINE_H
#define MEDIC_CEDITLINE_H

#include <termios.h>

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

/* Line editing: libedit's native API behind non-variadic wrappers. One editor per process. */

/* Opens the editor on standard input/output; returns 0 on success. */
int medic_editor_open(const char *program);
/* Closes it and restores the terminal. */
void medic_editor_close(void);
/* The whole lines tab completes at the next prompt (copied); tab inserts exactly what they share. */
void medic_editor_set_completions(const char *const *words, int count);
/* Outcomes of medic_editor_read. */
enum { MEDIC_READ_LINE = 0, MEDIC_READ_INTERRUPTED = 1, MEDIC_READ_EOF = 2, MEDIC_READ_HANGUP = 3, MEDIC_READ_ERROR = 4 };
/* Reads a line after `prompt` (which may hold colour sequences between \1 markers). Returns the
   line without its newline (a carriage return typed into it stays), valid until the next call,
   or NULL with *status saying why. With `decision`, the line is read with libedit's own emacs
   bindings only: no ~/.editrc bindings or macros (Medic's own history stays). */
const char *medic_editor_read(const char *prompt, int decision, int *status);
/* Adds a line to the in-memory history. */
void medic_editor_history_add(const char *line);

/* Discards anything typed but not yet read on `fd` (a terminal), a line not yet ended included;
   returns how many bytes were discarded. */
int medic_terminal_discard_input(int fd);
/* The terminal's state before a secret is read, to put back after it. */
typedef struct {
    struct termios saved;
    int is_terminal;
} medic_secret_mode;
/* Turns echo off on the terminal `fd` for a secret, discarding what was typed before, and keeps
   the state to put back in `mode`. Called before the prompt is written, so that nothing typed
   once the prompt is shown is discarded. */
void medic_terminal_secret_begin(int fd, medic_secret_mode *mode);
/* Reads a line from `fd` into `buffer` (NUL-terminated, no newline), echo being off since
   medic_terminal_secret_begin. Returns its length, or -1 at end of input, -2 when interrupted
   (Ctrl-C, SIGHUP, SIGTERM). */
long medic_terminal_read_secret(int fd, char *buffer, unsigned long capacity);
/* Puts back the state `mode` kept, discarding what was typed after the secret's line. */
void medic_terminal_secret_end(int fd, const medic_secret_mode *mode);
/* Rows and columns of the terminal on `fd`; 0 when unknown. */
void medic_terminal_size(int fd, int *rows, int *columns);

#endif
