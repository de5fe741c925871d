/* SPDX-License-Identifier: MIT */
/*
 * The FreeXL child process. FreeXL 1.0.6 has memory errors on crafted files
 * (fuzzing found a 65,535-byte over-read of a stack buffer inside iconv,
 * called from freexl_open_info), so every FreeXL call runs in a forked child
 * that only reads the workbook and writes a record stream to a pipe. The
 * parent decodes that stream with strict bounds and calls the sink; a crash
 * of the child is an error of the read, not of kyokun.
 */
#define _GNU_SOURCE /* close_range() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kyokun/i18n.h"
#include "xls.h"

/* CPU seconds the child may use; it gets SIGXCPU, then SIGKILL XLS_CPU_GRACE seconds later. */
#define XLS_CPU_SECONDS 60
#define XLS_CPU_GRACE 5
/* Address space of the child. FreeXL keeps each sheet's cell grid in memory, and the
   largest one check_workbook() allows (65536 rows of 256 cells) is about 400 MB. */
#define XLS_ADDRESS_SPACE (2ull << 30)

/* Exit status of a child that could not write its record stream. */
#define XLS_CHILD_EXIT_FAILED 125

/* AddressSanitizer reserves terabytes of shadow memory, so RLIMIT_AS would break it. */
#if defined(__SANITIZE_ADDRESS__)
#define XLS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XLS_UNDER_ASAN 1
#endif
#endif

/*
 * Set by the sanitizer runtimes (and libFuzzer) to run a callback before a
 * sanitizer ends the process; weak, so it is NULL in ordinary builds.
 */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* Lower a resource limit of this process to `value` unless it is already lower. */
static void lower_limit(int resource, rlim_t value, rlim_t hard_value)
{
    struct rlimit limit;
    if (getrlimit(resource, &limit) != 0)
        return;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < hard_value)
        hard_value = limit.rlim_max;
    if (value > hard_value)
        value = hard_value;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < value)
        value = limit.rlim_cur;
    limit.rlim_cur = value;
    limit.rlim_max = hard_value;
    setrlimit(resource, &limit);
}

/* Move `fd` to a number of 3 or more, so that it survives the redirection of fds 0-2. */
static int move_above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int moved = fcntl(fd, F_DUPFD, 3);
    if (moved < 0)
        _exit(XLS_CHILD_EXIT_FAILED);
    return moved;
}

/* Close every file descriptor from `first` to `last`, both included. */
static void close_fds(int first, int last)
{
    if (first > last)
        return;
    if (close_range((unsigned)first, (unsigned)last, 0) == 0)
        return;
    /* close_range() needs Linux 5.9; older kernels close one by one. */
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (long fd = first; fd <= last && fd < max; fd++)
        close((int)fd);
}

/*
 * Prepare the child: default signal dispositions, so that a crash ends it
 * with a signal instead of running the parent's handlers (libFuzzer's would
 * report the parent's input as a crash); no file descriptors except the pipe
 * and the input; no core dumps; and CPU and memory limits.
 */
