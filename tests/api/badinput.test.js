// badinput.test.js — bad requests get the documented status and JSON error body, and the
// server keeps serving: malformed JSON, invalid UTF-8, oversized bodies, wrong types, missing
// and unknown fields, unknown routes and methods, path traversal on static files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

let srv;
before(async () => { srv = await startServer({ places: 'fixture' }); });
after(async () => { await srv.stop(); });

function isError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.body.error.code, code);
  assert.equal(typeof r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 0);
}

const LOGIN = '/api/v1/auth/login';

test('malformed JSON is 400 invalid_json', async () => {
  for (const raw of ['{"username":', 'not json', '{"username":"a","password":"b"} trailing', '', '{"a":1,"a":2}']) {
    const r = await api(srv.base, 'POST', LOGIN, { raw, headers: { 'Content-Type': 'application/json' } });
    isError(r, 400, 'invalid_json');
  }
});

test('invalid UTF-8 is 400 invalid_utf8, in the body and in a query', async () => {
  const raw = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]);
  isError(await api(srv.base, 'POST', LOGIN, { raw, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_utf8');
  const token = await login(srv.base, 'admin', ADMIN_PASSWORD);
  isError(await api(srv.base, 'GET', '/api/v1/places?q=%FF%FE', { token }), 400, 'invalid_utf8');
});

test('wrong JSON types, missing and unknown fields are 400 naming the field', async () => {
  let r = await api(srv.base, 'POST', LOGIN, { body: { username: 42, password: 'x' } });
  isError(r, 400, 'invalid_type');
  assert.equal(r.body.error.field, 'username');
  r = await api(srv.base, 'POST', LOGIN, { body: { username: 'admin' } });
  isError(r, 400, 'missing_field');
  assert.equal(r.body.error.field, 'password');
  r = await api(srv.base, 'POST', LOGIN, { body: { username: 'admin', password: 'x', role: 'admin' } });
  isError(r, 400, 'unknown_field');
  assert.equal(r.body.error.field, 'role');
  r = await api(srv.base, 'POST', LOGIN, { body: ['admin', 'x'] });
  isError(r, 400, 'invalid_type');
  r = await api(srv.base, 'POST', LOGIN, { body: { username: 'a'.repeat(5000), password: 'x' } });
  isError(r, 413, 'payload_too_large'); // the login route takes at most 4 KiB
  r = await api(srv.base, 'POST', LOGIN, { body: { username: "admin' OR '1'='1", password: "' OR 1=1 --" } });
  isError(r, 401, 'bad_credentials');
});

// Raw request so that the 413 reply is read even though the server stops reading the body.
function postBig(base, path, size) {
  return new Promise((resolve, reject) => {
    const u = new URL(base + path);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': size } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, body: JSON.parse(text), headers: new Headers(res.headers) }));
    });
    req.on('error', reject);
    req.write(Buffer.alloc(size, 0x20), () => req.end());
  });
}

test('a 2 MiB body is 413 payload_too_large and the server keeps serving', async () => {
  const token = await login(srv.base, 'admin', ADMIN_PASSWORD);
  const r = await postBig(srv.base, '/api/v1/auth/logout', 2 * 1024 * 1024);
  isError(r, 413, 'payload_too_large');
  const h = await api(srv.base, 'GET', '/api/v1/auth/me', { token });
  assert.equal(h.status, 200);
});

test('a declared 100 MB body is refused before it is sent', async () => {
  const u = new URL(srv.base);
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      sock.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n');
    });
    let text = '';
    sock.on('data', (d) => { text += d; });
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(text); }, 5000);
  });
  assert.match(reply, /^HTTP\/1\.1 413 /);
  assert.match(reply, /"code":"payload_too_large"/);
  assert.equal((await api(srv.base, 'GET', '/api/v1/health')).status, 200);
});

test('a chunked body that grows past the limit is refused at its end, connection kept usable', async () => {
  const r = await new Promise((resolve, reject) => {
    const u = new URL(srv.base + '/api/v1/auth/login');
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 32; i++) req.write(chunk); // 2 MiB, in 64 KiB chunks
    req.end();
  });
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'payload_too_large');
  assert.equal((await api(srv.base, 'GET', '/api/v1/health')).status, 200);
});

