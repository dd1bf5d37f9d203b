/*
 * query.c: a request's query parameters and headers, as libmicrohttpd
 * parsed them; the answer to a bad parameter.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "http/query.h"


const char *
adm_query(adm_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}


/* what adm_query_all() collects: name's values, in order, in out */

typedef struct {
    const char   *name;
    const char  **out;
    size_t        max, n;
} adm_query_all_t;


static enum MHD_Result
adm_query_one(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
    adm_query_all_t  *q = cls;

    if (strcmp(key, q->name) == 0 && q->n++ < q->max) {
        q->out[q->n - 1] = value ? value : "";
    }

    return MHD_YES;
}


/* every value of an argument given more than once; how many there were */

size_t
adm_query_all(adm_req_t *r, const char *name, const char **out, size_t max)
{
    adm_query_all_t  q = { name, out, max, 0 };

    (void) MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND,
                                     adm_query_one, &q);

    return q.n;
}


const char *
adm_header_in(adm_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}


/* a query parameter that is not what the route takes: 400 naming it */

int
adm_bad_query(adm_req_t *r, const char *name, const char *reason)
{
    char  detail[160];

    snprintf(detail, sizeof(detail), "%s: %s", name, reason);

    return adm_problem(r, 400, ADM_P_BAD_REQUEST, "Bad query parameter",
                       detail, json_pack("[{s:s, s:s}]", "field", name,
                                         "reason", reason), NULL);
}


int
adm_query_uint(adm_req_t *r, const char *name, long min, long max,
    long *out)
{
    char        *end;
    long         n;
    const char  *s;

    s = adm_query(r, name);
    if (s == NULL) {
        return 0;
    }

    n = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || n < min || n > max) {
        return -1;
    }

    *out = n;

    return 0;
}


/* ?limit= and ?cursor= of a paged list, defaults when absent */

int
adm_query_page(adm_req_t *r, long *limit, long *offset)
{
    *limit = ADM_PAGE_DEFAULT;
    *offset = 0;

    if (adm_query_uint(r, "limit", 1, ADM_PAGE_MAX, limit) != 0) {
        return adm_bad_query(r, "limit", "must be 1 to 500");
    }

    if (adm_query_uint(r, "cursor", 0, 1L << 30, offset) != 0) {
        return adm_bad_query(r, "cursor", "must be a value from next_cursor");
    }

    return 0;
}
