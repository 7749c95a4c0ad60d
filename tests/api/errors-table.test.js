// errors-table.test.js — the console has a Chinese message for every error code the server
// can send: the words are read from the server's one table (src/core/error.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_MESSAGES, errorMessage } from '../../web/src/errors.js';

const root = resolve(import.meta.dirname, '../..');

test('every server error code has a Chinese message in the console', () => {
  const src = readFileSync(resolve(root, 'src/core/error.c'), 'utf8');
  const words = [...src.matchAll(/\[GZ_[A-Z0-9_]+\] = \{\d+, "([a-z_]+)"/g)].map((m) => m[1]).filter((w) => w !== 'ok');
  assert.ok(words.length >= 20, 'the table was read');
  for (const w of words) {
    assert.ok(ERROR_MESSAGES[w], `no Chinese message for "${w}"`);
    assert.match(ERROR_MESSAGES[w], /[\u4e00-\u9fff]/, `message for "${w}" is not Chinese`);
  }
  assert.equal(errorMessage('missing_field', 'field "password" is required', 'password', 400), '缺少必填项：password');
  assert.equal(errorMessage('some_new_code', 'server text', null, 400), 'server text');
});
