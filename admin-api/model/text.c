/*
 * text.c: the byte classes of text the daemon takes and shows.  Values
 * that go into URLs, headers, addresses and JSON details are ASCII it can
 * print: anything else is refused where it is read (a configuration line,
 * a request's field) or replaced where it is only shown (an answer from
 * another site).
 */

#include <string.h>
#include <strings.h>

#include "model/text.h"


/* every byte printable ASCII, spaces included */

int
adm_text_printable(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if ((unsigned char) *s < 0x20 || (unsigned char) *s >= 0x7f) {
            return 0;
        }
    }

    return 1;
}


/* every byte printable ASCII but a space, and none of except */

int
adm_text_visible(const char *s, const char *except)
{
    for ( /* void */ ; *s; s++) {
        if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f
            || strchr(except, *s) != NULL)
        {
            return 0;
        }
    }

    return 1;
}


/*
 * len bytes of what another site sent, for a detail, a log line or a
 * stored error: at most size - 1 bytes, each control or non-ASCII byte
 * (a NUL too) a space.
 */

void
adm_text_clean(char *out, size_t size, const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len && i + 1 < size; i++) {
        out[i] = (unsigned char) s[i] >= 0x20 && (unsigned char) s[i] < 0x7f
                 ? s[i] : ' ';
    }

    out[i] = '\0';
}


int
adm_header_reserved(const char *name, size_t len)
{
    size_t       i;
    const char  *reserved[] = {
        "host", "content-type", "content-length", "transfer-encoding",
        "connection", "user-agent", "expect", "te", "upgrade", NULL
    };

    if (len >= 8 && strncasecmp(name, "webhook-", 8) == 0) {
        return 1;
    }

    for (i = 0; reserved[i]; i++) {
        if (strlen(reserved[i]) == len
            && strncasecmp(name, reserved[i], len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
