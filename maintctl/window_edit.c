/*
 * window_edit.c: window create and update, the commands that write a
 * window's fields: the options for them, and the request body made of the
 * options given (--for counted on the API's clock where it matters).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_core.h"
#include "maint_time.h"
#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "commands.h"
#include "notify.h"
#include "output.h"
#include "series.h"
#include "usage.h"
#include "window.h"


static const char *const  ctl_modes[] = { "full", "read_only", NULL };


/* window create and update: the writable fields as options */

#define W_TITLE           1
#define W_APP             2
#define W_START           3
#define W_END             4
#define W_FOR             5
#define W_MODE            6
#define W_MESSAGE         7
#define W_HIDE_MESSAGE    8
#define W_SHOW_MESSAGE    9
#define W_NOTIFY_MESSAGE  10
#define W_NOTIFY_BEFORE   11
#define W_ALLOW_PATH      12
#define W_ALLOW_NETWORK   13
#define W_HOLD            14
#define W_NO_HOLD         15
#define W_ENABLE          16
#define W_DISABLE         17
#define W_TERMINATE       18
#define W_NO_TERMINATE    19
#define W_NOTES           20
#define W_DRY_RUN         21
#define W_TRANSLATION     22
#define W_NO_TRANSLATIONS 23
#define W_NOTIFY          24
#define W_EVERY           25
#define W_TZ              26
#define W_FROM            27

static const ctl_opt_t  ctl_window_opts[] = {
    { "title",                 1, W_TITLE, NULL },
    { "app",                   1, W_APP, NULL },
    { "start",                 1, W_START, NULL },
    { "end",                   1, W_END, NULL },
    { "for",                   1, W_FOR, NULL },
    { "mode",                  1, W_MODE, NULL },
    { "message",               1, W_MESSAGE, NULL },
    { "hide-message",          0, W_HIDE_MESSAGE, NULL },
    { "show-message",          0, W_SHOW_MESSAGE, NULL },
    { "notify-message",        1, W_NOTIFY_MESSAGE, NULL },
    { "notify-before",         1, W_NOTIFY_BEFORE, NULL },
    { "allow-path",            1, W_ALLOW_PATH, NULL },
    { "allow-network",         1, W_ALLOW_NETWORK, NULL },
    { "hold",                  0, W_HOLD, NULL },
    { "no-hold",               0, W_NO_HOLD, NULL },
    { "enable",                0, W_ENABLE, NULL },
    { "enabled",               0, W_ENABLE, NULL },
    { "disable",               0, W_DISABLE, NULL },
    { "disabled",              0, W_DISABLE, NULL },
    { "terminate-sessions",    0, W_TERMINATE, NULL },
    { "no-terminate-sessions", 0, W_NO_TERMINATE, NULL },
    { "notes",                 1, W_NOTES, NULL },
    { "dry-run",               0, W_DRY_RUN, NULL },
    { "translation",           1, W_TRANSLATION, NULL },
    { "no-translations",       0, W_NO_TRANSLATIONS, NULL },
    { "notify",                1, W_NOTIFY, NULL },
    { "every",                 1, W_EVERY, NULL },
    { "tz",                    1, W_TZ, NULL },
    { "from",                  1, W_FROM, NULL },
    { NULL, 0, 0, NULL }
};

typedef struct {
    const char  *id;
    const char  *title;
    const char  *mode;
    const char  *message;
    const char  *notify_message;
    const char  *notes;
    const char  *every;             /* a series: its RRULE, or a word */
    const char  *tz;
    const char  *from;              /* series update: the occurrence */
    const char  *start_text;        /* --start as given: a series' local */
    json_t      *apps;
    json_t      *paths;
    json_t      *networks;
    json_t      *translations;      /* {"fr": {"title": ...}} given */
    json_t      *notify;            /* the targets' names; [] for none */
    int          no_translations;
    ctl_time_t   start;
    ctl_time_t   end;
    int64_t      duration;          /* 0: no --for */
    int          show_message;      /* -1: not given */
    int          hold;
    int          terminate;
    int          enabled;
    int          notify_null;       /* --notify-before default */
    long         notify_before;     /* -1: not given */
    int          dry_run;
    int          fields;            /* how many fields were given */
} ctl_winopts_t;


