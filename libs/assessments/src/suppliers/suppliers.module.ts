import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';
import { SupplierContactsRepository } from './supplier-contacts.repository';
import { SupplierContactsService } from './supplier-contacts.service';
import { SuppliersController } from './suppliers.controller';

@Module({
  imports: [AssessmentsWorkerModule],
  controllers: [SuppliersController],
  providers: [SupplierContactsRepository, SupplierContactsService, ProductsRepository, ProductsService],
  exports: [SupplierContactsService, ProductsService, AssessmentsWorkerModule],
})
export class SuppliersModule {}
