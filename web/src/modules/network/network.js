// Shared bits of the station, post and coverage pages.
import { reactive } from 'vue';
import { api, itemsOf } from '../../api.js';

export const TIERS = ['centre', 'station', 'room'];
export const STATION_STATUSES = ['active', 'closed'];
export const UNIT_TYPES = ['org', 'government', 'public_institution', 'community'];
export const LEVELS = ['none', 'assistant', 'intermediate', 'senior'];
export const HAVES = ['site', 'equipment', 'staff', 'functions', 'procedures', 'rules'];

// Service fields (code → Chinese name), loaded once per page visit.
export const fieldNames = reactive({});
export async function loadFieldNames() {
  if (Object.keys(fieldNames).length) return;
  for (const f of itemsOf(await api.get('/workers/service-fields'))) fieldNames[f.code] = f.name;
}

// A coverage share (0..1 or null) as a percentage text.
export function percent(share) {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

// The colour class of a share: red < 50 %, orange < 90 %, green from 90 %.
export function shareClass(share) {
  if (share === null || share === undefined) return 'sg-cov-none';
  if (share < 0.5) return 'sg-cov-low';
  return share < 0.9 ? 'sg-cov-mid' : 'sg-cov-high';
}

// A server-paged list: rows of GET path with the filters, page by page.
export function usePagedList(path, filters) {
  const state = reactive({ rows: [], total: 0, page: 1, perPage: 20, loading: false });
  async function load(p = state.page) {
    state.loading = true;
    try {
      const data = await api.get(path, { ...filters, page: p, per_page: state.perPage });
      state.rows = data.items;
      state.total = data.total;
      state.page = p;
    } finally {
      state.loading = false;
    }
  }
  return { state, load };
}
