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

    /* the escaped and double escaped states in the same order, each
     * followed by its "<" state: maint_html_escaped() */
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


/*
 * The states that only wait for one byte (most bytes of a page are read
 * in one of them): which byte, and the state it leads to.  The others
 * have a function of their own, by group.
 */

typedef struct {
    unsigned char  until;
    unsigned char  next;
} maint_html_wait_t;

static const maint_html_wait_t  maint_html_waits[S_DONE + 1] = {
    [S_DATA] = { '<', S_TAG_OPEN },
    [S_ATTR_VALUE_DQ] = { '"', S_AFTER_ATTR_VALUE_Q },
    [S_ATTR_VALUE_SQ] = { '\'', S_AFTER_ATTR_VALUE_Q },
    [S_BOGUS_COMMENT] = { '>', S_DATA },
    [S_COMMENT] = { '-', S_COMMENT_END_DASH },
    [S_TEXT] = { '<', S_TEXT_LT },
    [S_SCRIPT] = { '<', S_SCRIPT_LT }
};


/* what a state makes of a byte */
enum {
    MAINT_HTML_NEXT = 0,            /* on to the next byte */
    MAINT_HTML_AGAIN,               /* the same byte, in the new state */
    MAINT_HTML_EMIT,                /* a tag is complete */
    MAINT_HTML_STOP                 /* the scan gives up */
};


