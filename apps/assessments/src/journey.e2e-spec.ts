import { bearer, gateway, mailText, waitForMail } from '@assay/shared/testing';
import { ATTESTATION, createContact, createSupplier, inDays, organisation, portal } from './assessments-test-kit';

describe('a full assessment journey through the gateway', () => {
  it('goes from a new supplier through a returned claim and resubmission to a completed assessment and its assurance pack, with the portal link from the real email', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org, { role: 'developer_only', tier: 'critical', ownerUserId: org.user.id });
    const sro = await createContact(org, supplier.id, { name: 'Robin Responsible', isSeniorResponsibleOwner: true });
    const product = await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'Journey Cloud', deliveryModel: 'saas' });
    expect(product.status).toBe(201);
    const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, productId: product.body.id, dueAt: inDays(30) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const claimIds = (created.body.claims as { id: string }[]).map((claim) => claim.id);
    expect((await org.call('POST', `/api/v1/assessments/${id}/send`, {})).status).toBe(200);

    const mail = await waitForMail((messages) => messages.some((message) => message.to.includes(sro.email)));
    const text = mailText((mail.find((message) => message.to.includes(sro.email)) as { raw: string }).raw);
    const link = /https?:\/\/\S+\/portal\?token=[A-Za-z0-9_.~%-]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    const token = decodeURIComponent(new URL(link as string).searchParams.get('token') as string);
    const supplierSide = portal(token);
    const view = await supplierSide.get();
    expect(view.status).toBe(200);
    expect(view.body.claims).toHaveLength(claimIds.length);
    for (const claimId of claimIds) expect((await supplierSide.answer(claimId, { answer: 'met' })).status).toBe(200);
    const submitted = await supplierSide.submit({ attestation: { ...ATTESTATION, name: 'Robin Responsible', email: sro.email } });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    const url = `/api/v1/assessments/${id}`;
    const [returnedClaim] = claimIds as [string];
    const firstReview = await org.call('POST', `${url}/review`, {
      decisions: [{ claimId: returnedClaim, verdict: 'returned', comment: 'Which release process?' }],
    });
    expect(firstReview.body.status).toBe('in_review');
    expect((await org.call('POST', `${url}/return`, { message: 'One claim needs more detail' })).body.status).toBe('returned');
    expect((await supplierSide.get()).body.claims[0].review).toMatchObject({ verdict: 'returned', comment: 'Which release process?' });
    expect((await supplierSide.answer(returnedClaim, { answer: 'met', justification: 'Releases follow the documented SDLC' })).status).toBe(200);
    const resubmitted = await supplierSide.submit({ attestation: { ...ATTESTATION, name: 'Robin Responsible', email: sro.email } });
    expect(resubmitted.body.status).toBe('submitted');
    expect(resubmitted.body.attestation.responsesSha256).not.toBe(submitted.body.attestation.responsesSha256);
    expect((await org.call('POST', `${url}/review`, { decisions: claimIds.map((claimId) => ({ claimId, verdict: 'accepted' })) })).body.status).toBe(
      'in_review',
    );
    const finding = await org.call('POST', `${url}/findings`, {
      claimId: claimIds[0],
      severity: 'low',
      title: 'Document the release process',
      remediationDueAt: inDays(90),
    });
    expect(finding.status).toBe(201);
    const completed = await org.call('POST', `${url}/complete`, { conclusion: 'Assured' });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', score: { overall: 100 } });
    const after = await org.call('GET', `/api/v1/suppliers/${supplier.id}`);
    expect(after.body).toMatchObject({ latestScore: 100, openFindings: 1, nextAssessmentDueAt: expect.any(String) });
    expect([401, 403]).toContain((await gateway('/api/v1/portal/assessment', { headers: bearer(token) })).status);

    const report = await org.call('GET', `${url}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      assessment: { id, status: 'completed', conclusion: 'Assured' },
      supplier: { id: supplier.id, latestScore: 100 },
      product: { id: product.body.id, name: 'Journey Cloud' },
      score: { overall: 100 },
      findings: [{ id: finding.body.id, title: 'Document the release process' }],
      attestations: [
        { name: 'Robin Responsible', email: sro.email },
        { name: 'Robin Responsible', responsesSha256: resubmitted.body.attestation.responsesSha256 },
      ],
    });
    expect(report.body.claims).toHaveLength(claimIds.length);
    expect(report.body.claims.every((claim: { answer: string; reviewVerdict: string }) => claim.answer === 'met' && claim.reviewVerdict === 'accepted')).toBe(
      true,
    );
  });
});
