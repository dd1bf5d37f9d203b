/*
 * maint_template.c: compiles {{placeholder}} templates into segments and
 * renders them with HTML escaping; also the JSON string escaper used for
 * problem+json bodies.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_template.h"


typedef struct {
    const char  *data;              /* literal, or NULL for a placeholder */
    size_t       len;
    int          ph;
} maint_segment_t;

struct maint_template_s {
    maint_segment_t  *segs;
    size_t            nsegs;
    char             *src;          /* a private copy the literals point to */
};


static const char  *maint_ph_names[MAINT_PH_COUNT] = {
    "title",
    "headline",
    "detail",
    "message",
    "notify_message",
    "window_id",
    "starts_at",
    "ends_at",
    "starts_at_epoch",
    "ends_at_epoch",
    "kind",
    "refresh",
    "status",
    "error",
    "csrf",
    "lang",
    "starts_at_utc",
    "ends_at_utc",
    "page_lang",
    "label_started",
    "label_expected",
    "refresh_note",
    "countdown",
    "countdown_soon",
    "window_title",
    "reference",
    "refreshes",
    "back_hint",
    "back_label",
    "name"
};


const char *
maint_placeholder_name(maint_placeholder_e ph)
{
    return ph < MAINT_PH_COUNT ? maint_ph_names[ph] : "";
}


static int
maint_lookup_placeholder(const char *name, size_t len)
{
    int  i;

    for (i = 0; i < MAINT_PH_COUNT; i++) {
        if (strlen(maint_ph_names[i]) == len
            && memcmp(maint_ph_names[i], name, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


static unsigned
maint_line_of(const char *src, const char *p)
{
    unsigned  line;

    for (line = 1; src < p; src++) {
        if (*src == '\n') {
            line++;
        }
    }

    return line;
}


maint_template_t *
maint_template_compile(const char *src, size_t len, char *err, size_t errlen)
{
    int                ph;
    size_t             n, cap;
    const char        *p, *end, *open, *close, *name, *name_end;
    maint_template_t  *t;

    t = calloc(1, sizeof(maint_template_t));
    if (t == NULL) {
        return NULL;
    }

    t->src = malloc(len + 1);
    if (t->src == NULL) {
        goto failed;
    }

    memcpy(t->src, src, len);
    t->src[len] = '\0';

    /* each "{{" adds at most two segments */

    cap = 1;
    for (p = t->src, end = t->src + len; p + 1 < end; p++) {
        if (p[0] == '{' && p[1] == '{') {
            cap += 2;
        }
    }

    t->segs = calloc(cap, sizeof(maint_segment_t));
    if (t->segs == NULL) {
        goto failed;
    }

    n = 0;
    p = t->src;

    while (p < end) {
        open = NULL;

        for (const char *q = p; q + 1 < end; q++) {
            if (q[0] == '{' && q[1] == '{') {
                open = q;
                break;
            }
        }

        if (open == NULL) {
            t->segs[n].data = p;
            t->segs[n++].len = (size_t) (end - p);
            break;
        }

        if (open > p) {
            t->segs[n].data = p;
            t->segs[n++].len = (size_t) (open - p);
        }

        close = NULL;

        for (const char *q = open + 2; q + 1 < end; q++) {
            if (q[0] == '}' && q[1] == '}') {
                close = q;
                break;
            }

            if (*q == '\n' || q - open > 64) {
                break;
            }
        }

        if (close == NULL) {
            snprintf(err, errlen, "unterminated \"{{\" at line %u",
                     maint_line_of(t->src, open));
            goto failed;
        }

        name = open + 2;
        name_end = close;

        while (name < name_end && (*name == ' ' || *name == '\t')) {
            name++;
        }

        while (name_end > name && (name_end[-1] == ' '
                                   || name_end[-1] == '\t'))
        {
            name_end--;
        }

        ph = maint_lookup_placeholder(name, (size_t) (name_end - name));

        if (ph < 0) {
            snprintf(err, errlen, "unknown placeholder \"{{%.*s}}\" at "
                     "line %u", (int) (name_end - name), name,
                     maint_line_of(t->src, open));
            goto failed;
        }

        t->segs[n].data = NULL;
        t->segs[n++].ph = ph;

        p = close + 2;
    }

    t->nsegs = n;

    return t;

failed:

    maint_template_free(t);

    return NULL;
}


void
maint_template_free(maint_template_t *t)
{
    if (t == NULL) {
        return;
    }

    free(t->segs);
    free(t->src);
    free(t);
}


size_t
maint_template_length(const maint_template_t *t,
    const maint_template_vars_t *vars)
{
    size_t              i, len;
    const maint_str_t  *v;

    len = 0;

    for (i = 0; i < t->nsegs; i++) {
        if (t->segs[i].data) {
            len += t->segs[i].len;

        } else {
            v = &vars->v[t->segs[i].ph];
            len += maint_html_escape(NULL, v->data, v->len);
        }
    }

    return len;
}


size_t
maint_template_render(const maint_template_t *t,
    const maint_template_vars_t *vars, char *out)
{
    char               *p;
    size_t              i;
    const maint_str_t  *v;

    p = out;

    for (i = 0; i < t->nsegs; i++) {
        if (t->segs[i].data) {
            memcpy(p, t->segs[i].data, t->segs[i].len);
            p += t->segs[i].len;

        } else {
            v = &vars->v[t->segs[i].ph];
            p += maint_html_escape(p, v->data, v->len);
        }
    }

    return (size_t) (p - out);
}


size_t
maint_html_escape(char *dst, const char *src, size_t len)
{
    size_t       i, n;
    const char  *rep;

    n = 0;

    for (i = 0; i < len; i++) {
        switch (src[i]) {
        case '&':  rep = "&amp;";  break;
        case '<':  rep = "&lt;";   break;
        case '>':  rep = "&gt;";   break;
        case '"':  rep = "&quot;"; break;
        case '\'': rep = "&#39;";  break;
        default:   rep = NULL;
        }

        if (rep == NULL) {
            if (dst) {
                dst[n] = src[i];
            }

            n++;
            continue;
        }

        if (dst) {
            memcpy(dst + n, rep, strlen(rep));
        }

        n += strlen(rep);
    }

    return n;
}


size_t
maint_json_escape(char *dst, const char *src, size_t len)
{
    size_t          i, n;
    unsigned char   c;
    static const char  hex[] = "0123456789abcdef";

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];

        if (c == '"' || c == '\\') {
            if (dst) {
                dst[n] = '\\';
                dst[n + 1] = (char) c;
            }

            n += 2;

        } else if (c == '\n' || c == '\t') {
            if (dst) {
                dst[n] = '\\';
                dst[n + 1] = c == '\n' ? 'n' : 't';
            }

            n += 2;

        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            /* <>& escaped too, so the JSON is safe to embed in HTML */
            if (dst) {
                memcpy(dst + n, "\\u00", 4);
                dst[n + 4] = hex[c >> 4];
                dst[n + 5] = hex[c & 0xf];
            }

            n += 6;

        } else {
            if (dst) {
                dst[n] = (char) c;
            }

            n++;
        }
    }

    return n;
}
