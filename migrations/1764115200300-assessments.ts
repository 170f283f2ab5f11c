import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';

/**
 * Suppliers with their contacts and products, assessments with claim responses and attestations,
 * supplier portal tokens, and this service's projection of tenant names (fed by tenancy's events).
 */
export class Assessments1764115200300 implements MigrationInterface {
  name = 'Assessments1764115200300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      // Trigram indexes serve the supplier text search (`ilike '%…%'`); a trusted extension.
      `create extension if not exists pg_trgm`,
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'tenants',
        columns: [`"name" text not null`, `"event_at" timestamptz not null`, `"updated_at" timestamptz not null default now()`],
        constraints: [`check ("id" = "tenant_id")`],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'suppliers',
        columns: [
          `"name" text not null`,
          `"tier" text not null check ("tier" in ('critical', 'high', 'medium', 'low'))`,
          `"role" text not null check ("role" in ('developer_distributor', 'reseller', 'developer_only'))`,
          `"website" text`,
          `"domains" text[] not null default '{}'`,
          `"company_number" text`,
          `"tags" text[] not null default '{}'`,
          `"owner_user_id" uuid`,
          `"status" text not null default 'active' check ("status" in ('active', 'offboarded'))`,
          `"next_assessment_due_at" timestamptz`,
          `"offboarded_at" timestamptz`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
        ],
        indexes: [
          { name: 'assessments_suppliers_by_tier', columns: `("tenant_id", "tier", "id" desc)` },
          { name: 'assessments_suppliers_by_status', columns: `("tenant_id", "status", "id" desc)` },
          { name: 'assessments_suppliers_name_trgm', columns: `using gin ("name" gin_trgm_ops)` },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'supplier_contacts',
        columns: [
          `"supplier_id" uuid not null`,
          `"name" text not null`,
          `"email" text not null`,
          `"role" text`,
          `"is_senior_responsible_owner" boolean not null default false`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
          // Removed contacts stay (portal tokens and attestations name them) but are no longer listed.
          `"removed_at" timestamptz`,
        ],
        constraints: [`foreign key ("tenant_id", "supplier_id") references "${SCHEMA}"."suppliers" ("tenant_id", "id")`],
        indexes: [
          { name: 'assessments_supplier_contacts_by_supplier', columns: `("tenant_id", "supplier_id", "id")` },
          // At most one Senior Responsible Owner per supplier.
          {
            name: 'assessments_supplier_contacts_one_sro',
            columns: `("tenant_id", "supplier_id")`,
            unique: true,
            where: `"is_senior_responsible_owner" and "removed_at" is null`,
          },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'products',
        columns: [
          `"supplier_id" uuid not null`,
          `"name" text not null`,
          `"delivery_model" text not null check ("delivery_model" in ('saas', 'on_premises', 'hybrid'))`,
          `"current_version" text`,
          `"end_of_support_at" timestamptz`,
          `"end_of_support_announced_at" timestamptz`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
          // Removed products stay (assessments name them) but are no longer listed.
          `"removed_at" timestamptz`,
        ],
        constraints: [`foreign key ("tenant_id", "supplier_id") references "${SCHEMA}"."suppliers" ("tenant_id", "id")`],
        indexes: [{ name: 'assessments_products_by_supplier', columns: `("tenant_id", "supplier_id", "id")` }],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'assessments',
        columns: [
          `"supplier_id" uuid not null`,
          `"product_id" uuid`,
          `"framework_key" text not null`,
          `"framework_version" text not null`,
          `"claim_ids" text[] not null`,
          `"status" text not null check ("status" in ('draft', 'sent', 'in_progress', 'submitted', 'in_review', 'returned', 'completed', 'cancelled'))`,
          `"due_at" timestamptz not null`,
          `"created_by" uuid`,
          `"sent_at" timestamptz`,
          `"submitted_at" timestamptz`,
          `"closed_at" timestamptz`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
        ],
        constraints: [
          `foreign key ("tenant_id", "supplier_id") references "${SCHEMA}"."suppliers" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "product_id") references "${SCHEMA}"."products" ("tenant_id", "id")`,
          `foreign key ("framework_key", "framework_version") references "${SCHEMA}"."frameworks" ("key", "version")`,
        ],
        indexes: [
          { name: 'assessments_assessments_by_supplier', columns: `("tenant_id", "supplier_id", "id" desc)` },
          { name: 'assessments_assessments_by_status', columns: `("tenant_id", "status", "id" desc)` },
          { name: 'assessments_assessments_open_by_due', columns: `("tenant_id", "due_at")`, where: `"status" not in ('completed', 'cancelled')` },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'claim_responses',
        columns: [
          `"assessment_id" uuid not null`,
          `"claim_id" text not null`,
          `"answer" text not null check ("answer" in ('met', 'partially_met', 'not_met', 'not_applicable'))`,
          `"justification" text`,
          `"evidence_ids" uuid[] not null default '{}'`,
          `"answered_by_contact_id" uuid`,
          `"answered_at" timestamptz not null default now()`,
        ],
        constraints: [
          `unique ("tenant_id", "assessment_id", "claim_id")`,
          `foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'attestations',
        columns: [
          `"assessment_id" uuid not null`,
          `"contact_id" uuid`,
          `"name" text not null`,
          `"role" text not null`,
          `"email" text not null`,
          `"statement" boolean not null check ("statement")`,
          `"responses_sha256" text not null`,
          `"signed_at" timestamptz not null default now()`,
        ],
        constraints: [`foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`],
        indexes: [{ name: 'assessments_attestations_by_assessment', columns: `("tenant_id", "assessment_id", "signed_at" desc)` }],
        // Signed statements are kept as they were: the app role cannot change or remove them.
        appPrivileges: ['select', 'insert'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'portal_tokens',
        columns: [
          `"assessment_id" uuid not null`,
          `"contact_id" uuid not null`,
          `"token_hash" text not null`,
          `"created_by" uuid`,
          `"created_at" timestamptz not null default now()`,
          `"expires_at" timestamptz not null`,
          `"revoked_at" timestamptz`,
          `"last_used_at" timestamptz`,
        ],
        constraints: [
          `unique ("tenant_id", "token_hash")`,
          `foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "contact_id") references "${SCHEMA}"."supplier_contacts" ("tenant_id", "id")`,
        ],
        indexes: [{ name: 'assessments_portal_tokens_by_assessment', columns: `("tenant_id", "assessment_id", "id")` }],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['portal_tokens', 'attestations', 'claim_responses', 'assessments', 'products', 'supplier_contacts', 'suppliers', 'tenants']) {
      await queryRunner.query(`drop table if exists "${SCHEMA}"."${table}"`);
    }
  }
}
