// Opens URL in a fresh headless Chromium over the DevTools protocol, waits
// until the page sets document.body.dataset.done, and prints the text of
// #out (the page's own JSON answer) on stdout.
// Usage: node --experimental-websocket bench/peers/browser_eval.mjs CHROMIUM URL [TIMEOUT_S]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [chromium, url, timeoutS = '600'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'peers-eval-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const finish = (text, code) => {
  process.stdout.write(text + '\n', () => {
    browser.kill();
    setTimeout(() => { rmSync(profile, { recursive: true, force: true }); process.exit(code); }, 300);
  });
};
setTimeout(() => finish(JSON.stringify({ error: 'timeout' }), 1), Number(timeoutS) * 1000);

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
ws.addEventListener('message', (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
});
const send = (method, params = {}, sessionId) => new Promise((resolve) => {
  const msgId = ++id;
  pending.set(msgId, resolve);
  ws.send(JSON.stringify({ id: msgId, method, params, sessionId }));
});
const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank' });
const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
await send('Page.enable', {}, sessionId);
await send('Page.navigate', { url }, sessionId);
for (;;) {
  const { result } = await send('Runtime.evaluate', {
    expression: `(() => { const b = document.body; if (!b || !b.dataset.done) return null;
      return document.getElementById('out').textContent; })()`,
    returnByValue: true,
  }, sessionId);
  if (result && result.result && typeof result.result.value === 'string') {
    finish(result.result.value, 0);
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
