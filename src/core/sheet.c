/* sheet.c — XLSX and CSV output (see sheet.h). */
#include "core/sheet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct gz_sheet {
	char path[64];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;
	FILE *csv;
	int row, col, sheets;
};

gz_err sheet_open(gz_sheet **out, bool xlsx, gz_error *e)
{
	gz_sheet *s = calloc(1, sizeof *s);
	if (!s)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory");
	snprintf(s->path, sizeof s->path, "/tmp/gongzhi-export-XXXXXX");
	int fd = mkstemp(s->path);
	if (fd < 0) {
		free(s);
		return gz_fail(e, GZ_E_IO, NULL, "cannot create a temporary file");
	}
	close(fd);
	unlink(s->path);
	strncat(s->path, xlsx ? ".xlsx" : ".csv", sizeof s->path - strlen(s->path) - 1);
	if (xlsx) {
		/* Constant memory: each row goes to disk as it is written (MEASURED.md: 4 MB for 1M rows). */
		lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
		s->wb = workbook_new_opt(s->path, &opt);
		if (s->wb) {
			s->head = workbook_add_format(s->wb);
			format_set_bold(s->head);
		}
	} else {
		s->csv = fopen(s->path, "w");
		if (s->csv)
			fputs("\xEF\xBB\xBF", s->csv); /* Excel opens UTF-8 CSV correctly only with a BOM */
	}
	if (!s->wb && !s->csv) {
		free(s);
		return gz_fail(e, GZ_E_IO, NULL, "cannot create the spreadsheet: %s", strerror(errno));
	}
	*out = s;
	return GZ_OK;
}

bool sheet_is_xlsx(const gz_sheet *s)
{
	return s->wb != NULL;
}

static void csv_cell_out(FILE *f, const char *v)
{
	/* Quote what CSV needs quoted, and leading zeros so Excel keeps them as text. */
	bool quote = strpbrk(v, ",\"\r\n") != NULL || (*v == '0' && strlen(v) > 1);
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

gz_err sheet_add(gz_sheet *s, const char *name, const char *const *headers, int ncols, const int *widths)
{
	if (s->wb) {
		s->ws = workbook_add_worksheet(s->wb, name);
		if (!s->ws)
			return GZ_E_IO;
		for (int i = 0; widths && i < ncols; i++)
			if (widths[i])
				worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
	} else {
		if (s->sheets) {
			fputs("\r\n", s->csv);
			csv_cell_out(s->csv, name);
			fputs("\r\n", s->csv);
		}
	}
	s->sheets++;
	s->row = s->col = 0;
	if (headers) {
		for (int i = 0; i < ncols; i++) {
			if (s->wb)
				worksheet_write_string(s->ws, 0, (lxw_col_t)i, headers[i], s->head);
			else
				sheet_text(s, i, headers[i]);
		}
		sheet_next_row(s);
	}
	return GZ_OK;
}

void sheet_text(gz_sheet *s, int col, const char *v)
{
	if (s->wb) {
		worksheet_write_string(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, v ? v : "", NULL);
		return;
	}
	/* Columns are written left to right: pad the skipped ones. */
	if (col == 0 && s->col == 0) {
		s->col = 1;
	} else {
		while (s->col < col) {
			fputc(',', s->csv);
			s->col++;
		}
		fputc(',', s->csv);
		s->col = col + 1;
	}
	csv_cell_out(s->csv, v ? v : "");
}

void sheet_number(gz_sheet *s, int col, double v)
{
	if (s->wb) {
		worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, v, NULL);
		return;
	}
	char b[40];
	snprintf(b, sizeof b, "%.15g", v);
	sheet_text(s, col, b);
}

void sheet_next_row(gz_sheet *s)
{
	if (s->csv)
		fputs("\r\n", s->csv);
	s->row++;
	s->col = 0;
}

void sheet_row(gz_sheet *s, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		sheet_text(s, i, cells[i]);
	sheet_next_row(s);
}

void sheet_abort(gz_sheet *s)
{
	if (!s)
		return;
	if (s->wb)
		workbook_close(s->wb);
	if (s->csv)
		fclose(s->csv);
	unlink(s->path);
	free(s);
}

gz_err sheet_finish(gz_sheet *s, int *fd_out, gz_error *e)
{
	gz_err rc = GZ_OK;
	if (s->wb) {
		lxw_error err = workbook_close(s->wb);
		if (err != LXW_NO_ERROR)
			rc = gz_fail(e, GZ_E_IO, NULL, "cannot write the spreadsheet: %s", lxw_strerror(err));
	} else if (fclose(s->csv) != 0) {
		rc = gz_fail(e, GZ_E_IO, NULL, "cannot write the file");
	}
	s->wb = NULL;
	s->csv = NULL;
	if (!rc) {
		/* Reopen, then unlink: the reply streams the open file, nothing is left behind. */
		FILE *f = fopen(s->path, "rb");
		if (!f) {
			rc = gz_fail(e, GZ_E_IO, NULL, "cannot reopen the export");
		} else {
			*fd_out = dup(fileno(f));
			fclose(f);
			if (*fd_out < 0)
				rc = gz_fail(e, GZ_E_IO, NULL, "cannot reopen the export");
		}
	}
	unlink(s->path);
	free(s);
	return rc;
}
