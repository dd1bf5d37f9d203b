/*
 * maint_default_page.c: the built-in pages, templates with {{placeholders}}
 * (see maint_template.h), and their texts (maint_default_page.h).
 * Self-contained: no external fonts, scripts or images.
 *
 * The maintenance page prints times in UTC ("2026-11-21 22:00 UTC", the
 * exact instant in <time datetime>), rewritten to the reader's local time
 * by the inline script, which also counts down to the expected end and
 * reloads once it is reached; the meta refresh reloads it regardless (so
 * without script too).  The window's texts carry their language (lang).
 * The read-only refusal page (a write refused during a read-only window)
 * never reloads: a reload would GET the form again and lose the user's
 * edit without a word; it says the change was not saved and how to go
 * back.  The site's name is the host the reader typed (location.hostname,
 * set as text by the script): answers are cached per window, not per
 * request, so the Host header cannot be in them.
 * The superadmin sign-in page is a plain form without script; it posts to
 * its own URL (no action attribute: the target can never be another host).
 */

#include <string.h>

#include "maint_default_page.h"


/* the look the pages share: the one stylesheet of the end-user pages */
#define MAINT_PAGE_STYLE \
":root{--bg:#f6f7f9;--fg:#1b1f24;--muted:#4a5360;--card:#fff;" \
"--line:#d8dde3;--accent:#0b57d0}\n" \
"@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#eef1f4;" \
"--muted:#b5bec9;--card:#1b2027;--line:#323a44;--accent:#8ab4f8}}\n" \
"*{box-sizing:border-box}\n" \
"body{margin:0;min-height:100vh;display:flex;align-items:center;" \
"justify-content:center;background:var(--bg);color:var(--fg);" \
"font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;" \
"padding:1rem}\n" \
"main{max-width:36rem;width:100%;background:var(--card);" \
"border:1px solid var(--line);border-radius:12px;padding:2rem}\n" \
"h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}\n" \
"p{margin:0 0 1rem}\n" \
".detail{color:var(--muted)}\n" \
".message{white-space:pre-line;border-left:4px solid var(--accent);" \
"padding-left:.75rem}\n" \
".message:empty{display:none}\n" \
"dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;" \
"margin:0 0 1rem}\n" \
"dt{color:var(--muted)}dd{margin:0;font-weight:600}\n" \
".when[data-kind=unavailable],.when[data-kind=session_ended]" \
"{display:none}\n" \
".small{font-size:.875rem;color:var(--muted)}\n" \
".wtitle{font-weight:600;margin:-.25rem 0 1rem}.wtitle:empty{display:none}\n"\
".site{margin:0 0 .25rem}\n"

/* the start of every page's head, to the title and the shared style */
#define MAINT_PAGE_OPEN(lang) \
"<!DOCTYPE html>\n" \
"<html lang=\"" lang "\">\n" \
"<head>\n" \
"<meta charset=\"utf-8\">\n" \
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"

#define MAINT_PAGE_HEAD \
"<meta name=\"robots\" content=\"noindex\">\n" \
"<meta name=\"color-scheme\" content=\"light dark\">\n" \
"<title>{{headline}}</title>\n" \
"<style>\n" \
MAINT_PAGE_STYLE

/* after the page's own styles: the site (by script), headline, window title */
#define MAINT_PAGE_TOP \
"</style>\n" \
"</head>\n" \
"<body>\n" \
"<main role=\"main\" aria-labelledby=\"h\" data-kind=\"{{kind}}\">\n" \
"<p class=\"small site\" id=\"site\" hidden></p>\n" \
"<h1 id=\"h\">{{headline}}</h1>\n" \
"<p class=\"wtitle\" lang=\"{{lang}}\">{{window_title}}</p>\n"

/* when the window started and is expected to end (a script shows them
   in the reader's zone) */
#define MAINT_PAGE_WHEN \
"<div class=\"when\" data-kind=\"{{kind}}\">\n" \
"<dl>\n" \
"<dt>{{label_started}}</dt><dd><time datetime=\"{{starts_at}}\">" \
"{{starts_at_utc}}</time></dd>\n" \
"<dt>{{label_expected}}</dt><dd><time datetime=\"{{ends_at}}\">" \
"{{ends_at_utc}}</time></dd>\n" \
"</dl>\n"


/* the host the reader came to, as text (never markup) */
#define MAINT_PAGE_SITE_SCRIPT \
"var n=document.getElementById('site');\n" \
"if(n&&location.hostname){n.textContent=location.hostname;n.hidden=false;}\n"

