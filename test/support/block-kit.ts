import { ACTIONS_ELEMENT_TYPES, BUTTON_STYLES, KNOWN_BLOCK_TYPES, LIMITS, type LimitName } from './block-kit-limits.js';

/**
 * A Block Kit validator for tests: every payload Triage sends to Slack is checked against Slack's
 * published limits (test/support/block-kit-limits.ts) as Slack's own check would, and each problem
 * names where it is ("blocks[3].text.text: 3214 characters, limit 3000 (section text)"). Slack
 * answers `invalid_blocks` for any of them; test/adapters/slack/support.ts uses this as its
 * far side's default check, so a renderer bug fails the test that sent it.
 */
export type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

class Problems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
  /** A string over its limit; `min` 1 for text Slack refuses empty. */
  length(path: string, value: unknown, name: LimitName, min = 0): void {
    if (value === undefined) return;
    if (typeof value !== 'string') return this.add(`${path}: not a string`);
    const { max, what } = LIMITS[name];
    if (value.length > max) this.add(`${path}: ${value.length} characters, limit ${max} (${what})`);
    if (value.length < min) this.add(`${path}: empty, at least ${min} character (${what})`);
  }
  count(path: string, items: unknown[], name: LimitName): void {
    const { max, what } = LIMITS[name];
    if (items.length > max) this.add(`${path}: ${items.length} items, limit ${max} (${what})`);
  }
  /** A text object: `{ type: plain_text | mrkdwn, text }`, 1..limit characters. */
  text(path: string, value: unknown, name: LimitName, types: readonly string[] = ['plain_text', 'mrkdwn']): void {
    if (!isObject(value)) return this.add(`${path}: not a text object`);
    if (!types.includes(String(value.type))) this.add(`${path}.type: "${String(value.type)}", expected ${types.join(' or ')}`);
    if (typeof value.text !== 'string') return this.add(`${path}.text: missing`);
    this.length(`${path}.text`, value.text, name, 1);
  }
}

/** The problems in a list of blocks, for a message (50 blocks) or a view (100). */
export function checkBlocks(blocks: unknown, surface: 'message' | 'view' = 'message', at = 'blocks'): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) return [`${at}: not an array`];
  p.count(at, blocks, surface === 'message' ? 'messageBlocks' : 'viewBlocks');
  const blockIds = new Set<string>();
  let markdown = 0;
  blocks.forEach((block, i) => {
    const path = `${at}[${i}]`;
    if (!isObject(block)) return p.add(`${path}: not an object`);
    const id = str(block.block_id);
    if (id !== undefined) {
      if (blockIds.has(id)) p.add(`${path}.block_id: duplicate "${id}" in one message`);
      blockIds.add(id);
    }
    p.length(`${path}.block_id`, block.block_id, 'blockId', 1);
    if (block.type === 'markdown') markdown += str(block.text)?.length ?? 0;
    checkBlock(p, path, block);
  });
  const total = LIMITS.markdownTotal;
  if (markdown > total.max) p.add(`${at}: markdown blocks hold ${markdown} characters together, limit ${total.max} (${total.what})`);
  return p.list;
}

function checkBlock(p: Problems, path: string, block: Json): void {
  const type = String(block.type);
  if (!KNOWN_BLOCK_TYPES.has(type)) return p.add(`${path}.type: unknown block type "${type}"`);
  switch (type) {
    case 'header':
      return p.text(`${path}.text`, block.text, 'headerText', ['plain_text']);
    case 'section':
      return checkSection(p, path, block);
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0) p.add(`${path}.elements: empty`);
      p.count(`${path}.elements`, elements, 'contextElements');
      elements.forEach((e, j) => {
        const el = `${path}.elements[${j}]`;
        if (isObject(e) && e.type === 'image') return checkImage(p, el, e, false);
        p.text(el, e, 'textObject');
      });
      return;
    }
    case 'actions':
      return checkActions(p, path, block);
    case 'image':
      return checkImage(p, path, block, true);
    case 'markdown':
      if (typeof block.text !== 'string') return p.add(`${path}.text: missing`);
      return p.length(`${path}.text`, block.text, 'markdownText', 1);
    default:
      return;
  }
}

function checkSection(p: Problems, path: string, block: Json): void {
  const fields = Array.isArray(block.fields) ? block.fields : undefined;
  if (block.text === undefined && !fields?.length) p.add(`${path}: a section needs text or fields`);
  if (block.text !== undefined) p.text(`${path}.text`, block.text, 'sectionText');
  if (!fields) return;
  p.count(`${path}.fields`, fields, 'sectionFields');
  fields.forEach((f, j) => p.text(`${path}.fields[${j}]`, f, 'sectionFieldText'));
  if (isObject(block.accessory) && block.accessory.type === 'button') checkButton(p, `${path}.accessory`, block.accessory);
}

