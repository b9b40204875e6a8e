// Valid ID numbers, a new one each call, for fixtures that open cases: one person may have one open case only.
import { checkCharacter } from '../../server/cases/id-number.js';

let serial = 0;

/** 520203 (六枝特区), a birth date from 1930 on, sequence 900–999: none of the numbers tests write by hand. */
export function nextIdNumber(): string {
  serial += 1;
  const birth = new Date(Date.UTC(1930, 0, 1 + Math.floor(serial / 100)));
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `520203${ymd}${900 + (serial % 100)}`;
  return first17 + checkCharacter(first17);
}
