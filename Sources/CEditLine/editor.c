#define _GNU_SOURCE
#include "CEditLine.h"

#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* libedit calls back into plain C functions without a context pointer we control, so the
   editor's state is file-global here, and only here. */
static EditLine *editor = NULL;
/* The editor for decisions: libedit's own emacs bindings only, never the user's ~/.editrc, and no
   history. */
static EditLine *decision_editor = NULL;
static History *history_state = NULL;
static char *prompt_text = NULL;
static char **completions = NULL;
static int completion_count = 0;
static int last_status = MEDIC_READ_LINE;
static char *line_copy = NULL;

static char *current_prompt(EditLine *el) {
    (void)el;
    return prompt_text ? prompt_text : "> ";
}

/* Reads one character, waiting on the signal pipe too, so Ctrl-C ends the read at once. */
static int read_character(EditLine *el, wchar_t *out) {
    (void)el;
    char bytes[MB_LEN_MAX];
    size_t count = 0;
    int signal_fd = medic_signals_fd();
    for (;;) {
        struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = signal_fd, .events = POLLIN}};
        int ready = poll(fds, signal_fd >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            last_status = MEDIC_READ_ERROR;
            return -1;
        }
        if (signal_fd >= 0 && (fds[1].revents & POLLIN)) {
            unsigned long seen = medic_signals_take();
            last_status = (seen & ((1UL << SIGHUP) | (1UL << SIGTERM))) ? MEDIC_READ_HANGUP : MEDIC_READ_INTERRUPTED;
            return -1;
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t got = read(STDIN_FILENO, &bytes[count], 1);
        if (got < 0) {
            if (errno == EINTR) continue;
            last_status = MEDIC_READ_ERROR;
            return -1;
        }
        if (got == 0) {
            last_status = MEDIC_READ_EOF;
            return 0;
        }
        count += 1;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t used = mbrtowc(out, bytes, count, &state);
        if (used == (size_t)-2 && count < sizeof bytes) continue; /* an incomplete sequence */
        if (used == (size_t)-1 || used == (size_t)-2) *out = 0xFFFD;
        return 1;
    }
}

static int has_prefix(const char *word, const char *start, size_t length) {
    return strlen(word) >= length && strncmp(word, start, length) == 0;
}

/* Inserts `length` bytes of `text` at the cursor. */
static void insert_bytes(EditLine *el, const char *text, size_t length) {
    char *copy = malloc(length + 1);
    if (!copy) return;
    memcpy(copy, text, length);
    copy[length] = '\0';
    el_insertstr(el, copy);
    free(copy);
}

/* Tab: the completions are whole lines (`goto check-app`); complete what is typed before the
   cursor to the longest line that every completion starting with it shares, inserting exactly
   that (a space only where the completion has one), and list the choices when nothing more can
   be inserted. */
static unsigned char complete_word(EditLine *el, int ch) {
    (void)ch;
    const LineInfo *line = el_line(el);
    const char *typed = line->buffer;
    size_t length = (size_t)(line->cursor - line->buffer);
    const char *word = line->cursor;
    while (word > line->buffer && !isspace((unsigned char)word[-1])) word--;
    const char *first = NULL;
    size_t common = 0;
    int matches = 0;
    for (int i = 0; i < completion_count; i++) {
        const char *candidate = completions[i];
        if (!has_prefix(candidate, typed, length)) continue;
        if (matches == 0) {
            first = candidate;
            common = strlen(candidate);
        } else {
            size_t j = length;
            while (j < common && candidate[j] == first[j]) j++;
            common = j;
        }
        matches++;
    }
    if (matches == 0) return CC_REFRESH_BEEP;
    if (common > length) {
        insert_bytes(el, first + length, common - length);
        return CC_REFRESH;
    }
    if (matches == 1) return CC_REFRESH;
    /* `show` typed, `show` and `show STEP` offered: the space that leads to the steps. */
    int exact = 0, spaced = 0;
    for (int i = 0; i < completion_count; i++) {
        const char *candidate = completions[i];
        if (!has_prefix(candidate, typed, length)) continue;
        if (candidate[length] == '\0') exact++;
        else if (candidate[length] == ' ') spaced++;
    }
    if (exact + spaced == matches && spaced > 0 && !(length > 0 && typed[length - 1] == ' ')) {
        el_insertstr(el, " ");
        return CC_REFRESH;
    }
    /* Several choices: list the word being completed of each, once (`goto <Tab>` lists step ids,
       an empty line lists the answers and command words). */
    size_t from = (size_t)(word - line->buffer);
    FILE *out = stdout;
    fputc('\n', out);
    for (int i = 0; i < completion_count; i++) {
        const char *candidate = completions[i];
        if (!has_prefix(candidate, typed, length) || strlen(candidate) <= from) continue;
        const char *end = strchr(candidate + (length > from ? length : from + 1), ' ');
        size_t size = end ? (size_t)(end - candidate) - from : strlen(candidate) - from;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) {
            const char *other = completions[j];
            if (!has_prefix(other, typed, length) || strlen(other) <= from) continue;
            const char *other_end = strchr(other + (length > from ? length : from + 1), ' ');
            size_t other_size = other_end ? (size_t)(other_end - other) - from : strlen(other) - from;
            seen = other_size == size && strncmp(other + from, candidate + from, size) == 0;
        }
        if (!seen) fprintf(out, "%.*s  ", (int)size, candidate + from);
    }
    fputc('\n', out);
    fflush(out);
    return CC_REDISPLAY;
}

