import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel, redact } from '../../functions/log';
import { parseMaxBodyBytes } from '../../functions/middleware/body';
import { parsePerMinute } from '../../functions/middleware/rate-limit';
import { chooseRequestId } from '../../functions/middleware/request-context';
import { allowedMethods, canonicalPath } from '../../functions/middleware/routing';
import { describeIssues } from '../../functions/middleware/validate';
import { escapeHtml } from '../../functions/routes/reference-page';
import { type HousekeepingTask, runScheduled } from '../../functions/scheduled';

function capture() {
  const lines: string[] = [];
  return { lines, sink: (line: string) => lines.push(line) };
}

describe('createLogger()', () => {
  it('writes one JSON object per line at or above its level', () => {
    const { lines, sink } = capture();
    const log = createLogger('info', { requestId: 'r1' }, sink);
    log.debug('hidden');
    log.info('shown', { status: 200 });
    log.error('also shown');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '');
    expect(first).toMatchObject({ level: 'info', message: 'shown', requestId: 'r1', status: 200 });
    expect(JSON.parse(lines[1] ?? '').level).toBe('error');
  });

  it('redacts secret-looking fields at any depth, in children too', () => {
    const { lines, sink } = capture();
    const log = createLogger('debug', {}, sink).child({ authorization: 'Bearer User abc' });
    log.warn('x', {
      route: '/v1/x/',
      nested: { wrapped_key_share: 'deadbeef', items: [{ bearerToken: 'abc', name: 'ok' }] },
      serverSecret: 'c'.repeat(64),
      KMS_ROOT_KEYS: '1:aa',
    });
    const line = lines[0] ?? '';
    for (const secret of ['Bearer User abc', 'deadbeef', '"abc"', 'cccc', '1:aa']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({
      route: '/v1/x/',
      nested: { items: [{ name: 'ok' }] },
    });
  });

  it('reduces an Error to its name and message', () => {
    expect(redact({ error: new TypeError('boom') })).toEqual({
      error: { name: 'TypeError', message: 'boom' },
    });
  });

  it('defaults to warn for unset or unknown levels', () => {
    expect(parseLogLevel(undefined)).toBe('warn');
    expect(parseLogLevel('verbose')).toBe('warn');
    expect(parseLogLevel(' DEBUG ')).toBe('debug');
  });
});

describe('canonicalPath()', () => {
  it.each([
    ['/v1/service-accounts/', '/v1/service-accounts/'],
    ['/public/v1/service-accounts/', '/v1/service-accounts/'],
    ['/service/secrets/tokens/', '/secrets/tokens/'],
    ['/service/public/v1/service-accounts/', '/v1/service-accounts/'],
    ['/service', '/'],
    ['/services/x', '/services/x'],
    ['/publication/', '/publication/'],
    ['/public/service/x', '/service/x'],
  ])('maps %s to %s', (path, expected) => {
    expect(canonicalPath(new Request(`https://h${path}?q=1`))).toBe(expected);
  });
});

describe('allowedMethods()', () => {
  const routes = [
    { method: 'ALL', path: '*' },
    { method: 'GET', path: '/v1/roles/' },
    { method: 'POST', path: '/v1/roles/' },
    { method: 'DELETE', path: '/v1/roles/:id/' },
  ];

  it('lists the methods registered for a path, ignoring middleware', () => {
    expect(allowedMethods(routes, '/v1/roles/')).toEqual(['GET', 'POST']);
    expect(allowedMethods(routes, '/v1/roles/abc/')).toEqual(['DELETE']);
  });

  it('is empty for a path nothing serves, so the caller answers 404', () => {
    expect(allowedMethods(routes, '/v1/roles/abc/x/')).toEqual([]);
    expect(allowedMethods(routes, '/v1/roles')).toEqual([]);
  });
});

describe('small parsers', () => {
  it('accepts plausible request ids and replaces the rest', () => {
    expect(chooseRequestId('abcd-1234')).toBe('abcd-1234');
    for (const bad of [undefined, 'short', 'has space 123', 'x'.repeat(129), 'a\nb-12345678']) {
      expect(chooseRequestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('falls back to defaults for bad numeric settings', () => {
    expect(parseMaxBodyBytes('2048')).toBe(2048);
    expect(parseMaxBodyBytes('-1')).toBe(1_048_576);
    expect(parseMaxBodyBytes('lots')).toBe(1_048_576);
    expect(parsePerMinute('0')).toBe(0);
    expect(parsePerMinute('1.5')).toBe(600);
    expect(parsePerMinute(undefined)).toBe(600);
  });

  it('names each failing field and caps the list', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({
      code: 'invalid_type' as const,
      expected: 'string' as const,
      path: ['items', i],
      message: 'Bad',
      input: null,
    }));
    const text = describeIssues(issues);
    expect(text).toMatch(/^Invalid request: items\.0: Bad; items\.1: Bad/);
    expect(text).toContain('(and 2 more)');
  });

  it("shows a custom issue's sentence alone, as Phase reports one error at a time", () => {
    const typeIssue = {
      code: 'invalid_type' as const,
      expected: 'string' as const,
      path: ['a'],
      message: 'Bad',
      input: 1,
    };
    const custom = {
      code: 'custom' as const,
      path: ['name'],
      message: 'Missing required field: name',
      input: null,
    };
    expect(describeIssues([typeIssue, custom])).toBe('Missing required field: name');
  });

  it('escapes HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;'
    );
  });
});

describe('runScheduled()', () => {
  it('runs every task, counts failures, and keeps going past one', async () => {
    const ran: string[] = [];
    const tasks: HousekeepingTask[] = [
      { name: 'fails', run: async () => Promise.reject(new Error('boom')) },
      {
        name: 'works',
        run: async () => {
          ran.push('works');
          return 3;
        },
      },
    ];
    const env = { LOG_LEVEL: 'error' } as Env;
    const failures = await runScheduled({ cron: '* * * * *', scheduledTime: 0 }, env, tasks);
    expect(failures).toBe(1);
    expect(ran).toEqual(['works']);
  });
});
