import { JobName, QueueName } from '@assay/shared/contracts';
import { JobHandlerRegistrationError, RegisteredHandler, buildHandlerTable } from './job-handler.registry';

const handler = (job: JobName, owner: string): RegisteredHandler => ({ job, owner, invoke: async () => owner });

describe('buildHandlerTable', () => {
  it('maps each job of the consumed queues to its one handler', () => {
    const table = buildHandlerTable([handler(JobName.EventDispatch, 'A.dispatch'), handler(JobName.EventDeliver, 'A.deliver')], [QueueName.Events]);
    expect(table.get(JobName.EventDispatch)?.owner).toBe('A.dispatch');
    expect(table.get(JobName.EventDeliver)?.owner).toBe('A.deliver');
  });

  it('refuses to boot when a job of a consumed queue has no handler', () => {
    expect(() => buildHandlerTable([handler(JobName.EventDispatch, 'A.dispatch')], [QueueName.Events])).toThrow(
      /job "event.deliver" on queue "events" has no handler/,
    );
  });

  it('refuses to boot when a job has two handlers, naming both', () => {
    const attempt = () =>
      buildHandlerTable(
        [handler(JobName.EventDispatch, 'A.dispatch'), handler(JobName.EventDispatch, 'B.dispatch'), handler(JobName.EventDeliver, 'A.deliver')],
        [QueueName.Events],
      );
    expect(attempt).toThrow(JobHandlerRegistrationError);
    expect(attempt).toThrow(/"event.dispatch" has 2 handlers: A.dispatch, B.dispatch/);
  });

  it('refuses a handler for a job name that does not exist', () => {
    expect(() => buildHandlerTable([handler('nope' as JobName, 'C.nope')], [])).toThrow(/unknown job "nope"/);
  });

  it('ignores queues this process does not consume', () => {
    expect(buildHandlerTable([handler(JobName.EvidenceIngest, 'E.ingest')], []).size).toBe(0);
  });
});
