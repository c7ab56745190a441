/** The bookkeeping use cases bound to their dependencies (src/compose/invoicing.ts builds them). */
import type { BookkeepingFile, ExportBookkeepingInput } from './export-bookkeeping';

export interface BookkeepingUseCases {
  exportBookkeeping(input: ExportBookkeepingInput): Promise<BookkeepingFile>;
}
