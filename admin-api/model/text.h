/*
 * text.h: what the daemon accepts from its file, clients and the sites it
 * talks to, byte by byte, and what it makes of text it shows
 * (model/text.c).  No I/O.
 */

#ifndef ADM_MODEL_TEXT_H
#define ADM_MODEL_TEXT_H

#include <stddef.h>


/* the bytes refused in a URL beyond controls and spaces (RFC 3986) */
#define ADM_URL_EXCEPT      "\"<>\\^`{|}"

/* and in an address: what needs quoting in one (RFC 5322) or ends it */
#define ADM_ADDRESS_EXCEPT  "\"(),:;<>[\\]"


/* the bytes of an HTTP token (RFC 9110) beyond letters and digits */
#define ADM_TOKEN_EXTRA     "!#$%&'*+-.^_`|~"
#define ADM_HEADER_NAME_MAX 64


int adm_text_printable(const char *s);
int adm_text_visible(const char *s, const char *except);
void adm_text_clean(char *out, size_t size, const char *s, size_t len);

/*
 * An extra header of an outbound request (a webhook's, a precheck's) may
 * not have this name: libcurl or the sender sets it (Host, Content-Type,
 * Content-Length, Transfer-Encoding, Connection, User-Agent, Expect, TE,
 * Upgrade, webhook-*).
 */
int adm_header_reserved(const char *name, size_t len);


#endif /* ADM_MODEL_TEXT_H */
