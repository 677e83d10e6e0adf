import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { DevServer } from '@voice-agent/devserver';
import { AccessToken } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { delays, onsetsIn } from './onsets.js';

const require = createRequire(import.meta.url);
const CLIENT = join(dirname(require.resolve('livekit-client')), 'livekit-client.esm.mjs');

const PAGE = `<!doctype html><meta charset="utf-8"><title>floor</title>
<script type="module" src="/floor.js"></script>`;

// Joins a room with livekit-client alone: `publish` sends the microphone, else it only listens.
const SCRIPT = `import { Room } from '/livekit-client.esm.mjs';
window.join = async (url, token, publish) => {
  const room = new Room();
  room.on('trackSubscribed', (track) => { track.attach().muted = true; });
  await room.connect(url, token);
  if (publish) await room.localParticipant.setMicrophoneEnabled(true);
  window.room = room;
};
window.ready = true;`;

/** Serves a page with livekit-client only, for the browser-to-browser floor. */
export async function serveFloorPage(): Promise<{ url: string; close(): Promise<void> }> {
  const client = await readFile(CLIENT);
  const server = createServer((request, response) => {
    if (request.url === '/livekit-client.esm.mjs') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    } else if (request.url === '/floor.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(SCRIPT);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The floor: the microphone's tones from one page to another through the dev server only
 * (livekit-client on both sides), for `durationMs`. Delays from tone onset to onset heard.
 */
export async function floorDelays(
  devServer: DevServer,
  openPage: () => Promise<Page>,
  durationMs: number,
): Promise<number[]> {
  const [apiKey, apiSecret] = Object.entries(devServer.keys)[0] ?? [];
  const token = (identity: string) => {
    const at = new AccessToken(apiKey, apiSecret, { identity });
    at.addGrant({ room: 'floor', roomJoin: true, canPublish: true, canSubscribe: true });
    return at.toJwt();
  };
  const floor = await serveFloorPage();
  try {
    const [speaker, listener] = [await openPage(), await openPage()];
    for (const page of [speaker, listener]) {
      await page.goto(floor.url);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
    }
    const join = async (page: Page, identity: string, publish: boolean) => {
      const jwt = await token(identity);
      await page.evaluate(
        ([url, jwt, publish]) =>
          (window as unknown as { join: (...a: unknown[]) => Promise<void> }).join(
            url,
            jwt,
            publish,
          ),
        [devServer.url, jwt, publish] as const,
      );
    };
    await join(listener, 'listener', false);
    await join(speaker, 'speaker', true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const mic = (await onsetsIn(speaker, 'mic')).filter((t) => t > from);
    const result = delays(mic, await onsetsIn(listener, 'remote'));
    await Promise.all([speaker.close(), listener.close()]);
    return result;
  } finally {
    await floor.close();
  }
}
