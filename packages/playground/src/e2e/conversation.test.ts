import { makeSpeechWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_COLORS, HEARD_CAPTION } from '../demo/conversation.js';
import type { Playground } from '../playground.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import {
  agentAudioPeak,
  eventsIn,
  type RecordedEvent,
  resetAgentAudioPeak,
  stateSequence,
} from './page-recorder.js';
import { clientTexts, inputLevels, toolResponses } from './stand-in-audio.js';

// The whole product in a real browser: the playground page with the script-tag widget in
// headless Chromium (a fake microphone speaking espeak-ng speech), the real token service,
// the development LiveKit server, the real @livekit/agents worker (a child process) with the
// example config, and the Gemini Live stand-in playing the offline demo's conversation.

const SPOKEN = 'Hello Ada, can you hear me?';
const GREETING = 'I am Ada, the concierge of Hotel Example.';
/** Speech level above which a chunk counts as the visitor speaking (RMS). */
const SPEECH_LEVEL = 0.02;

let stack: OfflineStack;
let playground: Playground;
let page: Page;
let widget: Locator;
const pageErrors: Error[] = [];
const tokenStatuses: number[] = [];
const standIn = () => stack.standIn();
const devServer = () => stack.devServer();

/** Waits until the page has seen an event of `type` that matches. */
async function waitForEvent(
  type: string,
  matches: (detail: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedEvent> {
  return waitFor(async () => (await eventsIn(page, type)).find((e) => matches(e.detail)), {
    timeoutMs,
    intervalMs: 100,
    what: `a ${type} event`,
  });
}

/** The fake microphone's loop: the sentence, then this much silence. */
const PAUSE_SECONDS = 8;

/**
 * Waits for the visitor's next sentence to reach the model, then for `quietMs` of quiet after
 * it: the start of a pause of the looping fake microphone, which leaves several seconds in
 * which no speech can barge in on a spoken answer.
 */
async function startOfPause(quietMs = 1_000): Promise<void> {
  let seen = standIn().received.length;
  let heard = false;
  let quietSince = Date.now();
  await waitFor(
    () => {
      const loud = inputLevels(standIn(), seen).some((level) => level > SPEECH_LEVEL);
      seen = standIn().received.length;
      if (loud) {
        heard = true;
        quietSince = Date.now();
      }
      return heard && Date.now() - quietSince >= quietMs ? true : undefined;
    },
    { what: 'a pause after speech at the model', timeoutMs: 30_000, intervalMs: 100 },
  );
}

function caption(role: 'agent' | 'user', text: string) {
  return waitForEvent(
    'voice-agent-transcript',
    (d) => d.role === role && d.final === true && String(d.text).includes(text),
  );
}

beforeAll(async () => {
  stack = await startOfflineStack(await makeSpeechWav(SPOKEN, { padSeconds: PAUSE_SECONDS }));
  ({ playground, page } = stack);
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/token') tokenStatuses.push(response.status());
  });
  widget = page.locator('voice-agent');
});

// A flake's cause is rarely in the assertion message: when a step fails, print what the model
// received meanwhile, the widget's latest states and captions, and what the stack logged.
beforeEach(({ onTestFailed }) => {
  const from = stack.logs.length;
  const receivedFrom = stack.playground.standIn?.received.length ?? 0;
  onTestFailed(async () => {
    const received = standIn().received.slice(receivedFrom);
    const levels = inputLevels(standIn(), receivedFrom);
    // Everything but audio, by Gemini connection: a greeting or a tool response on a
    // connection that closed right after shows here.
    const nonAudio = received
      .filter((m) => m.kind !== 'realtimeInput' || !m.message.realtimeInput?.audio)
      .map(
        (m) =>
          `#${m.connection} ${m.kind}${m.kind === 'clientContent' ? ` ${JSON.stringify(m.message.clientContent).slice(0, 120)}` : ''}`,
      );
    console.error(
      [
        `the model received ${received.length} messages (${levels.length} audio chunks, loudest ${Math.max(0, ...levels).toFixed(3)}) during the failed test`,
        `of which not audio: ${nonAudio.join(' | ')}`,
        `widget states: ${(await stateSequence(page)).slice(-8).join(' → ')}`,
        `latest captions: ${(await eventsIn(page, 'voice-agent-transcript'))
          .slice(-12)
          .map(
            ({ detail: d }) =>
              `${d.role}${d.final ? ' (final)' : ''} ${d.segmentId}: ${String(d.text).slice(0, 60)}`,
          )
          .join(' | ')}`,
        `stack logs during the failed test:`,
        ...stack.logs.slice(from),
      ].join('\n'),
    );
  });
});

