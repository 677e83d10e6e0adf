import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const clientPath = join(dirname(require.resolve('livekit-client')), 'livekit-client.esm.mjs');

/**
 * The test page: livekit-client 2.23 (its self-contained ESM build) plus a recorder of
 * what a visitor would observe: audio level per remote track (AnalyserNode, keyed
 * `listener<-speaker`), data packets, text streams, participants leaving, attribute changes.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>devserver test</title>
<script type="module">
import * as LK from '/livekit-client.esm.mjs';
window.LK = LK;
window.levels = {};
window.seen = [];
function meter(track, key) {
  const context = new AudioContext();
  track.attach().muted = true;
  const source = context.createMediaStreamSource(new MediaStream([track.mediaStreamTrack]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    window.levels[key] = Math.max(window.levels[key] ?? 0, Math.sqrt(sum / samples.length));
  }, 50);
}
window.rooms = {};
window.join = async (url, token, { publish = true, singlePeerConnection = true } = {}) => {
  const room = new LK.Room({ singlePeerConnection });
  room.on('trackSubscribed', (track, _pub, participant) =>
    meter(track, room.localParticipant.identity + '<-' + participant.identity));
  room.on('dataReceived', (payload, participant, _kind, topic) =>
    window.seen.push({ type: 'data', to: room.localParticipant.identity, from: participant?.identity, topic, text: new TextDecoder().decode(payload) }));
  room.on('participantDisconnected', (participant) =>
    window.seen.push({ type: 'left', identity: participant.identity }));
  room.on('participantAttributesChanged', (changed, participant) =>
    window.seen.push({ type: 'attributes', identity: participant.identity, attributes: { ...participant.attributes } }));
  room.on('reconnected', () => window.seen.push({ type: 'reconnected', to: room.localParticipant.identity }));
  room.on('localTrackSubscribed', (publication) =>
    window.seen.push({ type: 'subscribed', to: room.localParticipant.identity, text: publication.trackSid }));
  room.registerRpcMethod('shout', async (data) => data.callerIdentity + ':' + data.payload.toUpperCase());
  room.registerTextStreamHandler('lk.transcription', async (reader, participant) =>
    window.seen.push({ type: 'text', from: participant.identity, text: await reader.readAll() }));
  await room.connect(url, token);
  window.rooms[room.localParticipant.identity] = room;
  window.room ??= room;
  if (publish) await room.localParticipant.setMicrophoneEnabled(true);
};
window.ready = true;
</script>`;

export interface TestPageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the test page and livekit-client on a free loopback port. */
export async function serveTestPage(): Promise<TestPageServer> {
  const client = await readFile(clientPath);
  const server = createServer((request, response) => {
    if (request.url === '/livekit-client.esm.mjs') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
