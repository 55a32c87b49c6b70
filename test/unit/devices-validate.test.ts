import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { validateDeviceText, checkAeTitle } from '../../core/src/devices/validate';
import { ruleChain } from '../../core/src/devices/resolve';
import { diskReaderFor } from '../../core/src/files/referencedFiles';
import { loadDeviceFile } from '../../core/src/files/deviceFile';
import type { CoreDiagnostic } from '../../core/src/diagnostics';
import { expectDiagnostics } from './annotated';

const repo = path.resolve(__dirname, '../../..');
const fixtureDir = path.join(repo, 'test/fixtures/devices');
const readFixture = diskReaderFor(path.join(fixtureDir, 'x.pacs'));

const SERVER = 'server main {\n  ae "MAIN"\n}\n';

/** Validates `body` after a minimal server block; returns [code, 1-based line, severity]. */
function codes(body: string, withServer = true): Array<[string, number, string]> {
  const text = (withServer ? SERVER : '') + body;
  const { diagnostics } = validateDeviceText(text, { readFile: readFixture });
  const offset = withServer ? 3 : 0;
  return diagnostics.map((d) => [d.code, d.range.start.line + 1 - offset, d.severity]);
}

function device(lines: string[]): string {
  return `device D {\n${lines.map((l) => '  ' + l).join('\n')}\n}\n`;
}

const BASE = ['type dicom', 'ae "D_AE"', 'host 127.0.0.1', 'port 104'];

/**
 * Validates `body` written between `before` and `after`, each of its lines after `indent`;
 * returns the diagnostics at positions counted from `body`'s first line and column. A
 * diagnostic outside `body` fails the test: an annotation could not show it.
 */
function diagnoseWithin(before: string, after: string, indent = ''): (body: string) => CoreDiagnostic[] {
  const lineShift = before.split('\n').length - 1;
  return (body) => {
    const text = before + body.split('\n').map((l) => (l ? indent + l : l)).join('\n') + '\n' + after;
    const bodyLines = body.split('\n').length;
    return validateDeviceText(text, { readFile: readFixture }).diagnostics.map((d) => {
      const { start, end } = d.range;
      assert.ok(start.line >= lineShift && end.line < lineShift + bodyLines, `${d.code} at line ${start.line + 1} is outside the annotated text: ${d.message}`);
      const at = (p: typeof start) => ({ line: p.line - lineShift, character: p.character - indent.length });
      return { ...d, range: { start: at(start), end: at(end) } };
    });
  };
}

/** The diagnostics of `body` after the minimal server block. */
const inServer = diagnoseWithin(SERVER, '');
/** The diagnostics of `body` written as the last fields of device D (the BASE fields) after the server block. */
const inBaseDevice = diagnoseWithin(SERVER + device(BASE).replace(/\}\n$/, ''), '}\n', '  ');
/** The diagnostics of `body` after the server block and device D (the BASE fields). */
const afterBaseDevice = diagnoseWithin(SERVER + device(BASE), '');

