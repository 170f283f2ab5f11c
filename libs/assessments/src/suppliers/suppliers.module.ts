import { Module } from '@nestjs/common';
import { ProductsService } from './products.service';
import { SupplierContactsService } from './supplier-contacts.service';
import { SuppliersController } from './suppliers.controller';
import { SuppliersService } from './suppliers.service';

@Module({
  controllers: [SuppliersController],
  providers: [SuppliersService, SupplierContactsService, ProductsService],
  exports: [SuppliersService, SupplierContactsService, ProductsService],
})
export class SuppliersModule {}
