import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AttestationRow {
  id: string;
  contact_id: string | null;
  name: string;
  role: string;
  email: string;
  statement: boolean;
  responses_sha256: string;
  /** The canonical form `responses_sha256` was computed over (see `attestedResponses`). */
  canonical_version: number;
  signed_at: Date;
}

export interface NewAttestation {
  id: string;
  contactId: string;
  name: string;
  role: string;
  email: string;
  responsesSha256: string;
  canonicalVersion: number;
}

/** The signed attestations of an assessment's answers (one per submission). */
@Injectable()
export class AttestationsRepository {
  async insert(m: EntityManager, tenantId: string, assessmentId: string, attestation: NewAttestation): Promise<AttestationRow> {
    const [signed]: AttestationRow[] = await m.query(
      `insert into assessments.attestations (tenant_id, id, assessment_id, contact_id, name, role, email, statement, responses_sha256, canonical_version)
       values ($1, $2, $3, $4, $5, $6, $7, true, $8, $9) returning *`,
      [
        tenantId,
        attestation.id,
        assessmentId,
        attestation.contactId,
        attestation.name,
        attestation.role,
        attestation.email,
        attestation.responsesSha256,
        attestation.canonicalVersion,
      ],
    );
    return signed as AttestationRow;
  }

  async latest(m: EntityManager, tenantId: string, assessmentId: string): Promise<AttestationRow | null> {
    const [attestation]: AttestationRow[] = await m.query(
      `select * from assessments.attestations where tenant_id = $1 and assessment_id = $2 order by signed_at desc, id desc limit 1`,
      [tenantId, assessmentId],
    );
    return attestation ?? null;
  }

  /** Every attestation, oldest first. */
  async all(m: EntityManager, tenantId: string, assessmentId: string): Promise<AttestationRow[]> {
    return m.query(`select * from assessments.attestations where tenant_id = $1 and assessment_id = $2 order by signed_at, id`, [tenantId, assessmentId]);
  }
}
