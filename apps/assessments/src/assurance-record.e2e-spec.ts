import { canonicalJson } from '@assay/shared/contracts';
import {
  SinkMessage,
  bearer,
  cycloneDxValidator,
  gateway,
  graphql,
  mailSubject,
  mailText,
  ownerDataSourceForFile,
  waitFor,
  waitForMail,
} from '@assay/shared/testing';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTESTATION, Organisation, SentAssessment, createContact, organisation, parseCsv, portal, sentAssessment } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

/** Real security.txt files (see the evidence fixtures' MANIFEST). */
const FIXTURES = join(__dirname, '..', '..', '..', 'libs', 'evidence', 'src', 'parsing', '__fixtures__', 'real');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Uploads a file as the customer, for the supplier and (when given) one of its assessments. */
async function upload(org: Organisation, supplierId: string, bytes: Buffer, assessmentId?: string) {
  const form = new FormData();
  form.append('supplierId', supplierId);
  if (assessmentId) form.append('assessmentId', assessmentId);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'security.txt');
  return gateway('/api/v1/evidence', { method: 'POST', body: form, headers: org.auth });
}

type Claim = { id: string; checks: { evidenceId: string | null }[] };

/** Evidence uploaded for the assessment, processed, its checks beside a claim; that claim's id. */
async function evidenceWithChecks(org: Organisation, sent: SentAssessment, bytes: Buffer): Promise<{ evidenceId: string; claimId: string }> {
  const uploaded = await waitFor(async () => {
    const response = await upload(org, sent.supplier.id, bytes, sent.assessment.id);
    return response.status === 202 ? response : null;
  }, 'the supplier to be known to the evidence service');
  const evidenceId = uploaded.body.id as string;
  const claim = await waitFor(async () => {
    const detail = await org.call('GET', `/api/v1/assessments/${sent.assessment.id}`);
    return (detail.body.claims as Claim[]).find((candidate) => candidate.checks.some((check) => check.evidenceId === evidenceId));
  }, 'checks from evidence.processed');
  return { evidenceId, claimId: claim.id };
}

/** Answers every claim met, naming the evidence on its claim. */
async function answerAll(token: string, claimIds: string[], evidence: { evidenceId: string; claimId: string }) {
  for (const claimId of claimIds) {
    const saved = await portal(token).answer(claimId, { answer: 'met', ...(claimId === evidence.claimId ? { evidenceIds: [evidence.evidenceId] } : {}) });
    expect(saved.status).toBe(200);
  }
}

/** The report without what may change after completion: the time it was generated and the findings. */
async function frozenParts(org: Organisation, id: string) {
  const json = await org.call('GET', `/api/v1/assessments/${id}/report`);
  expect(json.status).toBe(200);
  const { generatedAt: _generatedAt, findings: _findings, ...rest } = json.body;
  const csv = await org.call('GET', `/api/v1/assessments/${id}/report?format=csv`);
  const rows = parseCsv(csv.body as string);
  const column = (rows[0] as string[]).indexOf('findings');
  const csvWithoutFindings = JSON.stringify(rows.map((row) => row.filter((_cell, index) => index !== column)));
  const detail = await org.call('GET', `/api/v1/assessments/${id}`);
  const { claims, disagreements, score, attestation } = detail.body;
  const graph = await graphql(
    'query ($id: ID!) { assessment(id: $id) { claims { id checks { key result evidenceId } } disagreements { claimId checkKey reason } score { overall } } }',
    { id },
    org.auth,
  );
  expect(graph.body.errors).toBeUndefined();
  return {
    json: JSON.stringify(rest),
    csv: csvWithoutFindings,
    detail: JSON.stringify({ claims, disagreements, score, attestation }),
    graph: JSON.stringify(graph.body.data),
    findings: json.body.findings,
  };
}