/* An editor on the terminal with Medic's prompt, reader and completion. */
static EditLine *new_editor(const char *program) {
    EditLine *created = el_init(program, stdin, stdout, stderr);
    if (!created) return NULL;
    el_set(created, EL_EDITOR, "emacs");
    el_set(created, EL_SIGNAL, 0);
    el_set(created, EL_PROMPT_ESC, current_prompt, '\1');
    el_set(created, EL_GETCFN, read_character);
    el_set(created, EL_ADDFN, "medic-complete", "Complete a command or step id", complete_word);
    el_set(created, EL_BIND, "^I", "medic-complete", NULL);
    return created;
}

int medic_editor_open(const char *program) {
    if (editor) return 0;
    setlocale(LC_CTYPE, "");
    if (MB_CUR_MAX == 1) setlocale(LC_CTYPE, "C.UTF-8");
    editor = new_editor(program);
    if (!editor) return -1;
    decision_editor = new_editor(program);
    if (!decision_editor) {
        el_end(editor);
        editor = NULL;
        return -1;
    }
    history_state = history_init();
    HistEvent event;
    history(history_state, &event, H_SETSIZE, 1000);
    history(history_state, &event, H_SETUNIQUE, 1);
    el_set(editor, EL_HIST, history, history_state);
    /* A decision has no history: Up cannot bring back a `yes` (or a target's name) typed
       before, in this run or an earlier one; what approves is typed afresh. */
    /* The user's bindings and macros serve the command prompt; a decision never sees them, so
       a binding cannot turn a typed `no` into `yes` (medic_editor_read, decision). */
    el_source(editor, NULL);
    return 0;
}

void medic_editor_close(void) {
    if (editor) el_end(editor);
    if (decision_editor) el_end(decision_editor);
    if (history_state) history_end(history_state);
    editor = NULL;
    decision_editor = NULL;
    history_state = NULL;
}

void medic_editor_set_completions(const char *const *words, int count) {
    for (int i = 0; i < completion_count; i++) free(completions[i]);
    free(completions);
    completions = NULL;
    completion_count = 0;
    if (count <= 0) return;
    completions = calloc((size_t)count, sizeof *completions);
    if (!completions) return;
    for (int i = 0; i < count; i++) completions[i] = strdup(words[i]);
    completion_count = count;
}

const char *medic_editor_read(const char *prompt, int decision, int *status) {
    EditLine *reading = decision ? decision_editor : editor;
    free(prompt_text);
    prompt_text = strdup(prompt);
    last_status = MEDIC_READ_LINE;
    /* libedit learns a new size only from its own SIGWINCH handler, which Medic does not install
       (EL_SIGNAL 0): ask the terminal at every prompt, so a resize counts from the next one. */
    if (reading) el_resize(reading);
    int count = 0;
    const char *line = reading ? el_gets(reading, &count) : NULL;
    if (!line || count <= 0) {
        *status = last_status == MEDIC_READ_LINE ? MEDIC_READ_EOF : last_status;
        return NULL;
    }
    free(line_copy);
    line_copy = strdup(line);
    if (!line_copy) {
        *status = MEDIC_READ_ERROR;
        return NULL;
    }
    /* Enter ends the line with one '\n' (ed-newline); anything else, a carriage return typed
       with Ctrl-V Ctrl-M included, is part of what was typed and stays. */
    size_t length = strlen(line_copy);
    if (length > 0 && line_copy[length - 1] == '\n') line_copy[--length] = '\0';
    *status = MEDIC_READ_LINE;
    return line_copy;
}

void medic_editor_history_add(const char *line) {
    if (!history_state || !line || !*line) return;
    HistEvent event;
    history(history_state, &event, H_ENTER, line);
}

int medic_terminal_discard_input(int fd) {
    int pending = 0;
    struct termios saved;
    if (tcgetattr(fd, &saved) == 0 && (saved.c_lflag & ICANON)) {
        /* In canonical mode the kernel counts only whole lines as waiting, yet a line begun and
           not ended is discarded too: count it with canonical mode off for a moment. */
        struct termios counting = saved;
        counting.c_lflag &= ~(tcflag_t)ICANON;
        counting.c_cc[VMIN] = 0;
        counting.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSANOW, &counting) == 0) {
            if (ioctl(fd, FIONREAD, &pending) != 0) pending = 0;
            tcflush(fd, TCIFLUSH);
            tcsetattr(fd, TCSANOW, &saved);
            return pending;
        }
    }
    if (ioctl(fd, FIONREAD, &pending) != 0) pending = 0;
    tcflush(fd, TCIFLUSH);
    return pending;
}

void medic_terminal_secret_begin(int fd, medic_secret_mode *mode) {
    mode->is_terminal = tcgetattr(fd, &mode->saved) == 0;
    if (!mode->is_terminal) return;
    struct termios quiet = mode->saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
}

void medic_terminal_secret_end(int fd, const medic_secret_mode *mode) {
    if (mode->is_terminal) tcsetattr(fd, TCSAFLUSH, &mode->saved);
}

long medic_terminal_read_secret(int fd, char *buffer, unsigned long capacity) {
    if (capacity == 0) return -1;
    unsigned long length = 0;
    long result = -1;
    int signal_fd = medic_signals_fd();
    for (;;) {
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = signal_fd, .events = POLLIN}};
        int ready = poll(fds, signal_fd >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (signal_fd >= 0 && (fds[1].revents & POLLIN)) {
            medic_signals_take();
            result = -2;
            break;
        }
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            result = length > 0 ? (long)length : -1;
            break;
        }
        if (c == '\n' || c == '\r') {
            result = (long)length;
            break;
        }
        if (length + 1 < capacity) buffer[length++] = c;
    }
    buffer[length < capacity ? length : capacity - 1] = '\0';
    return result;
}

void medic_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) == 0) {
        *rows = size.ws_row;
        *columns = size.ws_col;
    } else {
        *rows = 0;
        *columns = 0;
    }
}
