/**
 * SIE 4 text to bytes: code page 437, which `#FORMAT PC8` names (the only encoding SIE 4 allows).
 * A character the code page lacks (€, an en dash) becomes "?", as iconv-lite writes it.
 */
import iconv from 'iconv-lite';
import type { EncodeSieText } from '../app/bookkeeping/ports';

export const encodeSieText: EncodeSieText = (text) => iconv.encode(text, 'cp437');
