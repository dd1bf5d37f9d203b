/*
 * output.c: what people read: tables, "field: value" lines, times in the
 * local time zone, the dry-run prechecks, the JSON documents of --json, and
 * the yes/no questions before what cannot be undone.
 * Every string from the API is cleaned of control characters before it
 * reaches a terminal, so that a window's title cannot rewrite the screen.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "maintctl.h"
#include "args.h"
#include "buf.h"
#include "output.h"


/* tables never let one cell push the others off an 80-column screen */
#define CTL_CELL_MAX  48


const char *
ctl_str(json_t *obj, const char *key)
{
    json_t  *v;

    v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_string(v) ? json_string_value(v) : NULL;
}


/*
 * A copy of s with C0 and C1 controls and DEL shown as '?'.  multiline keeps
 * line breaks and tabs (messages may contain them); otherwise they become
 * spaces.  s is valid UTF-8 (jansson guarantees it).
 */

char *
ctl_clean(const char *s, int multiline)
{
    char           *out, *o;
    unsigned char   c;

    out = ctl_alloc(strlen(s) + 1);

    for (o = out; *s; s++) {
        c = (unsigned char) *s;

        if (c == '\n' || c == '\t') {
            *o++ = multiline ? (char) c : ' ';

        } else if (c < 0x20 || c == 0x7f) {
            *o++ = '?';

        } else if (c == 0xc2 && (unsigned char) s[1] >= 0x80
                   && (unsigned char) s[1] <= 0x9f)
        {
            *o++ = '?';
            s++;

        } else {
            *o++ = (char) c;
        }
    }

    *o = '\0';

    return out;
}


/* characters, not bytes: what a terminal shows (wide glyphs aside) */

static size_t
ctl_width(const char *s)
{
    size_t  n;

    for (n = 0; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }

    return n;
}


/* a cleaned copy of s, at most max characters, "..." marking a cut */

char *
ctl_truncate(const char *s, size_t max)
{
    char    *c;
    size_t   n, i;

    c = ctl_clean(s, 0);

    if (ctl_width(c) <= max || max < 4) {
        return c;
    }

    for (i = 0, n = 0; c[i]; i++) {
        if (((unsigned char) c[i] & 0xc0) != 0x80 && n++ == max - 3) {
            break;
        }
    }

    strcpy(c + i, "...");

    return c;
}


/*
 * An API time (UTC, RFC 3339) in the local time zone.  Anything that does
 * not parse is shown as it came, cleaned; null is "-".
 */

const char *
ctl_local_time(const char *rfc3339, const char *fmt, char *buf, size_t size)
{
    char       *c;
    time_t      t;
    int64_t     sec;
    struct tm   tm;

    if (rfc3339 == NULL) {
        snprintf(buf, size, "-");
        return buf;
    }

    if (ctl_parse_time(rfc3339, &sec) != 0) {
        c = ctl_clean(rfc3339, 0);
        snprintf(buf, size, "%s", c);
        free(c);
        return buf;
    }

    t = (time_t) sec;

    if (localtime_r(&t, &tm) == NULL || strftime(buf, size, fmt, &tm) == 0) {
        snprintf(buf, size, "%s", rfc3339);
    }

    return buf;
}


char *
ctl_join(json_t *array, const char *sep)
{
    size_t      i;
    json_t     *v;
    char       *s;
    ctl_buf_t   b;

    memset(&b, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&b, "");

    json_array_foreach(array, i, v) {
        if (i) {
            ctl_buf_str(&b, sep);
        }

        if (json_is_string(v)) {
            ctl_buf_str(&b, json_string_value(v));

        } else {
            s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            ctl_buf_str(&b, s ? s : "?");
            free(s);
        }
    }

    return b.data;
}


void
ctl_table_init(ctl_table_t *t, int ncols, const char *const *heads)
{
    t->ncols = ncols;
    t->heads = heads;
    t->cells = NULL;
    t->nrows = 0;
    t->cap = 0;
}


/* ncols strings; each is truncated, cleaned and copied */

