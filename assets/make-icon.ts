// Draws the Standby icon and writes icon.png (Linux, the window) and icon.ico (Windows exe and
// installer). Run `node assets/make-icon.ts` after changing the drawing; the outputs are committed.
// Plain code rather than an image tool because none can be assumed on a build machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
const BACKGROUND: Rgba = [16, 42, 67, 255]; // deep navy: the console's dark theme
const PRIMARY: Rgba = [45, 212, 191, 255]; // teal: healthy replica
const STANDBY: Rgba = [148, 163, 184, 255]; // slate: the standby site

/** Coverage of one point of the unit square by the icon's shapes; later shapes paint over earlier ones. */
function shade(x: number, y: number): Rgba | undefined {
  const inRoundedSquare = (cx: number, cy: number, half: number, r: number) => {
    const dx = Math.max(Math.abs(x - cx) - (half - r), 0);
    const dy = Math.max(Math.abs(y - cy) - (half - r), 0);
    return dx * dx + dy * dy <= r * r;
  };
  const inBar = (top: number, left: number, right: number) => y >= top && y <= top + 0.11 && x >= left && x <= right;
  if (!inRoundedSquare(0.5, 0.5, 0.5, 0.18)) return undefined;
  // Two servers, primary above standby, and the replication arrow between them.
  if (inBar(0.22, 0.2, 0.8) || inBar(0.37, 0.2, 0.8)) return PRIMARY;
  if (inBar(0.67, 0.2, 0.8)) return STANDBY;
  if (y >= 0.5 && y <= 0.63 && Math.abs(x - 0.5) <= 0.11 - (y - 0.5) * 0.85) return PRIMARY;
  return BACKGROUND;
}

function render(size: number): Buffer {
  const samples = 4; // supersampling for smooth edges
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!color) continue;
          for (let c = 0; c < 3; c++) sum[c]! += color[c]! * color[3];
          sum[3]! += color[3];
        }
      }
      const alpha = sum[3]!;
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[at + c] = alpha ? Math.round(sum[c]! / alpha) : 0;
      pixels[at + 3] = Math.round(alpha / (samples * samples));
    }
  }
  return png(size, pixels);
}

function png(size: number, rgba: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO of PNG images (valid since Windows Vista; what Squirrel and the packager accept). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const entry = 6 + i * 16;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

const dir = import.meta.dirname;
writeFileSync(join(dir, 'icon.png'), render(512));
writeFileSync(join(dir, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: render(size) }))));
