// sessions.mjs: browser checks of the Sessions view (the list's user agent,
// superadmin mark, first and last seen; "Find my session" by a pasted
// cookie value, hashed in the page) and of the settings form's layout, at
// 1280 and 375 px, light and dark.  Called by run.mjs (SUITES) with its
// helpers.

// Session ids as the edge's C code computes them: maint_session_id() and
// maint_cookie_value_ok() of core/ (build/libmaint_core.a), run on each
// value by a throwaway driver when this file was written; "abc" and the
// encoded forms are also tests/test_session.c's.  The page must agree.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const C_IDS = [
  // value, maint_cookie_value_ok, maint_session_id (null: none)
  ['abc', true, ABC],
  ['"abc"', true, ABC],
  ['%2561bc', true, ABC],                 // encoded twice
  ['%25252561bc', true, ABC],             // four times: still settles
  ['%2525252561bc', true, null],          // five times: no session
  ['a%zz', true, '6bafd76b21c77b943389549c71ff78e4dce3e94b3559ee5a21fdb6a54ff980d9'],
  ['"', false, EMPTY],
  ['""', false, EMPTY],
  ['"""', false, '8a331fdde7032f33a71e1b2e257d80166e348e00fcb17914f48bdb57a1c63007'],
  ['a%2', true, 'bc99e1dbf22af82b983d1e363e6b10333018a65c8d45ef29d3a6ba16cb192900'],
  ['%', true, 'bbf3f11cb5b43e700273a78d12de55e4a7eab741ed2abf13787a4d2dc832b8ec'],
  ['%%41', true, 'f3a4cc1e14ca26b58da6fd2e8f3a6c0124151c4716107938ef80deef0bd2a26d'],
  ['%41%', true, '531e8197bad1378ec4b53acc1f01d83e76e190fd009fb71b5ae3a831d2b3b2c4'],
  ['a+b', true, '300273daf0bb57c239f83585d71ced54ce6b3b5fb81615abbeeb3f9cf5fae92f'],
  ['"a"b"', false, '39a012772dd5c3accbc56923093422896d41ac882e3cd66914bc584c7aac966f'],
  ['%2522abc%2522', true, '6cc43f858fbb763301637b5af970e2a46b46f461f27e5a0f41e009c59b827b25'],
];

