import { connectionType } from '@assay/shared/graphql';
import { Type } from '@nestjs/common';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, ReturnTypeFunc } from '@nestjs/graphql';
import {
  ClaimDecisionDto,
  CompleteAssessmentDto,
  CreateAssessmentDto,
  ExtensionDecisionDto,
  MoveDueDateDto,
  ReturnAssessmentDto,
  ReviewAssessmentDto,
  SendAssessmentDto,
} from '../assessments/assessments.dto';
import { CreateFindingDto, UpdateFindingDto } from '../findings/findings.dto';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ASSESSMENT_STATUSES, AssessmentStatus } from '../assessments/assessment-status';
import {
  CreateContactDto,
  CreateProductDto,
  CreateSupplierDto,
  SUPPLIER_STATUSES,
  SUPPLIER_TIERS,
  SupplierStatus,
  SupplierTier,
  UpdateSupplierDto,
} from '../suppliers/suppliers.dto';
import { AssessmentsSchemaModule } from './assessments-schema.module';

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A contact at a supplier; one may be its Senior Responsible Owner' })
export class Contact {
  @Field(() => ID) id!: string;
  @Field(() => ID) supplierId!: string;
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field() isSeniorResponsibleOwner!: boolean;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: "A supplier's product" })
export class Product {
  @Field(() => ID) id!: string;
  @Field(() => ID) supplierId!: string;
  @Field() name!: string;
  @Field({ description: 'saas, on_premises or hybrid' }) deliveryModel!: string;
  @Field(() => String, { nullable: true }) currentVersion!: string | null;
  @Field(() => String, { nullable: true }) endOfSupportAt!: string | null;
  @Field(() => String, { nullable: true }) endOfSupportAnnouncedAt!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A supplier of software to the organisation' })
@Directive('@key(fields: "id")')
export class Supplier {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'critical, high, medium or low' }) tier!: string;
  @Field({ description: 'developer_distributor, reseller or developer_only' }) role!: string;
  @Field(() => String, { nullable: true }) website!: string | null;
  @Field(() => [String]) domains!: string[];
  @Field(() => String, { nullable: true }) companyNumber!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => ID, { nullable: true }) ownerUserId!: string | null;
  @Field({ description: 'active or offboarded' }) status!: string;
  @Field(() => String, { nullable: true }) nextAssessmentDueAt!: string | null;
  @Field(() => Float, { nullable: true, description: 'Overall score (percentage) of the latest completed assessment' }) latestScore!: number | null;
  @Field(() => Int) openFindings!: number;
  @Field(() => String, { nullable: true }) offboardedAt!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule })
export class FrameworkRef {
  @Field() key!: string;
  @Field() version!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: "The supplier's answer to a claim" })
export class ClaimResponse {
  @Field({ description: 'met, partially_met, not_met or not_applicable' }) answer!: string;
  @Field(() => String, { nullable: true }) justification!: string | null;
  @Field(() => [ID]) evidenceIds!: string[];
  @Field() answeredAt!: string;
  @Field({ description: 'Copied from the previous assessment and not yet confirmed or changed by the supplier' }) carriedForward!: boolean;
  @Field(() => ID, { nullable: true, description: 'The declaration evidence this answer was prefilled from, until the supplier confirms or changes it' })
  importedFrom!: string | null;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: "The reviewer's verdict on a claim" })
export class ClaimReview {
  @Field({ description: 'accepted or returned' }) verdict!: string;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field() reviewedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'An automated check result from the evidence service' })
export class ClaimCheck {
  @Field() key!: string;
  @Field(() => ID, { nullable: true }) evidenceId!: string | null;
  @Field(() => String, { nullable: true }) evidenceKind!: string | null;
  @Field() result!: string;
  @Field() detail!: string;
  @Field(() => String, { nullable: true }) validUntil!: string | null;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'An applicable claim with the answer, verdict and checks beside it' })
