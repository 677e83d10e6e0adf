import { afterEach, expect, it } from 'vitest';
import { answerLatestWords } from '../framework/room-session.test-helper.js';
import { lateTranscriptTurn, type ServerEvent, spokenTurn, tonePcm } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';
import { say } from './conversation.test-helper.js';

// Transcripts after `turnComplete`, and what ends the wait for them: the answer's text ends
// while its audio may still play, a new answer ends it first, and a lost connection too; the
// conversation goes on each time. (Captions and playback in a room: framework/late-transcripts.test.ts.)

const LATE = 'The museum opens at nine and closes at five.';
const pcm = tonePcm({ durationMs: 1500 });

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** The stand-in's answer to the visitor's latest words. */
function answer(words: string): ServerEvent[] {
  if (words.includes('hours')) return lateTranscriptTurn(LATE, 3, pcm);
  if (words.includes('cut')) {
    // Answered, then the connection drops before the transcript comes.
    const spoken = [
      { type: 'audio', pcm },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
    ];
    return [...(spoken as ServerEvent[]), { type: 'close', code: 1011, reason: 'Internal error.' }];
  }
  if (words.includes('busy')) {
    // The visitor speaks again while the answer still plays; the next answer comes at once.
    return [
      { type: 'audio', pcm },
      { type: 'generationComplete' },
      { type: 'turnComplete' },
      { type: 'inputTranscription', text: 'Never mind.' },
      ...spokenTurn('All right.', tonePcm({ durationMs: 300 })),
      { type: 'outputTranscription', text: ' Late.' },
    ];
  }
  return spokenTurn('Hello.', tonePcm({ durationMs: 300 }));
}

it('gives a late transcript to its answer, ends the wait at a new answer or a lost connection, and goes on', async () => {
  harness = await startHarness({}, {}, { reactions: [answerLatestWords(answer)] });
  const h = harness;
  await h.standIn.waitForTools([]);
  await say(h, 'What are the opening hours?', LATE);
  h.session.generateReply({ userInput: 'Are you busy?' });
  await eventually(() => h.transcript.includes('assistant: All right. Late.'), 'the next answer');
  h.session.generateReply({ userInput: 'Can you be cut off?' });
  await eventually(
    () => h.standIn.connections.filter((c) => c.setUp).length === 2,
    'the new connection',
  );
  await say(h, 'Hi again.', 'Hello.');
  await eventually(() => h.session.agentState === 'listening', 'listening');
  expect(h.transcript.filter((t) => t.startsWith('assistant: '))).toEqual([
    `assistant: ${LATE}`,
    'assistant: All right. Late.',
    'assistant: Hello.',
  ]);
  expect(h.transcript.filter((t) => t === 'user: Never mind.')).toHaveLength(1);
  expect(h.closed).toBeUndefined();
});
