/* error.c — the single table that maps gz_err to HTTP status and code word. */
#include "core/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *word;
	const char *message;
} err_table[GZ_E__COUNT] = {
	[GZ_OK] = {200, "ok", "ok"},
	[GZ_E_INTERNAL] = {500, "internal", "internal error"},
	[GZ_E_NOMEM] = {500, "internal", "out of memory"},
	[GZ_E_BAD_REQUEST] = {400, "bad_request", "bad request"},
	[GZ_E_INVALID_JSON] = {400, "invalid_json", "request body is not valid json"},
	[GZ_E_INVALID_UTF8] = {400, "invalid_utf8", "request contains invalid utf-8"},
	[GZ_E_MISSING_FIELD] = {400, "missing_field", "a required field is missing"},
	[GZ_E_UNKNOWN_FIELD] = {400, "unknown_field", "unknown field"},
	[GZ_E_INVALID_TYPE] = {400, "invalid_type", "field has the wrong type"},
	[GZ_E_INVALID_VALUE] = {422, "invalid_value", "invalid value"},
	[GZ_E_UNAUTHORIZED] = {401, "unauthorized", "not signed in"},
	[GZ_E_SESSION_EXPIRED] = {401, "session_expired", "session expired"},
	[GZ_E_BAD_CREDENTIALS] = {401, "bad_credentials", "wrong username or password"},
	[GZ_E_FORBIDDEN] = {403, "forbidden", "not allowed for your role or scope"},
	[GZ_E_CSRF] = {403, "csrf_failed", "missing or wrong csrf token"},
	[GZ_E_NOT_FOUND] = {404, "not_found", "not found"},
	[GZ_E_METHOD] = {405, "method_not_allowed", "method not allowed"},
	[GZ_E_CONFLICT] = {409, "conflict", "conflict with the current state"},
	[GZ_E_TOO_LARGE] = {413, "payload_too_large", "request body too large"},
	[GZ_E_TOO_MANY] = {429, "too_many_attempts", "too many attempts"},
	[GZ_E_UNAVAILABLE] = {503, "unavailable", "service busy, try again"},
	[GZ_E_IO] = {500, "internal", "i/o error"},
	[GZ_E_QUORUM_NOT_MET] = {422, "quorum_not_met", "the meeting has not reached its quorum"},
};

int gz_err_status(gz_err code)
{
	if ((unsigned)code >= GZ_E__COUNT)
		return 500;
	return err_table[code].status;
}

const char *gz_err_word(gz_err code)
{
	if ((unsigned)code >= GZ_E__COUNT)
		return "internal";
	return err_table[code].word;
}

const char *gz_err_default_message(gz_err code)
{
	if ((unsigned)code >= GZ_E__COUNT)
		return "internal error";
	return err_table[code].message;
}

gz_err gz_vfail(gz_error *e, gz_err code, const char *field, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	if (fmt)
		vsnprintf(e->message, sizeof e->message, fmt, ap);
	else
		snprintf(e->message, sizeof e->message, "%s", gz_err_default_message(code));
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	return code;
}

gz_err gz_fail(gz_error *e, gz_err code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gz_vfail(e, code, field, fmt, ap);
	va_end(ap);
	return code;
}
