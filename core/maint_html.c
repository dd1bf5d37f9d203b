/*
 * maint_html.c: the first <body> start tag of a page, as the browser's
 * tokenizer sees it (maint_html.h).  The states and their names follow
 * the WHATWG HTML standard, section 13.2.5 "Tokenization"; what does not
 * matter here is folded: character references, the DOCTYPE's inner states
 * (every one of them ends at ">", like a bogus comment), the comment's
 * "<!--" parse-error states (they end up where the plain comment states
 * do), attribute names and values beyond where they end.
 *
 * The tree builder is not followed, only the tokenizer switches it makes
 * (13.2.6): a start tag of script, style, textarea... puts the tokenizer
 * into script data, RAWTEXT or RCDATA until the matching end tag.  Where
 * the tree builder does not make that switch, this scan would think a
 * text element open while the browser is reading tags; that is foreign
 * content (<svg>, <math>), <select> and <frameset>, so the scan gives up
 * there, as at <plaintext> and at a CDATA section.  Before the <body> tag
 * none of them belongs in a page anyway.
 */

#include <string.h>
#include <strings.h>

#include "maint_html.h"


enum {
    S_DATA = 0,
    S_TAG_OPEN,
    S_END_TAG_OPEN,
    S_TAG_NAME,
    S_BEFORE_ATTR_NAME,
    S_ATTR_NAME,
    S_AFTER_ATTR_NAME,
    S_BEFORE_ATTR_VALUE,
    S_ATTR_VALUE_DQ,
    S_ATTR_VALUE_SQ,
    S_ATTR_VALUE_UNQ,
    S_AFTER_ATTR_VALUE_Q,
    S_SELF_CLOSING,
    S_MARKUP_DECL,                  /* after "<!", md_len more matched */
    S_BOGUS_COMMENT,                /* also a DOCTYPE */
    S_COMMENT_START,
    S_COMMENT_START_DASH,
    S_COMMENT,
    S_COMMENT_END_DASH,
    S_COMMENT_END,
    S_COMMENT_END_BANG,

    /* RAWTEXT and RCDATA: the same to us, no character references */
    S_TEXT,
    S_TEXT_LT,
    S_TEXT_END_TAG_OPEN,
    S_TEXT_END_TAG_NAME,

    S_SCRIPT,
    S_SCRIPT_LT,
    S_SCRIPT_END_TAG_OPEN,
    S_SCRIPT_END_TAG_NAME,
    S_SCRIPT_ESC_START,
    S_SCRIPT_ESC_START_DASH,
    S_SCRIPT_ESC,
    S_SCRIPT_ESC_DASH,
    S_SCRIPT_ESC_DASH_DASH,
    S_SCRIPT_ESC_LT,
    S_SCRIPT_ESC_END_TAG_OPEN,
    S_SCRIPT_ESC_END_TAG_NAME,
    S_SCRIPT_DESC_START,            /* double escaped */
    S_SCRIPT_DESC,
    S_SCRIPT_DESC_DASH,
    S_SCRIPT_DESC_DASH_DASH,
    S_SCRIPT_DESC_LT,
    S_SCRIPT_DESC_END,

    S_DONE
};


/* the elements whose start tag matters */
enum {
    E_OTHER = 0,
    E_BODY,
    E_SCRIPT,
    E_TEXT,                         /* RAWTEXT or RCDATA */
    E_TEMPLATE,
    E_GIVE_UP
};


typedef struct {
    const char  *name;
    size_t       len;
    unsigned     kind;
} maint_html_elt_t;

#define E(n, k)  { n, sizeof(n) - 1, k }

static const maint_html_elt_t  maint_html_elts[] = {
    E("", E_OTHER),                 /* raw == 0: none */
    E("body", E_BODY),
    E("script", E_SCRIPT),
    E("style", E_TEXT),
    E("xmp", E_TEXT),
    E("iframe", E_TEXT),
    E("noembed", E_TEXT),
    E("noframes", E_TEXT),
    E("noscript", E_TEXT),          /* RAWTEXT when scripting is on */
    E("title", E_TEXT),             /* RCDATA */
    E("textarea", E_TEXT),          /* RCDATA */
    E("template", E_TEMPLATE),
    E("plaintext", E_GIVE_UP),      /* text to the end, never a tag */
    E("svg", E_GIVE_UP),            /* foreign content */
    E("math", E_GIVE_UP),
    E("select", E_GIVE_UP),         /* ignores most start tags */
    E("frameset", E_GIVE_UP),       /* ignores most start tags */
    { NULL, 0, 0 }
};

