import { createServer, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent after DATA, dot-unstuffed, without the terminating line. */
  data: string;
}

/**
 * A mail server on 127.0.0.1 with only what RFC 5321 asks of a receiver for one plain session:
 * the 220 greeting (§4.2), EHLO/HELO (§4.1.1.1), MAIL FROM, RCPT TO, DATA with 354 and the
 * <CRLF>.<CRLF> end and dot-unstuffing (§4.1.1.4, §4.5.2), RSET, NOOP, QUIT with 221, and 500 for
 * anything else. No STARTTLS, no AUTH: a relay on loopback. `refuseRecipient` answers RCPT with
 * 550 (§4.2.3), as a relay does for an address it will not take.
 */
export async function smtpLoopback(options: { refuseRecipient?: boolean } = {}) {
  const mails: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail: ReceivedMail = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 loopback.test ESMTP ready');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { from: '', to: [], data: '' };
            reply('250 2.0.0 queued');
          } else {
            mail.data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') { socket.write('250-loopback.test\r\n250 8BITMIME\r\n'); }
        else if (verb === 'HELO') reply('250 loopback.test');
        else if (verb === 'MAIL') { mail.from = /<([^>]*)>/.exec(line)?.[1] ?? ''; reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') {
          if (options.refuseRecipient) { reply('550 5.1.1 mailbox unavailable'); continue; }
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          if (mail.to.length === 0) { reply('554 5.5.1 no valid recipients'); continue; }
          inData = true;
          reply('354 end data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') { mail = { from: '', to: [], data: '' }; reply('250 ok'); }
        else if (verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); }
        else reply('500 5.5.2 command not recognized');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port, mails,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
