import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RTCPeerConnection, SessionDescription } from 'werift';
import { ParticipantPeer } from './peer.js';

const ownAddresses = new Set(
  Object.values(networkInterfaces())
    .flat()
    .map((info) => info?.address),
);

describe('ParticipantPeer network hygiene', () => {
  it('answers with host candidates on this machine’s own addresses only, no STUN or TURN', async () => {
    const client = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false });
    const peer = new ParticipantPeer({
      onPublishedSection: () => undefined,
      onUnpublishedSection: () => undefined,
      onDataChannel: () => undefined,
    });
    try {
      expect(peer.pc.config.iceServers).toEqual([]);
      client.addTransceiver('audio', { direction: 'sendonly' });
      client.createDataChannel('_reliable');
      await client.setLocalDescription(await client.createOffer());
      const { sdp } = await peer.answer(client.localDescription?.sdp ?? '');
      const candidates = SessionDescription.parse(sdp).media.flatMap((m) => m.iceCandidates);
      expect(candidates.length).toBeGreaterThan(0);
      for (const candidate of candidates) {
        expect(candidate.type).toBe('host');
        expect(ownAddresses.has(candidate.ip)).toBe(true);
      }
    } finally {
      await client.close();
      await peer.close();
    }
  });
});
