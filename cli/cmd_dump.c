/* SPDX-License-Identifier: MIT */
/*
 * `kyokun dump`: stream one sheet's cells to stdout as UTF-8 CSV (RFC 4180
 * quoting, LF record ends), record N being row N of the sheet. Rows are
 * written as the reader delivers them, so memory does not grow with the
 * number of rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"

/* Records are written once this many bytes of them have been collected. */
#define LINE_FLUSH_SIZE ((size_t)1 << 16)

/* Which sheet to write and what the stream has reached. */
typedef struct dump_state {
    FILE *out;
    const char *requested_name;  /* match by name when non-NULL */
    uint32_t requested_position; /* 0-based delivery order, used when requested_name is NULL */
    bool listing;             /* only collect the sheet names */
    bool in_requested;           /* the current sheet is the one to write */
    bool found;
    uint32_t next_row;        /* 0-based row of the next record to write */
    uint32_t sheets_seen;
    char **names;             /* sheet names in delivery order */
    size_t name_count;
    ky_buf line;
    ky_buf field;
    int write_errno;          /* errno of a failed write to `out`, 0 when none */
} dump_state;

static void print_help(FILE *out)
{
    fputs(KY_("Usage: kyokun dump [OPTIONS] INPUT\n"
              "\n"
              "Print the cells of one sheet of INPUT as UTF-8 CSV on standard output, as\n"
              "the input plugin reads them: record N is row N of the sheet (empty rows are\n"
              "empty records), empty cells are empty fields, numbers are written in the\n"
              "shortest form that reads back to the same value, dates in ISO 8601, and a\n"
              "merged range's value only in its top-left cell.\n"
              "\n"
              "Options:\n"
              "      --sheet SHEET   the sheet to print: its name, or its position counting\n"
              "                      from 1 when no sheet has that name (default: the first)\n"
              "  -f, --from FORMAT   read with this input plugin instead of detecting the format\n"
              "      --encoding ENC  CSV input encoding: utf-8, utf-16 (byte order from the\n"
              "                      BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis,\n"
              "                      ms932) or euc-jp, in any letter case (default: detected\n"
              "                      from the content)\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "  -h, --help          print this help and exit\n"),
          out);
}

/* ------------------------------------------------------------------------ */
/* CSV writing                                                               */
/* ------------------------------------------------------------------------ */

/* Bytes that make a field need quotes (RFC 4180): comma, quote, CR and LF. */
static const unsigned char needs_quote[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* Append a field, quoted when it contains a comma, a quote, CR or LF (RFC 4180). */
static int append_csv_field(ky_buf *line, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && !needs_quote[(unsigned char)text[i]])
        i++;
    if (i == len)
        return ky_buf_append(line, text, len);

    /* Copy the runs between quotes whole, doubling each quote. */
    int status = ky_buf_putc(line, '"');
    const char *p = text, *end = text + len;
    while (status == 0 && p < end) {
        const char *quote = memchr(p, '"', (size_t)(end - p));
        size_t run = quote ? (size_t)(quote - p) + 1 : (size_t)(end - p);
        status = ky_buf_append(line, p, run);
        if (status == 0 && quote)
            status = ky_buf_putc(line, '"');
        p += run;
    }
    return status != 0 ? status : ky_buf_putc(line, '"');
}

/* Append a cell's value as a CSV field, formatted as ky_cell_append_text() does. */
static int append_cell(dump_state *state, const ky_cell *cell)
{
    /* Text goes straight into the line, and other values are formatted first. */
    if (cell->type == KY_CELL_TEXT || cell->type == KY_CELL_ERROR)
        return cell->text ? append_csv_field(&state->line, cell->text, cell->len) : 0;
    ky_buf_clear(&state->field);
    if (ky_cell_append_text(cell, &state->field) != 0)
        return KY_ENOMEM;
    return append_csv_field(&state->line, state->field.data ? state->field.data : "",
                            state->field.len);
}

/* Write bytes to the output; on failure remember errno and return KY_EIO. */
static int write_out(dump_state *state, const char *bytes, size_t len)
{
    if (len > 0 && fwrite(bytes, 1, len, state->out) != len) {
        state->write_errno = errno ? errno : EIO;
        return KY_EIO;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Sink                                                                      */
/* ------------------------------------------------------------------------ */

static int dump_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    dump_state *state = payload;
    if (state->found && !state->listing)
        return KY_SINK_STOP;

    char **grown = realloc(state->names, (state->name_count + 1) * sizeof *grown);
    if (!grown)
        return KY_ENOMEM;
    state->names = grown;
    if (!(state->names[state->name_count] = ky_strdup(sheet->name ? sheet->name : "")))
        return KY_ENOMEM;
    state->name_count++;

    uint32_t position = state->sheets_seen++;
    if (state->listing)
        return KY_SINK_SKIP_SHEET;
    bool requested = state->requested_name ? strcmp(sheet->name ? sheet->name : "",
                                              state->requested_name) == 0
                                     : position == state->requested_position;
    if (!requested)
        return KY_SINK_SKIP_SHEET;
    state->in_requested = true;
    state->found = true;
    state->next_row = 0;
    return KY_SINK_OK;
}

/* Write the records collected in state->line and empty it. */
static int flush_line(dump_state *state)
{
    int status = write_out(state, state->line.data, state->line.len);
    ky_buf_clear(&state->line);
    return status;
}

/*
 * Add one row as a CSV record, after empty records for the rows skipped since
 * the last one. Records collect in state->line and are written in blocks of
 * about LINE_FLUSH_SIZE bytes.
 */
static int dump_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    dump_state *state = payload;
    if (!state->in_requested)
        return KY_SINK_OK;

    /* Sink rows are 0-based, like ky_cell.col and ky_range. */
    for (; state->next_row < row; state->next_row++)
        if (ky_buf_putc(&state->line, '\n') != 0)
            return KY_ENOMEM;

    uint32_t position = 0;
    for (size_t i = 0; i < count; i++) {
        const ky_cell *cell = &cells[i];
        for (; position < cell->col; position++)
            if (ky_buf_putc(&state->line, ',') != 0)
                return KY_ENOMEM;
        if (append_cell(state, cell) != 0)
            return KY_ENOMEM;
    }
    if (ky_buf_putc(&state->line, '\n') != 0)
        return KY_ENOMEM;
    state->next_row = row + 1;
    return state->line.len >= LINE_FLUSH_SIZE ? flush_line(state) : 0;
}

static int dump_merge(void *payload, const ky_range *range)
{
    /* Readers deliver a merged range's value in its top-left cell, which is what dump writes. */
    (void)payload;
    (void)range;
    return KY_SINK_OK;
}

static int dump_sheet_end(void *payload)
{
    dump_state *state = payload;
    if (!state->in_requested)
        return KY_SINK_OK;
    state->in_requested = false;
    int status = flush_line(state);
    return status != 0 ? status : KY_SINK_STOP;
}

static const ky_sink dump_sink = {
    .version = KY_SINK_VERSION,
    .sheet_begin = dump_sheet_begin,
    .row = dump_row,
    .merge = dump_merge,
    .sheet_end = dump_sheet_end,
};

/* ------------------------------------------------------------------------ */
/* Command                                                                   */
/* ------------------------------------------------------------------------ */

static void dump_state_reset_names(dump_state *state)
{
    for (size_t i = 0; i < state->name_count; i++)
        free(state->names[i]);
    free(state->names);
    state->names = NULL;
    state->name_count = 0;
    state->sheets_seen = 0;
}

/* Append `1 "First", 2 "Second"` for the sheets seen. */
static void append_sheet_list(ky_buf *out, const dump_state *state)
{
    for (size_t i = 0; i < state->name_count; i++)
        ky_buf_printf(out, "%s%zu \"%s\"", i ? ", " : "", i + 1, state->names[i]);
}

/* Return true when `text` is a whole positive decimal number, storing it in `out`. */
static bool parse_sheet_number(const char *text, uint32_t *out)
{
    if (!text[0])
        return false;
    unsigned long value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        value = value * 10 + (unsigned long)(*p - '0');
        if (value > UINT32_MAX)
            return false;
    }
    if (value == 0)
        return false;
    *out = (uint32_t)value;
    return true;
}

