// The proxy blanks its own tokens out of answers, also when a token is split across chunks.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { scrubText, TokenScrubber } from '../../../src/core/proxy/scrub.ts';

const TOKEN = 's.AbCdEfGhIjKlMnOpQrStUvWx';
const OTHER = 'hvs.0123456789abcdefghijklmnopqrstuv';

async function throughScrubber(chunks: readonly string[], secrets: readonly string[]): Promise<string> {
  return text(Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1'))).pipe(new TokenScrubber(secrets)));
}

test('every token becomes asterisks of its own length; the rest is untouched', () => {
  const body = JSON.stringify({ data: { id: TOKEN, accessor: 'acc', other: OTHER, again: TOKEN } });
  const clean = scrubText(body, [TOKEN, OTHER]);
  assert.equal(clean.length, body.length);
  assert.ok(!clean.includes(TOKEN) && !clean.includes(OTHER));
  assert.deepEqual(JSON.parse(clean).data, {
    id: '*'.repeat(TOKEN.length),
    accessor: 'acc',
    other: '*'.repeat(OTHER.length),
    again: '*'.repeat(TOKEN.length),
  });
});

test('a token split across chunks, at every split point, is still blanked out', async () => {
  const body = `{"data":{"id":"${TOKEN}"}}`;
  for (let cut = 1; cut < body.length; cut++) {
    const out = await throughScrubber([body.slice(0, cut), body.slice(cut)], [TOKEN]);
    assert.equal(out, body.replace(TOKEN, '*'.repeat(TOKEN.length)), `split at ${cut}`);
  }
});

test('one byte a chunk, several tokens, and bodies without any pass through unchanged', async () => {
  const body = `${TOKEN} and ${OTHER}.`;
  const out = await throughScrubber([...body], [TOKEN, OTHER]);
  assert.equal(out, `${'*'.repeat(TOKEN.length)} and ${'*'.repeat(OTHER.length)}.`);
  assert.equal(await throughScrubber(['{"data":', '{"ok":true}}'], [TOKEN]), '{"data":{"ok":true}}');
  assert.equal(await throughScrubber(['plain'], []), 'plain');
});

test('binary bytes outside ASCII survive unchanged', async () => {
  const bytes = Buffer.from([0xff, 0x00, 0xc3, 0xa9, 0x80]);
  const out = Readable.from([bytes]).pipe(new TokenScrubber([TOKEN]));
  const chunks: Buffer[] = [];
  for await (const chunk of out) chunks.push(chunk as Buffer);
  assert.deepEqual(Buffer.concat(chunks), bytes);
});
