// The web UI without a mouse and on a phone: logging in with Tab and Enter only, no sideways
// scrolling of the page at 390x844 with the main actions in view, and a name for every field of
// the step builder and the enroll dialog (what a screen reader announces).
import assert from 'node:assert/strict';
import { before } from 'node:test';

import { MOBILE, logIn, loginForm, logoutButton, useMailmark } from './harness/index.mjs';

const mm = useMailmark();

const LONG_NAME = 'Quarterly follow-up for enterprise prospects in Southeast Asia and Oceania';
const LONG_EMAIL = 'a.very.long.mailbox.name.for.testing.wrapping@subdomain.of.a.long.example.org';

// One mailbox with a sequence and a few contacts, made through the API.
const fixture = {};
before(async () => {
  const { server } = await mm.ready;
  const ok = (r, what) => {
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const mailbox = ok(
    await server.api('POST', '/api/mailboxes', {
      body: {
        name: 'Phone check',
        fromName: 'Sam Sender',
        fromEmail: 'sam.sender.with.a.long.address@mailmark.example',
        transport: { type: 'outbox' },
      },
    }),
    'create the mailbox',
  );
  const sequence = ok(
    await server.api('POST', `/api/mailboxes/${mailbox.id}/sequences`, {
      body: {
        name: LONG_NAME,
        steps: [
          { type: 'send_email', subject: 'Hello {{firstName}} from {{company}}', html: '<p>Hi {{firstName}}</p>' },
          { type: 'delay', delayMs: 3 * 86_400_000 },
          { type: 'send_email', subject: '', html: '<p>Bump</p>' },
        ],
      },
    }),
    'create the sequence',
  );
  ok(
    await server.api('POST', `/api/sequences/${sequence.id}/enrollments/bulk`, {
      body: {
        contacts: [
          { contactEmail: LONG_EMAIL, mergeFields: { firstName: 'Long', company: 'Wide Things' } },
          { contactEmail: 'bo@short.example', mergeFields: { firstName: 'Bo', company: 'Short' } },
        ],
      },
    }),
    'enroll contacts',
  );
  Object.assign(fixture, { mailbox, sequence });
});

// Presses Tab until `isTarget(activeElement)` holds; fails after `max` presses.
async function tabTo(page, what, isTarget, max = 12) {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate(isTarget)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${what} is not reachable with Tab`);
}

mm.test('logging in and out with the keyboard only', async ({ page, server }) => {
  await page.goto('/');
  await loginForm(page).username.waitFor();
  await tabTo(page, 'the Username field', () => document.activeElement?.getAttribute('autocomplete') === 'username');
  await page.keyboard.type(server.admin.username);
  await page.keyboard.press('Tab');
  await tabTo(page, 'the Password field', () => document.activeElement?.getAttribute('autocomplete') === 'current-password', 2);
  await page.keyboard.type(server.admin.password);
  // Enter in a field submits the form; Tab then Enter on the button would too.
  await tabTo(page, 'the Log in button', () => document.activeElement?.textContent?.trim() === 'Log in', 3);
  await page.keyboard.press('Enter');
  await logoutButton(page).waitFor();
  assert.equal((await page.request.get('/api/session')).status(), 200);

  await tabTo(page, 'the Log out button', () => document.activeElement?.textContent?.trim() === 'Log out', 20);
  await page.keyboard.press('Enter');
  await loginForm(page).submit.waitFor();
  assert.equal((await page.request.get('/api/session')).status(), 401);

  // Enter in the password field submits too, and a wrong password is announced.
  await loginForm(page).username.focus();
  await page.keyboard.type(server.admin.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
});

// The page never scrolls sideways (tables scroll inside their own box), and each of `actions`
// is on screen horizontally.
async function expectFitsPhone(page, where, actions) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.equal(innerWidth, MOBILE.width);
  assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  for (const action of actions) {
    await action.waitFor();
    const box = await action.boundingBox();
    assert.ok(box, `${where}: ${action} has a box`);
    assert.ok(box.x >= 0 && box.x + box.width <= innerWidth, `${where}: ${action} is cut off at x=${box.x}+${box.width}`);
  }
}

mm.test('the mailbox view and the sequence page fit a 390 px phone', async ({ page, server, shot }) => {
  await logIn(page, server.admin);
  await page.setViewportSize(MOBILE);
  const button = (name) => page.getByRole('button', { name, exact: true });
  const tab = (name) => page.getByRole('tab', { name, exact: true });

  await page.goto('/mailboxes');
  await page.getByRole('link', { name: 'Phone check' }).waitFor();
  await expectFitsPhone(page, 'mailboxes', [button('New mailbox'), logoutButton(page)]);

  await page.goto(`/mailboxes/${fixture.mailbox.id}/sequences`);
  await page.getByRole('link', { name: LONG_NAME }).waitFor();
  await expectFitsPhone(page, 'sequences tab', [
    button('New sequence'),
    tab('Sequences'),
    tab('Outbox'),
    tab('Settings'),
    logoutButton(page),
  ]);

  await tab('Outbox').click();
  // Two first emails go out in the background; either way the tab must fit.
  await page.getByText(/The outbox is empty|messages?, newest first/).waitFor();
  await expectFitsPhone(page, 'outbox tab', [tab('Outbox')]);

  await tab('Settings').click();
  await expectFitsPhone(page, 'settings tab', [button('Save settings'), button('Delete mailbox')]);

  await page.goto(`/sequences/${fixture.sequence.id}`);
  await page.getByRole('heading', { name: LONG_NAME, level: 2 }).waitFor();
  await page.getByRole('link', { name: LONG_EMAIL }).waitFor();
  await expectFitsPhone(page, 'sequence page', [
    button('Pause'),
    button('Complete sequence'),
    button('Edit steps'),
    button('Enroll contact'),
    button('Import CSV'),
    page.getByLabel('Search by email'),
  ]);
  await shot('mobile-sequence-long-names', { mobile: true });

  await button('Edit steps').click();
  await button('Save steps').waitFor();
  await expectFitsPhone(page, 'editing the steps', [button('Save steps'), button('Cancel editing'), button('Add email')]);

  await page.goto(`/mailboxes/${fixture.mailbox.id}/sequences/new`);
  await button('Create sequence').waitFor();
  await expectFitsPhone(page, 'new sequence', [button('Create sequence'), button('Add email'), button('Add delay')]);
});

// The accessible name of each form field in `scope`, from the browser's accessibility tree
// (Playwright's ARIA snapshot of the element: `- textbox "Subject": value`).
async function fieldNames(scope) {
  const fields = scope.locator('input:not([type=hidden]), textarea, select');
  const count = await fields.count();
  assert.ok(count > 0, 'there are fields to check');
  const names = [];
  for (let i = 0; i < count; i++) {
    const field = fields.nth(i);
    const snapshot = (await field.ariaSnapshot()).trim();
    const html = await field.evaluate((el) => el.outerHTML.slice(0, 200));
    assert.ok(snapshot, `a field is left out of the accessibility tree: ${html}`);
    const named = /^- [a-z]+ "([^"]+)"/.exec(snapshot);
    assert.ok(named, `a field without an accessible name (${snapshot}): ${html}`);
    names.push(named[1]);
  }
  return names;
}

mm.test('every field of the builder and of the enroll dialog has a name', async ({ page, server }) => {
  await logIn(page, server.admin);
  await page.goto(`/mailboxes/${fixture.mailbox.id}/sequences/new`);
  await page.getByRole('button', { name: 'Add delay' }).click();
  await page.getByRole('button', { name: 'Add email' }).click();
  await page.getByRole('group', { name: 'Step 3: email' }).getByLabel('HTML body').fill('<p>{{firstName}}</p>');
  const builder = page.getByRole('form', { name: 'New sequence' });
  const names = await fieldNames(builder);
  for (const expected of ['Sequence name', 'Sample email', 'Sample firstName', 'Subject', 'HTML body', 'Days', 'Hours', 'Minutes']) {
    assert.ok(names.includes(expected), `the builder has a field named ${expected}: ${names.join(', ')}`);
  }
  assert.equal(names.filter((n) => n === 'Subject').length, 2, 'one subject per email');

  await page.goto(`/sequences/${fixture.sequence.id}`);
  await page.getByRole('button', { name: 'Enroll contact' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enroll a contact' });
  await dialog.getByRole('button', { name: 'Add field' }).click();
  const dialogNames = await fieldNames(dialog);
  assert.deepEqual(dialogNames, ['Email', 'Field name 1', 'Value 1', 'Field name 2', 'Value 2', 'Field name 3', 'Value 3']);
  // Its buttons are named too (the remove buttons are only icons).
  for (const name of ['Remove field 1', 'Remove field 3', 'Add field', 'Enroll', 'Cancel']) {
    await dialog.getByRole('button', { name, exact: true }).waitFor();
  }
});
