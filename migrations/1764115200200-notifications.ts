import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'notifications';

/**
 * The notifications service: its projections of tenants and members (fed by events, never read from
 * another schema), reminder schedules and the reminders sent, the email log, webhook endpoints with
 * deliveries and attempts, and the in-app feed.
 */
export class Notifications1764115200200 implements MigrationInterface {
  name = 'Notifications1764115200200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'tenants',
        columns: [
          `"name" text not null`,
          `"reminder_policy" jsonb not null`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        constraints: [`check ("id" = "tenant_id")`],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'members',
        columns: [
          `"email" text not null`,
          `"name" text not null`,
          `"role" text not null`,
          `"removed" boolean not null default false`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        indexes: [{ name: 'notifications_members_role', columns: `("tenant_id", "role")`, where: `not "removed"` }],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'reminder_schedules',
        columns: [
          `"supplier_id" uuid not null`,
          `"supplier_name" text not null`,
          `"product_name" text`,
          `"due_at" timestamptz not null`,
          `"opened_at" timestamptz not null`,
          `"recipients" jsonb not null`,
          `"senior_responsible_owner" jsonb`,
          `"internal_owner_user_id" uuid`,
          `"assessment_status" text not null`,
          `"open" boolean not null`,
          `"next_reminder_at" timestamptz`,
          `"event_at" timestamptz not null`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        indexes: [
          { name: 'notifications_reminder_schedules_due', columns: `("tenant_id", "next_reminder_at")`, where: `"open" and "next_reminder_at" is not null` },
          {
            name: 'notifications_reminder_schedules_due_all',
            columns: `("next_reminder_at", "tenant_id")`,
            where: `"open" and "next_reminder_at" is not null`,
          },
        ],
        systemAccess: ['select'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'reminders',
        columns: [
          `"assessment_id" uuid not null`,
          `"step" text not null`,
          `"kind" text not null check ("kind" in ('reminder', 'escalation_sro', 'escalation_owner'))`,
          `"recipients" jsonb not null`,
          `"due_at" timestamptz not null`,
          `"step_at" timestamptz not null`,
          `"sent_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        constraints: [`unique ("tenant_id", "assessment_id", "step")`],
        indexes: [
          { name: 'notifications_reminders_by_assessment', columns: `("tenant_id", "assessment_id", "sent_at", "id")` },
          { name: 'notifications_reminders_by_time', columns: `("tenant_id", "sent_at" desc, "id" desc)` },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'emails',
        columns: [
          `"template" text not null`,
          `"to_address" text not null`,
          `"to_name" text`,
          `"params" jsonb not null`,
          `"status" text not null check ("status" in ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled'))`,
          `"attempts" int not null default 0`,
          `"error" text`,
          `"dedupe_key" text not null`,
          `"reminder_id" uuid`,
          `"assessment_id" uuid`,
          `"message_id" text`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"last_attempt_at" timestamptz`,
          `"sent_at" timestamptz`,
        ],
        constraints: [`unique ("tenant_id", "dedupe_key")`],
        indexes: [
          { name: 'notifications_emails_by_time', columns: `("tenant_id", "created_at" desc, "id" desc)` },
          { name: 'notifications_emails_unsent', columns: `("updated_at")`, where: `"status" in ('queued', 'sending', 'retrying')` },
          { name: 'notifications_emails_by_reminder', columns: `("tenant_id", "reminder_id")`, where: `"reminder_id" is not null` },
        ],
        systemAccess: ['select'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'webhook_endpoints',
        columns: [
          `"url" text not null`,
          `"description" text`,
          `"events" text[] not null`,
          `"enabled" boolean not null default true`,
          `"disabled_reason" text`,
          `"disabled_at" timestamptz`,
          `"secret_ciphertext" text not null`,
          `"previous_secret_ciphertext" text`,
          `"previous_secret_expires_at" timestamptz`,
          `"failing_since" timestamptz`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        indexes: [{ name: 'notifications_webhook_endpoints_by_time', columns: `("tenant_id", "created_at" desc, "id" desc)` }],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'webhook_deliveries',
        columns: [
          `"endpoint_id" uuid not null`,
          `"event_id" uuid not null`,
          `"event_type" text not null`,
          `"body" text not null`,
          `"status" text not null check ("status" in ('pending', 'succeeded', 'failed', 'cancelled'))`,
          `"attempts" int not null default 0`,
          `"next_attempt_at" timestamptz`,
          `"last_attempt_at" timestamptz`,
          `"last_status_code" int`,
          `"last_error" text`,
          `"redelivery_of" uuid`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"completed_at" timestamptz`,
        ],
        constraints: [`foreign key ("tenant_id", "endpoint_id") references "${SCHEMA}"."webhook_endpoints" ("tenant_id", "id") on delete cascade`],
        indexes: [
          {
            name: 'notifications_webhook_deliveries_once',
            columns: `("tenant_id", "endpoint_id", "event_id")`,
            unique: true,
            where: `"redelivery_of" is null`,
          },
          { name: 'notifications_webhook_deliveries_by_endpoint', columns: `("tenant_id", "endpoint_id", "created_at" desc, "id" desc)` },
          { name: 'notifications_webhook_deliveries_pending', columns: `("next_attempt_at")`, where: `"status" = 'pending'` },
        ],
        systemAccess: ['select'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'webhook_attempts',
        columns: [
          `"delivery_id" uuid not null`,
          `"attempt" int not null`,
          `"started_at" timestamptz not null`,
          `"duration_ms" int not null`,
          `"status_code" int`,
          `"response_snippet" text`,
          `"error" text`,
          `"succeeded" boolean not null`,
        ],
        constraints: [
          `unique ("tenant_id", "delivery_id", "attempt")`,
          `foreign key ("tenant_id", "delivery_id") references "${SCHEMA}"."webhook_deliveries" ("tenant_id", "id") on delete cascade`,
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'feed_items',
        columns: [
          `"user_id" uuid not null`,
          `"event_id" uuid not null`,
          `"event_type" text not null`,
          `"title" text not null`,
          `"body" text not null`,
          `"subject_type" text`,
          `"subject_id" text`,
          `"created_at" timestamptz not null`,
          `"read_at" timestamptz`,
        ],
        constraints: [`unique ("tenant_id", "user_id", "event_id")`],
        indexes: [{ name: 'notifications_feed_items_by_user', columns: `("tenant_id", "user_id", "created_at" desc, "id" desc)` }],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'feed_items',
      'webhook_attempts',
      'webhook_deliveries',
      'webhook_endpoints',
      'emails',
      'reminders',
      'reminder_schedules',
      'members',
      'tenants',
    ]) {
      await queryRunner.query(`drop table if exists "${SCHEMA}"."${table}"`);
    }
  }
}
