/**
 * Delivers a document by writing it into the directory an access point's client picks up from
 * (BILLING_OUTBOX_DIR). The file appears whole or not at all, and at most once:
 *
 * 1. the bytes go to a temporary file in the same directory (`.<name>.<random>.tmp`: a pick-up
 *    client must ignore dot-files / `*.tmp`, as they all do with their `*.xml` pattern), fsync'ed;
 * 2. `link()` gives it its final name, `<number>.xml`. link, unlike rename, never replaces: when a
 *    previous attempt already put the file there it fails with EEXIST, and a file of the same
 *    bytes means "delivered" (nothing is written twice). A file of other bytes is not ours (another
 *    installation numbering alike, a document changed by hand): it is left alone and the attempt
 *    fails naming it, so the document is retried, not silently counted as delivered;
 * 3. the temporary name is removed and the directory fsync'ed, so the new name survives a crash.
 *
 * The one window left: a crash after the link and before the database records the delivery, while
 * the client has already taken the file away. The next attempt then finds no file and writes it a
 * second time. The receiver tolerates that: a Peppol access point deduplicates on the document's
 * identity (the invoice number, cbc:ID, with the sender's endpoint; the SBDH instance identifier),
 * because its own transport (AS4) retries too and must make re-delivery harmless.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DocumentSender, OutgoingDocument } from '../app/delivery/ports';

/** The file-system calls the sender makes (tests count and break them). */
export interface SenderFileSystem {
  link(existing: string, target: string): Promise<void>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export class DirectorySender implements DocumentSender {
  constructor(
    readonly directory: string,
    private readonly files: SenderFileSystem = { link: (a, b) => fs.link(a, b) },
  ) {}

  /** Fails (with the reason) unless the directory exists and is writable: checked at start-up. */
  async check(): Promise<void> {
    const stat = await fs.stat(this.directory).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`BILLING_OUTBOX_DIR ${this.directory}: ${error.code ?? error.message}`);
    });
    if (!stat.isDirectory()) throw new Error(`BILLING_OUTBOX_DIR ${this.directory} is not a directory`);
    await fs.access(this.directory, fs.constants.W_OK);
  }

  async send(doc: OutgoingDocument): Promise<{ deliveredTo: string; alreadyThere: boolean }> {
    if (!SAFE_NAME.test(doc.fileName) || doc.fileName.includes('..'))
      throw new Error(`refusing to write a file named ${JSON.stringify(doc.fileName)}`);
    const target = path.join(this.directory, doc.fileName);
    const temp = path.join(this.directory, `.${doc.fileName}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx');
    let alreadyThere = false;
    try {
      try {
        await handle.writeFile(doc.content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await this.files.link(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        await sameBytesAt(target, doc.content);
        alreadyThere = true;
      }
    } finally {
      await fs.rm(temp, { force: true });
    }
    await syncDirectory(this.directory);
    return { deliveredTo: target, alreadyThere };
  }
}

/** Fails unless the file at `target` holds exactly `content` (an earlier attempt's delivery). */
async function sameBytesAt(target: string, content: Uint8Array): Promise<void> {
  // A file the pick-up client takes away meanwhile was the earlier attempt's: it was delivered.
  const there = await fs.readFile(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (there && !Buffer.from(content).equals(there))
    throw new Error(
      `a different file named ${path.basename(target)} is already in ${path.dirname(target)} ` +
        '(another installation numbering alike, or a document changed by hand): move it away to deliver this one',
    );
}

/** Makes the directory's entries (the new name, the removed temporary one) durable. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
