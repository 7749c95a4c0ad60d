/* table.c — CSV (libcsv) and XLSX (libzip + expat) rows as text cells. */
#include "core/table.h"

#include <errno.h>
#include <csv.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "core/util.h"

bool table_is_xlsx(const void *data, size_t n)
{
	return n >= 4 && !memcmp(data, "PK\x03\x04", 4);
}

bool table_excel_date(const char *s, char out[11])
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v < 1 || v > 2958465)
		return false;
	/* Serial 25569 is 1970-01-01 (Excel counts the nonexistent 1900-02-29). */
	time_t t = (time_t)(((long long)v - 25569) * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return true;
}

/* A row being assembled. */
struct rowbuf {
	char cells[TABLE_MAX_COLS][TABLE_MAX_CELL + 1];
	size_t len[TABLE_MAX_COLS];
	int ncells;
	bool too_long;
};

static int emit(struct rowbuf *rb, long row, table_row_fn fn, void *ctx)
{
	const char *cells[TABLE_MAX_COLS];
	bool empty = true;
	for (int i = 0; i < rb->ncells; i++) {
		rb->cells[i][rb->len[i]] = '\0';
		cells[i] = rb->cells[i];
		if (rb->len[i])
			empty = false;
	}
	int stop = empty ? 0 : fn(ctx, row, cells, rb->ncells);
	for (int i = 0; i < rb->ncells; i++)
		rb->len[i] = 0;
	rb->ncells = 0;
	return stop;
}

static void put(struct rowbuf *rb, int col, const char *s, size_t n)
{
	if (col < 0 || col >= TABLE_MAX_COLS)
		return;
	while (rb->ncells <= col)
		rb->len[rb->ncells++] = 0;
	size_t room = TABLE_MAX_CELL - rb->len[col];
	if (n > room) {
		n = room;
		rb->too_long = true;
	}
	memcpy(rb->cells[col] + rb->len[col], s, n);
	rb->len[col] += n;
}

/* --- CSV -------------------------------------------------------------------------------- */

struct csvctx {
	struct rowbuf *rb;
	int col;
	long row;
	table_row_fn fn;
	void *ctx;
	int stop;
};

static void csv_cell(void *s, size_t n, void *p)
{
	struct csvctx *c = p;
	if (c->stop)
		return;
	put(c->rb, c->col, s ? s : "", s ? n : 0);
	if (c->col < TABLE_MAX_COLS && c->rb->ncells <= c->col)
		c->rb->ncells = c->col + 1;
	c->col++;
}

static void csv_end(int term, void *p)
{
	(void)term;
	struct csvctx *c = p;
	if (c->stop)
		return;
	c->row++;
	c->col = 0;
	c->stop = emit(c->rb, c->row, c->fn, c->ctx);
}

static gz_err read_csv(const char *data, size_t n, struct rowbuf *rb, table_row_fn fn, void *ctx, gz_error *e)
{
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		n -= 3;
	}
	if (!gz_utf8_valid(data, n))
		return gz_fail(e, GZ_E_INVALID_VALUE, "file", "the file is neither xlsx nor utf-8 csv (save it as \"CSV UTF-8\")");
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading csv");
	struct csvctx c = {rb, 0, 0, fn, ctx, 0};
	gz_err rc = GZ_OK;
	if (csv_parse(&p, data, n, csv_cell, csv_end, &c) != n)
		rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "csv row %ld: %s", c.row + 1, csv_strerror(csv_error(&p)));
	else
		csv_fini(&p, csv_cell, csv_end, &c);
	csv_free(&p);
	return rc;
}

/* --- XLSX ------------------------------------------------------------------------------- */

struct strings {
	char **v;
	size_t n, cap;
	char cur[TABLE_MAX_CELL + 1];
	size_t curlen;
	int depth_si;
	bool in_t;
};

static void ss_start(void *p, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	struct strings *ss = p;
	if (!strcmp(name, "si")) {
		ss->depth_si = 1;
		ss->curlen = 0;
	} else if (ss->depth_si && !strcmp(name, "t")) {
		ss->in_t = true;
	} else if (ss->depth_si && !strcmp(name, "rPh")) {
		ss->depth_si = 2; /* phonetic hints: not part of the text */
	}
}

static void ss_end(void *p, const XML_Char *name)
{
	struct strings *ss = p;
	if (!strcmp(name, "t")) {
		ss->in_t = false;
	} else if (!strcmp(name, "rPh")) {
		ss->depth_si = 1;
	} else if (!strcmp(name, "si")) {
		ss->depth_si = 0;
		if (ss->n == ss->cap) {
			size_t cap = ss->cap ? ss->cap * 2 : 1024;
			char **v = realloc(ss->v, cap * sizeof *v);
			if (!v)
				return;
			ss->v = v;
			ss->cap = cap;
		}
		ss->cur[ss->curlen] = '\0';
		ss->v[ss->n++] = strdup(ss->cur);
	}
}

