import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Room } from '@livekit/rtc-node';
import { publishTone, waitFor } from '@voice-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../server/dev-server.js';
import { OFFER_WAIT_MS } from '../signal/offer-turns.js';
import { type SlowOfferProxy, startSlowOfferProxy } from '../testing/slow-offer-proxy.js';
import { mintToken } from '../testing/tokens.js';

/**
 * A subscriber in a process of its own: rtc-node aborts its whole process (a Rust panic) on a
 * server offer that lists one track in two sections ("Duplicate a=msid lines detected").
 * It prints `subscribed` when it receives the publisher's track and `heard` once its sound comes.
 */
const SUBSCRIBER = `
import { AudioStream, Room, RoomEvent } from '@livekit/rtc-node';
const room = new Room();
room.on(RoomEvent.TrackSubscribed, async (track) => {
  console.log('subscribed');
  for await (const frame of new AudioStream(track)) {
    const peak = frame.data.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0) / 32768;
    if (peak > 0.03) {
      console.log('heard');
      return;
    }
  }
});
await room.connect(process.env.URL, process.env.TOKEN);
console.log('connected');
setInterval(() => undefined, 1_000);
`;

describe('a publisher whose offer comes after the server asked again', () => {
  let server: DevServer;
  let proxy: SlowOfferProxy;
  beforeAll(async () => {
    server = await startDevServer({ port: 0 });
    // Past the server's wait for an asked-for offer: it asks the publisher again.
    proxy = await startSlowOfferProxy(server.url, OFFER_WAIT_MS + 1_500);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('gives each subscriber one section for its track, not one per ask', async () => {
    const subscriber = spawn(process.execPath, ['--input-type=module', '-e', SUBSCRIBER], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: {
        PATH: process.env.PATH ?? '',
        URL: server.url,
        TOKEN: await mintToken({ identity: 'subscriber', room: 'asked-again' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    for (const stream of [subscriber.stdout, subscriber.stderr]) {
      createInterface({ input: stream }).on('line', (line) => output.push(line));
    }
    const exited = once(subscriber, 'exit');
    const publisher = new Room();
    try {
      await waitFor(() => (output.includes('connected') ? true : undefined), {
        timeoutMs: 15_000,
        what: 'the subscriber to connect',
      });
      await publisher.connect(
        proxy.url,
        await mintToken({ identity: 'publisher', room: 'asked-again' }),
      );
      const publishOffer = once(proxy.events, 'offer');
      const stop = await publishTone(publisher, 440);
      await publishOffer;
      // The server asks again OFFER_WAIT_MS after its first ask; its offers to the subscriber
      // that follow have reached it a little later.
      await new Promise((resolve) => setTimeout(resolve, OFFER_WAIT_MS + 4_000));
      stop();
      expect(subscriber.exitCode, output.join('\n')).toBeNull();
      expect(output.filter((line) => line === 'subscribed')).toEqual(['subscribed']);
      expect(output).toContain('heard');
    } finally {
      subscriber.kill('SIGKILL');
      await exited;
      await publisher.disconnect();
    }
  }, 60_000);
});