#define MAINT_HTML_MD_DASHES   1    /* "<!--" */
#define MAINT_HTML_MD_DOCTYPE  2    /* "<!DOCTYPE", any case */
#define MAINT_HTML_MD_CDATA    4    /* "<![CDATA[" */


static unsigned maint_html_elt(const maint_html_t *h);
static ssize_t maint_html_emit(maint_html_t *h);
static int maint_html_appropriate(const maint_html_t *h);


#define ws(c)     ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\f'  \
                   || (c) == '\r')
#define alpha(c)  (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define lower(c)  (((c) >= 'A' && (c) <= 'Z') ? (c) | 0x20 : (c))


static void
maint_html_name_add(maint_html_t *h, unsigned char c)
{
    if (h->name_len < MAINT_HTML_NAME_MAX) {
        h->name[h->name_len] = lower(c);
    }

    if (h->name_len <= MAINT_HTML_NAME_MAX) {
        h->name_len++;              /* past the end: matches nothing */
    }
}


void
maint_html_init(maint_html_t *h, size_t limit)
{
    memset(h, 0, sizeof(maint_html_t));
    h->state = S_DATA;
    h->limit = limit;
}


ssize_t
maint_html_feed(maint_html_t *h, const char *p, size_t len)
{
    size_t          i;
    ssize_t         rc;
    unsigned        emit;
    unsigned char   c;

    static const char  doctype[] = "doctype";
    static const char  cdata[] = "[CDATA[";

    for (i = 0; i < len; i++) {

        if (h->state == S_DONE) {
            return MAINT_HTML_NEVER;
        }

        if (h->scanned >= h->limit) {
            h->state = S_DONE;
            return MAINT_HTML_NEVER;
        }

        c = (unsigned char) p[i];
        emit = 0;

        /*
         * Bytes are read as ASCII: true of every encoding a browser
         * decodes HTML with, but UTF-16 (known by its byte order mark
         * here, by the charset in the header: maint_html_charset_ok) and
         * ISO-2022-JP, whose ESC sequences switch to double bytes in
         * which "<body>" may be two characters of text.
         */

        if (c == 0x1b || (h->scanned == 0 && (c == 0xfe || c == 0xff))) {
            h->state = S_DONE;
            return MAINT_HTML_NEVER;
        }

        h->scanned++;

    again:

        switch (h->state) {

        case S_DATA:
            if (c == '<') {
                h->state = S_TAG_OPEN;
            }
            break;

        case S_TAG_OPEN:
            if (c == '!') {
                h->state = S_MARKUP_DECL;
                h->md = MAINT_HTML_MD_DASHES | MAINT_HTML_MD_DOCTYPE
                        | MAINT_HTML_MD_CDATA;
                h->md_len = 0;

            } else if (c == '/') {
                h->state = S_END_TAG_OPEN;

            } else if (alpha(c)) {
                h->end_tag = 0;
                h->name_len = 0;
                h->state = S_TAG_NAME;
                goto again;

            } else if (c == '?') {
                h->state = S_BOGUS_COMMENT;

            } else {
                h->state = S_DATA;  /* a "<" of the text */
                goto again;
            }
            break;

        case S_END_TAG_OPEN:
            if (alpha(c)) {
                h->end_tag = 1;
                h->name_len = 0;
                h->state = S_TAG_NAME;
                goto again;
            }

            /* "</>" is nothing; "</" and anything else, a bogus comment */
            h->state = (c == '>') ? S_DATA : S_BOGUS_COMMENT;
            break;

        case S_TAG_NAME:
            if (ws(c)) {
                h->state = S_BEFORE_ATTR_NAME;

            } else if (c == '/') {
                h->state = S_SELF_CLOSING;

            } else if (c == '>') {
                emit = 1;

            } else {
                maint_html_name_add(h, c);
            }
            break;

        case S_BEFORE_ATTR_NAME:
            if (ws(c)) {
                break;
            }

            h->state = (c == '/' || c == '>') ? S_AFTER_ATTR_NAME
                                              : S_ATTR_NAME;
            if (c == '=') {
                break;              /* an attribute named "=" */
            }
            goto again;

        case S_ATTR_NAME:
            if (ws(c) || c == '/' || c == '>') {
                h->state = S_AFTER_ATTR_NAME;
                goto again;
            }

            if (c == '=') {
                h->state = S_BEFORE_ATTR_VALUE;
            }
            break;

        case S_AFTER_ATTR_NAME:
            if (ws(c)) {
                break;
            }

            if (c == '/') {
                h->state = S_SELF_CLOSING;

            } else if (c == '=') {
                h->state = S_BEFORE_ATTR_VALUE;

            } else if (c == '>') {
                emit = 1;

            } else {
                h->state = S_ATTR_NAME;
                goto again;
            }
            break;

        case S_BEFORE_ATTR_VALUE:
            if (ws(c)) {
                break;
            }

            if (c == '"') {
                h->state = S_ATTR_VALUE_DQ;

            } else if (c == '\'') {
                h->state = S_ATTR_VALUE_SQ;

            } else if (c == '>') {
                emit = 1;           /* a missing value */

            } else {
                h->state = S_ATTR_VALUE_UNQ;
                goto again;
            }
            break;

        case S_ATTR_VALUE_DQ:
            if (c == '"') {
                h->state = S_AFTER_ATTR_VALUE_Q;
            }
            break;

        case S_ATTR_VALUE_SQ:
            if (c == '\'') {
                h->state = S_AFTER_ATTR_VALUE_Q;
            }
            break;

        case S_ATTR_VALUE_UNQ:
            if (ws(c)) {
                h->state = S_BEFORE_ATTR_NAME;

            } else if (c == '>') {
                emit = 1;
            }
            break;

        case S_AFTER_ATTR_VALUE_Q:
            if (ws(c)) {
                h->state = S_BEFORE_ATTR_NAME;

            } else if (c == '/') {
                h->state = S_SELF_CLOSING;

            } else if (c == '>') {
                emit = 1;

            } else {
                h->state = S_BEFORE_ATTR_NAME;
                goto again;
            }
            break;

        case S_SELF_CLOSING:
            if (c == '>') {
                emit = 1;

            } else {
                h->state = S_BEFORE_ATTR_NAME;
                goto again;
            }
            break;

        case S_MARKUP_DECL:
            /* which of "--", "DOCTYPE", "[CDATA[" the bytes still make */

            if (h->md_len >= 2 || c != '-') {
                h->md &= ~MAINT_HTML_MD_DASHES;
            }

            if (h->md_len >= 7 || lower(c) != (unsigned) doctype[h->md_len]) {
                h->md &= ~MAINT_HTML_MD_DOCTYPE;
            }

            if (h->md_len >= 7 || c != (unsigned) cdata[h->md_len]) {
                h->md &= ~MAINT_HTML_MD_CDATA;
            }

            h->md_len++;

            if (h->md == 0) {
                h->state = S_BOGUS_COMMENT;
                goto again;
            }

            if ((h->md & MAINT_HTML_MD_DASHES) && h->md_len == 2) {
                h->state = S_COMMENT_START;

            } else if ((h->md & MAINT_HTML_MD_DOCTYPE) && h->md_len == 7) {
                h->state = S_BOGUS_COMMENT;

            } else if ((h->md & MAINT_HTML_MD_CDATA) && h->md_len == 7) {
                /* text until "]]>" in foreign content, a bogus comment
                 * until ">" elsewhere: which, only the tree knows */
                h->state = S_DONE;
                return MAINT_HTML_NEVER;
            }
            break;

        case S_BOGUS_COMMENT:
            if (c == '>') {
                h->state = S_DATA;
            }
            break;

        case S_COMMENT_START:
            if (c == '-') {
                h->state = S_COMMENT_START_DASH;

            } else if (c == '>') {
                h->state = S_DATA;  /* "<!-->" */

            } else {
                h->state = S_COMMENT;
                goto again;
            }
            break;

        case S_COMMENT_START_DASH:
            if (c == '-') {
                h->state = S_COMMENT_END;

            } else if (c == '>') {
                h->state = S_DATA;  /* "<!--->" */

            } else {
                h->state = S_COMMENT;
                goto again;
            }
            break;

        case S_COMMENT:
            if (c == '-') {
                h->state = S_COMMENT_END_DASH;
            }
            break;

        case S_COMMENT_END_DASH:
            if (c == '-') {
                h->state = S_COMMENT_END;

            } else {
                h->state = S_COMMENT;
                goto again;
            }
            break;

        case S_COMMENT_END:
            if (c == '>') {
                h->state = S_DATA;

            } else if (c == '!') {
                h->state = S_COMMENT_END_BANG;

            } else if (c != '-') {
                h->state = S_COMMENT;
                goto again;
            }
            break;

        case S_COMMENT_END_BANG:
            if (c == '-') {
                h->state = S_COMMENT_END_DASH;

            } else if (c == '>') {
                h->state = S_DATA;  /* "--!>" */

            } else {
                h->state = S_COMMENT;
                goto again;
            }
            break;

        /* RAWTEXT, RCDATA: only their own end tag ends them */

        case S_TEXT:
            if (c == '<') {
                h->state = S_TEXT_LT;
            }
            break;

        case S_TEXT_LT:
            if (c == '/') {
                h->state = S_TEXT_END_TAG_OPEN;

            } else {
                h->state = S_TEXT;
                goto again;
            }
            break;

        case S_TEXT_END_TAG_OPEN:
        case S_SCRIPT_END_TAG_OPEN:
        case S_SCRIPT_ESC_END_TAG_OPEN:
            if (alpha(c)) {
                h->name_len = 0;
                h->state++;         /* the END_TAG_NAME state next to it */
                goto again;
            }

            h->state = (h->state == S_TEXT_END_TAG_OPEN) ? S_TEXT
                       : (h->state == S_SCRIPT_END_TAG_OPEN) ? S_SCRIPT
                       : S_SCRIPT_ESC;
            goto again;

        case S_TEXT_END_TAG_NAME:
        case S_SCRIPT_END_TAG_NAME:
        case S_SCRIPT_ESC_END_TAG_NAME:
            if (alpha(c)) {
                maint_html_name_add(h, c);
                break;
            }

            if ((ws(c) || c == '/' || c == '>')
                && maint_html_appropriate(h))
            {
                /* the end tag, attributes and all, like any other */
                h->end_tag = 1;

                if (c == '>') {
                    emit = 1;

                } else {
                    h->state = ws(c) ? S_BEFORE_ATTR_NAME : S_SELF_CLOSING;
                }
                break;
            }

            h->state = (h->state == S_TEXT_END_TAG_NAME) ? S_TEXT
                       : (h->state == S_SCRIPT_END_TAG_NAME) ? S_SCRIPT
                       : S_SCRIPT_ESC;
            goto again;

        /* script data, with its "<!--" escapes */

        case S_SCRIPT:
            if (c == '<') {
                h->state = S_SCRIPT_LT;
            }
            break;

        case S_SCRIPT_LT:
            if (c == '/') {
                h->state = S_SCRIPT_END_TAG_OPEN;

            } else if (c == '!') {
                h->state = S_SCRIPT_ESC_START;

            } else {
                h->state = S_SCRIPT;
                goto again;
            }
            break;

        case S_SCRIPT_ESC_START:
            if (c == '-') {
                h->state = S_SCRIPT_ESC_START_DASH;

            } else {
                h->state = S_SCRIPT;
                goto again;
            }
            break;

        case S_SCRIPT_ESC_START_DASH:
            if (c == '-') {
                h->state = S_SCRIPT_ESC_DASH_DASH;

            } else {
                h->state = S_SCRIPT;
                goto again;
            }
            break;

        case S_SCRIPT_ESC:
            if (c == '-') {
                h->state = S_SCRIPT_ESC_DASH;

            } else if (c == '<') {
                h->state = S_SCRIPT_ESC_LT;
            }
            break;

        case S_SCRIPT_ESC_DASH:
            if (c == '-') {
                h->state = S_SCRIPT_ESC_DASH_DASH;

            } else {
                h->state = (c == '<') ? S_SCRIPT_ESC_LT : S_SCRIPT_ESC;
            }
            break;

        case S_SCRIPT_ESC_DASH_DASH:
            if (c == '<') {
                h->state = S_SCRIPT_ESC_LT;

            } else if (c == '>') {
                h->state = S_SCRIPT;

            } else if (c != '-') {
                h->state = S_SCRIPT_ESC;
            }
            break;

        case S_SCRIPT_ESC_LT:
            if (c == '/') {
                h->state = S_SCRIPT_ESC_END_TAG_OPEN;

            } else if (alpha(c)) {
                h->name_len = 0;
                h->state = S_SCRIPT_DESC_START;
                goto again;

            } else {
                h->state = S_SCRIPT_ESC;
                goto again;
            }
            break;

        case S_SCRIPT_DESC_START:
        case S_SCRIPT_DESC_END:
            /* "<script" in an escape: its "</script>" does not end it */

            if (ws(c) || c == '/' || c == '>') {
                if (h->name_len == 6 && memcmp(h->name, "script", 6) == 0) {
                    h->state = (h->state == S_SCRIPT_DESC_START)
                               ? S_SCRIPT_DESC : S_SCRIPT_ESC;
                } else {
                    h->state = (h->state == S_SCRIPT_DESC_START)
                               ? S_SCRIPT_ESC : S_SCRIPT_DESC;
                }

            } else if (alpha(c)) {
                maint_html_name_add(h, c);

            } else {
                h->state = (h->state == S_SCRIPT_DESC_START)
                           ? S_SCRIPT_ESC : S_SCRIPT_DESC;
                goto again;
            }
            break;

        case S_SCRIPT_DESC:
            if (c == '-') {
                h->state = S_SCRIPT_DESC_DASH;

            } else if (c == '<') {
                h->state = S_SCRIPT_DESC_LT;
            }
            break;

        case S_SCRIPT_DESC_DASH:
            if (c == '-') {
                h->state = S_SCRIPT_DESC_DASH_DASH;

            } else {
                h->state = (c == '<') ? S_SCRIPT_DESC_LT : S_SCRIPT_DESC;
            }
            break;

        case S_SCRIPT_DESC_DASH_DASH:
            if (c == '<') {
                h->state = S_SCRIPT_DESC_LT;

            } else if (c == '>') {
                h->state = S_SCRIPT;

            } else if (c != '-') {
                h->state = S_SCRIPT_DESC;
            }
            break;

        case S_SCRIPT_DESC_LT:
            if (c == '/') {
                h->name_len = 0;
                h->state = S_SCRIPT_DESC_END;

            } else {
                h->state = S_SCRIPT_DESC;
                goto again;
            }
            break;

        default:                    /* S_DONE */
            return MAINT_HTML_NEVER;
        }

        if (emit) {
            rc = maint_html_emit(h);

            if (rc == MAINT_HTML_NEVER) {
                return MAINT_HTML_NEVER;
            }

            if (rc != MAINT_HTML_MORE) {
                return (ssize_t) i + 1;
            }
        }
    }

    return (h->state == S_DONE) ? MAINT_HTML_NEVER : MAINT_HTML_MORE;
}


