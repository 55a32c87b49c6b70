/** Presentation context decisions from a simple policy: which abstract syntaxes, which transfer syntaxes in what order. */
import type { ContextDecision, PresentationContextProposal } from './types';

export interface ContextPolicy {
  /** True when this SOP class (abstract syntax) is offered at all. */
  accepts(abstractSyntax: string): boolean;
  /** Supported transfer syntaxes; with order 'ours', most preferred first. */
  transferSyntaxes: readonly string[];
  /**
   * 'peers' (default): the first transfer syntax the peer proposed that we support, i.e. the
   * peer's preference, usually the one its file is in (it need not convert anything).
   * 'ours': the first of `transferSyntaxes` that the peer proposed.
   */
  order?: 'peers' | 'ours';
}

/** For each proposed context: the transfer syntax to accept, or why not. */
export function acceptContexts(proposals: readonly PresentationContextProposal[], policy: ContextPolicy): ContextDecision[] {
  return proposals.map((p): ContextDecision => {
    if (!policy.accepts(p.abstractSyntax)) return { id: p.id, result: 'abstract-syntax-not-supported' };
    const ts = policy.order === 'ours'
      ? policy.transferSyntaxes.find((t) => p.transferSyntaxes.includes(t))
      : p.transferSyntaxes.find((t) => policy.transferSyntaxes.includes(t));
    return ts ? { id: p.id, result: 'accept', transferSyntax: ts } : { id: p.id, result: 'transfer-syntaxes-not-supported' };
  });
}
