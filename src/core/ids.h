/* ids.h — identifiers with check digits: citizen ID numbers (GB 11643-1999).
 *
 * Pure functions, no I/O. Messages name the rule that failed and never quote the number
 * itself (personal data must not reach logs or replies). */
#ifndef GZ_IDS_H
#define GZ_IDS_H

#include <stdbool.h>

#include "core/error.h"

/* What a valid citizen ID number encodes. */
typedef struct {
	char norm[19];      /* the number, final x upper-cased */
	char birth[11];     /* YYYY-MM-DD */
	bool male;          /* 17th digit odd */
} ids_citizen;

/* Check a citizen ID number: 18 characters, 17 digits and a digit or X, the ISO 7064 MOD 11-2
 * check digit, a real birth date not after today. GZ_E_INVALID_VALUE (field "id_number")
 * otherwise. */
gz_err ids_citizen_check(const char *id, ids_citizen *out, gz_error *e);

/* The check character ('0'–'9' or 'X') for the first 17 digits. */
char ids_citizen_check_digit(const char *first17);

/* Whether s is a real calendar date YYYY-MM-DD between 1900-01-01 and today (Asia/Shanghai). */
bool ids_date_ok(const char *s);

/* Mask all but the first 4 and last 4 characters with '*' (18 → "4228**********213X"). out
 * needs strlen(in)+1 bytes. Shorter inputs are masked whole. */
void ids_mask(const char *in, char *out);
/* Mask a phone number: keep the first 3 and last 4 digits ("138****5678"). */
void ids_mask_phone(const char *in, char *out);
/* A phone: 5–20 characters of digits, '+', '-' or spaces, with at least 4 digits; last4 gets
 * its last four digits. GZ_E_INVALID_VALUE naming field otherwise. */
gz_err ids_phone_check(const char *field, const char *v, char last4[5], gz_error *e);

#endif
