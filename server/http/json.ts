// JSON answers without Express's ETag. res.json hashes every body (SHA-1) for an ETag and then checks the request's
// freshness; an answer to a POST is never revalidated by a client nor kept by a cache, so for it that work is waste
// (the Qingming burst, docs/BENCHMARKS.md). GET answers keep res.json and their ETag (a 304 to If-None-Match).
import type { Request, Response } from 'express';

/** Sends `body` as JSON with `status`: the same headers and bytes as res.status(status).json(body), but no ETag. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** res.json for a GET or HEAD (its ETag and 304), sendJson for any other method. */
export function answerJson(req: Request, res: Response, status: number, body: unknown): void {
  if (req.method === 'GET' || req.method === 'HEAD') res.status(status).json(body);
  else sendJson(res, status, body);
}
