import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with the n-th request (from 1). */
export type ProxyAction =
  | 'forward'
  /** Refuses it: the connection is reset before anything reaches the target. */
  | 'reset'
  /** Forwards it, then resets the connection instead of answering: the target did the work, the answer is lost. */
  | 'lose-answer'
  /** Never answers (until the proxy closes). */
  | 'hang'
  /** Forwards it and keeps the target's answer (until the proxy closes): the work is done, the caller still waits. */
  | 'hold-answer';

/**
 * A real HTTP hop in front of a service, to make the network misbehave on purpose: each request is
 * forwarded, refused, answered never, or forwarded with its answer lost. It counts what it saw.
 */
export async function startProxy(target: string, decide: (n: number, body: string) => ProxyAction = () => 'forward') {
  const seen: string[] = [];
  let held = 0;
  const sockets = new Set<Socket>();
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer(async (req, res) => {
    const body = await read(req);
    seen.push(body);
    const action = decide(seen.length, body);
    if (action === 'hang') return;
    if (action === 'reset') return void req.socket.destroy();
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const answer = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body });
    const text = await answer.text();
    if (action === 'lose-answer') return void req.socket.destroy();
    if (action === 'hold-answer') return void held++;
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** How many answers it is holding back ('hold-answer'). */
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
