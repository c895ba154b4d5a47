// Entry: restore the session (GET /session), then mount.
import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import * as Icons from '@element-plus/icons-vue';
import App from './App.vue';
import { i18n } from './i18n.js';
import { router } from './router.js';
import { api, session, setSession, onUnauthorized } from './api.js';
import './styles/main.css';

onUnauthorized(() => {
  if (!session.user) return;
  setSession(null);
  const current = router.currentRoute.value;
  if (!current.meta.public) router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
});

async function boot() {
  try {
    setSession(await api.get('/session', undefined, { noAuthRedirect: true }));
  } catch {
    setSession(null);
  }
  const app = createApp(App);
  for (const [name, comp] of Object.entries(Icons)) app.component(name, comp);
  app.use(i18n);
  app.use(ElementPlus);
  app.use(router);
  app.mount('#app');
}

boot();
