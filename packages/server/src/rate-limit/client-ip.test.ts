import { describe, expect, it } from 'vitest';
import { normalizeIp } from './client-ip.js';

describe('normalizeIp', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and keys IPv6 by its /64', () => {
    expect(normalizeIp('203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('2001:db8:0:1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(normalizeIp('[2001:db8:aa:bb::1]')).toBe('2001:db8:aa:bb::/64');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(normalizeIp('::1')).toBe('0:0:0:0::/64');
  });
});
