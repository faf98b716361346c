// The issue's scenario end to end, as a person does it in the browser, against the real server:
// first-run admin logs in, makes a mailbox, builds a three-email sequence, imports contacts from
// CSV, reads the first emails in the outbox, pauses, resumes and completes the sequence, and
// reads an enrollment's timeline.
//
// mailmark has no fake clock and no way to shorten a sequence's delays, and the builder's
// smallest unit is the minute: the delays here are long enough that no follow-up can go out
// while the test runs, so it checks that the first emails arrive and the follow-ups are
// scheduled (their due time shows), never waiting for real minutes.
import assert from 'node:assert/strict';

import { loginForm, logoutButton, useMailmark } from './harness/index.mjs';

const mm = useMailmark();

// Long enough for any slow run (see above), short enough to read as "in 45 minutes".
const FIRST_DELAY_MINUTES = 45;
const SECOND_DELAY_DAYS = 2;
// The scheduler sends as soon as contacts are imported; a loaded machine may take its time.
const DELIVERY_TIMEOUT_MS = 180_000;

const CONTACTS = [
  { email: 'ada@analytical.example', firstName: 'Ada', company: 'Analytical Engines' },
  { email: 'grace@navy.example', firstName: 'Grace', company: 'Hopper, Inc.' },
  { email: 'linus@kernel.example', firstName: 'Linus', company: 'Kernel Co' },
];
const CSV = [
  'email,firstName,company',
  ...CONTACTS.map((c) => [c.email, c.firstName, /,/.test(c.company) ? `"${c.company}"` : c.company].join(',')),
].join('\n');

const SEQUENCE = 'Welcome series';
const MAILBOX = 'Sales outbox';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until check() gives something truthy (retrying after `between`), or fails with `what`.
async function eventually(what, check, { timeout = 60_000, every = 500, between } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(every);
    if (between) await between();
  }
}

// The status badge beside a page's title.
function titleBadge(page) {
  return page.getByRole('heading', { level: 2 }).locator('xpath=..').locator('.mantine-Badge-label');
}

async function expectTitleStatus(page, status) {
  await eventually(`the page's status to be ${status}`, async () => (await titleBadge(page).textContent()).trim() === status);
}

function step(page, n, kind) {
  return page.getByRole('group', { name: `Step ${n}: ${kind}`, exact: true });
}

async function setDelay(group, { days = 0, hours = 0, minutes = 0 }) {
  await group.getByLabel('Days', { exact: true }).fill(String(days));
  await group.getByLabel('Hours', { exact: true }).fill(String(hours));
  await group.getByLabel('Minutes', { exact: true }).fill(String(minutes));
}

