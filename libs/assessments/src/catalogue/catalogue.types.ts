import { Field, Int, ObjectType } from '@nestjs/graphql';
import { AssessmentsSchemaModule } from '../graphql/assessments-schema.module';

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A claim of the Code (our paraphrase) with the evidence kinds that can support it' })
export class FrameworkClaim {
  @Field() id!: string;
  @Field() text!: string;
  @Field(() => [String]) evidenceKinds!: string[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A principle of the Code (official title)' })
export class FrameworkPrinciple {
  @Field() id!: string;
  @Field() title!: string;
  @Field(() => [FrameworkClaim]) claims!: FrameworkClaim[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'A theme of the Code (official title)' })
export class FrameworkTheme {
  @Field() id!: string;
  @Field() title!: string;
  @Field(() => [FrameworkPrinciple]) principles!: FrameworkPrinciple[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'An automated evidence check and the claims it supports' })
export class FrameworkCheck {
  @Field() key!: string;
  @Field(() => [String]) claimIds!: string[];
  @Field() rule!: string;
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'Which themes apply to a supplier role' })
export class RoleApplicability {
  @Field() role!: string;
  @Field(() => [String]) themeIds!: string[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule, description: 'References in another framework for one principle (our analysis unless stated)' })
export class FrameworkMapping {
  @Field() target!: string;
  @Field() principleId!: string;
  @Field(() => [String]) references!: string[];
}

@ObjectType({ registerIn: AssessmentsSchemaModule })
export class Framework {
  @Field() key!: string;
  @Field() version!: string;
  @Field() name!: string;
  @Field() publisher!: string;
  @Field() url!: string;
  @Field({ description: 'Attribution to show wherever the official titles appear' }) attribution!: string;
  @Field(() => [String]) evidenceKinds!: string[];
  @Field(() => [RoleApplicability]) applicability!: RoleApplicability[];
  @Field(() => [FrameworkTheme]) themes!: FrameworkTheme[];
  @Field(() => [FrameworkCheck]) checks!: FrameworkCheck[];
  @Field(() => [FrameworkMapping]) mappings!: FrameworkMapping[];
  @Field(() => Int) claimCount!: number;
}