static void
ctl_winopts_free(ctl_winopts_t *w)
{
    json_decref(w->apps);
    json_decref(w->paths);
    json_decref(w->networks);
    json_decref(w->translations);
    json_decref(w->notify);
}


/*
 * --translation LANG:FIELD=TEXT, FIELD one of title, message,
 * notify-message (the API checks the tag and the text).
 */

static int
ctl_translation_arg(ctl_args_t *a, const char *val, json_t **all)
{
    char         lang[64];
    size_t       n;
    json_t      *texts;
    const char  *colon, *eq, *field;

    colon = strchr(val, ':');
    eq = colon ? strchr(colon, '=') : NULL;
    n = colon ? (size_t) (colon - val) : 0;

    if (eq == NULL || n == 0 || n >= sizeof(lang)) {
        ctl_usage_error(a, "--translation: \"%s\" is not LANG:FIELD=TEXT, "
                        "like fr:message=\"De retour vers 23 h\"", val);
        return -1;
    }

    memcpy(lang, val, n);
    lang[n] = '\0';

    if (strncmp(colon + 1, "title=", 6) == 0) {
        field = "title";

    } else if (strncmp(colon + 1, "message=", 8) == 0) {
        field = "login_message";

    } else if (strncmp(colon + 1, "notify-message=", 15) == 0) {
        field = "notify_message";

    } else {
        ctl_usage_error(a, "--translation: the field must be title, "
                        "message or notify-message, not \"%.*s\"",
                        (int) (eq - colon - 1), colon + 1);
        return -1;
    }

    if (*all == NULL) {
        *all = json_object();
    }

    texts = json_object_get(*all, lang);

    if (texts == NULL) {
        texts = json_object();
        json_object_set_new(*all, lang, texts);
    }

    json_object_set_new(texts, field, json_string(eq + 1));

    return 0;
}


/* an option with a value; 1: not one of them */

static int
ctl_window_value(ctl_args_t *a, ctl_winopts_t *w, int id, const char *val)
{
    switch (id) {

    case W_TITLE:
        w->title = val;
        return 0;

    case W_APP:
        return ctl_list_arg(a, val, &w->apps, 1);

    case W_START:
        /* read once all options are in: with --every it is local to --tz */
        w->start_text = val;
        w->start.given = 1;
        return 0;

    case W_EVERY:
        w->every = val;
        return 0;

    case W_TZ:
        w->tz = val;
        return 0;

    case W_FROM:
        w->from = val;
        return 0;

    case W_END:
        return ctl_time_arg(a, val, &w->end);

    case W_FOR:
        return ctl_duration_arg(a, val, &w->duration);

    case W_MODE:
        if (ctl_word_arg(a, val, ctl_modes) < 0) {
            return -1;
        }

        w->mode = val;
        return 0;

    case W_MESSAGE:
        w->message = val;
        return 0;

    case W_NOTIFY_MESSAGE:
        w->notify_message = val;
        return 0;

    case W_NOTIFY_BEFORE:
        w->notify_null = 0;

        if (strcmp(val, "default") == 0) {
            w->notify_null = 1;
            w->notify_before = -1;
            return 0;
        }

        return ctl_long_arg(a, val, 0, 10080, &w->notify_before);

    case W_ALLOW_PATH:
        return ctl_list_arg(a, val, &w->paths, 0);

    case W_ALLOW_NETWORK:
        return ctl_list_arg(a, val, &w->networks, 0);

    case W_NOTES:
        w->notes = val;
        return 0;

    case W_TRANSLATION:
        return ctl_translation_arg(a, val, &w->translations);

    case W_NOTIFY:
        return ctl_notify_targets_arg(a, val, &w->notify);

    default:
        return 1;
    }
}


