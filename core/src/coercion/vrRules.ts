/**
 * What a literal must look like to be a valid value of a DICOM string VR (PS3.5 table 6.2-1).
 *
 * The validator uses this to catch a coercion rule that would write a value the receiving
 * systems reject (e.g. `(0008,0020)="2024-01-05"` into a DA). Only the string VRs that eRAD lets
 * rules coerce are described; everything else is "not alphanumeric" (see isCoercibleVr).
 */
import { excerpt } from '../text/excerpt';

/** VRs whose value is a character string, i.e. what a coercion rule may assign. AT (a binary
 *  tag), the binary numbers (US, SL, FD, ...), the O* and UN byte streams and SQ are excluded. */
export const STRING_VRS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT',
]);

/** True when the dictionary VR (possibly `US|SS`) names a string VR for every alternative. */
export function isCoercibleVr(vr: string): boolean {
  if (STRING_VRS.has(vr)) return true;
  if (!vr.includes('|')) return false;
  return vr.split('|').every((v) => STRING_VRS.has(v));
}

const ESC = '\x1b';
const TEXT_CONTROLS = '\t\n\f\r' + ESC;

interface VrSpec {
  /** Human name shown in messages. */
  name: string;
  /** Maximum length of one value in characters (padding excluded). */
  maxLength: number;
  /** Backslash separates values (VM > 1 possible); otherwise it is either forbidden or text. */
  multiValued: boolean;
  /** For single-valued VRs: may a backslash appear in the text? (LT, ST, UT: yes.) */
  backslashIsText?: boolean;
  /** Control characters permitted inside a value. */
  controls: string;
  /** Only the DICOM default repertoire (ASCII) — Specific Character Set does not apply. */
  asciiOnly: boolean;
  /** Format check on one value; returns what is wrong. */
  format?: (v: string) => string | undefined;
}

const MAX_UNLIMITED = 0xfffffffe;

