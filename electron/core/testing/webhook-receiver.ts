import { createServer } from 'node:http';

/**
 * An HTTP receiver on 127.0.0.1 that records every POST body and answers with the statuses it is
 * given, in order (the last one repeats): [503, 200] refuses the first attempt and takes the retry.
 */
export async function webhookReceiver(statuses: number[] = [200]) {
  const received: { status: number; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      const status = statuses[Math.min(received.length, statuses.length - 1)]!;
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* kept as text: the test says what it expected */ }
      received.push({ status, body });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  return {
    url, received,
    /** Bodies of the attempts that were answered 2xx. */
    delivered: () => received.filter((r) => r.status < 300).map((r) => r.body),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
