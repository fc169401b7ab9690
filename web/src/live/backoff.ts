/** Reconnect delays of the event streams (web-ui §5.4): 1, 2, 4, 8, 16, then 30 s, ±20 % jitter. */
const BASE_DELAY_S = 1;
const MAX_DELAY_S = 30;
const JITTER = 0.2;

/** Delay before reconnect attempt `attempt` (0-based); `random` in [0, 1), or null for no jitter. */
export function reconnectDelayS(attempt: number, random: number | null = Math.random()): number {
  const delay = Math.min(BASE_DELAY_S * 2 ** attempt, MAX_DELAY_S);
  if (random === null) return delay;
  return delay * (1 - JITTER + 2 * JITTER * random);
}

export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";

const OFFLINE_AFTER_FAILURES = 5;

/** Header indicator state from the count of consecutive failures. */
export function liveStatusFor(consecutiveFailures: number, connected: boolean): LiveStatus {
  if (connected) return "live";
  if (consecutiveFailures >= OFFLINE_AFTER_FAILURES) return "offline";
  if (consecutiveFailures >= 1) return "reconnecting";
  return "connecting";
}
