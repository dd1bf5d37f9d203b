/*
 * maint_template.h: the maintenance page templates.  A template is HTML with
 * {{name}} placeholders; it is compiled once (at configuration time) into
 * literal and placeholder segments and rendered with every value
 * HTML-escaped.  Unknown placeholders are a compile error, so `nginx -t`
 * catches typos.
 */

#ifndef MAINT_TEMPLATE_H
#define MAINT_TEMPLATE_H

#include <stddef.h>

#include "maint_core.h"


typedef enum {
    MAINT_PH_TITLE = 0,
    MAINT_PH_HEADLINE,
    MAINT_PH_DETAIL,
    MAINT_PH_MESSAGE,
    MAINT_PH_NOTIFY_MESSAGE,
    MAINT_PH_WINDOW_ID,
    MAINT_PH_STARTS_AT,
    MAINT_PH_ENDS_AT,
    MAINT_PH_STARTS_AT_EPOCH,
    MAINT_PH_ENDS_AT_EPOCH,
    MAINT_PH_KIND,
    MAINT_PH_REFRESH,
    MAINT_PH_STATUS,
    MAINT_PH_ERROR,             /* sign-in page */
    MAINT_PH_CSRF,
    MAINT_PH_LANG,              /* the language of the window's texts */
    MAINT_PH_STARTS_AT_UTC,     /* "2026-11-21 22:00 UTC", for people */
    MAINT_PH_ENDS_AT_UTC,
    MAINT_PH_PAGE_LANG,         /* the language of the page's own texts */
    MAINT_PH_LABEL_STARTED,
    MAINT_PH_LABEL_EXPECTED,
    MAINT_PH_REFRESH_NOTE,
    MAINT_PH_COUNTDOWN,         /* "About %s to go." for the script */
    MAINT_PH_COUNTDOWN_SOON,
    MAINT_PH_WINDOW_TITLE,      /* the window's title, empty when none */
    MAINT_PH_REFERENCE,         /* "Reference: ID (503)", empty: no window */
    MAINT_PH_REFRESHES,         /* "This page refreshes itself." */
    MAINT_PH_BACK_HINT,         /* read-only refusal: how to go back */
    MAINT_PH_BACK_LABEL,
    MAINT_PH_NAME,              /* sign-in page: the name typed, again */
    MAINT_PH_COUNT
} maint_placeholder_e;


typedef struct maint_template_s  maint_template_t;

typedef struct {
    maint_str_t  v[MAINT_PH_COUNT];
} maint_template_vars_t;


maint_template_t *maint_template_compile(const char *src, size_t len,
    char *err, size_t errlen);
void maint_template_free(maint_template_t *t);

/* Exact size of the rendering, then the rendering itself (no NUL). */
size_t maint_template_length(const maint_template_t *t,
    const maint_template_vars_t *vars);
size_t maint_template_render(const maint_template_t *t,
    const maint_template_vars_t *vars, char *out);

const char *maint_placeholder_name(maint_placeholder_e ph);

/* With dst == NULL only the escaped length is returned. */
size_t maint_html_escape(char *dst, const char *src, size_t len);
size_t maint_json_escape(char *dst, const char *src, size_t len);


#endif /* MAINT_TEMPLATE_H */