void
ctl_table_row(ctl_table_t *t, ...)
{
    int          c;
    va_list      args;
    const char  *s;

    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->cells = ctl_realloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }

    va_start(args, t);

    for (c = 0; c < t->ncols; c++) {
        s = va_arg(args, const char *);
        t->cells[t->nrows * t->ncols + c] = ctl_truncate(s ? s : "-",
                                                         CTL_CELL_MAX);
    }

    va_end(args);

    t->nrows++;
}


/*
 * On a terminal the last column (a title) is cut to the screen's width, so
 * that rows do not wrap; a pipe gets cells of at most CTL_CELL_MAX.
 */

static void
ctl_table_fit(ctl_table_t *t, const size_t *width)
{
    int             c;
    char           *cut, **cell;
    size_t          r, used, room;
    struct winsize  ws;

    if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0
        || ws.ws_col == 0)
    {
        return;
    }

    for (c = 0, used = 0; c < t->ncols - 1; c++) {
        used += width[c] + 2;
    }

    room = used + 20 < ws.ws_col ? ws.ws_col - used : 20;

    for (r = 0; r < t->nrows; r++) {
        cell = &t->cells[r * t->ncols + t->ncols - 1];
        cut = ctl_truncate(*cell, room);
        free(*cell);
        *cell = cut;
    }
}


/* prints and frees the table; the last column is not padded */

