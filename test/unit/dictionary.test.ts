import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  getDictionary,
  isPrivateCreator,
  isPrivateGroup,
  privateCreatorElementFor,
} from '../../core/src/dictionary';
import { formatTag, parseTag, tagNumber } from '../../core/src/dictionary/tag';
import { repoRoot } from '../repo';


// PS3.5 6.2 plus the combined forms PS3.6 writes for context-dependent VRs.
const VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW',
  'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

const dict = getDictionary();
const keywords = (query: string, limit?: number) => dict.search(query, limit).map((e) => e.keyword);

describe('dictionary: tag text', () => {
  it('formats upper-case (GGGG,EEEE)', () => {
    assert.equal(formatTag(0x0010, 0x0010), '(0010,0010)');
    assert.equal(formatTag(0x7fe0, 0x10), '(7FE0,0010)');
  });

  it('parses the three written forms, any case', () => {
    for (const text of ['(0010,0010)', '0010,0010', '00100010', ' (0010,0010) ']) {
      assert.deepEqual(parseTag(text), { group: 0x0010, element: 0x0010 }, text);
    }
    assert.deepEqual(parseTag('(7fe0,0010)'), { group: 0x7fe0, element: 0x0010 });
  });

  it('rejects text that is not a whole tag', () => {
    for (const text of ['', '(0010,001)', '0010', '(0010,0010', 'PatientName', '(0010,00G0)', '001000100']) {
      assert.equal(parseTag(text), undefined, text);
    }
  });

  it('numbers tags as unsigned group << 16 | element', () => {
    assert.equal(tagNumber(0x0010, 0x0010), 0x00100010);
    assert.equal(tagNumber(0xfffe, 0xe000), 0xfffee000);
  });
});

describe('dictionary: lookup', () => {
  it("knows PatientName (0010,0010) PN \"Patient's Name\"", () => {
    const e = dict.byTag(0x0010, 0x0010);
    assert.ok(e);
    assert.equal(e.keyword, 'PatientName');
    assert.equal(e.name, "Patient's Name");
    assert.equal(e.vr, 'PN');
    assert.equal(e.vm, '1');
    assert.equal(e.retired, false);
    assert.equal(e.tagText, '(0010,0010)');
  });

  it('gives Pixel Data both of its VRs', () => {
    assert.equal(dict.byKeyword('PixelData')?.vr, 'OB|OW');
    assert.equal(dict.byTag(0x7fe0, 0x0010)?.keyword, 'PixelData');
  });

  it('flags retired elements, with and without keyword', () => {
    const lengthToEnd = dict.byTag(0x0008, 0x0001);
    assert.equal(lengthToEnd?.keyword, 'LengthToEnd');
    assert.equal(lengthToEnd?.retired, true);
    const unnamed = dict.byTag(0x0018, 0x0061);
    assert.equal(unnamed?.retired, true);
    assert.equal(unnamed?.keyword, '');
  });

  it('finds overlay data of any overlay group through (60xx,3000)', () => {
    for (const group of [0x6000, 0x6002, 0x601e]) {
      const e = dict.byTag(group, 0x3000);
      assert.equal(e?.keyword, 'OverlayData', group.toString(16));
      assert.equal(e?.tagText, '(60xx,3000)');
      assert.equal(e?.repeatingMask, 0x00ff);
      assert.equal(e?.vr, 'OB|OW');
    }
    assert.equal(dict.byTag(0x5010, 0x3000)?.keyword, 'CurveData');
    assert.equal(dict.byTag(0x5010, 0x3000)?.retired, true);
  });

  it('finds the retired repeating elements whose element varies', () => {
    const e = dict.byTag(0x0028, 0x0430);
    assert.equal(e?.keyword, 'RowsForNthOrderCoefficients');
    assert.equal(e?.repeatingElementMask, 0x00f0);
    assert.equal(dict.byTag(0x0028, 0x0400)?.keyword, 'TransformLabel'); // exact entry wins
  });

  it('leaves private tags to the caller', () => {
    assert.equal(dict.byTag(0x0009, 0x0010), undefined);
    assert.equal(dict.byTag(0x0029, 0x1010), undefined);
    assert.equal(dict.byTag(0x6001, 0x3000), undefined);
    assert.equal(isPrivateGroup(0x0009), true);
    assert.equal(isPrivateGroup(0x7fe1), true);
    assert.equal(isPrivateGroup(0x0010), false);
    assert.equal(isPrivateGroup(0x0003), false, 'odd groups below 0008 are illegal, not private');
    assert.equal(isPrivateGroup(0xffff), false);
    assert.equal(isPrivateCreator(0x0009, 0x0010), true);
    assert.equal(isPrivateCreator(0x0009, 0x00ff), true);
    assert.equal(isPrivateCreator(0x0009, 0x1010), false);
    assert.equal(isPrivateCreator(0x0010, 0x0010), false);
    assert.equal(privateCreatorElementFor(0x0029, 0x1010), 0x10);
    assert.equal(privateCreatorElementFor(0x0029, 0xff01), 0xff);
    assert.equal(privateCreatorElementFor(0x0029, 0x0010), undefined);
  });

  it('answers any (gggg,0000) with a retired Group Length, keeping the real 0000/0002 ones', () => {
    const e = dict.byTag(0x0008, 0x0000);
    assert.equal(e?.name, 'Group Length');
    assert.equal(e?.tagText, '(0008,0000)');
    assert.equal(e?.vr, 'UL');
    assert.equal(e?.retired, true);
    assert.equal(dict.byTag(0x6002, 0x0000)?.name, 'Group Length');
    assert.equal(dict.byTag(0x0002, 0x0000)?.keyword, 'FileMetaInformationGroupLength');
    assert.equal(dict.byTag(0x0002, 0x0000)?.retired, false);
  });

  it('does not invent entries', () => {
    assert.equal(dict.byTag(0x0010, 0x0011), undefined);
    assert.equal(dict.byTag(0x0008, 0xfffe), undefined);
  });

  it('looks keywords up case-sensitively', () => {
    assert.equal(dict.byKeyword('AccessionNumber')?.tagText, '(0008,0050)');
    assert.equal(dict.byKeyword('OverlayData')?.tagText, '(60xx,3000)');
    assert.equal(dict.byKeyword('accessionnumber'), undefined);
    assert.equal(dict.byKeyword(''), undefined);
    assert.equal(dict.byKeyword('NoSuchKeyword'), undefined);
  });

  it('says which edition it holds', () => {
    assert.match(dict.edition, /2022b/);
  });
});

