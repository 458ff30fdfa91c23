import * as core from '@actions/core';

/** What the main step hands to the post step. Tokens are masked before they are saved. */
export interface MintedToken {
  readonly token: string;
  readonly accessor: string;
}

const TOKENS_STATE = 'minted-tokens';

// getState only sees what earlier steps saved, so the list minted in this step is kept here and
// saved whole each time (the runner keeps the last value saved under a name).
const mintedThisStep: MintedToken[] = [];

export function rememberMintedToken(minted: MintedToken): void {
  mintedThisStep.push({ token: minted.token, accessor: minted.accessor });
  core.saveState(TOKENS_STATE, JSON.stringify(mintedThisStep));
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
