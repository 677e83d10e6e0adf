import {
  GoogleGenAI,
  type LiveConnectConfig,
  type LiveServerMessage,
  Modality,
  type Session,
} from '@google/genai';
import { expect, vi } from 'vitest';
import type { GeminiLiveStandIn } from './server.js';

/** The real @google/genai Live client on the stand-in, and what it observed. */
export interface GenaiClient {
  received: LiveServerMessage[];
  /** The close the client saw, once it has. */
  closed: { code: number; reason: string } | undefined;
  /** Resolves with the session once `setupComplete` came (never, if setup is not answered). */
  session: Promise<Session>;
}

const open: GenaiClient[] = [];

/** Connects the real @google/genai Live client to the stand-in. */
export function connectGenai(
  standIn: GeminiLiveStandIn,
  config: LiveConnectConfig = {},
): GenaiClient {
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: standIn.baseUrl } });
  const client: GenaiClient = {
    received: [],
    closed: undefined,
    session: Promise.resolve() as never,
  };
  client.session = ai.live.connect({
    model: 'gemini-2.5-flash-native-audio-preview-12-2025',
    config: { responseModalities: [Modality.AUDIO], ...config },
    callbacks: {
      onmessage: (message) => client.received.push(message),
      onclose: (event) => {
        client.closed = { code: event.code, reason: event.reason };
      },
    },
  });
  open.push(client);
  return client;
}

/** Closes every client opened by `connectGenai` that reached its session. */
export async function closeGenaiClients(): Promise<void> {
  for (const client of open.splice(0)) {
    const session = await Promise.race([
      client.session,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 0)),
    ]);
    session?.close();
  }
}

/** Resolves once `check` holds, polling; fails after 5 s. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  await vi.waitFor(() => expect(check(), `timed out waiting for ${what}`).toBe(true), {
    timeout: timeoutMs,
    interval: 20,
  });
}

/** The `outputTranscription` texts a client received, joined per turn (split at `turnComplete`). */
export function transcripts(client: GenaiClient): string[] {
  const turns: string[] = [''];
  for (const message of client.received) {
    const text = message.serverContent?.outputTranscription?.text;
    if (text) turns[turns.length - 1] += text;
    if (message.serverContent?.turnComplete) turns.push('');
  }
  return turns.filter(Boolean);
}

/** The handles the client was given, in order. */
export function handles(client: GenaiClient): string[] {
  return client.received.flatMap((m) => m.sessionResumptionUpdate?.newHandle ?? []);
}