describe('device language: validation', () => {
  it('finds nothing wrong in the example workspace tables', () => {
    for (const f of ['hospital.pacs', 'central.pacs']) {
      assert.deepEqual(loadDeviceFile(path.join(repo, 'examples/workspace/devices', f)).diagnostics, [], f);
    }
  });

  it('reports duplicate device IDs at the second one', () => {
    expectDiagnostics(`
      device D {
      //     ^ duplicate-id
        type dicom
        ae "D_AE"
        host 127.0.0.1
        port 104
      }
    `, afterBaseDevice);
  });

  it('checks AE titles: length, backslash, control characters, all spaces', () => {
    assert.equal(checkAeTitle('ABCDEFGHIJKLMNOP'), undefined);
    assert.equal(checkAeTitle('ABCDEFGHIJKLMNOPQ')?.code, 'ae-too-long');
    assert.equal(checkAeTitle('A\\B')?.code, 'ae-invalid');
    assert.equal(checkAeTitle('A\tB')?.code, 'ae-invalid');
    assert.equal(checkAeTitle('   ')?.code, 'ae-blank');
    expectDiagnostics(`
      device D {
        type dicom
        ae "ABCDEFGHIJKLMNOPQ"
      //   ^^^^^^^^^^^^^^^^^^^ ae-too-long
        host h
        port 1
      }
    `, inServer);
  });

  it('checks port ranges; 0 disables TCP/TLS but is not a valid legacy port', () => {
    expectDiagnostics(`
      device D {
        type dicom
        ae "A"
        host h
        port 0
      //     ^ invalid-port
        tcp-port 65536
      //         ^^^^^ invalid-port
        tls-port 0
      }
    `, inServer);
  });

  it('requires a listening port when the device accepts associations', () => {
    assert.deepEqual(codes(device(['type dicom', 'ae "A"', 'host h', 'tcp-port 0', 'tls-port 0', 'services {', '  store P', '}'])), [
      ['no-port', 5, 'error'],
    ]);
    assert.deepEqual(codes(device(['type dicom', 'ae "A"', 'host h', 'services {', '  qr P', '}'])), [['missing-field', 1, 'error']]);
    // A pure SCU needs no port.
    assert.deepEqual(codes(device(['type dicom', 'ae "A"', 'host h', 'services {', '  store U', '}'])), []);
  });

  it('reports an unknown category', () => {
    expectDiagnostics(`
      category nowhere
      ^^^^^^^^ unknown-category
    `, inBaseDevice);
    assert.deepEqual(codes('category nowhere {\n  max-connections 2\n}\n' + device([...BASE, 'category nowhere'])), []);
  });

  it('rejects AutoGet with AutoRtv, and Commit or MPPS as U', () => {
    expectDiagnostics(`
      services { autoget autortv commit U P mpps U }
      ^^^^^^^^ autoget-and-autortv
      //                                ^ p-only-service
      //                                         ^ p-only-service
    `, inBaseDevice);
  });

  it('reports service entries without a role, with a role they cannot have, or unknown', () => {
    expectDiagnostics(`
      services {
        store
      //^^^^^ service-missing-role
        autofwd U
      //        ^ service-role-not-applicable
        print P
      //^^^^^ unknown-service
      }
    `, inBaseDevice);
  });

  it('warns about task limits given for a type they do not apply to', () => {
    expectDiagnostics(`
      limits {
        max 10
        dicom-out 2
      //^^^^^^^^^ limit-not-applicable (warning)
        http-out 1
      //^^^^^^^^ limit-not-applicable (warning)
        store-in 4
      }
    `, inBaseDevice);
    assert.deepEqual(codes(device(['type viewer', 'host h', 'port 1', 'limits { registration 2 }'])), [['limit-not-applicable', 5, 'warning']]);
    assert.deepEqual(codes(device(['type parent', 'ae "P"', 'host h', 'port 1', 'limits { dicom-out 2 http-out 2 store-in 2 registration 2 }'])), []);
  });

  it('checks referenced rule files: missing, or with errors', () => {
    assert.deepEqual(codes(device([...BASE, 'rules "rules/good.coerce"'])), []);
    expectDiagnostics(`
      rules "rules/none.coerce"
      //    ^^^^^^^^^^^^^^^^^^^ rule-file-missing
    `, inBaseDevice);
    const { diagnostics } = validateDeviceText(SERVER + device([...BASE, 'rules "rules/bad.coerce"']), { readFile: readFixture });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'rule-file-errors');
    assert.match(diagnostics[0].message, /rules\/bad\.coerce has \d+ errors?; first at line 2/);
  });

  it('runs the coercion validator on inline rules at their absolute positions', () => {
    expectDiagnostics(`
      rules {
        (0008,0050)=nosuchfunction(1)
      //            ^^^^^^^^^^^^^^ unknown-function
      }
    `, inBaseDevice);
  });

  it('warns that Workstation is retired and reports an unknown type', () => {
    expectDiagnostics(`
      device W {
        type workstation
      //     ^^^^^^^^^^^ workstation-retired (warning)
        host h
      }
      device S {
        type scanner
      //     ^^^^^^^ unknown-type
        host h
      }
    `, inServer);
  });

  it('reports unknown fields with a suggestion, and missing required fields', () => {
    const [missingHost, unknown] = expectDiagnostics(`
      device D {
      //     ^ missing-field
        type dicom
        ae "A"
        hots h
      //^^^^ unknown-field
        port 1
      }
    `, inServer);
    assert.match(missingHost.message, /needs `host`/);
    assert.match(unknown.message, /Did you mean `host`\?/);
    const [missingAe, missingType] = expectDiagnostics(`
      device NOAE {
      //     ^^^^ missing-field
        type dicom
        host h
        port 1
      }
      device NOTYPE {
      //     ^^^^^^ missing-field
        ae "A"
        host h
      }
    `, inServer);
    assert.match(missingAe.message, /needs its AE title/);
    assert.match(missingType.message, /needs a type/);
  });

  it('checks the server: AE title required, rule-set names, deploy targets without credentials', () => {
    const alone = (text: string) => validateDeviceText(text).diagnostics;
    expectDiagnostics(`
      server s {
      //     ^ missing-field
        host h
      }
    `, alone);
    expectDiagnostics(`
      server s {
        ae "S"
        rules global "x.coerce"
      //      ^^^^^^ unknown-rule-set
        deploy orthanc "http://u:p@127.0.0.1:8042"
      //               ^^^^^^^^^^^^^^^^^^^^^^^^^^^ deploy-credentials
        deploy ftp "x"
      //       ^^^ unknown-deploy-kind
      }
    `, alone);
    expectDiagnostics(`
      server a {
        ae "A"
      }
      server b {
      ^^^^^^ multiple-servers
        ae "B"
      }
    `, alone);
  });

  it('checks each deploy line by its kind: an Orthanc URL, a folder inside the workspace', () => {
    const messages = (lines: string[], checkPath?: (p: string) => { refused: string; code: 'path-outside-workspace' } | undefined): string[] =>
      validateDeviceText(`server s {\n  ae "S"\n${lines.map((l) => `  ${l}\n`).join('')}}\n`, { checkPath }).diagnostics.map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(messages(['deploy orthanc "ftp://h"', 'deploy orthanc']), [
      'deploy-url: `ftp://h` is not an http:// or https:// URL.',
      'missing-value: Write `deploy orthanc "http://host:8042"` or `deploy folder "path"`.',
    ]);
    const outside = (p: string) => (p.startsWith('..') ? { refused: `${p} is outside`, code: 'path-outside-workspace' as const } : undefined);
    assert.deepEqual(messages(['deploy folder "../x"', 'deploy folder "x"', 'deploy orthanc "../y"'], outside), [
      'path-outside-workspace: ../x is outside',
      'deploy-url: `../y` is not an http:// or https:// URL.',
    ]);
  });

  it('flags several values on one line and a repeated field', () => {
    expectDiagnostics(`
      host other
      ^^^^ duplicate-field
    `, inBaseDevice);
    expectDiagnostics(`
      device E { type dicom ae "X" host h port 1 }
      //     ^ missing-field
      //     ^ missing-field
      //                    ^^^^^^^^^^^^^^^^^^^^ extra-value
    `, inServer);
  });

  it('orders rule sets: Preceding Global, device, Trailing Global (Self for scanned-in data)', () => {
    const { table } = loadDeviceFile(path.join(repo, 'examples/workspace/devices/hospital.pacs'));
    const ct = table.devices.find((d) => d.id === 'CT1')!;
    assert.deepEqual(ruleChain(table, ct).map((s) => [s.role, s.ruleSet.kind]), [['preceding', 'file'], ['device', 'inline'], ['trailing', 'file']]);
    assert.deepEqual(ruleChain(table, undefined).map((s) => [s.role, s.ruleSet.kind]), [['preceding', 'file'], ['device', 'inline'], ['trailing', 'file']]);
    const archive = table.devices.find((d) => d.id === 'ARCHIVE')!;
    assert.deepEqual(ruleChain(table, archive).map((s) => s.role), ['preceding', 'trailing']);
  });
});
