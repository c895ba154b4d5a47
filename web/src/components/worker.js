// Worker registry vocabulary shared by the worker and registration views:
// the API words with their tag colours, the GB 11643 citizen ID check done
// in the browser before the server repeats it, and field error texts that
// carry a value from the server's message.
import { i18n } from '../i18n.js';
import { fieldMessage } from '../util.js';

const t = (...a) => i18n.global.t(...a);
const te = (k) => i18n.global.te(k) || i18n.global.te(k, 'zh-CN');

export const EDUCATIONS = ['secondary_or_below', 'associate', 'bachelor', 'master', 'doctor'];
export const WORKER_STATUSES = ['active', 'left', 'deceased'];
export const QUAL_LEVELS = ['assistant', 'intermediate', 'senior'];
export const WORKER_LEVELS = ['none', ...QUAL_LEVELS];
export const REG_STATES = [
  'not_applied', 'pending', 'first_approved', 'first_rejected', 'final_approved',
  'final_rejected', 'registered', 'certified', 'cancelled', 'revoked',
];
// Actions whose refusal or ending needs a reason (registration contract).
export const REASON_ACTIONS = ['first_reject', 'final_reject', 'cancel', 'revoke'];

export const LEVEL_TAG = { none: 'info', assistant: 'success', intermediate: 'primary', senior: 'warning' };
export const STATUS_TAG = { active: 'success', left: 'info', deceased: 'danger' };
export const STATE_TAG = {
  not_applied: 'info', pending: 'warning', first_approved: 'primary', first_rejected: 'danger',
  final_approved: 'primary', final_rejected: 'danger', registered: 'success', certified: 'success',
  cancelled: 'info', revoked: 'danger',
};
export const ACTION_BUTTON = {
  submit: 'primary', first_approve: 'success', first_reject: 'danger', final_approve: 'success',
  final_reject: 'danger', register: 'primary', certify: 'primary', cancel: 'warning', revoke: 'danger',
};

// The label of a service field code: the UI language's, else the server's name.
export function serviceFieldLabel(code, names) {
  if (te('serviceField.' + code)) return t('serviceField.' + code);
  return (names && names[code]) || code;
}

function validDate(y, m, d) {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

// Check a citizen ID number (GB 11643-1999) as the server does. Returns
// {ok, error, sex, birth}: error is a translated message, sex "male" or
// "female" and birth "YYYY-MM-DD" once the first 17 characters are good.
export function checkIdNumber(raw) {
  const s = String(raw || '').trim().toUpperCase();
  const out = { ok: false, error: '', sex: '', birth: '' };
  if (!s) return out;
  for (let i = 0; i < Math.min(s.length, 17); i++) {
    if (s[i] < '0' || s[i] > '9') { out.error = t('worker.idDigit', { n: i + 1 }); return out; }
  }
  if (s.length !== 18) { out.error = t('worker.idLength', { n: s.length }); return out; }
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (y < 1800 || !validDate(y, m, d) || new Date(birth + 'T00:00:00Z') > new Date()) {
    out.error = t('worker.idBirth', { date: birth });
    return out;
  }
  out.birth = birth;
  out.sex = Number(s[16]) % 2 ? 'male' : 'female';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * w[i];
  const check = '10X98765432'[sum % 11];
  if (s[17] !== check) { out.error = t('worker.idCheck', { c: check }); return out; }
  out.ok = true;
  return out;
}

// Whole years between a birth date and today.
export function ageOf(birth) {
  if (!birth) return '';
  const [y, m, d] = birth.split('-').map(Number);
  const now = new Date();
  let age = now.getFullYear() - y;
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) age -= 1;
  return age;
}

// A field error in the UI language; the ID check character and the
// illegal transition's allowed states come from the server's message.
export function workerFieldMessage(e) {
  if (e.field === 'id_number' && e.code === 'check') {
    const m = /should be (\S)/.exec(e.message || '');
    if (m) return t('worker.idCheck', { c: m[1] });
  }
  if (e.field === 'id_number' && e.code === 'birth_date') {
    const m = /(\d{4}-\d{2}-\d{2})/.exec(e.message || '');
    if (m) return t('worker.idBirth', { date: m[1] });
  }
  return fieldMessage(e);
}

// Like util.applyFieldErrors with workerFieldMessage; errors on array
// items ("service_fields[1]") land on the array's field.
export function applyWorkerErrors(target, err) {
  for (const k of Object.keys(target)) target[k] = '';
  for (const e of (err && err.problem && err.problem.errors) || []) {
    if (!e || !e.field) continue;
    const f = e.field.replace(/\[\d+\]$/, '');
    if (f in target && !target[f]) target[f] = workerFieldMessage(e);
  }
}

// "YYYY-MM-DD" of today in the browser's time zone.
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Days from today to a "YYYY-MM-DD" date (negative once past).
export function daysUntil(date) {
  if (!date) return null;
  const a = new Date(today() + 'T00:00:00Z');
  const b = new Date(date + 'T00:00:00Z');
  return Math.round((b - a) / 86400000);
}
