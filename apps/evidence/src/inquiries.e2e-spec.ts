import { SinkMessage, bearer, gateway, graphql, mailSubject, signupTenant, waitFor, waitForMail } from '@assay/shared/testing';
import { createHash } from 'node:crypto';
import {
  LOG4SHELL_OSV,
  customerCalls,
  evidenceTestDatabases,
  fixture,
  inquiryLinkMailed,
  log4ShellNotAffectedVex,
  openVexValidator,
} from './evidence-test-kit';

/*
 * The proof on the real stack: a real OSV advisory (GHSA-jfh8-c2jp-5v3q, Log4Shell) and SBOMs
 * uploaded as supplier evidence give the advisory's exposure by supplier; a supplier whose VEX says
 * not_affected is left out of the default inquiry set; the inquiry is emailed (real SMTP) and answered
 * through the emailed link, which reaches nothing else; the answer sets the exposure; the export is
 * valid OpenVEX by the real OpenVEX JSON Schema.
 */

const LOG4SHELL = LOG4SHELL_OSV;
const SBOM = fixture('cyclonedx.json');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The same SBOM at another log4j-core version. */
const sbomAt = (version: string) =>
  Buffer.from(
    SBOM.toString('utf8')
      .replace(/log4j-core@2\.14\.1/g, `log4j-core@${version}`)
      .replace(/"2\.14\.1"/g, `"${version}"`),
  );
/** A supplier's OpenVEX: log4j-core 2.14.1 in its product is not affected by Log4Shell. */
const VEX_NOT_AFFECTED = log4ShellNotAffectedVex('pkg:npm/widget-cloud@3.1.0');

