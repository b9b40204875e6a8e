// Short-lived in-process memo for data that changes rarely (the public facility directory, division counts).
// Each process keeps its own: after a change, other processes catch up within the time to live.
export function memo<T>(ttlMs: number, load: (key: string) => Promise<T>): (key?: string) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key = '') => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = load(key);
    value.catch(() => entries.delete(key));
    entries.set(key, { at: Date.now(), value });
    return value;
  };
}
