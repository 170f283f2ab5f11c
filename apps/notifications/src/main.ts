import 'reflect-metadata';
import { runService } from '@assay/shared/http/app';
import { NOTIFICATIONS_SERVICE } from './service';

void runService(NOTIFICATIONS_SERVICE);
