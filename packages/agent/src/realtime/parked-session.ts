import type { realtime } from '@livekit/agents-plugin-google';
import {
  assertPluginShape,
  assertSessionFields,
  FrameworkShapeError,
  PluginSessionBase,
} from '../framework/google-plugin.js';
import { useShortInputChunks } from '../framework/input-chunks.js';

// The plugin starts its own connection loop in its constructor; the loop's first step is
// `closeActiveSession()`. While `constructing` is set, that call parks the loop for good.
let constructing = false;
let parked = false;
function parkPluginLoop(model: realtime.RealtimeModel): realtime.RealtimeModel {
  assertPluginShape();
  constructing = true;
  parked = false;
  return model;
}

/**
 * The Google plugin's RealtimeSession with its own connection loop parked for good, so that
 * a subclass can run the connections instead.
 */
export class ParkedPluginSession extends PluginSessionBase {
  constructor(model: realtime.RealtimeModel) {
    super(parkPluginLoop(model));
    constructing = false;
    if (!parked) {
      throw new FrameworkShapeError(
        'RealtimeSession no longer starts its loop with closeActiveSession()',
      );
    }
    assertSessionFields(this);
    useShortInputChunks(this);
  }

  override closeActiveSession(): Promise<void> {
    if (constructing) {
      parked = true;
      return new Promise(() => undefined);
    }
    return super.closeActiveSession();
  }
}
