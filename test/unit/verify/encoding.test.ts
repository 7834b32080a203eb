// Strict base64 (encoding.ts): the bytes verified are exactly the bytes the document spelled out. Pinned here
// because the check was rewritten for speed (docs/BENCHMARKS.md, verify) and must keep its exact meaning.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeBase64, isBase64 } from '../../../src/verify/document/encoding.ts';

describe('decodeBase64', () => {
  test('standard and URL-safe alphabets, padded or not', () => {
    assert.deepEqual(decodeBase64('+/8='), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(decodeBase64('-_8'), Buffer.from([0xfb, 0xff]));
    assert.deepEqual(decodeBase64('QQ=='), Buffer.from('A'));
    assert.deepEqual(decodeBase64('QQ'), Buffer.from('A'));
    assert.deepEqual(decodeBase64(''), Buffer.alloc(0));
  });

  for (const [text, why] of [
    ['+/-_', 'mixes the two alphabets'],
    ['QUJD\nREVG', 'contains a newline'],
    ['QU JD', 'contains a space'],
    ['QUJD!', 'contains a foreign character'],
    ['QUJDR', 'leaves a lone final character'],
    ['QQ=', 'is padded to a length that is not a multiple of 4'],
    ['Q===', 'has three padding characters'],
    ['Q=Q=', 'has padding inside'],
    ['\u0141QUJ', 'has a non-ASCII character whose low byte is "A"'],
  ] as const) {
    test(`rejects text that ${why}`, () => {
      assert.equal(decodeBase64(text), undefined);
      assert.equal(isBase64(text), false);
    });
  }

  test('round-trips any bytes in either alphabet, and isBase64 agrees with decodeBase64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const buf = Buffer.from(bytes);
        for (const text of [buf.toString('base64'), buf.toString('base64url')]) {
          assert.deepEqual(decodeBase64(text), buf);
          assert.equal(isBase64(text), true);
        }
      }),
    );
    fc.assert(fc.property(fc.string(), (text) => isBase64(text) === (decodeBase64(text) !== undefined)));
    // Mostly-base64 text with a few hostile characters: whitespace, stray padding, the other alphabet, and UTF-16
    // units whose low byte is a base64 character (Buffer.from would read U+0141 as "A").
    const unit = fc.constantFrom(...'ABCQUJDREVGaz09+/-_=', ' ', '\n', '\u0141', '\u0155', '\u00c1', '\u{1F600}', '*');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 24 }), (units) => {
        const text = units.join('');
        const decoded = decodeBase64(text);
        assert.equal(isBase64(text), decoded !== undefined, JSON.stringify(text));
        // accepted text is pure base64 in one alphabet: node's own decoding is then the definition
        if (decoded !== undefined) assert.deepEqual(decoded, Buffer.from(text, 'base64'));
      }),
      { numRuns: 5000 },
    );
  });
});
