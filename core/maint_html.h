/*
 * maint_html.h: where a banner may go into an app's HTML page.  A
 * streaming scan, after the WHATWG HTML tokenizer, for the first <body>
 * start tag the browser itself will see as a tag in the data state: not
 * in a script, style, textarea, title, template, noscript, xmp, iframe,
 * noembed, noframes, comment, bogus comment, DOCTYPE or attribute value.
 * Whatever it cannot follow for sure (foreign content, <select>,
 * <frameset>, <plaintext>, CDATA sections) ends the scan with "never":
 * no banner is better than a banner in the wrong place.
 *
 * The state is a few dozen bytes, whatever the page; the page arrives in
 * as many pieces as it likes, split anywhere.
 */

#ifndef MAINT_HTML_H
#define MAINT_HTML_H

#include <stddef.h>
#include <sys/types.h>


#define MAINT_HTML_MORE     (-1)    /* no <body> yet: feed the next piece */
#define MAINT_HTML_NEVER    (-2)    /* no banner in this page */

#define MAINT_HTML_NAME_MAX  16     /* longer tag names match nothing */


typedef struct maint_html_s {
    unsigned       state;
    unsigned       raw;             /* the element of RAWTEXT/RCDATA/script */
    unsigned       end_tag:1;       /* the tag being read is an end tag */
    unsigned       md;              /* "<!": candidates still matching */
    unsigned       md_len;
    size_t         name_len;        /* may pass MAINT_HTML_NAME_MAX */
    size_t         templates;       /* <template> elements open */
    size_t         scanned;
    size_t         limit;
    unsigned char  name[MAINT_HTML_NAME_MAX];
} maint_html_t;


/* a new scan that looks at no more than the first "limit" bytes */
void maint_html_init(maint_html_t *h, size_t limit);

/*
 * The next piece of the page.  Returns the offset in this piece just past
 * the ">" of the body start tag (1 to len), MAINT_HTML_MORE, or
 * MAINT_HTML_NEVER; once it has answered with an offset or NEVER, it
 * answers NEVER.
 */
ssize_t maint_html_feed(maint_html_t *h, const char *p, size_t len);

/* 0: the Content-Type names a charset the scan cannot read (UTF-16) */
int maint_html_charset_ok(const char *type, size_t len);

/* the same for an encoding's label alone ("utf-8") */
int maint_html_encoding_ok(const char *label, size_t len);

#endif /* MAINT_HTML_H */
