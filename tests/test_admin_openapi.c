/*
 * The OpenAPI document the daemon serves and the routes it really serves
 * (admin-api/http/routes.def) name the same methods and paths, both ways.
 * Run from the repository root.
 */

#include <ctype.h>

#include "unit.h"
#include <jansson.h>


typedef struct {
    const char  *method;
    const char  *pattern;
} route_t;

#define ADM_ROUTE(m, p, h, role)  { m, p },

static const route_t  routes[] = {
#include "routes.def"
};

static const size_t  nroutes = sizeof(routes) / sizeof(routes[0]);


static json_t *
load(void)
{
    json_t        *doc;
    json_error_t   err;

    doc = json_load_file("admin-api/openapi.json", JSON_REJECT_DUPLICATES,
                         &err);
    if (doc == NULL) {
        fail_msg("admin-api/openapi.json: %s at line %d", err.text, err.line);
    }

    return doc;
}


static void
test_document(void **state)
{
    json_t  *doc = load();

    assert_string_equal(json_string_value(json_object_get(doc, "openapi")),
                        "3.0.3");
    assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
    assert_non_null(json_object_get(json_object_get(json_object_get(doc,
                        "components"), "securitySchemes"), "bearer"));

    json_decref(doc);
}


static void
test_every_route_documented(void **state)
{
    char     m[16];
    size_t   i, j;
    json_t  *doc, *item;

    doc = load();

    for (i = 0; i < nroutes; i++) {
        item = json_object_get(json_object_get(doc, "paths"),
                               routes[i].pattern);

        for (j = 0; routes[i].method[j] && j < sizeof(m) - 1; j++) {
            m[j] = (char) tolower((unsigned char) routes[i].method[j]);
        }

        m[j] = '\0';

        if (item == NULL || json_object_get(item, m) == NULL) {
            fail_msg("%s %s is served but not in openapi.json",
                     routes[i].method, routes[i].pattern);
        }
    }

    json_decref(doc);
}


static void
test_every_documented_route_served(void **state)
{
    size_t       i;
    json_t      *doc, *item, *op;
    const char  *path, *method;
    int          found;

    static const char  *verbs[] = {
        "get", "put", "post", "delete", "patch", "head", "options", NULL
    };

    doc = load();

    json_object_foreach(json_object_get(doc, "paths"), path, item) {
        json_object_foreach(item, method, op) {
            const char **v;

            for (v = verbs; *v && strcmp(*v, method) != 0; v++) { }

            if (*v == NULL) {
                continue;       /* "parameters" and the like */
            }

            found = 0;

            for (i = 0; i < nroutes; i++) {
                if (strcmp(routes[i].pattern, path) == 0
                    && strcasecmp(routes[i].method, method) == 0)
                {
                    found = 1;
                }
            }

            if (!found) {
                fail_msg("openapi.json documents %s %s, which is not served",
                         method, path);
            }

            if (json_object_get(op, "responses") == NULL) {
                fail_msg("%s %s has no responses", method, path);
            }
        }
    }

    json_decref(doc);
}


/* the window's fields the daemon accepts are in the schemas */

static void
test_window_fields_documented(void **state)
{
    json_t       *doc, *schemas, *tr;
    const char  **f;

    static const char  *fields[] = {
        "title", "apps", "starts_at", "ends_at", "mode", "login_message",
        "notify_message", "translations", NULL
    };

    doc = load();
    schemas = json_object_get(json_object_get(doc, "components"), "schemas");

    for (f = fields; *f; f++) {
        if (json_object_get(json_object_get(json_object_get(schemas,
                "WindowInput"), "properties"), *f) == NULL
            || json_object_get(json_object_get(json_object_get(schemas,
                   "Window"), "properties"), *f) == NULL)
        {
            fail_msg("window field \"%s\" is not in openapi.json", *f);
        }
    }

    tr = json_object_get(json_object_get(json_object_get(schemas,
                         "Translations"), "additionalProperties"),
                         "properties");
    assert_non_null(json_object_get(tr, "title"));
    assert_non_null(json_object_get(tr, "login_message"));
    assert_non_null(json_object_get(tr, "notify_message"));

    json_decref(doc);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_every_documented_route_served),
        cmocka_unit_test(test_window_fields_documented),
    };

    return cmocka_run_group_tests_name("admin_openapi", tests, NULL, NULL);
}
