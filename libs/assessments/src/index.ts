export * from './catalogue/catalogue-document';
export * from './catalogue/catalogue-reference-data';
export * from './catalogue/catalogue.service';
export * from './catalogue/catalogue.module';
export * from './catalogue/catalogue.resolver';
export * from './assessments.module';
export * from './graphql/assessments-schema.module';