/* an option without a value; 1: not one of them */

static int
ctl_window_flag(ctl_winopts_t *w, int id)
{
    switch (id) {

    case W_HIDE_MESSAGE:
    case W_SHOW_MESSAGE:
        w->show_message = id == W_SHOW_MESSAGE;
        return 0;

    case W_HOLD:
    case W_NO_HOLD:
        w->hold = id == W_HOLD;
        return 0;

    case W_ENABLE:
    case W_DISABLE:
        w->enabled = id == W_ENABLE;
        return 0;

    case W_TERMINATE:
    case W_NO_TERMINATE:
        w->terminate = id == W_TERMINATE;
        return 0;

    case W_DRY_RUN:
        w->dry_run = 1;
        return 0;

    case W_NO_TRANSLATIONS:
        w->no_translations = 1;
        return 0;

    default:
        return 1;
    }
}


static int
ctl_window_options(ctl_args_t *a, ctl_winopts_t *w, int update)
{
    int          id;
    const char  *val;

    memset(w, 0, sizeof(ctl_winopts_t));
    w->show_message = -1;
    w->hold = -1;
    w->terminate = -1;
    w->enabled = -1;
    w->notify_before = -1;

    while ((id = ctl_next(a, ctl_window_opts, &val)) != CTL_ARG_END) {
        w->fields += id > 0 && id != W_DRY_RUN;

        switch (id) {

        case CTL_ARG_WORD:
            if (!update) {
                ctl_usage_error(a, "unexpected argument \"%s\"", val);
                return -1;
            }

            if (ctl_window_id_arg(a, &w->id, val) != 0) {
                return -1;
            }

            break;

        case CTL_ARG_ERROR:
            return -1;

        case CTL_ARG_REST:
            ctl_usage_error(a, "unexpected \"--\"");
            return -1;

        default:
            /* every option of ctl_window_opts is one or the other */
            if (ctl_window_flag(w, id) != 0
                && ctl_window_value(a, w, id, val) != 0)
            {
                return -1;
            }
        }
    }

    if (w->end.given && w->duration) {
        ctl_usage_error(a, "give --end or --for, not both");
        return -1;
    }

    /* a series' start is local to its zone, sent as it is */
    if (w->start_text && !w->every && strcmp(a->cmd->name, "series update"))
    {
        a->opt = "--start";
        return ctl_time_arg(a, w->start_text, &w->start);
    }

    return 0;
}


static void
ctl_set_string(json_t *obj, const char *key, const char *val)
{
    if (val != NULL) {
        json_object_set_new(obj, key, json_string(val));
    }
}


static void
ctl_set_bool(json_t *obj, const char *key, int val)
{
    if (val >= 0) {
        json_object_set_new(obj, key, json_boolean(val));
    }
}


/*
 * allow is one object: whether the API merges or replaces it, sending both
 * lists (the one not given as it is now) changes only the one given.
 */

static json_t *
ctl_allow_body(ctl_winopts_t *w, json_t *cur)
{
    json_t  *allow, *v;

    allow = json_object();
    v = json_object_get(json_object_get(cur, "allow"), "paths");
    json_object_set_new(allow, "paths", w->paths ? json_incref(w->paths)
                        : json_is_array(v) ? json_incref(v) : json_array());
    v = json_object_get(json_object_get(cur, "allow"), "networks");
    json_object_set_new(allow, "networks",
                        w->networks ? json_incref(w->networks)
                        : json_is_array(v) ? json_incref(v) : json_array());

    return allow;
}


/*
 * The request body: only the fields given.  cur is the window as it is
 * (update) or NULL (create).
 *
 * --for counts from the start the window will have: --start if given,
 * else (update) its current starts_at.  With --start now and --for, both
 * ends are computed from the "now" of GET /v1/status, the Redis clock the
 * API judges windows on, and sent as times: this machine's clock could be
 * off, and sending "now" would let the second tick over between the two
 * calls and shorten the window.  --start now alone is sent as "now".
 */

