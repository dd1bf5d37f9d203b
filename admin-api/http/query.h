/*
 * query.h: what a request says besides its body: its query parameters
 * (one, every value of one, a bounded number, a page of a list) and its
 * headers, and the 400 that names a bad parameter (query.c).
 */

#ifndef ADM_HTTP_QUERY_H
#define ADM_HTTP_QUERY_H

#include <stddef.h>

#include "http/http.h"


const char *adm_query(adm_req_t *r, const char *name);
size_t adm_query_all(adm_req_t *r, const char *name, const char **out,
    size_t max);
int adm_query_uint(adm_req_t *r, const char *name, long min, long max,
    long *out);
int adm_query_page(adm_req_t *r, long *limit, long *offset);
int adm_bad_query(adm_req_t *r, const char *name, const char *reason);
const char *adm_header_in(adm_req_t *r, const char *name);


#endif /* ADM_HTTP_QUERY_H */
