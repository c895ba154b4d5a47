// Small helpers shared by the views: error messages, time formatting.
import { ElMessage } from 'element-plus';
import { i18n } from './i18n.js';

const t = (...a) => i18n.global.t(...a);

// Show a failed request's problem detail (or a generic text) in a toast.
export function showError(err) {
  if (!err) return;
  if (err.status === 401) return; // the router already went to the login page
  let msg;
  if (err.status === 0) msg = t('error.network');
  else if (err.problem && err.problem.detail) msg = err.problem.detail;
  else if (err.problem && err.problem.title) msg = err.problem.title;
  else if (err.status === 403) msg = t('error.forbidden');
  else msg = t('error.unknown', { status: err.status ?? '?' });
  ElMessage({ type: 'error', message: msg, grouping: true, showClose: true });
}

// Apply a problem's per-field errors onto a reactive {field: message} map.
export function applyFieldErrors(target, err) {
  for (const k of Object.keys(target)) target[k] = '';
  if (err && typeof err.fieldErrors === 'function') Object.assign(target, err.fieldErrors());
}

function pad(n) { return String(n).padStart(2, '0'); }

// "2026-11-22T06:41:31Z" → local "2026-11-22 14:41:31"
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// Date → RFC 3339 UTC without milliseconds, as the API stores times.
export function toIsoUtc(d) {
  if (!d) return '';
  const x = d instanceof Date ? d : new Date(d);
  return x.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatNumber(n) {
  if (n === null || n === undefined || n === '') return '';
  return Number(n).toLocaleString(i18n.global.locale.value);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    ElMessage.success(t('common.copied'));
  } catch { /* clipboard may be unavailable on http */ }
}

export const ROLES = ['sysadmin', 'secadmin', 'auditor', 'bureau', 'org', 'worker', 'volunteer'];
export const LEVELS = ['province', 'city', 'county', 'town', 'village'];
export const LEVEL_TAG = {
  province: 'danger', city: 'warning', county: 'primary', town: 'success', village: 'info',
};
