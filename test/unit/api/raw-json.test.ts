import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawJson, stringifyWithRawJson } from '../../../src/api/raw-json.ts';

describe('RawJson', () => {
  it('writes each text where its value is, the rest as JSON.stringify would', () => {
    const value = {
      data: { a: new RawJson('{"components":[1,2,{"x":"$&"}]}'), b: 'text', c: [new RawJson('[]'), null] },
      errors: undefined,
    };
    const text = stringifyWithRawJson(value);
    assert.equal(text, '{"data":{"a":{"components":[1,2,{"x":"$&"}]},"b":"text","c":[[],null]}}');
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
  });

  it('outside stringifyWithRawJson a RawJson serialises as its value', () => {
    assert.equal(JSON.stringify({ a: new RawJson('{"b": [1, 2]}') }), '{"a":{"b":[1,2]}}');
  });

  it('a string that looks like a marker (a client cannot know the random part) is written as a string', () => {
    const forged = { a: 'mpg-raw-json:00000000-0000-4000-8000-000000000000:0', b: new RawJson('true') };
    assert.equal(stringifyWithRawJson(forged), '{"a":"mpg-raw-json:00000000-0000-4000-8000-000000000000:0","b":true}');
  });
});
