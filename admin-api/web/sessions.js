/*
 * sessions.js: the admin page's Sessions view, on top of app.js (through
 * window.MaintAdmin): the list (user or "no user header", the superadmin
 * mark, a short user agent, first and last seen), End, "End all" and "End
 * all except mine", and "Find my session": the session id of a pasted
 * cookie value, computed in this page exactly as the edge does
 * (maint_session_id(), docs/redis-schema.md) and hashed with
 * crypto.subtle, so that the value itself is never sent anywhere.  As in
 * app.js, everything from the API is set with textContent.
 */
'use strict';

(function () {
  var M = window.MaintAdmin, $ = M.$, el = M.el, api = M.api, when = M.when;
  var ss = { mine: {}, found: null };

  /* --- the session id of a cookie value, as core/maint_session.c ---------- */

  var COOKIE_MAX = 4096, DECODE_ROUNDS = 4;

  function hexDigit(c) {
    if (c >= 0x30 && c <= 0x39) { return c - 0x30; }
    if (c >= 0x41 && c <= 0x46) { return c - 0x37; }
    if (c >= 0x61 && c <= 0x66) { return c - 0x57; }
    return -1;
  }

  /* maint_pct_decode(): a "%" without two hex digits after it stays */
  function pctDecode(b) {
    var out = [], i, hi, lo;
    for (i = 0; i < b.length; i++) {
      if (b[i] === 0x25 && i + 2 < b.length && (hi = hexDigit(b[i + 1])) >= 0 && (lo = hexDigit(b[i + 2])) >= 0) {
        out.push(hi << 4 | lo);
        i += 2;
      } else {
        out.push(b[i]);
      }
    }
    return out;
  }

  /*
   * maint_session_canon(): one leading and one trailing double quote off
   * (so a lone '"' is empty), then decoded until nothing changes: four
   * decodings that change something at most, else null (no session).
   */
  function canon(bytes) {
    var b = Array.prototype.slice.call(bytes), round, d;
    if (b.length && b[0] === 0x22) { b.shift(); }
    if (b.length && b[b.length - 1] === 0x22) { b.pop(); }
    for (round = 0; ; round++) {
      d = pctDecode(b);
      if (d.length === b.length) { return b; }
      if (round === DECODE_ROUNDS) { return null; }
      b = d;
    }
  }

  /* RFC 6265 cookie-octet, as maint_cookie_octets[] */
  function octet(c) {
    return c === 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a)
      || (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
  }

  /* maint_cookie_value_ok(): what the edge registers a session for at all */
  function valueOk(bytes) {
    var b = Array.prototype.slice.call(bytes);
    if (b.length >= 2 && b[0] === 0x22 && b[b.length - 1] === 0x22) { b = b.slice(1, -1); }
    return b.length > 0 && b.length <= COOKIE_MAX && b.every(octet);
  }

  /*
   * {ok, id}: ok is maint_cookie_value_ok(), id maint_session_id() (null
   * when the value has no canonical form).  Rejects when crypto.subtle is
   * missing (a page not in a secure context).
   */
  function sessionId(value) {
    var bytes = new TextEncoder().encode(value), c;
    if (!window.crypto || !window.crypto.subtle) { return Promise.reject(new Error('no crypto.subtle')); }
    c = bytes.length > COOKIE_MAX ? null : canon(bytes);
    if (!c) { return Promise.resolve({ ok: valueOk(bytes), id: null }); }
    return window.crypto.subtle.digest('SHA-256', new Uint8Array(c)).then(function (h) {
      var hex = Array.prototype.map.call(new Uint8Array(h), function (x) { return (x < 16 ? '0' : '') + x.toString(16); });
      return { ok: valueOk(bytes), id: hex.join('') };
    });
  }

  /* --- how a session is shown --------------------------------------------- */

  /* "Firefox 128 on Linux" from a User-Agent; the whole one is the title */
  function shortUA(ua) {
    var b = null, os = null, m;
    if (!ua) { return '(no user agent)'; }
    [[/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'], [/OPR\/(\d+)/, 'Opera'], [/Firefox\/(\d+)/, 'Firefox'],
     [/HeadlessChrome\/(\d+)/, 'Headless Chrome'], [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
     [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari']].some(function (r) {
      m = ua.match(r[0]);
      if (m) { b = r[1] + ' ' + m[1]; }
      return !!m;
    });
    [[/Windows/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'], [/CrOS/, 'ChromeOS'],
     [/Mac OS X|Macintosh/, 'macOS'], [/Linux/, 'Linux']].some(function (r) {
      if (r[0].test(ua)) { os = r[1]; }
      return !!os;
    });
    if (!b) {
      m = ua.match(/^([A-Za-z][\w.-]*)(?:\/(\d+[\w.]*))?/);      /* curl/8.5.0, python-requests/2 */
      b = m ? m[1] + (m[2] ? ' ' + m[2] : '') : ua.slice(0, 40);
    }
    return os ? b + ' on ' + os : b;
  }

  function ago(t) {
    var s = Math.round((Date.now() - Date.parse(t)) / 1000);
    if (s < 60) { return 'just now'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min ago'; }
    if (s < 86400) { return Math.floor(s / 3600) + ' h ago'; }
    return Math.floor(s / 86400) + (s < 172800 ? ' day ago' : ' days ago');
  }

  function timeCell(t, none) {
    if (!t) { return el('td', {}, [el('span', { class: 'muted', text: none })]); }
    return el('td', {}, [el('div', {}, [el('time', { datetime: t, title: when(t), text: ago(t) }),
                                        el('span', { class: 'abs', text: when(t) })])]);
  }

  function sessionRow(s) {
    var who = s.user || '(no user header)', name = (s.user || 'session ' + s.id.slice(0, 8)) + ' on ' + s.app;
    var ua = s.user_agent || '';
    var userCell = el('td', {}, [el('div', {}, [
      el('span', { class: s.user ? 'user' : 'user muted', text: who }),
      s.superadmin ? el('span', { class: 'badge sa', text: 'superadmin: ' + s.superadmin }) : null,
      el('code', { class: 'sid', title: 'Session id ' + s.id, text: s.id.slice(0, 8) + '…' })])]);
    return el('tr', { 'data-id': s.id, class: ss.found === s.id ? 'found' : null }, [
      el('td', {}, [el('input', { type: 'checkbox', class: 'mine', value: s.id, checked: !!ss.mine[s.id],
                                  'aria-label': 'Mine: keep ' + name,
                                  onchange: function (ev) { if (ev.target.checked) { ss.mine[s.id] = 1; }
                                                            else { delete ss.mine[s.id]; } } })]),
      userCell,
      el('td', { text: s.app }),
      el('td', { class: 'ua', title: ua || null }, [el('div', {}, [el('span', { class: 'ua-short', text: shortUA(ua) }),
        ua ? el('span', { class: 'ua-full', text: ua }) : null])]),
      el('td', { text: s.addr || '' }),
      timeCell(s.first_seen, 'not seen created'),
      timeCell(s.last_seen, '—'),
      el('td', {}, [M.statusBadge(s.status)]),
      el('td', { class: 'actions' }, [s.status === 'active'
        ? M.btn('End', 'w danger', function () { endSession(s, name); }, name) : null])
    ]);
  }

  /* --- the list -------------------------------------------------------------- */

  M.loaders.sessions = function () {
    var q = [], app = $('sf-app').value.trim(), st = $('sf-status').value;
    if (app) { q.push('app=' + encodeURIComponent(app)); }
    if (st) { q.push('status=' + st); }
    q.push('limit=500');
    return api('GET', '/v1/sessions?' + q.join('&')).then(function (r) {
      var items = r.body.items;
      /* the session found by its cookie stays listed, whatever the filter */
      if (ss.found && ss.foundSession && !items.some(function (s) { return s.id === ss.found; })) {
        items = [ss.foundSession].concat(items);
      }
      M.fill($('sessions-table').tBodies[0], items.map(sessionRow), 'sessions-empty');
    }, M.failed);
  };

  function endSession(s, name) {
    M.confirmBox('End this session?', 'Log ' + name + ' off on the next request.', { ok: 'End session', danger: true },
      function () {
        return api('DELETE', '/v1/sessions/' + s.id).then(function () {
          $('confirm-dialog').close(); M.toast('Session ended: ' + name); M.loaders.sessions();
        }, function (e) { M.showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  function endAll(except) {
    var app = $('sf-app').value.trim(), body = { except_superadmins: $('sf-keep-sa').checked };
    var keep = Object.keys(ss.mine);
    if (app) { body.app = app; }
    if (except) {
      if (!keep.length) { M.toast('Tick your own session(s) under "Mine", or find yours by its cookie, first.'); return; }
      body.except = keep;
    }
    M.confirmBox('End all sessions?', 'End every session ' + (app ? 'of ' + app : 'of every app')
               + (except ? ', except ' + keep.length + ' ticked' : '') + '.', { ok: 'End sessions', danger: true },
      function () {
        return api('POST', '/v1/sessions/terminate', body).then(function (r) {
          $('confirm-dialog').close(); M.toast('Sessions ended; kept ' + r.body.kept + '.'); M.loaders.sessions();
        }, function (e) { M.showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  /* --- find my session ----------------------------------------------------- */

  function say(text, cls) {
    $('s-find-result').textContent = text;
    $('s-find-result').className = 'find-result ' + (cls || '');
  }

  function findSession(ev) {
    var v = $('s-cookie').value.replace(/^\s+|\s+$/g, '');
    ev.preventDefault();
    $('s-cookie').value = '';             /* the value is kept nowhere */
    if (!v) { say('Paste the value of your session cookie first.', 'bad'); $('s-cookie').focus(); return; }
    sessionId(v).then(function (r) {
      if (!r.ok) {
        say('That is not a cookie value the edge registers a session for: it is empty, or holds a character '
            + 'a cookie value cannot (space, comma, semicolon, backslash, a double quote inside). '
            + 'Paste only the value, without the name and "=".', 'bad');
        return null;
      }
      if (!r.id) {
        say('That value is percent-encoded more than four times over: the edge treats it as no session.', 'bad');
        return null;
      }
      return api('GET', '/v1/sessions/' + r.id).then(function (s) {
        ss.found = r.id;
        ss.foundSession = s.body;
        ss.mine[r.id] = 1;
        say('Found: the highlighted session (' + (s.body.user || 'no user header') + ' on ' + s.body.app + ', '
            + s.body.status + ') is this cookie\'s, ticked as "Mine".', 'good');
        return M.loaders.sessions().then(function () {
          var tr = document.querySelector('#sessions-table tr.found');
          if (tr) { tr.scrollIntoView({ block: 'nearest' }); }
        });
      }, function (e) {
        if (e.status === 404) { say('No session with this cookie value is known.', 'bad'); }
        else if (e.status !== 401) { say('Could not look it up: ' + e.message, 'bad'); }
      });
    }, function () {
      say('This browser offers no SHA-256 on this page: it is not a secure context (plain http from another '
          + 'host). Open the admin page over https, or as http://localhost (an SSH tunnel does), and try again. '
          + 'The value is hashed only in the browser; it is never sent.', 'bad');
    });
  }

  /* for the browser checks: the id the page computes for a value */
  M.sessionId = sessionId;
  M.shortUA = shortUA;

  document.addEventListener('DOMContentLoaded', function () {
    $('sessions-filter').addEventListener('submit', function (ev) { ev.preventDefault(); M.loaders.sessions(); });
    $('sf-app').addEventListener('change', function () { M.loaders.sessions(); });
    $('sf-status').addEventListener('change', function () { M.loaders.sessions(); });
    $('s-end-all').addEventListener('click', function () { endAll(false); });
    $('s-end-except').addEventListener('click', function () { endAll(true); });
    $('s-find').addEventListener('submit', findSession);
    $('s-find-clear').addEventListener('click', function () {
      ss.found = null; ss.foundSession = null; say('', ''); M.loaders.sessions();
    });
  });
}());
