import * as assert from 'node:assert/strict';
import { diffItems, formatDiff } from '../../core/src/deploy/diff';
import { fileNameOf, pasteableRules } from '../../core/src/deploy/exportFolder';
import { deviceOfModality, modalityOf } from '../../core/src/deploy/orthancMapping';
import { formatDevice } from '../../core/src/devices/format';
import { validateDeviceText } from '../../core/src/devices/validate';

function device(lines: string[]) {
  const { table } = validateDeviceText(['server S {', '  ae "S"', '}', 'device D {', ...lines.map((l) => '  ' + l), '}', ''].join('\n'));
  return table.devices[0];
}

describe('deploy diff', () => {
  it('sorts items into added, changed (with each field), removed and unchanged', () => {
    const diff = diffItems(
      { A: { Port: 104, AET: 'A' }, B: { Port: 1 }, C: { x: true } },
      { A: { Port: 11112, AET: 'A' }, C: { x: true }, D: { y: 'new' } },
    );
    assert.deepEqual(diff, {
      added: ['D'],
      changed: [{ id: 'A', changes: [{ field: 'Port', before: 104, after: 11112 }] }],
      removed: ['B'],
      unchanged: ['C'],
    });
  });

  it('a field present on one side only is a change from or to "absent"; IDs compare exactly', () => {
    const diff = diffItems({ ct1: { a: 1 } }, { CT1: { a: 1 }, ct1: { a: 1, b: false } });
    assert.deepEqual(diff.added, ['CT1']);
    assert.deepEqual(diff.changed, [{ id: 'ct1', changes: [{ field: 'b', before: undefined, after: false }] }]);
  });

  it('formats a readable plan with counts', () => {
    const lines = formatDiff(diffItems({ A: { Port: 104 }, B: { rules: 'x\ny\n' } }, { A: { Port: 105 }, B: { rules: 'x\n' } }));
    assert.deepEqual(lines, [
      '~ A',
      '    Port: 104 → 105',
      '~ B',
      '    rules: (2 lines) → (1 line)',
      '0 added, 2 changed, 0 removed, 0 unchanged',
    ]);
  });
});

describe('Orthanc mapping', () => {
  it('U-column services become Allow flags; commit P becomes AllowEventReport', () => {
    const m = modalityOf(device(['type dicom', 'ae "CT"', 'host 10.0.0.1', 'port 104', 'services {', '  store U P', '  qr U', '  commit P', '}']));
    assert.deepEqual(m, {
      kind: 'modality',
      fields: { AET: 'CT', Host: '10.0.0.1', Port: 104, UseDicomTls: false, AllowStore: true, AllowFind: true, AllowMove: true, AllowGet: true, AllowFindWorklist: false, AllowEventReport: true },
    });
  });

  it('TLS-only devices use the TLS port with UseDicomTls; disabled and AE-less rows are skipped with a reason', () => {
    const tls = modalityOf(device(['type dicom', 'ae "T"', 'host h', 'tcp-port 0', 'tls-port 2762']));
    assert.equal(tls.kind === 'modality' && tls.fields.Port, 2762);
    assert.equal(tls.kind === 'modality' && tls.fields.UseDicomTls, true);
    assert.match((modalityOf(device(['type dicom', 'ae "X"', 'host h', 'port 1', 'disabled'])) as { reason: string }).reason, /disabled/);
    assert.match((modalityOf(device(['type web-service', 'host h'])) as { reason: string }).reason, /no AE title/);
  });

  it('import maps a modality back to a row that maps to the same modality', () => {
    const original = device(['type dicom', 'ae "CT"', 'host 10.0.0.1', 'tls-port 2762', 'tcp-port 0', 'services {', '  store U', '  mwl U', '  commit P', '}']);
    const m = modalityOf(original);
    assert.equal(m.kind, 'modality');
    const fields = (m as { fields: Record<string, unknown> }).fields;
    const back = device(formatDevice(deviceOfModality('D', { ...fields, AllowEcho: true, LocalAet: '' })).split('\n').slice(1, -1).map((l) => l.trim()));
    assert.deepEqual(modalityOf(back), m);
  });
});

describe('export folder helpers', () => {
  it('pasteable rules: one rule per line, no blank or comment lines, trimmed', () => {
    assert.deepEqual(pasteableRules('\n# c\n  (0008,0050)="A"  \r\n\n(0010,0010)="B"\n'), ['(0008,0050)="A"', '(0010,0010)="B"']);
  });

  it('file names cannot leave the folder', () => {
    assert.equal(fileNameOf('CT1'), 'CT1');
    assert.equal(fileNameOf('../x'), '%2E.%2Fx');
    assert.equal(fileNameOf('a b/c'), 'a%20b%2Fc');
  });
});