/* times in the reader's zone */
#define MAINT_PAGE_TIME_SCRIPT \
"var f;try{f=new Intl.DateTimeFormat(undefined," \
"{dateStyle:'medium',timeStyle:'short'});}catch(e){f=null;}\n" \
"var t=document.querySelectorAll('time[datetime]');\n" \
"for(var i=0;f&&i<t.length;i++){" \
"var d=new Date(t[i].getAttribute('datetime'));" \
"if(!isNaN(d))t[i].textContent=f.format(d);}\n"


const char  maint_default_page[] =
MAINT_PAGE_OPEN("{{page_lang}}")
"<meta http-equiv=\"refresh\" content=\"{{refresh}}\">\n"
MAINT_PAGE_HEAD
MAINT_PAGE_TOP
"<p class=\"detail\">{{detail}}</p>\n"
"<p class=\"message\" lang=\"{{lang}}\">{{message}}</p>\n"
MAINT_PAGE_WHEN
"<p class=\"small\" id=\"left\" aria-live=\"polite\" "
"data-left=\"{{countdown}}\" data-soon=\"{{countdown_soon}}\"></p>\n"
"</div>\n"
"<p class=\"small\">{{refreshes}} {{reference}}</p>\n"
"</main>\n"
"<script>\n"
"(function(){\n"
MAINT_PAGE_SITE_SCRIPT
MAINT_PAGE_TIME_SCRIPT
"var e=t.length>1?new Date(t[1].getAttribute('datetime')):null,"
"l=document.getElementById('left'),first=true;\n"
/* past the expected end: one reload then, the meta refresh after that */
"function tick(){if(!e||isNaN(e)||!l)return;"
"var s=Math.round((e-Date.now())/1000);\n"
"if(s<=0){l.textContent=l.getAttribute('data-soon');"
"if(!first)setTimeout(function(){location.reload();},3000);return;}\n"
"first=false;var h=Math.floor(s/3600),m=Math.floor(s%3600/60);\n"
"l.textContent=l.getAttribute('data-left').replace('%s',"
"(h?h+' h ':'')+(h||m?m+' min':s+' s'));"
"setTimeout(tick,s>120?30000:1000);}\n"
"tick();\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

const size_t  maint_default_page_len = sizeof(maint_default_page) - 1;


/*
 * The read-only refusal page: no meta refresh and no reload, status and
 * Retry-After as the maintenance page's.  Going back is history.back()
 * (the browser keeps what was typed in the form); without script the
 * hint says to use Back.  No link to the Referer: nothing here can send
 * the reader to another site.
 */

const char  maint_refusal_page[] =
MAINT_PAGE_OPEN("{{page_lang}}")
MAINT_PAGE_HEAD
"button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:6px;"
"background:var(--accent);color:var(--card);cursor:pointer;"
"margin:0 0 1rem}\n"
MAINT_PAGE_TOP
"<p class=\"detail\" role=\"alert\">{{detail}}</p>\n"
"<p id=\"back-hint\">{{back_hint}}</p>\n"
"<button type=\"button\" id=\"back\" hidden>{{back_label}}</button>\n"
"<p class=\"message\" lang=\"{{lang}}\">{{message}}</p>\n"
MAINT_PAGE_WHEN
"</div>\n"
"<p class=\"small\">{{reference}}</p>\n"
"</main>\n"
"<script>\n"
"(function(){\n"
MAINT_PAGE_SITE_SCRIPT
MAINT_PAGE_TIME_SCRIPT
"var b=document.getElementById('back');\n"
"if(b&&history.length>1){b.hidden=false;"
"b.addEventListener('click',function(){history.back();});}\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

const size_t  maint_refusal_page_len = sizeof(maint_refusal_page) - 1;


/*
 * The sign-in page is served with "Referrer-Policy: same-origin" (its post
 * keeps its real Origin) and a Content-Security-Policy that allows its one
 * stylesheet by hash (ngx_maint_signin.c): a change to the <style> element
 * changes the hash, computed at start-up.
 */

const char  maint_signin_page[] =
MAINT_PAGE_OPEN("en")
MAINT_PAGE_HEAD
"label{display:block;margin:0 0 .25rem;font-weight:600}\n"
"input{width:100%;font:inherit;padding:.5rem;margin:0 0 1rem;"
"border:1px solid var(--line);border-radius:6px;background:var(--bg);"
"color:var(--fg)}\n"
"button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:6px;"
"background:var(--accent);color:var(--card);cursor:pointer}\n"
".error{color:#b3261e;font-weight:600}\n"
".error:empty{display:none}\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<main role=\"main\" aria-labelledby=\"h\">\n"
"<h1 id=\"h\">{{headline}}</h1>\n"
"<p class=\"detail\">{{detail}}</p>\n"
"<p class=\"message\" lang=\"{{lang}}\">{{message}}</p>\n"
"<p class=\"error\" role=\"alert\">{{error}}</p>\n"
"<form method=\"post\">\n"
"<input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\">\n"
"<label for=\"name\">Superadmin name</label>\n"
"<input id=\"name\" name=\"name\" value=\"{{name}}\" required "
"maxlength=\"64\" autocomplete=\"username\" autocapitalize=\"none\" "
"spellcheck=\"false\">\n"
"<label for=\"credential\">Credential</label>\n"
"<input id=\"credential\" name=\"credential\" type=\"password\" "
"required maxlength=\"512\" autocomplete=\"current-password\">\n"
"<button type=\"submit\">Sign in</button>\n"
"</form>\n"
"<p class=\"small\">Signing in lets you past the maintenance page; the "
"application asks for its own login as usual. Reference: {{window_id}}</p>\n"
"</main>\n"
"</body>\n"
"</html>\n";

