/*
 * notify.js: the admin page's notifications, on top of app.js (through
 * window.MaintAdmin): the Notifications view (targets: list, create with
 * the webhook secret shown once, edit, rotate, delete; deliveries with
 * Redeliver), a window's deliveries in a dialog from its row, the window
 * dialog's "Notify" choice and the two notify settings.  As in app.js,
 * everything from the API is set with textContent, never as HTML, and a
 * secret is only in the DOM until "Done".
 */
'use strict';

(function () {
  var M = window.MaintAdmin, $ = M.$, el = M.el, api = M.api, when = M.when;
  var EVENTS = ['scheduled', 'changed', 'reminder', 'started', 'completed', 'cancelled'];
  var nt = { targets: null, editing: null, windowId: null, windowTitle: '', notifyLoaded: false };

  function enc(s) { return encodeURIComponent(s); }
  function words(v) { return v.split(/[\n,]/).map(function (s) { return s.trim(); }).filter(Boolean); }

  /* the targets' names, fetched once per view or dialog; [] when unreadable */
  function loadTargets() {
    return api('GET', '/v1/notify/targets').then(function (r) {
      nt.targets = r.body.items || [];
      return nt.targets;
    });
  }

  /*
   * Checkboxes of names in box: the targets, then names chosen that no
   * longer exist (so they can be unticked).  Each checkbox is described by
   * the box's help and error, so that showProblem() marks and focuses the
   * first one.
   */
  function checkboxes(box, prefix, names, chosen, describedBy) {
    var all = names.slice();
    box.textContent = '';
    (chosen || []).forEach(function (n) { if (all.indexOf(n) < 0) { all.push(n); } });
    if (!all.length) {
      box.appendChild(el('p', { class: 'help', text: 'No targets yet: add them under Notifications.' }));
      return;
    }
    all.forEach(function (n, i) {
      var id = prefix + i, gone = names.indexOf(n) < 0;
      box.appendChild(el('div', { class: 'check' }, [
        el('input', { type: 'checkbox', id: id, value: n, checked: (chosen || []).indexOf(n) >= 0,
                      'aria-describedby': describedBy }),
        el('label', { for: id, text: n + (gone ? ' (no such target)' : '') })]));
    });
  }

  function ticked(box) {
    return Array.prototype.map.call(box.querySelectorAll('input[type="checkbox"]:checked'),
                                    function (c) { return c.value; });
  }

  function sameSet(a, b) {
    return a.length === b.length && a.every(function (x) { return b.indexOf(x) >= 0; });
  }

  /* --- the window dialog's "Notify" ---------------------------------------- */

  M.hooks.windowOpen.push(function (w) {
    var box = $('f-notify');
    nt.notifyLoaded = false;
    box.textContent = '';
    box.appendChild(el('p', { class: 'help', text: 'Loading the targets…' }));
    var settings = w ? Promise.resolve(null) : api('GET', '/v1/settings').then(function (r) { return r.body; });
    Promise.all([loadTargets(), settings]).then(function (res) {
      var chosen = w ? (w.notify || []) : ((res[1] && res[1].notify_default_targets) || []);
      checkboxes(box, 'f-notify-', res[0].map(function (t) { return t.name; }), chosen, 'h-notify err-notify');
      nt.notifyLoaded = true;
      M.applyRole();
    }, function (e) {
      box.textContent = '';
      box.appendChild(el('p', { class: 'err', text: 'Could not load the targets: ' + e.message
                                + '. The window keeps its choice.' }));
    });
  });

  /* sent only when the choice could be shown; unchanged order kept for PATCH */
  M.hooks.windowRead.push(function (w, before) {
    if (!nt.notifyLoaded) { return; }
    var names = ticked($('f-notify'));
    w.notify = before && before.notify && sameSet(names, before.notify) ? before.notify : names;
  });

  /* --- a window's deliveries ----------------------------------------------- */

  M.hooks.windowRow.push(function (w, acts) {
    acts.appendChild(M.btn('Notifications', 'secondary', function () { openDeliveries(w); }, w.title));
  });

  /* a status without an error (250, 204: delivered) is no error; the
     status is not repeated when the error holds it already */
  function lastError(d) {
    var st = d.last_status ? String(d.last_status) : '', err = d.last_error || '';
    if (!err) { return '—'; }
    return !st || err.indexOf(st) >= 0 ? err : st + ': ' + err;
  }

  function redeliver(d, reload) {
    M.confirmBox('Send again?', 'Send the ' + d.type + ' event to ' + d.target
                 + ' again. The receiver sees the same webhook-id.', { ok: 'Redeliver' },
      function () {
        return api('POST', '/v1/notify/deliveries/' + enc(d.id) + '/redeliver', {}).then(function () {
          $('confirm-dialog').close(); M.toast('Pending again: ' + d.type + ' to ' + d.target); reload();
        }, function (e) { M.showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  /* one row per delivery; withWindow adds the window column (the view's table) */
  function deliveryRow(d, withWindow, reload) {
    var acts = el('td', { class: 'actions' }, [
      M.btn('Redeliver', 'w', function () { redeliver(d, reload); }, d.type + ' to ' + d.target)]);
    return el('tr', { 'data-id': d.id }, [
      el('td', {}, [el('strong', { text: d.type }), el('br'), el('span', { class: 'help', text: when(d.created_at) })]),
      withWindow ? el('td', {}, [el('code', { text: d.window })]) : null,
      el('td', { text: d.target + ' (' + d.kind + ')' }),
      el('td', {}, [M.statusBadge(d.state),
        d.state === 'pending' && d.next_at ? el('span', { class: 'help', text: ' next ' + when(d.next_at) }) : null,
        d.state === 'delivered' ? el('span', { class: 'help', text: ' ' + when(d.delivered_at) }) : null]),
      el('td', { text: String(d.attempts) }),
      el('td', { text: when(d.last_attempt_at) }),
      el('td', { class: 'lasterr', text: lastError(d) }),
      acts
    ]);
  }

  function loadWindowDeliveries() {
    var reload = loadWindowDeliveries;
    $('dd-err').textContent = '';
    return api('GET', '/v1/notify/deliveries?limit=500&window=' + enc(nt.windowId)).then(function (r) {
      M.fill($('dd-table').tBodies[0], r.body.items.map(function (d) { return deliveryRow(d, false, reload); }),
             'dd-empty');
    }, function (e) { $('dd-err').textContent = 'Could not load: ' + e.message; });
  }

  function openDeliveries(w) {
    nt.windowId = w.id;
    $('dd-h').textContent = 'Notifications of “' + w.title + '”';
    $('dd-table').tBodies[0].textContent = '';
    $('dd-empty').hidden = true;
    if (!$('deliveries-dialog').open) { $('deliveries-dialog').showModal(); }
    $('dd-close').focus();
    loadWindowDeliveries();
  }

  /* --- the Notifications view ---------------------------------------------- */

  function targetState(t) {
    if (t.enabled) { return [M.statusBadge('enabled')]; }
    return [M.statusBadge('disabled'), t.disabled_reason ? el('div', { class: 'help', text: t.disabled_reason }) : null];
  }

  function targetRow(t) {
    var acts = el('td', { class: 'actions' }, [
      M.btn('Edit', 'w', function () { openTarget(t); }, t.name),
      t.kind === 'webhook' ? M.btn('Rotate secret', 'w', function () { rotate(t); }, t.name) : null,
      M.btn('Delete', 'w danger', function () { removeTarget(t); }, t.name)]);
    return el('tr', { 'data-name': t.name }, [
      el('td', {}, [el('strong', { text: t.name })]),
      el('td', { text: t.kind }),
      el('td', { class: 'lasterr', text: t.kind === 'email' ? (t.to || []).join(', ') : (t.url || '') }),
      el('td', { text: (t.events || []).join(', ') }),
      el('td', {}, targetState(t)),
      acts
    ]);
  }

  function loadDeliveries() {
    var q = ['limit=100'];
    [['dl-window', 'window'], ['dl-target', 'target'], ['dl-state', 'state']].forEach(function (f) {
      var v = $(f[0]).value.trim();
      if (v) { q.push(f[1] + '=' + enc(v)); }
    });
    api('GET', '/v1/notify/deliveries?' + q.join('&')).then(function (r) {
      M.fill($('dl-table').tBodies[0], r.body.items.map(function (d) { return deliveryRow(d, true, loadDeliveries); }),
             'dl-empty');
    }, M.failed);
  }

  M.loaders.notifications = function () {
    loadTargets().then(function (items) {
      M.fill($('nt-table').tBodies[0], items.map(targetRow), 'nt-empty');
    }, M.failed);
    loadDeliveries();
  };

  function showSecret(name, secret) {
    $('nt-secret-name').textContent = name;
    $('nt-secret-value').textContent = secret;
    $('nt-secret').hidden = false;
    $('nt-secret-done').focus();
  }

  /* the target dialog: create (every field) or edit (what PATCH takes) */
  function openTarget(t) {
    var webhook;
    nt.editing = t || null;
    M.clearErrors('nt-', 'td-err');
    $('td-h').textContent = t ? 'Edit target: ' + t.name : 'New target';
    $('nt-name').value = t ? t.name : '';
    $('nt-name').disabled = !!t;
    $('nt-kind').value = t ? t.kind : 'email';
    $('nt-kind').disabled = !!t;
    $('nt-to').value = t && t.to ? t.to.join('\n') : '';
    $('nt-url').value = t && t.url ? t.url : '';
    $('nt-secret-in').value = '';
    $('nt-headers').value = '';
    $('nt-clear-headers').checked = false;
    $('nt-enabled').checked = t ? !!t.enabled : true;
    $('h-nt-enabled').textContent = t && !t.enabled && t.disabled_reason
      ? 'Disabled: ' + t.disabled_reason + '. Ticking it enables the target again.' : '';
    var names = t && t.headers ? Object.keys(t.headers) : [];
    $('h-nt-headers').textContent = t
      ? (names.length ? 'Now: ' + names.join(', ') + ' (values hidden). ' : 'None now. ')
        + 'Filled in, "Name: value" lines replace them; empty keeps them.'
      : 'One "Name: value" per line, up to 10.';
    $('nt-clear-headers-row').hidden = !t || !names.length;
    checkboxes($('nt-events'), 'nt-ev-', EVENTS, t ? t.events || [] : EVENTS, 'err-nt-events');
    webhook = kindShown();
    $('target-dialog').showModal();
    M.applyRole();
    (t ? (webhook ? $('nt-url') : $('nt-to')) : $('nt-name')).focus();
  }

  function kindShown() {
    var webhook = $('nt-kind').value === 'webhook';
    $('nt-to-row').hidden = webhook;
    $('nt-url-row').hidden = !webhook;
    $('nt-secret-row').hidden = !webhook || !!nt.editing;
    $('nt-headers-row').hidden = !webhook;
    return webhook;
  }

  /* "Name: value" lines; a line without a colon is the API's to refuse */
  function headers(v) {
    var h = {};
    v.split(/\n/).map(function (s) { return s.trim(); }).filter(Boolean).forEach(function (line) {
      var i = line.indexOf(':');
      if (i < 0) { h[line] = ''; } else { h[line.slice(0, i).trim()] = line.slice(i + 1).trim(); }
    });
    return h;
  }

  function targetBody() {
    var t = nt.editing, webhook = $('nt-kind').value === 'webhook', b = {}, hv = $('nt-headers').value.trim();
    var events = ticked($('nt-events'));
    if (!t) {
      b.name = $('nt-name').value.trim();
      b.kind = $('nt-kind').value;
      if (webhook && $('nt-secret-in').value.trim()) { b.secret = $('nt-secret-in').value.trim(); }
    }
    if (webhook) {
      if (!t || $('nt-url').value.trim() !== t.url) { b.url = $('nt-url').value.trim(); }
      if (hv) { b.headers = headers(hv); } else if (t && $('nt-clear-headers').checked) { b.headers = {}; }
    } else {
      var to = words($('nt-to').value);
      if (!t || !sameSet(to, t.to || [])) { b.to = to; }
    }
    if (!t || !sameSet(events, t.events || [])) { b.events = events; }
    if (!t || $('nt-enabled').checked !== !!t.enabled) { b.enabled = $('nt-enabled').checked; }
    return b;
  }

  function saveTarget() {
    var t = nt.editing, b = targetBody();
    M.clearErrors('nt-', 'td-err');
    if (t && !Object.keys(b).length) { $('target-dialog').close(); M.toast('Nothing changed.'); return; }
    var p = t ? api('PATCH', '/v1/notify/targets/' + enc(t.name), b)
              : api('POST', '/v1/notify/targets', b);
    p.then(function (r) {
      $('target-dialog').close();
      $('nt-secret-in').value = '';
      M.toast((t ? 'Saved: ' : 'Created: ') + r.body.name);
      if (r.body.secret) { showSecret(r.body.name, r.body.secret); }
      M.loaders.notifications();
    }, function (e) { M.showProblem(e, 'nt-', 'td-err'); });
  }

  function rotate(t) {
    M.confirmBox('Rotate the secret?', 'A new secret signs the webhooks to ' + t.name
                 + '; the current one keeps signing too until the next rotation, so the receiver can switch.',
      { ok: 'Rotate' }, function () {
        return api('POST', '/v1/notify/targets/' + enc(t.name) + '/rotate', { keep_old: true }).then(function (r) {
          $('confirm-dialog').close(); showSecret(t.name, r.body.secret); M.loaders.notifications();
        }, function (e) { M.showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  function removeTarget(t) {
    M.confirmBox('Delete the target?', 'Windows that name ' + t.name + ' stop notifying it.',
      { ok: 'Delete', danger: true }, function () {
        return api('DELETE', '/v1/notify/targets/' + enc(t.name)).then(function () {
          $('confirm-dialog').close(); M.toast('Deleted: ' + t.name); M.loaders.notifications();
        }, function (e) { M.showProblem(e, 'cd-', 'cd-err'); });
      });
  }

  /* --- settings -------------------------------------------------------------- */

  M.hooks.settingsLoad.push(function (s) {
    var box = $('st-notify_default_targets');
    nt.settingsLoaded = false;
    loadTargets().then(function (items) {
      checkboxes(box, 'st-notify-', items.map(function (t) { return t.name; }), s.notify_default_targets || [],
                 'h-st-notify err-st-notify_default_targets');
      nt.settingsLoaded = true;
    }, function (e) {
      box.textContent = '';
      box.appendChild(el('p', { class: 'err', text: 'Could not load the targets: ' + e.message }));
    });
  });

  M.hooks.settingsSave.push(function (b) {
    if (nt.settingsLoaded) { b.notify_default_targets = ticked($('st-notify_default_targets')); }
    if (b.notify_time_zone === '') { delete b.notify_time_zone; }
  });

  /* --- wiring ---------------------------------------------------------------- */

  document.addEventListener('DOMContentLoaded', function () {
    $('nt-new').addEventListener('click', function () { openTarget(null); });
    $('nt-kind').addEventListener('change', kindShown);
    $('target-form').addEventListener('submit', function (ev) { ev.preventDefault(); saveTarget(); });
    $('td-close').addEventListener('click', function () { $('target-dialog').close(); });
    $('nt-secret-done').addEventListener('click', function () {
      $('nt-secret').hidden = true; $('nt-secret-value').textContent = '';
    });
    $('dl-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loadDeliveries(); });
    $('dl-state').addEventListener('change', loadDeliveries);
    $('dd-reload').addEventListener('click', loadWindowDeliveries);
    $('dd-close').addEventListener('click', function () { $('deliveries-dialog').close(); });
  });
}());
