/** A child of `npm start` or the test stack stops when its parent goes away, never orphaned. */
export function exitWithParent(): void {
  if (typeof process.send === 'function') process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
