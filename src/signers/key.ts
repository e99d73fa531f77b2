/** The 'key' method: DSSE over the statement with an EC key, public key identified by its hint. */
import { pae } from '../dsse.js';
import { loadPrivateKey, softwareSigningKey, type EcSigningKey } from '../keys.js';
import { keyBundle } from './bundle-json.js';
import { IN_TOTO_PAYLOAD_TYPE, type BundleJSON, type Signer } from './types.js';

export class EllipticKeySigner implements Signer {
  constructor(private readonly key: EcSigningKey) {}

  static fromFile(o: { privateKey: string; password?: string }): EllipticKeySigner {
    return new EllipticKeySigner(softwareSigningKey(loadPrivateKey(o.privateKey, o.password)));
  }

  async sign(payload: Buffer): Promise<BundleJSON> {
    const signature = await this.key.sign(pae(IN_TOTO_PAYLOAD_TYPE, payload));
    return keyBundle(payload, signature, this.key.publicKey);
  }
}
