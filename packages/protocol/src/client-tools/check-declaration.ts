import {
  CLIENT_TOOL_LIMITS,
  type JsonSchema,
  type RejectionCode,
  TOOL_NAME_PATTERN,
  type ToolDeclaration,
} from './client-tools.js';

/** What {@link checkToolDeclaration} found wrong with one tool on its own. */
export type DeclarationProblem = Extract<
  RejectionCode,
  'invalid_name' | 'description_too_long' | 'invalid_schema' | 'schema_too_large'
>;

/** A tool that passes every rule of its own, or the first rule it breaks. */
export type DeclarationCheck =
  | { ok: true; declaration: ToolDeclaration }
  | { ok: false; name: string; code: DeclarationProblem; message: string };

/** What a tool without `parameters` takes: no arguments. */
export const NO_PARAMETERS: JsonSchema = { type: 'object', properties: {} };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one declared tool against the protocol's rules: name, description, parameters and
 * their size. Pure and untrusting: anything may come in. The rules about the whole set (how
 * many, duplicates, the agent's own tools and allow-list) are the agent's.
 */
export function checkToolDeclaration(raw: unknown): DeclarationCheck {
  const tool = isPlainObject(raw) ? raw : {};
  const name = (typeof tool.name === 'string' ? tool.name : String(tool.name)).slice(0, 100);
  const problem = (code: DeclarationProblem, message: string): DeclarationCheck => ({
    ok: false,
    name,
    code,
    message,
  });
  if (typeof tool.name !== 'string' || !TOOL_NAME_PATTERN.test(tool.name)) {
    return problem('invalid_name', `name must match ${TOOL_NAME_PATTERN.source}`);
  }
  const description = tool.description ?? '';
  if (typeof description !== 'string') {
    return problem('invalid_schema', 'description must be a string');
  }
  const { maxDescriptionLength, maxSchemaBytes } = CLIENT_TOOL_LIMITS;
  if (description.length > maxDescriptionLength) {
    return problem('description_too_long', `description over ${maxDescriptionLength} characters`);
  }
  const parameters = tool.parameters ?? NO_PARAMETERS;
  if (
    !isPlainObject(parameters) ||
    parameters.type !== 'object' ||
    (parameters.properties !== undefined && !isPlainObject(parameters.properties)) ||
    (parameters.required !== undefined && !Array.isArray(parameters.required))
  ) {
    return problem('invalid_schema', 'parameters must be a JSON Schema with "type": "object"');
  }
  if (new TextEncoder().encode(JSON.stringify(parameters)).length > maxSchemaBytes) {
    return problem('schema_too_large', `parameters over ${maxSchemaBytes} bytes as JSON`);
  }
  return {
    ok: true,
    declaration: { name: tool.name, description, parameters: parameters as JsonSchema },
  };
}
