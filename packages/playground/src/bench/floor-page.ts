import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { DevServer } from '@voice-agent/devserver';
import { AccessToken } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import type { JitterReading } from './hops.js';
import { delays, onsetsIn } from './onsets.js';
import { pageJitterBuffers } from './page-jitter.js';
import { withinLimit } from './run/limits.js';

const require = createRequire(import.meta.url);
const CLIENT = join(dirname(require.resolve('livekit-client')), 'livekit-client.esm.mjs');

/** Where the floor's script and livekit-client are, on the floor's server and in the stack's page. */
const FLOOR_PATH = '/voice-agent-bench-floor';

const PAGE = `<!doctype html><meta charset="utf-8"><title>floor</title>
<script type="module" src="${FLOOR_PATH}/floor.js"></script>`;

// Joins a room with livekit-client alone: `publish` sends the microphone, else it only listens.
const SCRIPT = `import { Room } from '${FLOOR_PATH}/livekit-client.esm.mjs';
const room = new Room();
window.benchFloor = {
  join: async (url, token, publish) => {
    room.on('trackSubscribed', (track) => { track.attach().muted = true; });
    await room.connect(url, token, { autoSubscribe: !publish });
    if (publish) await room.localParticipant.setMicrophoneEnabled(true);
  },
  leave: () => room.disconnect(),
};`;

/** The floor's files: its script and livekit-client, by path, and its page. */
async function floorFile(
  path: string | undefined,
): Promise<{ type: string; body: string | Buffer }> {
  if (path === `${FLOOR_PATH}/livekit-client.esm.mjs`) {
    return { type: 'text/javascript', body: await readFile(CLIENT) };
  }
  if (path === `${FLOOR_PATH}/floor.js`) return { type: 'text/javascript', body: SCRIPT };
  return { type: 'text/html', body: PAGE };
}

/** Serves a page with livekit-client only, for the browser-to-browser floor's listener. */
export async function serveFloorPage(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    void floorFile(request.url).then(({ type, body }) =>
      response.writeHead(200, { 'content-type': type }).end(body),
    );
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

/** The floor in its room: the delays of any window of time. */
export interface Floor {
  /** The floor's tones that started in (`from`, `to`] (ms, system clock), and their delays. */
  turns(from: number, to: number): Promise<FloorTurns>;
  /** The listener's receiver: its jitter buffer so far. */
  jitterBuffer(): Promise<JitterReading>;
  close(): Promise<void>;
}

type FloorScope = {
  benchFloor?: { join(...args: unknown[]): Promise<void>; leave(): Promise<void> };
};

/**
 * Joins the floor's room from `page` with the floor's script, `publish`ing its microphone or
 * only listening. A page without the script fails here, naming it: a join that did nothing
 * would fail the floor only later, as tones nobody heard.
 */
export function joinFromPage(
  page: Page,
  url: string,
  jwt: string,
  publish: boolean,
): Promise<void> {
  return page.evaluate(
    ([url, jwt, publish, script]) => {
      const floor = (window as unknown as FloorScope).benchFloor;
      if (!floor) throw new Error(`the floor's script (${script}) is not loaded in this page`);
      return floor.join(url, jwt, publish);
    },
    [url, jwt, publish, `${FLOOR_PATH}/floor.js`] as const,
  );
}

/**
 * The floor: the microphone's tones from the stack's own page to another page through the dev
 * server only (livekit-client on both sides). The stack's page publishes its microphone a
 * second time, into the floor's room: both paths start at the same capture, so the onset each
 * is measured from is the same, and only what differs after it (the stack, against a hop of
 * the dev server) is in the difference. Both stay in their room until `close`, so that the
 * voice section measures the floor in the same window as the stack: the two figures it
 * subtracts then see the same load on the machine.
 */
export async function openFloor(
  devServer: Pick<DevServer, 'url' | 'keys'>,
  stackPage: Page,
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
    // The stack's page goes on: its second microphone leaves the floor's room.
    const left = stackPage.evaluate(() => (window as unknown as FloorScope).benchFloor?.leave());
    await withinLimit(left, JOIN_LIMIT_MS, "the floor's speaker leaving").catch(() => undefined);
    await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
    await floor.close();
  };
  const join = async (page: Page, identity: string, publish: boolean) => {
    const joined = joinFromPage(page, devServer.url, await token(identity), publish);
    await withinLimit(joined, JOIN_LIMIT_MS, `the floor's ${identity} joining its room`);
  };
  try {
    const listener = await openPage();
    pages.push(listener);
    await listener.goto(floor.url, { timeout: JOIN_LIMIT_MS });
    await listener.waitForFunction(() => 'benchFloor' in window, null, { timeout: JOIN_LIMIT_MS });
    await join(listener, 'listener', false);
    // The stack's page allows only its own origin's scripts: the floor's come by that origin.
    const files = `${new URL(stackPage.url()).origin}${FLOOR_PATH}/**`;
    await stackPage.route(files, async (route) => {
      const { type, body } = await floorFile(new URL(route.request().url()).pathname);
      await route.fulfill({ contentType: type, body });
    });
    try {
      await stackPage.evaluate((path) => import(path), `${FLOOR_PATH}/floor.js`);
    } finally {
      await stackPage.unroute(files);
    }
    await join(stackPage, 'speaker', true);
    return {
      async turns(from, to) {
        const mic = (await onsetsIn(stackPage, 'mic')).filter((t) => t > from && t <= to);
        return { tones: mic.length, delays: delays(mic, await onsetsIn(listener, 'remote')) };
      },
      jitterBuffer: () => pageJitterBuffers(listener),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
