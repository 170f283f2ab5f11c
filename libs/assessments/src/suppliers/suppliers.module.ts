import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { SupplierContactsService } from './supplier-contacts.service';
import { SuppliersController } from './suppliers.controller';

@Module({
  imports: [AssessmentsWorkerModule],
  controllers: [SuppliersController],
  providers: [SupplierContactsService],
  exports: [SupplierContactsService, AssessmentsWorkerModule],
})
export class SuppliersModule {}
