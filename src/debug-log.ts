/**
 * Debug messages for a person finding out what happened: where the trust root came from, what was
 * excluded and why, worker count, chunk size, timings, the Sigstore URLs contacted. The library never
 * prints: messages go nowhere until an application installs a sink (the CLI does at --log-level debug
 * and writes them to stderr).
 *
 * Never pass secrets (tokens, PINs, passwords) in a message. As a second line of defence, `redact`
 * blanks what looks like one (a JWT, a token/code/password URL parameter, a pin-value) before the sink
 * sees it.
 */

export type DebugSink = (topic: string, message: string) => void;

let sink: DebugSink | null = null;

/** Installs (or with null removes) the receiver of debug messages. */
export function setDebugSink(s: DebugSink | null): void {
  sink = s;
}

export function debugEnabled(): boolean {
  return sink !== null;
}

/** Sends one message; a function is only called when someone listens (for messages costly to build). */
export function debug(topic: string, message: string | (() => string)): void {
  if (sink === null) return;
  sink(topic, redact(typeof message === 'function' ? message() : message));
}

/** Milliseconds since `start` (a `performance.now()` value), for timing lines. */
export function elapsedMs(start: number): string {
  return `${(performance.now() - start).toFixed(1)} ms`;
}

const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SECRET_PARAM = /([?&;](?:access_token|id_token|token|code|client_secret|password|pin-value)=)[^&;#\s]*/gi;

export function redact(s: string): string {
  return s.replace(JWT, '[redacted token]').replace(SECRET_PARAM, '$1[redacted]');
}
