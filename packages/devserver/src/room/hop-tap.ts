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
 * An Opus packet this large may carry sound; silence encodes to a few bytes. The packets are
 * not decoded: the server forwards them untouched.
 */
const SOUND_BYTES = 40;
/**
 * Sound is this many such packets in a row, each within 40 ms of the one before (20 ms
 * frames): DTX sends a lone packet every 400 ms or so of silence, which is not a sound.
 */
const SOUND_PACKETS = 3;
const IN_A_ROW_MS = 40;
/** Quiet this long before a sound makes it a new onset (the bench's tones are 2 s apart). */
const QUIET_MS = 250;

/** Notes, per published audio track, when its sound starts (`devserver` hop, system clock). */
export function tapHops(room: string, identity: string, section: PublishedSection): void {
  const file = process.env[HOP_LOG_VARIABLE];
  if (!file) return;
  let lastSound = Number.NEGATIVE_INFINITY;
  // The packets of sound in a row so far, and when the first of them came.
  let run = 0;
  let runStart = 0;
  let previous = 0;
  section.track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
    const at = performance.timeOrigin + performance.now();
    const inARow = at - previous <= IN_A_ROW_MS;
    previous = at;
    if (rtp.payload.length < SOUND_BYTES || !inARow) run = 0;
    if (rtp.payload.length < SOUND_BYTES) return;
    if (run === 0) runStart = at;
    run += 1;
    if (run < SOUND_PACKETS) return;
    if (run === SOUND_PACKETS && runStart - lastSound > QUIET_MS) {
      const onset = { hop: 'devserver', room, identity, at: runStart, bytes: rtp.payload.length };
      appendFileSync(file, `${JSON.stringify(onset)}\n`);
    }
    lastSound = at;
  });
}