static void ss_text(void *p, const XML_Char *s, int len)
{
	struct strings *ss = p;
	if (ss->depth_si != 1 || !ss->in_t)
		return;
	size_t n = (size_t)len;
	if (n > TABLE_MAX_CELL - ss->curlen)
		n = TABLE_MAX_CELL - ss->curlen;
	memcpy(ss->cur + ss->curlen, s, n);
	ss->curlen += n;
}

struct sheet {
	struct strings *ss;
	struct rowbuf *rb;
	table_row_fn fn;
	void *ctx;
	int stop;
	long row;
	int col;
	char type[16];
	bool in_v, in_t;
	char bad_row[24]; /* a row number that is not the next one: the sheet is damaged */
	char val[TABLE_MAX_CELL + 1];
	size_t vlen;
	XML_Parser parser;
};

enum { XLSX_MAX_ROWS = 1048576, XLSX_MAX_COLS = 16384 }; /* Excel's own limits */

/* "BC12" → column index 54 (A = 0); past Excel's last column (XFD) the index stops growing. */
static int col_of(const char *ref)
{
	int c = 0;
	for (; *ref >= 'A' && *ref <= 'Z' && c <= XLSX_MAX_COLS; ref++)
		c = c * 26 + (*ref - 'A' + 1);
	return c - 1;
}

static void sh_start(void *p, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *sh = p;
	if (sh->stop)
		return;
	if (!strcmp(name, "row")) {
		sh->col = 0;
		sh->rb->ncells = 0;
		long next = sh->row + 1; /* a row without r is the one after the last (ECMA-376 18.3.1.73) */
		for (int i = 0; atts[i]; i += 2) {
			if (strcmp(atts[i], "r"))
				continue;
			char *end;
			errno = 0;
			long r = strtol(atts[i + 1], &end, 10);
			/* Rows count from 1 and only go down the sheet: anything else (r="0", r="d", a
			 * row repeated or out of order) would give the importer wrong row numbers. */
			if (errno || end == atts[i + 1] || *end || r <= sh->row || r > XLSX_MAX_ROWS) {
				gz_strlcpy(sh->bad_row, atts[i + 1], sizeof sh->bad_row);
				sh->stop = 1;
				XML_StopParser(sh->parser, XML_FALSE);
				return;
			}
			next = r;
		}
		sh->row = next;
	} else if (!strcmp(name, "c")) {
		sh->type[0] = '\0';
		sh->vlen = 0;
		for (int i = 0; atts[i]; i += 2) {
			if (!strcmp(atts[i], "r"))
				sh->col = col_of(atts[i + 1]);
			else if (!strcmp(atts[i], "t"))
				gz_strlcpy(sh->type, atts[i + 1], sizeof sh->type);
		}
	} else if (!strcmp(name, "v")) {
		sh->in_v = true;
	} else if (!strcmp(name, "t")) {
		sh->in_t = true; /* inline string */
	}
}

static void sh_end(void *p, const XML_Char *name)
{
	struct sheet *sh = p;
	if (sh->stop)
		return;
	if (!strcmp(name, "v")) {
		sh->in_v = false;
	} else if (!strcmp(name, "t")) {
		sh->in_t = false;
	} else if (!strcmp(name, "c")) {
		sh->val[sh->vlen] = '\0';
		if (!strcmp(sh->type, "s")) {
			size_t i = (size_t)strtoul(sh->val, NULL, 10);
			const char *s = i < sh->ss->n && sh->ss->v[i] ? sh->ss->v[i] : "";
			put(sh->rb, sh->col, s, strlen(s));
		} else if (!strcmp(sh->type, "b")) {
			put(sh->rb, sh->col, sh->val[0] == '1' ? "TRUE" : "FALSE", sh->val[0] == '1' ? 4 : 5);
		} else {
			put(sh->rb, sh->col, sh->val, sh->vlen);
		}
		sh->col++;
	} else if (!strcmp(name, "row")) {
		sh->stop = emit(sh->rb, sh->row, sh->fn, sh->ctx);
		if (sh->stop)
			XML_StopParser(sh->parser, XML_FALSE);
	}
}

static void sh_text(void *p, const XML_Char *s, int len)
{
	struct sheet *sh = p;
	if (!sh->in_v && !sh->in_t)
		return;
	size_t n = (size_t)len;
	if (n > TABLE_MAX_CELL - sh->vlen)
		n = TABLE_MAX_CELL - sh->vlen;
	memcpy(sh->val + sh->vlen, s, n);
	sh->vlen += n;
}

