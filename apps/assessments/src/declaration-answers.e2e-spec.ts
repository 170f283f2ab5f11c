import { bearer, form, gateway, ownerDataSource } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ATTESTATION, organisation, portal, sentAssessment, waitFor } from './assessments-test-kit';

/** The CycloneDX 1.6 specification's attestation example, its requirements pointed at the Code's (`?format=cyclonedx` bom-refs). */
function declarationOf(framework: { key: string; version: string }, claims: { claimId: string; conformance?: { score: number; rationale?: string } }[]) {
  const document = JSON.parse(readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real/cdx-spec-1.6-attestation.json'), 'utf8'));
  const template = document.declarations.attestations[0].map[0];
  document.declarations.attestations[0].map = claims.map(({ claimId, conformance }) => ({
    ...template,
    requirement: `urn:assay:framework:${framework.key}:${framework.version}:requirement:${claimId}`,
    conformance,
  }));
  return Buffer.from(JSON.stringify(document));
}

type Claim = {
  id: string;
  response: { answer: string; justification: string | null; evidenceIds: string[]; carriedForward: boolean; importedFrom: string | null } | null;
};

let owner: DataSource;
beforeAll(async () => {
  owner = await ownerDataSource();
});
afterAll(async () => {
  await owner.destroy();
});

describe('a supplier declaration prefills the portal answers', () => {
  it('unanswered claims the declaration attests show its answer importedFrom the evidence until the supplier confirms or changes them; submission waits for that', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org, 'reseller');
    const supplier = portal(sent.token);
    const [scored, answered, unscored, zero] = sent.claimIds;
    // The supplier has already answered one claim itself: a declaration never replaces that.
    expect((await supplier.answer(answered as string, { answer: 'not_met', justification: 'Being built' })).status).toBe(200);

    const framework = await gateway('/api/v1/frameworks/uk-sscop?format=cyclonedx', { headers: bearer(org.accessToken) });
    const standard = framework.body.definitions.standards[0];
    const declaration = declarationOf({ key: 'uk-sscop', version: standard.version }, [
      { claimId: scored as string, conformance: { score: 0.8, rationale: 'Conformance rationale here' } },
      { claimId: answered as string, conformance: { score: 1 } },
      { claimId: unscored as string },
      { claimId: zero as string, conformance: { score: 0 } },
    ]);
    const uploaded = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form({}, declaration, 'declaration.cdx.json'),
      headers: bearer(sent.token),
    });
    expect(uploaded.status).toBe(202);
    const evidenceId = uploaded.body.id as string;

    const claims = await waitFor(async () => {
      const view = await supplier.get();
      const list = view.body.claims as Claim[];
      return list.find((claim) => claim.id === scored)?.response?.importedFrom ? new Map(list.map((claim) => [claim.id, claim.response])) : null;
    }, 'answers prefilled from the declaration');
    expect(claims.get(scored as string)).toMatchObject({
      answer: 'partially_met',
      justification: 'Conformance rationale here',
      evidenceIds: [evidenceId],
      carriedForward: false,
      importedFrom: evidenceId,
    });
    expect(claims.get(unscored as string)).toMatchObject({ answer: 'met', justification: 'Attestation summary here', importedFrom: evidenceId });
    expect(claims.get(zero as string)).toMatchObject({ answer: 'not_met', importedFrom: evidenceId });
    expect(claims.get(answered as string)).toMatchObject({ answer: 'not_met', justification: 'Being built', importedFrom: null });

    // The customer sees the same over REST and GraphQL.
    const detail = await org.call('GET', `/api/v1/assessments/${sent.assessment.id}`);
    expect((detail.body.claims as Claim[]).find((claim) => claim.id === scored)?.response).toMatchObject({ importedFrom: evidenceId });
    const graph = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: { query: 'query($id: ID!) { assessment(id: $id) { claims { id response { answer importedFrom } } } }', variables: { id: sent.assessment.id } },
    });
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.assessment.claims).toEqual(
      expect.arrayContaining([{ id: scored, response: { answer: 'partially_met', importedFrom: evidenceId } }]),
    );

    // Every other claim answered, the imported ones not yet confirmed: submission names them.
    for (const claimId of sent.claimIds.filter((id) => !claims.get(id))) expect((await supplier.answer(claimId, { answer: 'met' })).status).toBe(200);
    const refused = await supplier.submit({ attestation: ATTESTATION });
    expect(refused.status).toBe(409);
    expect(refused.body.unconfirmedClaimIds).toEqual(sent.claimIds.filter((id) => [scored, unscored, zero].includes(id)));

    // Confirmed unchanged (the same answer saved again) or changed: no longer imported.
    const confirmed = await supplier.answer(scored as string, {
      answer: 'partially_met',
      justification: 'Conformance rationale here',
      evidenceIds: [evidenceId],
    });
    expect(confirmed.body).toMatchObject({ response: { answer: 'partially_met', importedFrom: null, carriedForward: false } });
    expect((await supplier.answer(unscored as string, { answer: 'met' })).body.response).toMatchObject({ importedFrom: null });
    expect((await supplier.answer(zero as string, { answer: 'not_met', justification: 'Not yet' })).body.response).toMatchObject({ importedFrom: null });
    expect((await supplier.submit({ attestation: ATTESTATION })).status).toBe(200);
  });
});
