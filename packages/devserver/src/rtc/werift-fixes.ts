import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CipherContext,
  Connection,
  RTCPeerConnection as PeerConnection,
  type RTCPeerConnection,
  type RTCRtpTransceiver,
  SDPManager,
  TransceiverManager,
} from 'werift';

/**
 * Five werift bugs that break the dev server against Chromium and rtc-node, fixed here at
 * run time so that they are fixed wherever @voice-agent/devserver is installed (see
 * werift-fixes.test.ts and the package README's "werift fixes"). Each fix wraps one werift
 * method; werift is pinned, and any other version or a method of another shape is refused.
 */

/** The werift release these fixes are written for and tested against. */
export const WERIFT_VERSION = '0.24.4';

/** werift is not the release the fixes were written for; `code` is stable. */
export class WeriftFixError extends Error {
  readonly code = 'werift_unsupported';

  constructor(message: string) {
    super(
      `${message}. @voice-agent/devserver fixes werift ${WERIFT_VERSION} at run time; install exactly that version.`,
    );
    this.name = 'WeriftFixError';
  }
}

/** werift's DISCARD_PORT, which every other section of an answer carries. */
const DISCARD_PORT = 9;
/** The DTLS record content type of handshake messages (RFC 6347). */
const HANDSHAKE_CONTENT_TYPE = 22;

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The werift method `name` of `prototype`, refused unless its source shows `expected`. */
function method(prototype: object, owner: string, name: string, expected: string[]): Method {
  const found = (prototype as Record<string, unknown>)[name];
  if (typeof found !== 'function') throw new WeriftFixError(`werift's ${owner}.${name} is gone`);
  const source = found.toString();
  const missing = expected.filter((text) => !source.includes(text));
  if (missing.length > 0) {
    throw new WeriftFixError(
      `werift's ${owner}.${name} changed shape (no ${missing.map((t) => `"${t}"`).join(', ')})`,
    );
  }
  return found as Method;
}

function installedWeriftVersion(): string {
  // werift's exports hide its package.json: walk up from its entry to its folder.
  let folder = dirname(createRequire(import.meta.url).resolve('werift'));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      if (manifest.name === 'werift') return String(manifest.version);
    } catch {
      // no package.json at this level
    }
    const parent = dirname(folder);
    if (parent === folder) throw new WeriftFixError('werift’s package.json was not found');
    folder = parent;
  }
}

/**
 * An inactive answer section got port 0, which rejects it, yet it stayed in the BUNDLE
 * group; Chromium refuses such an answer ("m= section with mid=... should be rejected").
 */
function keepInactiveSectionsBundled(): () => void {
  const addTransportDescription = method(
    SDPManager.prototype,
    'SDPManager',
    'addTransportDescription',
    ['media.port = DISCARD_PORT', '"inactive"'],
  );
  return () => {
    SDPManager.prototype.addTransportDescription = function (this: SDPManager, ...args) {
      addTransportDescription.apply(this, args);
      const [media] = args;
      if (media.direction === 'inactive' && media.port === 0) media.port = DISCARD_PORT;
    };
  };
}

/**
 * A transceiver made for a remote offer's section stayed reusable, so the next section
 * the remote added (of any kind) took it over with its mid ("Transceiver with mid=0 not
 * found"). Marked as used, as werift marks transceivers that have sent.
 */
function keepRemoteTransceiversOwnMids(): () => void {
  method(TransceiverManager.prototype, 'TransceiverManager', 'addTransceiver', [
    '!t.usedForSender',
  ]);
  const setRemoteDescription = method(
    PeerConnection.prototype,
    'RTCPeerConnection',
    'setRemoteDescription',
    ['this.onRemoteTransceiverAdded.execute(transceiver)'],
  );
  const marked = new WeakSet<RTCPeerConnection>();
  return () => {
    PeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, ...args) {
      if (!marked.has(this)) {
        marked.add(this);
        // werift runs subscribers synchronously, before the next section is matched.
        this.onRemoteTransceiverAdded.subscribe((transceiver: RTCRtpTransceiver) => {
          transceiver.usedForSender = true;
        });
      }
      return setRemoteDescription.apply(this, args) as Promise<void>;
    };
  };
}

