import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAgent } from '@livekit/agents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import job, { CONFIG_PATH_VARIABLE } from './job.js';
import { configFor, prewarmConfig } from './prewarmed-config.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prewarmed-config-'));
  file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify({ instructions: 'Prewarmed', voice: 'Kore' }));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  delete process.env[CONFIG_PATH_VARIABLE];
});

describe('the configuration of a prewarmed job process', () => {
  it('is loaded by the agent definition’s prewarm, so the job does not read the file', async () => {
    process.env[CONFIG_PATH_VARIABLE] = file;
    const proc = { userData: {} };
    if (!isAgent(job) || !job.prewarm) throw new Error('the job has no prewarm');
    await job.prewarm(proc as never);
    await expect(configFor(proc, file)).resolves.toMatchObject({ instructions: 'Prewarmed' });
    // Changed once the load is done: a job that read the file again would see the change.
    await writeFile(file, JSON.stringify({ instructions: 'Changed', voice: 'Puck' }));
    await expect(configFor(proc, file)).resolves.toMatchObject({ instructions: 'Prewarmed' });
  });

  it('is loaded by the job when no prewarm ran', async () => {
    await expect(configFor({ userData: {} }, file)).resolves.toMatchObject({
      voice: 'Kore',
    });
  });

  it('fails the job, not the prewarm, when it cannot be loaded', async () => {
    const proc = { userData: {} };
    const missing = join(dir, 'missing.json');
    expect(() => prewarmConfig(proc, missing)).not.toThrow();
    await expect(configFor(proc, missing)).rejects.toBeInstanceOf(ConfigError);
  });
});
