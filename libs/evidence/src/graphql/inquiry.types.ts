import { JsonScalar, connectionType } from '@assay/shared/graphql';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CreateInquiriesDto, INQUIRY_STATUSES } from '../inquiries/inquiries.dto';
import type { InquiryStatus } from '../inquiries/inquiries.repository';
import { Supplier } from './evidence.types';
import { EvidenceSchemaModule } from './evidence-schema.module';

@ObjectType({
  registerIn: EvidenceSchemaModule,
  description: 'A question to one supplier about one advisory, with its due date and the supplier’s answer in OpenVEX terms',
})
export class Inquiry {
  @Field(() => ID) id!: string;
  @Field(() => ID) advisoryId!: string;
  @Field(() => [String], { description: 'The advisory’s ids (GHSA-…, CVE-…)' }) externalIds!: string[];
  @Field(() => ID) supplierId!: string;
  @Field() supplierName!: string;
  @Field() dueAt!: string;
  @Field({ description: 'sent, overdue or answered' }) status!: string;
  @Field(() => JsonScalar, { nullable: true, description: 'status, justification, impactStatement, fixedIn, actionStatement; null while unanswered' })
  answer!: unknown;
  @Field(() => String, { nullable: true }) answeredAt!: string | null;
  @Field(() => ID, { nullable: true, description: 'The supplier contact whose link gave the answer' }) answeredByContactId!: string | null;
  @Field(() => String, { nullable: true }) overdueAt!: string | null;
  @Field() createdAt!: string;
  @Field(() => Supplier) supplier?: Supplier;
}

@InputType({ registerIn: EvidenceSchemaModule })
export class InquiryFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only the inquiries about this advisory' })
  @IsOptional()
  @IsUUID()
  advisoryId?: string | null;

  @Field(() => String, { nullable: true, description: 'sent, overdue or answered' })
  @IsOptional()
  @IsIn(INQUIRY_STATUSES)
  status?: InquiryStatus | null;
}

@InputType({ registerIn: EvidenceSchemaModule })
export class CreateInquiriesInput extends CreateInquiriesDto {}
Field(() => [ID], { nullable: true, description: 'The suppliers to ask; by default every one with an exposure affected or under_investigation' })(
  CreateInquiriesInput.prototype,
  'supplierIds',
);
Field(() => String, { description: 'When the answers are due (RFC 3339): in the future, at most a year ahead' })(CreateInquiriesInput.prototype, 'dueAt');

@ObjectType({ registerIn: EvidenceSchemaModule })
export class CreatedInquiries {
  @Field(() => [Inquiry], { description: 'One inquiry per supplier asked' }) inquiries!: Inquiry[];
  @Field(() => [ID], { description: 'Suppliers left out because they were asked about this advisory before' }) alreadyAskedSupplierIds!: string[];
}

export const InquiryConnection = connectionType(Inquiry, EvidenceSchemaModule);
