import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llm } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentName } from '../worker/environment.js';
import {
  ConfigError,
  DEFAULT_MODEL,
  DEFAULT_VOICE,
  defineAgentConfig,
  resolveAgentConfig,
} from './config.js';
import { loadAgentConfig } from './load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voice-agent-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function issuesOf(input: unknown): string[] {
  try {
    resolveAgentConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.path);
    throw error;
  }
  return [];
}

describe('agent configuration', () => {
  it('applies the defaults: native-audio model, a voice, transcription on, client tools off', () => {
    const config = resolveAgentConfig({ instructions: 'Be brief.' });
    expect(config).toMatchObject({
      instructions: 'Be brief.',
      model: DEFAULT_MODEL,
      voice: DEFAULT_VOICE,
      temperature: undefined,
      greeting: undefined,
      transcription: true,
      reconnectGraceSeconds: 30,
      httpTools: [],
      clientTools: { enabled: false, timeoutMs: 10_000 },
    });
    expect(resolveAgentConfig({ instructions: 'x', reconnectGraceSeconds: 5 })).toMatchObject({
      reconnectGraceSeconds: 5,
    });
    expect(() => resolveAgentConfig({ instructions: 'x', reconnectGraceSeconds: -1 })).toThrow(
      /reconnectGraceSeconds/,
    );
    expect(DEFAULT_MODEL).toMatch(/native-audio/);
    expect(agentName({})).toBe('voice-agent');
    expect(agentName({ AGENT_NAME: 'concierge' })).toBe('concierge');
  });

  it('fills HTTP tool defaults: POST, 10 s, 64 KiB', () => {
    const config = resolveAgentConfig({
      instructions: 'x',
      tools: { http: [{ name: 'book', description: 'Book', url: 'https://api.example/book' }] },
    });
    expect(config.httpTools[0]).toMatchObject({
      method: 'POST',
      timeoutMs: 10_000,
      maxResponseBytes: 65_536,
      headers: {},
    });
  });

  it('names every invalid field', () => {
    expect(
      issuesOf({
        instructions: 42,
        temperature: 3,
        transcription: 'yes',
        extra: true,
        clientTools: { enabled: true, allow: ['ok', 'not ok'] },
        tools: {
          http: [
            { name: 'a', description: 'A', url: 'not a url' },
            { name: 'a', description: 'A', url: 'https://x.example', method: 'GET' },
            {
              name: 'b',
              description: 'B',
              url: 'https://x.example',
              parameters: { type: 'array' },
            },
          ],
        },
      }).sort(),
    ).toEqual(
      [
        'config',
        'config.instructions',
        'config.temperature',
        'config.transcription',
        'config.clientTools.allow[1]',
        'config.tools.http[0].url',
        'config.tools.http[1].method',
        'config.tools.http[2].parameters',
      ].sort(),
    );
    expect(issuesOf(null)).toEqual(['config']);
  });

  it('refuses a clash between a server and an HTTP tool name', () => {
    const book = llm.tool({ name: 'book', description: 'Book', execute: async () => 'ok' });
    expect(
      issuesOf({
        instructions: 'x',
        tools: {
          server: [book],
          http: [{ name: 'book', description: 'B', url: 'https://x.example' }],
        },
      }),
    ).toEqual(['config.tools.http[0].name']);
  });

  it('loads a JSON file and a JS module with server tools', async () => {
    const json = join(dir, 'voice-agent.config.json');
    await writeFile(json, JSON.stringify({ instructions: 'From JSON', voice: 'Kore' }));
    expect(await loadAgentConfig(json)).toMatchObject({ instructions: 'From JSON', voice: 'Kore' });

    const module = join(dir, 'voice-agent.config.mjs');
    const agents = import.meta.resolve('@livekit/agents');
    await writeFile(
      module,
      `import { llm } from '${agents}';
export default {
  instructions: 'From a module',
  greeting: 'Hello!',
  tools: { server: [llm.tool({ name: 'ping', description: 'Ping', execute: async () => 'pong' })] },
};`,
    );
    const config = await loadAgentConfig(module);
    expect(config.greeting).toBe('Hello!');
    expect(Object.keys(config.serverTools.functionTools)).toEqual(['ping']);
  });

  it('explains what is wrong with a file it cannot load', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "instructions": ');
    await expect(loadAgentConfig(broken)).rejects.toThrow(/is not valid JSON/);
    await expect(loadAgentConfig(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
    await expect(loadAgentConfig(join(dir, 'missing.mjs'))).rejects.toThrow(/cannot find/);
    await expect(loadAgentConfig(join(dir, 'config.yaml'))).rejects.toThrow(/use a .json/);
  });

  it('types a config module with defineAgentConfig', () => {
    const input = defineAgentConfig({ instructions: 'Typed', clientTools: { enabled: true } });
    expect(resolveAgentConfig(input).clientTools).toEqual({ enabled: true, timeoutMs: 10_000 });
  });
});
