import type { InquiryAnswer } from './api';

/** The body to send for the form's fields: only those the chosen status takes, as the API requires. */
export function inquiryAnswer(fields: {
  status: InquiryAnswer['status'];
  justification: string;
  impactStatement: string;
  fixedIn: string;
  actionStatement: string;
}): InquiryAnswer {
  const text = (value: string) => value.trim() || undefined;
  const answer: InquiryAnswer = { status: fields.status };
  if (fields.status === 'not_affected') {
    if (fields.justification) answer.justification = fields.justification as InquiryAnswer['justification'];
    const impact = text(fields.impactStatement);
    if (impact) answer.impactStatement = impact;
    return answer;
  }
  const action = text(fields.actionStatement);
  if (action) answer.actionStatement = action;
  const fixedIn = text(fields.fixedIn);
  if (fields.status === 'fixed' && fixedIn) answer.fixedIn = fixedIn;
  return answer;
}