export class AssessmentClaim {
  @Field() id!: string;
  @Field() themeId!: string;
  @Field() principleId!: string;
  @Field() text!: string;
  @Field(() => [String]) evidenceKinds!: string[];
  @Field(() => ClaimResponse, { nullable: true }) response!: ClaimResponse | null;
  @Field(() => ClaimReview, { nullable: true }) review!: ClaimReview | null;
  @Field(() => [ClaimCheck]) checks!: ClaimCheck[];
  @Field(() => Boolean, {
    nullable: true,
    description: 'Answer, justification or evidence differ from the previous assessment (null when nothing was carried forward)',
  })
  changedSincePrevious!: boolean | null;
}

@ObjectType({ registerIn: AssessmentsSchemaModule })
export class ScorePart {
  @Field() id!: string;
  @Field(() => Float, { nullable: true }) score!: number | null;
  @Field(() => Int) scoredClaims!: number;
  @Field(() => Int) notApplicable!: number;
  @Field(() => Int) unanswered!: number;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'Met 1, partially met 0.5, not met 0, N/A left out; percentages' })
export class AssessmentScore {
  @Field(() => Float, { nullable: true }) overall!: number | null;
  @Field(() => Int) scoredClaims!: number;
  @Field(() => [ScorePart]) themes!: ScorePart[];
  @Field(() => [ScorePart]) principles!: ScorePart[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A claim answered met while a supporting check failed or its evidence expired' })
export class Disagreement {
  @Field() claimId!: string;
  @Field() checkKey!: string;
  @Field(() => ID, { nullable: true }) evidenceId!: string | null;
  @Field({ description: 'check_failed or evidence_expired' }) reason!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule })
export class Attestation {
  @Field() name!: string;
  @Field() role!: string;
  @Field() email!: string;
  @Field() statement!: boolean;
  @Field() responsesSha256!: string;
  @Field(() => Int, { description: '1: answers with evidence ids; 2: answers with each evidence id and its SHA-256' }) canonicalVersion!: number;
  @Field() signedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: "A supplier's request for more time and the customer's decision" })
export class ExtensionRequest {
  @Field(() => ID) id!: string;
  @Field(() => ID) assessmentId!: string;
  @Field(() => ID) contactId!: string;
  @Field({ description: 'pending, approved or rejected' }) status!: string;
  @Field() requestedDueAt!: string;
  @Field() reason!: string;
  @Field() previousDueAt!: string;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) decidedAt!: string | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
}

@ObjectType({ registerIn: AssessmentsSchemaModule })
export class Finding {
  @Field(() => ID) id!: string;
  @Field(() => ID) assessmentId!: string;
  @Field(() => ID) supplierId!: string;
  @Field() claimId!: string;
  @Field() severity!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) remediationDueAt!: string | null;
  @Field(() => String, { nullable: true }) riskAcceptedUntil!: string | null;
  @Field(() => String, { nullable: true }) remediationPlan!: string | null;
  @Field(() => Boolean, { nullable: true }) supplierAgreed!: boolean | null;
  @Field(() => String, { nullable: true }) supplierRespondedAt!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'An assessment of a supplier against a framework version' })
@Directive('@key(fields: "id")')
export class Assessment {
  @Field(() => ID) id!: string;
  @Field(() => ID) supplierId!: string;
  @Field(() => ID, { nullable: true }) productId!: string | null;
  @Field(() => FrameworkRef) framework!: FrameworkRef;
  @Field() status!: string;
  @Field() dueAt!: string;
  @Field() overdue!: boolean;
  @Field(() => Int) claimCount!: number;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) sentAt!: string | null;
  @Field(() => String, { nullable: true }) submittedAt!: string | null;
  @Field(() => String, { nullable: true }) closedAt!: string | null;
  @Field({
    description: 'user, schedule, trigger:evidence_expired, trigger:evidence_failed, trigger:end_of_support or trigger:finding_overdue',
  })
  openedBy!: string;
  @Field(() => ID, { nullable: true, description: 'The completed assessment whose answers this one carried forward' })
  previousAssessmentId!: string | null;
}

export const SupplierConnection = connectionType(Supplier, AssessmentsSchemaModule);
export const AssessmentConnection = connectionType(Assessment, AssessmentsSchemaModule);

