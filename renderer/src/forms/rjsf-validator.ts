/**
 * An @rjsf validator that works under a strict Content Security Policy (`script-src 'self'`,
 * no 'unsafe-eval'): schemas are interpreted by `jsonschema` (schema-interpreter.ts), never
 * compiled to code as @rjsf/validator-ajv8 does. Messages are the core's own Chinese ones.
 *
 *   <Form validator={createCspSafeValidator()} … />
 *
 * Renderer only: this file imports @rjsf/utils (which pulls in React), so it is not part of
 * the shared/forms barrel that the core and back office load; import it by its path.
 */
import {
  createErrorHandler,
  getDefaultFormState,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type CustomValidator,
  type ErrorSchema,
  type ErrorTransformer,
  type FormContextType,
  type RJSFSchema,
  type RJSFValidationError,
  type StrictRJSFSchema,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';
import { dropNoise, labelled } from '../../../shared/forms/messages';
import { interpretSchema, pruneEmptyOptional, schemaHolds, type InterpretedError } from '../../../shared/forms/schema-interpreter';
import { describeFormError } from '../../../shared/forms/validator';

export { pruneEmptyOptional } from '../../../shared/forms/schema-interpreter';

/** @rjsf errors with the core's paths and wording: property ".applicant.idNumber", Chinese message. */
export function toRjsfErrors(schema: object, errors: readonly InterpretedError[]): RJSFValidationError[] {
  const out: RJSFValidationError[] = [];
  const seen = new Set<string>();
  for (const e of dropNoise([...errors])) {
    const { segments, label, detail } = describeFormError(schema, e);
    const message = labelled(label, detail);
    // rjsf's own form: a leading dot, array indexes as segments (".members.1.name").
    const property = segments.length > 0 ? `.${segments.join('.')}` : '';
    const key = `${property}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // `title` is the full label, so transformRjsfErrors (if still passed) leaves the message as is.
    out.push({ name: e.keyword, property, message, params: e.params, stack: message, schemaPath: e.schemaPath, title: label ?? '' });
  }
  return out;
}

function brokenSchemaError(err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`表单定义有误，无法校验：${reason}`);
}

class CspSafeValidator<T, S extends StrictRJSFSchema, F extends FormContextType> implements ValidatorType<T, S, F> {
  rawValidation<Result = InterpretedError>(schema: S, formData?: T): { errors?: Result[]; validationError?: Error } {
    try {
      const errors = interpretSchema(schema, formData);
      return { errors: errors.length > 0 ? (errors as unknown as Result[]) : undefined };
    } catch (err) {
      return { validationError: brokenSchemaError(err) };
    }
  }

  /** As @rjsf/validator-ajv8's, after treating untouched optional blocks as absent (pruneEmptyOptional). */
  validateFormData(
    formData: T | undefined,
    schema: S,
    customValidate?: CustomValidator<T, S, F>,
    transformErrors?: ErrorTransformer<T, S, F>,
    uiSchema?: UiSchema<T, S, F>,
  ): ValidationData<T> {
    let raw: InterpretedError[] = [];
    let broken: Error | undefined;
    try {
      raw = interpretSchema(schema, pruneEmptyOptional(schema, formData));
    } catch (err) {
      broken = brokenSchemaError(err);
    }
    let errors = toRjsfErrors(schema, raw);
    if (broken) errors = [...errors, { stack: broken.message }];
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    let errorSchema: ErrorSchema<T> = toErrorSchema<T>(errors);
    if (broken) errorSchema = { ...errorSchema, $schema: { __errors: [broken.message] } } as ErrorSchema<T>;
    if (typeof customValidate !== 'function') return { errors, errorSchema };

    // customValidate sees the data with its defaults filled in, as with validator-ajv8.
    const withDefaults = getDefaultFormState<T, S, F>(this, schema, formData, schema, true) as T;
    const handler = customValidate(withDefaults, createErrorHandler<T>(withDefaults), uiSchema, errorSchema);
    return validationDataMerge<T>({ errors, errorSchema }, unwrapErrorHandler<T>(handler));
  }

  /** Used by rjsf to pick oneOf/anyOf options and decide `if`; `$ref`s resolve against `rootSchema`. */
  isValid(schema: S, formData: T | undefined, rootSchema: S): boolean {
    return schemaHolds(schema, formData, rootSchema);
  }
}

/** A `ValidatorType` for <Form validator={…}> that needs no 'unsafe-eval'. */
export function createCspSafeValidator<T = unknown, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = FormContextType>(): ValidatorType<T, S, F> {
  return new CspSafeValidator<T, S, F>();
}
