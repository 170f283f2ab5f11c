import { bearer, graphql, ownerDataSourceForFile } from '@assay/shared/testing';
import { addMember, answerAndSubmit, createContact, createSupplier, inDays, organisation, sentAssessment } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

const SUPPLIER_FIELDS =
  'id name tier status openFindings latestScore products { id name } contacts { id email isSeniorResponsibleOwner } assessments { id status }';

describe('assessments subgraph', () => {
  it('creates suppliers, contacts, products and assessments and runs the lifecycle through mutations', async () => {
    const org = await organisation();
    const as = bearer(org.accessToken);
    const created = await graphql(
      'mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { id name tier role status } }',
      { input: { name: 'Graph Supplier Ltd', tier: 'critical', role: 'reseller' } },
      as,
    );
    expect(created.body.errors).toBeUndefined();
    const supplierId = created.body.data.createSupplier.id;
    expect(created.body.data.createSupplier).toMatchObject({ name: 'Graph Supplier Ltd', tier: 'critical', status: 'active' });

    const invalid = await graphql('mutation { createSupplier(input: { name: "X", tier: "urgent", role: "reseller" }) { id } }', {}, as);
    expect(invalid.body.data?.createSupplier ?? null).toBeNull();
    expect(invalid.body.errors).toBeDefined();

    const updated = await graphql(
      'mutation ($id: ID!) { updateSupplier(id: $id, input: { tier: "high", tags: ["cloud"] }) { tier tags } }',
      { id: supplierId },
      as,
    );
    expect(updated.body.data.updateSupplier).toEqual({ tier: 'high', tags: ['cloud'] });
    const contact = await graphql(
      'mutation ($id: ID!) { addSupplierContact(supplierId: $id, input: { name: "Sam SRO", email: "sam@graph.test", isSeniorResponsibleOwner: true }) { id isSeniorResponsibleOwner } }',
      { id: supplierId },
      as,
    );
    expect(contact.body.data.addSupplierContact.isSeniorResponsibleOwner).toBe(true);
    const product = await graphql(
      'mutation ($id: ID!) { addProduct(supplierId: $id, input: { name: "Graph Cloud", deliveryModel: "saas" }) { id name } }',
      { id: supplierId },
      as,
    );
    expect(product.body.data.addProduct.name).toBe('Graph Cloud');

    const assessment = await graphql(
      'mutation ($input: CreateAssessmentInput!) { createAssessment(input: $input) { id status claimCount claims { id themeId response { answer } } } }',
      { input: { supplierId, productId: product.body.data.addProduct.id, dueAt: inDays(30) } },
      as,
    );
    expect(assessment.body.errors).toBeUndefined();
    const assessmentId = assessment.body.data.createAssessment.id;
    expect(assessment.body.data.createAssessment.status).toBe('draft');
    expect(assessment.body.data.createAssessment.claims).toHaveLength(assessment.body.data.createAssessment.claimCount);
    const sent = await graphql('mutation ($id: ID!) { sendAssessment(id: $id) { id status sentAt } }', { id: assessmentId }, as);
    expect(sent.body.data.sendAssessment.status).toBe('sent');
    const unknownContact = await graphql('mutation ($id: ID!) { sendAssessment(id: $id, input: { contactIds: ["nope"] }) { id } }', { id: assessmentId }, as);
    expect(unknownContact.body.errors).toBeDefined();
    const illegal = await graphql('mutation ($id: ID!) { completeAssessment(id: $id) { status } }', { id: assessmentId }, as);
    expect(illegal.body.data?.completeAssessment ?? null).toBeNull();
    expect(illegal.body.errors).toBeDefined();

    const read = await graphql(`query ($id: ID!) { supplier(id: $id) { ${SUPPLIER_FIELDS} } }`, { id: supplierId }, as);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.supplier).toMatchObject({
      id: supplierId,
      tier: 'high',
      products: [{ name: 'Graph Cloud' }],
      contacts: [{ email: 'sam@graph.test', isSeniorResponsibleOwner: true }],
      assessments: [{ id: assessmentId, status: 'sent' }],
    });
  });

  it('reviews, returns, completes and records findings through mutations', async () => {
    const org = await organisation();
    const as = bearer(org.accessToken);
    const sent = await sentAssessment(owner, org);
    await answerAndSubmit(sent);
    const id = sent.assessment.id;
    const [first, second] = sent.claimIds as [string, string];
    const reviewed = await graphql(
      'mutation ($id: ID!, $input: ReviewAssessmentInput!) { reviewAssessment(id: $id, input: $input) { status claims { id review { verdict comment } } } }',
      {
        id,
        input: {
          decisions: [
            { claimId: first, verdict: 'accepted' },
            { claimId: second, verdict: 'returned', comment: 'More please' },
          ],
        },
      },
      as,
    );
    expect(reviewed.body.errors).toBeUndefined();
    expect(reviewed.body.data.reviewAssessment.status).toBe('in_review');
    expect(reviewed.body.data.reviewAssessment.claims[1]).toEqual({ id: second, review: { verdict: 'returned', comment: 'More please' } });
    const finding = await graphql(
      'mutation ($id: ID!, $input: CreateFindingInput!) { createFinding(assessmentId: $id, input: $input) { id status severity } }',
      { id, input: { claimId: first, severity: 'medium', title: 'Patch cadence' } },
      as,
    );
    expect(finding.body.data.createFinding).toMatchObject({ status: 'open', severity: 'medium' });
    const moved = await graphql(
      'mutation ($id: ID!) { updateFinding(id: $id, input: { status: "in_remediation" }) { status } }',
      { id: finding.body.data.createFinding.id },
      as,
    );
    expect(moved.body.data.updateFinding.status).toBe('in_remediation');
    const returned = await graphql(
      'mutation ($id: ID!) { returnAssessment(id: $id, input: { message: "See comments" }) { status returnMessage } }',
      { id },
      as,
    );
    expect(returned.body.data.returnAssessment).toEqual({ status: 'returned', returnMessage: 'See comments' });
    await answerAndSubmit(sent);
    const completed = await graphql(
      'mutation ($id: ID!) { completeAssessment(id: $id, input: { conclusion: "Fine" }) { status conclusion score { overall scoredClaims } findings { id } } }',
      { id },
      as,
    );
    expect(completed.body.errors).toBeUndefined();
    expect(completed.body.data.completeAssessment).toMatchObject({
      status: 'completed',
      conclusion: 'Fine',
      score: { overall: 100 },
      findings: [{ id: finding.body.data.createFinding.id }],
    });

    const page = await graphql(
      'query ($supplierId: ID!) { assessments(first: 5, filter: { supplierId: $supplierId, status: "completed" }) { edges { node { id status attestation { name } disagreements { claimId } } } pageInfo { hasNextPage } } }',
      { supplierId: sent.supplier.id },
      as,
    );
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.assessments.edges).toEqual([{ node: { id, status: 'completed', attestation: { name: 'Sam Signer' }, disagreements: [] } }]);
  });

  it('pages suppliers with filters, batching children, and bounds first', async () => {
    const org = await organisation();
    const as = bearer(org.accessToken);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const supplier = await createSupplier(org, { name: `Paged ${i}`, tier: i === 0 ? 'low' : 'medium' });
      await createContact(org, supplier.id);
      ids.push(supplier.id);
    }
    const firstPage = await graphql(
      `{ suppliers(first: 2, filter: { status: "active" }) { edges { node { ${SUPPLIER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      {},
      as,
    );
    expect(firstPage.body.errors).toBeUndefined();
    expect(firstPage.body.data.suppliers.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[2], ids[1]]);
    expect(firstPage.body.data.suppliers.edges[0].node.contacts).toHaveLength(1);
    expect(firstPage.body.data.suppliers.pageInfo.hasNextPage).toBe(true);
    const rest = await graphql(
      'query ($after: String) { suppliers(first: 2, after: $after, filter: { q: "paged" }) { edges { node { id } } pageInfo { hasNextPage } } }',
      { after: firstPage.body.data.suppliers.pageInfo.endCursor },
      as,
    );
    expect(rest.body.data.suppliers.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[0]]);
    const low = await graphql('{ suppliers(filter: { tier: "low" }) { edges { node { id } } } }', {}, as);
    expect(low.body.data.suppliers.edges).toEqual([{ node: { id: ids[0] } }]);
    for (const first of [0, 201]) {
      const refused = await graphql(`{ suppliers(first: ${first}) { edges { node { id } } } }`, {}, as);
      expect(refused.body.data?.suppliers ?? null).toBeNull();
      expect(refused.body.errors).toBeDefined();
    }
    expect((await graphql('{ suppliers(filter: { tier: "urgent" }) { edges { node { id } } } }', {}, as)).body.errors).toBeDefined();
  });

  it('reaches the notifications subgraph for Assessment.reminders', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const both = await graphql(
      'query ($id: ID!) { assessment(id: $id) { id status supplier { name } reminders { id step } } }',
      { id: sent.assessment.id },
      bearer(org.accessToken),
    );
    expect(both.body.errors).toBeUndefined();
    expect(both.body.data.assessment).toEqual({ id: sent.assessment.id, status: 'sent', supplier: { name: sent.supplier.name }, reminders: [] });
  });

  it('refuses mutations to viewers and shows another tenant nothing', async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const sent = await sentAssessment(owner, alpha);
    const viewer = await addMember(owner, alpha, 'viewer');
    const asViewer = bearer(viewer.accessToken);
    const denied = await graphql('mutation { createSupplier(input: { name: "Nope", tier: "low", role: "reseller" }) { id } }', {}, asViewer);
    expect(denied.body.data?.createSupplier ?? null).toBeNull();
    expect(denied.body.errors?.[0]?.message).toMatch(/suppliers:write/);
    const deniedSend = await graphql('mutation ($id: ID!) { completeAssessment(id: $id) { id } }', { id: sent.assessment.id }, asViewer);
    expect(deniedSend.body.data?.completeAssessment ?? null).toBeNull();
    expect(deniedSend.body.errors?.[0]?.message).toMatch(/assessments:write/);
    const viewed = await graphql('query ($id: ID!) { supplier(id: $id) { id } assessment(id: $id) { id } }', { id: sent.supplier.id }, asViewer);
    expect(viewed.body.data).toEqual({ supplier: { id: sent.supplier.id }, assessment: null });

    const asBeta = bearer(beta.accessToken);
    const foreign = await graphql(
      'query ($s: ID!, $a: ID!) { supplier(id: $s) { id } assessment(id: $a) { id } suppliers { edges { node { id } } } assessments(filter: { supplierId: $s }) { edges { node { id } } } }',
      { s: sent.supplier.id, a: sent.assessment.id },
      asBeta,
    );
    expect(foreign.body.errors).toBeUndefined();
    expect(foreign.body.data).toEqual({ supplier: null, assessment: null, suppliers: { edges: [] }, assessments: { edges: [] } });
    const malformed = await graphql(
      '{ supplier(id: "not-an-id") { id } assessment(id: "42") { id } assessments(filter: { supplierId: "x" }) { edges { node { id } } } }',
      {},
      asBeta,
    );
    expect(malformed.body.errors).toBeUndefined();
    expect(malformed.body.data).toEqual({ supplier: null, assessment: null, assessments: { edges: [] } });
    const update = await graphql('mutation ($id: ID!) { updateSupplier(id: $id, input: { name: "Mine" }) { id } }', { id: sent.supplier.id }, asBeta);
    expect(update.body.data?.updateSupplier ?? null).toBeNull();
    expect(update.body.errors).toBeDefined();
    expect((await alpha.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.name).toBe(sent.supplier.name);
  });
});
