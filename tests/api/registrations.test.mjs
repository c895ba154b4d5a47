// The registration cycle (登记) over HTTP on the fixture regions
// (docs/dev/registration-contract.md): a worker and a qualification made
// through the API, an application, submit, the first review by user A, the
// final review refused to A and made by B, register and certify with a
// certificate number; allowed_actions per caller; 409 shapes for illegal
// transitions, editing after the first two states and a second open
// application; 422 rule errors (late first registration, renewal outside
// the window, missing reasons); scope between 清城 441802 and 清新 441803;
// the review queue and "expiring soon" lists; audit records; and the public
// verification, which shows only the allowed fields.
//
// The server runs on the real clock: dates are relative to today in China.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';

const PASSWORD = 'Registry-Passw0rd!2026';

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

function addYears(date, years) {
  const d = new Date(date + 'T00:00:00Z');
  const y = d.getUTCFullYear() + years;
  const m = d.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last))).toISOString().slice(0, 10);
}

let srv;
let qcA; // bureau 清城区 441802, first reviewer
let qcB; // bureau 清城区 441802, second reviewer
let qx; // bureau 清新区 441803
let org; // org account in 441802
let auditor;
let seq = 0;

function addUser(login, role, region) {
  const args = ['user', 'add', login, '--role', role, '--password-stdin'];
  if (region) args.push('--region', region);
  const r = srv.cli(args, { stdin: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
}

function assertProblem(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  if (field) {
    const e = (r.json.errors || []).find((x) => x.field === field);
    assert.ok(e, `no error for field ${field}: ${r.text}`);
    if (code) assert.equal(e.code, code, r.text);
    return e;
  }
  return null;
}

// A worker in region with a qualification passed on passedOn.
async function workerWithQual(client, region, passedOn, level = 'assistant') {
  seq += 1;
  const w = await client.post('/api/v1/workers', {
    name: `登记${seq}号`, id_number: idNumber(region.slice(0, 6), '19900101', seq),
    region_code: region,
  });
  assert.equal(w.status, 201, w.text);
  const q = await client.post(`/api/v1/workers/${w.json.id}/qualifications`, {
    level, certificate_no: `REG-${String(seq).padStart(6, '0')}`, passed_on: passedOn,
  });
  assert.equal(q.status, 201, q.text);
  return { worker: w.json, qual: q.json };
}

async function transition(client, id, action, reason) {
  const body = reason === undefined ? { action } : { action, reason };
  return client.post(`/api/v1/registrations/${id}/transitions`, body);
}

before(async () => {
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
});

after(async () => {
  if (srv) await srv.stop();
});

let certified; // the registration certified in the full flow

test('full flow: create, submit, two reviews by two users, register, certify', async () => {
  const { worker, qual } = await workerWithQual(org, '441802006', chinaDate(-60), 'intermediate');
  let r = await org.post(`/api/v1/workers/${worker.id}/registrations`,
    { kind: 'first', qualification_id: qual.id });
  assert.equal(r.status, 201, r.text);
  const reg = r.json;
  assert.deepEqual(Object.keys(reg).sort(), ['allowed_actions', 'ce_hours', 'certificate_mgmt_no',
    'certificate_no', 'created_at', 'expires_on', 'final_review', 'first_review', 'id', 'kind',
    'level', 'qualification_id', 'reason', 'region_code', 'registered_on', 'state', 'state_label',
    'submitted_at', 'updated_at', 'worker_id', 'worker_name']);
  assert.equal(reg.state, 'not_applied');
  assert.equal(reg.state_label, '未申请');
  assert.equal(reg.kind, 'first');
  assert.equal(reg.level, 'intermediate');
  assert.equal(reg.certificate_mgmt_no, qual.certificate_no);
  assert.equal(reg.worker_name, worker.name);
  assert.equal(reg.region_code, '441802006');
  assert.equal(reg.first_review, null);
  assert.equal(reg.certificate_no, null);
  assert.deepEqual(reg.allowed_actions, ['submit']);

  r = await transition(org, reg.id, 'submit');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'pending');
  assert.ok(r.json.submitted_at);
  assert.deepEqual(r.json.allowed_actions, []);
  // org accounts do not review
  assertProblem(await transition(org, reg.id, 'first_approve'), 403);

  r = await qcA.get(`/api/v1/registrations/${reg.id}`);
  assert.deepEqual(r.json.allowed_actions, ['first_approve', 'first_reject']);
  r = await transition(qcA, reg.id, 'first_approve');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'first_approved');
  assert.equal(r.json.first_review.by, 'qc-a');
  // separation of duties: A sees no final action and is refused
  assert.deepEqual(r.json.allowed_actions, []);
  r = await transition(qcA, reg.id, 'final_approve');
  assertProblem(r, 403);
  assert.equal(r.json.type.endsWith('separation_of_duties'), true, r.text);
  assertProblem(await transition(qcA, reg.id, 'final_reject', '材料不全'), 403);
  r = await qcB.get(`/api/v1/registrations/${reg.id}`);
  assert.deepEqual(r.json.allowed_actions, ['final_approve', 'final_reject']);
  r = await transition(qcB, reg.id, 'final_approve', '同意登记');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'final_approved');
  assert.equal(r.json.final_review.by, 'qc-b');
  assert.equal(r.json.final_review.reason, '同意登记');

  r = await transition(qcA, reg.id, 'register');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'registered');
  assert.equal(r.json.state_label, '已登记');
  assert.equal(r.json.registered_on, chinaDate());
  // registered_on + 3 years - 1 day
  const expires = new Date(Date.parse(addYears(chinaDate(), 3) + 'T00:00:00Z') - 86400e3);
  assert.equal(r.json.expires_on, expires.toISOString().slice(0, 10));

  r = await transition(qcB, reg.id, 'certify');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'certified');
  assert.equal(r.json.state_label, '已出证');
  assert.match(r.json.certificate_no, new RegExp(`^441802${chinaDate().slice(0, 4)}\\d{6}$`));
  assert.deepEqual(r.json.allowed_actions, ['cancel', 'revoke']);
  certified = r.json;

  r = await qcA.get(`/api/v1/workers/${worker.id}`);
  assert.equal(r.json.registration_state, 'certified');
  r = await qcA.get(`/api/v1/workers/${worker.id}/registrations`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].id, reg.id);
});

