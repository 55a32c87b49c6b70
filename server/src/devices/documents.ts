/**
 * Parsed .pacs documents, one analysis per document version, shared by every request. The
 * coercion trees of inline `rules { }` blocks are parsed on demand: they use the .pacs file's
 * own line and column numbers (the rule lines are kept verbatim at their absolute lines), so
 * the coercion services work on them without any position mapping.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { BlockNode, FieldNode, InlineRulesNode } from '../../../core/src/devices/ast';
import { buildDeviceTable, type DeviceTable } from '../../../core/src/devices/model';
import { parseDeviceFile, splitLines, type DeviceParseResult } from '../../../core/src/devices/parser';
import { parseRuleFile } from '../../../core/src/coercion/fileParser';
import type { RuleFileNode } from '../../../core/src/coercion/ast';

export interface InlineRules {
  block: BlockNode;
  field: FieldNode;
  rules: InlineRulesNode;
}

export class DeviceAnalysis {
  readonly parsed: DeviceParseResult;
  readonly table: DeviceTable;
  readonly lines: string[];
  private readonly ruleTrees = new Map<InlineRulesNode, RuleFileNode>();
  private readonly ruleTexts = new Map<InlineRulesNode, string>();

  constructor(readonly uri: string, readonly version: number, readonly text: string) {
    this.parsed = parseDeviceFile(text, uri);
    this.table = buildDeviceTable(this.parsed.ast);
    this.lines = splitLines(text).lines;
  }

  lineText(line: number): string {
    return this.lines[line] ?? '';
  }

  /** Every inline rule block, with the block and field holding it. */
  inlineRules(): InlineRules[] {
    const out: InlineRules[] = [];
    for (const block of this.parsed.ast.blocks) {
      for (const field of block.fields) {
        if (field.block?.kind === 'InlineRules') out.push({ block, field, rules: field.block });
      }
    }
    return out;
  }

  /** The inline rule block whose rule lines include `line` (not its `rules {` or `}` lines). */
  inlineRulesAt(line: number): InlineRules | undefined {
    return this.inlineRules().find(({ rules }) => line > rules.openRange.start.line && line <= lastRuleLine(rules));
  }

  /** An inline block as a rule file positioned like the .pacs file (lines before it are blank). */
  ruleText(rules: InlineRulesNode): string {
    let text = this.ruleTexts.get(rules);
    if (text === undefined) {
      const first = rules.openRange.start.line + 1;
      const lines: string[] = new Array(first).fill('');
      for (const l of rules.lines) lines[l.line] = l.text;
      text = lines.join('\n');
      this.ruleTexts.set(rules, text);
    }
    return text;
  }

  /** Coercion tree of an inline block, with the .pacs file's line and column numbers. */
  ruleTree(rules: InlineRulesNode): RuleFileNode {
    let tree = this.ruleTrees.get(rules);
    if (!tree) {
      tree = parseRuleFile(this.ruleText(rules));
      this.ruleTrees.set(rules, tree);
    }
    return tree;
  }
}

/** Last line that belongs to the rules themselves. */
export function lastRuleLine(rules: InlineRulesNode): number {
  if (rules.closeRange) return rules.closeRange.start.line - 1;
  return rules.lines.length ? rules.lines[rules.lines.length - 1].line : rules.openRange.start.line;
}

export class DeviceDocuments {
  private readonly entries = new Map<string, DeviceAnalysis>();

  get(doc: TextDocument): DeviceAnalysis {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const analysis = new DeviceAnalysis(doc.uri, doc.version, doc.getText());
    this.entries.set(doc.uri, analysis);
    return analysis;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
