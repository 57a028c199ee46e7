// The sign-in page as a component: a missing field and each refusal of the
// server give their message; success goes to the role's page or `next`.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import SignIn from '../src/pages/SignIn.vue';
import { i18n } from '../src/i18n.js';
import { session } from '../src/lib/session.js';

async function mountSignIn(path = '/sign-in') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/sign-in', component: SignIn },
      { path: '/:page', component: { template: '<p>page</p>' }, name: 'page' },
      { path: '/dashboard', name: 'dashboard', component: { template: '<p>dashboard</p>' } },
      { path: '/outlet', name: 'outlet', component: { template: '<p>outlet</p>' } },
    ],
  });
  router.push(path);
  await router.isReady();
  const el = document.createElement('div');
  document.body.appendChild(el);
  const app = createApp({ template: '<RouterView />' });
  app.use(router).use(i18n).mount(el);
  await nextTick();
  return { el, router, app };
}

async function submit(el, username, password) {
  const user = el.querySelector('#username');
  const pass = el.querySelector('#password');
  user.value = username;
  user.dispatchEvent(new Event('input'));
  pass.value = password;
  pass.dispatchEvent(new Event('input'));
  el.querySelector('form').dispatchEvent(new Event('submit'));
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

afterEach(() => {
  vi.unstubAllGlobals();
  session.set(null);
  document.body.innerHTML = '';
});

describe('sign-in page', () => {
  test('every field is labelled', async () => {
    const { el } = await mountSignIn();
    for (const input of el.querySelectorAll('input')) {
      expect(el.querySelector(`label[for="${input.id}"]`)).not.toBeNull();
    }
  });

  test('asks for both fields before calling the server', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { el } = await mountSignIn();
    await submit(el, 'official', '');
    expect(fetch).not.toHaveBeenCalled();
    expect(el.querySelector('[role=alert]').textContent).toBe('请输入用户名和密码。');
  });

  test('a lock-out says how long to wait', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'too_many_requests', message: 'x' } }),
      { status: 429, headers: { 'Retry-After': '540' } })));
    const { el } = await mountSignIn();
    await submit(el, 'official', 'bad');
    expect(el.querySelector('[role=alert]').textContent).toContain('9 分钟');
    expect(el.querySelector('#password').value).toBe('');
  });

  test('success goes to the role\'s own page, or back where the visitor was going', async () => {
    const ok = (role) => vi.fn(async () => new Response(JSON.stringify({
      user: { username: 'u', role, region: { code: '622926101201', name: '上科妥村委会' } }, csrf_token: 't' }),
    { status: 200 }));
    vi.stubGlobal('fetch', ok('outlet_operator'));
    let m = await mountSignIn();
    await submit(m.el, 'outlet', 'fupin-demo');
    expect(m.router.currentRoute.value.path).toBe('/outlet');
    expect(session.csrf).toBe('t');
    m.app.unmount();

    vi.stubGlobal('fetch', ok('official'));
    m = await mountSignIn('/sign-in?next=/reports');
    await submit(m.el, 'official', 'fupin-demo');
    expect(m.router.currentRoute.value.path).toBe('/reports');
  });
});
