// The request log line: path without the query string, status and time; nothing at all below the info level.
import { expect } from 'chai';
import express from 'express';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { requestLog } from '../../server/http/request-log.js';

async function logged(level: string, path: string): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  const app = express();
  app.use(requestLog(pino({ level }, sink), (url) => url.startsWith('/static/')));
  // Listeners run in the order they were added, so when this one runs the request log has written its line.
  let closed!: () => void;
  const done = new Promise<void>((resolve) => {
    closed = resolve;
  });
  app.use((_req, res, next) => {
    res.on('close', () => closed());
    next();
  });
  app.get('/staff/cases', (_req, res) => res.send('ok'));
  app.get('/boom', (_req, res) => res.status(500).send('no'));
  const server = app.listen(0);
  try {
    const { port } = server.address() as { port: number };
    await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    await done;
  } finally {
    server.close();
  }
  return lines;
}

describe('http: request log', () => {
  it('logs method, path without the query string, status and time', async () => {
    const [line] = await logged('info', '/staff/cases?q=%E5%BC%A0%E4%B8%89&phone=13800000000');
    expect(line).to.deep.include({
      msg: 'request completed',
      req: { method: 'GET', url: '/staff/cases' },
      res: { statusCode: 200 },
    });
    expect(line.responseTime).to.be.a('number');
    expect(JSON.stringify(line)).to.not.contain('13800000000');
  });

  it('marks server errors, skips ignored paths, and writes nothing below the info level', async () => {
    expect((await logged('info', '/boom'))[0]).to.deep.include({ msg: 'request errored', res: { statusCode: 500 } });
    expect(await logged('info', '/static/css/shian.css')).to.have.length(0);
    expect(await logged('warn', '/staff/cases')).to.have.length(0);
  });
});
