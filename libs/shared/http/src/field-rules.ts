import { applyDecorators } from '@nestjs/common';
import { IsEmail, MaxLength, ValidateIf } from 'class-validator';

/** The longest address SMTP carries (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

/** An email address field: a valid address of at most 254 characters, the same rule on every input that takes one. */
export const EmailAddress = () => applyDecorators(IsEmail({}, { message: '$property must be an email address' }), MaxLength(MAX_EMAIL_LENGTH));

/** Optional in a PATCH, but never null: the field cannot be cleared (the other rules apply whenever it is sent). */
export const Present = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
