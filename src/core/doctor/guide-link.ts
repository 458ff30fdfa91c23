/**
 * Links into the troubleshooting guide of the release that runs: a check's section
 * (`#### \`login.audience\``) or an error code's (`### \`VAULT_SEALED\``).
 */
import pkg from '../../../package.json' with { type: 'json' };

const GUIDE_PATH = 'docs/troubleshooting.md';

/** GitHub's anchor for a heading: its text without Markdown, lowercase, punctuation dropped. */
export function headingAnchor(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The repository's web address, from package.json's `repository.url`. */
function repositoryWebUrl(): string {
  return pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** The guide's section about a check id or an error code, in the docs of this version. */
export function guideUrl(idOrCode: string): string {
  return `${repositoryWebUrl()}/blob/v${pkg.version}/${GUIDE_PATH}#${headingAnchor(idOrCode)}`;
}
