#ifndef MEDIC_CCURL_H
#define MEDIC_CCURL_H

/* The HTTP probe's use of libcurl. libcurl is opened with dlopen at the first probe, so Medic
   starts without paying for it and still runs where it is missing. curl_easy_setopt and
   curl_easy_getinfo are variadic, which Swift cannot call: everything here is a plain function
   over plain structs, and no curl header is visible to Swift. */

#include <stddef.h>

/* A loaded libcurl: its functions, looked up once. Never unloaded. */
typedef struct medic_curl medic_curl;

/* Opens `library` (normally "libcurl.so.4"), looks up the functions the probe uses and
   initialises libcurl. Returns NULL when it cannot, with the reason in `error`. Not thread-safe
   (curl_global_init is not): call it once, before any probe. */
medic_curl *medic_curl_load(const char *library, char *error, size_t error_size);

/* One request, every string NUL-terminated. */
typedef struct {
    const char *method;
    const char *url;
    /* Complete header lines ("Name: value" or "Name;" for an empty value), in order. */
    char *const *headers;
    size_t header_count;
    /* The body, or NULL for none. */
    const char *body;
    size_t body_length;
    int follow_redirects;
    /* How many redirects may still be followed. */
    long max_redirects;
    long connect_timeout_ms;
    long timeout_ms;
    /* When readable during the transfer, the transfer is abandoned (bytes drained); -1: never. */
    int interrupt_fd;
    /* The unix socket to connect to instead of the URL's host and port, or NULL for TCP. */
    const char *unix_socket;
} medic_http_request;

/* Where the response goes, as it arrives. */
typedef struct {
    void *context;
    /* A piece of the body of the final response. */
    void (*body)(void *context, const char *bytes, size_t count);
    /* One raw header line with its line ending, status lines included, of every response
       (redirects and 1xx too): a status line starts a new response. */
    void (*header)(void *context, const char *line, size_t count);
} medic_http_sink;

enum {
    MEDIC_HTTP_COMPLETED = 0,
    MEDIC_HTTP_TIMED_OUT = 1,
    MEDIC_HTTP_CANCELLED = 2,
    MEDIC_HTTP_FAILED = 3,
};

/* How a request ended. */
typedef struct {
    /* One of MEDIC_HTTP_*. */
    int outcome;
    /* The last response's status; 0 when nothing answered. */
    long status;
    /* The CURLcode of the transfer. */
    int code;
    /* The errno of a failed connect, or 0. */
    int os_errno;
    /* Why the transfer failed or timed out, lowercase-first: the cause in plain words when it
       is known ("connection refused"), then libcurl's explanation; empty when it completed. */
    char message[256];
} medic_http_result;

/* Performs `request`, streaming the response to `sink`, and fills `result`. */
void medic_curl_perform(const medic_curl *curl, const medic_http_request *request, const medic_http_sink *sink,
                        medic_http_result *result);

#endif
