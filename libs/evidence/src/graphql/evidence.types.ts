import { JsonScalar, connectionType } from '@assay/shared/graphql';
import { Directive, Field, Float, ID, InputType, ObjectType } from '@nestjs/graphql';
import { UpdateEvidenceDto } from '../evidence/evidence.dto';
import { EvidenceSchemaModule } from './evidence-schema.module';

/** The assessments subgraph owns Supplier; this subgraph contributes `Supplier.evidence`. */
@ObjectType({ registerIn: EvidenceSchemaModule })
@Directive('@key(fields: "id")')
export class Supplier {
  @Field(() => ID) id!: string;
}

/** The assessments subgraph owns Assessment; this subgraph contributes `Assessment.evidence`. */
@ObjectType({ registerIn: EvidenceSchemaModule })
@Directive('@key(fields: "id")')
export class Assessment {
  @Field(() => ID) id!: string;
}

@ObjectType('EvidenceCheck', { registerIn: EvidenceSchemaModule, description: 'The outcome of one automated check on a piece of evidence' })
export class EvidenceCheckType {
  @Field() key!: string;
  @Field(() => [String]) claimIds!: string[];
  @Field({ description: 'pass, fail, warn, not_applicable or error' }) result!: string;
  @Field() detail!: string;
}

@ObjectType({ registerIn: EvidenceSchemaModule, description: 'A piece of evidence: what was submitted, what was detected and the checks it passed or failed' })
export class Evidence {
  @Field(() => ID) id!: string;
  @Field(() => ID) supplierId!: string;
  @Field(() => ID, { nullable: true }) productId!: string | null;
  @Field(() => ID, { nullable: true }) assessmentId!: string | null;
  @Field(() => [String]) claimIds!: string[];
  @Field(() => String, { nullable: true, description: 'Detected from the content' }) kind!: string | null;
  @Field({ description: 'pending, processing, processed, failed or rejected' }) status!: string;
  @Field({ description: 'upload or url' }) source!: string;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => String, { nullable: true }) filename!: string | null;
  @Field(() => String, { nullable: true }) sha256!: string | null;
  @Field(() => Float, { nullable: true }) size!: number | null;
  @Field(() => String, { nullable: true }) mediaType!: string | null;
  @Field(() => JsonScalar) facts!: Record<string, unknown>;
  @Field(() => [EvidenceCheckType]) checks!: EvidenceCheckType[];
  @Field(() => String, { nullable: true, description: 'When it stops being valid: the earlier of what its content says and what its submitter declared' })
  validUntil!: string | null;
  @Field(() => String, { nullable: true, description: 'From when it is valid, as its submitter declared' }) validFrom!: string | null;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => ID, { nullable: true, description: 'The evidence this one replaced' }) supersedes!: string | null;
  @Field(() => ID, { nullable: true, description: 'The evidence that replaced this one' }) supersededBy!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) processedAt!: string | null;
  @Field(() => Supplier) supplier?: Supplier;
  @Field(() => Assessment, { nullable: true, description: 'The assessment it was submitted for, if any' }) assessment?: Assessment | null;
}

@ObjectType({ registerIn: EvidenceSchemaModule, description: 'A component shipped by a supplier (and product), from an SBOM' })
export class ComponentExposure {
  @Field(() => String, { nullable: true }) purl!: string | null;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) version!: string | null;
  @Field(() => ID) supplierId!: string;
  @Field() supplierName!: string;
  @Field(() => ID, { nullable: true }) productId?: string | null;
  @Field(() => ID) evidenceId!: string;
  @Field(() => Supplier) supplier?: Supplier;
}

@InputType({ registerIn: EvidenceSchemaModule })
export class EvidenceFilterInput {
  @Field(() => ID, { nullable: true }) supplierId?: string | null;
  @Field(() => String, { nullable: true }) kind?: string | null;
  @Field(() => String, { nullable: true }) status?: string | null;
}

@InputType({ registerIn: EvidenceSchemaModule, description: 'A change to the validity or title of a piece of evidence (null clears a value)' })
export class UpdateEvidenceInput extends UpdateEvidenceDto {
  @Field(() => String, { nullable: true }) declare validUntil?: string | null;
  @Field(() => String, { nullable: true }) declare title?: string | null;
}

export const EvidenceConnection = connectionType(Evidence, EvidenceSchemaModule);
