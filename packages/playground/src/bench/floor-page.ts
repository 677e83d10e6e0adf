import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { DevServer } from '@voice-agent/devserver';
import { AccessToken } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { delays, onsetsIn } from './onsets.js';
import { withinLimit } from './run/limits.js';

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

/** The floor's tones in a window, and the delays of those heard. */
export interface FloorTurns {
  tones: number;
  delays: number[];
}

/** Joining the room from a page: signalling, ICE and DTLS with the dev server. */
const JOIN_LIMIT_MS = 20_000;

/** The floor's two pages in their room: the delays of any window of time. */
export interface Floor {
  /** The floor's tones that started in (`from`, `to`] (ms, system clock), and their delays. */
  turns(from: number, to: number): Promise<FloorTurns>;
  close(): Promise<void>;
}

/**
 * The floor: the microphone's tones from one page to another through the dev server only
 * (livekit-client on both sides). Both pages stay in their room until `close`, so that the
 * voice section measures the floor in the same window as the stack: the two figures it
 * subtracts then see the same load on the machine.
 */
export async function openFloor(
  devServer: Pick<DevServer, 'url' | 'keys'>,
  openPage: () => Promise<Page>,
): Promise<Floor> {
  const [apiKey, apiSecret] = Object.entries(devServer.keys)[0] ?? [];
  const token = (identity: string) => {
    const at = new AccessToken(apiKey, apiSecret, { identity });
    at.addGrant({ room: 'floor', roomJoin: true, canPublish: true, canSubscribe: true });
    return at.toJwt();
  };
  const floor = await serveFloorPage();
  const pages: Page[] = [];
  const close = async () => {
    await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
    await floor.close();
  };
  try {
    const [speaker, listener] = [await openPage(), await openPage()];
    pages.push(speaker, listener);
    for (const page of pages) {
      await page.goto(floor.url, { timeout: JOIN_LIMIT_MS });
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready, null, {
        timeout: JOIN_LIMIT_MS,
      });
    }
    const join = async (page: Page, identity: string, publish: boolean) => {
      const jwt = await token(identity);
      const joined = page.evaluate(
        ([url, jwt, publish]) =>
          (window as unknown as { join: (...a: unknown[]) => Promise<void> }).join(
            url,
            jwt,
            publish,
          ),
        [devServer.url, jwt, publish] as const,
      );
      await withinLimit(joined, JOIN_LIMIT_MS, `the floor's ${identity} joining its room`);
    };
    await join(listener, 'listener', false);
    await join(speaker, 'speaker', true);
    return {
      async turns(from, to) {
        const mic = (await onsetsIn(speaker, 'mic')).filter((t) => t > from && t <= to);
        return { tones: mic.length, delays: delays(mic, await onsetsIn(listener, 'remote')) };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
