/*
 * email.h: a notification as an email message (notify/email.c): RFC 5322
 * headers and a MIME multipart/alternative body (text, HTML and an
 * iCalendar invitation) built from an event body (NOTIFY.md).  Pure: no
 * I/O but the time zone's file, read by the C library.
 */

#ifndef ADM_NOTIFY_EMAIL_H
#define ADM_NOTIFY_EMAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>


typedef struct {
    const char         *from;           /* smtp_from: local@domain */
    const char *const  *to;             /* the target's addresses */
    size_t              nto;
    const char         *target;         /* its name: in the Message-ID */
    const char         *domain;         /* calendar_domain: UID, Message-ID */
    const char         *time_zone;      /* IANA name for people's times */
    int64_t             now;            /* the Date header, seconds */
} adm_email_in_t;

/*
 * The message, CRLF line ends, NUL-terminated, to be freed; *len its
 * length.  NULL and err when the body is not an event, an address is not
 * one that can go into a header as it is (CR, LF, controls, quotes...),
 * or memory ran out.  The same delivery gives the same Message-ID on
 * every attempt (a receiver's duplicate check).
 */
char *adm_email_build(const adm_email_in_t *in, const char *body,
    size_t body_len, size_t *len, char *err, size_t errlen);

/* a header value's text: ASCII as it is, else RFC 2047 encoded words;
   controls become spaces.  Appended to f after "name: ". */
void adm_email_header_text(FILE *f, const char *name, const char *s);


#endif /* ADM_NOTIFY_EMAIL_H */
