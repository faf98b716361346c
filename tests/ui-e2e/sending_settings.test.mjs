// Sending like a person, set in the browser against the real server: a mailbox's time zone,
// daily limit, send gap and bounce protection in its Settings tab, and a sequence's weekly
// sending window in the contacts' time zones on its page; each saved, read back through the
// API, and seen again after a reload. Then an enrolled contact's next send on its own clock.
import assert from 'node:assert/strict';
import { before } from 'node:test';

import { MOBILE, logIn, useMailmark } from './harness/index.mjs';

const mm = useMailmark();

const SCHEDULE_WORDS =
  "Now: Mon–Fri, 09:00–17:00, in each contact's time zone (America/New_York when a contact has none).";

// One mailbox (local outbox) and a sequence of two emails three days apart, made through the API.
const fixture = {};
before(async () => {
  const { server } = await mm.ready;
  const ok = (r, what) => {
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const mailbox = ok(
    await server.api('POST', '/api/mailboxes', {
      body: { name: 'Paced mailbox', fromName: 'Sam Sender', fromEmail: 'sam@mailmark.example', transport: { type: 'outbox' } },
    }),
    'create the mailbox',
  );
  const sequence = ok(
    await server.api('POST', `/api/mailboxes/${mailbox.id}/sequences`, {
      body: {
        name: 'Business hours outreach',
        steps: [
          { type: 'send_email', subject: 'Hello {{firstName}}', html: '<p>Hi {{firstName}}</p>' },
          { type: 'delay', delayMs: 3 * 86_400_000 },
          { type: 'send_email', subject: '', html: '<p>Bump</p>' },
        ],
      },
    }),
    'create the sequence',
  );
  Object.assign(fixture, { mailbox, sequence });
});

// A Mantine switch's input has no size of its own: a person clicks its label.
async function setSwitch(scope, name, on) {
  const control = scope.getByRole('switch', { name, exact: true });
  if ((await control.isChecked()) !== on) await control.locator('xpath=ancestor::label[1]').click();
  assert.equal(await control.isChecked(), on, `the switch "${name}" is ${on ? 'on' : 'off'}`);
}

// Types a zone into a time zone field and picks it from the list it offers.
async function pickTimeZone(page, scope, zone) {
  const field = scope.getByRole('textbox', { name: 'Time zone', exact: true });
  await field.fill(zone);
  await page.getByRole('option', { name: zone, exact: true }).click();
  assert.equal(await field.inputValue(), zone);
}

async function expectFitsPhone(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth}px wide in a ${innerWidth}px window`);
}

mm.test('a mailbox’s time zone, daily limit, send gap and bounce protection', async ({ page, server, shot }) => {
  await logIn(page, server.admin);
  await page.goto(`/mailboxes/${fixture.mailbox.id}/settings`);
  const save = page.getByRole('button', { name: 'Save settings', exact: true });
  await save.waitFor();
  // A new mailbox sends, and offers to pause.
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Time zone', exact: true }).inputValue(), 'UTC');

  await pickTimeZone(page, page, 'Europe/Berlin');
  await page.getByLabel('Daily sending limit', { exact: true }).fill('40');
  await page.getByLabel('Minimum gap (seconds)', { exact: true }).fill('60');
  await page.getByLabel('Maximum gap (seconds)', { exact: true }).fill('120');
  await page.getByText('A random pause of 1 min to 2 min between two emails', { exact: false }).waitFor();
  await setSwitch(page, 'Pause the mailbox when too many sends bounce', true);
  await page.getByLabel('Bounce limit (%)', { exact: true }).fill('5');
  await page.getByLabel('Over the last (sends)', { exact: true }).fill('20');
  await save.click();
  await page.getByText('Settings saved.', { exact: true }).waitFor();

  const stored = (await server.api('GET', `/api/mailboxes/${fixture.mailbox.id}`)).body;
  assert.equal(stored.timezone, 'Europe/Berlin');
  assert.equal(stored.dailyLimit, 40);
  assert.deepEqual(stored.sendGap, { minMs: 60_000, maxMs: 120_000 });
  assert.deepEqual(stored.bounceProtection, { maxPercent: 5, overLast: 20 });

  await page.reload();
  await save.waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Time zone', exact: true }).inputValue(), 'Europe/Berlin');
  assert.equal(await page.getByLabel('Daily sending limit', { exact: true }).inputValue(), '40');
  assert.equal(await page.getByLabel('Minimum gap (seconds)', { exact: true }).inputValue(), '60');
  assert.equal(await page.getByLabel('Maximum gap (seconds)', { exact: true }).inputValue(), '120');
  assert.equal(await page.getByRole('switch', { name: 'Pause the mailbox when too many sends bounce' }).isChecked(), true);
  assert.equal(await page.getByLabel('Bounce limit (%)', { exact: true }).inputValue(), '5');
  assert.equal(await page.getByLabel('Over the last (sends)', { exact: true }).inputValue(), '20');
  // Today's count against the limit, and when it starts again on the mailbox's clock.
  const today = page.getByTestId('sent-today');
  await today.getByText(/^Sent today: \d+ of 40\./).waitFor();
  assert.match(await today.innerText(), /\(Europe\/Berlin\)/);
  await shot('sending-settings', { mobile: true });

  await page.setViewportSize(MOBILE);
  await expectFitsPhone(page, 'the settings tab');
});

mm.test('a sequence’s weekly sending window in the contacts’ time zones', async ({ page, server, shot }) => {
  await logIn(page, server.admin);
  await page.goto(`/sequences/${fixture.sequence.id}`);
  const card = page.getByRole('region', { name: 'Sending schedule' });
  await card.waitFor();
  await card.getByText('Now: Any time: emails go out as soon as they are due.', { exact: true }).waitFor();

  await card.getByRole('radio', { name: 'Only inside a weekly window', exact: true }).check();
  for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await card.getByRole('checkbox', { name: day, exact: true }).check();
  for (const day of ['Sat', 'Sun']) await card.getByRole('checkbox', { name: day, exact: true }).uncheck();
  await card.getByLabel('Start time', { exact: true }).selectOption('09:00');
  await card.getByLabel('End time', { exact: true }).selectOption('17:00');
  await pickTimeZone(page, card, 'America/New_York');
  await setSwitch(card, "Use each contact's time zone", true);
  // Delays count calendar time: the page says so.
  await card.getByText(/a 3-day delay that ends on a Saturday waits for Monday’s opening/).waitFor();
  await card.getByRole('button', { name: 'Save schedule', exact: true }).click();
  await page.getByText('Sending schedule saved.', { exact: true }).waitFor();
  await card.getByText(SCHEDULE_WORDS, { exact: true }).waitFor();

  const stored = (await server.api('GET', `/api/sequences/${fixture.sequence.id}`)).body;
  assert.deepEqual(stored.schedule, {
    timezone: 'America/New_York',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    from: '09:00',
    to: '17:00',
    useContactTimezone: true,
  });

  await page.reload();
  await card.waitFor();
  await card.getByText(SCHEDULE_WORDS, { exact: true }).waitFor();
  assert.equal(await card.getByRole('radio', { name: 'Only inside a weekly window' }).isChecked(), true);
  for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) {
    assert.equal(await card.getByRole('checkbox', { name: day, exact: true }).isChecked(), true, `${day} is on`);
  }
  for (const day of ['Sat', 'Sun']) {
    assert.equal(await card.getByRole('checkbox', { name: day, exact: true }).isChecked(), false, `${day} is off`);
  }
  assert.equal(await card.getByLabel('Start time', { exact: true }).inputValue(), '09:00');
  assert.equal(await card.getByLabel('End time', { exact: true }).inputValue(), '17:00');
  assert.equal(await card.getByRole('textbox', { name: 'Time zone', exact: true }).inputValue(), 'America/New_York');
  assert.equal(await card.getByRole('switch', { name: "Use each contact's time zone" }).isChecked(), true);
  await page.getByRole('region', { name: 'Mailbox rotation' }).getByText('Sends only from Paced mailbox.').waitFor();
  await shot('sending-schedule', { mobile: true });

  await page.setViewportSize(MOBILE);
  await expectFitsPhone(page, 'the sequence page with a sending window');
});

mm.test('an enrolled contact’s next send is shown on its own clock', async ({ page, server }) => {
  const enrolled = await server.api('POST', `/api/sequences/${fixture.sequence.id}/enrollments`, {
    body: { contactEmail: 'chi@windy.example', mergeFields: { firstName: 'Chi', timezone: 'America/Chicago' } },
  });
  assert.ok(enrolled.status >= 200 && enrolled.status < 300, `enroll: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  assert.equal(enrolled.body.sendTimezone, 'America/Chicago');
  assert.equal(enrolled.body.mailboxId, fixture.mailbox.id);

  await logIn(page, server.admin);
  await page.goto(`/sequences/${fixture.sequence.id}`);
  const row = page.getByRole('table', { name: 'Enrollments' }).getByRole('row').filter({ hasText: 'chi@windy.example' });
  await row.getByText(/\(America\/Chicago\)$/).waitFor();

  await row.getByRole('link', { name: 'chi@windy.example' }).click();
  await page.getByRole('heading', { name: 'chi@windy.example', level: 2 }).waitFor();
  await page.getByText(/\(America\/Chicago\)$/).first().waitFor();
  await page.getByRole('link', { name: 'Paced mailbox', exact: true }).waitFor();
});
