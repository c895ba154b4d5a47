// The service network (三级服务体系): stations, posts and coverage, in the
// "机构与站点" menu group that the organisations module defines.
const ROLES = ['bureau', 'org', 'sysadmin'];
const WRITE = ['bureau'];

export default {
  routes: [
    {
      path: 'stations', name: 'stations', component: () => import('./views/Stations.vue'),
      meta: { title: 'network.stations.menu', icon: 'House', group: 'org', roles: ROLES, order: 41 },
    },
    {
      path: 'posts', name: 'posts', component: () => import('./views/Posts.vue'),
      meta: { title: 'network.posts.menu', icon: 'Suitcase', group: 'org', roles: ROLES, order: 42 },
    },
    {
      path: 'coverage', name: 'coverage', component: () => import('./views/Coverage.vue'),
      meta: { title: 'network.coverage.menu', icon: 'MapLocation', group: 'org', roles: ROLES, order: 43 },
    },
  ],
  details: [
    {
      path: 'stations/new', name: 'station-new', component: () => import('./views/StationForm.vue'),
      meta: { title: 'network.stations.createTitle', group: 'org', roles: WRITE },
    },
    {
      path: 'stations/:id/edit', name: 'station-edit', component: () => import('./views/StationForm.vue'),
      meta: { title: 'network.stations.editTitle', group: 'org', roles: WRITE },
    },
    {
      path: 'stations/:id', name: 'station', component: () => import('./views/StationDetail.vue'),
      meta: { title: 'network.stations.detailTitle', group: 'org', roles: ROLES },
    },
    {
      path: 'posts/new', name: 'post-new', component: () => import('./views/PostForm.vue'),
      meta: { title: 'network.posts.createTitle', group: 'org', roles: WRITE },
    },
    {
      path: 'posts/:id/edit', name: 'post-edit', component: () => import('./views/PostForm.vue'),
      meta: { title: 'network.posts.editTitle', group: 'org', roles: WRITE },
    },
    {
      path: 'posts/:id', name: 'post', component: () => import('./views/PostDetail.vue'),
      meta: { title: 'network.posts.detailTitle', group: 'org', roles: ROLES },
    },
  ],
};
