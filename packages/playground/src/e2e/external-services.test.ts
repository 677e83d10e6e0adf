import { randomBytes } from 'node:crypto';
import { ParticipantKind, Room, RoomEvent } from '@livekit/rtc-node';
import { declaredTools, GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Playground, startPlayground } from '../playground.js';

// With LIVEKIT_URL and keys set, the playground uses that server and starts no dev server;
// with GOOGLE_API_KEY set, it starts no stand-in and the worker talks to the Gemini endpoint
// it is given. Here a separately started dev server plays "your livekit-server" and a
// separately started stand-in plays Gemini (reached through GOOGLE_GEMINI_BASE_URL).

let livekit: DevServer;
let gemini: GeminiLiveStandIn;
let playground: Playground;
const logs: string[] = [];
const secret = randomBytes(32).toString('hex');

beforeAll(async () => {
  [livekit, gemini] = await Promise.all([
    startDevServer({ port: 0, keys: { 'my-key': secret } }),
    GeminiLiveStandIn.start(),
  ]);
  playground = await startPlayground({
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: 'my-key',
      LIVEKIT_API_SECRET: secret,
      GOOGLE_API_KEY: 'a-real-key-would-go-here',
      GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
      AGENT_NAME: 'my-concierge',
    },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await playground?.close();
  await gemini?.close();
  await livekit?.close();
});

describe('the playground against your own LiveKit server and Gemini', () => {
  it('starts no dev server and no stand-in, and says which services it uses', () => {
    expect(playground.devServer).toBeUndefined();
    expect(playground.standIn).toBeUndefined();
    expect(playground.offlineDemo).toBe(false);
    expect(playground.livekitUrl).toBe(livekit.url);
    expect(logs).toContain(`using the LiveKit server at ${livekit.url}`);
    expect(logs.join('\n')).not.toContain('OFFLINE DEMO MODE');
    // Secrets stay out of the logs (the worker's included).
    expect(logs.join('\n')).not.toContain('a-real-key-would-go-here');
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('dispatches the agent through that server; the agent opens its Gemini session with the example tools', async () => {
    const response = await fetch(new URL('/token', playground.url), {
      method: 'POST',
      headers: { origin: new URL(playground.url).origin, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { server_url: string; participant_token: string };
    expect(body.server_url).toBe(livekit.url);
    const room = new Room();
    const agentJoined = new Promise<void>((resolve) => {
      room.on(RoomEvent.ParticipantConnected, (participant) => {
        if (participant.kind === ParticipantKind.AGENT) resolve();
      });
    });
    await room.connect(body.server_url, body.participant_token);
    try {
      await agentJoined;
      expect(livekit.jobs()).toEqual([expect.objectContaining({ agentName: 'my-concierge' })]);
      // The plugin opens a session, then reconnects with the tools (no page declares any here).
      const setup = await gemini.waitForTools(['book_table', 'order_status', 'room_rate'], 20_000);
      expect(declaredTools(setup).sort()).toEqual(['book_table', 'order_status', 'room_rate']);
      expect(JSON.stringify(setup.message.setup.systemInstruction)).toContain('Ada');
    } finally {
      await room.disconnect();
    }
    await waitFor(() => (livekit.jobs().length === 0 ? true : undefined), {
      what: 'the job to end',
      timeoutMs: 20_000,
    });
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.join('\n')).not.toContain('a-real-key-would-go-here');
  });
});
