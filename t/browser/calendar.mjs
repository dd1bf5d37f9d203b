// calendar.mjs: the browser checks of the admin page's Calendar view
// (admin-api/web/calendar.js), called by run.mjs with its helpers.  Windows
// made through the API for tomorrow and a week on, for apps of their own (so
// they overlap nothing): readable blocks in the week, chips in the month,
// Prev/Next, the now-line, a completed window at its actual times, the app
// filter, a block opening its window, no page overflow at 375 px; a
// series' occurrences, made (scheduled) within the daemon's horizon and
// planned beyond it.

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export default async function (t) {
  const { check, until, assert, api, newPage, signIn, ADMIN, TOKEN, SHOTS } = t;
  const now = Date.now();
  // A and B lie inside one day of the page's time zone (the browser's is
  // the machine's, as Node's): one block each, whatever the hour the test
  // runs at (run at 22:00, B at now + 7 days + 1 h crossed midnight and was
  // drawn twice); C starts at once and lies where it ran
  const local = (days, h, m) => {
    const d = new Date(now);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, h, m).getTime();
  };
  const A = { title: 'Calendar check: database upgrade', apps: ['cal-a'],
              starts_at: iso(local(1, 10, 0)), ends_at: iso(local(1, 10, 15)) };
  const B = { title: 'Calendar check: next week move', apps: ['cal-b'],
              starts_at: iso(local(7, 10, 0)), ends_at: iso(local(7, 12, 0)) };
  const C = { title: 'Calendar check: done early', apps: ['cal-c'],
              starts_at: iso(now + 3600e3), ends_at: iso(now + 2 * 3600e3) };
  const made = [];
  for (const w of [A, B, C]) {
    const r = await api('POST', '/v1/windows', w);
    if (r.status === 201) { w.id = r.json.id; made.push(w); }
  }
  // C starts early and completes: the calendar shows it now, not in an hour
  if (C.id) {
    let g = await api('GET', `/v1/windows/${C.id}`);
    await api('POST', `/v1/windows/${C.id}/start`, {}, TOKEN, g.etag);
    g = await api('GET', `/v1/windows/${C.id}`);
    await api('POST', `/v1/windows/${C.id}/complete`, { outcome: 'completed' }, TOKEN, g.etag);
  }

  const { page, ctx: ctx0 } = await newPage();
  const heading = () => page.locator('#cal-range').textContent();
  const blk = (p, w) => p.locator('#calendar .cal-block', { hasText: w.title });

  // weeks (or months) from the one shown by Today to the one holding ms,
  // counted in the page's time zone as calendar.js counts them
  const offset = (p, ms, unit) => p.evaluate(([ms, unit]) => {
    const d = new Date(ms), n = new Date();
    if (unit === 'month') { return (d.getFullYear() - n.getFullYear()) * 12 + d.getMonth() - n.getMonth(); }
    const mon = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate() - (x.getDay() + 6) % 7);
    return Math.round((mon(d) - mon(n)) / (7 * 86400e3));
  }, [ms, unit]);

  async function show(p, mode, ms) {
    await p.locator('#cal-' + mode).click();
    await p.locator('#cal-go-today').click();
    const n = await offset(p, ms, mode);
    for (let i = 0; i < n; i++) {
      const h = await p.locator('#cal-range').textContent();
      await p.locator('#cal-next').click();
      await until(async () => (await p.locator('#cal-range').textContent()) !== h, 'the next range');
    }
    await p.locator('#calendar[aria-busy="false"]').waitFor({ state: 'attached' });
  }

  async function open(p) {
    await signIn(p, TOKEN);
    await p.getByRole('link', { name: 'Calendar', exact: true }).click();
    await p.locator('#view-calendar').waitFor({ state: 'visible' });
  }

  await check('calendar: the windows for it were made through the API', async () => {
    assert(made.length === 3, `made ${made.length} of 3: ${made.map((w) => w.title).join(', ')}`);
  });

  await check('calendar: a 15-minute window is a readable block with its full title and times', async () => {
    await open(page);
    await show(page, 'week', Date.parse(A.starts_at));
    const b = blk(page, A);
    const box = await until(() => b.boundingBox(), 'the block drawn');
    assert(box.width >= 60 && box.height >= 30, `block ${box.width}x${box.height}`);
    const m = await b.evaluate((e) => {
      const t = e.querySelector('.cal-title').getBoundingClientRect(), r = e.getBoundingClientRect();
      return { sw: e.scrollWidth, cw: e.clientWidth, tb: t.bottom, rb: r.bottom, text: e.textContent,
               name: e.getAttribute('aria-label'), tag: e.tagName };
    });
    assert(m.tag === 'BUTTON', m.tag);
    assert(m.sw <= m.cw, `clipped across: ${m.sw} > ${m.cw}`);
    assert(m.tb <= m.rb + 1, `title cut at the bottom: ${m.tb} > ${m.rb}`);
    assert(m.text.includes(A.title) && /\d{1,2}.\d\d/.test(m.text), m.text);
    assert(m.name.startsWith(A.title + ', ') && /scheduled/.test(m.name), m.name);
    return `${Math.round(box.width)}x${Math.round(box.height)} px`;
  });

  await check('calendar: a block opens a dialog about its window (click and Enter)', async () => {
    await blk(page, A).click();
    const d = page.locator('dialog[open]');
    await until(async () => (await d.count()) === 1 && (await d.textContent()).includes(A.title),
      'a dialog naming the window');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await blk(page, A).focus();
    await page.keyboard.press('Enter');
    await until(async () => (await d.count()) === 1 && (await d.textContent()).includes(A.title),
      'a dialog at Enter');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  });

  await page.screenshot({ path: `${SHOTS}/calendar-week-1280-light.png`, fullPage: true });

  await check('calendar: the app filter narrows, and All brings them back', async () => {
    await page.locator('#cal-app').selectOption('cal-b');
    await blk(page, A).waitFor({ state: 'detached' });
    await page.locator('#cal-app').selectOption('cal-a');
    await blk(page, A).waitFor();
    await page.locator('#cal-app').selectOption('');
    await blk(page, A).waitFor();
  });

  await check('calendar: Today shows the now-line in today\'s column, and the completed window at its actual times',
    async () => {
      await page.locator('#cal-go-today').click();
      const line = page.locator('#calendar .cal-col.cal-today .cal-now');
      await line.waitFor({ state: 'attached' });
      assert((await page.locator('#calendar .cal-now').count()) === 1, 'one now-line');
      const top = await line.evaluate((e) => {
        const n = new Date();
        return { got: parseFloat(e.style.top), want: (n - new Date(n.getFullYear(), n.getMonth(), n.getDate())) / 75e3 };
      });
      assert(Math.abs(top.got - top.want) < 3, `now-line at ${top.got}px, now is ${top.want}px`);
      // C, due in an hour, ran a moment ago: named (and drawn) at its actual times
      const w = (await api('GET', `/v1/windows/${C.id}`)).json;
      const c = page.locator('#calendar .cal-block', { hasText: C.title }).first();
      await c.waitFor();
      const name = await c.getAttribute('aria-label');
      const [actual, planned] = await page.evaluate((t) => t.map((x) => new Intl.DateTimeFormat(undefined,
        { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(x))), [w.actual_start, w.starts_at]);
      assert(name.includes(actual) && !name.includes(planned) && /completed/.test(name),
        `${name} (actual start ${actual})`);
      await page.screenshot({ path: `${SHOTS}/calendar-week-today-1280-light.png`, fullPage: true });
    });

  await check('calendar: Next and Prev move the range a week; next week holds its window', async () => {
    await page.locator('#cal-go-today').click();
    const h0 = await heading();
    assert(/\d/.test(h0), 'heading ' + h0);
    await page.locator('#cal-next').click();
    await until(async () => (await heading()) !== h0, 'a new heading');
    await page.locator('#cal-prev').click();
    await until(async () => (await heading()) === h0, 'the first heading again');
    await show(page, 'week', Date.parse(B.starts_at));
    await blk(page, B).waitFor();
    return `${h0} → ${await heading()}`;
  });

  await check('calendar: the month shows the windows as chips and marks today', async () => {
    await show(page, 'month', Date.parse(B.starts_at));
    await page.locator('#calendar .cal-chip', { hasText: B.title }).waitFor();
    assert(/[A-Za-z]+ \d{4}/.test(await heading()), 'heading ' + await heading());
    await show(page, 'month', Date.now());
    await page.locator('#calendar .cal-day.cal-today [aria-current="date"]').waitFor();
    // one chip per day it covers: one past midnight has two
    const chip = page.locator('#calendar .cal-chip', { hasText: C.title }).first();
    await chip.waitFor();
    const m = await chip.evaluate((e) => ({ sw: e.scrollWidth, cw: e.clientWidth, t: e.textContent }));
    assert(m.sw <= m.cw, `chip clipped: ${m.sw} > ${m.cw}`);
    assert(/\d{1,2}.\d\d/.test(m.t), 'chip starts with its time: ' + m.t);
  });

  await check('calendar: a series shows its occurrences, made and planned beyond the horizon', async () => {
    const d = new Date(now + 86400e3);
    const day = d.toISOString().slice(0, 10);
    const r = await api('POST', '/v1/series', { title: 'Calendar check: nightly series', apps: ['cal-s'],
      recurrence: { rule: 'FREQ=DAILY;COUNT=30', start: `${day}T03:00`, time_zone: 'UTC',
                    duration_minutes: 30 } });
    assert(r.status === 201, `create: ${r.status}`);
    made.series = r.json.id;
    // the day's cell, named in the page's locale and time zone
    const chip = async (p, ms) => p.locator(`#calendar .cal-day[aria-label="${await p.evaluate((x) =>
      new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' })
        .format(new Date(x)), ms)}"] .cal-chip`, { hasText: 'Calendar check: nightly series' });
    const soon = Date.parse(`${day}T03:00:00Z`), late = soon + 20 * 86400e3;
    await show(page, 'month', soon);
    const a = await chip(page, soon);
    await a.waitFor();
    assert(/, scheduled,/.test(await a.getAttribute('aria-label')), await a.getAttribute('aria-label'));
    // its window says which series and occurrence it is
    await a.click();
    const dlg = page.locator('dialog[open]');
    await until(async () => (await dlg.count()) === 1 && (await dlg.textContent()).includes(made.series)
      && (await dlg.textContent()).includes(`the occurrence of ${day} 03:00`), 'the window naming its series');
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await show(page, 'month', late);
    const b = await chip(page, late);
    await b.waitFor();
    const name = await b.getAttribute('aria-label');
    assert(/, planned,/.test(name) && name.includes(made.series), name);
    assert(/\bcal-s-planned\b/.test(await b.getAttribute('class')), 'drawn as planned');
    return name;
  });

  await check('calendar: #timeline (the old address) opens the calendar', async () => {
    await page.goto(ADMIN + '/#timeline');
    await page.locator('#view-calendar').waitFor({ state: 'visible' });
    await until(async () => (await page.evaluate(() => location.hash)) === '#calendar', '#calendar');
  });

  await check('calendar: dark month view at 1280 px', async () => {
    const { page: p, ctx } = await newPage({ colorScheme: 'dark' });
    await open(p);
    await show(p, 'month', Date.now());
    await p.locator('#calendar .cal-chip', { hasText: C.title }).first().waitFor();
    await p.screenshot({ path: `${SHOTS}/calendar-month-1280-dark.png`, fullPage: true });
    await ctx.close();
  });

  await check('calendar: at 375 px neither view overflows the page', async () => {
    const { page: p, ctx } = await newPage({ viewport: { width: 375, height: 812 }, colorScheme: 'light' });
    await open(p);
    await show(p, 'week', Date.parse(A.starts_at));
    await blk(p, A).waitFor();
    const over = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(await over() <= 0, `week overflows by ${await over()}px`);
    const box = await blk(p, A).boundingBox();
    assert(box.width >= 60, `block ${box.width} px wide`);
    await p.screenshot({ path: `${SHOTS}/calendar-375-light.png`, fullPage: true });
    await show(p, 'month', Date.now());
    await p.locator('#calendar .cal-chip', { hasText: C.title }).first().waitFor();
    assert(await over() <= 0, `month overflows by ${await over()}px`);
    await p.screenshot({ path: `${SHOTS}/calendar-375-month-light.png`, fullPage: true });
    await ctx.close();
  });

  await ctx0.close();

  // leave no window scheduled behind for the checks after these (retried:
  // the daemon takes 16 connections per address, and the pages before
  // may still hold theirs)
  await check('calendar: its windows cancelled after', async () => {
    if (made.series) {
      const g = await api('GET', `/v1/series/${made.series}`);
      await until(async () => (await api('DELETE', `/v1/series/${made.series}`, undefined, TOKEN, g.etag))
        .status === 204, 'deleting the series');
    }
    for (const w of made) {
      const g = await until(async () => { const r = await api('GET', `/v1/windows/${w.id}`); return r.json && r; },
        'the window ' + w.id);
      if (g.json.status !== 'scheduled') { continue; }
      await until(async () => (await api('POST', `/v1/windows/${w.id}/cancel`, {}, TOKEN, g.etag)).status === 200,
        'cancelling ' + w.id);
    }
  });
}
