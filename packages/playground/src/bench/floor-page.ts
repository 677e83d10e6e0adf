import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

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