void
ctl_table_print(ctl_table_t *t)
{
    int          c;
    size_t       r, w, *width;
    const char  *s;

    width = ctl_alloc(t->ncols * sizeof(size_t));

    for (c = 0; c < t->ncols; c++) {
        width[c] = ctl_width(t->heads[c]);

        for (r = 0; r < t->nrows; r++) {
            w = ctl_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }

    ctl_table_fit(t, width);

    for (r = 0; r <= t->nrows; r++) {
        for (c = 0; c < t->ncols; c++) {
            s = r == 0 ? t->heads[c] : t->cells[(r - 1) * t->ncols + c];

            if (c == t->ncols - 1) {
                printf("%s\n", s);

            } else {
                printf("%s%*s", s, (int) (width[c] - ctl_width(s) + 2), "");
            }
        }
    }

    for (r = 0; r < t->nrows * t->ncols; r++) {
        free(t->cells[r]);
    }

    free(t->cells);
    free(width);
    t->cells = NULL;
    t->nrows = 0;
    t->cap = 0;
}


static int
ctl_is_time_field(const char *name)
{
    size_t  len;

    len = strlen(name);

    return (len > 3 && strcmp(name + len - 3, "_at") == 0)
           || (len > 5 && strcmp(name + len - 5, "_seen") == 0)
           || strcmp(name, "actual_start") == 0
           || strcmp(name, "actual_end") == 0;
}


/*
 * "name: value".  Times are local, with the zone; lists are joined with
 * commas; objects are flattened ("allow.paths: ..."); lines after the
 * first of a message are indented, so every line stays attributable.
 */

void
ctl_print_field(const char *name, json_t *value)
{
    char        *s, *line, *nl, sub[128];
    char         tbuf[64];
    size_t       i;
    const char  *key;
    json_t      *v;

    if (json_is_object(value)) {
        json_object_foreach(value, key, v) {
            snprintf(sub, sizeof(sub), "%s.%s", name, key);
            ctl_print_field(sub, v);
        }

        return;
    }

    if (value == NULL || json_is_null(value)) {
        s = ctl_strdup("-");

    } else if (json_is_string(value) && ctl_is_time_field(name)) {
        s = ctl_strdup(ctl_local_time(json_string_value(value),
                                      "%Y-%m-%d %H:%M:%S %Z",
                                      tbuf, sizeof(tbuf)));

    } else if (json_is_string(value)) {
        s = ctl_clean(json_string_value(value), 1);

    } else if (json_is_array(value)) {
        line = ctl_join(value, ", ");
        s = ctl_clean(line, 0);
        free(line);

    } else {
        line = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        s = ctl_clean(line ? line : "?", 0);
        free(line);
    }

    for (line = s, i = 0; line != NULL; line = nl, i++) {
        nl = strchr(line, '\n');

        if (nl) {
            *nl++ = '\0';
        }

        if (i == 0) {
            printf("%s:%s%s\n", name, *line ? " " : "", line);

        } else {
            printf("  %s\n", line);
        }
    }

    free(s);
}


/* the fields in order, then whatever else the object has */

void
ctl_print_object(json_t *obj, const char *const *order)
{
    size_t       i;
    json_t      *v;
    const char  *key;
    int          known;

    for (i = 0; order && order[i]; i++) {
        v = json_object_get(obj, order[i]);

        if (v != NULL) {
            ctl_print_field(order[i], v);
        }
    }

    json_object_foreach(obj, key, v) {
        known = 0;

        for (i = 0; order && order[i]; i++) {
            if (strcmp(order[i], key) == 0) {
                known = 1;
                break;
            }
        }

        if (!known) {
            ctl_print_field(key, v);
        }
    }
}


/* --json: the API's document exactly as it came */

void
ctl_print_raw(const ctl_resp_t *r)
{
    if (r->len == 0) {
        return;
    }

    fwrite(r->body, 1, r->len, stdout);

    if (r->body[r->len - 1] != '\n') {
        putchar('\n');
    }
}


void
ctl_print_json(json_t *doc)
{
    char  *s;

    s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (s != NULL) {
        printf("%s\n", s);
        free(s);
    }
}


/*
 * A dry-run answer: "ok|warn|fail name: detail" per precheck.  Returns
 * whether it passed: "ok" says so; without it, no precheck may fail.
 */

int
ctl_print_dry_run(const ctl_resp_t *r)
{
    int          ok;
    char        *name, *detail;
    size_t       i;
    json_t      *checks, *c, *okv;
    const char  *status;

    checks = json_object_get(r->json, "prechecks");
    okv = json_object_get(r->json, "ok");
    ok = json_is_boolean(okv) ? json_is_true(okv) : 1;

    json_array_foreach(checks, i, c) {
        status = ctl_str(c, "status") ? ctl_str(c, "status") : "?";

        if (!json_is_boolean(okv) && strcmp(status, "fail") == 0) {
            ok = 0;
        }

        if (ctl_conf.json) {
            continue;
        }

        name = ctl_clean(ctl_str(c, "name") ? ctl_str(c, "name") : "?", 0);
        detail = ctl_clean(ctl_str(c, "detail") ? ctl_str(c, "detail") : "",
                           0);
        /* only the three documented words reach the terminal as they are */
        if (strcmp(status, "ok") != 0 && strcmp(status, "warn") != 0
            && strcmp(status, "fail") != 0)
        {
            status = "?";
        }

        printf("%s %s: %s\n", status, name, detail);
        free(name);
        free(detail);
    }

    if (ctl_conf.json) {
        ctl_print_raw(r);

    } else {
        printf("dry run %s; nothing was written\n", ok ? "passed" : "failed");
    }

    return ok;
}


/*
 * A yes/no question on the terminal, "[y/N]": only "y" or "yes" is a yes,
 * anything else (Enter, end of input) keeps things as they are.  Callers
 * ask only when stdin is a terminal: reading "yes" from whatever stdin
 * happens to be would be guessing.
 */

int
ctl_ask(const char *fmt, ...)
{
    char     line[64];
    va_list  args;

    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputs(" [y/N] ", stderr);
    fflush(stderr);

    if (fgets(line, sizeof(line), stdin) == NULL) {
        fputc('\n', stderr);
        return 0;
    }

    line[strcspn(line, "\r\n")] = '\0';

    return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}


void
ctl_print_known(json_t *obj, const char *const *fields)
{
    size_t   i;
    json_t  *v;

    for (i = 0; fields[i]; i++) {
        v = json_object_get(obj, fields[i]);

        if (v != NULL) {
            ctl_print_field(fields[i], v);
        }
    }
}
