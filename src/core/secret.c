/*
 * secret.c: the instance key file and derived keys; see secret.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "secret.h"
#include "util.h"
#include "banned.h"

/* crypto_kdf context: exactly 8 bytes, fixed forever. */
#define SECRET_KDF_CONTEXT "shegong1"

static unsigned char derived[SECRET_PURPOSE_COUNT_][SECRET_KEY_BYTES];
static int loaded;

void secret_path_for_db(const char *db_path, char *out, size_t outlen)
{
	const char *slash = strrchr(db_path, '/');
	const char *dot = strrchr(db_path, '.');
	int stem;

	if (!dot || (slash && dot < slash))
		stem = (int)strlen(db_path);
	else
		stem = (int)(dot - db_path);
	snprintf(out, outlen, "%.*s.key", stem, db_path);
}

sg_err secret_create(const char *key_path, struct err_report *er)
{
	unsigned char key[crypto_kdf_KEYBYTES];
	int fd;
	ssize_t n;

	if (sodium_init() < 0)
		return err_set(er, SG_ERR_INTERNAL, "libsodium failed to start");
	fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return SG_OK;
		return err_set(er, SG_ERR_IO, "cannot create key file %s: %s",
			       key_path, strerror(errno));
	}
	crypto_kdf_keygen(key);
	n = write(fd, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	if (n != (ssize_t)sizeof(key) || fsync(fd) != 0) {
		close(fd);
		unlink(key_path);
		return err_set(er, SG_ERR_IO, "cannot write key file %s",
			       key_path);
	}
	close(fd);
	return SG_OK;
}

sg_err secret_load(const char *key_path, struct err_report *er)
{
	unsigned char key[crypto_kdf_KEYBYTES];
	struct stat stbuf;
	int fd;
	ssize_t n;

	if (sodium_init() < 0)
		return err_set(er, SG_ERR_INTERNAL, "libsodium failed to start");
	fd = open(key_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(er, SG_ERR_IO,
			       "cannot open key file %s: %s (restore it from the "
			       "backup, or run 'shegong init' for a new instance)",
			       key_path, strerror(errno));
	if (fstat(fd, &stbuf) == 0 && (stbuf.st_mode & 077))
		fchmod(fd, 0600);
	n = read(fd, key, sizeof(key));
	close(fd);
	if (n != (ssize_t)sizeof(key))
		return err_set(er, SG_ERR_IO, "key file %s is damaged (%zd bytes)",
			       key_path, n);
	for (int p = 0; p < SECRET_PURPOSE_COUNT_; p++)
		crypto_kdf_derive_from_key(derived[p], SECRET_KEY_BYTES,
					   (uint64_t)p + 1, SECRET_KDF_CONTEXT,
					   key);
	sodium_memzero(key, sizeof(key));
	loaded = 1;
	return SG_OK;
}

int secret_loaded(void)
{
	return loaded;
}

const unsigned char *secret_key(enum secret_purpose p)
{
	return derived[p];
}

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

sg_err secret_seal(const char *plain, size_t len, char *out, size_t outlen)
{
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 512];
	size_t boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;

	if (len > 512 || outlen < sodium_base64_ENCODED_LEN(boxlen, B64_VARIANT))
		return SG_ERR_TOO_LARGE;
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES,
			      (const unsigned char *)plain, len, box,
			      derived[SECRET_FIELD_BOX]);
	sodium_bin2base64(out, outlen, box, boxlen, B64_VARIANT);
	return SG_OK;
}

sg_err secret_open(const char *sealed, char *out, size_t outlen,
		   size_t *outlen_used)
{
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 512];
	size_t boxlen, plainlen;

	if (sodium_base642bin(box, sizeof(box), sealed, strlen(sealed), NULL,
			      &boxlen, NULL, B64_VARIANT) != 0 ||
	    boxlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return SG_ERR_INVALID;
	plainlen = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (plainlen + 1 > outlen)
		return SG_ERR_TOO_LARGE;
	if (crypto_secretbox_open_easy((unsigned char *)out,
				       box + crypto_secretbox_NONCEBYTES,
				       boxlen - crypto_secretbox_NONCEBYTES, box,
				       derived[SECRET_FIELD_BOX]) != 0)
		return SG_ERR_INVALID;
	out[plainlen] = '\0';
	if (outlen_used)
		*outlen_used = plainlen;
	return SG_OK;
}

void secret_lookup_hash(const void *data, size_t len, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), data, len, derived[SECRET_LOOKUP_HASH],
			   SECRET_KEY_BYTES);
	util_hex(h, sizeof(h), out);
}
