/**
 * Findings as SARIF 2.1.0 (the OASIS format code-scanning tools read: GitHub code scanning,
 * Azure DevOps, SonarQube), for `pacsw check --format sarif`. Only the fields those tools use.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CoreDiagnostic, Severity, TooManyProblemsData } from '../../core/src/diagnostics';
import * as fs from 'node:fs';
import { installedDocLinks } from '../../core/src/diagnosticDocs';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface Finding {
  file: string;
  diagnostic: CoreDiagnostic;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A file's URI as SARIF wants it: relative to the current folder (the %SRCROOT% base) when inside it. */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(absolute).href };
}

export function toSarif(findings: readonly Finding[], tool: { name: string; version: string }, cwd = process.cwd()): object {
  const readIfFile = (file: string): string | undefined => (fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? fs.readFileSync(file, 'utf8') : undefined);
  const docLink = installedDocLinks(__dirname, readIfFile, (f) => pathToFileURL(f).href);
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  for (const { diagnostic: d } of findings) {
    if (ruleIndex.has(d.code)) continue;
    ruleIndex.set(d.code, rules.length);
    const helpUri = docLink(d.code);
    rules.push({ id: d.code, name: d.code, ...(helpUri ? { helpUri } : {}) });
  }
  const results = findings.map(({ file, diagnostic: d }) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code),
    level: LEVEL[d.severity],
    message: { text: d.message },
    // A file's findings are capped: its last result says how many were left out (a property bag, as SARIF allows).
    ...(d.code === 'too-many-problems' ? { properties: { omitted: (d.data as TooManyProblemsData).omitted } } : {}),
    locations: [{
      physicalLocation: {
        artifactLocation: artifactLocation(file, cwd),
        // 1-based; SARIF's default column unit is the UTF-16 code unit, as LSP's (and ours).
        region: {
          startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1,
          endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
        },
      },
    }],
  }));
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [{
      tool: { driver: { name: tool.name, version: tool.version, rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + path.sep).href } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
