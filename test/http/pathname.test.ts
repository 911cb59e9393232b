import { describe, expect, it } from 'vitest';
import { pathnameOf } from '../../src/http/server.js';

/** The fast path must route exactly as a URL parser would, or a request could reach the wrong handler. */
describe('request path', () => {
  const targets = [
    '/slack/events',
    '/slack/events/',
    '/events?source=platform&x=/a/../b',
    '/incidents/42/postmortem.md#top',
    '/console/api/cards?x=%2F',
    '/a/./b',
    '/a/../slack/events',
    '/.well-known/x',
    '//evil.example/slack/events',
    '/a%2Fb/c',
    '/a b',
    '/a\\b',
    '/café',
    '/a/%2e%2e/b',
    'http://triage.local/slack/events?x=1',
    '*',
    '',
  ];
  it.each(targets)('%j is routed on the path a URL parser sees', (target) => {
    expect(pathnameOf(target)).toBe(new URL(target || '/', 'http://triage.local').pathname);
  });
});
