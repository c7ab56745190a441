/** Kept for app modules that quote client values; the function lives in the domain (persistence uses it too). */
export { MAX_QUOTED_CHARS, quoteForMessage } from '../domain/quote-value';
