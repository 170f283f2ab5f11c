import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { describeKey } from '../signatures/dsse';
import { MAX_SIGNING_KEYS, SigningKey, SigningKeysRepository } from './signing-keys.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The public keys a tenant registers to verify DSSE envelopes against (admins only). */
@Injectable()
export class SigningKeysService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly keys: SigningKeysRepository,
  ) {}

  async create(tenantId: string, name: string, publicKey: string): Promise<SigningKey> {
    const described = describeKey(publicKey);
    if ('problem' in described) throw new ProblemException(422, described.problem);
    return this.database.run(async (manager) => {
      if ((await this.keys.count(manager, tenantId)) >= MAX_SIGNING_KEYS)
        throw new ConflictProblem(`a tenant registers at most ${MAX_SIGNING_KEYS} signing keys`);
      const created = await this.keys.insert(manager, tenantId, { id: newId(), name: name.trim(), ...described });
      if (!created) throw new ConflictProblem(`the key ${described.keyId} is already registered`);
      return created;
    }, tenantId);
  }

  list(tenantId: string): Promise<SigningKey[]> {
    return this.database.run((manager) => this.keys.list(manager, tenantId), tenantId);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = UUID.test(id) && (await this.database.run((manager) => this.keys.delete(manager, tenantId, id), tenantId));
    if (!deleted) throw new NotFoundProblem(`Signing key ${id}`);
  }
}
