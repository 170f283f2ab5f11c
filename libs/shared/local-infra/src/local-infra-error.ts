/**
 * Something in the machine's environment that keeps a local stack from starting (a missing program, a
 * directory it cannot use). Its message is one sentence that names the fix; `npm start` and the test
 * setup print it as it is, never with a stack trace.
 */
export class LocalInfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalInfraError';
  }
}
