// The per-address count of the visit API, written in the same rows as the per-address limit (server/http/rate-limit.ts,
// rate-limiter-flexible's `rate_limits`: key `prefix:address`, points, expiry in epoch ms), so both share one allowance;
// here it can run inside the caller's transaction (the SQLite commit group of api-service.ts).
import type { Knex } from 'knex';

/** Counts one request of `key` in a window of `durationMs` from its first; returns the count and when it resets. */
export async function countRequest(
  trx: Knex,
  key: string,
  durationMs: number,
  nowMs: number,
): Promise<{ points: number; expire: number }> {
  const out = await trx.raw(
    `INSERT INTO rate_limits (key, points, expire) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       points = CASE WHEN rate_limits.expire > ? THEN rate_limits.points + 1 ELSE 1 END,
       expire = CASE WHEN rate_limits.expire > ? THEN rate_limits.expire ELSE excluded.expire END
     RETURNING points, expire`,
    [key, nowMs + durationMs, nowMs, nowMs],
  );
  const [row] = (Array.isArray(out) ? out : out.rows) as { points: number | string; expire: number | string }[];
  return { points: Number(row.points), expire: Number(row.expire) };
}
