import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LaunchedBrowser,
  type LaunchOptions,
  launchChromium,
  makeSpeechWav,
  makeToneWav,
  toneSamples,
} from './index.js';

const run = promisify(execFile);

describe('test support', () => {
  it('writes a tone WAV that sox reads back as 48 kHz mono with the expected level', async () => {
    const path = await makeToneWav({ frequency: 440, durationMs: 500, amplitude: 0.5 });
    const { stderr } = await run('sox', [path, '-n', 'stat']);
    expect(stderr).toMatch(/Length \(seconds\):\s+0\.5/);
    expect(Number(/Maximum amplitude:\s+([\d.]+)/.exec(stderr)?.[1])).toBeCloseTo(0.5, 2);
    const header = await readFile(path);
    expect(header.readUInt32LE(24)).toBe(48000);
  });

  it('repeats the tone and its silence, each tone starting one period after the last', () => {
    const samples = toneSamples({ durationMs: 10, silenceMs: 20, repeat: 3, sampleRate: 1_000 });
    expect(samples).toHaveLength(90);
    const starts = [0, 30, 60];
    for (const start of starts) {
      expect(samples.slice(start, start + 10)).toEqual(samples.slice(0, 10));
      expect(samples.slice(start + 10, start + 30).every((s) => s === 0)).toBe(true);
    }
    expect(samples.slice(1, 10).some((s) => s !== 0)).toBe(true);
  });

  it('speaks text to a 48 kHz WAV that is not silent', async () => {
    const path = await makeSpeechWav('hello there');
    const { stderr } = await run('sox', [path, '-n', 'stat']);
    expect(Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(stderr)?.[1])).toBeGreaterThan(0.01);
    expect((await readFile(path)).readUInt32LE(24)).toBe(48000);
  });

  describe('Chromium', () => {
    const launched: LaunchedBrowser[] = [];
    afterAll(() => Promise.all(launched.map((browser) => browser.close())));

    async function openPage(options: LaunchOptions) {
      const browser = await launchChromium(options);
      launched.push(browser);
      const page = await browser.context.newPage();
      // getUserMedia needs a secure context; http://localhost is one.
      await page.route('http://localhost/', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>mic</title>' }),
      );
      await page.goto('http://localhost/');
      return page;
    }

    it('refuses the microphone when told to', async () => {
      const page = await openPage({ microphone: 'denied' });
      const error = await page.evaluate(() =>
        navigator.mediaDevices.getUserMedia({ audio: true }).then(
          () => 'granted',
          (reason: DOMException) => reason.name,
        ),
      );
      expect(error).toBe('NotAllowedError');
    });

    it('hears the fake microphone through getUserMedia', async () => {
      const page = await openPage({ fakeAudioCapture: await makeToneWav({ durationMs: 2000 }) });
      const level = await page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        context.createMediaStreamSource(stream).connect(analyser);
        const data = new Float32Array(analyser.fftSize);
        let peak = 0;
        for (let i = 0; i < 20; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          analyser.getFloatTimeDomainData(data);
          for (const sample of data) peak = Math.max(peak, Math.abs(sample));
        }
        return peak;
      });
      expect(level).toBeGreaterThan(0.1);
    });
  });
});