test('audit: one record per transition with from/to, no reason text', async () => {
  for (const [action, from, to] of [['create', null, null], ['submit', 'not_applied', 'pending'],
    ['first_approve', 'pending', 'first_approved'],
    ['final_approve', 'first_approved', 'final_approved'],
    ['register', 'final_approved', 'registered'], ['certify', 'registered', 'certified']]) {
    const r = await auditor.get(`/api/v1/audit?action=registration.${action}`);
    assert.equal(r.status, 200, r.text);
    const rec = r.json.items.find((x) => x.object_id === String(certified.id));
    assert.ok(rec, `no audit record for ${action}: ${r.text}`);
    assert.equal(rec.object_type, 'registration');
    if (from) {
      assert.equal(rec.details.from, from);
      assert.equal(rec.details.to, to);
    }
    assert.ok(!JSON.stringify(rec).includes('同意登记'));
  }
  const r = await auditor.get('/api/v1/audit?action=registration.final_approve');
  const rec = r.json.items.find((x) => x.object_id === String(certified.id));
  assert.equal(rec.user_login, 'qc-b');
  assert.equal(rec.details.reason, true);
  // the refused final review by the first reviewer is on record as denied
  const denied = await auditor.get('/api/v1/audit?action=registration.final_approve&outcome=denied');
  const d = denied.json.items.find((x) => x.object_id === String(certified.id));
  assert.ok(d, denied.text);
  assert.equal(d.user_login, 'qc-a');
  assert.equal(d.details.denied, 'separation_of_duties');
});

