/**
 * Plain-language defaults for zod's built-in checks, installed once by the contract module, so the wizard's
 * field errors and main's AppErrors read the same. Messages given in the schemas themselves win.
 */
import { z } from 'zod';

const ARTICLE: Record<string, string> = {
  array: 'a list',
  object: 'an object',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

export function installMessages(): void {
  z.config({
    customError: (issue) => {
      if (issue.code === 'invalid_type') {
        if (issue.input === undefined) return 'Required';
        return `Must be ${ARTICLE[issue.expected] ?? issue.expected}`;
      }
      if (issue.code === 'too_big' && issue.origin === 'array') return `At most ${issue.maximum} items`;
      if (issue.code === 'too_small' && issue.origin === 'array') return `At least ${issue.minimum} item(s)`;
      if (issue.code === 'too_big' && issue.origin === 'string') return `At most ${issue.maximum} characters`;
      if (issue.code === 'too_small' && issue.origin === 'string')
        return `At least ${issue.minimum} character(s)`;
      if (issue.code === 'invalid_value') return `Must be one of: ${issue.values.map(String).join(', ')}`;
      return undefined;
    },
  });
}
