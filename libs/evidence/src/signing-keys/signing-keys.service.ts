import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { describeKey } from '../signatures/dsse';
import { describeOpenPgpKey, isArmoredOpenPgpKey } from '../signatures/openpgp';
import { MAX_SIGNING_KEYS, SigningKey, SigningKeysRepository } from './signing-keys.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The public keys a tenant registers to verify DSSE envelopes and signed security.txt files against (admins only). */
@Injectable()
export class SigningKeysService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly keys: SigningKeysRepository,
  ) {}

  async create(tenantId: string, name: string, publicKey: string): Promise<SigningKey> {
    // An armored OpenPGP key verifies signed security.txt files; a PEM key, DSSE envelopes.
    const described = isArmoredOpenPgpKey(publicKey) ? await describeOpenPgpKey(publicKey) : describeKey(publicKey);
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
