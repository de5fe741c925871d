/* SPDX-License-Identifier: MIT */
/* The run context: diagnostic delivery, counters and the last error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "kyokun/diag.h"

struct ky_ctx {
    ky_diag_fn handler;
    void *payload;
    ky_severity min_severity;
    size_t counts[KY_SEV_ERROR + 1];
    int has_error;
    ky_error error;
    char *error_message;
    char *error_file;
    char *error_sheet;
};

ky_ctx *ky_ctx_new(void)
{
    return calloc(1, sizeof(ky_ctx));
}

void ky_ctx_free(ky_ctx *ctx)
{
    if (!ctx)
        return;
    ky_error_clear(ctx);
    free(ctx);
}

void ky_ctx_set_handler(ky_ctx *ctx, ky_diag_fn fn, ky_severity min_severity, void *payload)
{
    ctx->handler = fn;
    ctx->payload = payload;
    ctx->min_severity = min_severity;
}

void ky_diag_emitv(ky_ctx *ctx, ky_severity severity, const char *code, const ky_loc *loc,
                   const char *fmt, va_list args)
{
    if (!ctx)
        return;
    if ((int)severity < 0 || severity > KY_SEV_ERROR)
        severity = KY_SEV_ERROR;
    ctx->counts[severity]++;
    if (!ctx->handler || severity < ctx->min_severity)
        return;

    ky_buf text = {0};
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n >= 0) {
        char *message = malloc((size_t)n + 1);
        if (message) {
            vsnprintf(message, (size_t)n + 1, fmt, args);
            text.data = message;
            text.len = (size_t)n;
        }
    }
    ky_diag diag = {
        .severity = severity,
        .code = code ? code : "",
        .message = text.data ? text.data : fmt,
    };
    if (loc)
        diag.loc = *loc;
    ctx->handler(&diag, ctx->payload);
    free(text.data);
}

void ky_diag_emit(ky_ctx *ctx, ky_severity severity, const char *code, const ky_loc *loc,
                  const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ky_diag_emitv(ctx, severity, code, loc, fmt, args);
    va_end(args);
}

size_t ky_ctx_count(const ky_ctx *ctx, ky_severity severity)
{
    if (!ctx || (int)severity < 0 || severity > KY_SEV_ERROR)
        return 0;
    return ctx->counts[severity];
}

int ky_error_set(ky_ctx *ctx, int code, const ky_loc *loc, const char *fmt, ...)
{
    if (!ctx)
        return code;
    ky_error_clear(ctx);

    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n >= 0 && (ctx->error_message = malloc((size_t)n + 1)) != NULL)
        vsnprintf(ctx->error_message, (size_t)n + 1, fmt, args);
    va_end(args);

    ctx->has_error = 1;
    ctx->error.code = code;
    ctx->error.message = ctx->error_message ? ctx->error_message : "";
    if (loc) {
        ctx->error_file = ky_strdup(loc->file);
        ctx->error_sheet = ky_strdup(loc->sheet);
        ctx->error.loc.file = ctx->error_file;
        ctx->error.loc.sheet = ctx->error_sheet;
        ctx->error.loc.row = loc->row;
        ctx->error.loc.col = loc->col;
    }
    return code;
}

const ky_error *ky_error_last(const ky_ctx *ctx)
{
    return ctx && ctx->has_error ? &ctx->error : NULL;
}

void ky_error_clear(ky_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->error_message);
    free(ctx->error_file);
    free(ctx->error_sheet);
    ctx->error_message = ctx->error_file = ctx->error_sheet = NULL;
    memset(&ctx->error, 0, sizeof ctx->error);
    ctx->has_error = 0;
}
