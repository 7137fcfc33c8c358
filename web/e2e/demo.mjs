// The demo the browser tests run against: `switchyard demo` in its own
// process group on a fresh data directory, with every port moved by an
// offset, stopped with everything it started. And what the tests share to
// drive it: API sessions, requests through its gateway, retries. Not a
// test file (node --test runs *.test.mjs only).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The binary under test (SWITCHYARD_BIN, default ../bin/switchyard built with the UI). */
export const BIN = resolve(process.env.SWITCHYARD_BIN ?? join(here, '../../bin/switchyard'));

export const SERVICES = ['discovery-guide-service-a', 'discovery-guide-service-b'];

/** The demo's gateway entry with every port moved by offset. */
export function invokeURL(offset) {
  return `http://127.0.0.1:${5001 + offset}/discovery-guide-service-a/invoke/gateway`;
}

/**
 * Starts the demo (extra: more arguments, e.g. --fresh) and waits until the
 * console is served and a request crosses the whole chain.
 */
export async function startDemo({ offset, extra = [] }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-demo-'));
  const child = spawn(BIN, ['demo', '--no-traffic', ...extra, '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--port-offset', String(offset)], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the gateway and services go with it
  });
  // Never leave the demo behind, even when the test process exits abnormally.
  process.once('exit', () => killGroup(child, 'SIGKILL'));
  const output = [];
  const keep = (line) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in 60 s:\n${output.join('\n')}`)), 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN}: ${err.message} (build it with \`make build\` or set SWITCHYARD_BIN)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code} before it was up:\n${output.join('\n')}`));
    });
    // Up once it says so: the release and its workflow exist by then.
    let consoleUrl;
    lines.on('line', (line) => {
      keep(line);
      const m = /^console: (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(line);
      if (m) consoleUrl = m[1];
      if (/^demo: press Ctrl-C to stop$/.test(line) && consoleUrl) {
        clearTimeout(timer);
        resolveUrl(consoleUrl);
      }
    });
  });
  child.removeAllListeners('exit');
  const index = await (await fetch(`${url}/`)).text();
  assert.ok(index.includes('<div id="root">'), `the binary serves the built console (${BIN}); build it with the UI`);
  // Up when a request crosses the whole chain.
  await eventually(async () => {
    const res = await fetch(invokeURL(offset)).catch((err) => ({ status: 0, text: async () => err.message }));
    const body = await res.text();
    assert.equal(res.status, 200, body);
    hopsOf(body);
  }, 30_000);
  return { url, child, dataDir, output, offset };
}

export function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export async function stopDemo(d) {
  if (!d?.child) return;
  const { child, dataDir } = d;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child, 'SIGKILL'); // anything of the group still around
  await eventually(async () => assert.ok(!(await listening(5001 + d.offset)), 'the demo gateway port is free'), 10_000);
  rmSync(dataDir, { recursive: true, force: true });
}

export function listening(port) {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** "gateway -> [ID=a]…[V=1.0]… -> [ID=b]…[V=1.1]…" → ['1.0', '1.1'] (service-a, service-b). */
export function hopsOf(body) {
  const versions = {};
  for (const m of body.matchAll(/\[ID=([^\]]+)\][^>]*?\[V=([^\]]+)\]/g)) versions[m[1]] = m[2];
  assert.ok(SERVICES.every((s) => versions[s]), `both hops in ${body}`);
  return SERVICES.map((s) => versions[s]);
}

/** Retries an assertion while the rule travels to the gateway (well under a second normally). */
export async function eventually(check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** An API session of a user on the demo's control plane (cookie + CSRF token). */
export async function session(url, name, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  assert.equal(res.status, 200, `sign in as ${name}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await res.json();
  const headers = { Cookie: cookie, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' };
  return {
    get: (path) => fetch(url + path, { headers }),
    post: (path, body) => fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) }),
    del: (path) => fetch(url + path, { method: 'DELETE', headers }),
  };
}
