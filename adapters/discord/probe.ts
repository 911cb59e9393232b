import { z } from 'zod';
import { err, ok, type Result } from '../../src/result.js';
import type { DiscordRest } from './rest.js';

const Me = z.object({ id: z.string(), username: z.string() });

/**
 * Doctor's question to Discord: is the bot token still good? GET /users/@me answers with the bot
 * it belongs to. A refusal (401) is an answer about the token; no answer is thrown, so Doctor
 * says "could not be checked" rather than "rejected". The REST call has its own deadline.
 */
export function discordTokenProbe(rest: DiscordRest) {
  return {
    name: 'Discord bot token',
    async probe(signal: AbortSignal): Promise<Result<string, string>> {
      const aborted = new Promise<never>((_resolve, reject) => {
        const stop = () => reject(new Error('no answer from Discord in time'));
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      });
      const call = rest.request('GET', '/users/@me', undefined, { channelLabel: 'the bot user' }).then((answer): Result<string, string> => {
        if (!answer.ok) {
          if (answer.error.code === 'permanent') return err(answer.error.message);
          throw new Error(`could not reach Discord: ${'message' in answer.error ? answer.error.message : 'rate limited'}`);
        }
        const me = Me.safeParse(answer.value);
        return me.success ? ok(`bot ${me.data.username}`) : err('Discord answered /users/@me without a bot user');
      });
      return Promise.race([call, aborted]);
    },
  };
}
