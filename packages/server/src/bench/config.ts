/** What both benchmarked servers are configured with. */
export interface BenchConfig {
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  allowedOrigins: string[];
  agentNames: string[];
  perMinute: number;
  maxBodyBytes: number;
}

export const BENCH_CONFIG: BenchConfig = {
  livekitUrl: 'ws://127.0.0.1:7880',
  apiKey: 'bench-key',
  apiSecret: 'bench-secret-0123456789-abcdefghijklmnop',
  allowedOrigins: ['http://localhost:*'],
  agentNames: ['voice-agent'],
  // High enough never to refuse during a run, so the store is exercised but never trips.
  perMinute: 100_000_000,
  maxBodyBytes: 16 * 1024,
};
