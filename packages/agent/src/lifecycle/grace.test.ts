import { writeFile } from 'node:fs/promises';
import { ParticipantKind, Room, RoomEvent } from '@livekit/rtc-node';
import { VISITOR_AWAY_METHOD } from '@voice-agent/protocol';
import { waitFor } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type CliWorker,
  type Stack,
  spawnCliWorker,
  startStack,
  visitor,
  visitorToken,
} from './stack.test-helper.js';

// A real worker (CLI, job processes) with a 2 s grace period. The visitor is a raw signalling
// client whose socket the test kills (a dropped network: no leave), and the dev server lets it
// go at once; a bystander keeps the room open and watches the agent.

const GRACE_SECONDS = 2;

describe('the grace period for a visitor whose connection dropped', { timeout: 120_000 }, () => {
  let stack: Stack;
  let worker: CliWorker;

  beforeAll(async () => {
    stack = await startStack({}, { departureTimeoutSeconds: 0 });
    await writeFile(
      stack.config,
      JSON.stringify({
        instructions: 'You are a test agent.',
        reconnectGraceSeconds: GRACE_SECONDS,
      }),
    );
    worker = spawnCliWorker(stack, 'grace-agent');
    await worker.registered;
    return async () => {
      worker.killGroup();
      await stack.close();
    };
  });

  /** The visitor joins (no WebRTC behind it); resolves once the server answered its join. */
  async function rawVisitor(roomName: string): Promise<WebSocket> {
    const token = await visitorToken(roomName, 'grace-agent');
    const socket = new WebSocket(`${stack.server.url}/rtc?access_token=${token}&auto_subscribe=1`);
    await new Promise((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /**
   * A second participant, so the room outlives the visitor; it watches the agent. Without
   * `subscribe` it takes none of the agent's tracks: only the agent's own session can then end
   * the call.
   */
  async function bystander(roomName: string, { subscribe = true } = {}) {
    const token = new AccessToken('devkey', 'secret', { identity: `bystander-${roomName}` });
    token.addGrant({ roomJoin: true, room: roomName, canSubscribe: true });
    const room = new Room();
    await room.connect(stack.server.url, await token.toJwt(), {
      autoSubscribe: subscribe,
      dynacast: false,
    });
    const agent = await waitFor(
      () =>
        [...room.remoteParticipants.values()].find(
          (p) => p.kind === ParticipantKind.AGENT && p.attributes['lk.agent.state'] === 'listening',
        ),
      { what: 'the agent listening', timeoutMs: 30_000 },
    );
    return { room, agent };
  }

  /** The worker's log lines at a pino level (50: error), from line `from` on. */
  const logged = (level: number, from = 0) =>
    worker.output.slice(from).filter((line) => line.includes(`"level":${level}`));

  it('keeps the session for a visitor who comes back within the grace period', async () => {
    const first = await rawVisitor('back');
    const watch = await bystander('back');
    try {
      first.terminate();
      await waitFor(
        () =>
          stack.server.rooms()[0]?.participants.some((p) => p === 'visitor-back')
            ? undefined
            : true,
        { what: 'the visitor gone from the room' },
      );
      const again = await rawVisitor('back');
      // Well past the grace period: the agent is still there, its session still listening.
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 2) * 1_000));
      expect(
        watch.room.remoteParticipants.get(watch.agent.identity)?.attributes['lk.agent.state'],
      ).toBe('listening');
      expect(stack.server.jobs().filter((job) => job.room === 'back')).toHaveLength(1);
      again.close();
    } finally {
      await watch.room.disconnect();
    }
  });

  it('ends the call at once for a visitor who hangs up as soon as the agent is there', async () => {
    // Before it subscribed to the agent's audio: the framework's RoomIO then waited for that
    // subscription while closing, and the agent stayed 60 s (src/framework/unsubscribed-output.ts).
    const { room: visitorRoom, listening } = await visitor(stack, 'early', 'grace-agent', {
      autoSubscribe: false,
      dynacast: false,
    });
    const agent = await listening;
    const watch = await bystander('early', { subscribe: false });
    try {
      const agentLeft = new Promise<void>((resolve) =>
        watch.room.on(RoomEvent.ParticipantDisconnected, (participant) => {
          if (participant.identity === agent.identity) resolve();
        }),
      );
      const linesBefore = worker.output.length;
      await visitorRoom.disconnect();
      const outcome = await Promise.race([
        agentLeft.then(() => 'agent left'),
        new Promise((resolve) => setTimeout(resolve, 10_000, 'agent still there after 10 s')),
      ]);
      expect(outcome).toBe('agent left');
      // The greeting it cut short is no error of the job's; the job did log its end, in the
      // format the check reads.
      expect(logged(30, linesBefore)).not.toEqual([]);
      expect(logged(50, linesBefore)).toEqual([]);
    } finally {
      await watch.room.disconnect();
    }
  });

  it('ends the session once a visitor who stepped away stays gone past the grace period', async () => {
    // An rtc-node visitor that the agent serves (it joins alone), which steps away as a
    // remounted `persist` widget does: voice-agent.away, then a leave (CLIENT_INITIATED).
    const visitor = new Room();
    await visitor.connect(stack.server.url, await visitorToken('gone', 'grace-agent'));
    const agent = await waitFor(
      () =>
        [...visitor.remoteParticipants.values()].find(
          (p) => p.kind === ParticipantKind.AGENT && p.attributes['lk.agent.state'] === 'listening',
        ),
      { what: 'the agent listening', timeoutMs: 30_000 },
    );
    const watch = await bystander('gone');
    try {
      const agentLeft = new Promise<void>((resolve) =>
        watch.room.on(RoomEvent.ParticipantDisconnected, (participant) => {
          if (participant.identity === agent.identity) resolve();
        }),
      );
      await visitor.localParticipant?.performRpc({
        destinationIdentity: agent.identity,
        method: VISITOR_AWAY_METHOD,
        payload: '',
      });
      await visitor.disconnect();
      // The bystander keeps the room: only the agent's grace period can end the call.
      await agentLeft;
      expect(stack.server.rooms().find((room) => room.name === 'gone')?.participants).toEqual([
        'bystander-gone',
      ]);
    } finally {
      await watch.room.disconnect();
    }
  });
});
