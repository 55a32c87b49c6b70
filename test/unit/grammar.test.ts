/**
 * Chevrotain's checks of our token definitions and grammar. The lexers and the parser skip them
 * when they are built (skipValidations: they cost every start of the CLI, server and extension),
 * so they run here: a token or rule change that Chevrotain would reject fails this test.
 */
import * as assert from 'node:assert/strict';
import { createToken, Lexer } from 'chevrotain';
import { ALL_TOKENS } from '../../core/src/coercion/lexer';
import { checkRuleGrammar } from '../../core/src/coercion/lineParser';
import { DEVICE_TOKENS } from '../../core/src/devices/lexer';

describe('grammar checks skipped at start-up', () => {
  for (const [name, tokens, optimized] of [['coercion rule', ALL_TOKENS, true], ['device table', DEVICE_TOKENS, false]] as const) {
    it(`the ${name} tokens pass Chevrotain's lexer checks`, () => {
      const lexer = new Lexer([...tokens], { positionTracking: 'onlyOffset', ensureOptimizations: optimized, skipValidations: false, deferDefinitionErrorsHandling: true });
      assert.deepEqual(lexer.lexerDefinitionErrors.map((e) => e.message), []);
    });
  }

  it("the coercion rule grammar passes Chevrotain's grammar checks", () => {
    assert.doesNotThrow(() => checkRuleGrammar());
  });

  it('the checks do catch a broken definition (a token that matches the empty string)', () => {
    const Empty = createToken({ name: 'Empty', pattern: /x*/ });
    const lexer = new Lexer([...DEVICE_TOKENS, Empty], { skipValidations: false, deferDefinitionErrorsHandling: true });
    assert.match(lexer.lexerDefinitionErrors.map((e) => e.message).join('\n'), /Empty/);
  });
});
