import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatDelay, joinDelay, splitDelay, toCount } from './delay';

describe('delay conversion', () => {
  it('turns the product doc example into days', () => {
    expect(splitDelay(259_200_000)).toEqual({ days: 3, hours: 0, minutes: 0, restMs: 0 });
    expect(joinDelay({ days: 3, hours: 0, minutes: 0, restMs: 0 })).toBe(3 * 24 * 60 * 60 * 1000);
  });

  it('round-trips mixed units', () => {
    const ms = 2 * DAY_MS + 5 * HOUR_MS + 7 * MINUTE_MS;
    expect(splitDelay(ms)).toEqual({ days: 2, hours: 5, minutes: 7, restMs: 0 });
    expect(joinDelay(splitDelay(ms))).toBe(ms);
  });

  it('keeps what does not fit whole minutes', () => {
    expect(splitDelay(3000)).toEqual({ days: 0, hours: 0, minutes: 0, restMs: 3000 });
    expect(joinDelay({ ...splitDelay(3000), minutes: 1 })).toBe(63_000);
  });

  it('reads input values as whole counts', () => {
    expect(toCount('')).toBe(0);
    expect(toCount(4)).toBe(4);
    expect(toCount('12')).toBe(12);
    expect(toCount(1.5)).toBeNaN();
    expect(toCount(-1)).toBeNaN();
    expect(toCount('x')).toBeNaN();
  });

  it('describes a delay for people', () => {
    expect(formatDelay(3 * DAY_MS)).toBe('3 days');
    expect(formatDelay(DAY_MS + 2 * HOUR_MS + MINUTE_MS)).toBe('1 day 2 hours 1 minute');
    expect(formatDelay(5000)).toBe('5 seconds');
    expect(formatDelay(0)).toBe('no delay');
  });
});
