import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds } from '../../src/experiments';

test('formatSeconds rounds to the unit it shows (never "60 s" or "60 min")', () => {
  assert.equal(formatSeconds(12.34), '12.3 s');
  assert.equal(formatSeconds(59.96), '1 min 00 s');
  assert.equal(formatSeconds(479.6), '8 min 00 s');
  assert.equal(formatSeconds(754.2), '12 min 34 s');
  assert.equal(formatSeconds(3599.7), '1 h 00 min');
  assert.equal(formatSeconds(7170), '2 h 00 min');
  assert.equal(formatSeconds(5940), '1 h 39 min');
});
