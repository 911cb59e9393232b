import { z } from 'zod';
import { err, ok, type Result } from '../../src/result.js';

/** What the console page sends; parsed here before any other code sees it (invariant 4). */
const PersonId = z.string().trim().min(1, 'choose who you are in the person picker').max(200);
/**
 * Who the page says is acting. Without login it is the person picked; with login it may be left
 * out, and one that names someone else than the session's person is refused (identity.ts).
 */
const ClaimedPerson = PersonId.optional();
const Channel = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'a channel name: lowercase letters, digits, - and _, without the #');
const MessageId = z.string().regex(/^[1-9]\d{0,14}$/, 'a console message id');

export const ClickBody = z
  .strictObject({
    actionId: z.string().min(1).max(255),
    personId: ClaimedPerson,
    /** 'home': a button on the Home view, which is no message (adapters/console/home-routes.ts). */
    from: z.literal('home').optional(),
    channel: Channel.optional(),
    messageId: MessageId.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.from === 'home') {
      if (body.channel !== undefined || body.messageId !== undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a click on Home names no channel or message' });
      return;
    }
    if (body.channel === undefined) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'the channel of the message clicked' });
    if (body.messageId === undefined) ctx.addIssue({ code: 'custom', path: ['messageId'], message: 'the id of the message clicked' });
  });
export type ClickBody = z.infer<typeof ClickBody>;

export const CommandBody = z.strictObject({
  text: z.string().max(4000),
  personId: ClaimedPerson,
  channel: Channel,
});
export type CommandBody = z.infer<typeof CommandBody>;

/** `?as=<personId>` on state and stream: whose private messages to include. */
export const ViewerQuery = z.object({ as: PersonId.optional() });
export type ViewerQuery = z.infer<typeof ViewerQuery>;

/** POST /console/api/login. Never logged: it carries the password. */
export const LoginBody = z.strictObject({
  id: z.string().trim().min(1, 'your console name (id)').max(64),
  password: z.string().min(1, 'your password').max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export type SlashCommand = { command: string; args: string };
export type SlashCommandError = { code: 'empty_command' | 'not_a_command'; message: string };

/** `/triage help me` → `{ command: '/triage', args: 'help me' }`, as Slack splits it. */
export function parseSlashCommand(text: string): Result<SlashCommand, SlashCommandError> {
  const trimmed = text.trim();
  if (!trimmed || trimmed === '/') return err({ code: 'empty_command', message: 'Type a slash command, such as /triage help.' });
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) {
    return err({ code: 'not_a_command', message: `"${trimmed.slice(0, 40)}" is not a command: commands start with /, such as /triage help.` });
  }
  return ok({ command: `/${match[1]}`, args: match[2]!.trim() });
}
