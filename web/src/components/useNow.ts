import { useEffect, useState } from "react";

/** The current time, re-read every `intervalMs` while `active` (elapsed counters, relative times). */
export function useNow(active = true, intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
