// Shared pieces of the statistics pages: number formatting by unit, the
// palette, report download addresses and the level names.
import { formatNumber } from '../../util.js';

// One palette for every chart of the module: government blue first.
export const PALETTE = ['#1f5fae', '#3fa7a1', '#e6a23c', '#c0392b', '#7e57c2', '#5b8ff9', '#8a94a6'];
export const LEVEL_COLORS = { senior: '#c0392b', intermediate: '#e6a23c', assistant: '#1f5fae', none: '#a0a8b8' };
export const LEVELS = ['senior', 'intermediate', 'assistant'];

// A value of an indicator for display: percentages with one decimal,
// ratios with two, counts as whole numbers; null as a dash.
export function formatValue(v, unit) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '—';
  const n = Number(v);
  if (unit === '%') return n.toFixed(1) + '%';
  if (Number.isInteger(n)) return formatNumber(n);
  return n.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function percent(part, whole) {
  if (!whole) return null;
  return (100 * Number(part || 0)) / Number(whole);
}

// The report of the dashboard as a file (XLSX) or a printable PDF: a GET,
// so the session cookie is all it needs.
export function reportUrl(region, format, { date, target } = {}) {
  const p = new URLSearchParams();
  if (region) p.set('region', region);
  if (date) p.set('date', date);
  if (target) p.set('target', String(target));
  p.set('format', format);
  return 'api/v1/stats/report?' + p.toString();
}

// Region query parameter: the whole country is no parameter at all.
export function regionQuery(code, extra = {}) {
  return code ? { region: code, ...extra } : { ...extra };
}

// Fetch a report and hand it to the browser as a file download, so that a
// refusal (403, 422) shows as a message instead of a page of JSON.
// Resolves to true when saved; throws an ApiError-like object otherwise.
export async function downloadReport(url, fallbackName) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { problem = null; }
    const err = new Error((problem && (problem.detail || problem.title)) || `HTTP ${res.status}`);
    err.status = res.status;
    err.problem = problem || {};
    err.headers = res.headers;
    throw err;
  }
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = m ? decodeURIComponent(m[1]) : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return true;
}