static unsigned maint_html_tag(maint_html_t *h, unsigned char c);
static unsigned maint_html_attr(maint_html_t *h, unsigned char c);
static unsigned maint_html_markup(maint_html_t *h, unsigned char c);
static unsigned maint_html_end_tag(maint_html_t *h, unsigned char c);
static unsigned maint_html_script(maint_html_t *h, unsigned char c);
static unsigned maint_html_escaped(maint_html_t *h, unsigned char c,
    unsigned base);
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
    size_t                    i, left;
    ssize_t                   rc;
    unsigned                  act;
    unsigned char             c;
    const maint_html_wait_t  *w;

    if (h->state == S_DONE) {
        return MAINT_HTML_NEVER;
    }

    /* the bytes still to look at, of the first "limit" of the page */
    left = h->scanned < h->limit ? h->limit - h->scanned : 0;

    for (i = 0; i < len; i++) {

        if (i == left) {
            h->state = S_DONE;
            return MAINT_HTML_NEVER;
        }

        c = (unsigned char) p[i];

        /*
         * Bytes are read as ASCII: true of every encoding a browser
         * decodes HTML with, but UTF-16 (known by its byte order mark
         * here, by the charset in the header: maint_html_charset_ok) and
         * ISO-2022-JP, whose ESC sequences switch to double bytes in
         * which "<body>" may be two characters of text.
         */

        if (c == 0x1b || (c >= 0xfe && h->scanned == 0)) {
            h->state = S_DONE;
            return MAINT_HTML_NEVER;
        }

        h->scanned++;

        /* a state may hand the byte on to the next one: AGAIN */

        do {
            w = &maint_html_waits[h->state];

            if (w->until) {
                if (c == w->until) {
                    h->state = w->next;
                }

                act = MAINT_HTML_NEXT;
                break;
            }

            if (h->state <= S_TAG_NAME) {
                act = maint_html_tag(h, c);

            } else if (h->state <= S_SELF_CLOSING) {
                act = maint_html_attr(h, c);

            } else if (h->state <= S_COMMENT_END_BANG) {
                act = maint_html_markup(h, c);

            } else if (h->state <= S_TEXT_END_TAG_NAME
                       || h->state == S_SCRIPT_END_TAG_OPEN
                       || h->state == S_SCRIPT_END_TAG_NAME
                       || h->state == S_SCRIPT_ESC_END_TAG_OPEN
                       || h->state == S_SCRIPT_ESC_END_TAG_NAME)
            {
                act = maint_html_end_tag(h, c);

            } else if (h->state >= S_SCRIPT_ESC
                       && h->state <= S_SCRIPT_ESC_DASH_DASH)
            {
                act = maint_html_escaped(h, c, S_SCRIPT_ESC);

            } else if (h->state >= S_SCRIPT_DESC
                       && h->state <= S_SCRIPT_DESC_DASH_DASH)
            {
                act = maint_html_escaped(h, c, S_SCRIPT_DESC);

            } else if (h->state < S_DONE) {
                act = maint_html_script(h, c);

            } else {
                act = MAINT_HTML_STOP;
            }

        } while (act == MAINT_HTML_AGAIN);

        if (act == MAINT_HTML_STOP) {
            return MAINT_HTML_NEVER;
        }

        if (act == MAINT_HTML_EMIT) {
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


/* "<", "</" and a tag's name (the data state is maint_html_feed()'s) */

static unsigned
maint_html_tag(maint_html_t *h, unsigned char c)
{
    switch (h->state) {

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
            return MAINT_HTML_AGAIN;

        } else if (c == '?') {
            h->state = S_BOGUS_COMMENT;

        } else {
            h->state = S_DATA;  /* a "<" of the text */
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_END_TAG_OPEN:
        if (alpha(c)) {
            h->end_tag = 1;
            h->name_len = 0;
            h->state = S_TAG_NAME;
            return MAINT_HTML_AGAIN;
        }

        /* "</>" is nothing; "</" and anything else, a bogus comment */
        h->state = (c == '>') ? S_DATA : S_BOGUS_COMMENT;
        return MAINT_HTML_NEXT;

    case S_TAG_NAME:
        if (ws(c)) {
            h->state = S_BEFORE_ATTR_NAME;

        } else if (c == '/') {
            h->state = S_SELF_CLOSING;

        } else if (c == '>') {
            return MAINT_HTML_EMIT;

        } else {
            maint_html_name_add(h, c);
        }
        return MAINT_HTML_NEXT;

    default:
        return MAINT_HTML_STOP;
    }
}


/* attributes: names, values, and a self-closing "/" */

static unsigned
maint_html_attr(maint_html_t *h, unsigned char c)
{
    switch (h->state) {

    case S_BEFORE_ATTR_NAME:
        if (ws(c)) {
            return MAINT_HTML_NEXT;
        }

        h->state = (c == '/' || c == '>') ? S_AFTER_ATTR_NAME
                                          : S_ATTR_NAME;
        if (c == '=') {
            return MAINT_HTML_NEXT;              /* an attribute named "=" */
        }
        return MAINT_HTML_AGAIN;

    case S_ATTR_NAME:
        if (ws(c) || c == '/' || c == '>') {
            h->state = S_AFTER_ATTR_NAME;
            return MAINT_HTML_AGAIN;
        }

        if (c == '=') {
            h->state = S_BEFORE_ATTR_VALUE;
        }
        return MAINT_HTML_NEXT;

    case S_AFTER_ATTR_NAME:
        if (ws(c)) {
            return MAINT_HTML_NEXT;
        }

        if (c == '/') {
            h->state = S_SELF_CLOSING;

        } else if (c == '=') {
            h->state = S_BEFORE_ATTR_VALUE;

        } else if (c == '>') {
            return MAINT_HTML_EMIT;

        } else {
            h->state = S_ATTR_NAME;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_BEFORE_ATTR_VALUE:
        if (ws(c)) {
            return MAINT_HTML_NEXT;
        }

        if (c == '"') {
            h->state = S_ATTR_VALUE_DQ;

        } else if (c == '\'') {
            h->state = S_ATTR_VALUE_SQ;

        } else if (c == '>') {
            return MAINT_HTML_EMIT;           /* a missing value */

        } else {
            h->state = S_ATTR_VALUE_UNQ;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_ATTR_VALUE_UNQ:
        if (ws(c)) {
            h->state = S_BEFORE_ATTR_NAME;

        } else if (c == '>') {
            return MAINT_HTML_EMIT;
        }
        return MAINT_HTML_NEXT;

    case S_AFTER_ATTR_VALUE_Q:
        if (ws(c)) {
            h->state = S_BEFORE_ATTR_NAME;

        } else if (c == '/') {
            h->state = S_SELF_CLOSING;

        } else if (c == '>') {
            return MAINT_HTML_EMIT;

        } else {
            h->state = S_BEFORE_ATTR_NAME;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_SELF_CLOSING:
        if (c == '>') {
            return MAINT_HTML_EMIT;

        } else {
            h->state = S_BEFORE_ATTR_NAME;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    default:
        return MAINT_HTML_STOP;
    }
}


/* "<!": comments, DOCTYPEs, bogus comments */

static unsigned
maint_html_markup(maint_html_t *h, unsigned char c)
{
    static const char  doctype[] = "doctype";
    static const char  cdata[] = "[CDATA[";

    switch (h->state) {

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
            return MAINT_HTML_AGAIN;
        }

        if ((h->md & MAINT_HTML_MD_DASHES) && h->md_len == 2) {
            h->state = S_COMMENT_START;

        } else if ((h->md & MAINT_HTML_MD_DOCTYPE) && h->md_len == 7) {
            h->state = S_BOGUS_COMMENT;

        } else if ((h->md & MAINT_HTML_MD_CDATA) && h->md_len == 7) {
            /* text until "]]>" in foreign content, a bogus comment
             * until ">" elsewhere: which, only the tree knows */
            h->state = S_DONE;
            return MAINT_HTML_STOP;
        }
        return MAINT_HTML_NEXT;

    case S_COMMENT_START:
        if (c == '-') {
            h->state = S_COMMENT_START_DASH;

        } else if (c == '>') {
            h->state = S_DATA;  /* "<!-->" */

        } else {
            h->state = S_COMMENT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_COMMENT_START_DASH:
        if (c == '-') {
            h->state = S_COMMENT_END;

        } else if (c == '>') {
            h->state = S_DATA;  /* "<!--->" */

        } else {
            h->state = S_COMMENT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_COMMENT_END_DASH:
        if (c == '-') {
            h->state = S_COMMENT_END;

        } else {
            h->state = S_COMMENT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_COMMENT_END:
        if (c == '>') {
            h->state = S_DATA;

        } else if (c == '!') {
            h->state = S_COMMENT_END_BANG;

        } else if (c != '-') {
            h->state = S_COMMENT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_COMMENT_END_BANG:
        if (c == '-') {
            h->state = S_COMMENT_END_DASH;

        } else if (c == '>') {
            h->state = S_DATA;  /* "--!>" */

        } else {
            h->state = S_COMMENT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    default:
        return MAINT_HTML_STOP;
    }
}


/*
 * "<" in RAWTEXT and RCDATA (only their own end tag ends them), and "</"
 * there, in script data or its escape: the end tag of the open element,
 * or text after all
 */

static unsigned
maint_html_end_tag(maint_html_t *h, unsigned char c)
{
    switch (h->state) {

    case S_TEXT_LT:
        if (c == '/') {
            h->state = S_TEXT_END_TAG_OPEN;
            return MAINT_HTML_NEXT;
        }

        h->state = S_TEXT;
        return MAINT_HTML_AGAIN;

    case S_TEXT_END_TAG_OPEN:
    case S_SCRIPT_END_TAG_OPEN:
    case S_SCRIPT_ESC_END_TAG_OPEN:
        if (alpha(c)) {
            h->name_len = 0;
            h->state++;     /* the END_TAG_NAME state next to it */
            return MAINT_HTML_AGAIN;
        }

        h->state = (h->state == S_TEXT_END_TAG_OPEN) ? S_TEXT
                   : (h->state == S_SCRIPT_END_TAG_OPEN) ? S_SCRIPT
                   : S_SCRIPT_ESC;
        return MAINT_HTML_AGAIN;

    case S_TEXT_END_TAG_NAME:
    case S_SCRIPT_END_TAG_NAME:
    case S_SCRIPT_ESC_END_TAG_NAME:
        if (alpha(c)) {
            maint_html_name_add(h, c);
            return MAINT_HTML_NEXT;
        }

        if ((ws(c) || c == '/' || c == '>')
            && maint_html_appropriate(h))
        {
            /* the end tag, attributes and all, like any other */
            h->end_tag = 1;

            if (c == '>') {
                return MAINT_HTML_EMIT;
            }

            h->state = ws(c) ? S_BEFORE_ATTR_NAME : S_SELF_CLOSING;
            return MAINT_HTML_NEXT;
        }

        h->state = (h->state == S_TEXT_END_TAG_NAME) ? S_TEXT
                   : (h->state == S_SCRIPT_END_TAG_NAME) ? S_SCRIPT
                   : S_SCRIPT_ESC;
        return MAINT_HTML_AGAIN;

    default:
        return MAINT_HTML_STOP;
    }
}


/* script data, with its "<!--" escapes */

static unsigned
maint_html_script(maint_html_t *h, unsigned char c)
{
    switch (h->state) {

    case S_SCRIPT_LT:
        if (c == '/') {
            h->state = S_SCRIPT_END_TAG_OPEN;

        } else if (c == '!') {
            h->state = S_SCRIPT_ESC_START;

        } else {
            h->state = S_SCRIPT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_SCRIPT_ESC_START:
        if (c == '-') {
            h->state = S_SCRIPT_ESC_START_DASH;

        } else {
            h->state = S_SCRIPT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_SCRIPT_ESC_START_DASH:
        if (c == '-') {
            h->state = S_SCRIPT_ESC_DASH_DASH;

        } else {
            h->state = S_SCRIPT;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_SCRIPT_ESC_LT:
        if (c == '/') {
            h->state = S_SCRIPT_ESC_END_TAG_OPEN;

        } else if (alpha(c)) {
            h->name_len = 0;
            h->state = S_SCRIPT_DESC_START;
            return MAINT_HTML_AGAIN;

        } else {
            h->state = S_SCRIPT_ESC;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

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
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    case S_SCRIPT_DESC_LT:
        if (c == '/') {
            h->name_len = 0;
            h->state = S_SCRIPT_DESC_END;

        } else {
            h->state = S_SCRIPT_DESC;
            return MAINT_HTML_AGAIN;
        }
        return MAINT_HTML_NEXT;

    default:
        return MAINT_HTML_STOP;
    }
}


/*
 * Script data escaped ("<!--" in a script) and double escaped (a
 * "<script" inside that escape): three states each, in the same order
 * from base (S_SCRIPT_ESC or S_SCRIPT_DESC), their "<" state after them
 */

static unsigned
maint_html_escaped(maint_html_t *h, unsigned char c, unsigned base)
{
    unsigned  dashes;

    dashes = h->state - base;

    if (c == '<') {
        h->state = base + 3;

    } else if (c == '-') {
        if (dashes < 2) {
            h->state++;
        }

    } else if (c == '>' && dashes == 2) {
        h->state = S_SCRIPT;        /* "-->" */

    } else {
        h->state = base;
    }

    return MAINT_HTML_NEXT;
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
