// Routes, each page a chunk of its own. A page behind a role sends a visitor
// who is not signed in to the sign-in page (and back afterwards), and one
// whose role may not use it to a page that says so.
import { createRouter, createWebHistory } from 'vue-router';
import { session } from './lib/session.js';
import { loadSession } from './lib/auth.js';
import { homeOf, mayOpen } from './lib/roles.js';

const routes = [
  // The start page: the role's own page once signed in (an official's is the
  // dashboard). A guard, not a redirect, so that it runs after the session is loaded.
  {
    path: '/',
    name: 'home',
    component: { render: () => null },
    meta: { public: true },
    beforeEnter: () => ({ name: session.user ? homeOf(session.user.role) : 'sign-in' }),
  },
  { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/Dashboard.vue') },
  { path: '/registry', name: 'registry', component: () => import('./pages/Registry.vue') },
  { path: '/reports', name: 'reports', component: () => import('./pages/Reports.vue') },
  { path: '/logistics', name: 'logistics', component: () => import('./pages/Logistics.vue') },
  { path: '/outlet', name: 'outlet', component: () => import('./pages/Outlet.vue') },
  { path: '/shop', name: 'shop', component: () => import('./pages/Shop.vue'), meta: { public: true } },
  { path: '/orders', name: 'orders', component: () => import('./pages/Orders.vue') },
  { path: '/trace/:code', name: 'trace', component: () => import('./pages/Trace.vue'), meta: { public: true, bare: true } },
  { path: '/t/:code', redirect: (to) => ({ name: 'trace', params: { code: to.params.code } }) },
  { path: '/not-allowed', name: 'not-allowed', component: () => import('./pages/NotAllowed.vue'), meta: { public: true } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  if (!session.loaded && !to.meta.bare) {
    try {
      await loadSession();
    } catch {
      // the server is unreachable: public pages still open; others say so on their own
    }
  }
  if (to.meta.public) return true;
  if (!session.user) return { name: 'sign-in', query: { next: to.fullPath } };
  if (!mayOpen(session.user.role, to.name)) return { name: 'not-allowed', query: { page: to.name } };
  return true;
});