static int
ctl_window_body(ctl_winopts_t *w, json_t *cur, json_t **out)
{
    int          rc;
    char         start[MAINT_RFC3339_LEN + 1], end[MAINT_RFC3339_LEN + 1];
    json_t      *body, *v;
    int64_t      base;
    const char  *s;

    *out = NULL;
    body = json_object();

    ctl_set_string(body, "title", w->title);

    if (w->apps) {
        json_object_set(body, "apps", w->apps);
    }

    if (w->start.given) {
        ctl_set_string(body, "starts_at", ctl_time_value(&w->start, start));
    }

    if (w->end.given) {
        ctl_set_string(body, "ends_at", ctl_time_value(&w->end, end));

    } else if (w->duration) {
        if (w->start.given && w->start.now) {
            rc = ctl_server_now(&base);

            if (rc != CTL_EXIT_OK) {
                json_decref(body);
                return rc;
            }

            maint_format_rfc3339(start, base);
            ctl_set_string(body, "starts_at", start);

        } else if (w->start.given) {
            base = w->start.sec;

        } else {
            s = ctl_str(cur, "starts_at");

            if (s == NULL || ctl_parse_time(s, &base) != 0) {
                fprintf(stderr, "maintctl: the window has no valid "
                        "starts_at to count --for from\n");
                json_decref(body);
                return CTL_EXIT_UNAVAILABLE;
            }
        }

        maint_format_rfc3339(end, base + w->duration);
        ctl_set_string(body, "ends_at", end);
    }

    ctl_set_string(body, "mode", w->mode);
    ctl_set_string(body, "login_message", w->message);
    ctl_set_bool(body, "show_login_message", w->show_message);
    ctl_set_string(body, "notify_message", w->notify_message);

    if (w->notify_null) {
        json_object_set_new(body, "notify_before_minutes", json_null());

    } else if (w->notify_before >= 0) {
        json_object_set_new(body, "notify_before_minutes",
                            json_integer(w->notify_before));
    }

    ctl_set_bool(body, "enabled", w->enabled);
    ctl_set_bool(body, "terminate_sessions", w->terminate);
    ctl_set_bool(body, "hold_until_completed", w->hold);

    /*
     * translations is one object too: the texts given are laid over the
     * window's current ones (none with --no-translations).
     */
    if (w->translations || w->no_translations) {
        const char  *lang;
        json_t      *all, *texts;

        v = json_object_get(cur, "translations");
        all = (json_is_object(v) && !w->no_translations)
              ? json_deep_copy(v) : json_object();

        json_object_foreach(w->translations, lang, texts) {
            if (!json_is_object(json_object_get(all, lang))) {
                json_object_set_new(all, lang, json_object());
            }

            json_object_update(json_object_get(all, lang), texts);
        }

        json_object_set_new(body, "translations", all);
    }

    if (w->paths || w->networks) {
        json_object_set_new(body, "allow", ctl_allow_body(w, cur));
    }

    ctl_set_string(body, "notes", w->notes);

    /* the whole list: the API replaces it (none: [], nobody) */
    if (w->notify) {
        json_object_set(body, "notify", w->notify);
    }

    *out = body;

    return CTL_EXIT_OK;
}


/*
 * window create --every: a series (POST /v1/series).  --start is the
 * first occurrence's local start in --tz (UTC by default), as given:
 * "2027-03-21 02:30" or "2027-03-21T02:30"; --for its length in whole
 * minutes; --every an RRULE or daily, weekly, monthly, yearly.
 */

/* a series' local start as the API takes it: "2027-03-21 02:30" with a T */

static void
ctl_local_start(const char *text, char *start, size_t size)
{
    size_t  i;

    snprintf(start, size, "%s", text);

    for (i = 0; start[i]; i++) {
        if (start[i] == ' ') {
            start[i] = 'T';
        }
    }
}


