/* SPDX-License-Identifier: MIT */
/*
 * Worker processes of a batch conversion. Each input is converted in a
 * process forked from the command after the plugins are loaded, so that a
 * reader that crashes or leaks takes down only its own input, and plugins
 * need not be thread-safe. A worker sends its counts back over one pipe and
 * its stderr over another. The parent prints each worker's stderr whole, in
 * input order, and keeps the progress line below it.
 */
#include <errno.h>
#include <libintl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/batch.h"
#include "kyokun/i18n.h"

/* Seconds between redraws of the progress line, so that fast inputs do not flood the terminal. */
#define PROGRESS_INTERVAL 0.1

/* A running worker. */
typedef struct worker {
    pid_t pid;
    size_t index;
    int stderr_fd; /* -1 once at end of file */
    int result_fd; /* -1 once at end of file */
    cli_batch_result result;
    size_t result_bytes;
} worker;

/* State of one cli_batch_run(). */
typedef struct batch_state {
    const cli_batch_settings *settings;
    cli_batch_result *results;
    ky_buf *stderr_text; /* per input, until it is printed */
    bool *finished;      /* per input */
    size_t next_printed; /* first input whose stderr is not printed yet */
    size_t total;        /* inputs of the run, started or not */
    size_t done;
    size_t rows;
    size_t errors;
    size_t failed;
    long worker_max_rss; /* largest peak resident set size of a worker, in KiB */
    bool progress_shown;
    double progress_time;
    struct pollfd *poll_fds; /* two per worker slot */
    int **poll_targets;      /* the slot field of each entry of poll_fds */
    worker **poll_owners;    /* the slot of each entry of poll_fds */
} batch_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------ */
/* Progress line                                                             */
/* ------------------------------------------------------------------------ */

static void clear_progress(batch_state *state)
{
    if (!state->progress_shown)
        return;
    fputs("\r\033[K", stderr);
    state->progress_shown = false;
}

/* Redraw "kyokun: 12/1000 files, 3456 rows, 2 errors" in place, at most every
 * PROGRESS_INTERVAL seconds unless `force`. */
static void draw_progress(batch_state *state, bool force)
{
    if (!state->settings->progress)
        return;
    double now = now_seconds();
    if (!force && state->progress_shown && now - state->progress_time < PROGRESS_INTERVAL)
        return;
    state->progress_time = now;
    fputs("\r\033[K", stderr);
    char rows_text[64], errors_text[64];
    snprintf(rows_text, sizeof rows_text,
             dngettext(KY_TEXT_DOMAIN, "%zu row", "%zu rows", (unsigned long)state->rows),
             state->rows);
    snprintf(errors_text, sizeof errors_text,
             dngettext(KY_TEXT_DOMAIN, "%zu error", "%zu errors", (unsigned long)state->errors),
             state->errors);
    /* TRANSLATORS: the progress line of a batch conversion: files done, files
       in all, then the rows read and errors so far, already formatted with
       their numbers. */
    fprintf(stderr, KY_("kyokun: %zu/%zu files, %s, %s"), state->done, state->total, rows_text,
            errors_text);
    fflush(stderr);
    state->progress_shown = true;
}

/* ------------------------------------------------------------------------ */
/* Printing finished inputs in order                                         */
/* ------------------------------------------------------------------------ */

/* Return a copy of the run's report that keeps its first error line in the
 * input's result, so that the summary CSV can show it. */
static cli_report report_for(const batch_state *state, size_t index)
{
    cli_report report = *state->settings->report;
    report.first_error = state->results[index].message;
    report.first_error_size = sizeof state->results[index].message;
    return report;
}

static void print_worker_end(const batch_state *state, size_t index)
{
    const cli_batch_result *result = &state->results[index];
    ky_loc loc = {.file = state->settings->inputs->items[index].path};
    cli_report report = report_for(state, index);
    if (result->result_lost) {
        cli_report_message(&report, KY_SEV_ERROR, &loc,
                           KY_("the conversion stopped unexpectedly (exit status %d) before "
                               "it reported its result"),
                           result->exit_status);
        return;
    }
    if (result->signal == 0)
        return;
    cli_report_message(&report, KY_SEV_ERROR, &loc,
                       KY_("the conversion stopped unexpectedly (signal %d). This is a bug in "
                           "kyokun or one of its plugins: please report it, with the file if "
                           "you can"),
                       result->signal);
}

