/**
 * Real payloads the fuzzers start from and break: what Discord sends for a ping, a slash command
 * (from a server member and from a DM user) and a button press.
 */
const member = { user: { id: '1500000000000000001', username: 'james', global_name: 'James' }, roles: ['1700000000000000007'], nick: null };
const base = { id: '1600000000000000001', application_id: '1100000000000000001', token: 'interaction-token-1', guild_id: '1200000000000000002', channel_id: '1300000000000000003', member };
export const VALID_INTERACTIONS = [
  { id: '1', type: 1, application_id: '1100000000000000001', token: 't' },
  { ...base, type: 2, data: { id: '1', name: 'budget', type: 1, options: [{ name: 'text', type: 3, value: 'request daily 5 why' }] } },
  { ...base, type: 2, member: undefined, user: member.user, data: { name: 'triage' } },
  { ...base, type: 3, data: { custom_id: 'v1|dismiss|insight:42', component_type: 2 }, message: { id: '1400000000000000001', channel_id: '1300000000000000003' } },
];
