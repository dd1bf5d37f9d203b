/*
 * api.h: the HTTP calls to the admin API (api.c).  Each reports its own
 * failures and returns an exit code, CTL_EXIT_OK on a 2xx answer.
 */

#ifndef CTL_API_H
#define CTL_API_H

#include <stdint.h>
#include <jansson.h>

#include "maintctl.h"


int ctl_request(const char *method, const char *path, const char *if_match,
    json_t *body, ctl_resp_t *r);
int ctl_get_pages(const char *base, int all, json_t *items, ctl_resp_t *r,
    int *pages);
void ctl_resp_free(ctl_resp_t *r);
void ctl_api_done(void);
int ctl_server_now(int64_t *now);

/* "/v1/route/ITEM[/action]", ITEM percent-encoded; to be freed */
char *ctl_item_path(const char *route, const char *item, const char *action);


#endif /* CTL_API_H */
