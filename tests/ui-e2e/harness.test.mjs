// The harness itself, without the web UI: a real server starts and stops cleanly, the browser
// loads the API, screenshots are written, the first-start credentials work, page errors fail.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { assertNoPageErrors, startServer, useMailmark } from './harness/index.mjs';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

function assertPng(path) {
  assert.ok(existsSync(path), `${path} was not written`);
  assert.ok(statSync(path).size > 1000, `${path} is too small to show anything`);
  assert.deepEqual(readFileSync(path).subarray(0, 4), PNG_MAGIC);
}

const mm = useMailmark({ ui: false });

mm.test('the browser loads /api/health from the server', async ({ page, shot }) => {
  const response = await page.goto('/api/health');
  assert.equal(response.status(), 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
  const [desktop, phone] = await shot('harness-health', { mobile: true });
  assertPng(desktop);
  assertPng(phone);
  assert.deepEqual(page.viewportSize(), { width: 1280, height: 800 }, 'viewport put back');
});

mm.test('the browser loads the OpenAPI document', async ({ page, shot }) => {
  const response = await page.goto('/api/openapi.json');
  assert.equal(response.status(), 200);
  const doc = await response.json();
  assert.match(doc.openapi, /^3\./);
  assert.ok(doc.paths['/api/session'], 'the document describes the login route');
  await page.getByText('"openapi"').first().waitFor();
  assertPng((await shot('harness-openapi', { fullPage: false }))[0]);
});

mm.test('the first-start admin password logs in, a wrong one does not', async ({ page, server }) => {
  assert.match(server.admin.password, /^[0-9a-f]{24}$/);
  const wrong = await page.request.post('/api/session', {
    data: { username: 'admin', password: 'not-the-password' },
  });
  assert.equal(wrong.status(), 401);
  assert.equal((await wrong.json()).error.code, 'invalid_credentials');
  assert.equal((await page.request.get('/api/session')).status(), 401);

  const right = await page.request.post('/api/session', {
    data: { username: 'admin', password: server.admin.password },
  });
  assert.equal(right.status(), 200);
  const me = await page.request.get('/api/session');
  assert.equal(me.status(), 200, 'the session cookie authenticates the next call');
  assert.equal((await me.json()).name, 'admin');
});

mm.test('createUser makes a user who logs in and whose token works', async ({ page, server }) => {
  const user = server.createUser('harness-user', 'correct horse battery');
  const viaToken = await server.api('GET', '/api/session', { token: user.token });
  assert.equal(viaToken.status, 200);
  assert.equal(viaToken.body.name, 'harness-user');
  const login = await page.request.post('/api/session', {
    data: { username: user.username, password: user.password },
  });
  assert.equal(login.status(), 200);
  assert.equal((await server.api('GET', '/api/mailboxes')).status, 200, 'admin token works');
});

mm.test('an uncaught page error fails the test', async ({ newPage }) => {
  // A second page, so that the error recorded here does not fail this test itself.
  const page = await newPage();
  await page.setContent('<script>setTimeout(() => { throw new Error("boom"); })</script>');
  for (let i = 0; i < 100 && page.problems.pageErrors.length === 0; i++) await page.waitForTimeout(50);
  assert.throws(() => assertNoPageErrors(page), /boom/);
  page.problems.pageErrors.length = 0;
});

test('stop() ends the server gracefully and removes its data folder', async () => {
  const server = await startServer({ ui: false });
  const { root, url } = server;
  assert.ok(existsSync(join(root, 'data', 'mailmark.db')));
  assert.equal((await fetch(`${url}/api/health`)).status, 200);
  await server.stop();
  assert.equal(server.exitCode, 0, `SIGTERM is a clean exit:\n${server.output()}`);
  assert.ok(!existsSync(root), 'the temp folder is gone');
  await assert.rejects(fetch(`${url}/api/health`), 'nothing listens any more');
  await server.stop(); // twice is fine
});

test('a server that cannot start is reported with its output', async () => {
  await assert.rejects(startServer({ ui: false, env: { MAILMARK_WORKERS: 'many' } }), (e) => {
    assert.match(e.message, /exited at start/);
    assert.match(e.message, /workers must be a whole number/);
    return true;
  });
});

test('serve --ui-dir serves index.html at / and for app routes, the API under /api', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-ui-e2e-dist-'));
  let server;
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Mailmark</title><p>placeholder UI</p>');
    server = await startServer({ uiDir: dir });
    for (const path of ['/', '/login', '/sequences/123']) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 200, path);
      assert.match(await r.text(), /placeholder UI/, path);
    }
    const health = await server.api('GET', '/api/health');
    assert.deepEqual(health.body, { status: 'ok' });
    const missing = await server.api('GET', '/api/no-such-route');
    assert.equal(missing.status, 404, 'an unknown API route is not the UI');
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
