#!/usr/bin/env node
/**
 * The process-boundary double: started by node-powershell in place of pwsh/powershell (it gets the
 * same "-NoLogo -NoExit -Command -" arguments), it speaks the same stdin/stdout framing: each
 * invocation arrives as `[Console]::Error.WriteLine("D")`, `[Console]::Out.WriteLine("D")`, the
 * command, and the two delimiter lines again. Delimiter lines are echoed as PowerShell would; every
 * other line goes to the hub (STANDBY_DOUBLE_HUB, a socket served by the test) which answers from the
 * lab estate. A line that is not one of Standby's two shapes is refused as PowerShell would refuse an
 * unknown term, so the backend cannot send anything else unnoticed.
 */
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const DELIMITER = /^\[Console\]::(Out|Error)\.WriteLine\("([0-9A-Za-z]{16})"\)$/;

interface HubReply { stdout?: string; stderr?: string; delayMs?: number; exit?: number; exitBeforeOutput?: boolean }

const hubPath = process.env.STANDBY_DOUBLE_HUB;
if (!hubPath) {
  process.stderr.write('STANDBY_DOUBLE_HUB is not set: the double needs the test hub.\n');
  process.exit(2);
}
const shellId = `${process.pid}`;
const socket = connect(hubPath);
socket.setEncoding('utf8');
let buffered = '';
const waiting: ((reply: HubReply) => void)[] = [];
socket.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    waiting.shift()?.(JSON.parse(line) as HubReply);
  }
});
socket.on('error', () => process.exit(3));
socket.on('close', () => process.exit(0));

function ask(line: string): Promise<HubReply> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    socket.write(`${JSON.stringify({ shell: shellId, line })}\n`);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const write = (stream: NodeJS.WriteStream, text: string) => new Promise<void>((r) => (text ? stream.write(text, () => r()) : r()));

// One command at a time, in order, as PowerShell reads statements from stdin.
const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
const lines: string[] = [];
let running = false;
async function pump(): Promise<void> {
  if (running) return;
  running = true;
  while (lines.length > 0) {
    const line = lines.shift()!;
    const delimiter = DELIMITER.exec(line);
    if (delimiter) {
      await write(delimiter[1] === 'Out' ? process.stdout : process.stderr, `${delimiter[2]}\n`);
      continue;
    }
    if (line.trim() === '') continue;
    const reply = await ask(line);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.exitBeforeOutput) process.exit(reply.exit ?? 1);
    await write(process.stdout, reply.stdout ? `${reply.stdout}\n` : '');
    await write(process.stderr, reply.stderr ? `${reply.stderr}\n` : '');
    if (reply.exit !== undefined) process.exit(reply.exit);
  }
  running = false;
}
input.on('line', (line) => { lines.push(line); void pump(); });
input.on('close', () => { void sleep(50).then(() => process.exit(0)); });
