/*
 * maint_negotiate.h: what the client asked for in the answer the edge
 * gives instead of the app's: JSON or HTML (Accept), and which of a
 * window's translations (Accept-Language).
 */

#ifndef MAINT_NEGOTIATE_H
#define MAINT_NEGOTIATE_H

#include <stddef.h>

#include "maint_window.h"


/*
 * Content negotiation for the maintenance answer: 1 when the Accept header
 * prefers JSON (application/json or any +json type) over HTML.
 */
int maint_accept_wants_json(const char *accept, size_t len);

/*
 * Accept-Language against a window's translations: the best one, or NULL
 * for the window's own texts (English, the default).  Highest q wins, the
 * earlier range on a tie; a range matches a tag equal to it, one it is a
 * prefix of ("fr" takes "fr-CA") or one that is a prefix of it ("fr-CA"
 * takes "fr"); "en" and "en-*" ranges are served by the default unless a
 * translation is exactly that tag; "*" and q=0 ranges choose nothing.
 */
const maint_translation_t *maint_lang_pick(const char *header, size_t len,
    const maint_translation_t *t, size_t n);


#endif /* MAINT_NEGOTIATE_H */
