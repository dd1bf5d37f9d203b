// edge.mjs: what users see at the edge beyond the maintenance page, in
// Chromium: the read-only window's banner on the pages that still pass,
// the one-time notice after a logoff, and the sign-in form keeping the name
// after a refusal.  Called from run.mjs (SUITES) with its helpers.

export default async function edge(t) {
  const { check, until, assert, api, newPage, GW, APP, SHOTS } = t;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

  // --- a read-only window: the banner on the app's pages ----------------------
  const ro = await api('POST', '/v1/windows', { title: 'Database move', apps: [APP], mode: 'read_only',
    starts_at: 'now', ends_at: iso(Date.now() + 3600e3), show_login_message: true,
    login_message: 'Orders can be viewed but not changed while we move the database.' });

  for (const [width, scheme] of [[1280, 'light'], [375, 'dark']]) {
    await check(`read-only window: the app's page carries the banner (${width} px, ${scheme})`, async () => {
      assert(ro.status === 201, 'window created: ' + ro.status + ' ' + JSON.stringify(ro.json));
      const { page: p } = await newPage({ viewport: { width, height: width > 400 ? 800 : 812 }, colorScheme: scheme });
      const banner = p.locator('[data-maint-notice^="read-only:"]');
      await until(async () => {
        await p.goto(GW + '/login');
        return (await banner.count()) === 1;
      }, 'the read-only banner');
      const text = (await banner.textContent()).replace(/\s+/g, ' ');
      assert(/read-only during maintenance/.test(text), 'says what is closed: ' + text);
      assert(/Orders can be viewed but not changed/.test(text), 'the window\'s message: ' + text);
      assert(/Started/.test(text) && /Expected back/.test(text), 'start and expected end: ' + text);
      // the script shows the times in the reader's zone (no "UTC" left)
      assert(!/UTC/.test(text), 'times localised by the script: ' + text);
      // the app's page is still there under it, and nothing overflows
      assert(await p.getByRole('button', { name: 'Sign in' }).isVisible(), 'the app\'s form under the banner');
      const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(over <= 0, `overflows by ${over}px`);
      await p.screenshot({ path: `${SHOTS}/banner-read-only-${width}-${scheme}.png`, fullPage: true });
      // dismissed: gone for the rest of the browser session
      await banner.getByRole('button').click();
      assert((await banner.count()) === 0, 'dismiss removes it');
      await p.reload();
      assert((await banner.count()) === 0, 'and it stays dismissed on the next page');
    });
  }

  if (ro.status === 201) {
    const got = await api('GET', `/v1/windows/${ro.json.id}`);
    await api('POST', `/v1/windows/${ro.json.id}/complete`, {}, undefined, got.etag);
  }

  // --- a logoff is explained once ------------------------------------------------
  await check('a user logged off by an admin is told why, once, on the app\'s next page', async () => {
    const { page: u } = await newPage();
    await until(async () => {
      await u.goto(GW + '/login');
      return (await u.locator('[data-maint-notice^="read-only:"]').count()) === 0;
    }, 'the read-only window over');
    await u.getByLabel('User name').fill('noticeuser');
    await u.getByRole('button', { name: 'Sign in' }).click();
    await u.getByText('Signed in as').waitFor();
    const list = await until(async () => {
      const r = await api('GET', `/v1/sessions?app=${APP}&limit=500`);
      const s = (r.json && r.json.items || []).find((x) => x.user === 'noticeuser' && x.status === 'active');
      return s || false;
    }, 'the session registered');
    const del = await api('DELETE', `/v1/sessions/${list.id}`);
    assert(del.status === 200 || del.status === 204, 'ended: ' + del.status);
    const notice = u.locator('[data-maint-notice]', { hasText: 'ended by an administrator' });
    await until(async () => {
      await u.goto(GW + '/customers');
      return /\/login$/.test(u.url()) && (await notice.count()) === 1;
    }, 'the login page with the notice');
    await u.screenshot({ path: `${SHOTS}/session-ended-notice.png`, fullPage: true });
    const cookies = (await u.context().cookies()).map((c) => c.name);
    assert(!cookies.includes('maint_notice'), 'the page that told expired the notice cookie: ' + cookies.join(','));
    await u.reload();
    assert((await notice.count()) === 0, 'once: the next page is the app\'s own');
  });

  // --- the sign-in keeps the name after a wrong credential -------------------------
  await check('sign-in: a wrong credential keeps the name typed, and the fields suit a password manager', async () => {
    const w = await api('POST', '/v1/windows', { title: 'Sign-in check', apps: [APP],
      starts_at: 'now', ends_at: iso(Date.now() + 600e3) });
    assert(w.status === 201, 'window: ' + w.status);
    try {
      const { page: p } = await newPage();
      await until(async () => (await p.goto(GW + '/customers?forceLogin=true')).status() === 200, 'the sign-in page');
      await p.getByLabel('Superadmin name').fill('alice');
      await p.getByLabel('Credential').fill('not-the-credential');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByText('do not match').waitFor();
      assert(await p.getByLabel('Superadmin name').inputValue() === 'alice', 'the name stays');
      assert(await p.getByLabel('Credential').inputValue() === '', 'the credential does not');
      assert(await p.getByLabel('Superadmin name').getAttribute('autocomplete') === 'username', 'username');
      assert(await p.getByLabel('Credential').getAttribute('autocomplete') === 'current-password', 'current-password');
    } finally {
      const got = await api('GET', `/v1/windows/${w.json.id}`);
      await api('POST', `/v1/windows/${w.json.id}/complete`, {}, undefined, got.etag);
    }
  });
}
