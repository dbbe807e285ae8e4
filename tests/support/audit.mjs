// Audits pages in Debian's Chromium, driven by playwright-core, with
// axe-core (both pinned in package-lock.json beside this file).
// Usage: node tests/support/audit.mjs CHROMIUM JOBS_JSON
// JOBS_JSON: {"pages": [{"url": "...", "wait": "selector", "noscript": true}], "widths": [1280, 390]}
// ("wait" and "noscript", without JavaScript, are optional.)
// Prints one JSON line per page and width:
// {url, width, violations: [{id, impact, help, nodes: [{target, html}]}],
//  consoleErrors: [...], overflow: null | {scrollWidth, innerWidth, culprits},
//  wrappedButtons: [...], stylesApplied: bool, title}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [executablePath, jobsJson] = process.argv.slice(2);
const jobs = JSON.parse(jobsJson);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// What is measured in the page once it has loaded.
function measure() {
  const root = document.documentElement;
  let overflow = null;
  if (root.scrollWidth > window.innerWidth) {
    const culprits = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && culprits.length < 8) {
        culprits.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
          ' right=' + Math.round(r.right));
      }
    }
    overflow = { scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, culprits };
  }
  // A label on two lines has text boxes at two heights.
  const wrappedButtons = [];
  for (const b of document.querySelectorAll('button, input[type=submit], input[type=button], summary')) {
    if (!b.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(b);
    const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (tops.size > 1) wrappedButtons.push(b.textContent.trim() || b.value);
  }
  // Text inputs whose placeholder does not fit.
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (!input.getClientRects().length || input.value) continue;
    const style = getComputedStyle(input);
    const canvas = document.createElement('canvas').getContext('2d');
    canvas.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(input.placeholder).width > room + 1) wrappedButtons.push('placeholder clipped: ' + input.placeholder);
  }
  const link = document.querySelector('link[rel=stylesheet]');
  const stylesApplied = !!link && Array.from(document.styleSheets).some((s) => {
    try { return s.cssRules.length > 0; } catch (e) { return true; }
  });
  const status = document.getElementById('search-status');
  return { overflow, wrappedButtons, stylesApplied, title: document.title, status: status ? status.textContent : null };
}

for (const page of jobs.pages) {
  for (const width of jobs.widths) {
    const context = await browser.newContext({
      viewport: { width, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: !page.noscript,
    });
    const tab = await context.newPage();
    const consoleErrors = [];
    tab.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text() + ' @ ' + (msg.location().url || '')); });
    tab.on('pageerror', (err) => consoleErrors.push('page error: ' + err.message));
    tab.on('response', (r) => { if (r.status() >= 400 && r.url() !== page.url) consoleErrors.push(r.status() + ' ' + r.url()); });
    let line;
    try {
      await tab.goto(page.url, { waitUntil: 'load' });
      if (page.noscript) {
        // Without JavaScript nothing can be evaluated in the page: what a
        // reader sees is all there is to check.
        const mainText = await tab.locator('main').innerText({ timeout: 10000 });
        console.log(JSON.stringify({ url: page.url, width, noscript: true, consoleErrors, mainText }));
        await context.close();
        continue;
      }
      if (page.wait) await tab.waitForSelector(page.wait, { timeout: 20000, state: 'attached' });
      // Fonts and late layout (print.js) settle.
      await tab.evaluate(() => document.fonts.ready);
      await tab.waitForTimeout(150);
      // The page's own errors: axe's reading of style sheets under
      // file:// (which browsers refuse) is no fault of the page.
      const pageErrors = consoleErrors.slice();
      await tab.evaluate(axeSource);
      const result = await tab.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const violations = result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200) })),
      }));
      // What a reader sees in the page's main part (the noscript case).
      const mainText = await tab.locator('main').innerText();
      line = { url: page.url, width, violations, consoleErrors: pageErrors, mainText, ...(await tab.evaluate(measure)) };
    } catch (err) {
      line = { url: page.url, width, error: String(err), consoleErrors };
    }
    console.log(JSON.stringify(line));
    await context.close();
  }
}
await browser.close();
