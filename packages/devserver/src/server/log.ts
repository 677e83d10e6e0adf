import { debuglog } from 'node:util';

/** Protocol trace, on with `NODE_DEBUG=voice-agent-devserver`. Never logs tokens. */
export const trace = debuglog('voice-agent-devserver');
