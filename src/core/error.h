/* error.h — the one error enum of gongzhi, its HTTP mapping and the error detail record.
 *
 * Contract: the enum is append-only (codes are stable words in the API and in the console's
 * message table, web/src/errors.js). Every fallible function returns gz_err and, when given a
 * gz_error *, fills it with a message that is lowercase, has no final full stop, says what
 * failed and quotes the subject. GZ_OK is 0. */
#ifndef GZ_ERROR_H
#define GZ_ERROR_H

#include <stdarg.h>

typedef enum {
	GZ_OK = 0,
	GZ_E_INTERNAL,        /* 500 internal */
	GZ_E_NOMEM,           /* 500 internal: allocation failed or a size cap was hit */
	GZ_E_BAD_REQUEST,     /* 400 bad_request */
	GZ_E_INVALID_JSON,    /* 400 invalid_json */
	GZ_E_INVALID_UTF8,    /* 400 invalid_utf8 */
	GZ_E_MISSING_FIELD,   /* 400 missing_field */
	GZ_E_UNKNOWN_FIELD,   /* 400 unknown_field */
	GZ_E_INVALID_TYPE,    /* 400 invalid_type */
	GZ_E_INVALID_VALUE,   /* 422 invalid_value */
	GZ_E_UNAUTHORIZED,    /* 401 unauthorized */
	GZ_E_SESSION_EXPIRED, /* 401 session_expired */
	GZ_E_BAD_CREDENTIALS, /* 401 bad_credentials */
	GZ_E_FORBIDDEN,       /* 403 forbidden */
	GZ_E_CSRF,            /* 403 csrf_failed */
	GZ_E_NOT_FOUND,       /* 404 not_found */
	GZ_E_METHOD,          /* 405 method_not_allowed */
	GZ_E_CONFLICT,        /* 409 conflict */
	GZ_E_TOO_LARGE,       /* 413 payload_too_large */
	GZ_E_TOO_MANY,        /* 429 too_many_attempts */
	GZ_E_UNAVAILABLE,     /* 503 unavailable: the store stayed busy past its bounded wait */
	GZ_E_IO,              /* 500 internal: a file could not be read or written (CLI) */
	GZ_E_QUORUM_NOT_MET,  /* 422 quorum_not_met: too few attended for the rule applied; nothing can be resolved */
	GZ_E__COUNT
} gz_err;

/* Detail of one failure. field names the input at fault ("" when none). */
typedef struct {
	gz_err code;
	char message[256];
	char field[64];
} gz_error;

/* HTTP status for an error code (200 for GZ_OK). */
int gz_err_status(gz_err code);
/* Stable code word, e.g. "not_found". Never NULL. */
const char *gz_err_word(gz_err code);
/* Default English message for a code, used when no detail was given. */
const char *gz_err_default_message(gz_err code);

/* Fill *e (when e is not NULL) and return code, so callers write `return gz_fail(...)`.
 * field may be NULL. */
gz_err gz_fail(gz_error *e, gz_err code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
gz_err gz_vfail(gz_error *e, gz_err code, const char *field, const char *fmt, va_list ap);

#endif
