/**
 * The playground page's Content-Security-Policy: the widget's strict policy (no inline
 * script or style, no eval), with `connect-src` opened to the token service (this origin)
 * and the LiveKit server (`ws(s)://` for signalling, `http(s)://` of the same host, which
 * livekit-client uses to diagnose refused connections).
 */
export function playgroundCsp(livekitUrl: string): string {
  const url = new URL(livekitUrl);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const livekit = [
    `${secure ? 'wss' : 'ws'}://${url.host}`,
    `${secure ? 'https' : 'http'}://${url.host}`,
  ];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${livekit.join(' ')}`,
    "media-src 'self' blob:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
