/* secret.c — secretbox and keyed hashes under subkeys of the data directory's master key. */
#include "core/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct {
	bool ready;
	unsigned char box_key[crypto_secretbox_KEYBYTES];
	unsigned char hash_key[crypto_generichash_KEYBYTES];
} keys;

void secret_set_key(const unsigned char key[32])
{
	crypto_kdf_derive_from_key(keys.box_key, sizeof keys.box_key, 1, "gz_pii__", key);
	crypto_kdf_derive_from_key(keys.hash_key, sizeof keys.hash_key, 2, "gz_pii__", key);
	keys.ready = true;
}

gz_err secret_load(const char *dir, gz_error *e)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/secret.key", dir);
	return secret_load_file(path, e);
}

gz_err secret_load_file(const char *path, gz_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gz_fail(e, GZ_E_IO, NULL, "cannot open key file \"%s\": %s", path, strerror(errno));
	unsigned char key[33];
	ssize_t n = read(fd, key, sizeof key);
	close(fd);
	if (n != 32) {
		sodium_memzero(key, sizeof key);
		return gz_fail(e, GZ_E_IO, NULL, "key file \"%s\" must hold exactly 32 bytes", path);
	}
	secret_set_key(key);
	sodium_memzero(key, sizeof key);
	return GZ_OK;
}

bool secret_ready(void)
{
	return keys.ready;
}

size_t secret_seal(const char *plain, size_t n, unsigned char *out)
{
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, out, keys.box_key);
	return n + SECRET_OVERHEAD;
}

bool secret_open(const unsigned char *box, size_t n, char *out, size_t outsz)
{
	if (n < SECRET_OVERHEAD || n - SECRET_OVERHEAD + 1 > outsz)
		return false;
	if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, box, keys.box_key) != 0)
		return false;
	out[n - SECRET_OVERHEAD] = '\0';
	return true;
}

void secret_hash(const char *text, unsigned char out[SECRET_HASH_LEN])
{
	crypto_generichash(out, SECRET_HASH_LEN, (const unsigned char *)text, strlen(text), keys.hash_key,
			   sizeof keys.hash_key);
}
