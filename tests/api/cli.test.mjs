// The command-line contract: database path resolution, idempotent init,
// one-line errors with non-zero exit status, the first admin's one-time
// password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin } from '../lib/server.mjs';

function run(args, { env = {}, cwd, input = '' } = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('init creates database and key file once, prints a one-time password once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  try {
    const db = join(dir, 'nested/dir/x.db');
    const first = run(['--db', db, 'init']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /login admin, one-time password \S{12,}/);
    assert.ok(existsSync(db));
    const key = join(dir, 'nested/dir/x.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    const keyBytes = readFileSync(key);
    const again = run(['--db', db, 'init']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /one-time password/);
    assert.deepEqual(readFileSync(key), keyBytes, 'init must never replace the key');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the database path comes from --db, else SHEGONG_DB, else ./data/shegong.db', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  try {
    assert.equal(run(['init'], { cwd: dir, env: { SHEGONG_DB: '' } }).code, 0);
    assert.ok(existsSync(join(dir, 'data/shegong.db')));
    assert.equal(run(['init'], { cwd: dir, env: { SHEGONG_DB: join(dir, 'env.db') } }).code, 0);
    assert.ok(existsSync(join(dir, 'env.db')));
    assert.equal(run(['init', '--db', join(dir, 'flag.db')], { cwd: dir, env: { SHEGONG_DB: join(dir, 'env.db') } }).code, 0);
    assert.ok(existsSync(join(dir, 'flag.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('failures exit non-zero with one line on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  try {
    const cases = [
      [['no-such-command'], /^shegong: unknown command 'no-such-command'/],
      [['--db', join(dir, 'missing.db'), 'user', 'list'], /^shegong: /],
      [['--db', join(dir, 'missing.db'), 'serve', '--port', '99999'], /^shegong: --port needs a number/],
      [['--db'], /^shegong: --db needs a path/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses a port that is already taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  const net = await import('node:net');
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  try {
    const db = join(dir, 'p.db');
    assert.equal(run(['--db', db, 'init']).code, 0);
    const r = run(['--db', db, 'serve', '--port', String(blocker.address().port), '--web', dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: Address already in use/);
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files are private, and init will not replace a lost key for an existing database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  try {
    const db = join(dir, 'k.db');
    assert.equal(run(['--db', db, 'init']).code, 0);
    assert.equal(statSync(db).mode & 0o077, 0, 'database not readable by others');
    rmSync(join(dir, 'k.key'));
    const r = run(['--db', db, 'init']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /key file .* is missing: restore the key file/);
    assert.ok(!existsSync(join(dir, 'k.key')));
    assert.equal(run(['--db', db, 'init', '--new-key']).code, 0);
    assert.ok(existsSync(join(dir, 'k.key')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