test('unknown routes are 404 and wrong methods 405, in JSON', async () => {
  const token = await login(srv.base, 'admin', ADMIN_PASSWORD);
  isError(await api(srv.base, 'GET', '/api/v1/nothing-here', { token }), 404, 'not_found');
  isError(await api(srv.base, 'GET', '/api/v2/places', { token }), 404, 'not_found');
  isError(await api(srv.base, 'DELETE', '/api/v1/places/42', { token }), 405, 'method_not_allowed');
  isError(await api(srv.base, 'GET', '/api/v1/auth/login'), 405, 'method_not_allowed');
  // A GET route takes no body.
  isError(await api(srv.base, 'GET', '/api/v1/auth/me', { token, raw: undefined, headers: {} }).then(() =>
    api(srv.base, 'POST', '/api/v1/auth/me', { token })), 405, 'method_not_allowed');
});

test('a role outside the route is 403', async () => {
  srv.cli(['user', 'add', 'res1', '--role', 'resident', '--scope', '422802107213', '--password-stdin'], 'resident-pass-1\n');
  const token = await login(srv.base, 'res1', 'resident-pass-1');
  isError(await api(srv.base, 'GET', '/api/v1/audit', { token }), 403, 'forbidden');
});

function rawGet(base, path) {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('static files: no path traversal, correct types, the console for client routes', async () => {
  for (const p of ['/../../etc/passwd', '/assets/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.env', '/assets/%2e%2e%2fMakefile']) {
    const r = await rawGet(srv.base, p);
    assert.equal(r.status, 404, p);
    assert.ok(!r.text.includes('root:'), p);
  }
  const index = await rawGet(srv.base, '/');
  if (index.status === 200) {
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    const route = await rawGet(srv.base, '/places/4228');
    assert.equal(route.status, 200);
    assert.equal(route.headers['content-type'], 'text/html; charset=utf-8');
    // The residents' phone pages are their own page (m.html, Vant only), for /m and /m/… alone.
    const phone = await rawGet(srv.base, '/m/report/422802107213');
    assert.equal(phone.status, 200);
    assert.equal(phone.headers['content-type'], 'text/html; charset=utf-8');
    assert.notEqual(phone.text, index.text, '/m/… is served the console');
    assert.match(phone.text, /<script[^>]+src="\/assets\/[^"]+\.js"/);
    for (const p of ['/m', '/m/track', '/m/board/422802107213', '/m.html']) assert.equal((await rawGet(srv.base, p)).text, phone.text, p);
    for (const p of ['/mobile', '/cases/m/1', '/login']) assert.equal((await rawGet(srv.base, p)).text, index.text, p);
    const js = index.text.match(/src="(\/assets\/[^"]+\.js)"/);
    assert.ok(js, 'index.html references its script');
    const script = await rawGet(srv.base, js[1]);
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(script.headers['cache-control'], /immutable/);
  } else {
    assert.fail('the console bundle web/dist must be built before the API tests (make builds it)');
  }
  const missing = await rawGet(srv.base, '/assets/nope.js');
  assert.equal(missing.status, 404);
  assert.ok(srv.alive());
});

// Regression (found by tests/fuzz/fuzz_request): a path parameter that is not valid UTF-8 was
// quoted into the 404's message, which then could not be rendered as JSON: a 500.
test('a path parameter of invalid UTF-8 is 404 in JSON, not 500', async () => {
  const token = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const p of ['/api/v1/households/%90', '/api/v1/cases/%ff%fe/files', '/api/v1/places/%e9%ab', '/api/v1/grids/4228%c0%af']) {
    const r = await api(srv.base, p.includes('files') ? 'POST' : 'GET', p, { token, raw: p.includes('files') ? Buffer.alloc(0) : undefined });
    assert.ok([404, 422].includes(r.status), `${p}: ${r.status} ${r.text}`);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(typeof r.body.error.message, 'string', p);
  }
});