const size_t  maint_signin_page_len = sizeof(maint_signin_page) - 1;


/*
 * The pages' own sentences.  A window's translation switches them to its
 * language when it is one of these; the sign-in page stays English (it is
 * for the team, and its form labels are English).
 */

static const maint_page_texts_t  maint_texts[] = {

    { "en",
      { "Scheduled maintenance",
        "Read-only during maintenance",
        "Temporarily unavailable",
        "Your session has ended",
        "Superadmin sign-in" },
      { "This service is unavailable while we carry out maintenance. It "
        "will be back as soon as the work is done.",
        "This service is read-only while we carry out maintenance. Your "
        "change was not saved; please try again once the maintenance is "
        "over.",
        "The service is temporarily unavailable. Please try again in a "
        "moment.",
        "You have been signed out. Please sign in again.",
        "This service is closed for maintenance. Superadmins can sign in "
        "to work on it." },
      "Started", "Expected back", "This page refreshes itself. Reference:",
      "About %s to go.", "Should be back any moment now.",
      "Starts", "Scheduled maintenance is coming up.", "Dismiss",
      "This page refreshes itself.", "Reference:",
      "Use your browser\xe2\x80\x99s Back button to return to your form: "
      "what you typed may still be there.", "Go back",
      "This service is read-only during maintenance: changes cannot be "
      "saved until it is over.",
      "Your session was ended by an administrator. Please sign in again.",
      "Your session was ended for maintenance. Please sign in again." },

    { "fr",
      { "Maintenance programm\xc3\xa9" "e",
        "Lecture seule pendant la maintenance",
        "Temporairement indisponible",
        "Votre session a pris fin",
        NULL },
      { "Ce service est indisponible pendant une op\xc3\xa9ration de "
        "maintenance. Il sera de retour d\xc3\xa8s la fin des travaux.",
        "Ce service est en lecture seule pendant une op\xc3\xa9ration de "
        "maintenance. Votre modification n\xe2\x80\x99" "a pas \xc3\xa9t"
        "\xc3\xa9 enregistr\xc3\xa9" "e ; veuillez r\xc3\xa9" "essayer une "
        "fois la maintenance termin\xc3\xa9" "e.",
        "Le service est temporairement indisponible. Veuillez r\xc3\xa9"
        "essayer dans un instant.",
        "Vous avez \xc3\xa9t\xc3\xa9 d\xc3\xa9" "connect\xc3\xa9. Veuillez "
        "vous reconnecter.",
        NULL },
      "D\xc3\xa9" "but", "Retour pr\xc3\xa9vu",
      "Cette page s\xe2\x80\x99" "actualise d\xe2\x80\x99" "elle-m\xc3\xaame. "
      "R\xc3\xa9" "f\xc3\xa9rence\xc2\xa0:",
      "Encore environ %s.", "Retour imminent.",
      "D\xc3\xa9" "but\xc2\xa0:", "Une maintenance est pr\xc3\xa9vue "
      "prochainement.", "Fermer",
      "Cette page s\xe2\x80\x99" "actualise d\xe2\x80\x99" "elle-m\xc3\xaame.",
      "R\xc3\xa9" "f\xc3\xa9rence\xc2\xa0:",
      "Revenez au formulaire avec le bouton Retour de votre navigateur\xc2\xa0:"
      " ce que vous avez saisi s\xe2\x80\x99y trouve peut-\xc3\xaatre encore.",
      "Revenir en arri\xc3\xa8re",
      "Ce service est en lecture seule pendant la maintenance\xc2\xa0: les "
      "modifications ne peuvent pas \xc3\xaatre enregistr\xc3\xa9" "es avant "
      "la fin.",
      "Votre session a \xc3\xa9t\xc3\xa9 ferm\xc3\xa9" "e par un "
      "administrateur. Veuillez vous reconnecter.",
      "Votre session a \xc3\xa9t\xc3\xa9 ferm\xc3\xa9" "e pour une "
      "maintenance. Veuillez vous reconnecter." },

    { "de",
      { "Geplante Wartung",
        "W\xc3\xa4hrend der Wartung nur lesbar",
        "Vor\xc3\xbc" "bergehend nicht verf\xc3\xbc" "gbar",
        "Ihre Sitzung wurde beendet",
        NULL },
      { "Dieser Dienst ist w\xc3\xa4hrend der Wartung nicht verf\xc3\xbc"
        "gbar. Er ist wieder da, sobald die Arbeiten abgeschlossen sind.",
        "Dieser Dienst ist w\xc3\xa4hrend der Wartung nur lesbar. Ihre "
        "\xc3\x84nderung wurde nicht gespeichert; bitte versuchen Sie es "
        "nach der Wartung erneut.",
        "Der Dienst ist vor\xc3\xbc" "bergehend nicht verf\xc3\xbc" "gbar. "
        "Bitte versuchen Sie es gleich noch einmal.",
        "Sie wurden abgemeldet. Bitte melden Sie sich erneut an.",
        NULL },
      "Begonnen", "Voraussichtlich zur\xc3\xbc" "ck",
      "Diese Seite aktualisiert sich selbst. Referenz:",
      "Noch etwa %s.", "Gleich wieder da.",
      "Beginn:", "Eine Wartung steht bevor.", "Schlie\xc3\x9f" "en",
      "Diese Seite aktualisiert sich selbst.", "Referenz:",
      "Kehren Sie mit der Zur\xc3\xbc" "ck-Taste Ihres Browsers zum Formular "
      "zur\xc3\xbc" "ck: Ihre Eingaben sind dort vielleicht noch vorhanden.",
      "Zur\xc3\xbc" "ck",
      "Dieser Dienst ist w\xc3\xa4hrend der Wartung nur lesbar: \xc3\x84" "nderungen "
      "k\xc3\xb6nnen bis zu ihrem Ende nicht gespeichert werden.",
      "Ihre Sitzung wurde von einem Administrator beendet. Bitte melden Sie "
      "sich erneut an.",
      "Ihre Sitzung wurde wegen Wartungsarbeiten beendet. Bitte melden Sie "
      "sich erneut an." },

    { "es",
      { "Mantenimiento programado",
        "Solo lectura durante el mantenimiento",
        "No disponible temporalmente",
        "Su sesi\xc3\xb3n ha finalizado",
        NULL },
      { "Este servicio no est\xc3\xa1 disponible mientras realizamos "
        "tareas de mantenimiento. Volver\xc3\xa1 en cuanto terminen los "
        "trabajos.",
        "Este servicio est\xc3\xa1 en modo de solo lectura durante el "
        "mantenimiento. Su cambio no se ha guardado; int\xc3\xa9ntelo de "
        "nuevo cuando termine el mantenimiento.",
        "El servicio no est\xc3\xa1 disponible temporalmente. "
        "Int\xc3\xa9ntelo de nuevo en un momento.",
        "Se ha cerrado su sesi\xc3\xb3n. Vuelva a iniciar sesi\xc3\xb3n.",
        NULL },
      "Inicio", "Vuelta prevista",
      "Esta p\xc3\xa1gina se actualiza sola. Referencia:",
      "Faltan unos %s.", "Volveremos en cualquier momento.",
      "Empieza:", "Se acerca un mantenimiento programado.", "Cerrar",
      "Esta p\xc3\xa1gina se actualiza sola.", "Referencia:",
      "Vuelva al formulario con el bot\xc3\xb3n Atr\xc3\xa1s de su navegador: "
      "puede que lo que escribi\xc3\xb3 siga all\xc3\xad.", "Volver",
      "Este servicio est\xc3\xa1 en modo de solo lectura durante el "
      "mantenimiento: los cambios no se pueden guardar hasta que termine.",
      "Un administrador ha cerrado su sesi\xc3\xb3n. Vuelva a iniciar "
      "sesi\xc3\xb3n.",
      "Su sesi\xc3\xb3n se ha cerrado por mantenimiento. Vuelva a iniciar "
      "sesi\xc3\xb3n." },
};


const maint_page_texts_t *
maint_page_texts(const char *lang, size_t len)
{
    char    c;
    size_t  i, j, n;

    if (lang == NULL) {
        return &maint_texts[0];
    }

    for (n = 0; n < len && lang[n] != '-'; n++) { /* void */ }

    for (i = 0; i < sizeof(maint_texts) / sizeof(maint_texts[0]); i++) {
        if (strlen(maint_texts[i].lang) != n) {
            continue;
        }

        for (j = 0; j < n; j++) {
            c = lang[j];

            if (c >= 'A' && c <= 'Z') {
                c = (char) (c - 'A' + 'a');
            }

            if (c != maint_texts[i].lang[j]) {
                break;
            }
        }

        if (j == n) {
            return &maint_texts[i];
        }
    }

    return &maint_texts[0];
}
