/* util.c — time, logging, UTF-8 and token helpers shared by every module. */
#include "core/util.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static gz_log_level log_min = GZ_LOG_INFO;

static int64_t clock_offset;

void gz_clock_offset(int64_t seconds)
{
	clock_offset = seconds;
}

int64_t gz_now(void)
{
	return (int64_t)time(NULL) + clock_offset;
}

uint64_t gz_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char *digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

/* Days since 1970-01-01 as a proleptic Gregorian date (the civil-from-days computation over
 * 400-year eras of 146,097 days, with years starting in March so the leap day comes last):
 * gmtime_r takes glibc's time-zone lock on every call, and the workers formatting a list's times
 * queued on it. */
static void civil_from_days(int64_t days, int *y, int *m, int *d)
{
	days += 719468; /* from 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;                                    /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                     /* March = 0 */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void gz_time_rfc3339(int64_t t, char *out, size_t n)
{
	/* China has had no daylight saving time since 1991: a fixed +08:00 is exact. Formatted by
	 * hand: a list reply formats a hundred of these, and strftime was a tenth of its time. */
	int64_t local = t + 8 * 3600, days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	int year, mon, mday;
	civil_from_days(days, &year, &mon, &mday);
	if (year < 0 || year > 9999) {
		time_t lt = (time_t)local;
		struct tm tm;
		gmtime_r(&lt, &tm);
		strftime(out, n, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
		return;
	}
	char b[32], *p = b;
	p = digits(p, year, 4);
	*p++ = '-';
	p = digits(p, mon, 2);
	*p++ = '-';
	p = digits(p, mday, 2);
	*p++ = 'T';
	p = digits(p, (int)(secs / 3600), 2);
	*p++ = ':';
	p = digits(p, (int)(secs / 60 % 60), 2);
	*p++ = ':';
	p = digits(p, (int)(secs % 60), 2);
	memcpy(p, "+08:00", 7);
	gz_strlcpy(out, b, n);
}

void gz_date_shanghai(int64_t t, char out[11])
{
	time_t local = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void gz_log_set_level(gz_log_level lv)
{
	log_min = lv;
}

void gz_log(gz_log_level lv, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (lv < log_min)
		return;
	char ts[32];
	gz_time_rfc3339(gz_now(), ts, sizeof ts);
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s %s\n", ts, names[lv], line);
}

bool gz_utf8_valid(const char *s, size_t n)
{
	/* jansson validates UTF-8 (overlong forms, surrogates) when it builds a string; reuse
	 * that rather than keeping a second validator. NUL is refused separately because
	 * json_stringn accepts it. */
	if (memchr(s, '\0', n))
		return false;
	json_t *j = json_stringn(s, n);
	if (!j)
		return false;
	json_decref(j);
	return true;
}

void gz_utf8_scrub(char *s)
{
	size_t n = strlen(s);
	if (gz_utf8_valid(s, n))
		return;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (len && i + len <= n && gz_utf8_valid(s + i, len)) {
			i += len;
		} else {
			s[i++] = '?';
		}
	}
}

size_t gz_utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

bool gz_all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

char *gz_strlcpy(char *dst, const char *src, size_t n)
{
	if (n == 0)
		return dst;
	size_t len = strnlen(src, n - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return dst;
}

char *gz_random_token(char *out, size_t outsz, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, outsz, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return out;
}

static gz_err text_check(const char *field, const char *v, size_t min, size_t max, bool lines, gz_error *e)
{
	size_t n = strlen(v);
	if (!gz_utf8_valid(v, n))
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "field \"%s\" is not valid text", field);
	size_t chars = gz_utf8_chars(v, n);
	size_t blank = 0;
	for (size_t i = 0; i < n; i++)
		blank += v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r';
	if (chars < min || (min > 0 && blank == n))
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "field \"%s\" must not be empty", field);
	if (chars > max)
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "field \"%s\" is longer than %zu characters", field, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return gz_fail(e, GZ_E_INVALID_VALUE, field, "field \"%s\" contains control characters", field);
	}
	return GZ_OK;
}

gz_err gz_text_check(const char *field, const char *v, size_t min, size_t max, gz_error *e)
{
	return text_check(field, v, min, max, false, e);
}

gz_err gz_text_check_lines(const char *field, const char *v, size_t min, size_t max, gz_error *e)
{
	return text_check(field, v, min, max, true, e);
}
