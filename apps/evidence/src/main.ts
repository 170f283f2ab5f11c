import 'reflect-metadata';
import { runService } from '@assay/shared/http/app';
import { EVIDENCE_SERVICE } from './service';

void runService(EVIDENCE_SERVICE);
