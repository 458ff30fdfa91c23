function nest(depth: number, arrays: boolean): unknown { let v: unknown = 'x'; for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v }; return v; }
for (const d of [2000, 12000]) for (const a of [true, false]) {
  const v = nest(d, a); let t = performance.now(); let out = '';
  for (let i = 0; i < 20; i++) { try { out = JSON.stringify(v); } catch (e) { out = String(e); } }
  console.log(d, a, ((performance.now() - t) / 20).toFixed(2), out.slice(0, 40));
}
const texts = [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`];
for (const t0 of texts) { const t = performance.now(); for (let i = 0; i < 10; i++) JSON.parse(t0); console.log('parse', ((performance.now() - t) / 10).toFixed(2)); }
