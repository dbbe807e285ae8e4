// Opens URL in a real headless Chromium tab, marks the page, prints
// "ready", then waits until the page has reloaded by itself (the mark is
// gone) with EXPECTED in its title, and prints "reloaded <title>". Exits 1
// after 60 s without that.
// Usage: node --experimental-websocket tests/support/reload_tab.mjs CHROMIUM URL EXPECTED
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [chromium, url, expected] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'reload-tab-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const finish = (line, code) => {
  console.log(line);
  browser.kill();
  setTimeout(() => { rmSync(profile, { recursive: true, force: true }); process.exit(code); }, 200);
};
setTimeout(() => finish('timeout', 1), 60000);
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
ws.addEventListener('message', (e) => {
  const msg = JSON.parse(e.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
});
const send = (method, params = {}, sessionId) => new Promise((resolve) => {
  const msgId = ++id;
  pending.set(msgId, resolve);
  ws.send(JSON.stringify({ id: msgId, method, params, sessionId }));
});
const evaluate = async (expression, sessionId) =>
  (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result?.result?.value;
const { result: { targetId } } = await send('Target.createTarget', { url });
const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
// Wait for the page and its live-reload socket to be up, then mark it.
for (;;) {
  if (await evaluate('document.readyState === "complete"', sessionId)) break;
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 500));
await evaluate('window.__jianbaoMark = 1', sessionId);
console.log('ready');
for (;;) {
  const marked = await evaluate('window.__jianbaoMark === 1 || document.readyState !== "complete"', sessionId);
  if (marked === false) {
    const title = await evaluate('document.title', sessionId);
    if (title && title.includes(expected)) {
      finish(`reloaded ${title}`, 0);
      break;
    }
    // A reload for an intermediate state (an editor's save in two steps):
    // mark the page again and wait for the next one.
    if (await evaluate('document.readyState === "complete"', sessionId)) {
      await evaluate('window.__jianbaoMark = 1', sessionId);
    }
  }
  await new Promise((r) => setTimeout(r, 50));
}
