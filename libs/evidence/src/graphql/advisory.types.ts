import { JsonScalar, connectionType } from '@assay/shared/graphql';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Supplier } from './evidence.types';
import { EvidenceSchemaModule } from './evidence-schema.module';

@ObjectType({ registerIn: EvidenceSchemaModule, description: 'A stored component an advisory names, with its supplier and its status for that advisory' })
export class AdvisoryExposure {
  @Field(() => ID) supplierId!: string;
  @Field() supplierName!: string;
  @Field(() => ID, { nullable: true }) productId!: string | null;
  @Field(() => ID) evidenceId!: string;
  @Field() purl!: string;
  @Field(() => String, { nullable: true }) version!: string | null;
  @Field({ description: 'affected, not_affected, fixed or under_investigation' }) status!: string;
  @Field({ description: 'version (the ranges, or a CSAF document’s own product status), vex (the supplier’s VEX) or inquiry (its answer)' })
  statusSource!: string;
  @Field(() => JsonScalar, { nullable: true, description: 'The supplier’s statement behind a vex or inquiry status, as written' })
  statement!: Record<string, unknown> | null;
  @Field(() => Supplier) supplier?: Supplier;
}

@ObjectType({
  registerIn: EvidenceSchemaModule,
  description: 'An announced vulnerability read from an OSV record or a CSAF document, flagged when the CISA KEV catalogue lists it',
})
export class Advisory {
  @Field(() => ID) id!: string;
  @Field({ description: 'osv or csaf' }) source!: string;
  @Field(() => [String], { description: 'The record’s id and aliases (GHSA-…, CVE-…, a CSAF tracking id)' }) externalIds!: string[];
  @Field(() => String, { nullable: true }) summary!: string | null;
  @Field(() => String, { nullable: true }) severity!: string | null;
  @Field(() => String, { nullable: true }) published!: string | null;
  @Field() modified!: string;
  @Field({ description: 'Whether a CVE of it is in the CISA Known Exploited Vulnerabilities catalogue' }) kev!: boolean;
  @Field(() => JsonScalar, { description: 'The packages it names: purl, ecosystem, name, ranges, versions, status, reason' }) affected!: unknown[];
  @Field(() => [String], { description: 'What was left out of a hostile or oversized document' }) notes!: string[];
  @Field(() => [AdvisoryExposure], { description: 'Every stored component it names (at most 1,000), by supplier name' }) exposure?: AdvisoryExposure[];
}

@InputType({ registerIn: EvidenceSchemaModule })
export class AdvisoryFilterInput {
  @Field(() => String, { nullable: true, description: 'An advisory id (CVE-…, GHSA-…, a CSAF tracking id), or words of its summary' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only advisories whose CVE is (or is not) in the KEV catalogue' })
  @IsOptional()
  @IsBoolean()
  kev?: boolean | null;
}

export const AdvisoryConnection = connectionType(Advisory, EvidenceSchemaModule);
