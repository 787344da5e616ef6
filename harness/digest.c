/*
 * digest.c - SHA-256 of bytes, files and canonical JSON (digest.h).
 */
#include "digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* dh_sha256_hex - see digest.h */
void dh_sha256_hex(const void *data, size_t len, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
        dh_fatal("SHA-256 failed");
    dh_hex_into(md, mdlen, out, DH_SHA256_HEX);
}

/* dh_sha256_file - see digest.h */
int dh_sha256_file(const char *path, char *out)
{
    size_t len = 0;
    char *data = dh_read_file(path, &len);

    if (data == NULL)
        return -1;
    dh_sha256_hex(data, len, out);
    free(data);
    return 0;
}

/* dh_sha256_json - see digest.h */
void dh_sha256_json(const json_t *j, char *out)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
                                   JSON_REAL_PRECISION(17));

    if (text == NULL)
        dh_fatal("cannot serialise a JSON value");
    dh_sha256_hex(text, strlen(text), out);
    free(text);
}

/* dh_is_sha256_hex - see digest.h */
int dh_is_sha256_hex(const char *s)
{
    return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}
