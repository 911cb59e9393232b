import type { Result } from '../result.js';

/**
 * Where preventive tickets live: the built-in tracker (the database, shown in the console) or
 * GitHub Issues. The improvement loop only sees this port, so it dedupes and files the same way
 * whichever tracker the team uses.
 */
export type TicketDraft = {
  /** What makes two drafts the same ticket: an open ticket with it means "already filed". */
  fingerprint: string;
  title: string;
  description: string;
  labels: string[];
  owner?: string;
  deliverables: string[];
  incidentId?: number;
};

export type Ticket = TicketDraft & {
  /** The tracker's own number ("61" for GitHub issue #61, the row id for the built-in one). */
  id: string;
  url?: string;
  status: 'open' | 'closed';
  tracker: 'builtin' | 'github';
};

export type TicketError = {
  /** forbidden: credentials lack a permission; unavailable: the tracker did not answer; invalid: it refused the ticket. */
  code: 'forbidden' | 'unavailable' | 'invalid';
  message: string;
};

export type Tickets = {
  tracker: 'builtin' | 'github';
  /** The open tickets carrying any of these fingerprints. */
  findOpen(fingerprints: string[]): Promise<Result<Ticket[], TicketError>>;
  /** Files the draft; when an open ticket with its fingerprint already exists, returns that one. */
  create(draft: TicketDraft): Promise<Result<Ticket, TicketError>>;
  /**
   * One ticket by its tracker id, read directly (undefined when the tracker has no such ticket).
   * For trackers whose search lags behind their writes (GitHub's index): what a search missed,
   * this still sees.
   */
  lookup?(id: string, fingerprint: string): Promise<Result<Ticket | undefined, TicketError>>;
};

/** "#61" for people; both trackers number their tickets. */
export const ticketRef = (ticket: Pick<Ticket, 'id'>): string => `#${ticket.id}`;
