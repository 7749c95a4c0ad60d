/* qr.h — QR codes for posters and check-in (libqrencode; PNG through libpng).
 *
 * Both functions return malloc'd bytes (the caller frees them) and their length in *n, or NULL
 * when the text does not fit a QR code or memory ran out. */
#ifndef GZ_QR_H
#define GZ_QR_H

#include <stddef.h>

/* A PNG of the code alone: `scale` pixels per module, a 4-module quiet zone. */
unsigned char *qr_png(const char *text, int scale, size_t *n);

/* An A4-proportioned SVG poster: the title lines above the code, the caption below (all
 * UTF-8 text, escaped here). */
char *qr_svg_poster(const char *text, const char *title, const char *subtitle, const char *caption, size_t *n);

#endif
