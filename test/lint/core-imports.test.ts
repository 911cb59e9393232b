import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The rule that keeps the core free of chat SDKs must actually fire (docs/architecture.md, conventions §1). */
describe('lint: the core imports no chat SDK and no adapter', () => {
  const eslint = new ESLint();
  const lint = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it.each([
    ["import { App } from '@slack/bolt';", 'src/insights/x.ts'],
    ["import { Client } from 'discord.js';", 'src/chat/x.ts'],
    ["import { render } from '../../adapters/slack/render.js';", 'src/chat/x.ts'],
  ])('refuses %s in %s', async (code, path) => {
    expect(await lint(path, `${code}\nexport const used = 1;\n`)).toHaveLength(1);
  });

  it('allows it in adapters/ and in src/main.ts, the composition root', async () => {
    expect(await lint('adapters/slack/app.ts', "import { App } from '@slack/bolt';\nexport const a = App;\n")).toEqual([]);
    expect(await lint('src/main.ts', "import { App } from '@slack/bolt';\nexport const a = App;\n")).toEqual([]);
  });
});
