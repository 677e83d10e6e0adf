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
 * A packet carries sound when it is at least this large and half again as large as the
 * smallest of the last 50 (1 s): what silence encodes to differs, from a few bytes (rtc-node)
 * to over 40 (Chromium's fake microphone). The packets are not decoded: the server forwards
 * them untouched.
 */
const SOUND_BYTES = 40;
const OVER_QUIET = 1.5;
const RECENT = 50;
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
  const recent: number[] = [];
  section.track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
    const at = performance.timeOrigin + performance.now();
    const bytes = rtp.payload.length;
    recent.push(bytes);
    if (recent.length > RECENT) recent.shift();
    const sound = bytes >= Math.max(SOUND_BYTES, OVER_QUIET * Math.min(...recent));
    const inARow = at - previous <= IN_A_ROW_MS;
    previous = at;
    if (!sound || !inARow) run = 0;
    if (!sound) return;
    if (run === 0) runStart = at;
    run += 1;
    if (run < SOUND_PACKETS) return;
    if (run === SOUND_PACKETS && runStart - lastSound > QUIET_MS) {
      const onset = { hop: 'devserver', room, identity, at: runStart, bytes };
      appendFileSync(file, `${JSON.stringify(onset)}\n`);
    }
    lastSound = at;
  });
}
