import type { Room } from '@livekit/rtc-node';
import { announceEnd } from './ending.js';
import { onWorkerGone } from './orphan-guard.js';

/**
 * Ties one call (its job process) to its worker's life: when the worker is gone, the agent
 * tells the visitor's page (`voice-agent.end` = `worker-lost`) and leaves the room, and the
 * orphan guard ends the process.
 */
export function superviseJob(room: Room): void {
  onWorkerGone(async () => {
    const local = room.localParticipant;
    if (local) await announceEnd(local, 'worker-lost');
    await room.disconnect();
  });
}
