// The registration certificate PDF and the public verification over HTTP
// (docs/dev/registration-contract.md): a worker, a qualification and a
// registration driven through both reviews to certified by two bureau users;
// the PDF download (headers, a whole PDF with embedded font subsets, the
// text pdftotext extracts, the QR code zbarimg decodes, the masked ID and
// never the full one), its audit record; the link following the setting
// public_base_url; 409 before certified and after revocation, 404 out of
// scope or unknown, 401 without a session, 403 for other roles; and the
// public verification: exactly the contract's fields, nothing personal
// beyond them, 404 for unknown or malformed numbers, valid false once
// cancelled.
//
// pdftotext/pdftoppm (poppler-utils), zbarimg (zbar-tools) and sqlite3 come
// with `scripts/install-deps.sh test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'Certify-Passw0rd!2026';

function idNumber(region6, date8, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s17 = region6 + date8 + String(seq).padStart(3, '0');
  const sum = [...s17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return s17 + '10X98765432'[sum % 11];
}

// Today in China (UTC+8) plus days, "YYYY-MM-DD".
function chinaDate(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

function sh(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

let srv;
let qcA; // bureau 清城区 441802: first review
let qcB; // bureau 清城区 441802: final review
let qx; // bureau 清新区 441803: another county
let org; // org account in 441802
let auditor;
let tmp;
let seq = 0;
let cert; // { worker, idNumber, reg } certified in `before`
let registeredOnly; // a registration in state registered

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

async function transition(client, id, action, reason) {
  const body = reason === undefined ? { action } : { action, reason };
  const r = await client.post(`/api/v1/registrations/${id}/transitions`, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}

// A worker with a qualification and a registration taken up to state `until`.
async function registration(until, level = 'assistant') {
  seq += 1;
  const id = idNumber('441802', '19880512', seq);
  const w = await org.post('/api/v1/workers', {
    name: `证书${seq}号`, id_number: id, region_code: '441802006',
  });
  assert.equal(w.status, 201, w.text);
  const q = await org.post(`/api/v1/workers/${w.json.id}/qualifications`, {
    level, certificate_no: `CERT-${String(seq).padStart(6, '0')}`, passed_on: chinaDate(-30),
  });
  assert.equal(q.status, 201, q.text);
  const r = await org.post(`/api/v1/workers/${w.json.id}/registrations`,
    { kind: 'first', qualification_id: q.json.id });
  assert.equal(r.status, 201, r.text);
  let reg = r.json;
  const steps = [[org, 'submit'], [qcA, 'first_approve'], [qcB, 'final_approve'],
    [qcA, 'register'], [qcB, 'certify']];
  for (const [client, action] of steps) {
    if (reg.state === until) break;
    reg = await transition(client, reg.id, action);
  }
  assert.equal(reg.state, until);
  return { worker: w.json, idNumber: id, reg };
}

// The PDF with the client's session: {status, headers, bytes, json}.
async function download(client, id) {
  const res = await fetch(`${srv.url}/api/v1/registrations/${id}/certificate.pdf`, {
    headers: client.cookie ? { cookie: client.cookie } : {},
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { json = null; }
  return { status: res.status, headers: res.headers, bytes, json };
}

// Text and QR payload of a PDF.
function inspect(bytes, name) {
  const pdf = join(tmp, `${name}.pdf`);
  writeFileSync(pdf, bytes);
  const text = sh('pdftotext', ['-q', pdf, '-']);
  sh('pdftoppm', ['-q', '-r', '150', '-png', '-singlefile', pdf, join(tmp, name)]);
  const qr = sh('zbarimg', ['-q', '--raw', join(tmp, `${name}.png`)]).trim();
  const fonts = sh('pdffonts', [pdf]);
  return { text, qr, fonts };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'shegong-cert-'));
  srv = await startServer({ regions: 'fixture' });
  addUser('qc-a', 'bureau', '441802');
  addUser('qc-b', 'bureau', '441802');
  addUser('qx-bureau', 'bureau', '441803');
  addUser('qc-org', 'org', '441802');
  addUser('auditor1', 'auditor');
  qcA = await srv.loginAs('qc-a', PASSWORD);
  qcB = await srv.loginAs('qc-b', PASSWORD);
  qx = await srv.loginAs('qx-bureau', PASSWORD);
  org = await srv.loginAs('qc-org', PASSWORD);
  auditor = await srv.loginAs('auditor1', PASSWORD);
  cert = await registration('certified', 'intermediate');
  registeredOnly = await registration('registered');
});

after(async () => {
  if (srv) await srv.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the certificate PDF of a certified registration', async () => {
  const no = cert.reg.certificate_no;
  assert.match(no, /^441802\d{10}$/);
  for (const client of [qcA, org]) {
    const r = await download(client, cert.reg.id);
    assert.equal(r.status, 200, r.bytes.toString());
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="certificate-${no}.pdf"`);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
    assert.ok(r.bytes.subarray(-8).toString().includes('%%EOF'));
    assert.ok(r.bytes.length < 500 * 1024, `${r.bytes.length} bytes`);
  }
  const r = await download(qcA, cert.reg.id);
  const { text, qr, fonts } = inspect(r.bytes, 'certified');
  const url = `http://127.0.0.1:8080/#/verify/${no}`;
  assert.equal(qr, url);
  for (const want of ['社会工作者登记证书', cert.worker.name, cert.worker.id_number, '社会工作师',
    no, url, '清城区民政局', `${cert.reg.registered_on.slice(0, 4)}年`]) {
    assert.ok(text.includes(want), `"${want}" not in the PDF text:\n${text}`);
  }
  assert.match(cert.worker.id_number, /^\d{6}\*{8}\d{3}[\dX]$/);
  assert.ok(!text.includes(cert.idNumber), 'the full ID number is on the certificate');
  assert.ok(!r.bytes.includes(cert.idNumber), 'the full ID number is in the PDF');
  // fonts embedded as subsets ("ABCDEF+Noto..."), none left to the reader
  const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
  assert.ok(rows.length >= 1, fonts);
  for (const row of rows) assert.match(row, /^[A-Z]{6}\+Noto\S+\s.*\byes\s+yes\s+yes\b/, fonts);
});

test('each download is audited', async () => {
  const log = await auditor.get('/api/v1/audit?action=registration.certificate_download');
  assert.equal(log.status, 200, log.text);
  const mine = log.json.items.filter((x) => x.object_id === String(cert.reg.id));
  assert.equal(mine.length, 3); // the downloads of the test above
  assert.deepEqual(mine.map((x) => x.user_login).sort(), ['qc-a', 'qc-a', 'qc-org'], JSON.stringify(mine));
});

test('the QR link follows the setting public_base_url', async () => {
  const r0 = await download(qcA, cert.reg.id);
  assert.equal(r0.status, 200);
  sh('sqlite3', [srv.dbPath], "UPDATE settings SET value = 'https://shegong.example.cn/'"
    + " WHERE key = 'public_base_url';");
  const r = await download(qcA, cert.reg.id);
  assert.equal(r.status, 200);
  const { text, qr } = inspect(r.bytes, 'base-url');
  const url = `https://shegong.example.cn/#/verify/${cert.reg.certificate_no}`;
  assert.equal(qr, url);
  // a long link wraps under the QR code
  assert.ok(text.replace(/\s+/g, '').includes(url), text);
});

test('no certificate before certified, outside the scope, or without the right', async () => {
  let r = await download(qcA, registeredOnly.reg.id);
  assert.equal(r.status, 409, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.ok(r.json.errors.some((e) => e.field === 'state'), JSON.stringify(r.json));
  r = await download(qx, cert.reg.id);
  assert.equal(r.status, 404);
  r = await download(qcA, 999999);
  assert.equal(r.status, 404);
  r = await download(qcA, 'abc');
  assert.equal(r.status, 404);
  r = await download(srv.client(), cert.reg.id);
  assert.equal(r.status, 401);
  r = await download(auditor, cert.reg.id);
  assert.equal(r.status, 403);
});

test('public verification: the contract fields and nothing more', async () => {
  const anon = srv.client();
  const no = cert.reg.certificate_no;
  const r = await anon.get(`/api/v1/public/certificates/${no}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('set-cookie'), null);
  assert.deepEqual(r.json, {
    certificate_no: no,
    name: cert.worker.name,
    level: 'intermediate',
    level_label: '社会工作师',
    state: 'certified',
    state_label: '已出证',
    registered_on: cert.reg.registered_on,
    expires_on: cert.reg.expires_on,
    valid: true,
  });
  // nothing of the ID number, the record ids or the region
  for (const secret of [cert.idNumber, cert.worker.id_number, cert.idNumber.slice(-4),
    '441802006', `"id"`, 'worker']) {
    assert.ok(!r.text.includes(secret), `${secret} in ${r.text}`);
  }
  // a signed-in caller gets the same
  const signed = await qcA.get(`/api/v1/public/certificates/${no}`);
  assert.deepEqual(signed.json, r.json);
});

test('public verification: 404 for unknown or malformed numbers, all alike', async () => {
  const anon = srv.client();
  const bodies = [];
  for (const no of ['4418020000999999', '441802', 'abc', '4418022026000001x',
    encodeURIComponent("1' OR '1'='1"), '9'.repeat(100)]) {
    const r = await anon.get(`/api/v1/public/certificates/${no}`);
    assert.equal(r.status, 404, `${no}: ${r.text}`);
    assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
    bodies.push(r.json.detail);
  }
  assert.equal(new Set(bodies).size, 1, bodies.join(' | '));
});

test('a cancelled certificate verifies as not valid and is no longer printed', async () => {
  const c = await registration('certified');
  await transition(qcA, c.reg.id, 'cancel', '本人申请注销');
  const v = await srv.client().get(`/api/v1/public/certificates/${c.reg.certificate_no}`);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.state, 'cancelled');
  assert.equal(v.json.state_label, '已注销');
  assert.equal(v.json.valid, false);
  const r = await download(qcA, c.reg.id);
  assert.equal(r.status, 409);
});
