// A TCP proxy on 127.0.0.1 that delays every chunk by a random amount (order kept per direction),
// like a database reached over a busy network. Races that a fast loopback hides, such as two
// writes started in one order and finished in the other, happen under it.
import net from 'node:net';
import { sleep } from '../../../bench/lib/proc.js';

export interface JitterProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  close(): Promise<void>;
}

export async function jitterProxy(targetUrl: string, maxDelayMs: number): Promise<JitterProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const pipeWithJitter = (from: net.Socket, to: net.Socket) => {
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      const delay = Math.floor(Math.random() * maxDelayMs);
      chain = chain.then(() => sleep(delay)).then(() => {
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => void chain.then(() => to.end()));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeWithJitter(client, upstream);
    pipeWithJitter(upstream, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
