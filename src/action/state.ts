import * as core from '@actions/core';

/** What the main step hands to the post step. Tokens are masked before they are saved. */
export interface MintedToken {
  readonly token: string;
  readonly accessor: string;
}

const TOKENS_STATE = 'minted-tokens';

export function rememberMintedToken(token: MintedToken): void {
  const tokens = [...readMintedTokens(), token];
  core.saveState(TOKENS_STATE, JSON.stringify(tokens));
}

export function readMintedTokens(): MintedToken[] {
  const raw = core.getState(TOKENS_STATE);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as MintedToken[]) : [];
  } catch {
    return [];
  }
}
