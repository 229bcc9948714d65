#define _GNU_SOURCE
/* The curl headers are used for types and constants only: every function comes from dlsym. */
#define CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_DEPRECATION
#include "CCurl.h"

#include <curl/curl.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct medic_curl {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    /* Variadic, as in curl.h: the arguments after `option` are passed the C way. */
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *line);
    void (*slist_free_all)(struct curl_slist *list);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *handle);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *handle);
    CURLMcode (*multi_perform)(CURLM *multi, int *running);
    CURLMcode (*multi_wait)(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
    CURLMcode (*multi_cleanup)(CURLM *multi);
};

static int look_up(void *library, const char *name, void **slot, char *error, size_t error_size) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(error, error_size, "the libcurl found has no %s", name);
        return 0;
    }
    return 1;
}

medic_curl *medic_curl_load(const char *library_name, char *error, size_t error_size) {
    void *library = dlopen(library_name, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(error, error_size, "%s", why != NULL ? why : library_name);
        return NULL;
    }
    medic_curl *curl = calloc(1, sizeof *curl);
    if (curl == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    /* dlsym returns void *; storing it through a void ** into a function-pointer field is the
       POSIX-sanctioned way to get a function pointer out of it. */
    int found = look_up(library, "curl_global_init", (void **)&curl->global_init, error, error_size) &&
                look_up(library, "curl_easy_init", (void **)&curl->easy_init, error, error_size) &&
                look_up(library, "curl_easy_setopt", (void **)&curl->easy_setopt, error, error_size) &&
                look_up(library, "curl_easy_getinfo", (void **)&curl->easy_getinfo, error, error_size) &&
                look_up(library, "curl_easy_cleanup", (void **)&curl->easy_cleanup, error, error_size) &&
                look_up(library, "curl_easy_strerror", (void **)&curl->easy_strerror, error, error_size) &&
                look_up(library, "curl_slist_append", (void **)&curl->slist_append, error, error_size) &&
                look_up(library, "curl_slist_free_all", (void **)&curl->slist_free_all, error, error_size) &&
                look_up(library, "curl_multi_init", (void **)&curl->multi_init, error, error_size) &&
                look_up(library, "curl_multi_add_handle", (void **)&curl->multi_add_handle, error, error_size) &&
                look_up(library, "curl_multi_remove_handle", (void **)&curl->multi_remove_handle, error, error_size) &&
                look_up(library, "curl_multi_perform", (void **)&curl->multi_perform, error, error_size) &&
                look_up(library, "curl_multi_wait", (void **)&curl->multi_wait, error, error_size) &&
                look_up(library, "curl_multi_info_read", (void **)&curl->multi_info_read, error, error_size) &&
                look_up(library, "curl_multi_cleanup", (void **)&curl->multi_cleanup, error, error_size);
    if (!found) {
        free(curl);
        dlclose(library);
        return NULL;
    }
    CURLcode code = curl->global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(error, error_size, "libcurl could not start: %s", curl->easy_strerror(code));
        free(curl);
        dlclose(library);
        return NULL;
    }
    return curl;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *user) {
    const medic_http_sink *sink = user;
    sink->body(sink->context, bytes, size * count);
    return size * count;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *user) {
    const medic_http_sink *sink = user;
    sink->header(sink->context, bytes, size * count);
    return size * count;
}

/* The proxy environment (http_proxy, https_proxy, all_proxy) is honoured, as curl and every other
   tool on the box honour it: a probe of a public URL from behind a proxy should see what the
   operator's browser sees. Loopback never goes through a proxy, though: a probe of 127.0.0.1 asks
   about this machine, and a proxy answering instead would be a lie about which layer answered.
   CURLOPT_NOPROXY replaces no_proxy from the environment, so the operator's list is kept and the
   loopback names are added to it. */
static char *no_proxy_list(void) {
    static const char loopback[] = "localhost,127.0.0.1,::1,127.0.0.0/8";
    const char *inherited = getenv("no_proxy");
    if (inherited == NULL || inherited[0] == '\0') inherited = getenv("NO_PROXY");
    if (inherited != NULL && strcmp(inherited, "*") == 0) return strdup("*");
    if (inherited == NULL || inherited[0] == '\0') return strdup(loopback);
    size_t length = strlen(inherited) + 1 + sizeof loopback;
    char *list = malloc(length);
    if (list != NULL) snprintf(list, length, "%s,%s", inherited, loopback);
    return list;
}

static void drain(int fd) {
    char bytes[256];
    struct pollfd poller = {.fd = fd, .events = POLLIN};
    while (poll(&poller, 1, 0) > 0 && (poller.revents & (POLLIN | POLLHUP))) {
        if (read(fd, bytes, sizeof bytes) <= 0) break;
    }
}

