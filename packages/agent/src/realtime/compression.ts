import type { ContextWindowCompressionConfig } from '@google/genai';
import type { ContextWindowCompressionInput } from '../config/schema.js';

/** Gemini's `contextWindowCompression` setup field for the config's setting. */
export function contextWindowCompressionOf(
  setting: ContextWindowCompressionInput,
): ContextWindowCompressionConfig | undefined {
  if (setting === false) return undefined;
  if (setting === true) return { slidingWindow: {} };
  return {
    ...(setting.triggerTokens === undefined
      ? {}
      : { triggerTokens: String(setting.triggerTokens) }),
    slidingWindow:
      setting.targetTokens === undefined ? {} : { targetTokens: String(setting.targetTokens) },
  };
}