test('409: illegal transitions name the current state and the allowed actions', async () => {
  let r = await transition(qcA, certified.id, 'submit');
  let e = assertProblem(r, 409, 'action', 'illegal_transition');
  assert.equal(e.message, 'current state is certified; allowed: cancel, revoke');
  assert.match(r.json.detail, /current state is certified; allowed: cancel, revoke/);

  const { worker, qual } = await workerWithQual(qcA, '441802', chinaDate(-30));
  r = await qcA.post(`/api/v1/workers/${worker.id}/registrations`,
    { kind: 'first', qualification_id: qual.id });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  e = assertProblem(await transition(qcA, id, 'register'), 409, 'action', 'illegal_transition');
  assert.equal(e.message, 'current state is not_applied; allowed: submit');
  assert.equal((await transition(qcA, id, 'submit')).status, 200);
  e = assertProblem(await transition(qcA, id, 'certify'), 409, 'action', 'illegal_transition');
  assert.equal(e.message, 'current state is pending; allowed: first_approve, first_reject');
  assertProblem(await transition(qcA, id, 'approve'), 422, 'action', 'invalid');
  assertProblem(await qcA.post(`/api/v1/registrations/${id}/transitions`, {}), 422, 'action');

  // one open application per worker
  assertProblem(await qcA.post(`/api/v1/workers/${worker.id}/registrations`,
    { kind: 'first', qualification_id: qual.id }), 409);

  // the form is editable in not_applied and pending only
  r = await qcA.patch(`/api/v1/registrations/${id}`, { ce_hours: 12 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ce_hours, 12);
  r = await qcA.patch(`/api/v1/registrations/${id}`, { ce_hours: null });
  assert.equal(r.json.ce_hours, null);
  assert.equal((await transition(qcA, id, 'first_approve')).status, 200);
  assertProblem(await qcA.patch(`/api/v1/registrations/${id}`, { ce_hours: 5 }), 409, 'state');

  // a reject needs a reason; then the application is closed
  assertProblem(await transition(qcB, id, 'final_reject'), 422, 'reason', 'required');
  r = await transition(qcB, id, 'final_reject', '材料不符合要求');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'final_rejected');
  assert.equal(r.json.final_review.reason, '材料不符合要求');
  e = assertProblem(await transition(qcA, id, 'submit'), 409, 'action', 'illegal_transition');
  assert.equal(e.message, 'current state is final_rejected; allowed: none');
  r = await qcA.post(`/api/v1/workers/${worker.id}/registrations`,
    { kind: 'first', qualification_id: qual.id });
  assert.equal(r.status, 201, r.text);
});

test('422: rules at submit and bad input', async () => {
  // passed two years ago: the first registration is late
  const late = await workerWithQual(qcA, '441802', chinaDate(-731));
  let r = await qcA.post(`/api/v1/workers/${late.worker.id}/registrations`,
    { kind: 'first', qualification_id: late.qual.id });
  assert.equal(r.status, 201, r.text);
  r = await transition(qcA, r.json.id, 'submit');
  const e = assertProblem(r, 422, 'qualification_id', 'first_registration_late');
  assert.match(e.message, /\d{4}-\d{2}-\d{2}/);

  // renewal without a current registration
  r = await qcA.post(`/api/v1/workers/${late.worker.id}/registrations`,
    { kind: 'renewal', qualification_id: late.qual.id });
  assertProblem(r, 409); // the first application is still open
  const fresh = await workerWithQual(qcA, '441802', chinaDate(-10));
  r = await qcA.post(`/api/v1/workers/${fresh.worker.id}/registrations`,
    { kind: 'renewal', qualification_id: fresh.qual.id });
  assert.equal(r.status, 201, r.text);
  assertProblem(await transition(qcA, r.json.id, 'submit'), 422, 'kind', 'renewal_window');

  // renewal of the certified registration, which expires in 3 years: too early
  r = await qcA.post(`/api/v1/workers/${certified.worker_id}/registrations`,
    { kind: 'renewal', qualification_id: certified.qualification_id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.kind, 'renewal');
  const renewal = r.json.id;
  const w = assertProblem(await transition(qcA, renewal, 'submit'), 422, 'kind', 'renewal_window');
  assert.ok(w.message.includes(certified.expires_on), w.message);

  assertProblem(await qcA.post(`/api/v1/workers/${fresh.worker.id}/registrations`,
    { kind: 'later', qualification_id: fresh.qual.id }), 422, 'kind');
  assertProblem(await qcA.post(`/api/v1/workers/${fresh.worker.id}/registrations`,
    { kind: 'first' }), 422, 'qualification_id');
  assertProblem(await qcA.post(`/api/v1/workers/${certified.worker_id}/registrations`,
    { kind: 'first', qualification_id: fresh.qual.id }), 422, 'qualification_id');
  assertProblem(await qcA.patch(`/api/v1/registrations/${renewal}`, { qualification_id: 999999 }),
    422, 'qualification_id');
});

test('scope: 441803 sees none of 441802, and the reverse', async () => {
  const mine = await workerWithQual(qx, '441803', chinaDate(-5));
  let r = await qx.post(`/api/v1/workers/${mine.worker.id}/registrations`,
    { kind: 'first', qualification_id: mine.qual.id });
  assert.equal(r.status, 201, r.text);
  const theirs = r.json.id;

  assertProblem(await qx.get(`/api/v1/registrations/${certified.id}`), 404);
  assertProblem(await transition(qx, certified.id, 'revoke', '越权操作'), 404);
  assertProblem(await qx.patch(`/api/v1/registrations/${certified.id}`, { ce_hours: 1 }), 404);
  assertProblem(await qx.get(`/api/v1/workers/${certified.worker_id}/registrations`), 404);
  assertProblem(await qx.post(`/api/v1/workers/${certified.worker_id}/registrations`,
    { kind: 'first', qualification_id: certified.qualification_id }), 404);
  assertProblem(await qcA.get(`/api/v1/registrations/${theirs}`), 404);

  r = await qx.get('/api/v1/registrations');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].id, theirs);
  r = await qcA.get('/api/v1/registrations');
  assert.ok(r.json.total >= 4);
  assert.ok(r.json.items.every((x) => x.region_code.startsWith('441802')));
  assertProblem(await qcA.get('/api/v1/registrations?region=441803'), 422, 'region');

  // roles outside bureau and org
  assertProblem(await auditor.get('/api/v1/registrations'), 403);
});