@InputType({ registerIn: AssessmentsSchemaModule })
export class SupplierFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(SUPPLIER_TIERS) tier?: SupplierTier | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(SUPPLIER_STATUSES) status?: SupplierStatus | null;
  @Field(() => String, { nullable: true, description: 'Text in the name' }) @IsOptional() @IsString() @MaxLength(200) q?: string | null;
}

@InputType({ registerIn: AssessmentsSchemaModule })
export class AssessmentFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() supplierId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(ASSESSMENT_STATUSES) status?: AssessmentStatus | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() overdue?: boolean | null;
}

/**
 * Declares GraphQL fields on an input that extends a REST body class, so both take the same
 * validation rules (the class-validator metadata is inherited).
 */
function inputFields(target: Type<unknown>, fields: Record<string, [ReturnTypeFunc, boolean?]>): void {
  for (const [name, [type, nullable]] of Object.entries(fields)) Field(type, { nullable: nullable ?? false })(target.prototype as object, name);
}

const text = () => String;
const texts = () => [String];
const id = () => ID;
const flag = () => Boolean;

@InputType({ registerIn: AssessmentsSchemaModule })
export class CreateSupplierInput extends CreateSupplierDto {}
inputFields(CreateSupplierInput, {
  name: [text],
  tier: [text],
  role: [text],
  website: [text, true],
  domains: [texts, true],
  companyNumber: [text, true],
  tags: [texts, true],
  ownerUserId: [id, true],
  nextAssessmentDueAt: [text, true],
});

@InputType({ registerIn: AssessmentsSchemaModule })
export class UpdateSupplierInput extends UpdateSupplierDto {}
inputFields(UpdateSupplierInput, {
  name: [text, true],
  tier: [text, true],
  role: [text, true],
  website: [text, true],
  domains: [texts, true],
  companyNumber: [text, true],
  tags: [texts, true],
  ownerUserId: [id, true],
  nextAssessmentDueAt: [text, true],
  status: [text, true],
});

@InputType({ registerIn: AssessmentsSchemaModule })
export class AddSupplierContactInput extends CreateContactDto {}
inputFields(AddSupplierContactInput, { name: [text], email: [text], role: [text, true], isSeniorResponsibleOwner: [flag, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class AddProductInput extends CreateProductDto {}
inputFields(AddProductInput, {
  name: [text],
  deliveryModel: [text],
  currentVersion: [text, true],
  endOfSupportAt: [text, true],
  endOfSupportAnnouncedAt: [text, true],
});

@InputType({ registerIn: AssessmentsSchemaModule })
export class CreateAssessmentInput extends CreateAssessmentDto {}
inputFields(CreateAssessmentInput, { supplierId: [id], productId: [id, true], dueAt: [text], framework: [text, true], carryForward: [flag, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class SendAssessmentInput extends SendAssessmentDto {}
inputFields(SendAssessmentInput, { contactIds: [() => [ID], true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class ClaimDecisionInput extends ClaimDecisionDto {}
inputFields(ClaimDecisionInput, { claimId: [text], verdict: [text], comment: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class ReviewAssessmentInput extends ReviewAssessmentDto {}
inputFields(ReviewAssessmentInput, { decisions: [() => [ClaimDecisionInput]] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class ReturnAssessmentInput extends ReturnAssessmentDto {}
inputFields(ReturnAssessmentInput, { message: [text], dueAt: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class MoveAssessmentDueDateInput extends MoveDueDateDto {}
inputFields(MoveAssessmentDueDateInput, { dueAt: [text], reason: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class ExtensionDecisionInput extends ExtensionDecisionDto {}
inputFields(ExtensionDecisionInput, { approve: [flag], comment: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class CompleteAssessmentInput extends CompleteAssessmentDto {}
inputFields(CompleteAssessmentInput, { conclusion: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class CreateFindingInput extends CreateFindingDto {}
inputFields(CreateFindingInput, { claimId: [text], severity: [text], title: [text], description: [text, true], remediationDueAt: [text, true] });

@InputType({ registerIn: AssessmentsSchemaModule })
export class UpdateFindingInput extends UpdateFindingDto {}
inputFields(UpdateFindingInput, { status: [text], riskAcceptedUntil: [text, true] });