// Compiled once: the validator runs these for every literal of every rule.
const AS_RE = /^\d{3}[DWMY]$/;
const CS_RE = /^[A-Z0-9 _]*$/;
const DA_RE = /^(\d{4})(\d{2})(\d{2})$/;
const TM_RE = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?$/;
const DT_RE = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;
const IS_RE = /^ *[+-]?\d+ *$/;
const DS_RE = /^ *[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)? *$/;
const UI_RE = /^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))*$/;
const UI_CHARS_RE = /^[0-9.]*$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkDate(year: number, month: number | undefined, day: number | undefined): string | undefined {
  if (month !== undefined && (month < 1 || month > 12)) return `month ${String(month).padStart(2, '0')} does not exist`;
  if (day !== undefined && month !== undefined && (day < 1 || day > daysInMonth(year, month))) {
    return `day ${String(day).padStart(2, '0')} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  }
  return undefined;
}

function checkTime(hh: number, mm: number | undefined, ss: number | undefined): string | undefined {
  if (hh > 23) return `hour ${hh} is out of range 00-23`;
  if (mm !== undefined && mm > 59) return `minute ${mm} is out of range 00-59`;
  // 60 is allowed for a leap second.
  if (ss !== undefined && ss > 60) return `second ${ss} is out of range 00-60`;
  return undefined;
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

const FORMATS: Record<string, (v: string) => string | undefined> = {
  AS: (v) => (AS_RE.test(v) ? undefined : 'an age is three digits and D, W, M or Y, e.g. 045Y'),
  CS: (v) => (CS_RE.test(v) ? undefined : 'a code string uses only upper-case letters, digits, space and underscore'),
  DA: (v) => {
    const m = DA_RE.exec(v.trimEnd());
    if (!m) return 'a date is YYYYMMDD, e.g. 20240105';
    return checkDate(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  TM: (v) => {
    const m = TM_RE.exec(v.trimEnd());
    if (!m) return 'a time is HH[MM[SS[.FFFFFF]]], e.g. 142530 (no colons)';
    return checkTime(Number(m[1]), num(m[2]), num(m[3]));
  },
  DT: (v) => {
    const m = DT_RE.exec(v.trimEnd());
    if (!m) return 'a date-time is YYYY[MM[DD[HH[MM[SS[.FFFFFF]]]]]][&ZZXX], e.g. 20240105142530+0100';
    const bad = checkDate(Number(m[1]), num(m[2]), num(m[3]))
      ?? (m[4] !== undefined ? checkTime(Number(m[4]), num(m[5]), num(m[6])) : undefined);
    if (bad) return bad;
    if (m[8] !== undefined) {
      const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
      if (Number(m[10]) > 59 || offset < -12 * 60 || offset > 14 * 60) return `UTC offset ${m[8]}${m[9]}${m[10]} is out of range -1200 to +1400`;
    }
    return undefined;
  },
  IS: (v) => {
    if (!IS_RE.test(v)) return 'an integer string is an optional sign and digits, e.g. -12';
    const n = Number(v.trim());
    if (n < -(2 ** 31) || n > 2 ** 31 - 1) return 'an integer string must lie between -2147483648 and 2147483647';
    return undefined;
  },
  DS: (v) => (DS_RE.test(v) ? undefined : 'a decimal string is a fixed or floating point number, e.g. 1.5 or -2.5E3'),
  UI: (v) => {
    if (UI_RE.test(v)) return undefined;
    if (!UI_CHARS_RE.test(v)) return 'a UID has only digits and dots';
    return 'a UID is dot-separated numbers without empty parts or leading zeros, e.g. 1.2.840.10008.1.1';
  },
  AE: (v) => (v.length > 0 && v.trim() === '' ? 'an AE title may not consist of spaces only' : undefined),
  UR: (v) => (v.startsWith(' ') ? 'a URI may not start with a space' : v.trimEnd().includes(' ') ? 'a URI may not contain spaces' : undefined),
};

const spec = (name: string, maxLength: number, multiValued: boolean, controls: string, asciiOnly: boolean, extra: Partial<VrSpec> = {}): VrSpec =>
  ({ name, maxLength, multiValued, controls, asciiOnly, ...extra });

const SPECS: Record<string, VrSpec> = {
  AE: spec('Application Entity', 16, true, '', true, { format: FORMATS.AE }),
  AS: spec('Age String', 4, true, '', true, { format: FORMATS.AS }),
  CS: spec('Code String', 16, true, '', true, { format: FORMATS.CS }),
  DA: spec('Date', 8, true, '', true, { format: FORMATS.DA }),
  DS: spec('Decimal String', 16, true, '', true, { format: FORMATS.DS }),
  DT: spec('Date Time', 26, true, '', true, { format: FORMATS.DT }),
  IS: spec('Integer String', 12, true, '', true, { format: FORMATS.IS }),
  LO: spec('Long String', 64, true, ESC, false),
  LT: spec('Long Text', 10240, false, TEXT_CONTROLS, false, { backslashIsText: true }),
  PN: spec('Person Name', 64, true, ESC, false),
  SH: spec('Short String', 16, true, ESC, false),
  ST: spec('Short Text', 1024, false, TEXT_CONTROLS, false, { backslashIsText: true }),
  TM: spec('Time', 14, true, '', true, { format: FORMATS.TM }),
  UC: spec('Unlimited Characters', MAX_UNLIMITED, true, ESC, false),
  UI: spec('Unique Identifier', 64, true, '', true, { format: FORMATS.UI }),
  UR: spec('URI/URL', MAX_UNLIMITED, false, '', true, { format: FORMATS.UR }),
  UT: spec('Unlimited Text', MAX_UNLIMITED, false, TEXT_CONTROLS, false, { backslashIsText: true }),
};

/** Parsed value multiplicity `1`, `1-n`, `2-2n`, `1-3`, ... */
interface Multiplicity { min: number; max: number; step: number }

const vmCache = new Map<string, Multiplicity | undefined>();
const VM_RE = /^(\d+)(?:-(\d*)(n)?)?$/;

export function parseVm(vm: string): Multiplicity | undefined {
  if (vmCache.has(vm)) return vmCache.get(vm);
  const m = VM_RE.exec(vm.trim());
  let result: Multiplicity | undefined;
  if (m) {
    const min = Number(m[1]);
    if (m[2] === undefined) result = { min, max: min, step: 1 };
    else if (m[3]) result = { min, max: Infinity, step: m[2] === '' ? 1 : Number(m[2]) };
    else result = { min, max: Number(m[2]), step: 1 };
  }
  vmCache.set(vm, result);
  return result;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === '\n') return 'a line break (\\n)';
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${c}"`;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function checkOneValue(v: string, vr: string, s: VrSpec): string | undefined {
  if (v === '') return undefined; // zero length is always allowed
  for (let i = 0; i < v.length; i++) {
    const code = v.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      if (!s.controls.includes(v[i])) return `${vr} does not allow ${describeChar(v[i])}`;
    } else if (code > 0x7e && s.asciiOnly) {
      return `${vr} allows only the DICOM default character repertoire (ASCII), not ${describeChar(String.fromCodePoint(v.codePointAt(i)!))}`;
    } else if (code === 0x5c && !s.backslashIsText) {
      return `${vr} does not allow a backslash (\\) inside a value`;
    }
  }
  if (vr === 'PN') return checkPersonName(v);
  // Leading/trailing spaces are padding, not counted, for the VRs that allow them.
  // Format first: "2024-01-05" is better explained as a wrong format than as too long.
  const problem = s.format?.(v);
  if (problem) return `"${excerpt(v)}" is not a valid ${vr} (${s.name}): ${problem}`;
  const significant = vr === 'UI' || vr === 'UR' ? v : v.trimEnd();
  const len = codePointLength(significant);
  if (len > s.maxLength) return `${vr} (${s.name}) is at most ${s.maxLength} characters; this value has ${len}`;
  return undefined;
}

function checkPersonName(v: string): string | undefined {
  const groups = v.split('=');
  if (groups.length > 3) return 'PN has at most three component groups (alphabetic=ideographic=phonetic); this value has ' + groups.length;
  for (const g of groups) {
    const len = codePointLength(g.trimEnd());
    if (len > 64) return `PN is at most 64 characters per component group; this one has ${len}`;
    const comps = g.split('^').length;
    if (comps > 5) return `PN has at most five components (family^given^middle^prefix^suffix); this value has ${comps}`;
  }
  return undefined;
}

/**
 * Checks a literal about to be written to an attribute of the given VR and VM. Returns a
 * message saying what is wrong, or undefined when the value can be valid. Unknown or non-string
 * VRs are not checked (the validator reports them separately).
 */
export function checkValueForVr(value: string, vr: string, vm?: string): string | undefined {
  const s = SPECS[vr];
  if (!s) return undefined;
  if (value === '') return undefined;
  const values = s.multiValued ? value.split('\\') : [value];
  for (const v of values) {
    const problem = checkOneValue(v, vr, s);
    if (problem) return problem;
  }
  if (vm && s.multiValued) {
    const m = parseVm(vm);
    const n = values.length;
    if (m && (n < m.min || n > m.max || (m.step > 1 && n % m.step !== 0))) {
      return `this attribute takes ${vm === '1' ? 'one value' : `${vm} values`} (VM ${vm}); the literal has ${n} (values are separated by \\)`;
    }
  }
  return undefined;
}

/** How a value of each format VR is written, for hover. */
const FORMAT_SHAPES: Record<string, string> = {
  AS: 'three digits and D, W, M or Y, e.g. `045Y`',
  CS: 'upper-case letters, digits, space and underscore',
  DA: '`YYYYMMDD`, e.g. `20240105`',
  TM: '`HH[MM[SS[.FFFFFF]]]`, e.g. `142530`',
  DT: '`YYYY[MM[DD[HH[MM[SS[.FFFFFF]]]]]][&ZZXX]`, e.g. `20240105142530+0100`',
  IS: 'an integer, -2147483648 to 2147483647',
  DS: 'a fixed or floating point number, e.g. `1.5`, `-2.5E3`',
  UI: 'dot-separated numbers without leading zeros, e.g. `1.2.840.10008.1.1`',
  AE: 'not only spaces',
  UR: 'a URI without spaces',
};

/**
 * What the validator requires of a value of `vr`, in short phrases for hover (the same rules
 * checkValueForVr applies); undefined for VRs a rule cannot write.
 */
export function vrRequirements(vr: string): string[] | undefined {
  const s = SPECS[vr];
  if (!s) return undefined;
  const out = [`${vr} (${s.name})`];
  out.push(s.maxLength === MAX_UNLIMITED ? 'no length limit' : vr === 'PN' ? 'at most 64 characters per component group' : `at most ${s.maxLength} characters`);
  out.push(s.asciiOnly ? 'ASCII only (the default repertoire)' : 'any character of the Specific Character Set');
  if (s.backslashIsText) out.push('one value (a backslash is text)');
  const shape = FORMAT_SHAPES[vr];
  if (shape) out.push(`format: ${shape}`);
  if (vr === 'PN') out.push('`Family^Given^Middle^Prefix^Suffix`');
  return out;
}
