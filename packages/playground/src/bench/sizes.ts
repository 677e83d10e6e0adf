import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { WIDGET_DIST } from '../playground.js';

/** One artefact's size, raw and compressed (bytes). */
export interface Size {
  what: string;
  raw: number;
  gzip: number;
  brotli: number;
}

function sizeOf(what: string, bytes: Buffer): Size {
  return {
    what,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length,
  };
}

/**
 * The widget's script-tag build: the loader alone (what a page loads up front) and the
 * loader with every chunk it can load. Each file is compressed on its own, as a server sends it.
 */
export async function widgetSizes(): Promise<Size[]> {
  const loader = sizeOf('loader', await readFile(join(WIDGET_DIST, 'voice-agent.js')));
  const chunkDir = join(WIDGET_DIST, 'chunks');
  const chunks = (await readdir(chunkDir)).filter((name) => name.endsWith('.js'));
  const full = { ...loader, what: 'full bundle (loader and every chunk)' };
  for (const name of chunks) {
    const chunk = sizeOf(name, await readFile(join(chunkDir, name)));
    full.raw += chunk.raw;
    full.gzip += chunk.gzip;
    full.brotli += chunk.brotli;
  }
  return [loader, full];
}
