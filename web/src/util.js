// Small helpers shared by the views: error messages, time formatting.
import { ElMessage } from 'element-plus';
import { i18n } from './i18n.js';

const t = (...a) => i18n.global.t(...a);

const te = (k) => i18n.global.te(k) || i18n.global.te(k, 'zh-CN');

// A field error in the UI language: by field and code, then by code alone,
// else the server's (English) message.
export function fieldMessage(e) {
  if (te(`fieldError.${e.field}.${e.code}`)) return t(`fieldError.${e.field}.${e.code}`);
  if (te(`fieldError.${e.code}`)) return t(`fieldError.${e.code}`);
  return e.message || e.code || '';
}

// The text for a failed request, in the UI language where the problem
// kind or status is known, else the server's detail.
export function errorMessage(err) {
  if (!err) return '';
  if (err.status === 0) return t('error.network');
  const kind = err.kind || '';
  if (kind && te('problem.' + kind)) return t('problem.' + kind);
  if (err.status === 429) {
    const ra = Number(err.headers && err.headers.get('Retry-After'));
    return t('error.throttled', { s: Number.isFinite(ra) && ra > 0 ? ra : 60 });
  }
  if (err.status === 422 && (err.problem.errors || []).length) {
    return t('error.checkFields') + ' ' + err.problem.errors.map(fieldMessage).join('；');
  }
  if (err.status === 403) return t('error.forbidden');
  if (err.status === 404) return t('error.notFoundItem');
  if (err.status >= 500) return t('error.server');
  return (err.problem && (err.problem.detail || err.problem.title)) || t('error.unknown', { status: err.status ?? '?' });
}

// Show a failed request in a toast.
export function showError(err) {
  if (!err) return;
  if (err.status === 401) return; // the router already went to the login page
  ElMessage({ type: 'error', message: errorMessage(err), grouping: true, showClose: true });
}

// Apply a problem's per-field errors onto a reactive {field: message} map.
export function applyFieldErrors(target, err) {
  for (const k of Object.keys(target)) target[k] = '';
  for (const e of (err && err.problem && err.problem.errors) || []) {
    if (e && e.field && !target[e.field]) target[e.field] = fieldMessage(e);
  }
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
