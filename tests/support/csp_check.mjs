// Opens each URL in a real headless Chromium tab and reports, one JSON
// line per URL, what a reader would meet: content security policy
// violations (the page's own `securitypolicyviolation` events), console
// errors and uncaught exceptions, whether the live-reload WebSocket
// connected, and for a search page whether it finished and how many
// results it shows. Exits 1 after 60 s without finishing.
// Usage: node --experimental-websocket tests/support/csp_check.mjs CHROMIUM URL...
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [chromium, ...urls] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'csp-check-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const finish = (code) => {
  browser.kill();
  setTimeout(() => { rmSync(profile, { recursive: true, force: true }); process.exit(code); }, 200);
};
setTimeout(() => { console.log('timeout'); finish(1); }, 60000);
let stderr = '';
const endpoint = await new Promise((resolve) => browser.stderr.on('data', (chunk) => {
  stderr += chunk;
  const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
  if (m) resolve(m[1]);
}));
const ws = new WebSocket(endpoint);
await new Promise((r) => ws.addEventListener('open', r));
let id = 0;
const pending = new Map();
const events = [];
ws.addEventListener('message', (e) => {
  const msg = JSON.parse(e.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  else if (msg.method) events.push(msg);
});
const send = (method, params = {}, sessionId) => new Promise((resolve) => {
  const msgId = ++id;
  pending.set(msgId, resolve);
  ws.send(JSON.stringify({ id: msgId, method, params, sessionId }));
});
const evaluate = async (expression, sessionId) =>
  (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result?.result?.value;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const url of urls) {
  const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank' });
  const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`, {}, sessionId);
  await send('Page.addScriptToEvaluateOnNewDocument', {
    source: "window.__violations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });",
  }, sessionId);
  const first = events.length;
  await send('Page.navigate', { url }, sessionId);
  for (;;) {
    if (await evaluate('document.readyState === "complete"', sessionId)) break;
    await sleep(50);
  }
  if (url.includes('/search/')) {
    for (;;) {
      if (await evaluate('document.body.hasAttribute("data-search-done")', sessionId)) break;
      await sleep(50);
    }
  }
  // Time for the live-reload socket to open.
  await sleep(1000);
  const mine = events.slice(first).filter((e) => e.sessionId === sessionId);
  const log = mine
    .filter((e) => (e.method === 'Log.entryAdded' && e.params.entry.level === 'error')
      || (e.method === 'Runtime.consoleAPICalled' && e.params.type === 'error'))
    // The favicon a browser asks for by itself is not the page's.
    .filter((e) => !(e.params.entry && /\/favicon\.ico$/.test(e.params.entry.url || '')))
    .map((e) => e.params.entry ? `${e.params.entry.text} ${e.params.entry.url || ''}` : e.params.args.map((a) => a.value).join(' '));
  const exceptions = mine.filter((e) => e.method === 'Runtime.exceptionThrown')
    .map((e) => e.params.exceptionDetails.exception?.description || e.params.exceptionDetails.text);
  const sockets = mine.filter((e) => e.method === 'Network.webSocketHandshakeResponseReceived')
    .map((e) => e.params.response.status);
  console.log(JSON.stringify({
    url,
    violations: await evaluate('window.__violations', sessionId),
    log,
    exceptions,
    websocket: sockets.includes(101),
    searchDone: await evaluate('document.body.getAttribute("data-search-done")', sessionId),
    results: await evaluate('document.querySelectorAll("#search-results li:not(.related-heading)").length', sessionId),
    styled: await evaluate('getComputedStyle(document.body).fontFamily !== "" && document.styleSheets.length > 0', sessionId),
  }));
  await send('Target.closeTarget', { targetId });
}
finish(0);
