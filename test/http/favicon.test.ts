// GET /favicon.ico: a real icon with its content type and caching, no login needed, and linked
// from the panel's pages (so browsers stop logging a 404 on every page).
import http from 'node:http';
import { expect } from 'chai';
import { useTestServer } from '../support/server.js';

describe('GET /favicon.ico', () => {
  const srv = useTestServer();

  it('answers the ICO (16, 32 and 48 px) with its content type and a day of caching, without a login', async () => {
    const res = await fetch(`${srv.url}/favicon.ico`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/x-icon');
    expect(res.headers.get('cache-control')).to.equal('public, max-age=86400');
    expect(res.headers.get('set-cookie')).to.equal(null);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).to.deep.equal([0, 0, 1, 0]);
    expect(bytes.readUInt16LE(4)).to.equal(3);
    expect([0, 1, 2].map((i) => bytes[6 + 16 * i])).to.deep.equal([16, 32, 48]);
  });

  it('answers 304 to a revalidation with its ETag', async () => {
    const first = await fetch(`${srv.url}/favicon.ico`);
    const etag = first.headers.get('etag');
    expect(etag).to.match(/^"[\w-]{16}"$/);
    // node:http, not fetch: fetch adds "Cache-Control: no-cache" to a request with validators.
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${srv.url}/favicon.ico`, { headers: { 'If-None-Match': etag! } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
    expect(status).to.equal(304);
  });

  it('is the favicon the panel links', async () => {
    const res = await srv.client().get('/admin/login');
    expect(res.text).to.match(/<link[^>]+rel="shortcut icon"[^>]+href="\/favicon\.ico"/);
  });
});
