// Logging in and out of the web UI served by `mailmark serve --ui-dir`, as a person does it.
import assert from 'node:assert/strict';

import { logIn, loginForm, logoutButton, useMailmark } from './harness/index.mjs';

const mm = useMailmark(); // needs MAILMARK_BIN and MAILMARK_UI_DIR

// The API answers "Wrong username or password."; the UI may word it its own way.
const BAD_LOGIN = /invalid|incorrect|wrong/i;

async function expectLoginForm(page) {
  const form = loginForm(page);
  await form.username.waitFor();
  await form.password.waitFor();
  await form.submit.waitFor();
  return form;
}

mm.test('/ sends a visitor who is not logged in to the login form', async ({ page, shot }) => {
  await page.goto('/');
  await expectLoginForm(page);
  assert.match(new URL(page.url()).pathname, /login/i, 'the address says where we are');
  assert.equal(await logoutButton(page).count(), 0);
  await shot('login-form', { mobile: true });
});

mm.test('a wrong password shows an error and keeps the form', async ({ page, server, shot }) => {
  await page.goto('/');
  const form = await expectLoginForm(page);
  await form.username.fill(server.admin.username);
  await form.password.fill('not-the-password');
  await form.submit.click();
  const alert = page.getByRole('alert').filter({ hasText: BAD_LOGIN }).first();
  await alert.waitFor();
  assert.match(await alert.innerText(), BAD_LOGIN);
  await form.submit.waitFor();
  assert.equal(await logoutButton(page).count(), 0, 'not logged in');
  assert.equal((await page.request.get('/api/session')).status(), 401, 'no session was made');
  await shot('login-wrong-password', { mobile: true });
});

mm.test('the right password logs in, the session survives a reload, Log out ends it', async ({
  page,
  server,
  shot,
}) => {
  await page.goto('/');
  const form = await expectLoginForm(page);
  await form.username.fill(server.admin.username);
  await form.password.fill(server.admin.password);
  await form.submit.click();
  await logoutButton(page).waitFor();
  assert.equal(await form.submit.count(), 0, 'the login form is gone');
  const me = await page.request.get('/api/session');
  assert.equal(me.status(), 200);
  assert.equal((await me.json()).name, server.admin.username);
  await shot('logged-in', { mobile: true });

  await page.reload();
  await logoutButton(page).waitFor();

  await logoutButton(page).click();
  await expectLoginForm(page);
  assert.equal((await page.request.get('/api/session')).status(), 401, 'the session is over');
  await page.reload();
  await expectLoginForm(page);
  await shot('logged-out');
});

mm.test('a user made with `mailmark user create` logs in too', async ({ page, server }) => {
  const user = server.createUser('login-e2e', 'a long enough password');
  await logIn(page, user);
  const me = await page.request.get('/api/session');
  assert.equal((await me.json()).name, 'login-e2e');
});
