import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTokenService } from '../service/service.js';
import { BENCH_CONFIG } from './config.js';
import { createExpressTokenApp } from './express-token.js';

/** Child-process entry: serves one implementation on a free loopback port and prints it. */
function main(): void {
  const which = process.argv[2];
  if (which === 'hono') {
    const app = createTokenService({
      ...BENCH_CONFIG,
      rateLimit: { perMinute: BENCH_CONFIG.perMinute },
    });
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      process.stdout.write(`port ${info.port}\n`);
    });
  } else if (which === 'express') {
    const server = createExpressTokenApp(BENCH_CONFIG).listen(0, '127.0.0.1', () => {
      process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
    });
  } else {
    console.error('usage: serve.js hono|express');
    process.exit(2);
  }
}

main();