/*
 * A tag is complete: what the tree builder would make the tokenizer do
 * next.  Returns 0 for the body start tag, MAINT_HTML_MORE or
 * MAINT_HTML_NEVER.
 */

static ssize_t
maint_html_emit(maint_html_t *h)
{
    unsigned  e;

    e = maint_html_elt(h);
    h->state = S_DATA;

    if (h->end_tag) {
        if (maint_html_elts[e].kind == E_TEMPLATE && h->templates) {
            h->templates--;
        }

        return MAINT_HTML_MORE;
    }

    switch (maint_html_elts[e].kind) {

    case E_BODY:
        if (h->templates) {
            /* ignored by the tree builder; what follows is inert */
            return MAINT_HTML_MORE;
        }

        h->state = S_DONE;
        return 0;

    case E_SCRIPT:
        h->raw = e;
        h->state = S_SCRIPT;
        return MAINT_HTML_MORE;

    case E_TEXT:
        h->raw = e;
        h->state = S_TEXT;
        return MAINT_HTML_MORE;

    case E_TEMPLATE:
        h->templates++;             /* at most one per 10 bytes scanned */
        return MAINT_HTML_MORE;

    case E_GIVE_UP:
        h->state = S_DONE;
        return MAINT_HTML_NEVER;

    default:
        return MAINT_HTML_MORE;
    }
}


