import { readFileSync } from 'node:fs';
import { FrameworkShapeError } from './google-plugin.js';

/** Where `@livekit/agents` resolves to; its internal modules are found beside it. */
export const FRAMEWORK_INDEX = import.meta.resolve('@livekit/agents');

/** The installed `@livekit/agents` version, read once. */
const installedVersion = (
  JSON.parse(readFileSync(new URL('../package.json', FRAMEWORK_INDEX), 'utf8')) as {
    version: string;
  }
).version;

/**
 * Refuses to apply `fix` to any framework version but the one it was written for.
 * @throws {FrameworkShapeError} naming the fix and both versions.
 */
export function requireFrameworkVersion(fix: string, writtenFor: string): void {
  if (installedVersion !== writtenFor) {
    throw new FrameworkShapeError(
      `@livekit/agents is ${installedVersion}; the ${fix} fix is written for ${writtenFor}`,
    );
  }
}
