export {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  type LaunchedBrowser,
  type LaunchOptions,
  launchChromium,
} from './chromium.js';
export { getFreePort, waitFor } from './net.js';
export { setRtcNodeLogLevel } from './rtc-logs/rtc-logs.js';
export { encodeWav, makeSpeechWav, makeToneWav, type ToneOptions, toneSamples } from './wav.js';
