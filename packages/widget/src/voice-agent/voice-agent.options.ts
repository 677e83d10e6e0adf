/** Where the widget sits: a corner of the viewport, or in the page's flow. */
export type VoiceAgentPosition =
  | 'bottom-right'
  | 'bottom-left'
  | 'top-right'
  | 'top-left'
  | 'inline';

/** `light`, `dark`, or `auto` (follows `prefers-color-scheme`). */
export type VoiceAgentTheme = 'light' | 'dark' | 'auto';

/** Booleans that are on unless the attribute says `"false"`. */
export const onUnlessFalse = {
  fromAttribute: (value: string | null) => value !== 'false',
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};
