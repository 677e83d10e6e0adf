// Run by pack.test.ts inside a folder where only the packed @voice-agent/agent and its
// registry dependencies are installed: a conversation through a goAway and a 1011, printed
// as JSON for the test to judge.
import { initializeLogger, voice } from '@livekit/agents';
import {
  createVoiceAgentSession,
  FunctionClientToolTransport,
  resolveAgentConfig,
} from '@voice-agent/agent';
import { GeminiLiveStandIn, recallingTurn } from '@voice-agent/agent/testing';

initializeLogger({ pretty: false, level: 'fatal' });

const NAME = {
  pattern: /my name is (\w+)/i,
  answer: 'Your name is $1.',
  otherwise: 'I do not know your name.',
};
const standIn = await GeminiLiveStandIn.start({
  reactions: [{ on: 'clientTurn', reply: recallingTurn(NAME) }],
});
const statuses = [];
const { session, agent } = createVoiceAgentSession(
  resolveAgentConfig({ instructions: 'You are a test agent.' }),
  { googleApiKey: 'test-key', geminiBaseUrl: standIn.baseUrl },
  new FunctionClientToolTransport({}),
  { resilience: { onStatus: (status) => statuses.push(status), backoffMs: () => 100 } },
);
const transcript = [];
session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
  if (item.type === 'message') transcript.push(`${item.role}: ${item.textContent}`);
});
let closed = false;
session.on(voice.AgentSessionEventTypes.Close, () => {
  closed = true;
});
await session.start({ agent });
await standIn.waitForTools([]);

const setUp = () => standIn.connections.filter((c) => c.setUp).length;
async function say(text) {
  const before = transcript.length;
  session.generateReply({ userInput: text });
  await standIn.until(
    () => (transcript.length > before + 1 ? true : undefined),
    10_000,
    `an answer to ${text}`,
  );
}

await say('My name is Grace.');
await standIn.play([{ type: 'goAway', timeLeft: '2s' }]);
await standIn.until(() => (setUp() >= 2 ? true : undefined), 10_000, 'the goAway switch');
await say('What is my name?');
await standIn.play([{ type: 'close', code: 1011, reason: 'Internal error encountered.' }]);
await standIn.until(() => (setUp() >= 3 ? true : undefined), 10_000, 'the reconnect');
await say('And now?');

const deliveries = standIn.connections
  .filter((c) => c.setUp && c.id > 1)
  .map((c) => standIn.contextVerdict(c.id).delivery);
const ends = standIn.connections.map((c) => (c.ended ? `${c.ended.by} ${c.ended.code}` : null));
console.log(`RESULT ${JSON.stringify({ transcript, statuses, deliveries, ends, closed })}`);
await session.close();
await standIn.close();
process.exit(0);
