// JSON client for /api/v1. Cookies are HttpOnly and sent by the browser;
// the CSRF token from the session answer is echoed on every state-changing
// request. Errors come back as problem+json and are thrown as ApiError.
import { reactive } from 'vue';

const CSRF_KEY = 'shegong.csrf';

export const session = reactive({
  user: null,
  csrf: readCsrf(),
});

function readCsrf() {
  try { return sessionStorage.getItem(CSRF_KEY) || ''; } catch { return ''; }
}

export function setCsrf(token) {
  session.csrf = token || '';
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch { /* ignore */ }
}

export function setSession(data) {
  session.user = data ? data.user : null;
  setCsrf(data ? data.csrf_token : '');
}

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.headers = headers;
  }

  // {field: message} from the problem's errors[] for form items
  fieldErrors() {
    const out = {};
    for (const e of this.problem.errors || []) {
      if (e && e.field && !out[e.field]) out[e.field] = e.message || e.code || '';
    }
    return out;
  }

  // the problem type's last segment: "/problems/csrf_failed" → "csrf_failed"
  get kind() {
    return String(this.problem.type || '').split('/').pop();
  }

  hasFieldError(field, code) {
    return (this.problem.errors || []).some((e) => e.field === field && (!code || e.code === code));
  }
}

let unauthorizedHandler = null;
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') p.append(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// opts: query (object), noAuthRedirect (don't treat 401 as "session over")
export async function request(method, path, body, opts = {}) {
  try {
    return await send(method, path, body, opts);
  } catch (err) {
    // A token lost with sessionStorage (or rotated in another tab): fetch
    // the session's token again and retry the request once.
    if (err.status === 403 && err.kind === 'csrf_failed' && !opts.retried && session.user) {
      const s = await send('GET', '/session', undefined, { noAuthRedirect: true }).catch(() => null);
      if (s && s.csrf_token) {
        setCsrf(s.csrf_token);
        return request(method, path, body, { ...opts, retried: true });
      }
    }
    // The server insists on a new password first: bring up the forced dialog.
    if (err.status === 403 && err.kind === 'password_change_required' && session.user) {
      session.user.must_change_password = true;
    }
    throw err;
  }
}

async function send(method, path, body, opts) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(method) && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let res;
  try {
    res = await fetch('api/v1' + path + queryString(opts.query), init);
  } catch (e) {
    throw new ApiError(0, { detail: '' }, null);
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, res.headers);
    if (res.status === 401 && !opts.noAuthRedirect && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return data;
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, undefined, { ...opts, query }),
  post: (path, body = {}, opts) => request('POST', path, body, opts),
  patch: (path, body = {}, opts) => request('PATCH', path, body, opts),
  put: (path, body = {}, opts) => request('PUT', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};

// A list answer is {items,total,...}; tolerate a bare array too.
export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  return (data && data.items) || [];
}

// Fetch every page of a list (per_page 200) and return all items.
export async function fetchAll(path, query = {}) {
  const perPage = 200;
  let page = 1;
  let all = [];
  for (;;) {
    const data = await api.get(path, { ...query, page, per_page: perPage });
    const items = itemsOf(data);
    all = all.concat(items);
    const total = Array.isArray(data) ? items.length : Number(data.total ?? items.length);
    if (items.length === 0 || all.length >= total) break;
    page += 1;
  }
  return all;
}

// The certificate PDF of a registration, for a plain download link: a GET,
// so the session cookie is all it needs.
export function certificatePdfUrl(regId) {
  return 'api/v1/registrations/' + encodeURIComponent(regId) + '/certificate.pdf';
}