describe('the assurance record', () => {
  it("reports each claim's evidence with its SHA-256, and the attestation covers those hashes (REST, CSV and GraphQL)", async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const bytes = fixture('letsencrypt-security.txt');
    const evidence = await evidenceWithChecks(org, sent, bytes);
    await answerAll(sent.token, sent.claimIds, evidence);
    const submitted = await portal(sent.token).submit({ attestation: ATTESTATION });
    expect(submitted.status).toBe(200);
    expect(submitted.body.attestation).toMatchObject({ canonicalVersion: 2, responsesSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const report = await org.call('GET', `/api/v1/assessments/${sent.assessment.id}/report`);
    expect(report.status).toBe(200);
    const claim = report.body.claims.find((candidate: { claimId: string }) => candidate.claimId === evidence.claimId);
    expect(claim.evidenceIds).toEqual([evidence.evidenceId]);
    expect(claim.evidence).toEqual([
      {
        id: evidence.evidenceId,
        kind: 'security_txt',
        sha256: sha256(bytes),
        validUntil: expect.any(String),
        checks: expect.arrayContaining([{ key: expect.stringMatching(/^security_txt\./), result: expect.any(String), detail: expect.any(String) }]),
      },
    ]);

    // Anyone holding the report recomputes the attested hash from it (canonical form 2).
    type ReportClaim = { claimId: string; answer: string; justification: string | null; evidenceIds: string[]; evidence: { id: string; sha256: string }[] };
    const attested = report.body.claims.map((c: ReportClaim) => ({
      claimId: c.claimId,
      answer: c.answer,
      justification: c.justification,
      evidence: [...c.evidenceIds].sort().map((id) => ({ id, sha256: c.evidence.find((e) => e.id === id)?.sha256 ?? null })),
    }));
    const recomputed = createHash('sha256').update(canonicalJson(attested), 'utf8').digest('hex');
    expect(report.body.attestations).toEqual([expect.objectContaining({ canonicalVersion: 2, responsesSha256: recomputed })]);
    // A different hash for the evidence would not match: the attestation covers content, not only ids.
    const tampered = attested.map((entry: { evidence: { id: string; sha256: string }[] }) => ({
      ...entry,
      evidence: entry.evidence.map((e) => ({ ...e, sha256: sha256(fixture('jazzband-security.txt')) })),
    }));
    expect(createHash('sha256').update(canonicalJson(tampered), 'utf8').digest('hex')).not.toBe(recomputed);

    const csv = await org.call('GET', `/api/v1/assessments/${sent.assessment.id}/report?format=csv`);
    const rows = parseCsv(csv.body as string);
    const header = rows[0] as string[];
    const row = rows.find((cells) => cells[header.indexOf('claim_id')] === evidence.claimId) as string[];
    expect(row[header.indexOf('evidence_sha256')]).toBe(`${evidence.evidenceId}:${sha256(bytes)}`);

    const graph = await graphql(
      'query ($id: ID!) { assessment(id: $id) { attestation { responsesSha256 canonicalVersion } } }',
      { id: sent.assessment.id },
      org.auth,
    );
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.assessment.attestation).toEqual({ responsesSha256: recomputed, canonicalVersion: 2 });
  });

  it('only the SRO contact submits; another contact answers, gets sro-required, and asks the SRO to sign off by email', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const colleague = await createContact(org, sent.supplier.id, { name: 'Casey Colleague' });
    const link = await org.call('POST', `/api/v1/assessments/${sent.assessment.id}/portal-links`, { contactId: colleague.id });
    expect(link.status).toBe(201);
    const other = portal(link.body.token as string);

    const view = await other.get();
    expect(view.body).toMatchObject({ seniorResponsibleOwner: { name: sent.contact.name }, canSubmit: false });
    expect((await portal(sent.token).get()).body).toMatchObject({ canSubmit: true });

    for (const claimId of sent.claimIds) expect((await other.answer(claimId, { answer: 'met' })).status).toBe(200);
    const refused = await other.submit({ attestation: ATTESTATION });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:assay:problem:sro-required', status: 403, seniorResponsibleOwner: { name: sent.contact.name } });
    expect((await org.call('GET', `/api/v1/assessments/${sent.assessment.id}`)).body).toMatchObject({ status: 'in_progress', attestation: null });

    // The SRO's own link cannot ask itself; a bad body is refused; neither sends anything.
    const own = await gateway('/api/v1/portal/assessment/sign-off-request', { method: 'POST', json: {}, headers: bearer(sent.token) });
    expect(own.status).toBe(409);
    const bad = await gateway('/api/v1/portal/assessment/sign-off-request', { method: 'POST', json: { message: 7 }, headers: bearer(link.body.token) });
    expect(bad.status).toBe(400);

    const requested = await gateway('/api/v1/portal/assessment/sign-off-request', {
      method: 'POST',
      json: { message: 'All answered, please review and sign.' },
      headers: bearer(link.body.token),
    });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual({ seniorResponsibleOwner: { name: sent.contact.name }, linkExpiresAt: expect.any(String) });
    // Once an hour per contact and assessment: asking again at once is a problem saying when, and mints no link.
    const linksBefore = (await owner.query(`select count(*)::int as n from assessments.portal_tokens where assessment_id = $1`, [sent.assessment.id]))[0].n;
    const again = await gateway('/api/v1/portal/assessment/sign-off-request', { method: 'POST', json: {}, headers: bearer(link.body.token) });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({ title: 'Sign-off already requested', retryAt: expect.any(String) });
    expect(Date.parse(again.body.retryAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(again.body.detail).toContain(again.body.retryAt);
    expect((await owner.query(`select count(*)::int as n from assessments.portal_tokens where assessment_id = $1`, [sent.assessment.id]))[0].n).toBe(
      linksBefore,
    );
    const signOffMail = (m: SinkMessage) => m.to.includes(sent.contact.email) && mailSubject(m.raw).includes('Your sign-off is requested');
    const mail = (await waitForMail((messages) => messages.some(signOffMail))).find(signOffMail);
    const text = mailText(mail?.raw ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Casey Colleague has prepared');
    expect(text).toContain('All answered, please review and sign.');
    const token = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(text)?.[1] as string;
    expect(token).toBeTruthy();
    expect(token).not.toBe(sent.token);

    // A portal link like any other: only its SHA-256 is stored, it expires, and the customer lists (and can revoke) it.
    const [stored] = await owner.query(`select id, contact_id, expires_at from assessments.portal_tokens where token_hash = $1`, [sha256(Buffer.from(token))]);
    expect(stored).toMatchObject({ contact_id: sent.contact.id });
    expect(stored.expires_at.toISOString()).toBe(requested.body.linkExpiresAt);
    const links = (await org.call('GET', `/api/v1/assessments/${sent.assessment.id}/portal-links`)).body.data as {
      id: string;
      contactId: string;
      status: string;
    }[];
    expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ id: stored.id, contactId: sent.contact.id, status: 'active' })]));

    // The new link is the SRO's: it shows the answers and signs.
    const sro = portal(token);
    expect((await sro.get()).body).toMatchObject({ contact: { id: sent.contact.id }, canSubmit: true, answeredCount: sent.claimIds.length });
    const signed = await sro.submit({ attestation: ATTESTATION });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'submitted', attestation: { canonicalVersion: 2 } });
    const [attestation] = await owner.query(`select contact_id from assessments.attestations where assessment_id = $1`, [sent.assessment.id]);
    expect(attestation.contact_id).toBe(sent.contact.id);
    // Revoked, the link opens nothing.
    expect((await org.call('DELETE', `/api/v1/assessments/${sent.assessment.id}/portal-links/${stored.id}`)).status).toBe(204);
    expect((await sro.get()).status).toBe(401);
    // After submission there is nothing left to sign.
    const late = await gateway('/api/v1/portal/assessment/sign-off-request', { method: 'POST', json: {}, headers: bearer(link.body.token) });
    expect(late.status).toBe(409);
  });

  it('a completed assessment is frozen: evidence naming it is refused, and later evidence and late events change nothing but its findings', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const bytes = fixture('letsencrypt-security.txt');
    const evidence = await evidenceWithChecks(org, sent, bytes);
    await answerAll(sent.token, sent.claimIds, evidence);
    expect((await portal(sent.token).submit({ attestation: ATTESTATION })).status).toBe(200);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    expect((await org.call('POST', `${url}/complete`, { conclusion: 'Assured' })).status).toBe(200);
    const before = await frozenParts(org, sent.assessment.id);

    // Evidence naming the completed assessment: 409, nothing stored. The evidence service learns of the
    // completion from the assessments service's event (its own projection), so wait until it has.
    await waitFor(async () => {
      const [known] = await owner.query(`select status from evidence.assessments where id = $1`, [sent.assessment.id]);
      return known?.status === 'completed';
    }, 'the evidence service to learn of the completion');
    const [{ count: evidenceBefore }] = await owner.query(`select count(*)::int as count from evidence.evidence where supplier_id = $1`, [sent.supplier.id]);
    const named = await upload(org, sent.supplier.id, fixture('jazzband-security.txt'), sent.assessment.id);
    expect(named.status).toBe(409);
    expect(named.headers.get('content-type')).toContain('application/problem+json');
    const [{ count: evidenceAfter }] = await owner.query(`select count(*)::int as count from evidence.evidence where supplier_id = $1`, [sent.supplier.id]);
    expect(evidenceAfter).toBe(evidenceBefore);

    // New evidence for the supplier is processed (the checks run again) but does not reach the completed assessment.
    const later = await upload(org, sent.supplier.id, fixture('jazzband-security.txt'));
    expect(later.status).toBe(202);
    await waitFor(async () => {
      const [row] = await owner.query(`select 1 from assessments.evidence_digests where id = $1`, [later.body.id]);
      return row;
    }, 'the later evidence to be processed');

    // A late event naming the completed assessment (checks failing, the evidence re-hashed) arrives and is consumed.
    const [original] = await owner.query(`select payload from evidence.outbox where type = 'evidence.processed' and payload->'data'->>'evidenceId' = $1`, [
      evidence.evidenceId,
    ]);
    const rehashed = sha256(Buffer.from(randomUUID()));
    const late = {
      ...original.payload,
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      data: {
        ...original.payload.data,
        sha256: rehashed,
        checks: original.payload.data.checks.map((check: object) => ({ ...check, result: 'fail', detail: 'late' })),
      },
    };
    await owner.query(`insert into evidence.outbox (tenant_id, id, type, payload) values ($1, $2, 'evidence.processed', $3)`, [
      org.tenantId,
      late.id,
      JSON.stringify(late),
    ]);
    await waitFor(async () => {
      const [row] = await owner.query(`select sha256 from assessments.evidence_digests where id = $1`, [evidence.evidenceId]);
      return row?.sha256 === rehashed;
    }, 'the late event to be consumed');
    // Its checks never reached the completed assessment.
    const checks = await owner.query(`select detail from assessments.check_results where assessment_id = $1 and detail = 'late'`, [sent.assessment.id]);
    expect(checks).toEqual([]);
    // Replaying the original event too changes nothing.
    await owner.query(`update evidence.outbox set published_at = null where id = $1`, [original.payload.id]);
    await waitFor(async () => {
      const [row] = await owner.query(`select published_at from evidence.outbox where id = $1`, [original.payload.id]);
      return row?.published_at;
    }, 'the replayed event to be published');

    // Findings live on: a new one shows in the report, the rest is byte for byte what it was.
    const finding = await org.call('POST', `${url}/findings`, { claimId: evidence.claimId, severity: 'low', title: 'Follow-up after completion' });
    expect(finding.status).toBe(201);
    const after = await frozenParts(org, sent.assessment.id);
    expect(after.json).toBe(before.json);
    expect(after.csv).toBe(before.csv);
    expect(after.detail).toBe(before.detail);
    expect(after.graph).toBe(before.graph);
    expect(after.findings).toEqual([expect.objectContaining({ id: finding.body.id, title: 'Follow-up after completion' })]);
    expect(JSON.parse(after.json).claims.find((c: { claimId: string }) => c.claimId === evidence.claimId).evidence[0].sha256).toBe(sha256(bytes));
  });

  it('exports an attested assessment as a CycloneDX 1.6 declaration: claims, evidence hashes, the SRO affirmation (valid against the real schema)', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}/report?format=cdxa`;
    expect((await org.call('GET', url)).status).toBe(409);
    const bytes = fixture('letsencrypt-security.txt');
    const evidence = await evidenceWithChecks(org, sent, bytes);
    await answerAll(sent.token, sent.claimIds, evidence);
    const submitted = await portal(sent.token).submit({ attestation: ATTESTATION });
    expect(submitted.status).toBe(200);

    const exported = await org.call('GET', url);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/vnd\.cyclonedx\+json; version="?1\.6"?/);
    const bom = exported.body;
    const validate = cycloneDxValidator();
    expect({ valid: validate(bom), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
    const { declarations } = bom;
    const claimRef = `claim:${evidence.claimId}`;
    expect(declarations.claims).toHaveLength(sent.claimIds.length);
    expect(declarations.claims.find((claim: { 'bom-ref': string }) => claim['bom-ref'] === claimRef)).toMatchObject({
      target: 'target:supplier',
      evidence: [`evidence:${evidence.evidenceId}`],
    });
    expect(declarations.evidence).toEqual([
      expect.objectContaining({
        'bom-ref': `evidence:${evidence.evidenceId}`,
        data: [{ name: 'sha256', contents: { attachment: { contentType: 'text/plain', content: sha256(bytes) } } }],
      }),
    ]);
    // Every claim maps to the Code's requirement of the same id, which the document defines.
    const requirements = new Set(bom.definitions.standards[0].requirements.map((requirement: { 'bom-ref': string }) => requirement['bom-ref']));
    const map = declarations.attestations[0].map as { requirement: string; claims?: string[]; conformance?: { score: number } }[];
    expect(map).toHaveLength(sent.claimIds.length);
    expect(map.every((entry) => requirements.has(entry.requirement) && entry.conformance?.score === 1)).toBe(true);
    expect(declarations.affirmation.signatories).toEqual([
      expect.objectContaining({
        name: ATTESTATION.name,
        role: ATTESTATION.role,
        externalReference: expect.objectContaining({ type: 'attestation', comment: expect.stringContaining(submitted.body.attestation.responsesSha256) }),
      }),
    ]);
    // The schema refuses what is not CycloneDX: the validation can fail.
    expect(validate({ ...bom, declarations: { ...declarations, attestations: [{ map: [{ conformance: { score: 2 } }] }] } })).toBe(false);
    expect((await org.call('GET', `/api/v1/assessments/${sent.assessment.id}/report?format=cdx`)).status).toBe(400);
  });
});
