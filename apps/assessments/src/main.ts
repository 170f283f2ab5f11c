import 'reflect-metadata';
import { runService } from '@assay/shared/http/app';
import { ASSESSMENTS_SERVICE } from './service';

void runService(ASSESSMENTS_SERVICE);
