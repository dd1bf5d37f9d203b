/*
 * show.c: the shapes of a command that prints what the API answers (one
 * request and its answer, with or without arguments of its own, and a
 * list read page by page), so that each command only says what it asks
 * and how its answer reads.  --json prints the API's document as it came:
 * scripts read what the API says, not maintctl's rendering of it.
 */

#include <stdio.h>
#include <string.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "output.h"
#include "show.h"


/* sends one request; on success prints its answer with print */

int
ctl_show(const char *method, const char *path, json_t *body,
    ctl_print_pt print)
{
    int         rc;
    ctl_resp_t  r;

    rc = ctl_request(method, path, NULL, body, &r);

    if (rc == CTL_EXIT_OK) {
        if (ctl_conf.json) {
            ctl_print_raw(&r);

        } else {
            print(r.json);
        }
    }

    ctl_resp_free(&r);

    return rc;
}


/* a command without arguments that prints one answer */

int
ctl_show_command(ctl_args_t *a, const char *method, const char *path,
    ctl_print_pt print)
{
    int  rc;

    rc = ctl_no_args(a);

    if (rc != CTL_EXIT_OK) {
        return rc;
    }

    return ctl_show(method, path, NULL, print);
}


/*
 * GETs base (a list route with its query) with limit as the page size (0:
 * the API's), following the pages with all.  --json prints one page as it
 * came, or all pages' items as one document; otherwise table prints the
 * items, and a note on stderr says when more what follow.
 */

int
ctl_show_list(ctl_buf_t *base, long limit, int all, ctl_print_pt table,
    const char *what)
{
    int          rc, pages;
    char         lim[16];
    json_t      *items, *doc;
    ctl_resp_t   r;

    /* with --all the page size only sets the number of round trips */
    if (limit == 0 && all) {
        limit = 500;
    }

    if (limit) {
        snprintf(lim, sizeof(lim), "%ld", limit);
        ctl_buf_query(base, "limit", lim);
    }

    items = json_array();
    rc = ctl_get_pages(base->data, all, items, &r, &pages);

    if (rc == CTL_EXIT_OK) {
        if (ctl_conf.json && pages == 1) {
            ctl_print_raw(&r);

        } else if (ctl_conf.json) {
            doc = json_pack("{s:O,s:n}", "items", items, "next_cursor");
            ctl_print_json(doc);
            json_decref(doc);

        } else {
            table(items);

            if (json_is_string(json_object_get(r.json, "next_cursor"))) {
                fprintf(stderr, "(more %s follow: use --all, or a larger "
                        "--limit)\n", what);
            }
        }
    }

    ctl_resp_free(&r);
    json_decref(items);

    return rc;
}
