import { useState } from 'preact/hooks';
import type { PortalView } from './api';
import { formatDate } from './labels';
import { FormActions, type FormState } from './layout';
import type { PortalStore } from './portal-store';

type ExtensionRequest = NonNullable<PortalView['extensionRequest']>;

const DAY = 86_400_000;
/** `yyyy-mm-dd` of an instant, in UTC (the dates the page shows are UTC dates). */
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Asking the customer for more time: the latest request and its outcome, and while none is pending a
 * form with the date wanted and the reason. The customer decides; an approval moves the due date.
 */
export function ExtensionSection({ store, view }: { store: PortalStore; view: PortalView }) {
  const latest = view.extensionRequest;
  const pending = latest?.status === 'pending';
  return (
    <section id="extension" class="extension" aria-labelledby="extension-title">
      <h2 id="extension-title">Need more time?</h2>
      {latest ? <LatestRequest request={latest} /> : null}
      {pending ? null : <RequestForm store={store} dueAt={view.dueAt} />}
    </section>
  );
}

function LatestRequest({ request }: { request: ExtensionRequest }) {
  const tone = request.status === 'approved' ? 'ok' : request.status === 'rejected' ? 'warn' : 'info';
  return (
    <div class={`notice notice-${tone}`} data-testid="extension-status" role="status">
      {request.status === 'pending' ? (
        <p>
          You asked to move the due date to <strong>{formatDate(request.requestedDueAt)}</strong>. Your customer has not decided yet; you will hear by email.
        </p>
      ) : request.status === 'approved' ? (
        <p>
          Your request for more time was approved: the assessment is now due on <strong>{formatDate(request.requestedDueAt)}</strong>.
        </p>
      ) : (
        <p>Your request to move the due date to {formatDate(request.requestedDueAt)} was not granted.</p>
      )}
      {request.comment ? <p class="quote">{request.comment}</p> : null}
    </div>
  );
}

function RequestForm({ store, dueAt }: { store: PortalStore; dueAt: string }) {
  const [date, setDate] = useState(isoDay(new Date(dueAt).getTime() + 14 * DAY));
  const [reason, setReason] = useState('');
  const [state, setState] = useState<FormState>({ tone: 'idle', text: '' });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setState({ tone: 'error', text: 'Enter the date you need, for example 2027-03-31.' });
    if (!reason.trim()) return setState({ tone: 'error', text: 'Say why you need more time.' });
    // The end of the chosen day, UTC: the supplier has the whole day.
    const requestedDueAt = new Date(`${date}T23:59:59.000Z`);
    if (requestedDueAt.getTime() <= new Date(dueAt).getTime()) return setState({ tone: 'error', text: `Choose a date after ${formatDate(dueAt)}.` });
    setState({ tone: 'busy', text: 'Sending…' });
    try {
      await store.requestExtension(requestedDueAt.toISOString(), reason.trim());
      setState({ tone: 'idle', text: '' });
      setReason('');
    } catch (error) {
      setState({ tone: 'error', text: `Not sent: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  return (
    <form class="extension-form" onSubmit={submit}>
      <p class="hint">Ask your customer to move the due date. They decide; you will hear by email either way.</p>
      <div class="field">
        <label for="extension-date">New due date</label>
        <input
          id="extension-date"
          type="date"
          min={isoDay(new Date(dueAt).getTime() + DAY)}
          value={date}
          onInput={(event) => setDate(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="extension-reason">Why you need more time</label>
        <textarea id="extension-reason" rows={3} maxLength={2000} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      </div>
      <FormActions label="Ask for more time" state={state} />
    </form>
  );
}