static int
ctl_series_body(ctl_args_t *a, ctl_winopts_t *w, json_t *body)
{
    char         start[32], rule[64];
    size_t       i;
    const char  *every;

    static const char *const  words[] = {
        "daily", "weekly", "monthly", "yearly", NULL
    };

    if (w->end.given || w->duration == 0 || w->duration % 60 != 0
        || w->start_text == NULL || strlen(w->start_text) >= sizeof(start))
    {
        return ctl_usage_error(a, "--every needs --start as a local date "
                               "and time (\"2027-03-21 02:30\", in --tz) "
                               "and --for in whole minutes, not --end");
    }

    ctl_local_start(w->start_text, start, sizeof(start));
    every = w->every;

    for (i = 0; words[i]; i++) {
        if (strcmp(every, words[i]) == 0) {
            snprintf(rule, sizeof(rule), "FREQ=%sLY",
                     i == 0 ? "DAI" : i == 1 ? "WEEK" : i == 2 ? "MONTH"
                                                              : "YEAR");
            every = rule;
        }
    }

    json_object_del(body, "starts_at");
    json_object_del(body, "ends_at");
    json_object_set_new(body, "recurrence",
                        json_pack("{s:s, s:s, s:s, s:I}", "rule", every,
                                  "start", start,
                                  "time_zone", w->tz ? w->tz : "UTC",
                                  "duration_minutes",
                                  (json_int_t) (w->duration / 60)));

    return CTL_EXIT_OK;
}


static int
ctl_window_create(ctl_args_t *a)
{
    int            rc;
    json_t        *body;
    ctl_resp_t     r;
    ctl_winopts_t  w;

    if (ctl_window_options(a, &w, 0) != 0) {
        ctl_winopts_free(&w);
        return CTL_EXIT_USAGE;
    }

    if (w.title == NULL || w.apps == NULL || !w.start.given
        || (!w.end.given && w.duration == 0))
    {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, "create needs --title, --app, --start, "
                               "and --end or --for");
    }

    if ((w.tz && !w.every) || w.from) {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, w.from ? "--from goes with series update"
                                         : "--tz goes with --every");
    }

    rc = ctl_window_body(&w, NULL, &body);

    if (rc == CTL_EXIT_OK && w.every) {
        rc = ctl_series_body(a, &w, body);
    }

    if (rc != CTL_EXIT_OK) {
        json_decref(body);
        ctl_winopts_free(&w);
        return rc;
    }

    if (w.every) {
        rc = ctl_request("POST", w.dry_run ? "/v1/series?dry_run=true"
                                           : "/v1/series", NULL, body, &r);

    } else {
        rc = ctl_request("POST", w.dry_run ? "/v1/windows?dry_run=true"
                                           : "/v1/windows", NULL, body, &r);
    }

    if (rc == CTL_EXIT_OK && w.every && !w.dry_run && !ctl_conf.json) {
        ctl_print_series(r.json);

    } else if (rc == CTL_EXIT_OK) {
        rc = ctl_window_answer(&r, w.dry_run);
    }

    ctl_resp_free(&r);
    json_decref(body);
    ctl_winopts_free(&w);

    return rc;
}


static int
ctl_window_update(ctl_args_t *a)
{
    int            rc;
    char          *path;
    json_t        *body;
    ctl_resp_t     cur, r;
    ctl_winopts_t  w;

    if (ctl_window_options(a, &w, 1) != 0) {
        ctl_winopts_free(&w);
        return CTL_EXIT_USAGE;
    }

    if (w.id == NULL) {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, "which window? give its ID");
    }

    if (w.every || w.tz || w.from) {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, "--every and --tz make a series: window "
                               "create; to change one occurrence, update "
                               "its window");
    }

    if (w.fields == 0) {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, "nothing to change: give the fields to "
                               "update");
    }

    rc = ctl_window_get(w.id, &cur);

    if (rc == CTL_EXIT_OK) {
        rc = ctl_window_body(&w, cur.json, &body);
    }

    if (rc == CTL_EXIT_OK) {
        path = ctl_window_path(w.id, NULL, w.dry_run);
        rc = ctl_request("PATCH", path, cur.etag, body, &r);
        free(path);
        json_decref(body);

        if (rc == CTL_EXIT_OK) {
            rc = ctl_window_answer(&r, w.dry_run);
        }

        ctl_resp_free(&r);
    }

    ctl_resp_free(&cur);
    ctl_winopts_free(&w);

    return rc;
}


