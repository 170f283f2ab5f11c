import { OPENVEX_JUSTIFICATIONS, type InquiryAnswer, type OpenVexJustification } from '@assay/shared/contracts';
import type { VexStatement } from '../advisories/vex-statements';

/** Why something cannot be an inquiry's answer: the field at fault and what is wrong with it. */
export interface AnswerProblem {
  field: string;
  message: string;
}

/** The rules OpenVEX sets an answer: a justification only (and always) for `not_affected`, an action statement for `affected`. */
export function answerProblem(answer: InquiryAnswer): AnswerProblem | null {
  const { status } = answer;
  if (status === 'not_affected' && !answer.justification) return { field: 'justification', message: 'is required when the status is not_affected' };
  if (status !== 'not_affected' && answer.justification) return { field: 'justification', message: 'is only allowed when the status is not_affected' };
  if (status !== 'not_affected' && answer.impactStatement) return { field: 'impactStatement', message: 'is only allowed when the status is not_affected' };
  if (status === 'affected' && !answer.actionStatement) return { field: 'actionStatement', message: 'is required when the status is affected' };
  if (status === 'not_affected' && answer.actionStatement) return { field: 'actionStatement', message: 'is not allowed when the status is not_affected' };
  if (status !== 'fixed' && answer.fixedIn) return { field: 'fixedIn', message: 'is only allowed when the status is fixed' };
  return null;
}

/**
 * CycloneDX's `analysis.justification` in OpenVEX's words (CycloneDX 1.4+ and OpenVEX both follow the
 * CISA VEX status justifications; CycloneDX splits some of them finer).
 */
const CYCLONEDX_JUSTIFICATIONS: Readonly<Record<string, OpenVexJustification>> = {
  code_not_present: 'vulnerable_code_not_present',
  code_not_reachable: 'vulnerable_code_not_in_execute_path',
  requires_configuration: 'vulnerable_code_cannot_be_controlled_by_adversary',
  requires_dependency: 'component_not_present',
  requires_environment: 'vulnerable_code_cannot_be_controlled_by_adversary',
  protected_by_compiler: 'inline_mitigations_already_exist',
  protected_at_runtime: 'inline_mitigations_already_exist',
  protected_at_perimeter: 'inline_mitigations_already_exist',
  protected_by_mitigating_control: 'inline_mitigations_already_exist',
};

const words = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 5000) : undefined);

/** One VEX statement (OpenVEX or CycloneDX, as stored) as an inquiry answer; CycloneDX's `detail` stands for OpenVEX's impact or action statement. */
export function answerOfStatement(stored: VexStatement): InquiryAnswer {
  const statement = stored.statement;
  const cycloneDx = 'state' in statement;
  const rawJustification = words(statement['justification']);
  const justification = cycloneDx
    ? CYCLONEDX_JUSTIFICATIONS[rawJustification ?? '']
    : (OPENVEX_JUSTIFICATIONS as readonly string[]).includes(rawJustification ?? '')
      ? (rawJustification as OpenVexJustification)
      : undefined;
  const detail = cycloneDx ? words(statement['detail']) : undefined;
  const status = stored.status;
  const impactStatement = status === 'not_affected' ? (words(statement['impact_statement']) ?? detail) : undefined;
  const actionStatement = status === 'not_affected' ? undefined : (words(statement['action_statement']) ?? detail);
  return {
    status,
    ...(status === 'not_affected' && justification ? { justification } : {}),
    ...(impactStatement ? { impactStatement } : {}),
    ...(actionStatement ? { actionStatement } : {}),
  };
}

/** Whether a statement on `statement.purl` speaks about the component `purl` (the same purl, or the package without version). */
function covers(statement: VexStatement, purl: string): boolean {
  return statement.purl === purl || (statement.purl === statement.purlBase && purl.startsWith(`${statement.purlBase}@`));
}

/**
 * The inquiry's answer a supplier's VEX gives: its statements about the vulnerability (any of the
 * advisory's ids, case aside) must cover every component of the supplier the advisory names, and say
 * one thing about them that OpenVEX allows as an answer. Otherwise the problem that keeps it from
 * answering, in the supplier's terms.
 */
export function answerFromVex(
  statements: VexStatement[],
  externalIds: string[],
  exposedPurls: string[],
): { answer: InquiryAnswer; problem?: undefined } | { answer?: undefined; problem: AnswerProblem } {
  const ids = new Set(externalIds.map((id) => id.toUpperCase()));
  const named = externalIds.join(', ');
  const about = statements.filter((statement) => statement.vulnerabilities.some((id) => ids.has(id.toUpperCase())));
  if (!about.length) return { problem: { field: 'file', message: `has no statement about ${named}` } };
  const uncovered = exposedPurls.filter((purl) => !about.some((statement) => covers(statement, purl)));
  if (uncovered.length) return { problem: { field: 'file', message: `has statements about ${named} that do not cover ${uncovered.slice(0, 10).join(', ')}` } };
  const used = exposedPurls.length ? about.filter((statement) => exposedPurls.some((purl) => covers(statement, purl))) : about;
  const answers = new Map(used.map((statement) => [JSON.stringify(answerOfStatement(statement)), answerOfStatement(statement)]));
  if (answers.size > 1) {
    const statuses = [...new Set([...answers.values()].map((answer) => answer.status))].join(', ');
    return { problem: { field: 'file', message: `has statements about ${named} that say different things (${statuses}) about your components` } };
  }
  const answer = [...answers.values()][0] as InquiryAnswer;
  const wrong = answerProblem(answer);
  if (wrong) return { problem: { field: 'file', message: `has a ${answer.status} statement about ${named} whose ${wrong.field} ${wrong.message}` } };
  return { answer };
}
