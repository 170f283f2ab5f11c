import { useEffect, useRef, useState } from 'preact/hooks';
import type { InquiryView, InquiryVexUpload, PortalApi } from './api';
import { FormActions, type FormState } from './layout';

/** How often, and how long, the page asks whether the worker has read an uploaded VEX. */
const POLL_MS = 1_000;
const POLL_ROUNDS = 120;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What an upload's outcome says to the supplier. */
function outcomeText(upload: InquiryVexUpload): FormState {
  if (upload.status === 'answered') return { tone: 'ok', text: 'Your VEX answered the inquiry. Thank you.' };
  const why = upload.problem ? `The file ${upload.problem.message}.` : '';
  if (upload.status === 'unanswered')
    return { tone: 'error', text: `Kept, but it does not answer the inquiry: ${why} Answer with the form above, or upload another VEX.` };
  if (upload.status === 'rejected') return { tone: 'error', text: `Not a VEX the inquiry can be answered from: ${why}` };
  return { tone: 'busy', text: 'Reading your VEX…' };
}

/**
 * Answering by uploading a VEX (OpenVEX, or CycloneDX VEX in JSON or XML): the upload is kept as the
 * supplier's evidence and read by the worker; the page follows it until it is read and says what
 * came of it, reloading the inquiry when the VEX answered it.
 */
export function InquiryVexForm({ api, onAnswered }: { api: PortalApi; onAnswered: (view: InquiryView) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<FormState>({ tone: 'idle', text: '' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const follow = (upload: InquiryVexUpload, round: number) => {
    setState(outcomeText(upload));
    if (upload.status === 'answered') void api.inquiry().then(onAnswered, () => undefined);
    if (upload.status !== 'processing') return;
    if (round >= POLL_ROUNDS) return setState({ tone: 'idle', text: 'Your VEX is still being read: reload the page later to see what came of it.' });
    timer.current = setTimeout(() => {
      api.inquiryVexUpload(upload.evidenceId).then(
        (next) => follow(next, round + 1),
        (error) => setState({ tone: 'error', text: `Could not follow the upload: ${message(error)}` }),
      );
    }, POLL_MS);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return setState({ tone: 'error', text: 'Choose the VEX document to upload.' });
    setState({ tone: 'busy', text: 'Uploading…' });
    try {
      follow(await api.uploadInquiryVex(file), 0);
    } catch (error) {
      setState({ tone: 'error', text: `Not uploaded: ${message(error)}` });
    }
  };

  return (
    <form onSubmit={submit} class="inquiry-vex-form" aria-labelledby="inquiry-vex-title">
      <h2 id="inquiry-vex-title">Or answer with a VEX document</h2>
      <p class="hint">
        Upload an OpenVEX document, or a CycloneDX VEX in JSON or XML. It answers the inquiry when its statements about this vulnerability cover the components
        above; your customer keeps it with your other evidence either way.
      </p>
      <div class="field">
        <label for="inquiry-vex-file">VEX document</label>
        <input
          id="inquiry-vex-file"
          type="file"
          accept=".json,.xml,application/json,application/xml"
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
      </div>
      <FormActions label="Upload the VEX" state={state} />
    </form>
  );
}
