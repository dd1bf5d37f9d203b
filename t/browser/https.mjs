// https.mjs: the admin page over HTTPS in Debian's chromium (t/257).  The
// browser trusts the test's server certificate by its public key only
// (--ignore-certificate-errors-spki-list), not every certificate; a second
// browser without that flag must refuse the page, which shows the first
// trusted it because of the flag and the daemon really speaks TLS.
// Each check prints "CHECK {json}"; the run ends with "DONE <n>".

import { chromium } from 'playwright-core';

const env = (k) => {
  if (!process.env[k]) { throw new Error(`${k} is not set`); }
  return process.env[k];
};
const ADMIN = env('ADMIN_URL');
const TOKEN = env('ADMIN_TOKEN');
const SPKI = env('SPKI');
const LISTED = env('LISTED_TITLE');
const APP = process.env.APP || 'crm';

let count = 0;
let failures = 0;

function report(name, ok, detail) {
  count++;
  if (!ok) { failures++; }
  process.stdout.write('CHECK ' + JSON.stringify({ name, ok: !!ok, detail: detail || '' }) + '\n');
}

async function check(name, fn) {
  try {
    const r = await fn();
    report(name, r !== false, r === false ? 'condition false' : '');
  } catch (e) {
    report(name, false, (e && e.stack) || String(e));
  }
}

function assert(cond, msg) { if (!cond) { throw new Error(msg); } }

function localInput(ms) {
  const d = new Date(ms), p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

const base = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'];
const exe = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath: exe, headless: true,
  args: [...base, `--ignore-certificate-errors-spki-list=${SPKI}`] });
const strict = await chromium.launch({ executablePath: exe, headless: true, args: base });

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(8000);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to|Mixed Content|insecure|ERR_CERT|ERR_SSL/i.test(m.text())) {
      errors.push(m.text());
    }
  });

  // a request from the page itself, with the browser's TLS and trust
  const inPage = (path, token) => page.evaluate(async ([p, t]) => {
    const r = await fetch(p, { headers: t ? { Authorization: `Bearer ${t}` } : {} });
    return { status: r.status, body: await r.text(), ct: r.headers.get('content-type') || '' };
  }, [path, token]);

  await check('the admin page loads over https:// with HSTS and the strict CSP', async () => {
    const res = await page.goto(ADMIN + '/');
    assert(res.status() === 200, `status ${res.status()}`);
    assert(page.url().startsWith('https://'), page.url());
    const h = res.headers();
    assert(/max-age=\d+/.test(h['strict-transport-security'] || ''), 'HSTS: ' + h['strict-transport-security']);
    assert(/default-src 'self'/.test(h['content-security-policy'] || ''), 'CSP');
    const js = await inPage('/ui/app.js');
    assert(js.status === 200 && /javascript/.test(js.ct), 'app.js over https: ' + js.status);
  });

  await check('sign in with the admin token over https://', async () => {
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#app').waitFor({ state: 'visible' });
    await page.locator('#who', { hasText: 'admin' }).waitFor();
  });

  await check('the window list shows the window made with curl', async () => {
    await page.locator('#windows-table tbody tr', { hasText: LISTED }).waitFor();
  });

  const title = 'HTTPS browser window';
  await check('create a window from the page over https://', async () => {
    const start = Date.now() + 10 * 3600e3;
    await page.getByRole('button', { name: 'New window' }).click();
    const wd = page.locator('#window-dialog');
    await wd.getByLabel('Title').fill(title);
    await wd.getByLabel('Apps').fill(APP);
    await wd.getByLabel(/^Starts/).fill(localInput(start));
    await wd.getByLabel(/^Ends/).fill(localInput(start + 3600e3));
    await wd.getByRole('button', { name: 'Save', exact: true }).click();
    await wd.waitFor({ state: 'hidden' });
    await page.locator('#windows-table tbody tr', { hasText: title })
      .locator('.status', { hasText: 'scheduled' }).waitFor();
  });

  await check('the window created in the browser is in the API', async () => {
    const res = await inPage('/v1/windows?limit=500', TOKEN);
    assert(res.status === 200, 'status ' + res.status);
    const j = JSON.parse(res.body);
    assert(j.items.some((w) => w.title === title), JSON.stringify(j).slice(0, 400));
  });

  await check('no page or console errors (CSP, mixed content)', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });

  await check('a browser that does not trust the certificate refuses the page', async () => {
    const p2 = await (await strict.newContext()).newPage();
    let err = '';
    try { await p2.goto(ADMIN + '/'); } catch (e) { err = String(e && e.message); }
    assert(/ERR_CERT_AUTHORITY_INVALID|ERR_CERT/.test(err), 'no certificate error: ' + err);
  });
} finally {
  await browser.close();
  await strict.close();
}

process.stdout.write(`DONE ${count}\n`);
process.exit(failures ? 1 : 0);
