import { Query } from 'pg';
import type { ClientBase, Connection, QueryResult } from 'pg';

// How pg's own Query turns a parameter into its wire text (dates, arrays, buffers, JSON), for the statements ahead.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

/** A statement with its parameters. */
export interface Statement {
  text: string;
  values: readonly unknown[];
}

interface WireConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { text: string; types: unknown[] }): void;
  bind(message: { values: readonly unknown[]; valueMapper: (value: unknown) => unknown }): void;
  execute(message: object): void;
}

/** The part of pg's Query the client drives, message by message. */
interface DrivenQuery {
  _result: unknown;
  submit(connection: Connection): Error | null;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
  handleEmptyQuery(connection: Connection): void;
  handlePortalSuspended(connection: Connection): void;
  handleError(error: Error, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
  handleCopyInResponse(connection: Connection): void;
  handleCopyData(message: unknown, connection: Connection): void;
}

/**
 * A query sent in one message with statements ahead of it, all before one Sync (the extended
 * protocol): Postgres runs them in order and answers once, so the statements ahead cost no round
 * trip of their own. Without a `start transaction` among them, everything up to the Sync is one
 * implicit transaction: a `set_config(…, true)` ahead holds for the query and ends with it. The
 * statements ahead run for their effect (their rows and completions are dropped); an error of theirs
 * is the query's error, and Postgres skips the rest up to the Sync.
 */
export class PipelinedQuery {
  private ahead: number;

  constructor(
    private readonly statements: readonly Statement[],
    private readonly query: DrivenQuery,
  ) {
    this.ahead = statements.length;
  }

  /** pg gives the client's type parsers to the query's result through this. */
  get _result(): unknown {
    return this.query._result;
  }

  submit(connection: Connection): Error | null {
    const wire = connection as unknown as WireConnection;
    wire.stream.cork?.();
    try {
      for (const statement of this.statements) {
        wire.parse({ text: statement.text, types: [] });
        wire.bind({ values: statement.values, valueMapper: prepareValue });
        wire.execute({});
      }
      // Cannot refuse: the query is made below with its text and an array of values.
      return this.query.submit(connection);
    } finally {
      wire.stream.uncork?.();
    }
  }

  handleRowDescription(message: unknown): void {
    this.query.handleRowDescription(message);
  }

  handleDataRow(message: unknown): void {
    if (this.ahead === 0) this.query.handleDataRow(message);
  }

  handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.ahead > 0) this.ahead--;
    else this.query.handleCommandComplete(message, connection);
  }

  handleEmptyQuery(connection: Connection): void {
    this.query.handleEmptyQuery(connection);
  }

  handlePortalSuspended(connection: Connection): void {
    this.query.handlePortalSuspended(connection);
  }

  handleError(error: Error, connection: Connection): void {
    this.ahead = 0;
    this.query.handleError(error, connection);
  }

  handleReadyForQuery(connection: Connection): void {
    this.query.handleReadyForQuery(connection);
  }

  handleCopyInResponse(connection: Connection): void {
    this.query.handleCopyInResponse(connection);
  }

  handleCopyData(message: unknown, connection: Connection): void {
    this.query.handleCopyData(message, connection);
  }
}

/** Sends `text` with `values` behind the statements `ahead` in one round trip, through `send` (a pg client's own `query`). */
export function queryBehind(send: ClientBase['query'], ahead: readonly Statement[], text: string, values: readonly unknown[]): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new Query({ text, values: [...values], queryMode: 'extended' } as ConstructorParameters<typeof Query>[0], undefined, (error, result) =>
      error ? reject(error) : resolve(result as QueryResult),
    );
    // pg drives any object with a submit method message by message.
    send(new PipelinedQuery(ahead, query as unknown as DrivenQuery) as unknown as Parameters<ClientBase['query']>[0]);
  });
}