/**
 * Finished, the first record of epoch 1, was built with the epoch-0 record counter, which
 * was reset only afterwards; a later record reused its sequence number and DTLS peers
 * (Chromium) dropped it as a replay, stalling SCTP for a second. Finished is the only
 * encrypted handshake record werift sends, and later records count from 1 after the reset,
 * so it gets sequence number 0, as RFC 6347 numbers a new epoch.
 */
function numberFinishedFirstInEpoch(): () => void {
  const encryptPacket = method(CipherContext.prototype, 'CipherContext', 'encryptPacket', [
    'sequenceNumber: header.sequenceNumber',
    'epoch: header.epoch',
  ]);
  return () => {
    CipherContext.prototype.encryptPacket = function (this: CipherContext, ...args) {
      const header = args[0].recordLayerHeader;
      if (header.contentType === HANDSHAKE_CONTENT_TYPE && header.epoch === 1) {
        header.sequenceNumber = 0;
      }
      return encryptPacket.apply(this, args) as ReturnType<CipherContext['encryptPacket']>;
    };
  };
}

interface ConnectionInternals {
  options: Connection['options'];
  stunServer: unknown;
  getCandidatePromises(...args: unknown[]): unknown;
}

/**
 * ICE asked Google's STUN server (stun.l.google.com) when none was configured, sending
 * this machine's addresses to a third party. Only a configured STUN server is used.
 */
function useOnlyConfiguredStunServer(): () => void {
  // getCandidatePromises and stunServer are private in werift's types.
  const prototype = Connection.prototype as unknown as ConnectionInternals;
  const getCandidatePromises = method(prototype, 'Connection', 'getCandidatePromises', [
    'const { stunServer, turnServer } = this;',
  ]);
  return () => {
    prototype.getCandidatePromises = function (this: ConnectionInternals, ...args) {
      if (!this.options.stunServer) this.stunServer = undefined;
      return getCandidatePromises.apply(this, args);
    };
  };
}

/**
 * An ICE restart (new remote credentials) set ICE back to "new", but connect() skipped every
 * transport whose DTLS was still connected, so ICE was never started again: no checks of its
 * own, the client's first checks parked as "early" for good, and whether a pair ever got
 * nominated (the only pair werift sends on) was left to chance. Receiving still worked, so a
 * resumed client could talk while hearing nothing. ICE of such a transport is started again.
 */
function restartIceOnReconnect(): () => void {
  const connect = method(PeerConnection.prototype, 'RTCPeerConnection', 'connect', [
    'iceTransport.state === "connected"',
    'checkDtlsConnected()',
    'iceTransport.start()',
  ]);
  // A second start of a running ICE would wait for a completion the first one took.
  const starting = new WeakSet<object>();
  return () => {
    const prototype = PeerConnection.prototype as unknown as { connect: Method };
    prototype.connect = async function (this: unknown, ...args) {
      const pc = this as RTCPeerConnection;
      // After a restart no pair is nominated: the old one was dropped with the credentials.
      const restarted = pc.dtlsTransports
        .filter(
          ({ state, iceTransport }) =>
            state === 'connected' &&
            !iceTransport.connection.nominated &&
            !starting.has(iceTransport),
        )
        .map(async ({ iceTransport }) => {
          starting.add(iceTransport);
          await iceTransport.start().catch(() => undefined);
          starting.delete(iceTransport);
        });
      await Promise.all([connect.apply(this, args), ...restarted]);
    };
  };
}

let applied = false;

/**
 * Applies the five fixes to werift, once per process; every werift peer connection made
 * afterwards in this process has them.
 * @throws {WeriftFixError} when werift is not {@link WERIFT_VERSION} or a fixed method moved.
 */
export function applyWeriftFixes(): void {
  if (applied) return;
  const version = installedWeriftVersion();
  if (version !== WERIFT_VERSION) throw new WeriftFixError(`werift ${version} is installed`);
  // Every method is checked before any is replaced: werift is fixed wholly or not at all.
  const installs = [
    keepInactiveSectionsBundled(),
    keepRemoteTransceiversOwnMids(),
    numberFinishedFirstInEpoch(),
    useOnlyConfiguredStunServer(),
    restartIceOnReconnect(),
  ];
  for (const install of installs) install();
  applied = true;
}
