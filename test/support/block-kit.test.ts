import { describe, expect, it } from 'vitest';
import { checkBlocks, checkSlackPayload } from './block-kit.js';
import { LIMITS } from './block-kit-limits.js';

const x = (n: number): string => 'x'.repeat(n);
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const button = (over: Record<string, unknown> = {}) => ({ type: 'button', action_id: 'a', text: plain('Go'), ...over });

describe('checkBlocks: Slack\'s published limits', () => {
  it('accepts a card as Triage renders it', () => {
    const blocks = [
      { type: 'header', text: { ...plain('Runtime failures'), emoji: true } },
      { type: 'context', elements: [mrkdwn('🔴 CRITICAL')] },
      { type: 'section', text: mrkdwn('3 failures'), fields: [mrkdwn('*Runtime*\nmike')] },
      { type: 'divider' },
      { type: 'markdown', text: '## Root causes\n1. **Primary**' },
      { type: 'actions', elements: [button({ style: 'danger', value: 'v', confirm: { title: plain('Sure?'), text: plain('It stops.'), confirm: plain('Yes'), deny: plain('No') } })] },
    ];
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it('names the path, the length and the limit of each text over its limit', () => {
    const blocks = [
      { type: 'header', text: plain(x(151)) },
      { type: 'section', text: mrkdwn(x(3214)) },
      { type: 'section', fields: [...Array.from({ length: 10 }, () => mrkdwn('f')), mrkdwn(x(2001))] },
      { type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) },
      { type: 'markdown', text: x(12_001) },
      { type: 'image', image_url: `https://i.test/${x(3000)}`, alt_text: x(2001) },
    ];
    expect(checkBlocks(blocks)).toEqual([
      'blocks[0].text.text: 151 characters, limit 150 (header text)',
      'blocks[1].text.text: 3214 characters, limit 3000 (section text)',
      'blocks[2].fields: 11 items, limit 10 (fields in a section)',
      'blocks[2].fields[10].text: 2001 characters, limit 2000 (section field text)',
      'blocks[3].elements: 11 items, limit 10 (elements in a context block)',
      'blocks[4].text: 12001 characters, limit 12000 (markdown block text)',
      'blocks[5].alt_text: 2001 characters, limit 2000 (image alt_text)',
      'blocks[5].image_url: 3015 characters, limit 3000 (image_url)',
      'blocks: markdown blocks hold 12001 characters together, limit 12000 (text of all markdown blocks in one payload)',
    ]);
  });

  it('checks buttons: text, action_id, value, url, style, confirm texts, 25 per block, unique ids', () => {
    const confirm = { title: plain(x(101)), text: plain(x(301)), confirm: plain(x(31)), deny: plain(x(31)) };
    const elements = [
      button({ text: plain(x(76)), action_id: x(256), value: x(2001), url: `https://u.test/${x(3000)}`, style: 'default', confirm }),
      ...Array.from({ length: 25 }, (_, i) => button({ action_id: `b${i}` })),
      button({ action_id: 'b0' }),
    ];
    expect(checkBlocks([{ type: 'actions', elements }])).toEqual([
      'blocks[0].elements: 27 items, limit 25 (elements in an actions block)',
      'blocks[0].elements[0].text.text: 76 characters, limit 75 (button text)',
      'blocks[0].elements[0].action_id: 256 characters, limit 255 (action_id)',
      'blocks[0].elements[0].value: 2001 characters, limit 2000 (button value)',
      'blocks[0].elements[0].url: 3015 characters, limit 3000 (button url)',
      'blocks[0].elements[0].style: "default", expected primary or danger',
      'blocks[0].elements[0].confirm.title.text: 101 characters, limit 100 (confirm dialog title)',
      'blocks[0].elements[0].confirm.text.text: 301 characters, limit 300 (confirm dialog text)',
      'blocks[0].elements[0].confirm.confirm.text: 31 characters, limit 30 (confirm dialog button text)',
      'blocks[0].elements[0].confirm.deny.text: 31 characters, limit 30 (confirm dialog button text)',
      'blocks[0].elements[26].action_id: duplicate "b0" in one block',
    ]);
  });

  it('refuses what Slack refuses besides lengths: unknown types, empty text, mrkdwn headers, block_id', () => {
    const blocks = [
      { type: 'callout', text: 'x' },
      { type: 'section', text: mrkdwn('') },
      { type: 'header', text: mrkdwn('Title') },
      { type: 'section' },
      { type: 'divider', block_id: x(256) },
      { type: 'actions', elements: [{ type: 'slider', action_id: 's' }] },
      { type: 'divider', block_id: 'same' },
      { type: 'divider', block_id: 'same' },
    ];
    expect(checkBlocks(blocks)).toEqual([
      'blocks[0].type: unknown block type "callout"',
      'blocks[1].text.text: empty, at least 1 character (section text)',
      'blocks[2].text.type: "mrkdwn", expected plain_text',
      'blocks[3]: a section needs text or fields',
      'blocks[4].block_id: 256 characters, limit 255 (block_id)',
      'blocks[5].elements[0].type: unknown element type "slider"',
      'blocks[7].block_id: duplicate "same" in one message',
    ]);
  });

  it('holds the markdown blocks of one payload to 12,000 characters together', () => {
    const two = [{ type: 'markdown', text: x(6000) }, { type: 'markdown', text: x(6000) }];
    expect(checkBlocks(two)).toEqual([]);
    expect(checkBlocks([...two, { type: 'markdown', text: 'x' }])).toEqual([
      'blocks: markdown blocks hold 12001 characters together, limit 12000 (text of all markdown blocks in one payload)',
    ]);
  });

  it('allows 50 blocks in a message and 100 in a view', () => {
    const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(checkBlocks(blocks(50))).toEqual([]);
    expect(checkBlocks(blocks(51))).toEqual(['blocks: 51 items, limit 50 (blocks in a message)']);
    expect(checkBlocks(blocks(100), 'view')).toEqual([]);
    expect(checkBlocks(blocks(101), 'view')).toEqual(['blocks: 101 items, limit 100 (blocks in a Home tab or modal)']);
  });
});

describe('checkSlackPayload', () => {
  it('checks message bodies of the Web API and response_url, and views', () => {
    const blocks = [{ type: 'section', text: mrkdwn(x(3001)) }];
    for (const method of ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url']) {
      expect(checkSlackPayload(method, { channel: 'C1', text: 'hi', blocks }), method).toEqual(['blocks[0].text.text: 3001 characters, limit 3000 (section text)']);
    }
    const view = { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) };
    expect(checkSlackPayload('views.publish', { user_id: 'U1', view })).toEqual(['view.blocks: 101 items, limit 100 (blocks in a Home tab or modal)']);
    expect(checkSlackPayload('users.info', { user: 'U1' })).toEqual([]);
  });

  it('holds the top-level text to 40,000 characters and wants text or blocks', () => {
    expect(checkSlackPayload('chat.postMessage', { channel: 'C1', text: x(40_001) })).toEqual(['text: 40001 characters, limit 40000 (top-level text of a message)']);
    expect(checkSlackPayload('chat.postMessage', { channel: 'C1', text: ' ' })).toEqual(['text: missing, and no blocks']);
    expect(checkSlackPayload('response_url', { delete_original: true })).toEqual([]);
  });

  it('gives every limit a source on Slack\'s documentation', () => {
    for (const [name, limit] of Object.entries(LIMITS)) {
      expect(limit.source, name).toMatch(/^https:\/\/docs\.slack\.dev\/reference\/\S+ \(.+\)$/);
      expect(limit.max, name).toBeGreaterThan(0);
    }
  });
});