/* Print the stderr of every finished input that follows the last one printed. */
static void print_finished(batch_state *state)
{
    size_t count = state->settings->inputs->count;
    bool printed = false;
    while (state->next_printed < count) {
        size_t i = state->next_printed;
        if (state->results[i].started && !state->finished[i])
            break;
        const cli_batch_result *result = &state->results[i];
        if (state->stderr_text[i].len > 0 || result->signal != 0 || result->result_lost) {
            if (!printed)
                clear_progress(state);
            printed = true;
            const ky_buf *text = &state->stderr_text[i];
            fwrite(text->data, 1, text->len, stderr);
            if (text->len > 0 && text->data[text->len - 1] != '\n')
                fputc('\n', stderr);
        }
        ky_buf_free(&state->stderr_text[i]);
        if (state->results[i].started)
            print_worker_end(state, i);
        state->next_printed++;
    }
    if (printed)
        fflush(stderr);
}

/* ------------------------------------------------------------------------ */
/* Workers                                                                   */
/* ------------------------------------------------------------------------ */

/* Write all of `data` to `fd`, retrying after interrupts and short writes. */
static void write_all(int fd, const void *data, size_t size)
{
    const char *bytes = data;
    while (size > 0) {
        ssize_t n = write(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        bytes += n;
        size -= (size_t)n;
    }
}

/* Run in the forked child: convert one input and send the result. Does not return. */
static void run_worker(cli_batch_task_fn task, void *payload, size_t index, int stderr_fd,
                       int result_fd)
{
    dup2(stderr_fd, STDERR_FILENO);
    close(stderr_fd);
    cli_batch_result result = {.started = true};
    result.converted = task(payload, index, &result);
    fflush(NULL);
    write_all(result_fd, &result, sizeof result);
    close(result_fd);
    /* _exit: the parent's atexit handlers and stdio buffers are not the worker's to run.
     * NOTE: this also skips LeakSanitizer's check, so leaks in a worker go unreported;
     * a check here would report the parent's memory as leaked. */
    _exit(result.converted ? 0 : 1);
}

/* Fork a worker for input `index`. Returns false, after reporting why, when it cannot start. */
static bool start_worker(batch_state *state, worker *slot, size_t index, cli_batch_task_fn task,
                         void *payload)
{
    int err_pipe[2], result_pipe[2];
    if (pipe(err_pipe) != 0)
        goto failed;
    if (pipe(result_pipe) != 0) {
        close(err_pipe[0]);
        close(err_pipe[1]);
        goto failed;
    }
    /* Buffered output would otherwise be written once by each process. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(err_pipe[0]);
        close(result_pipe[0]);
        run_worker(task, payload, index, err_pipe[1], result_pipe[1]);
    }
    close(err_pipe[1]);
    close(result_pipe[1]);
    if (pid < 0) {
        close(err_pipe[0]);
        close(result_pipe[0]);
        goto failed;
    }
    *slot = (worker){.pid = pid, .index = index, .stderr_fd = err_pipe[0],
                     .result_fd = result_pipe[0]};
    return true;

failed:;
    ky_loc loc = {.file = state->settings->inputs->items[index].path};
    cli_report report = report_for(state, index);
    clear_progress(state);
    cli_report_message(&report, KY_SEV_ERROR, &loc,
                       KY_("cannot start a worker process: %s"), strerror(errno));
    return false;
}

/* Read what is available on one of the worker's pipes; close it at end of file. */
static void read_worker(batch_state *state, worker *slot, int *fd)
{
    char chunk[4096];
    ssize_t n;
    do
        n = read(*fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return;
    }
    if (fd == &slot->stderr_fd) {
        ky_buf_append(&state->stderr_text[slot->index], chunk, (size_t)n);
        return;
    }
    size_t room = sizeof slot->result - slot->result_bytes;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy((char *)&slot->result + slot->result_bytes, chunk, take);
    slot->result_bytes += take;
}

/* Collect a worker whose pipes are both closed, and record its result. */
static void finish_worker(batch_state *state, worker *slot)
{
    int wait_status = 0;
    struct rusage usage = {0};
    while (wait4(slot->pid, &wait_status, 0, &usage) < 0 && errno == EINTR)
        continue;
    if (usage.ru_maxrss > state->worker_max_rss)
        state->worker_max_rss = usage.ru_maxrss;
    cli_batch_result *result = &state->results[slot->index];
    if (slot->result_bytes == sizeof slot->result)
        *result = slot->result;
    result->started = true;
    if (WIFSIGNALED(wait_status)) {
        result->signal = WTERMSIG(wait_status);
        result->converted = false;
        result->counts.errors++;
    } else if (slot->result_bytes != sizeof slot->result) {
        /* The worker exited without sending a result, so something outside
         * the conversion stopped it, such as a sanitizer or exit() in a plugin. */
        result->result_lost = true;
        result->exit_status = WEXITSTATUS(wait_status);
        result->converted = false;
        result->counts.errors++;
    }

    state->finished[slot->index] = true;
    state->done++;
    state->rows += result->counts.rows;
    state->errors += result->counts.errors;
    if (!result->converted)
        state->failed++;
    slot->pid = 0;
}

/* Wait until a pipe of a running worker is readable and read from it. */
static void poll_workers(batch_state *state, worker *slots, int jobs)
{
    struct pollfd *fds = state->poll_fds;
    int **targets = state->poll_targets;
    worker **owners = state->poll_owners;
    nfds_t count = 0;
    for (int i = 0; i < jobs; i++) {
        if (slots[i].pid == 0)
            continue;
        int *pipe_fds[2] = {&slots[i].stderr_fd, &slots[i].result_fd};
        for (int k = 0; k < 2; k++) {
            if (*pipe_fds[k] < 0)
                continue;
            fds[count] = (struct pollfd){.fd = *pipe_fds[k], .events = POLLIN};
            targets[count] = pipe_fds[k];
            owners[count] = &slots[i];
            count++;
        }
    }
    if (count == 0)
        return;
    if (poll(fds, count, -1) < 0)
        return; /* EINTR: the caller polls again */
    for (nfds_t i = 0; i < count; i++)
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
            read_worker(state, owners[i], targets[i]);
}

/* Report at -v the peak memory of this process and of the largest worker
 * (ru_maxrss, which Linux counts in KiB), for benchmarks and sizing -j. */
static void report_memory(const batch_state *state)
{
    bool ran = false;
    for (size_t i = 0; i < state->settings->inputs->count && !ran; i++)
        ran = state->results[i].started;
    if (!ran)
        return;
    struct rusage self = {0};
    getrusage(RUSAGE_SELF, &self);
    cli_report_message(state->settings->report, KY_SEV_INFO, NULL,
                       KY_("peak memory (resident set size): %ld KiB in this process, %ld KiB "
                           "in the largest worker"),
                       self.ru_maxrss, state->worker_max_rss);
}

static void free_state(batch_state *state)
{
    free(state->stderr_text);
    free(state->finished);
    free(state->poll_fds);
    free(state->poll_targets);
    free(state->poll_owners);
}

size_t cli_batch_run(const cli_batch_settings *settings, cli_batch_task_fn task, void *payload,
                     cli_batch_result *results)
{
    size_t count = settings->inputs->count;
    int jobs = settings->jobs > 0 ? settings->jobs : 1;
    if ((size_t)jobs > count)
        jobs = count > 0 ? (int)count : 1;
    batch_state state = {.settings = settings, .results = results};
    state.stderr_text = calloc(count ? count : 1, sizeof *state.stderr_text);
    state.finished = calloc(count ? count : 1, sizeof *state.finished);
    state.poll_fds = calloc(2 * (size_t)jobs, sizeof *state.poll_fds);
    state.poll_targets = calloc(2 * (size_t)jobs, sizeof *state.poll_targets);
    state.poll_owners = calloc(2 * (size_t)jobs, sizeof *state.poll_owners);
    worker *slots = calloc((size_t)jobs, sizeof *slots);
    if (!state.stderr_text || !state.finished || !state.poll_fds || !state.poll_targets
        || !state.poll_owners || !slots) {
        cli_report_message(settings->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        free_state(&state);
        free(slots);
        return count;
    }
    /* Inputs that planning rejected are counted as done from the start, so
     * that the progress line ends at the same total as the summary. */
    state.total = count;
    for (size_t i = 0; i < count; i++)
        state.done += results[i].started ? 0 : 1;

    size_t next = 0;
    int running = 0;
    draw_progress(&state, true);
    for (;;) {
        /* Start workers for the next inputs while there are free slots. */
        while (running < jobs && next < count) {
            size_t index = next++;
            if (!results[index].started)
                continue;
            worker *slot = NULL;
            for (int i = 0; i < jobs && !slot; i++)
                if (slots[i].pid == 0)
                    slot = &slots[i];
            if (start_worker(&state, slot, index, task, payload)) {
                running++;
            } else {
                results[index].counts.errors++;
                state.finished[index] = true;
                state.done++;
                state.failed++;
            }
        }
        if (running == 0)
            break;

        poll_workers(&state, slots, jobs);
        for (int i = 0; i < jobs; i++) {
            if (slots[i].pid != 0 && slots[i].stderr_fd < 0 && slots[i].result_fd < 0) {
                finish_worker(&state, &slots[i]);
                running--;
            }
        }
        print_finished(&state);
        draw_progress(&state, false);
    }
    print_finished(&state);
    if (state.progress_shown) {
        draw_progress(&state, true);
        fputc('\n', stderr);
    }
    report_memory(&state);

    free_state(&state);
    free(slots);
    return state.failed;
}
