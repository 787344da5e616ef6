/*
 * digest.h - SHA-256 digests (OpenSSL EVP) of bytes, files and JSON
 * values, as lower-case hex: what the certification record pins
 * (record.c, docs/record-json.md).
 *
 * A JSON value's digest is over its canonical text: jansson's compact
 * form with object keys sorted (JSON_COMPACT | JSON_SORT_KEYS), UTF-8,
 * reals printed with 17 significant digits.  Every function writes 64
 * hex digits and a NUL into out (DH_SHA256_HEX bytes).
 */
#ifndef DH_DIGEST_H
#define DH_DIGEST_H

#include <jansson.h>
#include <stddef.h>

#define DH_SHA256_HEX 65

void dh_sha256_hex(const void *data, size_t len, char *out);
/* 0, or -1 (errno set) when the file cannot be read. */
int dh_sha256_file(const char *path, char *out);
void dh_sha256_json(const json_t *j, char *out);
/* Is s 64 lower-case hex digits? */
int dh_is_sha256_hex(const char *s);

#endif
