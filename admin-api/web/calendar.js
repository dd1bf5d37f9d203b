/*
 * calendar.js: the admin page's Calendar view, on top of app.js (through
 * window.MaintAdmin): a week (7 day columns by hour, each window a block
 * placed by its times) or a month (a grid of days, a chip per window and
 * day), weeks from Monday, in the browser's time zone; one app or all (a
 * "*" window shows for every app); colours by status with a legend; the
 * current time marked, moved each minute.  A block opens the window: its
 * detail view when one is registered (MaintAdmin.showWindow), else the
 * edit dialog.  A series' occurrences beyond the daemon's horizon, which
 * have no window yet, show as "planned" (dashed, opening nothing): a
 * recurring window is seen as far ahead as one looks.  As in app.js, text
 * from the API is set with textContent.
 */
'use strict';

(function () {
  var M = window.MaintAdmin, $ = M.$, el = M.el, api = M.api, when = M.when;
  var DAY = 86400e3, HOUR = 48;            /* px per hour in the week view */
  var MIN_PX = 40;                         /* a block's least height: two lines */
  var LANE_PX = 72;                        /* a block's least width */
  var STATUSES = ['planned', 'scheduled', 'in_progress', 'completed', 'completed_with_errors', 'failed',
                  'cancelled'];
  var SERIES_NEXT = 100;                   /* occurrences asked of each series */
  var cal = { mode: 'week', anchor: startOfDay(new Date()), apps: {}, items: [], timer: null, seq: 0 };
  var hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  var hour = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
  var dayHead = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
  var dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
  var rangeFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  var monthFmt = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

  function words(s) { return s.replace(/_/g, ' '); }
  function iso(ms) { return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'); }
  function startOfDay(d) { return new Date(d.getFullYear(), d.getMonth(), d.getDate()); }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  function monday(d) { return addDays(startOfDay(d), -((d.getDay() + 6) % 7)); }
  function sameDay(a, b) { return a.getTime() === startOfDay(b).getTime(); }

  /* the range shown: [from, to) as local midnights; a month's grid is whole weeks */
  function range() {
    if (cal.mode === 'week') {
      var m = monday(cal.anchor);
      return { from: m, to: addDays(m, 7), first: m, days: 7 };
    }
    var f = new Date(cal.anchor.getFullYear(), cal.anchor.getMonth(), 1);
    var l = new Date(cal.anchor.getFullYear(), cal.anchor.getMonth() + 1, 1);
    var gf = monday(f), gl = monday(addDays(l, 6));
    return { from: f, to: l, first: gf, days: Math.round((gl - gf) / DAY) };
  }

  function heading(r) {
    if (cal.mode === 'month') { return monthFmt.format(r.from); }
    var last = addDays(r.to, -1);
    return rangeFmt.formatRange ? rangeFmt.formatRange(r.from, last)
      : rangeFmt.format(r.from) + ' – ' + rangeFmt.format(last);
  }

  /*
   * When a window held (or holds) its apps: the actual times when there are
   * some; a running window past its end (held until completed) until now.
   */
  function span(w) {
    var s = Date.parse(w.actual_start || w.starts_at), e = Date.parse(w.actual_end || w.ends_at);
    if (w.status === 'in_progress' && !w.actual_end && e < Date.now()) { e = Date.now(); }
    return { s: s, e: Math.max(e, s + 60e3) };
  }

  /*
   * "12:17 – 12:32 AM": the shortest the locale writes a time range on one
   * day (across days, formatRange() would add both dates)
   */
  function times(sp) {
    var a = new Date(sp.s), b = new Date(sp.e);
    return hm.formatRange && sameDay(startOfDay(a), b) ? hm.formatRange(a, b)
      : hm.format(a) + ' – ' + hm.format(b);
  }

  function shown(w) {
    var app = $('cal-app').value;
    return !app || w.apps.indexOf(app) >= 0 || w.apps.indexOf('*') >= 0;
  }

  function label(w, sp) {
    return w.title + ', ' + when(sp.s) + ' – ' + when(sp.e) + ', ' + words(w.status)
      + (w.enabled ? '' : ', disabled') + (w.apps.length ? ', apps ' + w.apps.join(' ') : '')
      + (w.series ? ', series ' + w.series : '');
  }

  function open(w) {
    if (w.status === 'planned') { return; }     /* no window yet */
    if (typeof M.showWindow === 'function') { M.showWindow(w.id); }
    else { M.openWindow(w.id); }
  }

  function block(w, sp, cls, text) {
    var b = el('button', { type: 'button', class: cls + ' cal-s-' + w.status + (w.enabled ? '' : ' cal-off'),
                           'aria-label': label(w, sp), title: label(w, sp), 'data-id': w.id,
                           onclick: function () { open(w); } }, text);
    return b;
  }

  /* --- the week ------------------------------------------------------------ */

  /*
   * Side by side where blocks meet, each in the first lane free at its
   * start, as many lanes as the column has room for readable blocks
   * (LANE_PX each); past that, a block goes under the one in the lane that
   * frees first, below its time (it says its time).  The extent counted is
   * the one drawn: a short window is drawn as high as its text.
   */
  function lanes(segs, max) {
    var group = [], bottoms = [], gEnd = -1;
    function close() {
      group.forEach(function (g) { g.lanes = bottoms.length; });
      group = [];
      bottoms = [];
    }
    segs.forEach(function (g) { g.top = Math.max(0, Math.min(g.top0, 24 * HOUR - g.h)); });
    segs.sort(function (a, b) { return a.top - b.top || b.h - a.h; }).forEach(function (g) {
      if (group.length && g.top >= gEnd) { close(); }
      var i = 0;
      while (i < bottoms.length && bottoms[i] > g.top) { i++; }
      if (i === bottoms.length && i >= max) {
        i = bottoms.indexOf(Math.min.apply(null, bottoms));
      }
      g.lane = i;
      g.y = Math.max(g.top, bottoms[i] || 0);
      bottoms[i] = g.y + g.h;
      group.push(g);
      gEnd = Math.max(gEnd, g.y + g.h);
    });
    if (group.length) { close(); }
  }

  /* the blocks where lanes() put them, at least as high as their length */
  function place(segs, width) {
    lanes(segs, Math.max(1, Math.floor(width / LANE_PX)));
    segs.forEach(function (g) {
      g.b.style.top = g.y + 'px';
      g.b.style.setProperty('--h', g.min + 'px');
      g.b.style.left = 'calc(' + (100 * g.lane / g.lanes) + '% + 2px)';
      g.b.style.width = 'calc(' + (100 / g.lanes) + '% - 4px)';
    });
  }

  function week(r, items, box) {
    var now = new Date(), cols = [], all = [], first = null;
    var grid = el('div', { class: 'cal-week' });
    grid.appendChild(el('div', { class: 'cal-corner', 'aria-hidden': 'true' }));
    for (var d = 0; d < 7; d++) {
      var day = addDays(r.first, d);
      grid.appendChild(el('div', { class: 'cal-dayhead' + (sameDay(day, now) ? ' cal-today' : '') },
                          [el('span', { class: 'sr', text: dayLong.format(day) }),
                           el('span', { 'aria-hidden': 'true', text: dayHead.format(day) })]));
    }
    var gutter = el('div', { class: 'cal-gutter', 'aria-hidden': 'true' });
    for (var h = 1; h < 24; h++) {
      var t = el('span', { text: hour.format(new Date(2000, 0, 1, h)) });
      t.style.top = (h * HOUR) + 'px';
      gutter.appendChild(t);
    }
    gutter.style.height = (24 * HOUR) + 'px';
    grid.appendChild(gutter);
    for (d = 0; d < 7; d++) {
      var day0 = addDays(r.first, d), day1 = addDays(r.first, d + 1);
      var col = el('div', { class: 'cal-col' + (sameDay(day0, now) ? ' cal-today' : ''), role: 'group',
                            'aria-label': dayLong.format(day0) });
      col.style.height = (24 * HOUR) + 'px';
      var segs = [];
      items.forEach(function (w) {
        var sp = span(w), s = Math.max(sp.s, day0.getTime()), e = Math.min(sp.e, day1.getTime());
        if (e <= s) { return; }
        var top = (s - day0) / 3600e3 * HOUR;
        var h = Math.max(MIN_PX, (e - s) / 3600e3 * HOUR);
        segs.push({ w: w, sp: sp, top0: top, h: h, min: h, col: d });
      });
      segs.forEach(function (g) {
        g.b = block(g.w, g.sp, 'cal-block', [el('span', { class: 'cal-title', text: g.w.title }),
          el('span', { class: 'cal-time', text: times(g.sp) })]);
        col.appendChild(g.b);
      });
      place(segs, 2 * LANE_PX);
      all = all.concat(segs);
      cols.push(col);
      grid.appendChild(col);
    }
    var scroller = el('div', { class: 'cal-scroll', tabindex: '0', 'aria-label': 'Week, by hour' }, [grid]);
    box.appendChild(scroller);
    /* laid out: again with the heights the blocks took at their widths */
    for (var pass = 0; pass < 2; pass++) {
      cols.forEach(function (c, i) {
        var segs = all.filter(function (g) { return g.col === i; });
        segs.forEach(function (g) { g.h = Math.max(g.h, g.b.offsetHeight); });
        place(segs, c.clientWidth);
      });
    }
    all.forEach(function (g) { first = first === null ? g.y : Math.min(first, g.y); });
    cal.cols = cols;
    nowLine();
    /* the morning, or the first window, or now: whichever comes first */
    var inWeek = now >= r.from && now < r.to;
    var y = Math.min(7 * HOUR, first === null ? 7 * HOUR : first,
                     inWeek ? (now - startOfDay(now)) / 3600e3 * HOUR : 24 * HOUR);
    scroller.scrollTop = Math.max(0, y - HOUR / 2);
  }

  /* the current time, in this week's column for today; moved each minute */
  function nowLine() {
    var now = new Date(), old = document.querySelector('#calendar .cal-now');
    if (old) { old.parentNode.removeChild(old); }
    if (cal.mode !== 'week' || !cal.cols) { return; }
    cal.cols.forEach(function (c) {
      if (!c.classList.contains('cal-today')) { return; }
      var line = el('div', { class: 'cal-now', 'aria-hidden': 'true', title: 'Now' });
      line.style.top = ((now - startOfDay(now)) / 3600e3 * HOUR) + 'px';
      c.appendChild(line);
    });
  }

  /* --- the month ----------------------------------------------------------- */

  function month(r, items, box) {
    var now = new Date(), grid = el('div', { class: 'cal-month' });
    for (var i = 0; i < 7; i++) {
      grid.appendChild(el('div', { class: 'cal-wd', 'aria-hidden': 'true',
        text: new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(addDays(r.first, i)) }));
    }
    for (i = 0; i < r.days; i++) {
      var day0 = addDays(r.first, i), day1 = addDays(r.first, i + 1);
      var out = day0 < r.from || day0 >= r.to, today = sameDay(day0, now);
      var list = el('ul', { class: 'cal-chips' });
      items.forEach(function (w) {
        var sp = span(w);
        if (sp.e <= day0.getTime() || sp.s >= day1.getTime()) { return; }
        var start = sp.s >= day0.getTime();
        list.appendChild(el('li', {}, [block(w, sp, 'cal-chip', [
          el('span', { class: 'cal-time', text: start ? hm.format(new Date(sp.s)) : '→' }), ' ',
          el('span', { class: 'cal-title', text: w.title })])]));
      });
      var cell = el('div', { class: 'cal-day' + (out ? ' cal-out' : '') + (today ? ' cal-today' : '')
                              + (list.children.length ? '' : ' cal-none'),
                              role: 'group', 'aria-label': dayLong.format(day0) }, [
        el('div', { class: 'cal-date', 'aria-current': today ? 'date' : null }, [
          el('span', { class: 'cal-dnum', text: String(day0.getDate()) }),
          el('span', { class: 'cal-dname', text: dayLong.format(day0) })]),
        list.children.length ? list : null]);
      grid.appendChild(cell);
    }
    box.appendChild(grid);
    cal.cols = null;
  }

  /* --- loading -------------------------------------------------------------- */

  /*
   * The API filters on the scheduled times; a window started early or held
   * past its end is found by asking a week wider on each side, then placed
   * by its actual times.
   */
  function fetchAll(from, to) {
    var items = [];
    function page(cursor, n) {
      var q = '/v1/windows?limit=500&from=' + encodeURIComponent(iso(from)) + '&to=' + encodeURIComponent(iso(to))
        + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      return api('GET', q).then(function (r) {
        items = items.concat(r.body.items || []);
        return r.body.next_cursor && n < 10 ? page(r.body.next_cursor, n + 1) : items;
      });
    }
    return page(null, 1);
  }

  /* the series' planned occurrences in [from, to), as window-like items */
  function fetchPlanned(from, to) {
    return api('GET', '/v1/series?next=' + SERIES_NEXT).then(function (r) {
      var items = [];
      (r.body.items || []).forEach(function (s) {
        var w = s.window || {};
        (s.next || []).forEach(function (o) {
          var a = Date.parse(o.starts_at), b = Date.parse(o.ends_at);
          if (o.status !== 'planned' || b <= from.getTime() || a >= to.getTime()) { return; }
          items.push({ id: o.window, title: w.title || s.id, apps: w.apps || [], starts_at: o.starts_at,
                       ends_at: o.ends_at, status: 'planned', enabled: w.enabled !== false, series: s.id });
        });
      });
      return items;
    });
  }

  function appOptions() {
    var sel = $('cal-app'), cur = sel.value;
    var names = Object.keys(cal.apps).sort();
    if (cur && names.indexOf(cur) < 0) { names.push(cur); }
    sel.textContent = '';
    sel.appendChild(el('option', { value: '', text: 'All apps' }));
    names.forEach(function (a) { sel.appendChild(el('option', { value: a, text: a })); });
    sel.value = cur;
  }

  function draw() {
    var r = range(), box = $('calendar');
    var items = cal.items.filter(function (w) {
      var sp = span(w);
      return shown(w) && sp.e > r.first.getTime() && sp.s < addDays(r.first, r.days).getTime();
    });
    items.sort(function (a, b) { return span(a).s - span(b).s; });
    box.textContent = '';
    cal.day = startOfDay(new Date()).getTime();
    (cal.mode === 'week' ? week : month)(r, items, box);
    $('cal-empty').hidden = items.length > 0;
  }

  function load() {
    var r = range(), seq = ++cal.seq;
    $('calendar').setAttribute('aria-busy', 'true');
    $('cal-range').textContent = heading(r);
    $('cal-week').setAttribute('aria-pressed', String(cal.mode === 'week'));
    $('cal-month').setAttribute('aria-pressed', String(cal.mode === 'month'));
    var from = new Date(r.first.getTime() - 7 * DAY), to = new Date(addDays(r.first, r.days).getTime() + 7 * DAY);
    Promise.all([fetchAll(from, to), fetchPlanned(from, to)])
      .then(function (got) {
        var items = got[0].concat(got[1]);
        if (seq !== cal.seq) { return; }        /* a later range was asked for */
        cal.items = items;
        items.forEach(function (w) { w.apps.forEach(function (a) { if (a !== '*') { cal.apps[a] = 1; } }); });
        appOptions();
        draw();
        $('calendar').setAttribute('aria-busy', 'false');
      }, M.failed);
  }

  M.loaders.calendar = function () {
    load();
    clearInterval(cal.timer);
    cal.timer = setInterval(function () {
      if ($('view-calendar').hidden) { clearInterval(cal.timer); return; }
      /* past midnight, today is another cell */
      if (startOfDay(new Date()).getTime() !== cal.day) { draw(); } else { nowLine(); }
    }, 60e3);
  };

  function move(n) {
    cal.anchor = cal.mode === 'week' ? addDays(cal.anchor, 7 * n)
      : new Date(cal.anchor.getFullYear(), cal.anchor.getMonth() + n, 1);
    load();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var legend = $('cal-legend');
    STATUSES.forEach(function (s) {
      legend.appendChild(el('li', {}, [el('span', { class: 'cal-swatch cal-s-' + s, 'aria-hidden': 'true' }),
                                       words(s)]));
    });
    $('cal-prev').addEventListener('click', function () { move(-1); });
    $('cal-next').addEventListener('click', function () { move(1); });
    $('cal-go-today').addEventListener('click', function () { cal.anchor = startOfDay(new Date()); load(); });
    $('cal-week').addEventListener('click', function () { cal.mode = 'week'; load(); });
    $('cal-month').addEventListener('click', function () { cal.mode = 'month'; load(); });
    $('cal-app').addEventListener('change', draw);
  });
}());
