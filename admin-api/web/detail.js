/*
 * detail.js: the admin page's window detail, on top of app.js (through
 * window.MaintAdmin): one window's fields, its actual times next to the
 * scheduled ones, its outcome and completion notes, and its history from
 * the audit (who created, edited, started, completed it; for an edit the
 * fields that changed, old and new; rejected attempts marked), and the
 * last custom prechecks it ran (what ran them, when, each check).  Opened by
 * MaintAdmin.showWindow(id) (the windows table's titles, the calendar) and
 * by the address #window/<id>.  As in app.js, everything from the API is
 * set with textContent, never as HTML.
 */
'use strict';

(function () {
  var M = window.MaintAdmin, $ = M.$, el = M.el, api = M.api, when = M.when;
  var dt = { id: null, w: null, before: null, back: null, seq: 0 };
  var FINISHED = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

  /* the fields' names, as the window form calls them */
  var LABELS = {
    title: 'Title', apps: 'Apps', starts_at: 'Scheduled start', ends_at: 'Scheduled end',
    mode: 'Mode', login_message: 'Maintenance page message', show_login_message: 'Show the message',
    notify_message: 'Notice message', notify_before_minutes: 'Notice before (minutes)',
    enabled: 'Enabled', terminate_sessions: 'End sessions when it starts',
    hold_until_completed: 'Hold until completed', allow: 'Allowed paths and networks',
    notes: 'Notes', notify: 'Notify', translations: 'Translations', status: 'Status',
    actual_start: 'Actual start', actual_end: 'Actual end', completion_notes: 'Completion notes'
  };
  /* bookkeeping every write changes: not worth a line in an edit */
  var QUIET = ['revision', 'updated_at', 'updated_by', 'reminded_for', 'id', 'created_at', 'created_by'];

  var REJECTED = { 409: 'conflict with its state, another window or a failed precheck',
                   412: 'someone else changed it first', 422: 'invalid values', 428: 'sent without If-Match',
                   403: 'token may only read', 404: 'not found' };

  function words(s) { return String(s).replace(/_/g, ' '); }

  function modeWords(m) { return m === 'read_only' ? 'Read-only (GET, HEAD, OPTIONS pass)' : 'Full (every request)'; }

  /* one value, as text: times in the reader's zone, lists joined */
  function show(k, v) {
    if (v === null || v === undefined) {
      return k === 'notify_before_minutes' ? 'settings\' default' : '—';
    }
    if (typeof v === 'boolean') { return v ? 'yes' : 'no'; }
    if (/_at$|^actual_/.test(k)) { return when(v); }
    if (k === 'mode') { return modeWords(v); }
    if (k === 'status') { return words(v); }
    if (Array.isArray(v)) { return v.length ? v.join(', ') : '(none)'; }
    if (k === 'allow') {
      return 'paths: ' + ((v.paths || []).join(', ') || '(none)')
           + '; networks: ' + ((v.networks || []).join(', ') || '(none)');
    }
    if (typeof v === 'object') { return Object.keys(v).length ? JSON.stringify(v) : '(none)'; }
    return v === '' ? '(empty)' : String(v);
  }

  function same(k, a, b) {
    if ((/_at$|^actual_/.test(k)) && a && b) { return Date.parse(a) === Date.parse(b); }
    return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
  }

  /* the fields an entry changed, in the form's order, bookkeeping left out */
  function changed(before, after) {
    var keys = Object.keys(LABELS);
    Object.keys(before).concat(Object.keys(after)).forEach(function (k) {
      if (keys.indexOf(k) < 0 && QUIET.indexOf(k) < 0) { keys.push(k); }
    });
    return keys.filter(function (k) {
      return (k in before || k in after) && !same(k, before[k], after[k]);
    });
  }

  function row(list, label, value, cls) {
    if (value === null || value === undefined) { return; }
    var dd = el('dd', { class: cls || null }, [typeof value === 'string' ? value : null]);
    if (typeof value !== 'string') { dd.appendChild(value); }
    list.appendChild(el('div', {}, [el('dt', { text: label }), dd]));
  }

  /* "(3 min early)" when an actual time is not the scheduled one */
  function offset(actual, sched) {
    var d = Math.round((Date.parse(actual) - Date.parse(sched)) / 60000);
    if (!actual || !sched || Math.abs(Date.parse(actual) - Date.parse(sched)) < 1000) { return null; }
    var n = Math.abs(d), u = n >= 120 ? Math.round(n / 60) + ' h' : (n || '<1') + ' min';
    return el('span', { class: 'dt-diff', text: ' (' + u + (d < 0 ? ' early' : ' late') + '; scheduled '
                                                  + when(sched) + ')' });
  }

  function timeWithOffset(actual, sched) {
    if (!actual) { return null; }
    return el('span', {}, [when(actual), offset(actual, sched)]);
  }

  /*
   * The last custom prechecks: what ran them and when, whether they passed,
   * "forced" when a start went past a failure, then each check as a dry run
   * lists it.  A scheduled start goes ahead whatever they say: its checks
   * are a record, not a gate.  The status picks the class only among the
   * three known ones.
   */
  var TRIGGERS = { start: 'At the start', scheduled: 'At the scheduled start (it starts on time anyway)' };
  var CHECK_CLASSES = ['ok', 'warn', 'fail'];

  function prechecks(p) {
    if (!p || typeof p !== 'object') { return null; }
    var list = el('ul', { class: 'checks' });
    (p.checks || []).forEach(function (c) {
      var st = CHECK_CLASSES.indexOf(c.status) >= 0 ? c.status : 'warn';
      list.appendChild(el('li', { class: st }, [el('strong', { text: String(c.status || '?').toUpperCase() + ' ' }),
        String(c.name || '?') + ': ' + (c.detail || '')]));
    });
    return el('div', { class: 'dt-prechecks' }, [
      el('p', {}, [(TRIGGERS[p.trigger] || words(p.trigger || 'run')) + ', ' + when(p.at) + ': ',
                   el('strong', { text: p.ok ? 'passed' : 'failed' }),
                   p.forced ? el('span', { class: 'dt-forced', text: ' — started anyway (forced)' }) : null]),
      list]);
  }

  function fields(w) {
    var list = el('dl', { class: 'dt-fields' }), done = FINISHED.indexOf(w.status) >= 0;
    row(list, 'Apps', w.apps.join(', ') === '*' ? '* (every app)' : w.apps.join(', '));
    row(list, 'Mode', modeWords(w.mode));
    row(list, 'Scheduled', when(w.starts_at) + ' – ' + when(w.ends_at));
    row(list, 'Actual start', w.actual_start ? timeWithOffset(w.actual_start, w.starts_at)
                                              : (w.status === 'cancelled' ? 'never started' : 'not started yet'));
    row(list, 'Prechecks', prechecks(w.prechecks));
    row(list, 'Actual end', w.actual_end ? timeWithOffset(w.actual_end, w.ends_at)
                                          : (w.status === 'in_progress' ? 'still in progress'
                                             : w.status === 'cancelled' ? '—' : 'not ended yet'));
    row(list, 'Outcome', done ? words(w.status) : 'not finished yet', done ? 'dt-outcome st-' + w.status : null);
    row(list, 'Completion notes', w.completion_notes ? w.completion_notes : (done ? '(none)' : null), 'dt-text');
    row(list, 'Maintenance page message', w.show_login_message === false ? '(no message shown)'
        : (w.login_message || '(the settings\' default)'), 'dt-text');
    row(list, 'Notice message', w.notify_message || '(the settings\' default)', 'dt-text');
    row(list, 'Notice before', w.notify_before_minutes === null || w.notify_before_minutes === undefined
        ? 'the settings\' default' : w.notify_before_minutes + ' min');
    row(list, 'Notify', w.notify === undefined ? null : show('notify', w.notify));
    row(list, 'Allowed', w.allow && ((w.allow.paths || []).length || (w.allow.networks || []).length)
        ? show('allow', w.allow) : null);
    row(list, 'Options', ['terminate_sessions', 'hold_until_completed'].filter(function (k) { return w[k]; })
        .map(function (k) { return LABELS[k].toLowerCase(); }).join('; ') || null);
    row(list, 'Notes', w.notes || null, 'dt-text');
    /* a series' occurrence: its local start as the rule made it */
    row(list, 'Series', w.series ? el('span', {}, [el('code', { text: w.series }),
        ', the occurrence of ' + String(w.occurrence || '').replace(
          /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)\d\d$/, '$1-$2-$3 $4:$5') + ' in its time zone'])
        : null);
    row(list, 'Created', w.created_at ? when(w.created_at) + (w.created_by ? ' by ' + w.created_by : '') : null);
    row(list, 'Updated', w.updated_at ? when(w.updated_at) + (w.updated_by ? ' by ' + w.updated_by : '')
        + ' (revision ' + w.revision + ')' : null);
    row(list, 'ID', el('code', { text: w.id }));
    return list;
  }

  /* --- the history ---------------------------------------------------------- */

  var TRIED = { 'window.create': 'create', 'window.update': 'edit', 'window.delete': 'delete',
                'window.start': 'start', 'window.complete': 'complete', 'window.cancel': 'cancel' };

  function actionWords(a) {
    var b = a.before || {};
    if (a.outcome !== 'ok' && TRIED[a.action]) { return 'tried to ' + TRIED[a.action]; }
    switch (a.action) {
    case 'window.create': return 'created';
    case 'window.update': return 'edited';
    case 'window.delete': return 'deleted';
    case 'window.start':
      return (b.starts_at && Date.parse(a.at) < Date.parse(b.starts_at) - 1000 ? 'started early' : 'started')
        + (a.after && a.after.prechecks && a.after.prechecks.forced ? ', past failed prechecks (forced)' : '');
    case 'window.complete': return 'completed';
    case 'window.cancel': return 'cancelled';
    case 'window.auto_start': return 'started on schedule';
    case 'window.prechecks': return 'prechecks ran at the scheduled start';
    case 'window.auto_complete': return 'ended on schedule';
    case 'window.reminder': return 'reminder sent';
    }
    return a.action.replace(/^window\./, '').replace(/_/g, ' ');
  }

  function diff(before, after) {
    var list = el('dl', { class: 'dt-changes' });
    changed(before, after).forEach(function (k) {
      list.appendChild(el('div', {}, [el('dt', { text: LABELS[k] || words(k) }),
        el('dd', {}, [el('del', { text: show(k, before[k]) }), el('span', { class: 'arrow', text: ' → ' }),
                      el('ins', { text: show(k, after[k]) })])]));
    });
    return list.childNodes.length ? list : null;
  }

  function entry(a) {
    var ok = a.outcome === 'ok', af = a.after || {}, extra = null;
    var head = el('p', { class: 'dt-head' }, [
      el('time', { datetime: a.at, text: when(a.at) }), ' ',
      el('strong', { text: a.actor }), a.role && a.role !== a.actor ? ' (' + a.role + ') ' : ' ',
      el('span', { class: 'dt-action', text: actionWords(a) })]);
    if (!ok) {
      head.appendChild(el('span', { class: 'dt-rejected', text: 'rejected ' + a.status
        + (REJECTED[a.status] ? ': ' + REJECTED[a.status] : '') }));
    }
    if (ok && a.action === 'window.update' && a.before && a.after) {
      extra = diff(a.before, a.after);
    } else if (ok && (a.action === 'window.complete' || a.action === 'window.cancel'
                      || a.action === 'window.auto_complete')) {
      extra = el('dl', { class: 'dt-changes' });
      row(extra, 'Outcome', words(af.status || '?'), 'st-' + af.status);
      row(extra, 'Notes', af.completion_notes || null, 'dt-text');
    } else if (ok && a.action === 'window.prechecks') {
      extra = prechecks(af.prechecks);
    } else if (ok && a.action === 'window.create') {
      extra = el('dl', { class: 'dt-changes' });
      row(extra, 'Scheduled', when(af.starts_at) + ' – ' + when(af.ends_at));
      row(extra, 'Apps', show('apps', af.apps));
    }
    return el('li', { class: ok ? 'dt-ok' : 'dt-rej' }, [head, extra]);
  }

  function loadHistory(more) {
    var q = ['target=' + encodeURIComponent(dt.id), 'limit=100'], seq = dt.seq;
    if (more && dt.before) { q.push('before=' + encodeURIComponent(dt.before)); }
    $('dt-more').hidden = true;
    return api('GET', '/v1/audit?' + q.join('&')).then(function (r) {
      if (seq !== dt.seq) { return; }
      var list = $('dt-history');
      if (!more) { list.textContent = ''; }
      r.body.items.forEach(function (a) { list.appendChild(entry(a)); });
      dt.before = r.body.next_before;
      $('dt-more').hidden = !r.body.next_before;
      $('dt-hist-empty').hidden = list.childNodes.length > 0 || !!r.body.next_before;
    }, function (e) {
      if (seq === dt.seq) { $('dt-err').textContent = 'Could not load the history: ' + e.message; }
    });
  }

  /* --- the dialog ------------------------------------------------------------ */

  /* the row's own actions, as app.js offers them (disabled for viewers) */
  function actions(w) {
    var box = $('dt-actions'), L = M.lifecycle;
    box.textContent = '';
    if (!L || !M.openWindow) { return; }
    if (w.status === 'scheduled' || w.status === 'in_progress') {
      box.appendChild(M.btn('Edit', 'w', function () { M.openWindow(w.id); }));
    }
    if (w.status === 'scheduled') {
      box.appendChild(M.btn('Start', 'w', function () { L(w, 'start'); }));
      box.appendChild(M.btn('Cancel', 'w', function () { L(w, 'cancel'); }));
    }
    if (w.status === 'in_progress') {
      box.appendChild(M.btn('Complete', 'w', function () { L(w, 'complete'); }));
    }
  }

  function showWindow(id) {
    var d = $('detail-dialog'), seq = ++dt.seq;
    if (dt.id !== id || !d.open) {
      dt.id = id;
      dt.before = null;
      $('dt-h').textContent = 'Window';
      $('dt-status').textContent = '';
      $('dt-fields').textContent = '';
      $('dt-history').textContent = '';
      $('dt-actions').textContent = '';
    }
    $('dt-err').textContent = '';
    /* the address names the window; closing gives back the one before */
    if (!/^#window\//.test(location.hash)) { dt.back = location.hash || '#windows'; }
    history.replaceState(null, '', '#window/' + encodeURIComponent(id));
    if (!d.open) { d.showModal(); $('dt-close').focus(); }
    api('GET', '/v1/windows/' + encodeURIComponent(id)).then(function (r) {
      if (seq !== dt.seq) { return; }
      var w = r.body;
      dt.w = w;
      $('dt-h').textContent = w.title;
      $('dt-status').textContent = '';
      $('dt-status').appendChild(M.statusBadge(w.status));
      if (!w.enabled) { $('dt-status').appendChild(document.createTextNode(' disabled')); }
      $('dt-fields').textContent = '';
      $('dt-fields').appendChild(fields(w));
      actions(w);
      M.applyRole();
    }, function (e) {
      if (seq !== dt.seq) { return; }
      $('dt-err').textContent = e.status === 404 ? 'No such window (it may have been deleted); its history is below.'
        : 'Could not load the window: ' + e.message;
    });
    loadHistory(false);
  }

  M.showWindow = showWindow;

  /*
   * #window/<id>: app.js shows the windows under it (an unknown view); the
   * detail opens over them.  After a change made from the detail, app.js
   * reloads the windows: the detail reloads with them.
   */
  var loadWindows = M.loaders.windows;
  M.loaders.windows = function (more) {
    var m = /^#window\/(.+)$/.exec(location.hash);
    loadWindows(more);
    if (m && !more && M.state.token) { showWindow(decodeURIComponent(m[1])); }
  };

  document.addEventListener('DOMContentLoaded', function () {
    $('dt-close').addEventListener('click', function () { $('detail-dialog').close(); });
    $('dt-more').addEventListener('click', function () { loadHistory(true); });
    $('detail-dialog').addEventListener('close', function () {
      dt.seq++;
      if (/^#window\//.test(location.hash)) { history.replaceState(null, '', dt.back || '#windows'); }
    });
  });
}());
