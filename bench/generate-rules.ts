/**
 * Generates large, realistic and valid coercion-rule files for benchmarks and the protocol
 * tests (never stored: made on the fly, deterministic for a given size). Every rule line is
 * different (a number in a literal), so that nothing benefits from identical lines.
 */

const TEMPLATES: Array<(i: number) => string> = [
  (i) => `$(acc${i})=(0008,0050)`,
  (i) => `(0008,0050)=if((0008,0050),concat("PFX${i}",(0008,0050)),NULL())`,
  (i) => `(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),"${i}")`,
  (i) => `(0008,1030)=if(equals((0008,1030),""),concat("Imported ",$(acc${i - 3})),(0008,1030))`,
  (i) => `SEQ(0040,0275,0,0040,1001)=if(SEQ(0040,0275,0,0040,1001),concat("EXT${i}-",SEQ(0040,0275,0,0040,1001)),NULL())`,
  (i) => `(0008,0080)="Outside Hospital ${i}"`,
  (i) => `(0008,0090)=if(equals((0008,0090),"DR${i}"),NULL(),(0008,0090))`,
  (i) => `(0010,0020)=concat("ID${i}-",codenumber((0010,0020)))`,
  (i) => `$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.${i}"),NULL(),$(@PROCESS))`,
  (i) => `(0020,4000)=or((0020,4000),"Imported ${i}",USER(SiteNote))`,
];

/** `rules` rule lines (plus a comment line before every 50th rule), joined with `\n`. */
export function generateRuleFile(rules = 10_000): string {
  const lines: string[] = [];
  for (let i = 0; i < rules; i++) {
    if (i % 50 === 0) lines.push(`# Block ${i / 50 + 1}: rules ${i + 1}-${Math.min(i + 50, rules)}`);
    // Template 3 (rule i) reads the variable template 0 assigned in rule i - 3.
    lines.push(TEMPLATES[i % TEMPLATES.length](i));
  }
  return `${lines.join('\n')}\n`;
}
