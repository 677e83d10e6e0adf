import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AgentConfig, ConfigError, resolveAgentConfig } from './config.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

async function importConfigModule(file: string): Promise<unknown> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new ConfigError(
        [
          {
            path: 'config',
            message:
              `${file}: this Node cannot import TypeScript directly. Compile the config with your ` +
              `build (and pass the .js), or start the worker with NODE_OPTIONS="--import tsx".`,
          },
        ],
        'config file',
      );
    }
    if (code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(file)) {
      throw new ConfigError([{ path: 'config', message: `cannot find ${file}` }], 'config file');
    }
    throw error;
  }
}

/**
 * Loads and validates a configuration file: `.json`, or a module (`.js`, `.mjs`, `.ts` with
 * a loader) whose default export is the config (see {@link defineAgentConfig}).
 * @throws {ConfigError} when the file is missing, unreadable or invalid.
 */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  const file = resolve(path);
  const extension = extname(file).toLowerCase();
  let raw: unknown;
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        [{ path: 'config', message: `cannot read ${file}: ${(error as Error).message}` }],
        'config file',
      );
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(
        [{ path: 'config', message: `${file} is not valid JSON: ${(error as Error).message}` }],
        'config file',
      );
    }
  } else if (MODULE_EXTENSIONS.has(extension)) {
    raw = await importConfigModule(file);
  } else {
    throw new ConfigError(
      [{ path: 'config', message: `${file}: use a .json, .js, .mjs or .ts file` }],
      'config file',
    );
  }
  return resolveAgentConfig(raw, `config (${file})`);
}
