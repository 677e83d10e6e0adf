#!/usr/bin/env node
import { resolveOptions, USAGE, wantsHelp } from './cli/options.js';
import { startDevServer } from './server/dev-server.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return;
  }
  const options = resolveOptions(argv, process.env);
  const server = await startDevServer(options);
  console.log(`voice-agent-devserver: LiveKit-compatible development server on ${server.url}`);
  for (const [key, secret] of Object.entries(server.keys)) {
    console.log(`  API key: ${key}  API secret: ${secret}`);
  }
  console.log('  For local development and tests only: not a production SFU.');
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  console.error(
    `voice-agent-devserver: ${code ? `${code}: ` : ''}${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
