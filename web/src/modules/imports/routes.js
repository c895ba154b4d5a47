// Data collection (数据采集, issue 5): bulk import of spreadsheets as
// background jobs, in a menu group of its own.
const IMPORTERS = ['bureau', 'org'];

export default {
  groups: {
    data: { title: 'imports.menu', icon: 'Upload' },
  },
  routes: [
    {
      path: 'imports', name: 'imports', component: () => import('./views/Imports.vue'),
      meta: { title: 'imports.title', icon: 'Upload', group: 'data', roles: IMPORTERS, order: 60 },
    },
  ],
  details: [],
  public: [],
};
