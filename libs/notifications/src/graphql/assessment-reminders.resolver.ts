import { Access } from '@assay/shared/auth';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Context, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { RemindersService, SentReminder } from '../reminders/reminders.service';
import { Assessment, Reminder } from './notifications.types';

interface Batch {
  ids: Set<string>;
  result: Promise<Map<string, SentReminder[]>>;
}

/**
 * `Assessment.reminders`: the assessments subgraph owns Assessment; this subgraph contributes the
 * reminders sent for it. Assessments of one request are loaded in one query (batched per tick).
 */
@Access('assessments:read')
@Resolver(() => Assessment)
export class AssessmentRemindersResolver {
  private readonly batches = new WeakMap<object, Batch>();

  constructor(private readonly remindersService: RemindersService) {}

  @ResolveReference()
  resolveReference(reference: { __typename: string; id: string }): Assessment {
    return { id: reference.id };
  }

  @ResolveField(() => [Reminder], { description: 'Reminders and escalations sent for this assessment, oldest first' })
  async reminders(@Parent() assessment: Assessment, @Context('req') request: object): Promise<SentReminder[]> {
    const tenantId = RequestContext.tenantId;
    let batch = this.batches.get(request);
    if (!batch) {
      const ids = new Set<string>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batches.delete(request);
        return this.remindersService.forAssessments(
          tenantId,
          [...ids].filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
        );
      });
      batch = { ids, result };
      this.batches.set(request, batch);
    }
    batch.ids.add(assessment.id);
    return (await batch.result).get(assessment.id) ?? [];
  }
}

/** `Reminder.assessment`: a reference the gateway resolves in the assessments subgraph. */
@Access('assessments:read')
@Resolver(() => Reminder)
export class ReminderAssessmentResolver {
  @ResolveField(() => Assessment)
  assessment(@Parent() reminder: SentReminder): Assessment {
    return { id: reminder.assessmentId };
  }
}
