import { setRtcNodeLogLevel } from './rtc-logs.js';

// A Vitest setup file (`setupFiles`) for packages whose tests run rtc-node in-process.
setRtcNodeLogLevel('info');
