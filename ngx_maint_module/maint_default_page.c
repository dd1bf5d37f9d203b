/*
 * maint_default_page.c: the built-in pages, templates with {{placeholders}}
 * (see maint_template.h).  Self-contained: no external fonts, scripts or
 * images.
 *
 * The maintenance page prints times in UTC, rewritten to the reader's
 * local time by the inline script, and reloads itself.  The superadmin
 * sign-in page is a plain form without script; it posts to its own URL
 * (no action attribute: the target can never be another host).
 */

#include "maint_template.h"


/* the look both pages share */
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
".small{font-size:.875rem;color:var(--muted)}\n"


const char  maint_default_page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<meta http-equiv=\"refresh\" content=\"{{refresh}}\">\n"
"<meta name=\"robots\" content=\"noindex\">\n"
"<meta name=\"color-scheme\" content=\"light dark\">\n"
"<title>{{headline}}</title>\n"
"<style>\n"
MAINT_PAGE_STYLE
"</style>\n"
"</head>\n"
"<body>\n"
"<main role=\"main\" aria-labelledby=\"h\" data-kind=\"{{kind}}\">\n"
"<h1 id=\"h\">{{headline}}</h1>\n"
"<p class=\"detail\">{{detail}}</p>\n"
"<p class=\"message\">{{message}}</p>\n"
"<div class=\"when\" data-kind=\"{{kind}}\">\n"
"<dl>\n"
"<dt>Started</dt><dd><time datetime=\"{{starts_at}}\">{{starts_at}}</time>"
"</dd>\n"
"<dt>Expected back</dt><dd><time datetime=\"{{ends_at}}\">{{ends_at}}"
"</time></dd>\n"
"</dl>\n"
"<p class=\"small\" id=\"left\" aria-live=\"polite\"></p>\n"
"</div>\n"
"<p class=\"small\">This page refreshes itself. "
"Reference: {{window_id}} ({{status}})</p>\n"
"</main>\n"
"<script>\n"
"(function(){\n"
"var f;try{f=new Intl.DateTimeFormat(undefined,"
"{dateStyle:'medium',timeStyle:'short'});}catch(e){return;}\n"
"var t=document.querySelectorAll('time[datetime]');\n"
"for(var i=0;i<t.length;i++){var d=new Date(t[i].getAttribute('datetime'));"
"if(!isNaN(d))t[i].textContent=f.format(d);}\n"
"var e=t.length>1?new Date(t[1].getAttribute('datetime')):null,"
"l=document.getElementById('left');\n"
"function tick(){if(!e||isNaN(e)||!l)return;"
"var s=Math.round((e-Date.now())/1000);\n"
"if(s<=0){l.textContent='Should be back any moment now.';"
"setTimeout(function(){location.reload();},5000);return;}\n"
"var h=Math.floor(s/3600),m=Math.floor(s%3600/60);\n"
"l.textContent='About '+(h?h+' h ':'')+(h||m?m+' min':s+' s')+' to go.';"
"setTimeout(tick,s>120?30000:1000);}\n"
"tick();\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

const size_t  maint_default_page_len = sizeof(maint_default_page) - 1;


const char  maint_signin_page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<meta name=\"robots\" content=\"noindex\">\n"
"<meta name=\"referrer\" content=\"no-referrer\">\n"
"<meta name=\"color-scheme\" content=\"light dark\">\n"
"<title>{{headline}}</title>\n"
"<style>\n"
MAINT_PAGE_STYLE
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
"<p class=\"message\">{{message}}</p>\n"
"<p class=\"error\" role=\"alert\">{{error}}</p>\n"
"<form method=\"post\" autocomplete=\"off\">\n"
"<input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\">\n"
"<label for=\"name\">Superadmin name</label>\n"
"<input id=\"name\" name=\"name\" required maxlength=\"64\" "
"autocapitalize=\"none\" spellcheck=\"false\">\n"
"<label for=\"credential\">Credential</label>\n"
"<input id=\"credential\" name=\"credential\" type=\"password\" "
"required maxlength=\"512\">\n"
"<button type=\"submit\">Sign in</button>\n"
"</form>\n"
"<p class=\"small\">Signing in lets you past the maintenance page; the "
"application asks for its own login as usual. Reference: {{window_id}}</p>\n"
"</main>\n"
"</body>\n"
"</html>\n";

const size_t  maint_signin_page_len = sizeof(maint_signin_page) - 1;