static void configure(const medic_curl *curl, CURL *handle, const medic_http_request *request, const medic_http_sink *sink,
                      struct curl_slist *headers, const char *no_proxy, char *error_buffer) {
    curl->easy_setopt(handle, CURLOPT_URL, request->url);
    /* Medic owns its signals (the REPL's self-pipe); libcurl must not install handlers. */
    curl->easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl->easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl->easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl->easy_setopt(handle, CURLOPT_WRITEDATA, (void *)sink);
    curl->easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl->easy_setopt(handle, CURLOPT_HEADERDATA, (void *)sink);
    curl->easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl->easy_setopt(handle, CURLOPT_USERAGENT, "medic");
    curl->easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    curl->easy_setopt(handle, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    if (no_proxy != NULL) curl->easy_setopt(handle, CURLOPT_NOPROXY, no_proxy);
    /* Every connection of the transfer (redirects too) goes to the socket; proxies do not apply. */
    if (request->unix_socket != NULL) curl->easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, request->unix_socket);
    /* A probe speaks HTTP: never file:// or anything else, even when a redirect says so. */
    if (curl->easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_UNKNOWN_OPTION) {
        curl->easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    if (curl->easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_UNKNOWN_OPTION) {
        curl->easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    curl->easy_setopt(handle, CURLOPT_FOLLOWLOCATION, request->follow_redirects ? 1L : 0L);
    curl->easy_setopt(handle, CURLOPT_MAXREDIRS, request->max_redirects);

    /* HEAD must not wait for a body; POST uses curl's own POST so that a followed 301/302/303
       turns into a GET the way browsers do; any other method is sent as written. */
    if (strcmp(request->method, "HEAD") == 0) {
        curl->easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (strcmp(request->method, "POST") == 0) {
        curl->easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
        curl->easy_setopt(handle, CURLOPT_POSTFIELDS, request->body != NULL ? request->body : "");
    } else {
        if (request->body != NULL) {
            curl->easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
            curl->easy_setopt(handle, CURLOPT_POSTFIELDS, request->body);
        }
        if (strcmp(request->method, "GET") != 0 || request->body != NULL) {
            curl->easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request->method);
        }
    }
}

/* Runs the transfer on a multi handle so that the wait includes the interrupt descriptor: Ctrl-C
   ends a probe at once. (A progress callback would only see it when libcurl next calls it, which
   is about once a second while a server says nothing.) Returns the transfer's code, or -1 when
   it was cancelled. */
static int transfer(const medic_curl *curl, CURL *handle, int interrupt_fd) {
    CURLM *multi = curl->multi_init();
    if (multi == NULL) return CURLE_OUT_OF_MEMORY;
    if (curl->multi_add_handle(multi, handle) != CURLM_OK) {
        curl->multi_cleanup(multi);
        return CURLE_FAILED_INIT;
    }
    int code = CURLE_OK;
    for (;;) {
        int running = 0;
        if (curl->multi_perform(multi, &running) != CURLM_OK) {
            code = CURLE_FAILED_INIT;
            break;
        }
        if (running == 0) {
            int left = 0;
            CURLMsg *message = NULL;
            while ((message = curl->multi_info_read(multi, &left)) != NULL) {
                if (message->msg == CURLMSG_DONE) code = message->data.result;
            }
            break;
        }
        struct curl_waitfd interrupt = {.fd = interrupt_fd, .events = CURL_WAIT_POLLIN, .revents = 0};
        unsigned int extra = interrupt_fd >= 0 ? 1 : 0;
        if (curl->multi_wait(multi, extra ? &interrupt : NULL, extra, 1000, NULL) != CURLM_OK) {
            code = CURLE_FAILED_INIT;
            break;
        }
        if (interrupt.revents != 0) {
            drain(interrupt_fd);
            code = -1;
            break;
        }
    }
    curl->multi_remove_handle(multi, handle);
    curl->multi_cleanup(multi);
    return code;
}

static void explain(int code, int os_errno, const char *detail, char *message, size_t size) {
    if (code == CURLE_COULDNT_CONNECT && os_errno != 0) {
        snprintf(message, size, "%s (%s)", strerror(os_errno), detail);
    } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
        snprintf(message, size, "could not resolve the host name (%s)", detail);
    } else {
        snprintf(message, size, "%s", detail);
    }
    /* Lowercase-first like Medic's other messages, but leave "URL…" and "SSL…" alone. */
    if (!isupper((unsigned char)message[1])) message[0] = (char)tolower((unsigned char)message[0]);
}

void medic_curl_perform(const medic_curl *curl, const medic_http_request *request, const medic_http_sink *sink,
                        medic_http_result *result) {
    memset(result, 0, sizeof *result);
    CURL *handle = curl->easy_init();
    if (handle == NULL) {
        result->outcome = MEDIC_HTTP_FAILED;
        result->code = CURLE_FAILED_INIT;
        snprintf(result->message, sizeof result->message, "libcurl could not create a request");
        return;
    }
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < request->header_count; i++) {
        struct curl_slist *longer = curl->slist_append(headers, request->headers[i]);
        if (longer == NULL) break;
        headers = longer;
    }
    char *no_proxy = no_proxy_list();
    char error_buffer[CURL_ERROR_SIZE] = {0};
    configure(curl, handle, request, sink, headers, no_proxy, error_buffer);

    int code = transfer(curl, handle, request->interrupt_fd);
    long status = 0;
    curl->easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    long os_errno = 0;
    curl->easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
    result->status = status;
    result->os_errno = (int)os_errno;
    if (code == -1) {
        result->outcome = MEDIC_HTTP_CANCELLED;
        result->code = CURLE_ABORTED_BY_CALLBACK;
    } else {
        result->code = code;
        result->outcome = code == CURLE_OK                    ? MEDIC_HTTP_COMPLETED
                          : code == CURLE_OPERATION_TIMEDOUT ? MEDIC_HTTP_TIMED_OUT
                                                              : MEDIC_HTTP_FAILED;
        if (code != CURLE_OK) {
            const char *detail = error_buffer[0] != '\0' ? error_buffer : curl->easy_strerror((CURLcode)code);
            explain(code, (int)os_errno, detail, result->message, sizeof result->message);
        }
    }
    curl->easy_cleanup(handle);
    curl->slist_free_all(headers);
    free(no_proxy);
}