afterAll(() => stack?.close());

describe('the playground, end to end (offline demo mode)', () => {
  it('says it is in offline demo mode, on the page and in the logs', async () => {
    expect(playground.offlineDemo).toBe(true);
    await expect(page.locator('#mode').textContent()).resolves.toContain('Offline demo mode');
    expect(stack.logs.some((line) => line.includes('OFFLINE DEMO MODE'))).toBe(true);
  });

  it('connects: a token from the token service, the agent dispatched into the room, its states shown', async () => {
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await waitForEvent('voice-agent-state', (d) => d.state === 'listening', 30_000);
    expect(tokenStatuses).toEqual([200]);
    const [job] = devServer().jobs();
    expect(job?.agentName).toBe(playground.agentName);
    const room = devServer()
      .rooms()
      .find((r) => r.name === job?.room);
    expect(room?.participants).toHaveLength(2);
    const states = await stateSequence(page);
    expect(states[0]).toBe('connecting');
    expect(states.slice(1)).toContain('listening');
  });

  it('speaks the greeting: the agent caption in the widget and in events, audio heard in the page', async () => {
    await caption('agent', GREETING);
    await widget.locator('[part~="caption-agent"]', { hasText: GREETING }).first().waitFor();
    expect(await stateSequence(page)).toContain('speaking');
    await waitFor(async () => ((await agentAudioPeak(page)) > 0.02 ? true : undefined), {
      what: "the agent's audio in the page",
      timeoutMs: 15_000,
    });
    // The page's tool was declared and accepted before the greeting.
    const [tools] = await eventsIn(page, 'voice-agent-tools');
    expect(tools?.detail).toEqual({ accepted: ['set_page_color'], rejected: [] });
  });

  it("hears the visitor's speech and runs the page's tool with the model's arguments; the result reaches the model", async () => {
    await waitFor(() => (inputLevels(standIn()).some((l) => l > SPEECH_LEVEL) ? true : undefined), {
      what: "the visitor's speech at the model",
      timeoutMs: 20_000,
    });
    const call = await waitForEvent('voice-agent-tool-call', (d) => d.name === 'set_page_color');
    const color = (call.detail.arguments as { color: string }).color;
    expect(DEMO_COLORS).toContain(color);
    expect(call.detail.result).toEqual({ color });
    const painted = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(painted).not.toBe('rgb(248, 250, 252)');
    await waitFor(
      () => (toolResponses(standIn(), 'set_page_color').length > 0 ? true : undefined),
      { what: 'the tool result at the model' },
    );
    expect(toolResponses(standIn(), 'set_page_color')).toContainEqual({ color });
    await caption('user', HEARD_CAPTION);
    await widget.locator('[part~="caption-user"]', { hasText: HEARD_CAPTION }).first().waitFor();
    await caption('agent', 'Done: the page is now');
  });

  it('sends typed text to the model; the HTTP tool reaches the backend with a valid signature', async () => {
    // In a pause of the fake microphone: speech would barge in on the spoken answer, as it
    // would with a real model.
    await startOfPause();
    const text = 'Please book a table for 4 at 19:30';
    await page.evaluate((t) => document.querySelector('voice-agent')?.sendText(t), text);
    await waitFor(() => (clientTexts(standIn()).includes(text) ? true : undefined), {
      what: 'the typed text at the model',
    });
    await waitFor(() => (playground.backend.requests.length > 0 ? true : undefined), {
      what: 'the HTTP tool request at the backend',
    });
    expect(playground.backend.requests).toEqual([
      { path: '/book-table', verdict: 'ok', arguments: { guests: 4, time: '19:30' } },
    ]);
    await caption('user', text);
    const answer = await caption('agent', 'Your table for 4 at 19:30 is booked');
    expect(String(answer.detail.text)).toMatch(/reference T-[0-9A-F]{6}/);
    expect(toolResponses(standIn(), 'book_table')).toContainEqual(
      expect.objectContaining({ confirmed: true, guests: 4, time: '19:30' }),
    );
  });

  it('mutes: no audio reaches the model while muted', async () => {
    // The fake microphone repeats its sentence every few seconds: hear it once more first.
    const before = standIn().received.length;
    await waitFor(
      () => (inputLevels(standIn(), before).some((l) => l > SPEECH_LEVEL) ? true : undefined),
      { what: 'speech before muting', timeoutMs: 20_000 },
    );
    await page.evaluate(() => document.querySelector('voice-agent')?.mute(true));
    // Audio already on its way (WebRTC jitter buffer, resampling) may still arrive: let it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const mutedFrom = standIn().received.length;
    // Longer than one loop of the fake microphone (the sentence, then the pause).
    await new Promise((resolve) => setTimeout(resolve, (PAUSE_SECONDS + 3) * 1_000));
    const loud = inputLevels(standIn(), mutedFrom).filter((l) => l > SPEECH_LEVEL);
    expect(loud).toEqual([]);
  });

  it("unmutes: the visitor's speech reaches the model again", async () => {
    const unmutedFrom = standIn().received.length;
    await page.evaluate(() => document.querySelector('voice-agent')?.mute(false));
    // At most one loop of the fake microphone (the sentence, then the pause) before it speaks.
    await waitFor(
      () => (inputLevels(standIn(), unmutedFrom).some((l) => l > SPEECH_LEVEL) ? true : undefined),
      { what: 'speech at the model after unmuting', timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  it("ends the call: the agent's job ends and the room empties", async () => {
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    await waitForEvent('voice-agent-ended', (d) => d.reason === 'user');
    await waitFor(() => (devServer().jobs().length === 0 ? true : undefined), {
      what: 'the job to end',
      timeoutMs: 20_000,
    });
    await waitFor(
      () =>
        devServer()
          .rooms()
          .every((room) => room.participants.length === 0)
          ? true
          : undefined,
      { what: 'the room to empty', timeoutMs: 20_000 },
    );
    expect((await stateSequence(page)).at(-1)).toBe('ended');
  });

  it('starts a second session in the same page', async () => {
    const greetingsBefore = (await eventsIn(page, 'voice-agent-transcript')).filter(
      (e) =>
        e.detail.role === 'agent' && e.detail.final && String(e.detail.text).includes(GREETING),
    ).length;
    await resetAgentAudioPeak(page);
    await page.evaluate(() => document.querySelector('voice-agent')?.start());
    await waitFor(
      async () => {
        const greetings = (await eventsIn(page, 'voice-agent-transcript')).filter(
          (e) =>
            e.detail.role === 'agent' && e.detail.final && String(e.detail.text).includes(GREETING),
        );
        return greetings.length > greetingsBefore ? true : undefined;
      },
      { what: 'the second greeting', timeoutMs: 30_000 },
    );
    expect(tokenStatuses).toEqual([200, 200]);
    expect(devServer().jobs()).toHaveLength(1);
    await waitFor(async () => ((await agentAudioPeak(page)) > 0.02 ? true : undefined), {
      what: "the agent's audio in the second session",
      timeoutMs: 15_000,
    });
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    await waitFor(() => (devServer().jobs().length === 0 ? true : undefined), {
      what: 'the second job to end',
      timeoutMs: 20_000,
    });
    expect(pageErrors).toEqual([]);
  });
});