describe('supplier inquiries about an advisory', () => {
  const kit = evidenceTestDatabases();

  it('asks the exposed suppliers (VEX-suppressed ones left out), emails an inquiry link, takes the answer through it and exports valid OpenVEX', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const call = (method: string, path: string, json?: unknown) => gateway(path, { method, json, headers: asOrg });

    const { supplier, upload, advisory } = customerCalls(kit.owner, org.accessToken);
    const exposed = await supplier('Exposed Ltd');
    const vexed = await supplier('Vexed Ltd');
    const patched = await supplier('Patched Ltd');
    const exposedSbom = await upload(exposed.id, SBOM, 'bom.json');
    await upload(vexed.id, SBOM, 'bom.json');
    await upload(vexed.id, VEX_NOT_AFFECTED, 'vex.json');
    await upload(patched.id, sbomAt('2.17.1'), 'bom.json');
    await waitFor(async () => (await kit.owner.query(`select 1 from evidence.vex_statements where supplier_id = $1`, [vexed.id])).length === 1, 'the VEX');

    // The real OSV record: its exposure names the right suppliers, with the status each has.
    const advisoryId = await advisory(JSON.parse(LOG4SHELL.toString('utf8')));
    const exposureOf = async () =>
      Object.fromEntries(
        ((await call('GET', `/api/v1/advisories/${advisoryId}`)).body.exposure as { supplierName: string; status: string; statusSource: string }[]).map(
          (entry) => [entry.supplierName, [entry.status, entry.statusSource]],
        ),
      );
    expect(await exposureOf()).toEqual({
      'Exposed Ltd': ['affected', 'version'],
      'Patched Ltd': ['fixed', 'version'],
      'Vexed Ltd': ['not_affected', 'vex'],
    });

    // Bad requests change nothing.
    const inquiriesOf = async () => (await kit.owner.query(`select count(*)::int as n from evidence.inquiries where tenant_id = $1`, [org.tenant.id]))[0].n;
    const past = await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(-1) });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'dueAt' })]);
    const stranger = await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(14), supplierIds: [other.tenant.id] });
    expect(stranger.status).toBe(422);
    expect(stranger.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: 'tomorrow' })).status).toBe(400);
    expect((await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(14), extra: 1 })).status).toBe(400);
    expect(await inquiriesOf()).toBe(0);

    // By default, the suppliers at risk: the VEX-suppressed and the patched supplier are left out.
    const dueAt = inDays(14);
    const created = await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: [
        expect.objectContaining({
          advisoryId,
          externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
          supplierId: exposed.id,
          supplierName: 'Exposed Ltd',
          status: 'sent',
          answer: null,
          dueAt: new Date(dueAt).toISOString(),
        }),
      ],
      alreadyAskedSupplierIds: [],
    });
    const inquiryId = created.body.data[0].id as string;
    // Asking again asks nobody twice.
    expect((await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt })).body).toEqual({ data: [], alreadyAskedSupplierIds: [exposed.id] });

    // The supplier's contact is emailed a link scoped to the inquiry, stored as its hash.
    const { token, text, subject } = await inquiryLinkMailed(exposed.email, 'CVE-2021-44228');
    expect(subject).toContain('Are you affected by CVE-2021-44228');
    expect(text).toContain('Remote code injection in Log4j');
    const link = bearer(token);
    const [stored] = await kit.owner.query(
      `select id, link, inquiry_id, contact_id, evidence_id, expires_at from assessments.portal_tokens where token_hash = $1`,
      [sha256(token)],
    );
    expect(stored).toMatchObject({ link: 'inquiry', inquiry_id: inquiryId, contact_id: exposed.contactId, evidence_id: null });
    expect(stored.expires_at.getTime()).toBeGreaterThanOrEqual(Date.parse(dueAt) + 30 * DAY);
    expect(await kit.owner.query(`select 1 from assessments.portal_tokens where token_hash = $1 or token_hash = $2`, [token, sha256(token) + 'x'])).toEqual([]);

    // What the link shows: the advisory and the supplier's own components it names.
    const view = await gateway('/api/v1/portal/inquiry', { headers: link });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      inquiry: { id: inquiryId, status: 'sent', answer: null },
      advisory: { id: advisoryId, externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'], summary: 'Remote code injection in Log4j', severity: 'critical' },
      supplier: { id: exposed.id, name: 'Exposed Ltd' },
      components: [{ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', version: '2.14.1', status: 'affected', statusSource: 'version' }],
    });

    // The link reaches its inquiry and nothing else.
    for (const [method, path, json] of [
      ['GET', '/api/v1/portal/assessment'],
      ['GET', '/api/v1/portal/renewal'],
      ['GET', '/api/v1/portal/findings'],
      ['GET', '/api/v1/portal/assessment/evidence'],
      ['GET', `/api/v1/inquiries/${inquiryId}`],
      ['GET', '/api/v1/inquiries'],
      ['GET', `/api/v1/advisories/${advisoryId}`],
      ['GET', `/api/v1/advisories/${advisoryId}/vex`],
      ['POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt }],
      ['GET', `/api/v1/evidence/${exposedSbom}`],
    ] as [string, string, unknown?][]) {
      const refused = await gateway(path, { method, json, headers: link });
      expect([path, refused.status]).toEqual([path, 403]);
    }
    // An assessment link cannot answer an inquiry.
    const assessmentLink = await call('POST', `/api/v1/assessments/${exposed.assessmentId}/send`, {});
    expect(assessmentLink.status).toBe(200);
    const shared = await call('POST', `/api/v1/assessments/${exposed.assessmentId}/portal-links`, { contactId: exposed.contactId });
    expect((await gateway('/api/v1/portal/inquiry', { headers: bearer(shared.body.token) })).status).toBe(403);

    // Strict validation, with clear problems; nothing changes.
    for (const [body, field] of [
      [{ status: 'not_affected' }, 'justification'],
      [{ status: 'maybe' }, 'status'],
      [{ status: 'affected' }, 'actionStatement'],
      [{ status: 'fixed', justification: 'component_not_present' }, 'justification'],
      [{ status: 'not_affected', justification: 'it is fine' }, 'justification'],
      [{ status: 'under_investigation', fixedIn: '2.17.1' }, 'fixedIn'],
      [{ status: 'under_investigation', note: 'x' }, 'note'],
      [{ status: 'affected', actionStatement: 'x'.repeat(5001) }, 'actionStatement'],
    ] as [Record<string, unknown>, string][]) {
      const refused = await gateway('/api/v1/portal/inquiry', { method: 'PUT', json: body, headers: link });
      expect([body, refused.status]).toEqual([body, 400]);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    expect((await call('GET', `/api/v1/inquiries/${inquiryId}`)).body).toMatchObject({ status: 'sent', answer: null });

    // The answer: recorded, and the supplier's exposure follows it, statement kept.
    const answer = {
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impactStatement: 'widget-cloud never logs user input and sets log4j2.formatMsgNoLookups=true',
    };
    // The answer takes the tenant's matching lock, as matching does: held elsewhere (a match running),
    // the answer waits for it instead of writing beside it.
    const holder = kit.owner.createQueryRunner();
    await holder.connect();
    let answered: Awaited<ReturnType<typeof gateway>>;
    try {
      await holder.query('begin');
      const key = `advisory-matching:${org.tenant.id}`;
      await holder.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
      const answering = gateway('/api/v1/portal/inquiry', { method: 'PUT', json: answer, headers: link });
      await waitFor(
        async () =>
          (
            await kit.owner.query(
              `select 1 from pg_locks where locktype = 'advisory' and not granted and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
              [key],
            )
          ).length > 0,
        'the answer waiting for the matching lock',
      );
      expect((await call('GET', `/api/v1/inquiries/${inquiryId}`)).body).toMatchObject({ status: 'sent' });
      await holder.query('commit');
      answered = await answering;
    } finally {
      await holder.release();
    }
    expect(answered.status).toBe(200);
    expect(answered.body.inquiry).toMatchObject({ status: 'answered', answer, answeredAt: expect.any(String) });
    expect(answered.body.components).toEqual([expect.objectContaining({ status: 'not_affected', statusSource: 'inquiry' })]);
    expect(await exposureOf()).toEqual({
      'Exposed Ltd': ['not_affected', 'inquiry'],
      'Patched Ltd': ['fixed', 'version'],
      'Vexed Ltd': ['not_affected', 'vex'],
    });
    const exposedEntry = (await call('GET', `/api/v1/advisories/${advisoryId}`)).body.exposure.find(
      (entry: { supplierId: string }) => entry.supplierId === exposed.id,
    );
    expect(exposedEntry.statement).toEqual({ status: 'not_affected', justification: answer.justification, impact_statement: answer.impactStatement });

    // The customer reads it.
    const inquiry = await call('GET', `/api/v1/inquiries/${inquiryId}`);
    expect(inquiry.status).toBe(200);
    expect(inquiry.body).toMatchObject({ id: inquiryId, status: 'answered', answer, answeredByContactId: exposed.contactId });
    const listed = await call('GET', `/api/v1/inquiries?advisoryId=${advisoryId}&status=answered`);
    expect(listed.body.data.map((item: { id: string }) => item.id)).toEqual([inquiryId]);
    expect((await call('GET', `/api/v1/inquiries?advisoryId=${advisoryId}&status=sent`)).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/inquiries?status=maybe')).status).toBe(400);

    // Events, and the email to the supplier's internal owner (the admins, as it has none).
    const events = await kit.owner.query(
      `select type, payload->'data' as data from evidence.outbox where tenant_id = $1 and type like 'inquiry.%' order by created_at`,
      [org.tenant.id],
    );
    expect(events.map((event: { type: string }) => event.type)).toEqual(['inquiry.sent', 'inquiry.answered']);
    expect(events[1].data).toMatchObject({ inquiryId, advisoryId, supplierId: exposed.id, answer, contactId: exposed.contactId });
    const ownerMail = (m: SinkMessage) => m.to.includes(org.email) && mailSubject(m.raw).includes('Exposed Ltd answered about CVE-2021-44228');
    await waitForMail((messages) => messages.some(ownerMail));

    // The export: one OpenVEX document of the answers, valid by the OpenVEX JSON Schema.
    const vex = await call('GET', `/api/v1/advisories/${advisoryId}/vex`);
    expect(vex.status).toBe(200);
    const validate = openVexValidator();
    expect({ valid: validate(vex.body), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(vex.body).toMatchObject({ '@context': 'https://openvex.dev/ns/v0.2.0', version: 1 });
    expect(vex.body.statements).toEqual([
      {
        '@id': `urn:uuid:${inquiryId}`,
        vulnerability: { name: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'] },
        timestamp: answered.body.inquiry.answeredAt,
        products: [{ '@id': `urn:uuid:${exposed.id}`, subcomponents: [{ '@id': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] }],
        status: 'not_affected',
        supplier: 'Exposed Ltd',
        justification: answer.justification,
        impact_statement: answer.impactStatement,
      },
    ]);

    // A later answer replaces it and is a new version of the document.
    const fixed = await gateway('/api/v1/portal/inquiry', {
      method: 'PUT',
      json: { status: 'fixed', fixedIn: '3.1.1', actionStatement: 'Upgrade widget-cloud to 3.1.1, which ships log4j-core 2.17.1' },
      headers: link,
    });
    expect(fixed.status).toBe(200);
    const second = (await call('GET', `/api/v1/advisories/${advisoryId}/vex`)).body;
    expect(validate(second)).toBe(true);
    expect(second).toMatchObject({ version: 2, statements: [expect.objectContaining({ status: 'fixed', status_notes: 'Fixed in 3.1.1' })] });
    expect((await exposureOf())['Exposed Ltd']).toEqual(['fixed', 'inquiry']);

    // The same through GraphQL: the connection (with the supplier resolved by the assessments subgraph), and the mutation.
    const listedInGraph = await graphql(
      `
        query ($advisoryId: ID) {
          inquiries(first: 10, filter: { advisoryId: $advisoryId }) {
            edges {
              node {
                id
                status
                answer
                supplier {
                  id
                  name
                }
              }
            }
          }
        }
      `,
      { advisoryId },
      asOrg,
    );
    expect(listedInGraph.body.errors).toBeUndefined();
    expect(listedInGraph.body.data.inquiries.edges).toEqual([
      { node: { id: inquiryId, status: 'answered', answer: expect.objectContaining({ status: 'fixed' }), supplier: { id: exposed.id, name: 'Exposed Ltd' } } },
    ]);
    const askedInGraph = await graphql(
      `
        mutation ($advisoryId: ID!, $input: CreateInquiriesInput!) {
          createInquiries(advisoryId: $advisoryId, input: $input) {
            inquiries {
              id
            }
            alreadyAskedSupplierIds
          }
        }
      `,
      { advisoryId, input: { dueAt, supplierIds: [exposed.id, patched.id] } },
      asOrg,
    );
    expect(askedInGraph.body.errors).toBeUndefined();
    expect(askedInGraph.body.data.createInquiries.alreadyAskedSupplierIds).toEqual([exposed.id]);
    expect(askedInGraph.body.data.createInquiries.inquiries).toHaveLength(1);
    const pastInGraph = await graphql(
      `
        mutation ($advisoryId: ID!, $input: CreateInquiriesInput!) {
          createInquiries(advisoryId: $advisoryId, input: $input) {
            alreadyAskedSupplierIds
          }
        }
      `,
      { advisoryId, input: { dueAt: inDays(-1) } },
      asOrg,
    );
    expect(pastInGraph.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');

    // Another tenant sees none of it.
    const asOther = bearer(other.accessToken);
    expect((await gateway(`/api/v1/inquiries/${inquiryId}`, { headers: asOther })).status).toBe(404);
    expect((await gateway('/api/v1/inquiries', { headers: asOther })).body.data).toEqual([]);
    expect((await gateway(`/api/v1/advisories/${advisoryId}/vex`, { headers: asOther })).status).toBe(404);
    expect((await gateway(`/api/v1/advisories/${advisoryId}/inquiries`, { method: 'POST', json: { dueAt }, headers: asOther })).status).toBe(404);

    // The customer withdraws the link: it stops working.
    const links = (await call('GET', `/api/v1/assessments/${exposed.assessmentId}/portal-links`)).body.data;
    expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ id: stored.id, link: 'inquiry', inquiryId, status: 'active' })]));
    expect((await call('DELETE', `/api/v1/assessments/${exposed.assessmentId}/portal-links/${stored.id}`)).status).toBe(204);
    expect((await gateway('/api/v1/portal/inquiry', { headers: link })).status).toBe(401);
  });

  it('an advisory with no supplier at risk asks nobody; reading needs evidence:read and a valid advisory id', async () => {
    const org = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const submitted = await gateway('/api/v1/advisories', { method: 'POST', json: JSON.parse(LOG4SHELL.toString('utf8')), headers: asOrg });
    const advisoryId = (
      await waitFor(async () => {
        const found = await gateway(`/api/v1/advisories/imports/${submitted.body.id}`, { headers: asOrg });
        return found.body.status === 'processed' ? found.body : null;
      }, 'the advisory import')
    ).outcome.advisoryIds[0];
    const none = await gateway(`/api/v1/advisories/${advisoryId}/inquiries`, { method: 'POST', json: { dueAt: inDays(7) }, headers: asOrg });
    expect(none.status).toBe(409);
    expect((await gateway(`/api/v1/advisories/${advisoryId}/vex`, { headers: asOrg })).status).toBe(409);
    expect((await gateway('/api/v1/advisories/not-a-uuid/vex', { headers: asOrg })).status).toBe(400);
    expect((await gateway(`/api/v1/inquiries/${advisoryId}`, { headers: asOrg })).status).toBe(404);
    expect((await gateway('/api/v1/inquiries', { headers: {} })).status).toBe(401);
  });
});
