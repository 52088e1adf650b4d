import { describe, expect, it } from 'vitest';
import { markerRoom } from './marker-room.ts';

describe('room for the numbers of a list', () => {
  it('grows with the digits of its longest number', () => {
    const em = (n: number) => parseFloat(String(markerRoom(n).paddingInlineStart));
    expect(em(9)).toBe(1.6);
    // "10." is a digit wider than "9.": the room a one-digit list gets cut it (issue 18).
    expect(em(12)).toBe(2.2);
    expect(em(120)).toBe(2.8);
    expect(em(0)).toBe(em(1));
  });
});
