/* fuzz_table.c — libFuzzer target: the CSV/XLSX import parser (core/table.c) on any bytes.
 * Checks its limits: at most TABLE_MAX_COLS cells a row and TABLE_MAX_CELL bytes a cell, row
 * numbers that only grow, a damaged file refused with a message; and the Excel date
 * conversion on every cell. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "core/util.h"

struct seen {
	long last_row;
	long rows;
};

static int on_row(void *ctx, long row, const char *const *cells, int ncells)
{
	struct seen *s = ctx;
	if (ncells < 0 || ncells > TABLE_MAX_COLS || row <= s->last_row) {
		fprintf(stderr, "fuzz_table: row %ld after %ld with %d cells\n", row, s->last_row, ncells);
		abort();
	}
	s->last_row = row;
	for (int i = 0; i < ncells; i++) {
		size_t n = strlen(cells[i]);
		if (n > TABLE_MAX_CELL) {
			fprintf(stderr, "fuzz_table: a cell of %zu bytes\n", n);
			abort();
		}
		char d[11];
		if (table_excel_date(cells[i], d) && (strlen(d) != 10 || d[4] != '-' || d[7] != '-')) {
			fprintf(stderr, "fuzz_table: date \"%s\" from \"%s\"\n", d, cells[i]);
			abort();
		}
	}
	/* An importer stops early on a bad row: so does this, now and then. */
	return ++s->rows > 5000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0, 0};
	gz_error e = {0};
	gz_err rc = table_read(data, size, on_row, &s, &e);
	if (rc != GZ_OK && (!e.message[0] || !gz_utf8_valid(e.message, strlen(e.message)))) {
		fprintf(stderr, "fuzz_table: error %d without a readable message\n", rc);
		abort();
	}
	return 0;
}
