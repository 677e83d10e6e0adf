import { WorkerStatus } from '@livekit/protocol';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { pickWorker, type RegisteredWorker } from './worker-pool.js';

function worker(id: string, load: number, status = WorkerStatus.WS_AVAILABLE): RegisteredWorker {
  return { id, agentName: 'a', socket: {} as WebSocket, status, load };
}

describe('pickWorker (LiveKit selectWorkerWeightedByLoad)', () => {
  const idle = worker('idle', 0);
  const half = worker('half', 0.5);

  it('weights each available worker by its spare capacity, 1 - load', () => {
    // Spare capacities 1 and 0.5: the first two thirds of [0, 1) pick the idle worker.
    expect(pickWorker([idle, half], 'a', new Set(), () => 0.6)?.id).toBe('idle');
    expect(pickWorker([idle, half], 'a', new Set(), () => 0.7)?.id).toBe('half');
  });

  it('never picks a worker that reports FULL, another agent name, or one already tried', () => {
    const full = worker('full', 0, WorkerStatus.WS_FULL);
    for (const random of [0, 0.5, 0.99]) {
      expect(pickWorker([full, half], 'a', new Set(), () => random)?.id).toBe('half');
      expect(pickWorker([idle, half], 'a', new Set(['idle']), () => random)?.id).toBe('half');
      expect(pickWorker([idle], 'b', new Set(), () => random)).toBeUndefined();
    }
  });

  it('skips a worker at load 1 while another has room, else picks among the loaded ones', () => {
    const busy = worker('busy', 1);
    expect(pickWorker([busy, half], 'a', new Set(), () => 0)?.id).toBe('half');
    expect(pickWorker([busy], 'a', new Set(), () => 0.5)?.id).toBe('busy');
  });
});
