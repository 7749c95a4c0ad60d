/* util.h — small shared helpers: time, logging, randomness, text checks.
 *
 * Logging goes to stderr, one line per event, and must never carry personal data (citizen ID
 * numbers, phones, passwords, tokens). */
#ifndef GZ_UTIL_H
#define GZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Seconds since the epoch. */
int64_t gz_now(void);
/* Shift gz_now by seconds (GONGZHI_CLOCK_OFFSET at start-up): lets tests see the server a week
 * later without waiting a week. */
void gz_clock_offset(int64_t seconds);
/* Monotonic nanoseconds, for measuring durations. */
uint64_t gz_mono_ns(void);
/* RFC 3339 time in Asia/Shanghai (+08:00), e.g. 2026-11-23T15:40:00+08:00. out needs 26+ bytes. */
void gz_time_rfc3339(int64_t t, char *out, size_t n);

/* The date YYYY-MM-DD in Asia/Shanghai of time t (out: 11 bytes). "Today" for every date rule. */
void gz_date_shanghai(int64_t t, char out[11]);

typedef enum { GZ_LOG_DEBUG, GZ_LOG_INFO, GZ_LOG_WARN, GZ_LOG_ERROR } gz_log_level;
void gz_log(gz_log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Messages below this level are dropped (default INFO; tests set WARN). */
void gz_log_set_level(gz_log_level lv);

/* Whether s[0..n) is well-formed UTF-8 without NUL bytes (jansson's own validator). */
bool gz_utf8_valid(const char *s, size_t n);
/* Replace, in place, every byte of s that is not part of a well-formed UTF-8 sequence by '?'
 * (error messages quote input, and a quote cut at a byte limit may split a character). */
void gz_utf8_scrub(char *s);
/* Number of Unicode characters in valid UTF-8 text. */
size_t gz_utf8_chars(const char *s, size_t n);
/* Whether s is n decimal digits and nothing else. */
bool gz_all_digits(const char *s, size_t n);

/* Check a text field: valid UTF-8, min..max characters (min > 0: not only blanks), no control
 * characters — multi-line text (gz_text_check_lines) may hold line breaks and tabs. Fails with
 * GZ_E_INVALID_VALUE naming field. */
gz_err gz_text_check(const char *field, const char *v, size_t min, size_t max, gz_error *e);
gz_err gz_text_check_lines(const char *field, const char *v, size_t min, size_t max, gz_error *e);

/* Copy src into dst of size n, truncating; always NUL-terminates when n > 0. Returns dst. */
char *gz_strlcpy(char *dst, const char *src, size_t n);

/* Base64url (no padding) of n random bytes, written to out (size >= 4*n/3+2). Returns out. */
char *gz_random_token(char *out, size_t outsz, size_t nbytes);

#endif
