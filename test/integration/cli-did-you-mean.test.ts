/** A mistyped command or option gets the one it was probably meant to be, as git and cargo do. */
import * as assert from 'node:assert/strict';
import { pacsw } from './dicom-helpers';

describe('pacsw did you mean', function () {
  this.timeout(30_000);

  it('suggests the command closest to a mistyped one', () => {
    const r = pacsw(['chek', 'x.coerce']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^pacsw: unknown command "chek": did you mean "check"\?$/m);
    assert.match(pacsw(['depoly']).stderr, /did you mean "deploy"\?/);
    assert.match(pacsw(['qeueu']).stderr, /did you mean "queue"\?/);
  });

  it('lists the commands instead when nothing is close', () => {
    const r = pacsw(['frobnicate']);
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stderr, /did you mean/);
    assert.match(r.stderr, /commands:\n\s+check/);
  });

  it('suggests the option closest to a mistyped one, for every command', () => {
    const r = pacsw(['check', '--dialet', 'extended', 'x.coerce']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option --dialet: did you mean --dialect\? \(known: /);
    assert.match(pacsw(['apply', '--rulse', 'r.coerce']).stderr, /unknown option --rulse: did you mean --rules\?/);
    assert.match(pacsw(['check', '--jsno', 'x.coerce']).stderr, /did you mean --json\?/);
    const far = pacsw(['check', '--colourful', 'x.coerce']);
    assert.match(far.stderr, /unknown option --colourful \(known: /);
  });
});
