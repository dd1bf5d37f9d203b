/*
 * app.js: the admin page's behaviour.  Plain JavaScript, no libraries.  It
 * talks only to the daemon's /v1/ API, with the token the user signed in
 * with (sessionStorage, sent as a bearer token: no cookies, so no CSRF).
 * Everything shown from the API is set with textContent, never as HTML.
 * notify.js adds the notifications through window.MaintAdmin (below): its
 * view, the window dialog's "Notify" choice, the settings' notify ones;
 * sessions.js the Sessions view; detail.js a window's detail and history;
 * calendar.js the Calendar view.
 */
'use strict';

(function () {
  var TOKEN_KEY = 'maint-admin-token';
  var state = { token: null, role: null, view: 'windows', windows: {},
                windowsCursor: null, auditBefore: null, editing: null };
  var tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  var fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; }
      else if (k === 'class') { e.className = attrs[k]; }
      else if (k.slice(0, 2) === 'on') { e.addEventListener(k.slice(2), attrs[k]); }
      else if (attrs[k] !== null && attrs[k] !== false) { e.setAttribute(k, attrs[k] === true ? '' : attrs[k]); }
    });
    (kids || []).forEach(function (c) { if (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }

  function when(t) { return t ? fmt.format(new Date(t)) : '—'; }

  var toastTimer = null;
  function toast(msg) {
    $('toast').textContent = msg;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { $('toast').textContent = ''; }, 6000);
  }

  /* --- the API ----------------------------------------------------------- */

  function ApiError(status, problem) {
    this.status = status;
    this.problem = problem || {};
    this.message = (problem && (problem.detail || problem.title)) || ('HTTP ' + status);
  }

  /* resolves {status, body, etag}; rejects with ApiError for 4xx/5xx */
  function api(method, path, body, etag, quiet) {
    var h = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    if (body !== undefined) { h['Content-Type'] = 'application/json'; }
    if (etag) { h['If-Match'] = etag; }
    return fetch(path, { method: method, headers: h, cache: 'no-store', credentials: 'omit',
                         body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          if (res.ok) { return { status: res.status, body: json, etag: res.headers.get('ETag') }; }
          var err = new ApiError(res.status, json);
          if (res.status === 401) {
            signOut('Your token was not accepted; sign in again.');
          } else if (res.status === 403 && !quiet) {
            toast('Your token may only read: nothing was changed.');
          }
          throw err;
        });
      }, function () {
        throw new ApiError(0, { detail: 'the admin API cannot be reached' });
      });
  }

  function etagOf(w) { return '"' + w.revision + '"'; }

  /* the API's problem, on a form: field errors next to their fields */
  /*
   * The window form's own words where its controls are not the API's JSON
   * (a comma-separated box, one line per entry, a date picker): the API's
   * reason stays in the box's title.
   */
  var formWords = {
    'apps': function (r) {
      return /required/.test(r) ? 'Enter at least one app.'
        : 'Enter app names separated by commas (letters, digits, dot, dash, underscore; up to 64 '
          + 'characters each), or * alone for every app.';
    },
    'allow.paths': function () { return 'Write one path per line, each starting with /.'; },
    'allow.networks': function () { return 'Write one address or network per line, like 10.0.0.0/8 or 2001:db8::/32.'; },
    'starts_at': function (r) { return /RFC 3339/.test(r) ? 'Enter a complete date and time.' : null; },
    'ends_at': function (r) { return /RFC 3339/.test(r) ? 'Enter a complete date and time.' : null; },
    'notify_before_minutes': function (r) {
      return /integer/.test(r) ? 'Enter whole minutes from 0 to 10080 (a week), or leave it empty for the '
        + 'settings\' default.' : null;
    }
  };

  function showProblem(err, prefix, generalId) {
    var p = err.problem || {}, first = null;
    clearErrors(prefix, generalId);
    (p.errors || []).forEach(function (e) {
      var box = $('err-' + prefix + e.field), input = null, words = null;
      if (!box) { return; }
      if (prefix === '' && formWords[e.field]) { words = formWords[e.field](e.reason); }
      box.textContent = words || e.reason;
      box.title = words ? e.reason : '';
      input = document.querySelector('[aria-describedby~="err-' + prefix + e.field + '"]');
      if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
    });
    var general = err.message;
    if (err.status === 409 && p.conflicting_window) {
      general += ' (' + p.conflicting_window.title + ', ' + when(p.conflicting_window.starts_at)
               + ' – ' + when(p.conflicting_window.ends_at) + ')';
    }
    if (err.status === 412) { general = 'Someone else changed it meanwhile: reload and try again.'; }
    if (!first || !p.errors || p.errors.length === 0 || !$('err-' + prefix + p.errors[0].field)) {
      $(generalId).textContent = general;
    }
    if (first) { first.focus(); }
  }

  function clearErrors(prefix, generalId) {
    document.querySelectorAll('.err[id^="err-' + prefix + '"]').forEach(function (e) { e.textContent = ''; });
    document.querySelectorAll('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
    if (generalId) { $(generalId).textContent = ''; }
  }

  /* --- sign-in, roles ----------------------------------------------------- */

  /*
   * The role: a dry run of an empty settings write (writes nothing, not even
   * an audit entry) is 200 for an admin token, 403 for a viewer's.
   */
  function probeRole() {
    return api('PUT', '/v1/settings?dry_run=true', {}, null, true).then(function () { return 'admin'; },
      function (e) { if (e.status === 403) { return 'viewer'; } throw e; });
  }

  function signIn(token) {
    state.token = token;
    return api('GET', '/v1/settings').then(probeRole).then(function (role) {
      state.role = role;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('signin').hidden = true;
      $('app').hidden = false;
      $('signout').hidden = false;
      $('who').hidden = false;
      $('who').textContent = 'Signed in: ' + role + ' · times in ' + tz;
      $('viewer-note').hidden = role !== 'viewer';
      document.body.classList.toggle('viewer', role === 'viewer');
      applyRole();
      route();
    });
  }

  function signOut(message) {
    state.token = null;
    state.role = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('app').hidden = true;
    $('signout').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    $('token').value = '';
    $('token-err').textContent = message || '';
    document.querySelectorAll('dialog').forEach(function (d) { if (d.open) { d.close(); } });
    $('token').focus();
  }

  /* viewers see every button, disabled; the API refuses them anyway */
  function applyRole() {
    document.querySelectorAll('button.w').forEach(function (b) {
      b.disabled = state.role !== 'admin';
      if (state.role !== 'admin') { b.title = 'Your token may only read'; }
    });
  }

  /* --- views --------------------------------------------------------------- */

  var loaders = {};

  function route() {
    var v = (location.hash || '#windows').slice(1);
    if (v === 'timeline') { v = 'calendar'; history.replaceState(null, '', '#calendar'); }  /* the old name */
    if (!loaders[v]) { v = 'windows'; }
    state.view = v;
    document.querySelectorAll('.view').forEach(function (s) { s.hidden = s.id !== 'view-' + v; });
    document.querySelectorAll('.tabs a').forEach(function (a) {
      if (a.dataset.view === v) { a.setAttribute('aria-current', 'page'); } else { a.removeAttribute('aria-current'); }
    });
    if (state.token) { loaders[v](); }
  }

  /* each cell names its column, for the phone layout that stacks rows */
  function labelCells(tbody) {
    var heads = tbody.parentNode.tHead ? tbody.parentNode.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(tbody.rows, function (tr) {
      Array.prototype.forEach.call(tr.cells, function (td, i) {
        if (heads[i]) { td.setAttribute('data-label', heads[i].textContent); }
      });
    });
  }

  function fill(tbody, rows, emptyId) {
    tbody.textContent = '';
    rows.forEach(function (r) { tbody.appendChild(r); });
    labelCells(tbody);
    $(emptyId).hidden = rows.length > 0;
    applyRole();
  }

  function failed(e) { if (e.status !== 401) { toast('Could not load: ' + e.message); } }

  function statusBadge(s) { return el('span', { class: 'status st-' + s, text: s.replace(/_/g, ' ') }); }

  function btn(label, cls, onclick, name) {
    return el('button', { type: 'button', class: 'small ' + cls, onclick: onclick,
                          'aria-label': name ? label + ': ' + name : null, text: label });
  }

  /* windows */

  function windowsQuery() {
    var q = [], s = $('wf-q').value.trim(), st = $('wf-status').value;
    if (s) { q.push('q=' + encodeURIComponent(s)); }
    if (st) { q.push('status=' + encodeURIComponent(st)); }
    return q;
  }

  loaders.windows = function (more) {
    var q = windowsQuery();
    if (more && state.windowsCursor) { q.push('cursor=' + encodeURIComponent(state.windowsCursor)); }
    api('GET', '/v1/windows' + (q.length ? '?' + q.join('&') : '')).then(function (r) {
      var tbody = $('windows-table').tBodies[0];
      var rows = r.body.items.map(windowRow);
      if (more) { rows = Array.prototype.slice.call(tbody.rows).concat(rows); }
      else { state.windows = {}; }
      r.body.items.forEach(function (w) { state.windows[w.id] = w; });
      fill(tbody, rows, 'windows-empty');
      state.windowsCursor = r.body.next_cursor;
      $('windows-more').hidden = !r.body.next_cursor;
    }, failed);
  };

  /* what notify.js adds to the windows and the settings */
  var hooks = { windowRow: [], windowOpen: [], windowRead: [], settingsLoad: [], settingsSave: [] };

  function windowRow(w) {
    var acts = el('td', { class: 'actions' });
    if (w.status === 'scheduled' || w.status === 'in_progress') {
      acts.appendChild(btn('Edit', 'w', function () { openWindow(w.id); }, w.title));
    }
    if (w.status === 'scheduled') {
      acts.appendChild(btn('Start', 'w', function () { lifecycle(w, 'start'); }, w.title));
      acts.appendChild(btn('Cancel', 'w', function () { lifecycle(w, 'cancel'); }, w.title));
      acts.appendChild(btn('Delete', 'w danger', function () { lifecycle(w, 'delete'); }, w.title));
    }
    if (w.status === 'in_progress') {
      acts.appendChild(btn('Complete', 'w', function () { lifecycle(w, 'complete'); }, w.title));
    }
    hooks.windowRow.forEach(function (h) { h(w, acts); });
    return el('tr', { 'data-id': w.id }, [
      /* the title opens the window's detail and history (detail.js) */
      el('td', {}, [el('a', { href: '#window/' + encodeURIComponent(w.id), class: 'title', title: 'Details and history',
                              onclick: function (ev) { ev.preventDefault(); window.MaintAdmin.showWindow(w.id); } },
                       [el('strong', { text: w.title }), el('span', { class: 'sr', text: ': details' })]),
                    w.enabled ? null : ' (disabled)']),
      el('td', {}, [statusBadge(w.status)]),
      el('td', { text: w.apps.join(', ') }),
      el('td', { text: when(w.actual_start || w.starts_at) }),
      el('td', { text: when(w.actual_end || w.ends_at) }),
      acts
    ]);
  }

  /* the window form: every writable field */

  var BOOLS = ['show_login_message', 'enabled', 'terminate_sessions', 'hold_until_completed'];
  var TEXTS = ['title', 'login_message', 'notify_message', 'notes', 'mode'];

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function toLocalInput(t) {
    var d = new Date(t);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T'
         + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function fromLocalInput(v) {
    if (!v) { return ''; }
    var d = new Date(v);                    /* a local time, as typed */
    return isNaN(d.getTime()) ? v : d.toISOString().replace(/\.\d+Z$/, 'Z');
  }
  function lines(v) { return v.split(/\n/).map(function (s) { return s.trim(); }).filter(Boolean); }

  function formToWindow() {
    var w = {};
    TEXTS.forEach(function (k) { w[k] = $('f-' + k).value; });
    BOOLS.forEach(function (k) { w[k] = $('f-' + k).checked; });
    w.title = w.title.trim();
    w.apps = $('f-apps').value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    w.starts_at = fromLocalInput($('f-starts_at').value);
    w.ends_at = fromLocalInput($('f-ends_at').value);
    var n = $('f-notify_before_minutes').value.trim();
    w.notify_before_minutes = n === '' ? null : Number(n);
    w.allow = { paths: lines($('f-allow_paths').value), networks: lines($('f-allow_networks').value) };
    hooks.windowRead.forEach(function (h) { h(w, state.editing && state.editing.w); });
    return w;
  }

  function windowToForm(w) {
    TEXTS.forEach(function (k) { $('f-' + k).value = w[k] || (k === 'mode' ? 'full' : ''); });
    BOOLS.forEach(function (k) { $('f-' + k).checked = !!w[k]; });
    $('f-apps').value = (w.apps || []).join(', ');
    $('f-starts_at').value = w.starts_at ? toLocalInput(w.starts_at) : '';
    $('f-ends_at').value = w.ends_at ? toLocalInput(w.ends_at) : '';
    $('f-notify_before_minutes').value = w.notify_before_minutes === null || w.notify_before_minutes === undefined
      ? '' : w.notify_before_minutes;
    $('f-allow_paths').value = ((w.allow || {}).paths || []).join('\n');
    $('f-allow_networks').value = ((w.allow || {}).networks || []).join('\n');
  }

  /* what changed, for PATCH: fixed fields of a running window stay out */
  function changes(before, after) {
    var out = {};
    Object.keys(after).forEach(function (k) {
      var a = after[k], b = before[k];
      if ((k === 'starts_at' || k === 'ends_at') && a && b && Date.parse(a) === Date.parse(b)) { return; }
      if (JSON.stringify(a) !== JSON.stringify(b === undefined ? null : b)) { out[k] = a; }
    });
    return out;
  }

  function openWindow(id) {
    clearErrors('', 'wd-err');
    $('dryrun').hidden = true;
    var show = function (w, etag) {
      state.editing = w ? { w: w, etag: etag } : null;
      $('wd-h').textContent = w ? 'Edit window: ' + w.title : 'New window';
      windowToForm(w || { mode: 'full', show_login_message: true, enabled: true,
                          starts_at: Date.now() + 3600e3, ends_at: Date.now() + 7200e3, apps: [] });
      hooks.windowOpen.forEach(function (h) { h(w); });
      if (!$('window-dialog').open) { $('window-dialog').showModal(); }
      applyRole();
      $('f-title').focus();
    };
    if (!id) { show(null); return; }
    api('GET', '/v1/windows/' + encodeURIComponent(id)).then(function (r) { show(r.body, r.etag); }, failed);
  }

  function saveWindow(dry) {
    var w = formToWindow(), ed = state.editing, p;
    clearErrors('', 'wd-err');
    if (!ed && w.notify_before_minutes === null) { delete w.notify_before_minutes; }
    var q = dry ? '?dry_run=true' : '';
    if (ed) {
      p = api('PATCH', '/v1/windows/' + encodeURIComponent(ed.w.id) + q, changes(ed.w, w), ed.etag);
    } else {
      p = api('POST', '/v1/windows' + q, w);
    }
    return p.then(function (r) {
      if (dry) { showDryRun(r.body); return; }
      $('window-dialog').close();
      toast((ed ? 'Saved: ' : 'Created: ') + r.body.title);
      loaders.windows();
    }, function (e) { showProblem(e, '', 'wd-err'); });
  }

  function showDryRun(d) {
    var list = $('dryrun-list');
    list.textContent = '';
    (d.prechecks || []).forEach(function (c) {
      list.appendChild(el('li', { class: c.status }, [
        el('strong', { text: c.status.toUpperCase() + ' ' }), c.name + ': ' + (c.detail || '')]));
    });
    $('dryrun-verdict').textContent = d.ok ? 'would succeed' : 'would fail';
    $('dryrun').hidden = false;
  }

  /* start, complete, cancel, delete: confirmed in a dialog */

  var pending = null;

  function confirmBox(title, text, opts, action) {
    $('cd-h').textContent = title;
    $('cd-text').textContent = text;
    $('cd-outcome-row').hidden = !opts.outcome;
    $('cd-notes-row').hidden = !opts.notes;
    $('cd-outcome').value = 'completed';
    $('cd-notes').value = '';
    $('cd-ok').textContent = opts.ok || 'Confirm';
    $('cd-ok').className = opts.danger ? 'w danger' : 'w';
    clearErrors('cd-', 'cd-err');
    $('cd-checks').textContent = '';
    $('cd-checks').hidden = true;
    pending = action;
    $('confirm-dialog').showModal();
    applyRole();
    (opts.outcome ? $('cd-outcome') : opts.notes ? $('cd-notes') : $('cd-cancel')).focus();
  }

  /*
   * A start the daemon's custom prechecks refused (409 with the checks):
   * nothing was written, so the same dialog lists the failed checks and
   * offers the same request with "force", which the window records.
   */
  function startRefused(e, force) {
    var p = e.problem || {}, list = $('cd-checks');
    if (e.status !== 409 || !Array.isArray(p.prechecks)) { return false; }
    clearErrors('cd-', 'cd-err');
    list.textContent = '';
    p.prechecks.filter(function (c) { return c.status === 'fail'; }).forEach(function (c) {
      list.appendChild(el('li', { class: 'fail' }, [el('strong', { text: 'FAIL ' }),
        String(c.name || '?') + ': ' + (c.detail || '')]));
    });
    list.hidden = false;
    $('cd-err').textContent = 'Not started: these prechecks failed. “Start anyway” starts it all the same; '
                              + 'the window records that it was forced.';
    $('cd-ok').textContent = 'Start anyway';
    $('cd-ok').className = 'w danger';
    pending = force;
    applyRole();
    $('cd-ok').focus();
    return true;
  }

  function lifecycle(w, what) {
    var base = '/v1/windows/' + encodeURIComponent(w.id), t = '“' + w.title + '”';
    var done = function (msg) { return function () { $('confirm-dialog').close(); toast(msg); loaders.windows(); }; };
    var fail = function (e) { $('cd-checks').hidden = true; showProblem(e, 'cd-', 'cd-err'); };
    var force = function () {
      return api('POST', base + '/start', { force: true }, etagOf(w)).then(done('Started anyway: ' + w.title), fail);
    };
    if (what === 'start') {
      confirmBox('Start now?', 'Start ' + t + ' now: the gateways enforce it at once.', { ok: 'Start now' },
        function () {
          return api('POST', base + '/start', {}, etagOf(w)).then(done('Started: ' + w.title), function (e) {
            if (!startRefused(e, force)) { fail(e); }
          });
        });
    } else if (what === 'complete') {
      confirmBox('Complete the window?', 'End ' + t + ': enforcement stops on the next request.',
        { outcome: true, notes: true, ok: 'Complete' },
        function () {
          var b = { outcome: $('cd-outcome').value };
          if ($('cd-notes').value) { b.notes = $('cd-notes').value; }
          return api('POST', base + '/complete', b, etagOf(w)).then(done('Completed: ' + w.title), fail);
        });
    } else if (what === 'cancel') {
      confirmBox('Cancel the window?', 'Cancel ' + t + '. It is kept, cancelled.', { notes: true, ok: 'Cancel window' },
        function () {
          var b = $('cd-notes').value ? { notes: $('cd-notes').value } : {};
          return api('POST', base + '/cancel', b, etagOf(w)).then(done('Cancelled: ' + w.title), fail);
        });
    } else if (what === 'delete') {
      confirmBox('Delete the window?', 'Delete ' + t + '? The audit keeps what it was.', { ok: 'Delete', danger: true },
        function () { return api('DELETE', base, undefined, etagOf(w)).then(done('Deleted: ' + w.title), fail); });
    }
  }

  /* sessions: sessions.js */

  /* superadmins */

  loaders.superadmins = function () {
    api('GET', '/v1/superadmins').then(function (r) {
      fill($('sa-table').tBodies[0], r.body.items.map(function (s) {
        return el('tr', {}, [el('td', { text: s.name }), el('td', { text: when(s.created_at) }),
          el('td', { text: s.created_by || '' }), el('td', { text: when(s.rotated_at) }),
          el('td', { class: 'actions' }, [
            btn('Rotate', 'w', function () { saRotate(s.name); }, s.name),
            btn('Remove', 'w danger', function () { saRemove(s.name); }, s.name)])]);
      }), 'sa-empty');
    }, failed);
  };

  function showCredential(r) {
    $('sa-cred-name').textContent = r.name;
    $('sa-cred-value').textContent = r.credential;
    $('sa-credential').hidden = false;
    $('sa-cred-done').focus();
  }

  function saRotate(name) {
    confirmBox('Rotate the credential?', 'The current credential of ' + name + ' stops working.', { ok: 'Rotate' },
      function () {
        return api('POST', '/v1/superadmins/' + encodeURIComponent(name) + '/rotate', {}).then(function (r) {
          $('confirm-dialog').close(); showCredential(r.body); loaders.superadmins();
        }, function (e) { showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  function saRemove(name) {
    confirmBox('Remove the superadmin?', name + "'s bypass cookies stop working on the next request.",
      { ok: 'Remove', danger: true }, function () {
        return api('DELETE', '/v1/superadmins/' + encodeURIComponent(name)).then(function () {
          $('confirm-dialog').close(); toast('Removed: ' + name); loaders.superadmins();
        }, function (e) { showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  /* settings */

  var SETTINGS = ['notify_before_minutes', 'login_message', 'notify_message', 'session_idle_minutes', 'session_lifetime_days',
                  'notify_time_zone'];

  loaders.settings = function () {
    $('settings-fields').disabled = true;
    api('GET', '/v1/settings').then(function (r) {
      state.settingsEtag = r.etag;
      $('settings-fields').disabled = false;
      SETTINGS.forEach(function (k) { $('st-' + k).value = r.body[k] === undefined || r.body[k] === null ? '' : r.body[k]; });
      hooks.settingsLoad.forEach(function (h) { h(r.body); });
      $('settings-meta').textContent = r.body.updated_at
        ? 'Revision ' + r.body.revision + ', changed ' + when(r.body.updated_at) + ' by ' + r.body.updated_by
        : 'Never changed: defaults.';
      clearErrors('st-', 'settings-err');
    }, failed);
  };

  function saveSettings() {
    var b = {};
    SETTINGS.forEach(function (k) {
      var v = $('st-' + k).value;
      b[k] = $('st-' + k).type === 'number' ? (v === '' ? null : Number(v)) : v;
    });
    hooks.settingsSave.forEach(function (h) { h(b); });
    clearErrors('st-', 'settings-err');
    api('PUT', '/v1/settings', b, state.settingsEtag).then(function () {
      toast('Settings saved.'); loaders.settings();
    }, function (e) { showProblem(e, 'st-', 'settings-err'); });
  }

  /* audit */

  loaders.audit = function (more) {
    var q = ['limit=50'];
    [['af-actor', 'actor'], ['af-action', 'action'], ['af-target', 'target']].forEach(function (f) {
      var v = $(f[0]).value.trim();
      if (v) { q.push(f[1] + '=' + encodeURIComponent(v)); }
    });
    if (more && state.auditBefore) { q.push('before=' + encodeURIComponent(state.auditBefore)); }
    api('GET', '/v1/audit?' + q.join('&')).then(function (r) {
      var tbody = $('audit-table').tBodies[0];
      var rows = r.body.items.map(function (a) {
        return el('tr', {}, [el('td', { text: when(a.at) }), el('td', { text: a.actor + ' (' + a.role + ')' }),
          el('td', { text: a.action }), el('td', { text: a.target || '' }),
          el('td', { text: a.outcome + ' ' + a.status })]);
      });
      if (more) { rows = Array.prototype.slice.call(tbody.rows).concat(rows); }
      fill(tbody, rows, 'audit-empty');
      state.auditBefore = r.body.next_before;
      $('audit-more').hidden = !r.body.next_before;
    }, failed);
  };

  /* gateways */

  /*
   * What a heartbeat's version means.  A worker reads the state for every
   * request it decides (within the lease), so an older version in its last
   * heartbeat is no alarm: the heartbeat predates the change, or the worker
   * has had no request since.  Before its first read it reports none.
   */
  function gwVersion(g, current) {
    if (g.state_version < 0 || g.state_version === undefined) {
      return { text: 'none yet', title: 'Starting: it has not read the state yet; it does on its first request.' };
    }
    if (g.state_version === current) {
      return { text: g.state_version + ' (current)', title: 'It holds the state in force.' };
    }
    return { text: String(g.state_version), title: 'Its last heartbeat showed an earlier version: the heartbeat was sent '
             + 'before the change, or no request has reached it since. Every request it decides reads the '
             + 'state in force first (within the lease).' };
  }

  loaders.gateways = function () {
    api('GET', '/v1/gateways').then(function (r) {
      $('gw-version').textContent = 'State version in Redis: ' + r.body.state_version;
      fill($('gw-table').tBodies[0], r.body.items.map(function (g) {
        return el('tr', {}, [el('td', { text: g.host }), el('td', { text: String(g.pid) }),
          el('td', { text: (g.apps || []).join(', ') }),
          el('td', gwVersion(g, r.body.state_version)),
          el('td', { text: g.module || '' }), el('td', { text: when(g.seen_at) })]);
      }), 'gw-empty');
    }, failed);
  };

  /* for notify.js, sessions.js, detail.js and calendar.js, which run after
     this file and before DOMContentLoaded; the detail offers the row's
     actions */
  window.MaintAdmin = { $: $, el: el, when: when, toast: toast, api: api, showProblem: showProblem,
                        clearErrors: clearErrors, fill: fill, failed: failed, btn: btn, statusBadge: statusBadge,
                        confirmBox: confirmBox, applyRole: applyRole, loaders: loaders, state: state, hooks: hooks,
                        openWindow: openWindow, lifecycle: lifecycle };

  /* --- wiring --------------------------------------------------------------- */

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.tz').forEach(function (s) { s.textContent = tz; });

    $('signin-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var t = $('token').value.trim();
      $('token-err').textContent = '';
      if (!t) { $('token-err').textContent = 'Enter a token.'; $('token').focus(); return; }
      signIn(t).catch(function (e) {
        if (e.status !== 401) { signOut('Cannot sign in: ' + e.message); }
      });
    });
    $('signout').addEventListener('click', function () { signOut('Signed out.'); });
    /* a toast goes at a click, not only after its six seconds */
    $('toast').addEventListener('click', function () { $('toast').textContent = ''; });
    window.addEventListener('hashchange', route);

    var timer = null;
    $('wf-q').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(loaders.windows, 250); });
    $('wf-status').addEventListener('change', function () { loaders.windows(); });
    $('windows-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loaders.windows(); });
    $('windows-more').addEventListener('click', function () { loaders.windows(true); });
    $('w-new').addEventListener('click', function () { openWindow(null); });
    $('window-form').addEventListener('submit', function (ev) { ev.preventDefault(); saveWindow(false); });
    $('wd-dry').addEventListener('click', function () { saveWindow(true); });
    $('wd-close').addEventListener('click', function () { $('window-dialog').close(); });

    $('confirm-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (pending) { pending(); }
    });
    $('cd-cancel').addEventListener('click', function () { $('confirm-dialog').close(); });

    $('sa-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors('sa-', null);
      api('POST', '/v1/superadmins', { name: $('sa-name').value.trim() }).then(function (r) {
        $('sa-name').value = ''; showCredential(r.body); loaders.superadmins();
      }, function (e) {
        var p = e.problem || {};
        $('err-sa-name').textContent = (p.errors && p.errors[0] ? p.errors[0].reason : e.message);
        $('sa-name').setAttribute('aria-invalid', 'true');
        $('sa-name').focus();
      });
    });
    $('sa-cred-done').addEventListener('click', function () {
      $('sa-credential').hidden = true; $('sa-cred-value').textContent = '';
    });

    $('settings-form').addEventListener('submit', function (ev) { ev.preventDefault(); saveSettings(); });
    $('audit-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loaders.audit(); });
    $('audit-more').addEventListener('click', function () { loaders.audit(true); });

    var saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      signIn(saved).catch(function (e) { if (e.status !== 401) { signOut('Cannot sign in: ' + e.message); } });
    } else {
      signOut();
    }
  });
}());
