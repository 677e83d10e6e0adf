import dgram from 'node:dgram';
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { waitFor } from '@voice-agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RTCDataChannel, RTCPeerConnection, SessionDescription } from 'werift';
import { createPeerConnection } from './peer.js';
import { WERIFT_VERSION } from './werift-fixes.js';

// Each test here fails on stock werift 0.24.4 and passes with werift-fixes.ts, which peer.ts
// applies on import (checked by turning each fix off once).

const peers: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((pc) => pc.close()));
});

function track<T extends RTCPeerConnection>(pc: T): T {
  peers.push(pc);
  return pc;
}

/** A werift peer standing in for a browser client: it offers, the server peer answers. */
function clientPeer(): RTCPeerConnection {
  return track(new RTCPeerConnection({ iceServers: [], iceUseIpv6: false }));
}

async function negotiate(client: RTCPeerConnection, server: RTCPeerConnection) {
  await client.setLocalDescription(await client.createOffer());
  await server.setRemoteDescription(client.localDescription as never);
  await server.setLocalDescription(await server.createAnswer());
  await client.setRemoteDescription(server.localDescription as never);
  return SessionDescription.parse(server.localDescription?.sdp ?? '');
}

/** Copies the offer's audio section (mid 0) as a new recvonly section with `mid`. */
function withExtraAudioSection(sdp: string, mid: string): string {
  const [session = '', ...sections] = sdp.split(/\r\n(?=m=)/);
  const audio = sections.find((section) => section.startsWith('m=audio')) ?? '';
  const extra = audio
    .split('\r\n')
    .filter((line) => !/^a=(ssrc|msid)/.test(line))
    .map((line) => (line.startsWith('a=mid:') ? `a=mid:${mid}` : line))
    .join('\r\n')
    .replace(/a=(sendrecv|sendonly|inactive)/, 'a=recvonly');
  const bundled = session.replace(/a=group:BUNDLE ([^\r\n]*)/, `a=group:BUNDLE $1 ${mid}`);
  return `${[bundled, ...sections.map((s) => s.trimEnd()), extra.trimEnd()].join('\r\n')}\r\n`;
}

describe('werift fixes (applied at run time)', () => {
  it('are written for the werift version the package pins', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    expect(manifest.dependencies.werift).toBe(WERIFT_VERSION);
  });

  it('answers a section it cannot use as inactive on port 9, not rejected on port 0 inside BUNDLE', async () => {
    const client = clientPeer();
    const server = track(createPeerConnection());
    client.addTransceiver('audio', { direction: 'recvonly' });
    client.createDataChannel('_reliable');
    const answer = await negotiate(client, server);
    const audio = answer.media.find((media) => media.kind === 'audio');
    expect(audio?.direction).toBe('inactive');
    expect(answer.group[0]?.items).toContain(audio?.rtp.muxId);
    // Chromium refuses a BUNDLEd section with port 0 ("should be rejected").
    expect(audio?.port).toBe(9);
  });

  it('keeps each remote section on its own transceiver when a re-offer adds one', async () => {
    const client = clientPeer();
    const server = track(createPeerConnection());
    client.addTransceiver('audio', { direction: 'recvonly' });
    client.createDataChannel('_reliable');
    await negotiate(client, server);
    // The server answered mid 0 inactive. A browser's next offer adds a receive section,
    // as livekit-client does on a mediaSectionsRequirement.
    await client.setLocalDescription(await client.createOffer());
    const reoffer = withExtraAudioSection(client.localDescription?.sdp ?? '', '2');
    await server.setRemoteDescription({ type: 'offer', sdp: reoffer });
    await server.setLocalDescription(await server.createAnswer());
    const answer = SessionDescription.parse(server.localDescription?.sdp ?? '');
    expect(answer.media.map((media) => media.rtp.muxId)).toEqual(['0', '1', '2']);
    expect(server.getTransceivers().map((t) => t.mid)).toEqual(['0', '2']);
  });

  it('never repeats a DTLS record sequence number in epoch 1 after the handshake', async () => {
    const client = clientPeer();
    const server = track(createPeerConnection());
    const channel = client.createDataChannel('_reliable');
    const records = new Map<string, string[]>([
      ['client', []],
      ['server', []],
    ]);
    await negotiate(client, server);
    for (const [name, pc] of [
      ['client', client],
      ['server', server],
    ] as const) {
      const connection = (
        pc as unknown as {
          sctpTransport: {
            dtlsTransport: {
              iceTransport: { connection: { send(data: Buffer): Promise<void> } };
            };
          };
        }
      ).sctpTransport.dtlsTransport.iceTransport.connection;
      const send = connection.send.bind(connection);
      connection.send = (data: Buffer) => {
        // DTLS records start with a content type in 20..63 (RFC 7983); epoch and sequence follow.
        if (data[0] !== undefined && data[0] >= 20 && data[0] <= 63 && data.readUInt16BE(3) === 1) {
          records.get(name)?.push(data.subarray(5, 11).toString('hex'));
        }
        return send(data);
      };
    }
    const serverChannel = await new Promise<RTCDataChannel>((resolve) =>
      server.onDataChannel.subscribe(resolve),
    );
    let received = 0;
    serverChannel.onMessage.subscribe(() => {
      received += 1;
    });
    await waitFor(() => (channel.readyState === 'open' ? true : undefined), { what: 'open' });
    for (let i = 0; i < 40; i++) channel.send(Buffer.from(`message ${i}`));
    await waitFor(() => (received === 40 ? true : undefined), { what: '40 messages' });
    for (const [name, sequences] of records) {
      expect(sequences.length, name).toBeGreaterThan(5);
      expect(new Set(sequences).size, `${name} repeated a sequence number`).toBe(sequences.length);
    }
  });

  it('sends nothing to a STUN server when none is configured (werift defaulted to Google’s)', async () => {
    const own = new Set(
      Object.values(networkInterfaces())
        .flat()
        .map((info) => info?.address),
    );
    const destinations: string[] = [];
    const lookup = dns.lookup;
    // werift resolves its STUN server with dns.promises.lookup, then sends a binding request.
    dns.lookup = ((hostname: string) => {
      destinations.push(hostname);
      return Promise.reject(new Error('no lookups in this test'));
    }) as typeof dns.lookup;
    const send = dgram.Socket.prototype.send;
    dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
      const host = args.find((arg, i) => i > 0 && typeof arg === 'string');
      if (typeof host === 'string') destinations.push(host);
      return (send as (...a: unknown[]) => void).apply(this, args);
    } as typeof send;
    try {
      const client = clientPeer();
      const server = track(createPeerConnection());
      client.createDataChannel('_reliable');
      const channel = client.createDataChannel('probe');
      await negotiate(client, server);
      await waitFor(() => (channel.readyState === 'open' ? true : undefined), { what: 'open' });
      await waitFor(() => (server.iceGatheringState === 'complete' ? true : undefined), {
        what: 'gathering',
      });
    } finally {
      dgram.Socket.prototype.send = send;
      dns.lookup = lookup;
    }
    expect(destinations.length).toBeGreaterThan(0);
    expect(destinations.filter((host) => !isIP(host) || !own.has(host))).toEqual([]);
  });
});
