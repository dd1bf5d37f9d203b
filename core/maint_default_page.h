/*
 * maint_default_page.h: the built-in maintenance and sign-in pages
 * (templates for maint_template.h) and the pages' own sentences in each
 * language they speak.
 */

#ifndef MAINT_DEFAULT_PAGE_H
#define MAINT_DEFAULT_PAGE_H

#include <stddef.h>


/*
 * The built-in pages' own sentences in one language (maint_default_page.c):
 * English, and the languages a window's translation can switch them to.
 * headline and detail are by kind, in the order of ngx_maint_kind_e
 * (maintenance, read_only, unavailable, session_ended, signin).
 */

#define MAINT_PAGE_KINDS  5

typedef struct {
    const char  *lang;                      /* a primary language subtag */
    const char  *headline[MAINT_PAGE_KINDS];
    const char  *detail[MAINT_PAGE_KINDS];
    const char  *started;
    const char  *expected;
    const char  *refresh_note;
    const char  *countdown;                 /* "%s": "1 h 20 min" */
    const char  *countdown_soon;
    const char  *notice_starts;             /* the banner */
    const char  *notice_default;
    const char  *dismiss;
    const char  *refreshes;                 /* refresh_note without label */
    const char  *reference;                 /* "Reference:" */
    const char  *back_hint;                 /* the read-only refusal page */
    const char  *back_label;
    const char  *read_only_note;            /* the read-only banner */
    const char  *ended_by_admin;            /* the notice after a logoff */
    const char  *ended_for_maintenance;
} maint_page_texts_t;

/*
 * The texts for a language tag ("fr-CA" takes "fr"), English when there
 * are none for it or lang is NULL.
 */
const maint_page_texts_t *maint_page_texts(const char *lang, size_t len);

/* The built-in pages (maint_default_page.c). */
extern const char  maint_default_page[];
extern const size_t  maint_default_page_len;
extern const char  maint_refusal_page[];
extern const size_t  maint_refusal_page_len;
extern const char  maint_signin_page[];
extern const size_t  maint_signin_page_len;


#endif /* MAINT_DEFAULT_PAGE_H */
