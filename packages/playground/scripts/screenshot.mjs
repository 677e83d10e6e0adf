// Writes docs/playground.png: the playground in offline demo mode, mid-conversation.
// Run after a build: npm run screenshot -w @voice-agent/playground
import { fileURLToPath } from 'node:url';
import { launchChromium, makeSpeechWav, waitFor } from '@voice-agent/testing';
import { offlineEnv } from '../dist/e2e/env.js';
import { startPlayground } from '../dist/playground.js';

const OUTPUT = fileURLToPath(new URL('../docs/playground.png', import.meta.url));

const playground = await startPlayground({ env: offlineEnv(), log: () => {} });
const browser = await launchChromium({
  fakeAudioCapture: await makeSpeechWav('Hello Ada', { padSeconds: 3 }),
});
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.goto(playground.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await page.locator('voice-agent').getByRole('button', { name: 'Talk to our assistant' }).click();
  // The greeting, then the page repainted by the visitor's first words.
  await waitFor(
    () =>
      page.evaluate(() =>
        document.getElementById('log')?.textContent?.includes('Done: the page is now')
          ? true
          : undefined,
      ),
    { timeoutMs: 30_000, what: 'the answer to the page tool' },
  );
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await playground.close();
}
