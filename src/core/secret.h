/* secret.h — encryption of personal data at rest and keyed hashes for exact lookup.
 *
 * One 32-byte master key per data directory (data/secret.key, mode 0600, made by `gongzhi
 * init`). Two subkeys are derived from it with crypto_kdf: one for crypto_secretbox (XSalsa20-
 * Poly1305; a random nonce per value, stored in front of the ciphertext), one for keyed
 * BLAKE2b hashes, so an ID number can be found without being stored in clear. Without the key
 * file the data cannot be read: back it up with the database. */
#ifndef GZ_SECRET_H
#define GZ_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum { SECRET_HASH_LEN = 32, SECRET_OVERHEAD = 24 + 16 /* nonce + MAC */ };

/* Load the master key from dir/secret.key. GZ_E_IO when missing or not 32 bytes. */
gz_err secret_load(const char *dir, gz_error *e);
/* The same from a key file elsewhere (gongzhi restore --key FILE). */
gz_err secret_load_file(const char *path, gz_error *e);
/* Use this master key (tests). */
void secret_set_key(const unsigned char key[32]);
/* Whether a key is loaded. */
bool secret_ready(void);

/* Encrypt n bytes of plain into out (n + SECRET_OVERHEAD bytes). Returns the length written. */
size_t secret_seal(const char *plain, size_t n, unsigned char *out);
/* Decrypt; writes the text NUL-terminated into out (size outsz). false when the value does not
 * authenticate or does not fit. */
bool secret_open(const unsigned char *box, size_t n, char *out, size_t outsz);
/* Keyed hash of text, for exact lookup. */
void secret_hash(const char *text, unsigned char out[SECRET_HASH_LEN]);

#endif
