import { afterEach, describe, expect, it } from 'vitest';
import { spokenTurn, tonePcm } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';

// The greeting is requested, then the page's tools come: they move the session to a new
// connection at the next quiet moment. After the last turn no fresh resumption handle came
// (real Gemini may send it late), so a quiet moment waits a little for one; the greeting's
// answer starts during that wait. The switch must still come after the answer, not cut it
// off: the visitor hears the greeting once, asked once. The real AgentSession, Google plugin
// and @google/genai against the stand-in, whose greeting answer takes a while.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const GREETING = 'Hello, visitor!';
const TOOLS = { version: 1, tools: [{ name: 'get_weather', parameters: { type: 'object' } }] };

async function greetThenDeclare(delayMs: number): Promise<Harness> {
  harness = await startHarness(
    { greeting: GREETING, clientTools: { enabled: true } },
    { get_weather: () => 'sunny' },
    { resumption: false },
  );
  const h = harness;
  await h.standIn.waitForTools([]);
  // The visitor typed before the greeting: the handle is stale from here on.
  h.standIn.react({ on: 'clientTurn', times: 1, reply: spokenTurn('Hi.') });
  h.session.generateReply({ userInput: 'Hi there.' });
  await eventually(() => h.transcript.includes('assistant: Hi.'), 'the first answer');
  // Answered once only: a greeting cut off and asked again would go unheard, as in a room.
  h.standIn.react({
    on: 'clientTurn',
    times: 1,
    reply: [
      { type: 'audio', pcm: tonePcm({ durationMs: 200 }) },
      { type: 'wait', ms: 1_500 },
      ...spokenTurn(GREETING),
    ],
  });
  await h.greet(0);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  await h.tools.declare(TOOLS);
  return h;
}

describe('the page declares its tools right after the greeting was requested', () => {
  for (const delayMs of [0, 50, 200, 500, 1000]) {
    it(`greets once, uncut, with the tools ${delayMs} ms after the request`, async () => {
      const h = await greetThenDeclare(delayMs);
      const withTools = await h.standIn.waitForTools(['get_weather']);
      await eventually(
        () => h.transcript.includes(`assistant: ${GREETING}`),
        'the greeting in the transcript',
      );
      const requests = h.standIn
        .messages('clientContent')
        .filter((m) => m.message.clientContent.turnComplete);
      expect(requests.map((m) => m.connection)).toEqual([1, 1]);
      expect(h.transcript.filter((t) => t === `assistant: ${GREETING}`)).toHaveLength(1);
      expect(withTools.connection).toBe(2);
      // The new connection gets the context (the history, as no handle came) once.
      await h.standIn.waitFor('clientContent', (m) => m.connection === 2);
      expect(h.standIn.contextVerdict(2)).toMatchObject({ handle: 'none', delivery: 'once' });
      expect(h.closed).toBeUndefined();
    });
  }
});