export default async function (t) {
  const { check, until, assert, newPage, signIn, GW, TOKEN, APP, SHOTS } = t;

  // a user of the app, through the gateway, and the value of its cookie
  const { ctx: userCtx, page: user } = await newPage();
  let cookie = '';
  await check('sessions: a user signs in through the gateway (the session to find)', async () => {
    await user.goto(GW + '/login');
    await user.getByLabel('User name').fill('findme');
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByText('Signed in as').waitFor();
    cookie = ((await userCtx.cookies()).find((c) => c.name === 'sid') || {}).value || '';
    assert(/^[A-Za-z0-9]+$/.test(cookie), 'the app set its sid cookie');
  });

  const { ctx: adminCtx, page } = await newPage();
  const sent = [];
  page.on('request', (r) => sent.push(r.url() + ' ' + (r.postData() || '') + ' '
                                      + JSON.stringify(r.headers())));
  await signIn(page, TOKEN);
  const rowOf = (text) => page.locator('#sessions-table tbody tr', { hasText: text });

  await check('sessions: listed with a short user agent, first and last seen, address', async () => {
    await page.getByRole('link', { name: 'Sessions' }).click();
    await until(async () => {
      await page.locator('#sf-app').fill(APP);
      await page.locator('#sf-app').press('Enter');
      return (await rowOf('findme').count()) > 0;
    }, 'the session in the list');
    const r = rowOf('findme');
    const ua = await r.locator('td.ua').getAttribute('title');
    const short = (await r.locator('.ua-short').textContent()).trim();
    assert(/Chrome/.test(ua), 'full user agent in the title: ' + ua);
    assert(/^(Headless )?Chrome \d+ on Linux$/.test(short), 'short user agent: ' + short);
    const times = r.locator('time');
    assert((await times.count()) === 2, 'first and last seen');
    for (let i = 0; i < 2; i++) {
      const text = await times.nth(i).textContent();
      const title = await times.nth(i).getAttribute('title');
      assert(/just now|min ago/.test(text), 'relative time: ' + text);
      assert(/\d/.test(title), 'absolute time in the title: ' + title);
    }
    assert(/127\.0\.0\.1/.test(await r.textContent()), 'the address');
    // every cell names its column, for the phone layout
    assert((await r.locator('td[data-label="Browser"]').count()) === 1, 'data-label');
    return short;
  });

  await check('sessions: a session with no user header says so; a superadmin\'s is marked', async () => {
    // kinds the test app does not make: the list as the API would answer it
    const { ctx, page: p } = await newPage();
    const iso = (ago) => new Date(Date.now() - ago).toISOString().replace(/\.\d+Z$/, 'Z');
    const items = [
      { id: 'a'.repeat(64), app: APP, user: null, superadmin: 'alice', addr: '198.51.100.7',
        user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
        first_seen: iso(3 * 3600e3 + 5e3), last_seen: iso(185e3), kept_at: null, status: 'active', ended_by: null },
      { id: 'b'.repeat(64), app: APP, user: null, superadmin: null, addr: '2001:db8::7',
        user_agent: 'curl/8.5.0', first_seen: null, last_seen: iso(2 * 86400e3 + 5e3),
        kept_at: null, status: 'ended', ended_by: 'revoked' },
    ];
    try {
      await p.route(/\/v1\/sessions\?/, (r) => r.fulfill({ status: 200, contentType: 'application/json',
        body: JSON.stringify({ items, next_cursor: null }) }));
      await signIn(p, TOKEN);
      await p.getByRole('link', { name: 'Sessions' }).click();
      const sa = p.locator(`#sessions-table tr[data-id="${'a'.repeat(64)}"]`);
      const anon = p.locator(`#sessions-table tr[data-id="${'b'.repeat(64)}"]`);
      await sa.waitFor();
      assert((await sa.locator('.badge.sa').textContent()) === 'superadmin: alice', 'the superadmin mark');
      assert((await sa.locator('.user').textContent()) === '(no user header)', 'no user header');
      assert((await sa.locator('.ua-short').textContent()) === 'Firefox 128 on Windows', 'Firefox on Windows');
      const times = await sa.locator('time').allTextContents();
      assert(times.join('|') === '3 h ago|3 min ago', times.join('|'));
      assert((await anon.locator('.ua-short').textContent()) === 'curl 8.5.0', 'curl');
      assert(/not seen created/.test(await anon.textContent()), 'no first_seen');
      assert(/2 days ago/.test(await anon.textContent()), 'days');
      assert((await anon.locator('.badge').count()) === 0, 'no superadmin mark');
      assert((await anon.getByRole('button', { name: /^End/ }).count()) === 0, 'an ended one has no End');
      await p.screenshot({ path: `${SHOTS}/sessions-kinds-1280-light.png` });
    } finally {
      await ctx.close();
    }
  });

  await check('sessions: the page computes session ids as the edge\'s C code does', async () => {
    const got = await page.evaluate(async (vals) => {
      const out = [];
      for (const v of vals) { out.push(await window.MaintAdmin.sessionId(v)); }
      return out;
    }, C_IDS.map((c) => c[0]));
    C_IDS.forEach(([v, ok, id], i) => {
      assert(got[i].ok === ok && got[i].id === id,
             `${JSON.stringify(v)}: page ${JSON.stringify(got[i])}, C ${ok} ${id}`);
    });
    return `${C_IDS.length} values`;
  });

  await check('sessions: finding by the pasted cookie value highlights the session and ticks Mine', async () => {
    await page.locator('#sf-app').fill(APP);
    await page.locator('#sf-app').press('Enter');
    // the value as the edge registered it, quoted, and encoded twice over:
    // one session (the edge's C code computed its id from the plain value)
    const twice = '%25' + cookie.charCodeAt(0).toString(16) + cookie.slice(1);
    for (const v of [cookie, `"${cookie}"`, twice]) {
      await page.locator('#s-find-clear').click();
      await page.locator('#sessions-table tr.found').waitFor({ state: 'detached' });
      await page.getByLabel('Find my session by its cookie value').fill(v);
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await page.locator('#s-find-result', { hasText: 'Found' }).waitFor();
      const tr = page.locator('#sessions-table tr.found');
      await tr.waitFor();
      assert(/findme/.test(await tr.textContent()), v + ': the highlighted row is findme\'s');
      assert(await tr.locator('input.mine').isChecked(), 'ticked as Mine');
      assert((await page.locator('#s-cookie').inputValue()) === '', 'the field is emptied');
    }
    assert(!sent.some((s) => s.includes(cookie.slice(1))), 'the cookie value was sent in a request');
    await page.screenshot({ path: `${SHOTS}/sessions-1280-light.png`, fullPage: true });
    const fits = await page.evaluate(() => {
      const s = document.querySelector('#sessions-table').parentNode;
      return s.scrollWidth <= s.clientWidth;
    });
    assert(fits, 'the table fits 1280 px');
  });

  await check('sessions: an unknown or malformed value says so', async () => {
    await page.getByLabel('Find my session by its cookie value').fill('no-such-session-value');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.locator('#s-find-result', { hasText: 'No session with this cookie value is known' }).waitFor();
    await page.getByLabel('Find my session by its cookie value').fill('a b;c');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.locator('#s-find-result', { hasText: 'not a cookie value' }).waitFor();
    await page.getByLabel('Find my session by its cookie value').fill('%2525252561bc');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.locator('#s-find-result', { hasText: 'more than four times' }).waitFor();
  });

  await check('sessions: without crypto.subtle (no secure context) the page says to use https', async () => {
    const { ctx, page: p } = await newPage();
    try {
      await signIn(p, TOKEN);
      await p.evaluate(() => Object.defineProperty(window.crypto, 'subtle', { value: undefined }));
      await p.getByRole('link', { name: 'Sessions' }).click();
      await p.getByLabel('Find my session by its cookie value').fill(cookie);
      await p.getByRole('button', { name: 'Find', exact: true }).click();
      await p.locator('#s-find-result', { hasText: 'https' }).waitFor();
      assert((await p.locator('#s-cookie').inputValue()) === '', 'the field is emptied');
    } finally {
      await ctx.close();      // the daemon limits connections per client
    }
  });

  await check('sessions: on a 375 px phone, dark, the rows stack and nothing overflows', async () => {
    const { ctx, page: p } = await newPage({ viewport: { width: 375, height: 812 }, colorScheme: 'dark' });
    try {
      await signIn(p, TOKEN);
      await p.getByRole('link', { name: 'Sessions' }).click();
      await p.locator('#sessions-table tbody tr', { hasText: 'findme' }).waitFor();
      const r = p.locator('#sessions-table tbody tr', { hasText: 'findme' });
      assert(await r.locator('.ua-full').isVisible(), 'the full user agent on a phone');
      const w = await p.evaluate(() => document.documentElement.scrollWidth);
      await p.screenshot({ path: `${SHOTS}/sessions-375-dark.png`, fullPage: true });
      assert(w <= 375, 'page width ' + w);
    } finally {
      await ctx.close();
    }
  });

  await adminCtx.close();     // the daemon limits connections per client
  await userCtx.close();

  await check('settings: grouped fields with legends, at 1280 px light and dark and 375 px', async () => {
    for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [375, 'light']]) {
      const { ctx, page: p } = await newPage({ viewport: { width, height: width > 400 ? 900 : 812 },
                                               colorScheme: scheme });
      try {
        await signIn(p, TOKEN);
        await p.getByRole('link', { name: 'Settings' }).click();
        await p.locator('#settings-meta').filter({ hasText: /./ }).waitFor();
        const legends = await p.locator('#settings-form fieldset.group > legend').allTextContents();
        assert(legends.join('|') === 'Pages and notices|Sessions|Notifications', legends.join('|'));
        const m = await p.evaluate(() => ({
          num: document.getElementById('st-session_idle_minutes').getBoundingClientRect().width,
          text: document.getElementById('st-login_message').getBoundingClientRect().width,
          page: document.documentElement.scrollWidth,
        }));
        assert(m.num < 160 && m.text > 2 * m.num, `a number field narrow, a text wide: ${m.num} ${m.text}`);
        assert(m.page <= width, 'page width ' + m.page);
        await p.screenshot({ path: `${SHOTS}/settings-${width}-${scheme}.png`, fullPage: true });
      } finally {
        await ctx.close();
      }
    }
  });
}
