/**
 * A short, seeded fuzzing campaign over every target (test/fuzz, docs/fuzzing.md): the real
 * language server, `pacsw check` and `pacsw apply` (in-process and a spawned sample), a real
 * `pacsw serve`, and the in-process core targets (the same functions, thousands of inputs), fed
 * mutated rule files, device tables, rule tests, DICOM files and PDU streams.
 * It asserts no finding: no crash, hang, memory peak, half-written or unreadable file. The seed is
 * fixed, so a failure is reproducible: the message names the reproducer and the replay command.
 * Bounds on time are generous (the suite runs on a loaded 2-core machine); bounds on output size
 * and memory are the campaign's own, and strict.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runCampaign, TARGET_NAMES } from '../fuzz/campaign';

const SECONDS = Number(process.env.PACSW_FUZZ_TEST_SECONDS || 25);

describe('fuzzing (a short seeded campaign of npm run fuzz)', function () {
  this.timeout((SECONDS + 180) * 1000);

  it(`runs ${SECONDS} s over ${TARGET_NAMES.join(', ')} with seed 20261201 and finds nothing`, async () => {
    const result = await runCampaign({ seed: 20261201, seconds: SECONDS, targets: TARGET_NAMES });
    const described = result.findings.map((f) => `${f.target} ${f.kind} x${f.occurrences}: ${f.detail.slice(0, 400)}\n  replay: ${f.replay ?? '(no reproducer kept)'}`);
    assert.deepEqual(described, [], `findings (reproducers in ${result.outDir})`);
    for (const name of TARGET_NAMES) {
      // Every target really ran: a harness that silently skips one would find nothing too.
      // (The in-process targets run batches of 50: at least one.)
      assert.ok((result.targets[name]?.inputs ?? 0) >= (name.startsWith('core-') ? 50 : 5), `${name}: ${JSON.stringify(result.targets[name])}`);
    }
    fs.rmSync(result.outDir, { recursive: true, force: true });
  });
});