/* Print that the requested sheet is missing, naming the sheets the file has. */
static void report_missing_sheet(const cli_session *session, const char *path,
                                 const char *requested, const dump_state *state)
{
    ky_buf sheets = {0};
    append_sheet_list(&sheets, state);
    ky_loc loc = {.file = path};
    if (state->name_count == 0)
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("the file has no sheets"));
    else
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("no sheet named or numbered '%s'; the sheets are: %s"),
                           requested, sheets.data);
    ky_buf_free(&sheets);
}

/* Run the read; print any error and return the exit status. */
static int run_read(cli_session *session, const ky_source *source, const char *format,
                    ky_read_options *read_options, dump_state *state)
{
    int status = ky_registry_read(session->reg, session->ctx, source, format, read_options,
                                  &dump_sink, state);
    /* Rows of a read that stopped before sheet_end (an error in the file) are still written. */
    if (state->line.len > 0 && !state->write_errno)
        flush_line(state);
    if (state->write_errno) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL,
                           KY_("writing to standard output failed: %s"),
                           strerror(state->write_errno));
        ky_error_clear(session->ctx);
        return CLI_EXIT_FAILURE;
    }
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, source->path);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* Dump the requested sheet of one file. */
static int dump_file(cli_session *session, const char *path, const cli_options *options)
{
    dump_state state = {.out = stdout};
    ky_source source = {.path = path};
    ky_read_options read_options;
    ky_read_options_init(&read_options);
    read_options.encoding = options->encoding;
    const char *format = NULL;
    char *resolved = NULL;
    int status = CLI_EXIT_OK;

    int chosen = cli_session_choose_input(session, &source, options->from, &format);
    if (chosen < 0) {
        cli_report_error(&session->report, session->ctx, chosen, path);
        return CLI_EXIT_FAILURE;
    }

    /* A number picks a position, unless a sheet has that name (year sheets
     * such as "2024" are common), so a number needs the list of names first.
     * The position is then turned into its name, because a reader may skip
     * the sheets not named in read_options.sheet. */
    uint32_t number = 0;
    if (options->sheet && parse_sheet_number(options->sheet, &number)) {
        state.listing = true;
        status = run_read(session, &source, format, &read_options, &state);
        if (status != CLI_EXIT_OK)
            goto done;
        state.listing = false;
        bool named = false;
        for (size_t i = 0; i < state.name_count; i++)
            named = named || strcmp(state.names[i], options->sheet) == 0;
        if (!named && number > state.name_count) {
            report_missing_sheet(session, path, options->sheet, &state);
            status = CLI_EXIT_FAILURE;
            goto done;
        }
        resolved = ky_strdup(named ? options->sheet : state.names[number - 1]);
        if (!resolved) {
            cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
            status = CLI_EXIT_FAILURE;
            goto done;
        }
        dump_state_reset_names(&state);
        state.requested_name = resolved;
    } else if (options->sheet) {
        state.requested_name = options->sheet;
    }
    read_options.sheet = state.requested_name;

    status = run_read(session, &source, format, &read_options, &state);
    if (status != CLI_EXIT_OK)
        goto done;
    if (!state.found) {
        report_missing_sheet(session, path, options->sheet ? options->sheet : "1", &state);
        status = CLI_EXIT_FAILURE;
    }

done:
    free(resolved);
    dump_state_reset_names(&state);
    ky_buf_free(&state.line);
    ky_buf_free(&state.field);
    return status;
}

int cli_cmd_dump(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    uint64_t allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_SHEET) | CLI_ALLOW(CLI_OPT_FROM)
                     | CLI_ALLOW(CLI_OPT_ENCODING);
    int status = cli_options_parse(&options, argc, argv, allowed, false, "dump", stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout);
        goto done;
    }
    if (options.operand_count != 1) {
        cli_usage_error(stderr, "dump", "%s",
                        options.operand_count == 0 ? KY_("an input file is needed")
                                                   : KY_("dump reads one input file"));
        status = CLI_EXIT_USAGE;
        goto done;
    }

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;
    status = cli_session_check_input(&session, options.from, "dump");
    if (status == CLI_EXIT_OK) {
        /* Large blocks: a dump can be millions of short lines. */
        setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 20);
        status = dump_file(&session, options.operands[0], &options);
    }
    cli_session_close(&session);

done:
    cli_options_free(&options);
    return status;
}
