import { llm } from '@livekit/agents';
import { withinTimeLimit } from '../time-limit.js';

/** How long a server tool may run before the model gets a timeout error. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

function toJsonValue(name: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) throw new llm.ToolError(`${name}: returned a value that is not JSON`);
  return JSON.parse(text);
}

/**
 * Wraps a tool so that it always settles with something the model can read: a timeout or a
 * result that is not JSON becomes a tool error (the framework would otherwise send nothing,
 * and Gemini would wait for the answer forever). Thrown errors are reported by the framework.
 */
export function guardTool(
  tool: llm.FunctionTool,
  timeoutMs = DEFAULT_TOOL_TIMEOUT_MS,
): llm.FunctionTool {
  const { name } = tool;
  return {
    ...tool,
    execute: async (args, options) => {
      const result = await withinTimeLimit(
        tool.execute(args, options),
        timeoutMs,
        () => new llm.ToolError(`${name}: no result within ${timeoutMs} ms`),
      );
      return toJsonValue(name, result);
    },
  };
}
