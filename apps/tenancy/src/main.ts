import 'reflect-metadata';
import { runService } from '@assay/shared/http/app';
import { TENANCY_SERVICE } from './service';

void runService(TENANCY_SERVICE);
