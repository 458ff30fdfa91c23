import { globSync, mkdtempSync, writeFileSync } from 'node:fs';
const cwd = mkdtempSync('/tmp/gx-'); writeFileSync(cwd + '/a.txt', 'x');
for (const p of ['\\**/a', 'x/\\**', '\\***', '*\\**', '\\*\\*', './\\**', '\\**.txt', '\\*/**']) {
  const t = performance.now();
  let n: number | string = 0;
  try { n = globSync(p, { cwd }).length; } catch (e) { n = String(e).slice(0, 80); }
  console.log(JSON.stringify(p), n, (performance.now() - t).toFixed(0));
}
