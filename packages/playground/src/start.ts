#!/usr/bin/env node
import { parsePort } from '@voice-agent/protocol';
import { startPlayground } from './playground.js';

/**
 * `npm start`: the whole stack on one command. Prints one URL; Ctrl+C or SIGTERM stops
 * everything (the worker's process group included) and frees every port.
 */
async function main(): Promise<void> {
  const port = process.env.PORT === undefined ? 8080 : parsePort(process.env.PORT);
  if (port === undefined) throw new Error(`PORT must be a port number, not "${process.env.PORT}"`);
  const playground = await startPlayground({
    port,
    // The default port may be taken; an explicit PORT is a promise to the user.
    fallbackToFreePort: process.env.PORT === undefined,
    log: (line) => console.log(`playground: ${line}`),
    recordModelAudio: false,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`playground: ${signal}: stopping everything…`);
    playground.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Without its worker the page would connect and wait for an agent that never comes.
  void playground.worker.exited.then((code) => {
    if (stopping) return;
    stopping = true;
    console.error(`playground: the agent worker exited (${code}); stopping everything`);
    playground.close().finally(() => process.exit(1));
  });
  const mode = playground.offlineDemo
    ? ' (OFFLINE DEMO MODE: set GOOGLE_API_KEY to talk to Gemini)'
    : '';
  console.log(`\n  Open ${playground.url}${mode}\n  Ctrl+C stops everything.\n`);
}

main().catch((error: unknown) => {
  console.error(`playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
