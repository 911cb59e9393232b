import { describe, expect, it } from 'vitest';
import { renderCard as renderDiscord } from '../../adapters/discord/render.js';
import { renderCard as renderSlack } from '../../adapters/slack/render.js';
import { Card } from '../../src/chat/card.js';
import { checkBlocks } from '../support/block-kit.js';

const card = (links: Array<{ text: string; url: string }>) =>
  Card.parse({ title: 'Agent x p95 latency 42 s', severity: 'critical', text: 'Triggered in Grafana.', links });

describe("an external alert's links on the card", () => {
  it('the card model takes http(s) links only', () => {
    expect(Card.safeParse({ title: 't', severity: 'info', links: [{ text: 'x', url: 'javascript:alert(1)' }] }).success).toBe(false);
    expect(Card.safeParse({ title: 't', severity: 'info', links: [{ text: 'x', url: 'https://grafana.example/d/abc' }] }).success).toBe(true);
  });

  it('Slack: one context line of links, valid Block Kit; hostile text cannot close the link or ping anyone', () => {
    const message = renderSlack(card([
      { text: 'Dashboard', url: 'https://grafana.example/d/abc?orgId=1&viewPanel=2' },
      { text: 'Silence|<!channel>', url: 'https://grafana.example/alerting/silence/new' },
    ]));
    expect(checkBlocks(message.blocks)).toEqual([]);
    const line = JSON.stringify(message.blocks);
    expect(line).toContain('<https://grafana.example/d/abc?orgId=1&viewPanel=2|Dashboard>');
    expect(line).toContain('<https://grafana.example/alerting/silence/new|Silence &lt;!channel&gt;>');
    expect(line).not.toContain('<!channel>');
  });

  it('Discord: a "Links" field of masked links; brackets in the text cannot start another link', () => {
    const message = renderDiscord(card([
      { text: 'Panel', url: 'https://grafana.example/d/abc?viewPanel=2' },
      { text: 'evil](https://phish.example) [x', url: 'https://grafana.example/s' },
    ]));
    const fields = (message.embeds ?? []).flatMap((e) => e.fields ?? []);
    const links = fields.find((f) => f.name === 'Links');
    expect(links?.value).toContain('[Panel](https://grafana.example/d/abc?viewPanel=2)');
    expect(links?.value).not.toContain('](https://phish.example)');
  });

  it('a card without links renders as before (no links block or field)', () => {
    expect(JSON.stringify(renderSlack(card([])).blocks)).not.toContain('<http');
    expect(JSON.stringify(renderDiscord(card([])))).not.toContain('"Links"');
  });
});
