import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { ProductsService } from './products.service';
import { SupplierContactsService } from './supplier-contacts.service';
import { SuppliersController } from './suppliers.controller';

@Module({
  imports: [AssessmentsWorkerModule],
  controllers: [SuppliersController],
  providers: [SupplierContactsService, ProductsService],
  exports: [SupplierContactsService, ProductsService, AssessmentsWorkerModule],
})
export class SuppliersModule {}