mm.test('a sequence from the first login to a completed sequence', async ({ page, server, shot }) => {
  // First run: the admin's password from the server's first start.
  await page.goto('/');
  const form = loginForm(page);
  await form.username.waitFor();
  await shot('01-login', { mobile: true });
  await form.username.fill(server.admin.username);
  await form.password.fill(server.admin.password);
  await form.submit.click();
  await logoutButton(page).waitFor();
  await page.getByRole('heading', { name: 'Mailboxes', level: 2 }).waitFor();
  await page.getByText('No mailboxes yet').waitFor();

  // A mailbox with the local outbox.
  await page.getByRole('button', { name: 'New mailbox' }).click();
  const create = page.getByRole('dialog', { name: 'New mailbox' });
  await create.getByLabel('Name', { exact: true }).fill(MAILBOX);
  await create.getByLabel('From name', { exact: true }).fill('Sam Sender');
  await create.getByLabel('From address', { exact: true }).fill('sam@mailmark.example');
  await create.getByRole('radio', { name: /^Local outbox/ }).check();
  await create.getByRole('button', { name: 'Create mailbox' }).click();
  await create.waitFor({ state: 'hidden' });
  await page.getByRole('tab', { name: 'Sequences', selected: true }).waitFor();

  // The list shows it; open it from there.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Mailboxes' }).click();
  const mailboxLink = page.getByRole('link', { name: MAILBOX, exact: true });
  await mailboxLink.waitFor();
  await page.getByText('Local outbox', { exact: true }).waitFor();
  await shot('02-mailboxes', { mobile: true });
  await mailboxLink.click();
  await page.getByRole('heading', { name: MAILBOX, level: 2 }).waitFor();
  await page.getByRole('tab', { name: 'Sequences', selected: true }).waitFor();
  await page.getByText('No sequences yet').waitFor();
  await shot('03-sequences-tab', { mobile: true });
  const mailboxUrl = page.url();

  // The builder: email, delay, reply in the thread, delay, email.
  await page.getByRole('button', { name: 'New sequence' }).click();
  await page.getByLabel('Sequence name', { exact: true }).fill(SEQUENCE);
  const first = step(page, 1, 'email');
  await first.getByLabel('Subject', { exact: true }).fill('Hello {{firstName}}');
  await first
    .getByLabel('HTML body', { exact: true })
    .fill('<h1>Welcome</h1>\n<p>Hi {{firstName}}, glad to have {{company|your team}} with us.</p>');
  // The live preview uses the sample values.
  await first.getByTestId('preview-subject').getByText('Hello Alice').waitFor();
  await first.frameLocator('iframe').getByText('Hi Alice, glad to have Acme Corp with us.').waitFor();

  await page.getByRole('button', { name: 'Add delay' }).click();
  await setDelay(step(page, 2, 'delay'), { minutes: FIRST_DELAY_MINUTES });
  await step(page, 2, 'delay').getByText(`Wait ${FIRST_DELAY_MINUTES} minutes before the next step.`).waitFor();

  await page.getByRole('button', { name: 'Add email' }).click();
  const followUp = step(page, 3, 'email');
  // An empty subject replies in the thread of the first email.
  await followUp.getByLabel('HTML body', { exact: true }).fill('<p>Just checking in, {{firstName}}.</p>');
  await followUp.getByTestId('preview-subject').getByText('Re: Hello Alice').waitFor();

  await page.getByRole('button', { name: 'Add delay' }).click();
  await setDelay(step(page, 4, 'delay'), { days: SECOND_DELAY_DAYS });

  await page.getByRole('button', { name: 'Add email' }).click();
  const last = step(page, 5, 'email');
  await last.getByLabel('Subject', { exact: true }).fill('Last note for {{firstName}}');
  await last.getByLabel('HTML body', { exact: true }).fill('<p>Bye for now, {{firstName}}.</p>');
  assert.equal(await page.getByRole('alert').count(), 0, 'the builder sees no problem');
  await shot('04-step-builder', { mobile: true });

  await page.getByRole('button', { name: 'Create sequence' }).click();
  await page.waitForURL(/\/sequences\/[^/]+$/);
  const sequenceUrl = page.url();
  await page.getByRole('heading', { name: SEQUENCE, level: 2 }).waitFor();
  await expectTitleStatus(page, 'active');
  const stepsTable = page.getByRole('table', { name: 'Steps' });
  await stepsTable.getByText('Hello {{firstName}}').waitFor();
  await stepsTable.getByText(`Wait ${FIRST_DELAY_MINUTES} minutes`).waitFor();
  await stepsTable.getByText('Re: previous subject').waitFor();
  await stepsTable.getByText(`Wait ${SECOND_DELAY_DAYS} days`).waitFor();
  await stepsTable.getByText('Last note for {{firstName}}').waitFor();
  await page.getByText('No contacts enrolled yet').waitFor();

  // Three contacts from a CSV file: the preview shows how the server will read it.
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import contacts from CSV' });
  await importDialog.getByLabel('CSV file').setInputFiles({
    name: 'contacts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(CSV),
  });
  const preview = importDialog.getByRole('table', { name: 'CSV preview' });
  await preview.waitFor();
  await preview.getByRole('columnheader', { name: 'email (email)' }).waitFor();
  await preview.getByRole('columnheader', { name: 'firstName' }).waitFor();
  await preview.getByRole('columnheader', { name: 'company' }).waitFor();
  for (const c of CONTACTS) {
    const row = preview.getByRole('row').filter({ hasText: c.email });
    await row.getByRole('cell', { name: c.firstName, exact: true }).waitFor();
    await row.getByRole('cell', { name: c.company, exact: true }).waitFor();
  }
  assert.equal(await preview.getByRole('row').count(), 4, 'a header and three rows');
  await importDialog.getByText('3 rows to import').waitFor();
  await shot('06-csv-import-preview', { mobile: true });
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  await importDialog.getByRole('status').getByText('Enrolled 3 contacts.').waitFor();
  assert.equal(await importDialog.getByRole('table', { name: 'Refused rows' }).count(), 0);
  await importDialog.getByRole('button', { name: 'Close' }).click();
  await importDialog.waitFor({ state: 'hidden' });

  const enrollments = page.getByRole('table', { name: 'Enrollments' });
  for (const c of CONTACTS) await enrollments.getByRole('link', { name: c.email }).waitFor();

  // The first emails, one per contact, in the outbox (sent by the scheduler in the background).
  await page.goto(mailboxUrl.replace(/\/sequences$/, '/outbox'));
  await page.getByRole('tab', { name: 'Outbox', selected: true }).waitFor();
  // The tab loads its list once: reload until it holds the three, judging each list only once
  // it has loaded (a check right after the reload would see nothing yet, however long we try).
  await eventually(
    'the three first emails in the outbox',
    async () => {
      await page.getByText(/^(\d+ messages?, newest first\.|The outbox is empty)$/).waitFor();
      return page.getByText('3 messages, newest first.', { exact: true }).isVisible();
    },
    { timeout: DELIVERY_TIMEOUT_MS, every: 1000, between: () => page.reload() },
  );
  for (const c of CONTACTS) {
    await page.getByRole('row').filter({ hasText: c.email }).getByRole('button', { name: `Hello ${c.firstName}` }).waitFor();
  }
  const grace = CONTACTS[1];
  await page.getByRole('button', { name: `Hello ${grace.firstName}`, exact: true }).click();
  const message = page.getByRole('dialog', { name: 'Message' });
  await message.getByRole('cell', { name: grace.email, exact: true }).waitFor();
  await message.getByRole('cell', { name: 'Sam Sender <sam@mailmark.example>', exact: true }).waitFor();
  const iframe = message.locator(`iframe[title="HTML body of “Hello ${grace.firstName}”"]`);
  assert.equal(await iframe.getAttribute('sandbox'), '', 'the email runs in an empty sandbox');
  const body = message.frameLocator(`iframe[title="HTML body of “Hello ${grace.firstName}”"]`);
  await body.getByRole('heading', { name: 'Welcome' }).waitFor();
  await body.getByText(`Hi ${grace.firstName}, glad to have ${grace.company} with us.`).waitFor();
  await shot('07-outbox-message', { mobile: true });
  await message.getByRole('tab', { name: 'Text' }).click();
  await message.getByText(`Hi ${grace.firstName}, glad to have ${grace.company} with us.`).waitFor();
  await page.keyboard.press('Escape');
  await message.waitFor({ state: 'hidden' });

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Save settings' }).waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), MAILBOX);
  await shot('08-settings-tab', { mobile: true });

  // Back to the sequence: the follow-ups are scheduled, not sent.
  await page.getByRole('tab', { name: 'Sequences' }).click();
  await page.getByRole('link', { name: SEQUENCE, exact: true }).waitFor();
  await shot('03-sequences-tab-with-sequence', { mobile: true });  // the README's picture
  await page.getByRole('link', { name: SEQUENCE, exact: true }).click();
  await page.getByRole('heading', { name: SEQUENCE, level: 2 }).waitFor();
  for (const c of CONTACTS) {
    const row = enrollments.getByRole('row').filter({ hasText: c.email });
    await row.getByText('active', { exact: true }).waitFor();
    const cells = row.getByRole('cell');
    assert.equal((await cells.nth(2).innerText()).trim(), 'Step 3', 'the follow-up is next');
    const due = cells.nth(3).locator('time');
    const at = Date.parse(await due.getAttribute('datetime'));
    assert.ok(at > Date.now(), `${c.email}'s next email is still to come`);
    assert.match(await due.innerText(), /^in /);
  }
  await expectCount(page, 'active', 3);
  await shot('05-sequence-page', { mobile: true });

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expectTitleStatus(page, 'paused');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expectTitleStatus(page, 'active');
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Complete sequence' }).click();
  const confirm = page.getByRole('dialog', { name: 'Complete this sequence?' });
  await confirm.getByText('(3 contacts now)').waitFor();
  await confirm.getByRole('button', { name: 'Complete', exact: true }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expectTitleStatus(page, 'completed');
  await page.getByText('This sequence is completed').waitFor();
  await expectCount(page, 'cancelled', 3);
  await expectCount(page, 'active', 0);
  for (const c of CONTACTS) {
    await enrollments.getByRole('row').filter({ hasText: c.email }).getByText('cancelled', { exact: true }).waitFor();
  }
  for (const name of ['Pause', 'Resume', 'Complete sequence', 'Enroll contact', 'Import CSV']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `no ${name} once completed`);
  }

  // One contact's story: the email it got and why it stopped.
  const ada = CONTACTS[0];
  await enrollments.getByRole('link', { name: ada.email }).click();
  await page.getByRole('heading', { name: ada.email, level: 2 }).waitFor();
  await expectTitleStatus(page, 'cancelled');
  await page.getByText('The sequence was completed', { exact: true }).first().waitFor();
  const timeline = page.getByLabel('Timeline');
  const sent = timeline.locator('[data-kind="message"]').filter({ hasText: `Email: Hello ${ada.firstName}` });
  await sent.getByText('sent', { exact: true }).waitFor();
  const stopped = timeline.locator('[data-kind="status"]').filter({ hasText: 'The sequence was completed' });
  await stopped.getByText('cancelled', { exact: true }).waitFor();
  await timeline.locator('[data-kind="status"]').filter({ hasText: 'Enrolled' }).waitFor();
  // The sender's word on the delivery is a note, not a status change.
  await timeline.locator('[data-kind="note"]').filter({ hasText: /^sent .*250/ }).waitFor();
  assert.equal(await timeline.locator('[data-kind="status"]').count(), 2, 'enrolled, then cancelled');
  await page.getByRole('cell', { name: ada.company, exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cancel enrollment' }).count(), 0);
  // The notes about pausing, resuming and completing close by themselves.
  await eventually('the notifications to close', async () => (await page.locator('.mantine-Notification-root').count()) === 0);
  await shot('09-enrollment-detail', { mobile: true });
});

// The sequence page's count for one status.
async function expectCount(page, status, n) {
  const counts = page.getByRole('list', { name: 'Enrollment counts' });
  const item = counts.getByRole('listitem').filter({ hasText: new RegExp(`^${status}`, 'i') });
  await eventually(`${n} ${status} in the counts`, async () => {
    const text = await item.innerText();
    return text.replace(/\s+/g, ' ').trim().toLowerCase() === `${status} ${n}`;
  });
}
