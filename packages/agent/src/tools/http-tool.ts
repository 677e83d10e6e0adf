import { randomUUID } from 'node:crypto';
import { llm } from '@livekit/agents';
import type { HttpToolConfig } from '../config/schema.js';
import { type Visitor, visitorOf } from '../visitor/visitor.js';
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from './signature.js';

/** Header naming the tool being called, so one endpoint can serve several tools. */
export const TOOL_NAME_HEADER = 'X-Voice-Agent-Tool';

const EMPTY_PARAMETERS = { type: 'object', properties: {} } as const;

async function readCapped(response: Response, maxBytes: number, name: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new llm.ToolError(`${name}: the response is larger than ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new llm.ToolError(`${name}: the response is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseResult(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** The JSON body of an HTTP tool request. */
export interface HttpToolRequestBody {
  tool: string;
  /** Unique per request. */
  requestId: string;
  /** The model's arguments, as the tool's parameters schema describes them. */
  arguments: Record<string, unknown>;
  /**
   * The visitor the agent serves, as the token service signed it at join; `null` when
   * anonymous. Covered by the signature: the page, the visitor and the model cannot set it.
   */
  visitor: Visitor | null;
}

/**
 * Makes a framework tool that sends the model's arguments and the session's verified visitor
 * as JSON to the host's backend (an {@link HttpToolRequestBody}),
 * signed with HMAC-SHA256 (see {@link verifySignature}); the parsed response body is the
 * result. Timeouts, non-2xx answers, oversize bodies and network errors become tool errors.
 */
export function createHttpTool(config: HttpToolConfig, secret: string): llm.FunctionTool {
  const { name, url, method, headers, timeoutMs, maxResponseBytes } = config;
  return llm.tool({
    name,
    description: config.description,
    parameters: config.parameters ?? EMPTY_PARAMETERS,
    execute: async (args: unknown, { abortSignal, ctx }) => {
      // The envelope's unique requestId makes every signature unique, so a backend can
      // reject replays by remembering signatures (see ReplayGuard).
      const envelope: HttpToolRequestBody = {
        tool: name,
        requestId: randomUUID(),
        arguments: (args ?? {}) as Record<string, unknown>,
        visitor: visitorOf(ctx),
      };
      const body = JSON.stringify(envelope);
      const signed = signRequest(secret, body);
      const signal = AbortSignal.any([abortSignal, AbortSignal.timeout(timeoutMs)]);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          body,
          signal,
          redirect: 'error',
          headers: {
            ...headers,
            'Content-Type': 'application/json',
            [TOOL_NAME_HEADER]: name,
            [TIMESTAMP_HEADER]: signed.timestamp,
            [SIGNATURE_HEADER]: signed.signature,
          },
        });
      } catch (error) {
        if (signal.aborted && !abortSignal.aborted) {
          throw new llm.ToolError(`${name}: no answer within ${timeoutMs} ms`);
        }
        throw new llm.ToolError(`${name}: the request failed (${(error as Error).message})`);
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new llm.ToolError(`${name}: the backend answered HTTP ${response.status}`);
      }
      try {
        const text = await readCapped(response, maxResponseBytes, name);
        return parseResult(text, response.headers.get('content-type'));
      } catch (error) {
        if (error instanceof llm.ToolError) throw error;
        throw new llm.ToolError(
          signal.aborted
            ? `${name}: no answer within ${timeoutMs} ms`
            : `${name}: reading the response failed`,
        );
      }
    },
  });
}