static unsigned
maint_html_elt(const maint_html_t *h)
{
    unsigned  e;

    for (e = 1; maint_html_elts[e].name; e++) {
        if (h->name_len == maint_html_elts[e].len
            && memcmp(h->name, maint_html_elts[e].name, h->name_len) == 0)
        {
            return e;
        }
    }

    return E_OTHER;
}


/* the end tag being read is the open text element's */

static int
maint_html_appropriate(const maint_html_t *h)
{
    const maint_html_elt_t  *e;

    e = &maint_html_elts[h->raw];

    return h->name_len == e->len && memcmp(h->name, e->name, e->len) == 0;
}


/*
 * A Content-Type whose charset the scan can read: none named, or any
 * but UTF-16 (the labels of the WHATWG Encoding Standard).  ISO-2022-JP
 * the scan finds by itself (ESC); the "replacement" encodings turn the
 * whole page into U+FFFD, markup and all.
 */

int
maint_html_charset_ok(const char *type, size_t len)
{
    size_t  i;

    for (i = 0; i + 8 <= len; i++) {
        if (strncasecmp(type + i, "charset=", 8) == 0) {
            return maint_html_encoding_ok(type + i + 8, len - i - 8);
        }
    }

    return 1;
}


int
maint_html_encoding_ok(const char *label, size_t len)
{
    size_t  k, n;

    static const char  *utf16[] = {
        "utf-16", "unicode", "ucs-2", "csunicode", "iso-10646-ucs-2", NULL
    };

    while (len && (*label == '"' || *label == '\'' || *label == ' ')) {
        label++;
        len--;
    }

    for (k = 0; utf16[k]; k++) {
        n = strlen(utf16[k]);

        if (len >= n && strncasecmp(label, utf16[k], n) == 0) {
            return 0;
        }
    }

    return 1;
}
