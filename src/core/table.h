/* table.h — reading a spreadsheet a cadre already keeps: CSV (UTF-8, optional BOM) or the
 * first worksheet of an XLSX file, row by row, cells as text.
 *
 * CSV goes through libcsv; XLSX through libzip (the archive) and expat (the XML of the shared
 * strings and of the sheet). Limits: at most TABLE_MAX_COLS cells per row and TABLE_MAX_CELL
 * bytes per cell; at most TABLE_MAX_XML bytes uncompressed (a zip bomb stops there). Numeric
 * cells come back as Excel wrote them ("44927", "3.5"); dates typed into Excel are day serials,
 * which table_excel_date converts. */
#ifndef GZ_TABLE_H
#define GZ_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum { TABLE_MAX_COLS = 32, TABLE_MAX_CELL = 1024, TABLE_MAX_XML = 256 << 20 };

/* Called for each row (row numbers from 1, as the spreadsheet shows them; empty rows are
 * skipped). cells[i] are NUL-terminated, valid only during the call. Return non-zero to stop. */
typedef int (*table_row_fn)(void *ctx, long row, const char *const *cells, int ncells);

/* Read data (an XLSX file if it starts with the zip signature, else CSV). GZ_E_INVALID_VALUE
 * for a file that is neither, or is damaged; the message names the problem. */
gz_err table_read(const void *data, size_t n, table_row_fn fn, void *ctx, gz_error *e);

/* Whether data looks like an XLSX (zip) file. */
bool table_is_xlsx(const void *data, size_t n);

/* An Excel day serial (1900 date system) as YYYY-MM-DD in out (11 bytes). false if s is not a
 * plausible serial. */
bool table_excel_date(const char *s, char out[11]);

#endif
