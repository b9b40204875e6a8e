// An amount in Chinese capitals (大写金额) as receipts print it: ¥100,050.30 → 壹拾万零伍拾元叁角整. Rules as in the
// accounting practice (会计基础工作规范): one 零 for a run of zeros, 整 after 元 or 角, none after 分.
const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const PLACES = ['', '拾', '佰', '仟'];
const SECTIONS = ['', '万', '亿', '万亿'];

/** A group of up to four digits, zeros inside it read as one 零, none at its end. */
function group(n: number): string {
  let out = '',
    zero = false,
    started = false;
  for (let place = 3; place >= 0; place -= 1) {
    const d = Math.floor(n / 10 ** place) % 10;
    if (d === 0) {
      if (started) zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    started = true;
    out += DIGITS[d] + PLACES[place];
  }
  return out;
}

function yuan(n: number): string {
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 10000)) groups.push(rest % 10000);
  let out = '',
    gap = false;
  for (let i = groups.length - 1; i >= 0; i -= 1) {
    const g = groups[i];
    if (g === 0) {
      gap = out !== '';
      continue;
    }
    // A zero group between, or fewer than four digits after a higher group, reads 零: 壹拾万零伍拾.
    if (out && (gap || g < 1000)) out += '零';
    out += group(g) + SECTIONS[i];
    gap = false;
  }
  return out;
}

/** Fen (integer, not negative) in Chinese capitals. */
export function amountInCapitals(fen: number): string {
  if (!Number.isInteger(fen) || fen < 0) throw new RangeError(`amountInCapitals: ${fen}`);
  const whole = Math.floor(fen / 100),
    jiao = Math.floor(fen / 10) % 10,
    fenDigit = fen % 10;
  if (fen === 0) return '零元整';
  let out = whole ? `${yuan(whole)}元` : '';
  if (!jiao && !fenDigit) return `${out}整`;
  if (jiao) out += `${DIGITS[jiao]}角`;
  else if (whole) out += '零';
  return fenDigit ? `${out}${DIGITS[fenDigit]}分` : `${out}整`;
}
