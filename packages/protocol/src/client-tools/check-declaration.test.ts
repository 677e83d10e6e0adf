import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkToolDeclaration } from './check-declaration.js';
import { CLIENT_TOOL_LIMITS } from './client-tools.js';

const code = (raw: unknown) => {
  const check = checkToolDeclaration(raw);
  return check.ok ? 'ok' : check.code;
};

describe('checkToolDeclaration', () => {
  it('accepts a tool and fills in what may be left out', () => {
    expect(checkToolDeclaration({ name: 'ping' })).toEqual({
      ok: true,
      declaration: {
        name: 'ping',
        description: '',
        parameters: { type: 'object', properties: {} },
      },
    });
  });

  it('checks the name against the pattern, up to 64 characters', () => {
    expect(code({ name: `a${'b'.repeat(63)}` })).toBe('ok');
    expect(code({ name: `a${'b'.repeat(64)}` })).toBe('invalid_name');
    for (const name of ['1st', 'a-b', 'a b', '', 7, undefined]) {
      expect(code({ name })).toBe('invalid_name');
    }
    expect(code(null)).toBe('invalid_name');
    expect(code([])).toBe('invalid_name');
  });

  it('limits the description in characters', () => {
    const max = CLIENT_TOOL_LIMITS.maxDescriptionLength;
    expect(code({ name: 't', description: 'é'.repeat(max) })).toBe('ok');
    expect(code({ name: 't', description: 'x'.repeat(max + 1) })).toBe('description_too_long');
    expect(code({ name: 't', description: 3 })).toBe('invalid_schema');
  });

  it('wants an object schema, limited in UTF-8 bytes', () => {
    expect(code({ name: 't', parameters: { type: 'string' } })).toBe('invalid_schema');
    expect(code({ name: 't', parameters: { type: 'object', properties: [] } })).toBe(
      'invalid_schema',
    );
    expect(code({ name: 't', parameters: { type: 'object', required: 'a' } })).toBe(
      'invalid_schema',
    );
    const padded = (bytes: number, char: string) => {
      const base = JSON.stringify({ type: 'object', description: '' }).length;
      return { type: 'object', description: char.repeat((bytes - base) / char.length) };
    };
    const max = CLIENT_TOOL_LIMITS.maxSchemaBytes;
    expect(code({ name: 't', parameters: padded(max, 'x') })).toBe('ok');
    expect(code({ name: 't', parameters: padded(max + 1, 'x') })).toBe('schema_too_large');
    // Two bytes each in UTF-8: half as many characters reach the limit.
    expect(code({ name: 't', parameters: padded(max + 2, 'é') })).toBe('schema_too_large');
  });

  it('is browser-safe: the built module imports nothing from Node', async () => {
    const dist = new URL('../../dist/', import.meta.url);
    const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = await readFile(new URL(file, dist), 'utf8');
      expect(source, file).not.toMatch(/from ['"](node:|[a-z@])/);
      expect(source, file).not.toMatch(/\b(Buffer|process|require)\b/);
    }
  });
});
