import { TokenServiceConfigError } from '../errors/errors.js';

/** A compiled origin allow-list. */
export interface OriginPatterns {
  /** True when the list is `*`: any origin may ask. */
  any: boolean;
  matches: (origin: string) => boolean;
}

const PATTERN_SHAPE = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(:(\d{1,5}|\*))?$/i;

/**
 * Compiles allow-list entries: exact origins (`https://example.com`), a `*` port
 * (`http://localhost:*`, which also matches no port), `*.` leading labels
 * (`https://*.example.com`, subdomains only) or `*` alone for any origin.
 * @throws {TokenServiceConfigError} for an entry that is not an origin (e.g. has a path).
 */
export function parseOriginPatterns(patterns: readonly string[]): OriginPatterns {
  if (patterns.includes('*')) return { any: true, matches: () => true };
  const expressions = patterns.map((pattern) => {
    const shape = PATTERN_SHAPE.exec(pattern);
    if (!shape) {
      throw new TokenServiceConfigError(
        `allowedOrigins (ALLOWED_ORIGINS): "${pattern}" is not an origin like https://example.com, http://localhost:* or https://*.example.com`,
      );
    }
    const [, scheme, anySubdomain, host, , port] = shape;
    const subdomains = anySubdomain ? '(?:[a-z0-9-]+\\.)+' : '';
    const portPart = port === '*' ? '(?::\\d{1,5})?' : port ? `:${port}` : '';
    return new RegExp(`^${scheme}://${subdomains}${escapeRegExp(host ?? '')}${portPart}$`, 'i');
  });
  return {
    any: false,
    matches: (origin) => expressions.some((expression) => expression.test(origin)),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
