// detail.mjs: the browser checks of the window detail (admin-api/web/
// detail.js): a window created, edited, refused a stale edit, started early
// and completed with errors through the API; the detail shows its outcome,
// notes and actual times, and its history with actors and the edit's old
// and new title; a viewer sees it too; a phone shows it without overflow.

export default async function (t) {
  const { check, until, assert, api, newPage, signIn, ADMIN, TOKEN, VIEWER, SHOTS } = t;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const title = 'Detail database upgrade';
  const notes = 'Index rebuild failed on replica 2;\nrerun <b>tonight</b>.';
  let id = null;

  await check('detail: a window created, edited, started early and completed with errors via the API', async () => {
    const c = await api('POST', '/v1/windows', { title, apps: ['detail-app'],
      starts_at: iso(Date.now() + 3600e3), ends_at: iso(Date.now() + 7200e3), notes: 'plan: upgrade' });
    assert(c.status === 201, 'created ' + c.status + ' ' + JSON.stringify(c.json));
    id = c.json.id;
    const e = await api('PATCH', `/v1/windows/${id}`, { title: title + ' v2' }, TOKEN, c.etag);
    assert(e.status === 200, 'edited ' + e.status);
    const stale = await api('PATCH', `/v1/windows/${id}`, { title: 'stale' }, TOKEN, c.etag);
    assert(stale.status === 412, 'stale edit ' + stale.status);
    const s = await api('POST', `/v1/windows/${id}/start`, {}, TOKEN, e.etag);
    assert(s.status === 200, 'started ' + s.status);
    const d = await api('POST', `/v1/windows/${id}/complete`,
      { outcome: 'completed_with_errors', notes }, TOKEN, s.etag);
    assert(d.status === 200 && d.json.status === 'completed_with_errors', 'completed ' + d.status);
  });
  if (!id) { return; }

  const audit = await api('GET', `/v1/audit?target=${id}`);
  const actor = audit.json && audit.json.items.length ? audit.json.items[0].actor : '?';

  const dlg = (p) => p.locator('#detail-dialog');
  const head = (p) => dlg(p).locator('#dt-history > li .dt-head');

  // the history, newest first, as words
  async function history(p) {
    await until(async () => (await head(p).count()) >= 5, 'five history entries');
    return head(p).allTextContents();
  }

  const { page } = await newPage();
  await check('detail: the title in the windows table opens the detail with outcome, notes and actual times', async () => {
    await signIn(page, TOKEN);
    await page.locator('#windows-table tbody tr', { hasText: title + ' v2' })
      .getByRole('button', { name: new RegExp(title) }).click();
    await dlg(page).waitFor({ state: 'visible' });
    await until(async () => (await dlg(page).locator('#dt-h').textContent()) === title + ' v2', 'the title');
    const fields = dlg(page).locator('.dt-fields');
    await fields.waitFor();
    const outcome = await fields.locator('.dt-outcome').textContent();
    assert(outcome === 'completed with errors', 'outcome: ' + outcome);
    const text = await fields.textContent();
    const shown = await fields.locator('dd.dt-text', { hasText: 'replica 2' }).textContent();
    assert(shown === notes, 'notes shown as text, markup and line break kept: ' + JSON.stringify(shown));
    assert(await dlg(page).locator('b').count() === 0, 'notes not parsed as HTML');
    for (const name of ['Actual start', 'Actual end']) {
      const dd = await fields.locator('div', { has: page.locator('dt', { hasText: name }) }).locator('dd').textContent();
      assert(/early; scheduled/.test(dd), `${name} marked early: ${dd}`);
    }
    assert(/Created.* by /.test(text) && /Updated.* by /.test(text), 'created and updated by: ' + text);
    assert(new URL(page.url()).hash === '#window/' + id, 'the address names it: ' + page.url());
  });

  await check('detail: the history lists create, edit (old and new title), a rejected edit, start, complete, with actors', async () => {
    const h = await history(page);
    const want = [/completed/, /tried to edit.*rejected 412/, /started early/, /edited/, /created/];
    assert(h.length === 5, 'entries: ' + JSON.stringify(h));
    want.forEach((re, i) => {
      assert(re.test(h[i]) && h[i].includes(actor), `entry ${i}: ${h[i]} (want ${re}, actor ${actor})`);
    });
    const items = dlg(page).locator('#dt-history > li');
    assert(await items.nth(1).getAttribute('class') === 'dt-rej', 'the rejected one is marked');
    const edit = items.nth(3);
    assert(await edit.locator('del').textContent() === title, 'old title');
    assert(await edit.locator('ins').textContent() === title + ' v2', 'new title');
    assert(await edit.locator('.dt-changes > div').count() === 1, 'only the title changed');
    const done = await items.nth(0).textContent();
    assert(/completed with errors/.test(done) && done.includes('replica 2'), 'completion entry: ' + done);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `${SHOTS}/window-detail-1280-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await check('detail: Close gives the windows view its address back', async () => {
    await dlg(page).getByRole('button', { name: 'Close' }).click();
    await dlg(page).waitFor({ state: 'hidden' });
    assert(new URL(page.url()).hash === '#windows', page.url());
  });

  await check('detail: a viewer token opens it by its address, #window/<id>', async () => {
    const { ctx, page: p } = await newPage();
    try {
      await signIn(p, VIEWER);
      await p.goto(ADMIN + '/#window/' + id);
      await dlg(p).waitFor({ state: 'visible' });
      const h = await history(p);
      assert(/completed/.test(h[0]) && /created/.test(h[4]), JSON.stringify(h));
      const outcome = await dlg(p).locator('.dt-outcome').textContent();
      assert(outcome === 'completed with errors', outcome);
    } finally { await ctx.close(); }
  });

  await check('detail: at 375px wide the detail stacks, no horizontal overflow', async () => {
    const { ctx, page: p } = await newPage({ viewport: { width: 375, height: 812 }, colorScheme: 'light' });
    try {
      await signIn(p, TOKEN);
      await p.goto(ADMIN + '/#window/' + id);
      await dlg(p).waitFor({ state: 'visible' });
      await history(p);
      const m = await p.evaluate(() => {
        const d = document.getElementById('detail-dialog');
        const dt = d.querySelector('.dt-fields dt'), dd = d.querySelector('.dt-fields dd');
        return { page: document.documentElement.scrollWidth, dialog: d.scrollWidth - d.clientWidth,
                 right: d.getBoundingClientRect().right,
                 stacked: dd.getBoundingClientRect().top >= dt.getBoundingClientRect().bottom - 1 };
      });
      await p.screenshot({ path: `${SHOTS}/window-detail-375-light.png` });
      assert(m.page <= 375 && m.dialog <= 0 && m.right <= 375, JSON.stringify(m));
      assert(m.stacked, 'the definition list stacks: ' + JSON.stringify(m));
    } finally { await ctx.close(); }
  });
}
