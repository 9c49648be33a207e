/**
 * Glue for @rjsf forms (renderer): same Chinese messages as `createFormValidator`.
 *
 *   const validator = customizeValidator({ customFormats }, localizeFormErrors);
 *   <Form validator={validator} transformErrors={transformRjsfErrors} … />
 *
 * No import of @rjsf here: shared/ also runs in the back office, which has no rjsf.
 */
import { isOneWindowFormat } from './formats';
import { dropNoise, errorDetail, isGenericFormatMessage, labelled } from './messages';

/** Structurally @rjsf/utils' RJSFValidationError. */
export interface RjsfValidationError {
  name?: string;
  message?: string;
  params?: Record<string, unknown>;
  property?: string;
  schemaPath?: string;
  stack: string;
  title?: string;
}

/**
 * For rjsf's `transformErrors` prop. Drops `if` and oneOf-branch noise, rewrites each message
 * in Chinese and prefixes the field title: "公民身份号码：校验位错误，应为X". Format errors keep
 * the validator's exact reason when `localizeFormErrors` supplied it, else say the format in
 * general ("不是有效的公民身份号码"). Errors without a keyword (from customValidate) pass through.
 */
export function transformRjsfErrors<E extends RjsfValidationError>(errors: E[], _uiSchema?: unknown): E[] {
  return dropNoise(errors).map((error) => {
    if (!error.name) return error;
    const detail =
      error.name === 'format' && isOneWindowFormat(error.params?.format) && !isGenericFormatMessage(error.message)
        ? (error.message as string)
        : errorDetail({ keyword: error.name, params: error.params, message: error.message });
    const message = labelled(error.title || undefined, detail);
    return { ...error, message, stack: message };
  });
}
