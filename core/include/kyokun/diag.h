/* SPDX-License-Identifier: MIT */
/*
 * The context object, locations and diagnostics. The library never prints:
 * every warning and error goes to the handler installed on a ky_ctx.
 */
#ifndef KYOKUN_DIAG_H
#define KYOKUN_DIAG_H

#include <stdarg.h>

#include "kyokun/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity of a diagnostic. */
typedef enum ky_severity {
    KY_SEV_DEBUG = 0,   /**< Detail for developers, shown with -v -v. */
    KY_SEV_INFO = 1,    /**< What kyokun decided (a guessed encoding, a skipped sheet). */
    KY_SEV_WARNING = 2, /**< A value was kept but may be wrong, or a row was skipped. */
    KY_SEV_ERROR = 3    /**< A file, sheet or row could not be processed. */
} ky_severity;

/**
 * Where a diagnostic points. Rows and columns are 1-based as users see them
 * in a spreadsheet; 0 means "not applicable". Strings are borrowed.
 */
typedef struct ky_loc {
    const char *file;   /**< Input or output path, or NULL. */
    const char *sheet;  /**< Sheet name, or NULL (CSV, whole file). */
    uint32_t row;       /**< 1-based row, or 0. */
    uint32_t col;       /**< 1-based column, or 0. */
} ky_loc;

/** One diagnostic as delivered to a handler; valid during the call only. */
typedef struct ky_diag {
    ky_severity severity;
    const char *code;     /**< Stable id such as "csv.unclosed-quote". */
    ky_loc loc;
    const char *message;  /**< Translated, without location and without newline. */
} ky_diag;

/** Handler for diagnostics; `payload` is the pointer given to ky_ctx_set_handler(). */
typedef void (*ky_diag_fn)(const ky_diag *diag, void *payload);

/** The last error recorded on a context. */
typedef struct ky_error {
    int code;            /**< A ky_status value. */
    const char *message; /**< Translated message, or "" when none was set. */
    ky_loc loc;
} ky_error;

/**
 * Per-run state: the diagnostic handler, counters and the last error.
 * A context is not thread-safe; use one per thread.
 */
typedef struct ky_ctx ky_ctx;

/**
 * @brief Create a context with no handler (diagnostics are only counted).
 * @return A new context that the caller frees with ky_ctx_free(), or NULL when out of memory.
 */
KY_EXPORT ky_ctx *ky_ctx_new(void);

/** @brief Free a context. NULL is allowed. */
KY_EXPORT void ky_ctx_free(ky_ctx *ctx);

/**
 * @brief Install the diagnostic handler.
 * @param ctx Context.
 * @param fn Handler, or NULL to drop diagnostics (they are still counted).
 * @param min_severity Diagnostics below this severity are not delivered.
 * @param payload Passed unchanged to `fn`.
 */
KY_EXPORT void ky_ctx_set_handler(ky_ctx *ctx, ky_diag_fn fn, ky_severity min_severity,
                                  void *payload);

/**
 * @brief Emit a diagnostic. The format string should already be translated
 *        (wrap the literal in KY_("...") from the internal i18n header).
 * @param ctx Context.
 * @param severity Severity.
 * @param code Stable id, e.g. "xlsx.formula-no-value".
 * @param loc Location, or NULL.
 * @param fmt printf format.
 */
KY_EXPORT void ky_diag_emit(ky_ctx *ctx, ky_severity severity, const char *code,
                            const ky_loc *loc, const char *fmt, ...) KY_PRINTF(5, 6);

/** @brief Same as ky_diag_emit() with a va_list. */
KY_EXPORT void ky_diag_emitv(ky_ctx *ctx, ky_severity severity, const char *code,
                             const ky_loc *loc, const char *fmt, va_list args) KY_PRINTF(5, 0);

/**
 * @brief Count the diagnostics emitted so far at a severity.
 */
KY_EXPORT size_t ky_ctx_count(const ky_ctx *ctx, ky_severity severity);

/**
 * @brief Record an error on the context and return `code`, so that callers
 *        can write `return ky_error_set(ctx, KY_EPARSE, &loc, ...)`.
 *        The error is not delivered to the handler; the caller that gives up
 *        reports it (the CLI does so through ky_error_last()).
 */
KY_EXPORT int ky_error_set(ky_ctx *ctx, int code, const ky_loc *loc, const char *fmt, ...)
    KY_PRINTF(4, 5);

/**
 * @brief Return the last error, or NULL when none is set.
 *        The pointer is borrowed and valid until the next call that sets or clears it.
 */
KY_EXPORT const ky_error *ky_error_last(const ky_ctx *ctx);

/** @brief Clear the last error (call this after handling an error you swallow). */
KY_EXPORT void ky_error_clear(ky_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