describe('dictionary: search', () => {
  it('puts the exact keyword first', () => {
    assert.equal(keywords('PatientName')[0], 'PatientName');
    assert.equal(keywords('patientid')[0], 'PatientID');
  });

  it('matches keyword prefixes, shortest first', () => {
    const found = keywords('PatientBirth');
    assert.equal(found[0], 'PatientBirthDate');
    assert.ok(found.includes('PatientBirthTime'));
    assert.ok(found.every((k) => k.startsWith('PatientBirth')));
  });

  it('matches prefixes of the words of the name', () => {
    assert.equal(keywords('acc num')[0], 'AccessionNumber');
    assert.equal(keywords('accession')[0], 'AccessionNumber');
    assert.ok(keywords('birth').includes('PatientBirthDate'));
    assert.equal(keywords('study inst uid')[0], 'StudyInstanceUID');
    assert.equal(keywords("patient's sex")[0], 'PatientSex');
  });

  it('finds tags by their digits', () => {
    assert.deepEqual(keywords('00100010'), ['PatientName']);
    assert.deepEqual(keywords('0010,0010'), ['PatientName']);
    assert.deepEqual(keywords('(0010,0010)'), ['PatientName']);
    const group = dict.search('0010', 500);
    assert.ok(group.length > 20);
    assert.ok(group.every((e) => e.tagText.startsWith('(0010,')));
    assert.equal(keywords('0008,005')[0], 'AccessionNumber');
    assert.equal(keywords('6002,3000')[0], 'OverlayData');
  });

  it('ranks words before tags for queries that are words and hex alike', () => {
    const found = dict.search('f', 2000);
    const firstTag = found.findIndex((e) => e.tagText.startsWith('(F'));
    assert.ok(firstTag > 0, 'tags starting with F are found');
    const hasWordF = (e: { keyword: string; name: string }) => /(^|[^a-z])f/i.test(e.name) || /^F|[a-z]F/.test(e.keyword);
    assert.ok(found.slice(0, firstTag).every(hasWordF), 'words come first');
    assert.ok(keywords('fffe,e000').includes('Item'));
    assert.ok(keywords('fffe').includes('SequenceDelimitationItem'));
  });

  it('ranks non-retired before retired within the same kind of match', () => {
    const found = dict.search('overlay', 200);
    const firstRetired = found.findIndex((e) => e.retired);
    assert.ok(firstRetired > 0);
    const prefixMatches = found.filter((e) => e.keyword.toLowerCase().startsWith('overlay'));
    const lastLive = prefixMatches.map((e) => e.retired).lastIndexOf(false);
    const firstDead = prefixMatches.map((e) => e.retired).indexOf(true);
    assert.ok(lastLive < firstDead, 'retired keyword-prefix matches come after live ones');
  });

  it('honours the limit and copes with empty or odd queries', () => {
    assert.equal(dict.search('a', 7).length, 7);
    assert.equal(dict.search('PatientName', 0).length, 0);
    assert.ok(dict.search('', 5).every((e) => !e.retired));
    assert.deepEqual(dict.search('zzzzqqq'), []);
    assert.deepEqual(dict.search('(((,,,'), []);
  });
});