/*
 * series update ID: this occurrence (--from) and the following.  The
 * window options given, and a recurrence of those of --every, --tz,
 * --start and --for given; the API continues the series with a new one
 * from that occurrence on, and answers with it.
 */

static int
ctl_series_update(ctl_args_t *a)
{
    int            rc;
    char          *path, start[64];
    json_t        *body, *rec;
    int64_t        duration;
    ctl_resp_t     cur, r;
    ctl_winopts_t  w;

    if (ctl_window_options(a, &w, 1) != 0) {
        ctl_winopts_free(&w);
        return CTL_EXIT_USAGE;
    }

    if (w.id == NULL || w.fields == 0 || w.end.given
        || w.duration % 60 != 0)
    {
        ctl_winopts_free(&w);
        return ctl_usage_error(a, w.id == NULL ? "which series? give its ID"
                               : w.fields == 0 ? "nothing to change"
                               : "--for in whole minutes, not --end");
    }

    /* --start and --for are the recurrence's, below */
    duration = w.duration;
    w.start.given = 0;
    w.duration = 0;
    rc = ctl_window_body(&w, NULL, &body);
    w.duration = duration;

    if (rc != CTL_EXIT_OK) {
        ctl_winopts_free(&w);
        return rc;
    }

    json_object_del(body, "ends_at");
    rec = json_object();
    ctl_set_string(rec, "rule", w.every);
    ctl_set_string(rec, "time_zone", w.tz);

    if (w.start_text) {
        ctl_local_start(w.start_text, start, sizeof(start));
        json_object_set_new(rec, "start", json_string(start));
    }

    if (w.duration) {
        json_object_set_new(rec, "duration_minutes",
                            json_integer(w.duration / 60));
    }

    if (json_object_size(rec)) {
        json_object_set(body, "recurrence", rec);
    }

    json_decref(rec);
    ctl_set_string(body, "from", w.from);

    path = ctl_item_path("/v1/series", w.id, NULL);
    rc = ctl_request("GET", path, NULL, NULL, &cur);

    if (rc == CTL_EXIT_OK) {
        rc = ctl_request("PATCH", path, cur.etag, body, &r);

        if (rc == CTL_EXIT_OK && ctl_conf.json) {
            ctl_print_raw(&r);

        } else if (rc == CTL_EXIT_OK) {
            ctl_print_series(r.json);
        }

        ctl_resp_free(&r);
    }

    free(path);
    ctl_resp_free(&cur);
    json_decref(body);
    ctl_winopts_free(&w);

    return rc;
}


