// Statistics and planning targets (issue 6): the dashboard and the target
// sets in a menu group of their own, a target's progress page reached from
// the list, and the public disclosure page (信息公开), open without sign-in.
const READERS = ['bureau', 'org', 'sysadmin'];

export default {
  groups: {
    stats: { title: 'stats.menu', icon: 'DataAnalysis' },
  },
  routes: [
    {
      path: 'dashboard', name: 'dashboard', component: () => import('./views/Dashboard.vue'),
      meta: { title: 'stats.dashboard', icon: 'Odometer', group: 'stats', roles: READERS, order: 40 },
    },
    {
      path: 'targets', name: 'targets', component: () => import('./views/Targets.vue'),
      meta: { title: 'stats.targets', icon: 'Aim', group: 'stats', roles: READERS, order: 41 },
    },
  ],
  details: [
    {
      path: 'targets/:id', name: 'target', component: () => import('./views/TargetProgress.vue'),
      meta: { title: 'stats.target.progressTitle', group: 'stats', roles: READERS },
    },
  ],
  public: [
    {
      path: '/public', name: 'public', component: () => import('./views/Public.vue'),
      meta: { title: 'stats.public.title' },
    },
  ],
};
