/* qr.c — QR codes as PNG (libpng) and as an SVG poster (see qr.h). */
#include "core/qr.h"

#include <png.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

enum { QUIET = 4 };

static QRcode *encode(const char *text)
{
	/* Level M: survives a poster that is a little worn or creased. */
	return QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
}

struct mem {
	unsigned char *p;
	size_t n, cap;
	int failed;
};

static void mem_write(png_structp png, png_bytep data, png_size_t len)
{
	struct mem *m = png_get_io_ptr(png);
	if (m->failed)
		return;
	if (m->n + len > m->cap) {
		size_t cap = (m->cap ? m->cap * 2 : 4096);
		while (cap < m->n + len)
			cap *= 2;
		unsigned char *p = realloc(m->p, cap);
		if (!p) {
			m->failed = 1;
			return;
		}
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->n, data, len);
	m->n += len;
}

static void mem_flush(png_structp png)
{
	(void)png;
}

/* libpng reports errors by longjmp: keep everything it may unwind past in the caller. */
static bool write_png(const QRcode *q, int scale, int side, unsigned char *row, struct mem *m)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_write_struct(&png, &info);
		return false;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return false;
	}
	png_set_write_fn(png, m, mem_write, mem_flush);
	/* One bit per pixel would be smaller; 8-bit grey keeps every viewer and printer happy. */
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < side; y++) {
		int my = y / scale - QUIET;
		for (int x = 0; x < side; x++) {
			int mx = x / scale - QUIET;
			bool dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width && (q->data[my * q->width + mx] & 1);
			row[x] = dark ? 0 : 255;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return !m->failed;
}

unsigned char *qr_png(const char *text, int scale, size_t *n)
{
	QRcode *q = encode(text);
	if (!q)
		return NULL;
	if (scale < 1 || scale > 32)
		scale = 8;
	int side = (q->width + 2 * QUIET) * scale;
	struct mem m = {0};
	unsigned char *row = malloc((size_t)side);
	bool ok = row && write_png(q, scale, side, row, &m);
	free(row);
	QRcode_free(q);
	if (!ok) {
		free(m.p);
		return NULL;
	}
	*n = m.n;
	return m.p;
}

/* Text as XML character data; returns -1 when the buffer refused it. */
static int xml_text(gz_buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		switch (*s) {
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		default: rc = buf_append(b, s, 1);
		}
	}
	return rc;
}

char *qr_svg_poster(const char *text, const char *title, const char *subtitle, const char *caption, size_t *n)
{
	QRcode *q = encode(text);
	if (!q)
		return NULL;
	/* A 210 × 297 poster (A4 in millimetres as user units); the code 150 wide, centred. */
	const double W = 210, H = 297, side = 150, x0 = (W - side) / 2, y0 = 80;
	int cells = q->width + 2 * QUIET;
	double m = side / cells;
	gz_buf b;
	buf_init(&b, 4 << 20);
	int rc = buf_printf(&b,
		   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 %g %g\">\n"
		   "<rect width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n"
		   "<rect x=\"8\" y=\"8\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\"/>\n"
		   "<g font-family=\"'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif\" text-anchor=\"middle\">\n",
		   W, H, W, H, W - 16, H - 16);
	rc |= buf_printf(&b, "<text x=\"%g\" y=\"40\" font-size=\"11\" font-weight=\"bold\" fill=\"#c0392b\">", W / 2);
	rc |= xml_text(&b, title);
	rc |= buf_printf(&b, "</text>\n<text x=\"%g\" y=\"60\" font-size=\"9\" fill=\"#333\">", W / 2);
	rc |= xml_text(&b, subtitle);
	rc |= buf_printf(&b, "</text>\n<text x=\"%g\" y=\"%g\" font-size=\"5.5\" fill=\"#333\">", W / 2, y0 + side + 18);
	rc |= xml_text(&b, caption);
	rc |= buf_printf(&b, "</text>\n<text x=\"%g\" y=\"%g\" font-size=\"4\" fill=\"#888\">", W / 2, y0 + side + 30);
	rc |= xml_text(&b, text);
	rc |= buf_puts(&b, "</text>\n</g>\n");
	/* The code: one path, a square per dark module. */
	rc |= buf_puts(&b, "<path fill=\"#000\" d=\"");
	for (int y = 0; y < q->width && !rc; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				rc |= buf_printf(&b, "M%.3f %.3fh%.3fv%.3fh-%.3fz", x0 + (x + QUIET) * m, y0 + (y + QUIET) * m, m, m,
						 m);
	rc |= buf_puts(&b, "\"/>\n</svg>\n");
	QRcode_free(q);
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, n);
}