const ctl_cmd_t  ctl_cmd_window_create = {
    "window create",
    "usage: maintctl window create --title TEXT --app APP [--app APP...]\n"
    "           --start T|now (--end T | --for DURATION) [OPTIONS] "
    "[--dry-run]\n"
    "       maintctl window create --title TEXT --app APP --every RULE\n"
    "           [--tz ZONE] --start \"YYYY-MM-DD HH:MM\" --for DURATION "
    "[OPTIONS]\n",
    "\n"
    "Options:\n"
    "  --title TEXT             1 to 200 characters\n"
    "  --app APP                an app it covers (repeat, or APP,APP); *\n"
    "                           for every app\n"
    "  --start T|now            when it starts: RFC 3339, \"2026-11-21 "
    "22:00\"\n"
    "                           (local), now, or +2m, +1h30m from now\n"
    "  --end T                  when it ends, or:\n"
    "  --for DURATION           how long it lasts from --start (from now on\n"
    "                           the API's clock with --start now)\n"
    "  --mode full|read_only    read_only lets GET, HEAD and OPTIONS through\n"
    "  --message TEXT           the maintenance page's message (empty: the\n"
    "                           settings' default)\n"
    "  --hide-message           no message on the page at all\n"
    "  --notify-message TEXT    the notice shown before the window\n"
    "  --translation LANG:FIELD=TEXT\n"
    "                           the window's title, message or notify-message\n"
    "                           in another language (repeatable; e.g.\n"
    "                           fr:message=\"De retour vers 23 h\")\n"
    "  --no-translations        drop the translations (before adding any)\n"
    "  --notify-before MINUTES  how long before (0 to 10080)\n"
    "  --allow-path PATH        a path prefix let through (repeat)\n"
    "  --allow-network CIDR     a network or address let through (repeat)\n"
    "  --hold                   stay in progress after the end, until\n"
    "                           completed\n"
    "  --disabled               kept but never enforced\n"
    "  --terminate-sessions     end the users' sessions when it starts\n"
    "  --notes TEXT             free text for the team\n"
    "  --notify NAME,NAME       the notification targets told of its "
    "events\n"
    "                           (repeatable; none: nobody; default: the\n"
    "                           settings' notify_default_targets)\n"
    "  --dry-run                write nothing; print the prechecks (exit 2\n"
    "                           if one fails)\n"
    "  --every RULE             a recurring window (a series): an RFC 5545\n"
    "                           RRULE (\"FREQ=WEEKLY;BYDAY=SU\") or daily,\n"
    "                           weekly, monthly, yearly; --start is then the\n"
    "                           first occurrence's local start in --tz and\n"
    "                           --for its length (whole minutes)\n"
    "  --tz ZONE                the series' IANA time zone (Europe/Berlin;\n"
    "                           default UTC)\n",
    ctl_window_create
};

const ctl_cmd_t  ctl_cmd_series_update = {
    "series update",
    "usage: maintctl series update ID [--from OCCURRENCE] [OPTIONS]\n",
    "\n"
    "Changes an occurrence (--from: its local start, like 20270328T040000,\n"
    "or its window's ID; default: the next one to come) and all that follow:\n"
    "the series ends before it, and a new series, printed, continues from\n"
    "it with the changes; the windows from there on that have not started\n"
    "are made again.  To change one occurrence only, update its window.\n"
    "\n"
    "Options: the window options of window create, each optional, and:\n"
    "  --every RULE      a new rule\n"
    "  --tz ZONE         a new time zone\n"
    "  --start LOCAL     a new local start (default: that occurrence's)\n"
    "  --for DURATION    a new length, in whole minutes\n",
    ctl_series_update
};

const ctl_cmd_t  ctl_cmd_window_update = {
    "window update",
    "usage: maintctl window update ID [OPTIONS] [--dry-run]\n",
    "\n"
    "Changes the fields given, and only those, if nobody changed the window\n"
    "since it was read (else exit 3).\n"
    "\n"
    "Options: those of create, each optional, and:\n"
    "  --for DURATION            the end, counted from the start (the\n"
    "                            window's current one without --start)\n"
    "  --enable, --disable       enforce the window, or not\n"
    "  --no-hold                 end at the end even if not completed\n"
    "  --show-message            undo --hide-message\n"
    "  --no-terminate-sessions   undo --terminate-sessions\n"
    "  --notify-before default   back to the settings' default\n"
    "  --allow-path PATH         replaces the paths ('' for none)\n"
    "  --allow-network CIDR      replaces the networks ('' for none)\n"
    "  --app APP                 replaces the apps\n"
    "  --notify NAME,NAME        replaces the targets notified (none: "
    "nobody)\n",
    ctl_window_update
};
