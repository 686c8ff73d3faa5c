import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ECHO_BODY_LIMIT, type EchoReport, type Fleet, startBackends } from '../src/index.js';
import { send } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function echo(url: string, options: Parameters<typeof send>[1]): Promise<EchoReport> {
  const reply = await send(url, options);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(reply.body.toString('utf8')) as EchoReport;
}

describe('echo', () => {
  it('returns method, path, query, headers, raw header pairs and body', async () => {
    fleet = await startBackends({ count: 2, behaviour: { echo: true } });
    const report = await echo(`${fleet.urls[1]}/a/b?x=1&x=2&y=hi`, {
      method: 'PUT',
      headers: { 'X-Custom': 'One', 'x-multi': ['a', 'b'], 'content-type': 'text/plain' },
      body: 'héllo',
    });
    expect(report.backend).toBe(2);
    expect(report.method).toBe('PUT');
    expect(report.url).toBe('/a/b?x=1&x=2&y=hi');
    expect(report.path).toBe('/a/b');
    expect(report.query).toEqual({ x: ['1', '2'], y: 'hi' });
    expect(report.headers['x-custom']).toBe('One');
    expect(report.rawHeaders).toContainEqual(['X-Custom', 'One']);
    expect(report.rawHeaders.filter(([name]) => name === 'x-multi')).toEqual([
      ['x-multi', 'a'],
      ['x-multi', 'b'],
    ]);
    expect(report.body).toBe('héllo');
    expect(report.bodyBytes).toBe(Buffer.byteLength('héllo'));
    expect(report.remoteAddress).toBe('127.0.0.1');
  });

  it('hashes the whole body and truncates the echoed text at 1 MiB', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const body = Buffer.alloc(ECHO_BODY_LIMIT * 3 + 17);
    for (let i = 0; i < body.length; i++) body[i] = 97 + (i % 26);
    const report = await echo(fleet.urls[0] as string, { method: 'POST', body });
    expect(report.bodyBytes).toBe(body.length);
    expect(report.bodyTruncated).toBe(true);
    expect(report.body.length).toBe(ECHO_BODY_LIMIT);
    expect(report.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('keeps a fixed status when both are set', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true, status: 201 } });
    const reply = await send(fleet.urls[0] as string);
    expect(reply.status).toBe(201);
    expect((JSON.parse(reply.body.toString()) as EchoReport).method).toBe('GET');
  });
});
