/*++
 * NAME
 *	rc_msg 3
 * SUMMARY
 *	message file to SMTP DATA payload
 * DESCRIPTION
 *	See rc_msg.h.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refclient/rc_msg.h"
#include "common/sys.h"

/* rc_msg_stuff - CRLF line ends, dot-stuffing, final dot */

char *rc_msg_stuff(const char *in, size_t len, size_t *outlen)
{
    size_t max = 2 * len + 8; /* worst case: "." -> "..\r\n" */
    char *out = malloc(max);
    size_t o = 0;
    size_t i = 0;

    if (out == 0)
        return (0);
    while (i < len) {
        const char *nl = memchr(in + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - in) : len;
        size_t stop = end;

        if (nl && stop > i && in[stop - 1] == '\r')
            stop--;
        if (in[i] == '.')
            out[o++] = '.';
        memcpy(out + o, in + i, stop - i);
        o += stop - i;
        out[o++] = '\r';
        out[o++] = '\n';
        i = nl ? end + 1 : len;
    }
    memcpy(out + o, ".\r\n", 3);
    o += 3;
    *outlen = o;
    return (out);
}

/* rc_msg_load - read and stuff a message file */

char *rc_msg_load(const char *path, size_t *outlen, char *err, size_t errlen)
{
    size_t len = 0;
    char *raw, *out;

    if ((raw = dh_read_file(path, &len)) == 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return (0);
    }
    if ((out = rc_msg_stuff(raw, len, outlen)) == 0)
        snprintf(err, errlen, "%s: out of memory", path);
    free(raw);
    return (out);
}
