import { makeSpeechWav, waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARD_CAPTION } from '../demo/conversation.js';
import type { Playground } from '../playground.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { eventsIn } from './page-recorder.js';
import { inputLevels } from './stand-in-audio.js';

// Issue 5: nothing the visitor says between the click and the agent joining is lost. The fake
// microphone speaks once, right after the click, then stays silent; the agent worker is held
// (SIGSTOP, as a slow cold start) until well after the speech ended. The only way the speech
// can reach the model is livekit-client's pre-connect buffer, read by our agent.

const SPOKEN = 'Hello Ada';
/** Speech level above which a chunk counts as the visitor speaking (RMS). */
const SPEECH_LEVEL = 0.02;
/** How long the agent is held after the click: the speech (under 1.5 s) is long over. */
const AGENT_HELD_MS = 3_500;

let stack: OfflineStack;
let playground: Playground;
let page: Page;
const standIn = () => stack.standIn();
const devServer = () => stack.devServer();

beforeAll(async () => {
  // Silence after the speech outlasts the test: the fake microphone loops its file.
  stack = await startOfflineStack(await makeSpeechWav(SPOKEN, { padSeconds: 60 }));
  ({ playground, page } = stack);
});

afterAll(async () => {
  if (playground?.worker.pid) process.kill(playground.worker.pid, 'SIGCONT');
  await stack?.close();
});

describe('pre-connect audio, end to end', () => {
  it('the model hears what the visitor said before the agent joined', async () => {
    process.kill(playground.worker.pid, 'SIGSTOP');
    try {
      await page
        .locator('voice-agent')
        .getByRole('button', { name: 'Talk to our assistant' })
        .click();
      await new Promise((resolve) => setTimeout(resolve, AGENT_HELD_MS));
      // The visitor is in the room, alone: no agent could have heard anything live.
      expect(devServer().rooms()).toEqual([
        { name: expect.any(String), participants: [expect.any(String)] },
      ]);
      expect(standIn().received).toEqual([]);
    } finally {
      process.kill(playground.worker.pid, 'SIGCONT');
    }
    await waitFor(() => (inputLevels(standIn()).some((l) => l > SPEECH_LEVEL) ? true : undefined), {
      what: "the visitor's early speech at the model",
      timeoutMs: 30_000,
    });
    // What the visitor sees: the agent answers the speech it was not there to hear live.
    await waitFor(
      async () =>
        (await eventsIn(page, 'voice-agent-transcript')).find(
          (e) => e.detail.role === 'user' && e.detail.text === HEARD_CAPTION,
        ),
      { what: 'the caption of the early speech', timeoutMs: 20_000 },
    );
    expect(stack.logs.some((line) => line.includes('pre-connect audio buffer received'))).toBe(
      true,
    );
  });
});