describe('dictionary: data', () => {
  it('has every entry well-formed', () => {
    assert.ok(dict.entries.length > 5000);
    const seen = new Set<string>();
    for (const e of dict.entries) {
      assert.match(e.tagText, /^\([0-9A-Fx]{4},[0-9A-Fx]{4}\)$/, e.tagText);
      const base = parseTag(e.tagText.replace(/x/g, '0'));
      assert.ok(base, e.tagText);
      assert.equal(e.tag, tagNumber(base.group, base.element), e.tagText);
      assert.equal(!!e.repeatingMask, /^\(\S*x\S*,/.test(e.tagText), e.tagText);
      assert.ok(!seen.has(e.tagText), `duplicate ${e.tagText}`);
      seen.add(e.tagText);
      if (e.tagText.startsWith('(FFFE,')) {
        assert.equal(e.vr, '', 'item and delimitation tags have no VR');
      } else {
        for (const vr of e.vr.split('|')) assert.ok(VRS.has(vr), `${e.tagText} VR ${e.vr}`);
      }
      assert.match(e.vm, /^(\d+|\d+-\d+|\d+-\d*n)$/, `${e.tagText} VM ${e.vm}`);
      assert.ok(e.name.length > 0, e.tagText);
      assert.doesNotMatch(e.name, /&[#a-z0-9]+;|[\u200b\ufeff]|\s{2}/i, `${e.tagText} name ${e.name}`);
      if (e.keyword) assert.match(e.keyword, /^[A-Za-z][A-Za-z0-9]*$/, e.tagText);
      else assert.ok(e.retired, `${e.tagText} has no keyword but is not retired`);
    }
  });

  it('is what the generator makes from the installed packages', function () {
    this.timeout(20000);
    // Throws (and so fails) when the committed file differs from a fresh generation.
    execFileSync(process.execPath, [path.join(repoRoot(), 'scripts', 'generate-dictionary.mjs'), '--check'], {
      cwd: repoRoot(),
      stdio: 'pipe',
    });
  });

  it("agrees with DCMTK's dicom.dic on the VR of at least 99% of common tags", function () {
    const dic = findDcmtkDictionary();
    if (!dic) this.skip();
    const { compared, agreeing } = compareWithDcmtk(fs.readFileSync(dic!, 'utf8'));
    assert.ok(compared > 4000, `only ${compared} tags in common`);
    const percent = (100 * agreeing) / compared;
    assert.ok(percent >= 99, `VR agrees for ${percent.toFixed(2)}% of ${compared} tags`);
  });
});

/** Debian's dcmtk puts it in /usr/share/libdcmtk<N>/; DCMDICTPATH may point elsewhere. */
function findDcmtkDictionary(): string | undefined {
  const fromEnv = (process.env.DCMDICTPATH ?? '').split(path.delimiter).find((p) => p.endsWith('dicom.dic'));
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const share = '/usr/share';
  if (!fs.existsSync(share)) return undefined;
  for (const dir of fs.readdirSync(share).filter((d) => /^(lib)?dcmtk/.test(d)).sort().reverse()) {
    const candidate = path.join(share, dir, 'dicom.dic');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

// DCMTK's pseudo-VRs, written the way PS3.6 (and our dictionary) combines them.
const DCMTK_VR: Record<string, string> = { ox: 'OB|OW', px: 'OB|OW', xs: 'US|SS', lt: 'US|SS|OW', up: 'UL', na: '' };

function compareWithDcmtk(text: string): { compared: number; agreeing: number } {
  let compared = 0;
  let agreeing = 0;
  for (const line of text.split('\n')) {
    const m = /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)\t(\S+)\t/.exec(line); // exact tags only
    if (!m) continue;
    const group = parseInt(m[1], 16);
    const element = parseInt(m[2], 16);
    const ours = dict.byTag(group, element);
    if (!ours || ours.tagText !== formatTag(group, element)) continue;
    compared++;
    if ((DCMTK_VR[m[3]] ?? m[3]) === ours.vr) agreeing++;
  }
  return { compared, agreeing };
}
