/* sheet.h — writing the spreadsheets officials download: XLSX (libxlsxwriter, constant memory:
 * rows go to disk as they are written) or CSV (UTF-8 with a BOM, so Excel opens it right).
 *
 * Usage: sheet_open, then for each worksheet sheet_add, cells (sheet_text / sheet_number) and
 * sheet_next_row; sheet_finish hands back a read-only file descriptor of the finished file
 * (already unlinked: it disappears when closed), or sheet_abort throws it away. A CSV holds the
 * worksheets one after another, each under a line with its name and a blank line between. */
#ifndef GZ_SHEET_H
#define GZ_SHEET_H

#include <stdbool.h>

#include "core/error.h"

typedef struct gz_sheet gz_sheet;

gz_err sheet_open(gz_sheet **out, bool xlsx, gz_error *e);
/* A new worksheet; headers (bold, the first row) may be NULL; widths (characters, 0 = default)
 * may be NULL. */
gz_err sheet_add(gz_sheet *s, const char *name, const char *const *headers, int ncols, const int *widths);
/* Text cells stay text (ID numbers and phones must not become numbers). */
void sheet_text(gz_sheet *s, int col, const char *v);
void sheet_number(gz_sheet *s, int col, double v);
void sheet_next_row(gz_sheet *s);
/* A whole row of text cells, then the next row. */
void sheet_row(gz_sheet *s, const char *const *cells, int n);
/* Whether the current output is XLSX (a caller may add XLSX-only worksheets, like help). */
bool sheet_is_xlsx(const gz_sheet *s);
gz_err sheet_finish(gz_sheet *s, int *fd_out, gz_error *e);
void sheet_abort(gz_sheet *s);

#endif
