// Talent module (issue 3): the talent pool lists (人才库) and the review
// queue of corrections in the menu group 'talent', and a worker's own
// record (我的档案) for the worker role. A worker's history and pools are
// tabs of the worker page (views/WorkerDetail.vue, with WorkerHistory and
// WorkerPools from here).
export default {
  routes: [
    {
      path: 'pools', name: 'pools', component: () => import('./views/Pools.vue'),
      meta: { title: 'talent.members', icon: 'Medal', group: 'talent', roles: ['bureau', 'org'], order: 32 },
    },
    {
      path: 'corrections', name: 'corrections', component: () => import('./views/Corrections.vue'),
      meta: { title: 'talent.corrections', icon: 'EditPen', group: 'talent', roles: ['bureau'], order: 33 },
    },
    {
      path: 'me', name: 'my-record', component: () => import('./views/MyRecord.vue'),
      meta: { title: 'talent.myProfile', icon: 'Avatar', roles: ['worker'], order: 11 },
    },
  ],
};
