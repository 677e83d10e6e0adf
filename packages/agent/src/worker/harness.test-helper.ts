import { initializeLogger, type llm, voice } from '@livekit/agents';
import { expect, vi } from 'vitest';
import type { ModelResilience } from '../realtime/model.js';
import type { ModelStatus } from '../realtime/policy.js';
import { GeminiLiveStandIn, type StandInOptions } from '../testing/index.js';
import type { PageToolHandler } from '../tools/function-transport.js';
import type { VoiceAgentSession } from './session.js';
import { createTestSession } from './test-session.test-helper.js';

initializeLogger({ pretty: false, level: 'fatal' });

export const TOOL_SECRET = 'test-secret-for-signing';

/** A running AgentSession wired to a fresh Gemini Live stand-in. */
export interface Harness extends VoiceAgentSession {
  standIn: GeminiLiveStandIn;
  /** Text of every message the session added to its conversation, as `role: text`. */
  transcript: string[];
  /** Set when the session closed, with the error that closed it, if any. */
  closed: { error: unknown; at: number } | undefined;
  /** Every model status the session reported, in order, with when. */
  statuses: { status: ModelStatus; at: number }[];
  stop(): Promise<void>;
}

/** Starts a room-less AgentSession (real framework, plugin and SDK) against a stand-in. */
export async function startHarness(
  config: Record<string, unknown>,
  pageTools: Record<string, PageToolHandler> = {},
  standInOptions: StandInOptions = {},
  resilience: ModelResilience = {},
): Promise<Harness> {
  const standIn = await GeminiLiveStandIn.start(standInOptions);
  const statuses: Harness['statuses'] = [];
  const built = createTestSession(standIn, {
    config,
    toolSecret: TOOL_SECRET,
    pageTools,
    session: {
      resilience: {
        ...resilience,
        onStatus: (status) => statuses.push({ status, at: Date.now() }),
      },
    },
  });
  const harness: Harness = {
    ...built,
    standIn,
    transcript: [],
    closed: undefined,
    statuses,
    async stop() {
      await built.session.close();
      await standIn.close();
    },
  };
  built.session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
    const item = event.item as llm.ChatMessage;
    if (item.type === 'message') harness.transcript.push(`${item.role}: ${item.textContent}`);
  });
  built.session.on(voice.AgentSessionEventTypes.Close, (event) => {
    harness.closed = { error: event.error, at: Date.now() };
  });
  await built.session.start({ agent: built.agent });
  return harness;
}

/** The `output` (or, for a failure, the `error`) of each function response, by call id. */
export function toolOutputs(harness: Harness): Map<string, string> {
  const outputs = new Map<string, string>();
  for (const { message } of harness.standIn.messages('toolResponse')) {
    for (const response of message.toolResponse.functionResponses) {
      const { output, error } = response.response;
      outputs.set(response.id, String(output ?? error));
    }
  }
  return outputs;
}

/** Waits until `check` is true (5 s at most), naming `what` on timeout. */
export async function eventually(check: () => boolean | undefined, what: string): Promise<void> {
  await vi.waitFor(() => expect(check(), `timed out waiting for ${what}`).toBeTruthy(), {
    timeout: 5_000,
  });
}
