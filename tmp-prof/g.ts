import { globSync } from 'node:fs';
for (const p of ['{1..1000}', '{1..100000}', '{a,b}'.repeat(12), '{a,b}'.repeat(20), '*'.repeat(5000) + 'x', '**/'.repeat(200) + 'x', '[' .repeat(1000), '+(a|b)'.repeat(50) + 'c', '@(' .repeat(500)]) {
  const t = performance.now();
  let n: number | string = 0;
  try { n = globSync(p, { cwd: '/tmp' }).length; } catch (e) { n = String(e).slice(0, 80); }
  console.log(p.slice(0, 20), n, (performance.now() - t).toFixed(0));
}
