// Loads /search/?q=… in a fresh headless Chromium (cold cache, new profile)
// over the DevTools protocol and prints, as JSON, the bytes moved over the
// network (the page's and its workers'), the number of requests and the
// page's own time to results.
// Usage: node --experimental-websocket bench/cold_search.mjs CHROMIUM BASE_URL QUERY
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [chromium, base, query] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'cold-search-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const done = (result, code = 0) => {
  console.log(JSON.stringify(result));
  browser.kill();
  setTimeout(() => { rmSync(profile, { recursive: true, force: true }); process.exit(code); }, 300);
};
setTimeout(() => done({ error: 'timeout' }, 1), 60000);

let stderr = '';
const endpoint = await new Promise((resolve) => {
  browser.stderr.on('data', (chunk) => {
    stderr += chunk;
    const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
});
const ws = new WebSocket(endpoint);
await new Promise((r) => ws.addEventListener('open', r));
let id = 0;
const pending = new Map();
const listeners = [];
ws.addEventListener('message', (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  else listeners.forEach((l) => l(msg));
});
const send = (method, params = {}, sessionId) => new Promise((resolve) => {
  const msgId = ++id;
  pending.set(msgId, resolve);
  ws.send(JSON.stringify({ id: msgId, method, params, sessionId }));
});
const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank' });
const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
let bytes = 0, requests = 0;
// The page and every worker it starts (Pagefind searches in a Web Worker,
// whose requests are reported on the worker's own session).
const sessions = new Set([sessionId]);
listeners.push((msg) => {
  if (msg.method === 'Target.attachedToTarget') {
    const child = msg.params.sessionId;
    sessions.add(child);
    send('Network.enable', {}, child)
      .then(() => send('Network.setCacheDisabled', { cacheDisabled: false }, child))
      .then(() => send('Runtime.runIfWaitingForDebugger', {}, child));
    return;
  }
  if (!sessions.has(msg.sessionId)) return;
  if (msg.method === 'Network.loadingFinished') { bytes += msg.params.encodedDataLength; requests += 1; }
});
await send('Network.enable', {}, sessionId);
await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId);
await send('Network.setCacheDisabled', { cacheDisabled: false }, sessionId);
await send('Page.enable', {}, sessionId);
// Warm the browser process, not its cache: a page from no site at all.
await send('Page.navigate', { url: 'data:text/html,<p>warm</p>' }, sessionId);
await new Promise((r) => setTimeout(r, 500));
await send('Network.clearBrowserCache', {}, sessionId);
bytes = 0; requests = 0;
await send('Page.navigate', { url: `${base}/search/?q=${encodeURIComponent(query)}` }, sessionId);
for (;;) {
  const { result } = await send('Runtime.evaluate', {
    expression: `(() => { const b = document.body; if (!b || !b.dataset.searchDone) return null;
      return JSON.stringify({ ms: Number(b.dataset.searchMs), status: document.getElementById('search-status').textContent }); })()`,
    returnByValue: true,
  }, sessionId);
  if (result && result.result && result.result.value) {
    await new Promise((r) => setTimeout(r, 100)); // let the last loadingFinished events arrive
    const page = JSON.parse(result.result.value);
    done({ query, bytes, requests, ms: page.ms, status: page.status });
    break;
  }
  await new Promise((r) => setTimeout(r, 10));
}
