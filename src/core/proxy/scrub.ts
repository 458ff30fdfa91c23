/**
 * Keeps the proxy's own tokens out of what clients read: Vault echoes a token in some answers
 * (`auth/token/lookup-self` gives it as `data.id`), and a client that reads it could carry it
 * off the runner. Each occurrence becomes asterisks of the same length, so Content-Length and
 * the JSON around it stay valid. Streams: a token split across chunks is still found.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Replaces every secret in `text` (Latin-1: one character a byte) with as many asterisks. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret && clean.includes(secret)) clean = clean.split(secret).join('*'.repeat(secret.length));
  }
  return clean;
}

export class TokenScrubber extends Transform {
  private readonly secrets: readonly string[];
  /** Bytes held back from each chunk, in case a token starts in them and ends in the next. */
  private readonly overlap: number;
  private pending = '';

  constructor(secrets: readonly string[]) {
    super();
    this.secrets = secrets;
    this.overlap = Math.max(0, ...secrets.map((secret) => secret.length - 1));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const clean = scrubText(this.pending + chunk.toString('latin1'), this.secrets);
    const cut = Math.max(0, clean.length - this.overlap);
    this.pending = clean.slice(cut);
    done(null, Buffer.from(clean.slice(0, cut), 'latin1'));
  }

  override _flush(done: TransformCallback): void {
    done(null, Buffer.from(scrubText(this.pending, this.secrets), 'latin1'));
  }
}
