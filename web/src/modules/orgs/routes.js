// Organisations (机构): the list in the "机构与站点" menu group, with form and
// detail pages reached from it; the rating cut-offs page (sysadmin edits).
const ROLES = ['bureau', 'org', 'sysadmin'];

export default {
  groups: { org: { title: 'orgs.group', icon: 'OfficeBuilding' } },
  routes: [
    {
      path: 'orgs', name: 'orgs', component: () => import('./views/Orgs.vue'),
      meta: { title: 'orgs.menu', icon: 'OfficeBuilding', group: 'org', roles: ROLES, order: 40 },
    },
    {
      path: 'orgs/rating-settings', name: 'org-rating-settings',
      component: () => import('./views/OrgRatingSettings.vue'),
      meta: { title: 'orgs.cutoffs.menu', icon: 'Medal', group: 'org', roles: ['sysadmin', 'bureau'], order: 49 },
    },
  ],
  details: [
    {
      path: 'orgs/new', name: 'org-new', component: () => import('./views/OrgForm.vue'),
      meta: { title: 'orgs.createTitle', group: 'org', roles: ['bureau'] },
    },
    {
      path: 'orgs/:id/edit', name: 'org-edit', component: () => import('./views/OrgForm.vue'),
      meta: { title: 'orgs.editTitle', group: 'org', roles: ['bureau'] },
    },
    {
      path: 'orgs/:id', name: 'org', component: () => import('./views/OrgDetail.vue'),
      meta: { title: 'orgs.detailTitle', group: 'org', roles: ROLES },
    },
  ],
};
