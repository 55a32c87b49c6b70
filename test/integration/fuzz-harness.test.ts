/**
 * The fuzzing campaign itself (test/fuzz/campaign.ts): when it stops under inputs still in
 * flight, the stop is not reported as their problem. The long run of seed 20261202 reported
 * `check` and `apply` "died (exit code 1)" at inputs 422 and 1203: a harness failure in another
 * target stopped the campaign, which terminated their CLI threads mid-input.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCampaign } from '../fuzz/campaign';
import type { FuzzInput, Target } from '../fuzz/targets';

/** A target whose generator fails, as the DICOM mutator that read past a cut-off file did. */
class FailingGenerator implements Target {
  readonly name = 'apply';
  async start(): Promise<void> {}
  generate(): FuzzInput {
    throw new RangeError('the harness failed (a mutator read past the end of its input)');
  }
  async run(): Promise<undefined> {
    return undefined;
  }
  peakRssMb(): number {
    return 0;
  }
  async stop(): Promise<void> {}
}

describe('fuzz campaign: stopping', function () {
  this.timeout(180_000);

  it('does not report the inputs in flight when the harness fails as their problems (the real check target in flight)', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-fuzz-harness-'));
    try {
      await assert.rejects(
        runCampaign({ seed: 20261202, seconds: 60, targets: ['check', 'apply'], outDir, makeTarget: (name) => (name === 'apply' ? new FailingGenerator() : undefined) }),
        /the harness failed/,
      );
      // Let the terminated thread's exit reach the campaign's handlers.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(fs.readdirSync(outDir), [], 'no finding (a check "died" reproducer was written for the stopped thread)');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
