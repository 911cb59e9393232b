import type { Actor } from '../actor.js';
import type { RolesConfig } from '../config.js';
import type { Employee } from '../platform/port.js';
import type { Role } from './roles.js';

/**
 * The zero-config default that lets `npm start` demo the buttons in the local console: while no
 * role is configured at all, console people get a role from their job title. Only the console
 * without login: it then runs on the operator's own machine, picked by a menu, whereas on Slack
 * or Discord nobody gets powers until an operator names them. Configuring any role, or a console
 * login (the console may then face a network), turns this off entirely (docs/architecture.md,
 * "Console login").
 */
export const demoModeActive = (roles: RolesConfig, options: { consoleLogin: boolean } = { consoleLogin: false }): boolean =>
  !options.consoleLogin && roles.responders.length === 0 && roles.approvers.length === 0 && roles.admins.length === 0;

const DECIDES = /lead|manager|head/i;

export const demoRoleOfEmployee = (employee: Employee): Role => (DECIDES.test(employee.role) ? 'approver' : 'responder');

export function demoRoleOf(actor: Actor, employees: Employee[]): Role {
  if (actor.platform !== 'console') return 'viewer';
  const employee = employees.find((e) => e.id === actor.userId);
  return employee ? demoRoleOfEmployee(employee) : 'viewer';
}

/** The console keys of everyone the demo default gives `needed` or more, deciders first. */
export function demoHolders(needed: Role, employees: Employee[]): string[] {
  if (needed === 'admin') return [];
  const approvers = employees.filter((e) => demoRoleOfEmployee(e) === 'approver');
  const responders = needed === 'responder' || needed === 'viewer' ? employees.filter((e) => demoRoleOfEmployee(e) === 'responder') : [];
  return [...approvers, ...responders].map((e) => `console:${e.id}`);
}

export const DEMO_DESCRIPTION = [
  'Roles: none configured, so the local demo default is on: console people get a role from their job title (lead, manager or head → approver; anyone else → responder).',
  'Slack and Discord users are viewers until roles are configured: set TRIAGE_RESPONDERS, TRIAGE_APPROVERS or TRIAGE_ADMINS (or roles: in triage.config.yml), which also turns the demo default off.',
];

/** Said with the configured roles while console login is on and no role is given to anyone yet. */
export const LOGIN_WITHOUT_ROLES =
  'Console login is on, so the demo roles are off: console people are viewers until roles name them (console:<id> under roles: in triage.config.yml, or TRIAGE_RESPONDERS / TRIAGE_APPROVERS / TRIAGE_ADMINS).';
