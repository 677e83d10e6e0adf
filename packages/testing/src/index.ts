export { base64Pcm16Rms, input16k, pcm16Rms } from './audio/pcm.js';
export {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  type LaunchedBrowser,
  type LaunchOptions,
  launchChromium,
} from './chromium.js';
export { TEST_CREDENTIALS } from './credentials.js';
export { getFreePort, waitFor } from './net.js';
export { setRtcNodeLogLevel } from './rtc-logs/rtc-logs.js';
export { firstRemoteAudio, measureLevel, publishTone } from './rtc-node/participant.js';
export { encodeWav, makeSpeechWav, makeToneWav, type ToneOptions, toneSamples } from './wav.js';
