import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const MAX_PUBLIC_KEY_LENGTH = 16_384;

export class CreateSigningKeyDto {
  @ApiProperty({ example: 'Release signing key 2026', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    description:
      'The public key: PEM (SubjectPublicKeyInfo: ECDSA P-256/P-384, Ed25519 or RSA of 2048 bits or more) to verify DSSE envelopes, or one armored OpenPGP public key to verify cleartext-signed security.txt files',
    example: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n',
    maxLength: MAX_PUBLIC_KEY_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_PUBLIC_KEY_LENGTH)
  publicKey!: string;
}
