import { AllowAnonymous } from '@assay/shared/auth';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { FrameworkDocument, frameworkHeader } from './catalogue-document';
import { CatalogueService } from './catalogue.service';
import { Framework } from './catalogue.types';

function toGraphql(doc: FrameworkDocument): Framework {
  return {
    ...frameworkHeader(doc),
    evidenceKinds: doc.evidenceKinds,
    applicability: Object.entries(doc.applicability).map(([role, themeIds]) => ({ role, themeIds })),
    themes: doc.themes,
    checks: doc.checks,
    mappings: Object.entries(doc.mappings).flatMap(([target, byPrinciple]) =>
      Object.entries(byPrinciple).map(([principleId, references]) => ({ target, principleId, references })),
    ),
    claimCount: doc.themes.reduce((sum, theme) => sum + theme.principles.reduce((n, p) => n + p.claims.length, 0), 0),
  };
}

@AllowAnonymous()
@Resolver(() => Framework)
export class CatalogueResolver {
  constructor(private readonly catalogue: CatalogueService) {}

  @Query(() => Framework, { nullable: true, description: 'A framework version (the current one when no version is given)' })
  async framework(@Args('key') key: string, @Args('version', { nullable: true, type: () => String }) version?: string | null): Promise<Framework | null> {
    const doc = await this.catalogue.findFramework(key.slice(0, 64), version ?? undefined);
    return doc ? toGraphql(doc) : null;
  }

  @Query(() => [Framework], { description: 'Every framework version Assay knows' })
  async frameworks(): Promise<Framework[]> {
    const summaries = await this.catalogue.listFrameworks();
    const docs = await Promise.all(summaries.map((summary) => this.catalogue.findFramework(summary.key, summary.version)));
    return docs.filter((doc): doc is FrameworkDocument => doc !== null).map(toGraphql);
  }
}
