/* ids.c — GB 11643 citizen ID numbers and masking. */
#include "core/ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

char ids_citizen_check_digit(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	return map[sum % 11];
}

static void today(int *y, int *m, int *d)
{
	char t[11];
	gz_date_shanghai(gz_now(), t);
	*y = atoi(t);
	*m = atoi(t + 5);
	*d = atoi(t + 8);
}

static bool date_parts_ok(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	int dim = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > dim)
		return false;
	int ty, tm, td;
	today(&ty, &tm, &td);
	return y * 10000 + m * 100 + d <= ty * 10000 + tm * 100 + td;
}

bool ids_date_ok(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !gz_all_digits(s, 4) || !gz_all_digits(s + 5, 2) ||
	    !gz_all_digits(s + 8, 2))
		return false;
	int y, m, d;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	return date_parts_ok(y, m, d);
}

gz_err ids_citizen_check(const char *id, ids_citizen *out, gz_error *e)
{
	size_t n = strlen(id);
	if (n != 18)
		return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "citizen id number must be 18 characters, not %zu", n);
	if (!gz_all_digits(id, 17))
		return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "citizen id number must start with 17 digits");
	char last = id[17] == 'x' ? 'X' : id[17];
	if (!(last == 'X' || (last >= '0' && last <= '9')))
		return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "citizen id number must end in a digit or X");
	if (ids_citizen_check_digit(id) != last)
		return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "citizen id number has a wrong check digit");
	int y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
	int m = (id[10] - '0') * 10 + (id[11] - '0');
	int d = (id[12] - '0') * 10 + (id[13] - '0');
	if (!date_parts_ok(y, m, d))
		return gz_fail(e, GZ_E_INVALID_VALUE, "id_number", "citizen id number encodes no valid birth date");
	memcpy(out->norm, id, 17);
	out->norm[17] = last;
	out->norm[18] = '\0';
	/* YYYY-MM-DD straight from the digits (already checked). */
	memcpy(out->birth, id + 6, 4);
	out->birth[4] = '-';
	memcpy(out->birth + 5, id + 10, 2);
	out->birth[7] = '-';
	memcpy(out->birth + 8, id + 12, 2);
	out->birth[10] = '\0';
	out->male = (id[16] - '0') % 2 == 1;
	return GZ_OK;
}

void ids_mask(const char *in, char *out)
{
	size_t n = strlen(in);
	for (size_t i = 0; i < n; i++)
		out[i] = (n > 8 && (i < 4 || i >= n - 4)) ? in[i] : '*';
	out[n] = '\0';
}

void ids_mask_phone(const char *in, char *out)
{
	size_t n = strlen(in);
	for (size_t i = 0; i < n; i++)
		out[i] = (n > 7 && (i < 3 || i >= n - 4)) ? in[i] : '*';
	out[n] = '\0';
}

gz_err ids_phone_check(const char *field, const char *v, char last4[5], gz_error *e)
{
	size_t n = strlen(v), digits = 0;
	if (n < 5 || n > 20)
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "phone must be 5 to 20 characters");
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else if (v[i] != '+' && v[i] != '-' && v[i] != ' ')
			return gz_fail(e, GZ_E_INVALID_VALUE, field, "phone may hold only digits, '+', '-' and spaces");
	}
	if (digits < 4)
		return gz_fail(e, GZ_E_INVALID_VALUE, field, "phone must have at least 4 digits");
	int k = 4;
	last4[4] = '\0';
	for (size_t i = n; i-- > 0 && k > 0;)
		if (v[i] >= '0' && v[i] <= '9')
			last4[--k] = v[i];
	return GZ_OK;
}
