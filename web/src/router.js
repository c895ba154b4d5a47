// The route table drives the side menu: meta.title is an i18n key,
// meta.icon an Element Plus icon name, meta.roles the roles that may see
// the page (absent = every signed-in user), meta.group a menu group key,
// meta.order its place in the menu (a group sits where its first page does).
//
// Feature modules live in web/src/modules/NAME/ and bring their own
// routes.js, whose default export is
//   { groups: {key: {title, icon}}, routes: [...], details: [...],
//     public: [...] }
// (menu pages, pages reached from a list, pages open without sign-in), so
// that adding a module never edits this file.
import { createRouter, createWebHashHistory } from 'vue-router';
import { session } from './api.js';
import Layout from './layout/Layout.vue';

const modules = Object.values(import.meta.glob('./modules/*/routes.js', { eager: true }))
  .map((m) => m.default);

export const menuGroups = Object.assign({
  talent: { title: 'menu.talent', icon: 'UserFilled' },
  system: { title: 'menu.system', icon: 'Setting' },
  security: { title: 'menu.security', icon: 'Lock' },
}, ...modules.map((m) => m.groups || {}));

const coreRoutes = [
  {
    path: 'home', name: 'home', component: () => import('./views/Home.vue'),
    meta: { title: 'menu.home', icon: 'HomeFilled', order: 10 },
  },
  {
    path: 'regions', name: 'regions', component: () => import('./views/Regions.vue'),
    meta: { title: 'menu.regions', icon: 'Location', order: 20 },
  },
  {
    path: 'workers', name: 'workers', component: () => import('./views/Workers.vue'),
    meta: { title: 'menu.workers', icon: 'Postcard', group: 'talent', roles: ['bureau', 'org'], order: 30 },
  },
  {
    path: 'registrations', name: 'registrations', component: () => import('./views/Registrations.vue'),
    meta: { title: 'menu.registrations', icon: 'Stamp', group: 'talent', roles: ['bureau', 'org'], order: 31 },
  },
  {
    path: 'users', name: 'users', component: () => import('./views/Users.vue'),
    meta: { title: 'menu.users', icon: 'User', group: 'system', roles: ['sysadmin', 'bureau'], order: 90 },
  },
  {
    path: 'audit', name: 'audit', component: () => import('./views/Audit.vue'),
    meta: { title: 'menu.audit', icon: 'Document', group: 'security', roles: ['secadmin', 'auditor'], order: 95 },
  },
];

// Sorted by meta.order (stable, so equal orders keep their listed order).
export const appRoutes = [...coreRoutes, ...modules.flatMap((m) => m.routes || [])]
  .sort((a, b) => (a.meta.order ?? 50) - (b.meta.order ?? 50));

// Pages reached from a list, without a menu entry of their own: the menu
// highlights the list by the first path segment.
const detailRoutes = [
  {
    path: 'workers/new', name: 'worker-new', component: () => import('./views/WorkerForm.vue'),
    meta: { title: 'worker.createTitle', group: 'talent', roles: ['bureau', 'org'] },
  },
  {
    path: 'workers/:id/edit', name: 'worker-edit', component: () => import('./views/WorkerForm.vue'),
    meta: { title: 'worker.editTitle', group: 'talent', roles: ['bureau', 'org'] },
  },
  {
    path: 'workers/:id', name: 'worker', component: () => import('./views/WorkerDetail.vue'),
    meta: { title: 'worker.detailTitle', group: 'talent', roles: ['bureau', 'org'] },
  },
  ...modules.flatMap((m) => m.details || []),
];

export function canSee(route, user) {
  const roles = route.meta && route.meta.roles;
  return !roles || (user && roles.includes(user.role));
}

const routes = [
  {
    path: '/login', name: 'login', component: () => import('./views/Login.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/verify/:no', name: 'verify', component: () => import('./views/VerifyCertificate.vue'),
    meta: { public: true, title: 'verify.title' },
  },
  ...modules.flatMap((m) => m.public || []).map((r) => ({ ...r, meta: { ...r.meta, public: true } })),
  { path: '/', component: Layout, redirect: '/home', children: [...appRoutes, ...detailRoutes] },
  {
    path: '/:pathMatch(.*)*', name: 'notfound', component: () => import('./views/NotFound.vue'),
    meta: { title: 'error.notFound' },
  },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  if (to.meta.public) return true;
  if (!session.user) return { name: 'login', query: to.fullPath !== '/home' ? { redirect: to.fullPath } : {} };
  if (!canSee(to, session.user)) return { name: 'home' };
  return true;
});