/* Stream one archive member through an expat parser. */
static gz_err parse_member(zip_t *za, const char *name, XML_Parser xp, size_t *budget, bool required, gz_error *e)
{
	zip_file_t *zf = zip_fopen(za, name, 0);
	if (!zf)
		return required ? gz_fail(e, GZ_E_INVALID_VALUE, "file", "the xlsx file has no \"%s\"", name) : GZ_OK;
	char buf[65536];
	zip_int64_t got;
	gz_err rc = GZ_OK;
	while ((got = zip_fread(zf, buf, sizeof buf)) > 0) {
		if ((size_t)got > *budget) {
			rc = gz_fail(e, GZ_E_TOO_LARGE, "file", "the xlsx file unpacks to more than %d MiB", TABLE_MAX_XML >> 20);
			break;
		}
		*budget -= (size_t)got;
		if (XML_Parse(xp, buf, (int)got, 0) == XML_STATUS_ERROR) {
			if (XML_GetErrorCode(xp) != XML_ERROR_ABORTED)
				rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "damaged xlsx: %s in \"%s\"",
					     XML_ErrorString(XML_GetErrorCode(xp)), name);
			break;
		}
	}
	if (!rc && got < 0)
		rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "damaged xlsx: cannot unpack \"%s\"", name);
	if (!rc && XML_Parse(xp, NULL, 0, 1) == XML_STATUS_ERROR && XML_GetErrorCode(xp) != XML_ERROR_ABORTED &&
	    XML_GetErrorCode(xp) != XML_ERROR_FINISHED)
		rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "damaged xlsx: %s in \"%s\"", XML_ErrorString(XML_GetErrorCode(xp)),
			     name);
	zip_fclose(zf);
	return rc;
}

static gz_err read_xlsx(const void *data, size_t n, struct rowbuf *rb, table_row_fn fn, void *ctx, gz_error *e)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
	if (!src)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading xlsx");
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!za) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return gz_fail(e, GZ_E_INVALID_VALUE, "file", "the file is not a readable xlsx (zip) file");
	}
	/* The first worksheet: Excel and WPS name it sheet1.xml; else take the first in the archive. */
	const char *sheet = "xl/worksheets/sheet1.xml";
	if (zip_name_locate(za, sheet, 0) < 0) {
		sheet = NULL;
		zip_int64_t k = zip_get_num_entries(za, 0);
		for (zip_int64_t i = 0; i < k && !sheet; i++) {
			const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);
			if (nm && !strncmp(nm, "xl/worksheets/", 14) && strstr(nm, ".xml") && !strchr(nm + 14, '/'))
				sheet = nm;
		}
	}
	gz_err rc = GZ_OK;
	size_t budget = TABLE_MAX_XML;
	struct strings ss = {0};
	if (!sheet)
		rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "the xlsx file has no worksheet");
	if (!rc) {
		XML_Parser xp = XML_ParserCreate("UTF-8");
		XML_SetUserData(xp, &ss);
		XML_SetElementHandler(xp, ss_start, ss_end);
		XML_SetCharacterDataHandler(xp, ss_text);
		rc = parse_member(za, "xl/sharedStrings.xml", xp, &budget, false, e);
		XML_ParserFree(xp);
	}
	if (!rc) {
		XML_Parser xp = XML_ParserCreate("UTF-8");
		struct sheet sh = {.ss = &ss, .rb = rb, .fn = fn, .ctx = ctx, .parser = xp};
		XML_SetUserData(xp, &sh);
		XML_SetElementHandler(xp, sh_start, sh_end);
		XML_SetCharacterDataHandler(xp, sh_text);
		rc = parse_member(za, sheet, xp, &budget, true, e);
		XML_ParserFree(xp);
		if (!rc && sh.bad_row[0])
			rc = gz_fail(e, GZ_E_INVALID_VALUE, "file", "damaged xlsx: row number \"%s\" after row %ld in \"%s\"",
				     sh.bad_row, sh.row, sheet);
	}
	for (size_t i = 0; i < ss.n; i++)
		free(ss.v[i]);
	free(ss.v);
	zip_discard(za);
	zip_error_fini(&ze);
	return rc;
}

gz_err table_read(const void *data, size_t n, table_row_fn fn, void *ctx, gz_error *e)
{
	struct rowbuf *rb = calloc(1, sizeof *rb);
	if (!rb)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading the file");
	gz_err rc = table_is_xlsx(data, n) ? read_xlsx(data, n, rb, fn, ctx, e) : read_csv(data, n, rb, fn, ctx, e);
	free(rb);
	return rc;
}