static void prepare_child(int *pipe_fd, int *file_fd)
{
    static const int defaulted[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGXCPU,
                                    SIGXFSZ, SIGALRM, SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof defaulted / sizeof defaulted[0]; i++)
        signal(defaulted[i], SIG_DFL);
    /* A write to a closed pipe fails with EPIPE, and the child exits. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(NULL);

    *pipe_fd = move_above_stdio(*pipe_fd);
    *file_fd = move_above_stdio(*file_fd);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0)
        _exit(XLS_CHILD_EXIT_FAILED);
    for (int fd = 0; fd < 3; fd++)
        if (null_fd != fd)
            dup2(null_fd, fd);
    if (null_fd > 2)
        close(null_fd);

    int low = *pipe_fd, high = *file_fd;
    if (high < 0) {
        high = low;
    } else if (high < low) {
        low = *file_fd;
        high = *pipe_fd;
    }
    close_fds(3, low - 1);
    close_fds(low + 1, high - 1);
    close_fds(high + 1, 0x7FFFFFFF);

    lower_limit(RLIMIT_CORE, 0, 0);
    lower_limit(RLIMIT_CPU, XLS_CPU_SECONDS, XLS_CPU_SECONDS + XLS_CPU_GRACE);
#ifndef XLS_UNDER_ASAN
    lower_limit(RLIMIT_AS, (rlim_t)XLS_ADDRESS_SPACE, (rlim_t)XLS_ADDRESS_SPACE);
#endif
}

/* Run FreeXL on the input, send the records to `pipe_fd` and exit. Never returns. */
static void run_child(int pipe_fd, const xls_input *input, const char *display)
{
    int file_fd = input->fd;
    prepare_child(&pipe_fd, &file_fd);

    char proc_path[sizeof "/proc/self/fd/" + 24];
    const char *file = input->path;
    if (file_fd >= 0) {
        snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", file_fd);
        file = proc_path;
    }

#ifndef NDEBUG
    /* Test hook of debug builds: KY_XLS_TEST_CRASH=1 crashes the child as a FreeXL bug would. */
    const char *crash = getenv("KY_XLS_TEST_CRASH");
    if (crash && strcmp(crash, "1") == 0)
        raise(SIGSEGV);
#endif

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        _exit(XLS_CHILD_EXIT_FAILED);
    xls_encoder encoder;
    ky_xls__encoder_init(&encoder, ctx, pipe_fd);
    ky_ctx_set_handler(ctx, ky_xls__encode_diag, KY_SEV_DEBUG, &encoder);

    int status = ky_xls__read_freexl(ctx, file, display, &ky_xls__encoder_sink, &encoder);
    if (status > 0)
        status = 0;
    ky_xls__encode_final(&encoder, status, ky_error_last(ctx));
    int rc = ky_xls__encoder_flush(&encoder);
    _exit(rc == 0 ? 0 : XLS_CHILD_EXIT_FAILED);
}

/* Wait for the child to end; returns false when its status is unknown (SIGCHLD is ignored). */
static bool reap_child(pid_t pid, int *wait_status)
{
    for (;;) {
        if (waitpid(pid, wait_status, 0) == pid)
            return true;
        if (errno != EINTR)
            return false;
    }
}

/* Record why the child ended without a result; returns the status. */
static int child_failed(ky_ctx *ctx, const char *display, int wait_status)
{
    ky_loc loc = {.file = display};
    char detail[160];

    if (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGXCPU)
        return ky_error_set(ctx, KY_ELIMIT, &loc,
                            KY_("%s: the xls reader (FreeXL) used up its %d seconds of CPU time "
                                "on this file; it may be corrupt or crafted"),
                            display, XLS_CPU_SECONDS);
    if (WIFSIGNALED(wait_status))
        snprintf(detail, sizeof detail, KY_("killed by signal %d, %s"), WTERMSIG(wait_status),
                 strsignal(WTERMSIG(wait_status)));
    else
        snprintf(detail, sizeof detail, KY_("exit status %d without a result"),
                 WEXITSTATUS(wait_status));
    return ky_error_set(ctx, KY_EPARSE, &loc,
                        KY_("%s: the xls reader (FreeXL) crashed on this file (%s); it may be "
                            "corrupt or crafted"),
                        display, detail);
}

/* Read the child's stream until it ends or the sink stops; returns 0, KY_SINK_STOP or an error. */
static int pump_stream(ky_ctx *ctx, int fd, xls_decoder *decoder, const char *display)
{
    unsigned char chunk[16384];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ky_loc loc = {.file = display};
            return ky_error_set(ctx, KY_EIO, &loc,
                                KY_("%s: cannot read from the xls reader process: %s"), display,
                                strerror(errno));
        }
        if (n == 0)
            return 0;
        int rc = ky_xls__decoder_feed(decoder, chunk, (size_t)n);
        if (rc != 0)
            return rc;
    }
}

int ky_xls__read_isolated(ky_ctx *ctx, const xls_input *input, const char *display,
                          const ky_sink *sink, void *payload)
{
    ky_loc loc = {.file = display};
    int fds[2];

    if (pipe2(fds, O_CLOEXEC) != 0)
        return ky_error_set(ctx, KY_EIO, &loc,
                            KY_("%s: cannot start the xls reader process: %s"), display,
                            strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int rc = ky_error_set(ctx, KY_EIO, &loc,
                              KY_("%s: cannot start the xls reader process: %s"), display,
                              strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return rc;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1], input, display);
    }
    close(fds[1]);

    xls_decoder decoder;
    ky_xls__decoder_init(&decoder, ctx, display, sink, payload);
    int status = pump_stream(ctx, fds[0], &decoder, display);
    /* The sink stopped, or the stream or the sink failed: the child's work is not needed. */
    if (status != 0)
        kill(pid, SIGKILL);
    close(fds[0]);

    int wait_status = 0;
    bool known = reap_child(pid, &wait_status);
    if (status == KY_SINK_STOP)
        status = 0;
    else if (status == 0) {
        bool exited_cleanly = !known || (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
        if (!exited_cleanly || !decoder.final_seen)
            status = child_failed(ctx, display, known ? wait_status : 0);
        else
            status = ky_xls__decoder_finish(&decoder);
    }
    ky_xls__decoder_free(&decoder);
    return status;
}
