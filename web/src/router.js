// The route table drives the side menu: meta.title is an i18n key,
// meta.icon an Element Plus icon name, meta.roles the roles that may see
// the page (absent = every signed-in user), meta.group a menu group key.
// Later modules (workers, orgs, imports, stats) add their routes here.
import { createRouter, createWebHashHistory } from 'vue-router';
import { session } from './api.js';
import Layout from './layout/Layout.vue';

export const menuGroups = {
  system: { title: 'menu.system', icon: 'Setting' },
  security: { title: 'menu.security', icon: 'Lock' },
};

export const appRoutes = [
  {
    path: 'home', name: 'home', component: () => import('./views/Home.vue'),
    meta: { title: 'menu.home', icon: 'HomeFilled' },
  },
  {
    path: 'regions', name: 'regions', component: () => import('./views/Regions.vue'),
    meta: { title: 'menu.regions', icon: 'Location' },
  },
  {
    path: 'users', name: 'users', component: () => import('./views/Users.vue'),
    meta: { title: 'menu.users', icon: 'User', group: 'system', roles: ['sysadmin', 'bureau'] },
  },
  {
    path: 'audit', name: 'audit', component: () => import('./views/Audit.vue'),
    meta: { title: 'menu.audit', icon: 'Document', group: 'security', roles: ['secadmin', 'auditor'] },
  },
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
  { path: '/', component: Layout, redirect: '/home', children: appRoutes },
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
