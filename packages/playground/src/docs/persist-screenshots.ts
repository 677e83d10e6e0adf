// Writes the widget README's screenshots of a reload with `persist` to
// packages/widget/docs/images/: the playground's real stack in offline demo mode, driven in
// Chromium through a short conversation, a reload, and the conversation going on.
// Run after the build: flock /tmp/heavy.lock node packages/playground/dist/docs/persist-screenshots.js
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeToneWav, waitFor } from '@voice-agent/testing';
import { startCall, typedTurn } from '../e2e/disruption-observer.js';
import { startOfflineStack } from '../e2e/offline-stack.js';
import { eventsIn } from '../e2e/page-recorder.js';

const out = fileURLToPath(new URL('../../../widget/docs/images/', import.meta.url));
const stack = await startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }));
const { page } = stack;
/** Scrolls the panel's transcript to its last caption, as a visitor reading along sees it. */
const showLatestCaptions = () =>
  page.evaluate(() => {
    const transcript = document
      .querySelector('voice-agent')
      ?.shadowRoot?.querySelector<HTMLElement>('[part~="transcript"]');
    transcript?.scrollTo({ top: transcript.scrollHeight });
  });
try {
  await page.setViewportSize({ width: 520, height: 900 });
  await startCall(page, 'I am Ada, the concierge of Hotel Example.');
  await typedTurn(page, 'My name is Grace', 'Nice to meet you');
  await showLatestCaptions();
  await page.screenshot({ path: join(out, 'persist-1-before-reload.png') });

  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await waitFor(
    async () =>
      (await eventsIn(page, 'voice-agent-state')).some((e) => e.detail.state === 'listening')
        ? true
        : undefined,
    { what: 'the call back after the reload', timeoutMs: 30_000 },
  );
  await typedTurn(page, 'Who am I?', 'Your name is Grace');
  await showLatestCaptions();
  await page.screenshot({ path: join(out, 'persist-2-after-reload.png') });
  console.info(`wrote ${out}persist-1-before-reload.png and persist-2-after-reload.png`);
} finally {
  await stack.close();
}
