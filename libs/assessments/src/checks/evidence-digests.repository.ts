import { writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One piece of evidence as this service knows it from `evidence.processed`. */
export interface EvidenceDigest {
  id: string;
  kind: string;
  sha256: string;
  validUntil: string | null;
}

export interface EvidenceDigestWrite extends EvidenceDigest {
  supplierId: string;
  eventAt: string;
}

interface DigestRow {
  id: string;
  kind: string;
  sha256: string;
  valid_until: Date | null;
}

/** The kind, content hash and validity of each piece of evidence, kept from the evidence service's events. */
@Injectable()
export class EvidenceDigestsRepository {
  /** Stores the digest unless a newer event already stored one for the same evidence. */
  async upsert(m: EntityManager, tenantId: string, digest: EvidenceDigestWrite): Promise<void> {
    await writeProjection(m, {
      table: ['assessments', 'evidence_digests'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: digest.id, supplier_id: digest.supplierId, kind: digest.kind, sha256: digest.sha256, valid_until: digest.validUntil },
      eventAt: digest.eventAt,
    });
  }

  /** A new validity date of the evidence, unless a newer event already wrote its digest. */
  async moveValidity(m: EntityManager, tenantId: string, id: string, validUntil: string | null, eventAt: string): Promise<void> {
    await m.query(`update assessments.evidence_digests set valid_until = $3, event_at = $4 where tenant_id = $1 and id = $2 and event_at <= $4`, [
      tenantId,
      id,
      validUntil,
      eventAt,
    ]);
  }

  /** Whether the evidence was replaced through a renewal (`evidence.renewed`). */
  async isSuperseded(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`select 1 from assessments.evidence_digests where tenant_id = $1 and id = $2 and superseded_by is not null`, [
      tenantId,
      id,
    ]);
    return rows.length > 0;
  }

  /** The digests of the given evidence of one supplier, by id (evidence of other suppliers is never named). */
  async ofSupplier(m: EntityManager, tenantId: string, supplierId: string, ids: string[]): Promise<Map<string, EvidenceDigest>> {
    if (!ids.length) return new Map();
    const rows: DigestRow[] = await m.query(
      `select id, kind, sha256, valid_until from assessments.evidence_digests where tenant_id = $1 and supplier_id = $2 and id = any($3::uuid[])`,
      [tenantId, supplierId, ids],
    );
    return new Map(rows.map((row) => [row.id, { id: row.id, kind: row.kind, sha256: row.sha256, validUntil: row.valid_until?.toISOString() ?? null }]));
  }
}
