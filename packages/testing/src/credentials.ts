/** Test-only LiveKit API credentials for the token service and the dev server (HS256-long). */
export const TEST_CREDENTIALS = {
  apiKey: 'test-key',
  apiSecret: 'test-secret-0123456789-abcdefghijklmnop',
} as const;
