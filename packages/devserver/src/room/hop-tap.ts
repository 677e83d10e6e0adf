import { appendFileSync } from 'node:fs';
import type { RtpPacket } from 'werift';
import type { PublishedSection } from '../rtc/peer.js';

/**
 * Opt-in (the playground benchmark's per-hop breakdown, packages/agent/src/hops): a file that
 * gets one JSON line each time a published track starts carrying sound again. Unset, no
 * packet is looked at.
 */
const HOP_LOG_VARIABLE = 'VOICE_AGENT_HOP_LOG';
/**
 * An Opus packet this large carries sound; silence encodes to a few bytes (or none, with
 * DTX). The packets are not decoded: the server forwards them untouched.
 */
const SOUND_BYTES = 20;
/** Quiet this long before a sound makes it a new onset (the bench's tones are 2 s apart). */
const QUIET_MS = 250;

/** Notes, per published audio track, when its sound starts (`devserver` hop, system clock). */
export function tapHops(room: string, identity: string, section: PublishedSection): void {
  const file = process.env[HOP_LOG_VARIABLE];
  if (!file) return;
  let lastSound = Number.NEGATIVE_INFINITY;
  section.track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
    if (rtp.payload.length < SOUND_BYTES) return;
    const at = performance.timeOrigin + performance.now();
    if (at - lastSound > QUIET_MS) {
      appendFileSync(file, `${JSON.stringify({ hop: 'devserver', room, identity, at })}\n`);
    }
    lastSound = at;
  });
}