function checkActions(p: Problems, path: string, block: Json): void {
  const elements = Array.isArray(block.elements) ? block.elements : [];
  if (elements.length === 0) p.add(`${path}.elements: empty`);
  p.count(`${path}.elements`, elements, 'actionsElements');
  const actionIds = new Set<string>();
  elements.forEach((e, j) => {
    const el = `${path}.elements[${j}]`;
    if (!isObject(e)) return p.add(`${el}: not an object`);
    if (!ACTIONS_ELEMENT_TYPES.has(String(e.type))) return p.add(`${el}.type: unknown element type "${String(e.type)}"`);
    const id = str(e.action_id);
    if (id !== undefined) {
      // Slack: action_id "should be unique among all other action_ids in the containing block".
      if (actionIds.has(id)) p.add(`${el}.action_id: duplicate "${id}" in one block`);
      actionIds.add(id);
    }
    if (e.type === 'button') checkButton(p, el, e);
    else p.length(`${el}.action_id`, e.action_id, 'actionId', 1);
  });
}

function checkButton(p: Problems, el: string, e: Json): void {
  p.text(`${el}.text`, e.text, 'buttonText', ['plain_text']);
  p.length(`${el}.action_id`, e.action_id, 'actionId', 1);
  p.length(`${el}.value`, e.value, 'buttonValue');
  p.length(`${el}.url`, e.url, 'buttonUrl');
  p.length(`${el}.accessibility_label`, e.accessibility_label, 'accessibilityLabel');
  if (e.style !== undefined && !BUTTON_STYLES.has(String(e.style))) p.add(`${el}.style: "${String(e.style)}", expected primary or danger`);
  if (e.confirm === undefined) return;
  if (!isObject(e.confirm)) return p.add(`${el}.confirm: not an object`);
  const c = e.confirm;
  p.text(`${el}.confirm.title`, c.title, 'confirmTitle', ['plain_text']);
  p.text(`${el}.confirm.text`, c.text, 'confirmText');
  p.text(`${el}.confirm.confirm`, c.confirm, 'confirmButton', ['plain_text']);
  p.text(`${el}.confirm.deny`, c.deny, 'confirmButton', ['plain_text']);
  if (c.style !== undefined && !BUTTON_STYLES.has(String(c.style))) p.add(`${el}.confirm.style: "${String(c.style)}", expected primary or danger`);
}

function checkImage(p: Problems, path: string, e: Json, block: boolean): void {
  if (typeof e.alt_text !== 'string') p.add(`${path}.alt_text: missing`);
  p.length(`${path}.alt_text`, e.alt_text, 'imageAltText', 1);
  if (e.image_url === undefined && e.slack_file === undefined) p.add(`${path}: needs image_url or slack_file`);
  p.length(`${path}.image_url`, e.image_url, 'imageUrl', 1);
  if (block && e.title !== undefined) p.text(`${path}.title`, e.title, 'imageTitle', ['plain_text']);
}

/** Methods whose body carries a message (`text`, `blocks`); response_url bodies are messages too. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.scheduleMessage', 'response_url']);
const VIEW_METHODS = new Set(['views.publish', 'views.open', 'views.update', 'views.push']);

/**
 * The problems in one payload Triage sends: a message body (Web API or response_url) or a view.
 * Bodies of other methods (users.info, auth.test…) carry no blocks and pass.
 */
export function checkSlackPayload(method: string, body: Json): string[] {
  if (VIEW_METHODS.has(method)) {
    if (!isObject(body.view)) return ['view: missing'];
    const type = String(body.view.type);
    if (type !== 'home' && type !== 'modal') return [`view.type: "${type}", expected home or modal`];
    return checkBlocks(body.view.blocks, 'view', 'view.blocks');
  }
  if (!MESSAGE_METHODS.has(method)) return [];
  const problems: string[] = [];
  const text = body.text;
  if (text !== undefined && typeof text !== 'string') problems.push('text: not a string');
  if (typeof text === 'string' && text.length > LIMITS.messageText.max) {
    problems.push(`text: ${text.length} characters, limit ${LIMITS.messageText.max} (${LIMITS.messageText.what})`);
  }
  // A response_url body may only delete the original; everything else needs something to show.
  const deletes = method === 'response_url' && body.delete_original === true;
  if (!deletes && !str(text)?.trim() && !(Array.isArray(body.blocks) && body.blocks.length > 0)) problems.push('text: missing, and no blocks');
  if (body.blocks !== undefined) problems.push(...checkBlocks(body.blocks, 'message'));
  return problems;
}
