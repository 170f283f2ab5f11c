import { grantReadOnlySql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['frameworks', 'framework_themes', 'framework_principles', 'framework_claims', 'framework_checks', 'framework_mappings'];

/** The global, versioned Code catalogue: read-only for the app role (a reference table under Citus). */
export class AssessmentsCatalogue1764028800100 implements MigrationInterface {
  name = 'AssessmentsCatalogue1764028800100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table assessments.frameworks (
        key text not null,
        version text not null,
        name text not null,
        publisher text not null,
        url text not null,
        attribution text not null,
        applicability jsonb not null,
        evidence_kinds text[] not null,
        is_current boolean not null default false,
        loaded_at timestamptz not null default now(),
        primary key (key, version)
      )`);
    await queryRunner.query(`create unique index frameworks_one_current on assessments.frameworks (key) where is_current`);
    await queryRunner.query(`
      create table assessments.framework_themes (
        framework_key text not null,
        framework_version text not null,
        id text not null,
        title text not null,
        position int not null,
        primary key (framework_key, framework_version, id),
        foreign key (framework_key, framework_version) references assessments.frameworks (key, version) on delete cascade
      )`);
    await queryRunner.query(`
      create table assessments.framework_principles (
        framework_key text not null,
        framework_version text not null,
        id text not null,
        theme_id text not null,
        title text not null,
        position int not null,
        primary key (framework_key, framework_version, id),
        foreign key (framework_key, framework_version, theme_id) references assessments.framework_themes (framework_key, framework_version, id) on delete cascade
      )`);
    await queryRunner.query(`
      create table assessments.framework_claims (
        framework_key text not null,
        framework_version text not null,
        id text not null,
        principle_id text not null,
        text text not null,
        evidence_kinds text[] not null,
        position int not null,
        primary key (framework_key, framework_version, id),
        foreign key (framework_key, framework_version, principle_id) references assessments.framework_principles (framework_key, framework_version, id) on delete cascade
      )`);
    await queryRunner.query(`
      create table assessments.framework_checks (
        framework_key text not null,
        framework_version text not null,
        key text not null,
        claim_ids text[] not null,
        rule text not null,
        primary key (framework_key, framework_version, key),
        foreign key (framework_key, framework_version) references assessments.frameworks (key, version) on delete cascade
      )`);
    await queryRunner.query(`
      create table assessments.framework_mappings (
        framework_key text not null,
        framework_version text not null,
        target text not null,
        principle_id text not null,
        refs text[] not null,
        primary key (framework_key, framework_version, target, principle_id),
        foreign key (framework_key, framework_version, principle_id) references assessments.framework_principles (framework_key, framework_version, id) on delete cascade
      )`);
    for (const table of TABLES) await queryRunner.query(grantReadOnlySql('assessments', table));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.query(`drop table if exists assessments.${table}`);
  }
}
