/*
 * maint_negotiate.c: content negotiation for the pages the edge answers
 * with (maint_negotiate.h): JSON or HTML by Accept, the window's
 * translation by Accept-Language.  Bounded by the header's length.
 */

#include <string.h>

#include "maint_http.h"
#include "maint_negotiate.h"


/* Quality value in thousandths; "q=0.8" -> 800.  Bad values count as 0. */

static int
maint_parse_q(const char *p, const char *end)
{
    int  q, scale;

    if (p >= end) {
        return 0;
    }

    if (*p == '1') {
        return 1000;
    }

    if (*p != '0') {
        return 0;
    }

    p++;
    q = 0;

    if (p < end && *p == '.') {
        p++;

        for (scale = 100; p < end && scale > 0; p++, scale /= 10) {
            if (*p < '0' || *p > '9') {
                break;
            }

            q += (*p - '0') * scale;
        }
    }

    return q;
}


/* Finds the q parameter in "type/sub;a=b;q=0.5"; 1000 when absent. */

static int
maint_media_q(const char *params, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (params[i] != ';') {
            continue;
        }

        i++;

        while (i < len && (params[i] == ' ' || params[i] == '\t')) {
            i++;
        }

        if (i + 1 < len && (params[i] == 'q' || params[i] == 'Q')
            && params[i + 1] == '=')
        {
            size_t  j = i + 2;

            while (j < len && params[j] != ';') {
                j++;
            }

            return maint_parse_q(params + i + 2, params + j);
        }

        i--;
    }

    return 1000;
}


int
maint_accept_wants_json(const char *accept, size_t len)
{
    int          q, json_q, html_q, json_first, is_json, is_html;
    size_t       pos, start, end, mend;
    const char  *m;

    json_q = 0;
    html_q = 0;
    json_first = -1;

    for (pos = 0; pos < len; pos = end + 1) {
        end = pos;

        while (end < len && accept[end] != ',') {
            end++;
        }

        start = pos;

        while (start < end && (accept[start] == ' ' || accept[start] == '\t'))
        {
            start++;
        }

        mend = start;

        while (mend < end && accept[mend] != ';' && accept[mend] != ' '
               && accept[mend] != '\t')
        {
            mend++;
        }

        m = accept + start;

        is_json = maint_lower_eq(m, mend - start, "application/json")
                  || (mend - start > 5
                      && maint_lower_eq(accept + mend - 5, 5, "+json"));
        is_html = maint_lower_eq(m, mend - start, "text/html")
                  || maint_lower_eq(m, mend - start,
                                    "application/xhtml+xml");

        if (!is_json && !is_html) {
            continue;
        }

        q = maint_media_q(accept + mend, end - mend);

        if (is_json) {
            if (q > json_q) {
                json_q = q;
            }

            if (json_first < 0 && q > 0) {
                json_first = 1;
            }

        } else if (q > html_q) {
            html_q = q;

            if (json_first < 0) {
                json_first = 0;
            }
        }
    }

    if (json_q == 0) {
        return 0;
    }

    return json_q > html_q || (json_q == html_q && json_first == 1);
}


/* "fr" and "fr-CA": a equals b or is a prefix of it ending at a "-" */

static int
maint_lang_prefix(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t  i;
    char    x, y;

    if (alen > blen || (alen < blen && b[alen] != '-')) {
        return 0;
    }

    for (i = 0; i < alen; i++) {
        x = a[i];
        y = b[i];

        if (x >= 'A' && x <= 'Z') {
            x = (char) (x - 'A' + 'a');
        }

        if (y >= 'A' && y <= 'Z') {
            y = (char) (y - 'A' + 'a');
        }

        if (x != y) {
            return 0;
        }
    }

    return 1;
}


#define MAINT_LANG_RANGES_MAX  64


const maint_translation_t *
maint_lang_pick(const char *header, size_t len, const maint_translation_t *t,
    size_t n)
{
    int                         q, best_q;
    size_t                      pos, start, end, rend, i, ranges;
    const char                 *r;
    const maint_translation_t  *best, *found;

    best = NULL;
    best_q = 0;

    if (n == 0) {
        return NULL;
    }

    ranges = 0;

    for (pos = 0; pos < len && ranges < MAINT_LANG_RANGES_MAX; pos = end + 1)
    {
        end = pos;

        while (end < len && header[end] != ',') {
            end++;
        }

        start = pos;

        while (start < end && (header[start] == ' ' || header[start] == '\t'))
        {
            start++;
        }

        rend = start;

        while (rend < end && header[rend] != ';' && header[rend] != ' '
               && header[rend] != '\t')
        {
            rend++;
        }

        if (rend == start) {
            continue;
        }

        ranges++;
        r = header + start;

        q = maint_media_q(header + rend, end - rend);

        /* only a higher q beats what an earlier range found */
        if (q <= best_q || (rend - start == 1 && r[0] == '*')) {
            continue;
        }

        found = NULL;

        for (i = 0; i < n && found == NULL; i++) {
            if (maint_lang_prefix(r, rend - start, t[i].lang.data,
                                  t[i].lang.len)
                && t[i].lang.len == rend - start)
            {
                found = &t[i];
            }
        }

        if (found == NULL && maint_lang_prefix("en", 2, r, rend - start)) {
            /* the default's language: nothing more to find */
            best = NULL;
            best_q = q;
            continue;
        }

        for (i = 0; i < n && found == NULL; i++) {
            if (maint_lang_prefix(r, rend - start, t[i].lang.data,
                                  t[i].lang.len)
                || maint_lang_prefix(t[i].lang.data, t[i].lang.len, r,
                                     rend - start))
            {
                found = &t[i];
            }
        }

        if (found) {
            best = found;
            best_q = q;
        }
    }

    return best;
}
