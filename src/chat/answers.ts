/**
 * The words every chat platform uses when Triage itself cannot serve a request, so a person
 * hears the same thing in Slack, Discord or the console.
 */

/** The queue of work after acks is full: nothing was started, so trying again is safe. */
export const BUSY = 'Triage is busy, try again in a moment. Nothing was done.';

/** Something failed after the ack: the person hears it privately, the log has the error. */
export const APOLOGY = 'Sorry, Triage could not handle that just now. Nothing more was done, and the problem has been logged; please try again in a moment.';
