import fc from 'fast-check';
import { hostileJson, jsonText, mutated, objectOf, hostileText, plantedSecret } from '../__tests__/unit/fuzz/arbitraries.ts';
import { parseDockerConfig } from '../src/core/oci/docker-config.ts';
const secretish = fc.oneof(plantedSecret, fc.string({ maxLength: 12 }));
const entry = mutated({ username: secretish, password: secretish });
const cfg = mutated({ auths: objectOf(fc.string(), entry), credsStore: hostileJson });
for (const [name, arb] of [['hostileJson', hostileJson], ['entry', entry], ['cfg', cfg], ['text', jsonText(cfg)], ['ht', hostileText(['a'])]] as const) {
  let t = performance.now();
  const xs = fc.sample(arb as fc.Arbitrary<unknown>, { numRuns: 500, seed: 1 });
  const gen = performance.now() - t;
  t = performance.now();
  if (name === 'text') for (const x of xs) { try { parseDockerConfig(x as string, 'p'); } catch {} }
  console.log(name, gen.toFixed(0), (performance.now() - t).toFixed(0));
}
