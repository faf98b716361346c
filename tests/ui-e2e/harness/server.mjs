// Runs the real `mailmark serve` for a browser test: a free port on 127.0.0.1, a fresh temp
// data folder, the first-start admin password and token read from the file it writes them
// to, and a stop that always removes the folder. Mirrors tests/harness/mailmark_process.* of the C++ e2e tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Short waits so that anything a test triggers (retries, inbox polls) happens in seconds.
export const FAST_ENV = Object.freeze({
  MAILMARK_SMTP_RETRY_DELAYS: '200ms,500ms,1s',
  MAILMARK_IMAP_POLL_INTERVAL: '1s',
  MAILMARK_LOG_LEVEL: 'info',
});

// Generous: a loaded 2-core machine must not fail a test that would pass given time.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

function requiredEnv(name, what) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: it must name ${what}.\n` +
        'Run e.g. MAILMARK_BIN=/work/main/build/mailmark MAILMARK_UI_DIR=/work/main/ui/dist npm test',
    );
  }
  return value;
}

// The mailmark executable from MAILMARK_BIN (required).
export function mailmarkBin() {
  const bin = resolve(requiredEnv('MAILMARK_BIN', 'the mailmark executable'));
  if (!existsSync(bin) || !statSync(bin).isFile()) {
    throw new Error(`MAILMARK_BIN=${bin} is not a file: build it first (cmake --build build)`);
  }
  return bin;
}

// The built web UI folder from MAILMARK_UI_DIR (required by UI tests).
export function uiDir() {
  const dir = resolve(requiredEnv('MAILMARK_UI_DIR', 'the built web UI folder (ui/dist)'));
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`MAILMARK_UI_DIR=${dir} has no index.html: build the UI first (npm run build in ui/)`);
  }
  return dir;
}

// A port nobody listens on right now (bind to 0, read it back, close).
export function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The environment for mailmark: ours without any MAILMARK_* setting (a developer's
// MAILMARK_CONFIG or MAILMARK_DB must not leak into a test), then FAST_ENV, then `extra`.
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MAILMARK_')) env[k] = v;
  return { ...env, ...FAST_ENV, ...extra };
}

export class MailmarkServer {
  constructor({ bin, root, dataDir, env }) {
    this.bin = bin;
    this.root = root; // temp folder holding dataDir; removed by stop()
    this.dataDir = dataDir;
    this.env = env;
    this.port = 0;
    this.url = '';
    this.admin = { username: 'admin', password: '', token: '' };
    this.child = null;
    this.exitCode = null;
    this.exited = null; // Promise of the exit code
    this.log = '';
  }

  // Everything the server printed so far (stdout and stderr, interleaved as they came).
  output() {
    return this.log;
  }

  running() {
    return this.child !== null && this.exitCode === null;
  }

  async #launch(args) {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.exitCode = null;
    const child = spawn(
      this.bin,
      ['serve', '--listen', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir, ...args],
      { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const append = (chunk) => {
      this.log += chunk.toString();
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.exited = new Promise((done) => {
      child.on('error', (e) => {
        this.log += `\n[harness] cannot run ${this.bin}: ${e.message}\n`;
        this.exitCode = 127;
        done(127);
      });
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? 128;
        if (signal) this.log += `\n[harness] mailmark ended by ${signal}\n`;
        done(this.exitCode);
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitCode !== null) return false;
      try {
        const r = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(5000) });
        if (r.status === 200) return true;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`mailmark serve did not answer /api/health in time:\n${this.log}`);
  }

  // Starts `mailmark serve` and waits until GET /api/health answers 200. The first start on
  // the empty data folder creates the user "admin" and writes its password and API token to
  // admin-password.txt in the data folder.
  async start(serveArgs = []) {
    // Another process may take the free port between our probe and mailmark's bind: retry.
    for (let attempt = 1; ; attempt++) {
      const before = this.log.length;
      if (await this.#launch(serveArgs)) break;
      const tail = this.log.slice(before);
      if (attempt < 3 && /address already in use|cannot (bind|listen)/i.test(tail)) continue;
      throw new Error(`mailmark serve exited at start (code ${this.exitCode}):\n${this.log}`);
    }
    if (!this.admin.password) {
      // Written to a file readable by the server's user only, never to its output.
      const file = join(this.dataDir, 'admin-password.txt');
      const credentials = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const password = /password:\s+(\S+)/.exec(credentials);
      const token = /API token:\s+(mm_[A-Za-z0-9_-]+)/.exec(credentials);
      if (!password || !token) {
        throw new Error(`the first start wrote no admin password and token to ${file}:\n${this.log}`);
      }
      this.admin.password = password[1];
      this.admin.token = token[1];
    }
    return this;
  }

  // SIGTERM and wait for the exit (SIGKILL if it hangs). Returns the exit code.
  async stopProcess() {
    if (!this.running()) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  // Stops the server and removes the temp folder; safe to call twice.
  async stop() {
    try {
      await this.stopProcess();
    } finally {
      liveServers.delete(this);
      if (this.root) rmSync(this.root, { recursive: true, force: true });
      this.root = null;
    }
  }

  // Runs `mailmark ARGS --data-dir DIR` to completion (while the server runs, like the C++
  // fixture does). Returns { code, stdout, stderr }.
  runCommand(args) {
    const r = spawnSync(this.bin, [...args, '--data-dir', this.dataDir], {
      env: this.env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  // A user with a password for the login form, and an API token for setting up data.
  createUser(name, password) {
    const made = this.runCommand(['user', 'create', '--name', name, '--password', password]);
    if (made.code !== 0) throw new Error(`mailmark user create failed: ${made.stderr}${made.stdout}`);
    const token = this.runCommand(['token', 'create', '--user', name]);
    if (token.code !== 0) throw new Error(`mailmark token create failed: ${token.stderr}`);
    return { username: name, password, token: token.stdout.trim() };
  }

  // A JSON API call from the test (not the browser). `token` defaults to the admin's.
  // Returns { status, body } with body parsed when it is JSON.
  async api(method, path, { token = this.admin.token, body } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await r.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: r.status, body: parsed, headers: r.headers };
  }
}

// Servers still running when the test process ends (a crash, Ctrl-C) are killed, and their
// folders removed, so that nothing outlives the run.
const liveServers = new Set();
function killAll() {
  for (const s of liveServers) {
    if (s.running()) s.child.kill('SIGKILL');
    if (s.root) rmSync(s.root, { recursive: true, force: true });
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  });
}

// Starts a fresh server. Options:
//   ui: pass --ui-dir MAILMARK_UI_DIR (default true; MAILMARK_UI_DIR is then required)
//   uiDir: a folder to serve instead of MAILMARK_UI_DIR (implies ui)
//   env: more environment for mailmark (after FAST_ENV)
//   args: more `serve` arguments
export async function startServer({ ui = true, uiDir: dir, env = {}, args = [] } = {}) {
  const bin = mailmarkBin();
  const serveArgs = [...args];
  if (dir || ui) serveArgs.push('--ui-dir', dir ? resolve(dir) : uiDir());
  const root = mkdtempSync(join(tmpdir(), 'mm-ui-e2e-'));
  const server = new MailmarkServer({ bin, root, dataDir: join(root, 'data'), env: childEnv(env) });
  liveServers.add(server);
  try {
    return await server.start(serveArgs);
  } catch (e) {
    await server.stop();
    throw e;
  }
}

