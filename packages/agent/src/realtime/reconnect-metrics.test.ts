import { afterEach, describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../metrics/worker-metrics.js';
import { spokenTurn, tonePcm } from '../testing/index.js';
import { eventually, type Harness, startHarness } from '../worker/harness.test-helper.js';

// A goAway and a 1011 of the real stand-in, through the real framework and plugin: each new
// connection is counted by cause, and a Prometheus scrape of the worker's metrics shows it.

let harness: Harness | undefined;
let metrics: WorkerMetrics | undefined;
let server: { close(): void } | undefined;
afterEach(async () => {
  await harness?.stop();
  server?.close();
  harness = undefined;
});

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('reconnects in the worker metrics', () => {
  it('counts a goAway switch and a lost connection by cause', async () => {
    metrics = new WorkerMetrics();
    const served = await metrics.serve(0, '127.0.0.1');
    server = served.server;
    const recorder = metrics;
    harness = await startHarness(
      {},
      {},
      {},
      {
        backoffMs: () => 100,
        onReconnect: (cause) => recorder.record({ type: 'gemini-reconnect', cause }),
      },
    );
    const h = harness;
    await h.standIn.waitForTools([]);
    await h.standIn.play([{ type: 'goAway', timeLeft: '2s' }]);
    await h.standIn.waitForConnection(2);
    h.standIn.react({
      on: 'clientTurn',
      reply: [
        { type: 'audio', pcm: tonePcm({ durationMs: 200 }) },
        { type: 'close', code: 1011, reason: 'Internal error encountered.' },
      ],
      times: 1,
    });
    h.standIn.react({ on: 'clientTurn', reply: spokenTurn('Still here.'), times: 1 });
    h.session.generateReply({ userInput: 'Are you there?' });
    // The 1011 comes right after a handle that holds the question: asked again, answered.
    await eventually(() => h.transcript.includes('assistant: Still here.'), 'the answer');
    const text = await scrape(served.port);
    expect(text).toContain('voice_agent_gemini_reconnects_total{cause="go_away"} 1');
    expect(text).toContain('voice_agent_gemini_reconnects_total{cause="error_1011"} 1');
  });
});