test('lists: review queue filters and expiring soon', async () => {
  let r = await qcA.get('/api/v1/registrations?state=pending');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.every((x) => x.state === 'pending'));
  r = await qcA.get('/api/v1/registrations?state=certified');
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].certificate_no, certified.certificate_no);
  r = await qcA.get(`/api/v1/registrations?q=${certified.certificate_no}`);
  assert.equal(r.json.total, 1);
  r = await qcA.get(`/api/v1/registrations?q=${encodeURIComponent(certified.worker_name)}`);
  assert.ok(r.json.total >= 1);
  r = await qcA.get('/api/v1/registrations?kind=renewal&per_page=1');
  assert.equal(r.json.per_page, 1);
  assert.ok(r.json.items.every((x) => x.kind === 'renewal'));
  assertProblem(await qcA.get('/api/v1/registrations?state=bogus'), 422, 'state');
  assertProblem(await qcA.get('/api/v1/registrations?expiring_within=-3'), 422, 'expiring_within');

  // the certified registration expires in about 3 years
  r = await qcA.get('/api/v1/registrations?expiring_within=90');
  assert.equal(r.json.total, 0);
  r = await qcA.get('/api/v1/registrations?expiring_within=1200');
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].id, certified.id);
  r = await qx.get('/api/v1/registrations?expiring_within=1200');
  assert.equal(r.json.total, 0);
});

const hasCertificates = existsSync(join(repoRoot, 'src/api/api_certificates.c'));

test('public verification shows only the allowed fields', { skip: !hasCertificates &&
  'api_certificates.c (public verification route) not built yet' }, async () => {
  const anon = srv.client();
  let r = await anon.get(`/api/v1/public/certificates/${certified.certificate_no}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['certificate_no', 'expires_on', 'level',
    'level_label', 'name', 'registered_on', 'state', 'state_label', 'valid']);
  assert.equal(r.json.state, 'certified');
  assert.equal(r.json.valid, true);
  assert.equal(r.json.name, certified.worker_name);
  assert.equal(r.json.level_label, '社会工作师');
  assertProblem(await anon.get('/api/v1/public/certificates/4418020000999999'), 404);
});

test('cancel and revoke need a reason and end the registration', async () => {
  assertProblem(await transition(qcA, certified.id, 'revoke'), 422, 'reason', 'required');
  const r = await transition(qcA, certified.id, 'revoke', '违规执业');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'revoked');
  assert.equal(r.json.state_label, '已撤销');
  assert.equal(r.json.reason, '违规执业');
  assert.deepEqual(r.json.allowed_actions, []);
  if (hasCertificates) {
    const v = await srv.client().get(`/api/v1/public/certificates/${certified.certificate_no}`);
    assert.equal(v.json.state, 'revoked');
    assert.equal(v.json.valid, false);
  }
  const log = await auditor.get('/api/v1/audit?action=registration.revoke');
  assert.equal(log.json.total, 1);
  assert.ok(!log.text.includes('违规执业'));
});
