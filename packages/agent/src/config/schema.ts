import { TOOL_NAME_PATTERN } from '@voice-agent/protocol';
import { z } from 'zod';

/** Tool names the model sees: Gemini's function-name rules, also used for client tools. */
export { TOOL_NAME_PATTERN };

const toolName = z
  .string()
  .regex(TOOL_NAME_PATTERN, 'must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$ (letters, digits, _)');

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === 'object', 'must be a JSON Schema with "type": "object"');

/** One HTTP tool: the agent sends the model's arguments as JSON to `url`, signed. */
export const httpToolSchema = z.strictObject({
  name: toolName,
  description: z.string().min(1).max(1024),
  parameters: jsonSchemaObject.optional(),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  maxResponseBytes: z
    .number()
    .int()
    .min(1)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
});

export const clientToolsSchema = z.strictObject({
  enabled: z.boolean(),
  allow: z.array(toolName).optional(),
  timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
});

/**
 * Gemini's context window compression: `true` (the default) lets the server slide its window
 * with its own limits, so a session outlives Gemini's 15-minute audio cap; `false` turns it
 * off; token counts tune when it compresses and how much it keeps.
 */
export const contextWindowCompressionSchema = z.union([
  z.boolean(),
  z.strictObject({
    triggerTokens: z.number().int().min(1).optional(),
    targetTokens: z.number().int().min(1).optional(),
  }),
]);

/** Everything a JSON config file may hold (no functions). */
export const jsonConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  instructions: z.string().min(1),
  model: z.string().min(1).optional(),
  voice: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  language: z.string().min(2).optional(),
  greeting: z.string().min(1).optional(),
  transcription: z.boolean().optional(),
  contextWindowCompression: contextWindowCompressionSchema.optional(),
  reconnectGraceSeconds: z.number().min(0).max(600).optional(),
  tools: z
    .strictObject({
      http: z.array(httpToolSchema).optional(),
    })
    .optional(),
  clientTools: clientToolsSchema.optional(),
});

export type HttpToolConfig = z.output<typeof httpToolSchema>;
export type HttpToolInput = z.input<typeof httpToolSchema>;
export type ClientToolsConfig = z.output<typeof clientToolsSchema>;
export type ClientToolsInput = z.input<typeof clientToolsSchema>;
export type ContextWindowCompressionInput = z.input<typeof contextWindowCompressionSchema>;
