/**
 * What the UI offers in a mailbox, from the access the server grants. A button the access
 * does not allow is absent, not greyed out.
 */
import type { Mailbox, Message } from './types';
import { toDate } from './format/dates';

export interface Permissions {
  /** Read with read access (fuldmagt): the banner shows and writing is absent. */
  readAccess: boolean;
  markRead: boolean;
  /** Flagging is a marking of the reader's own, like read/unread. */
  flag: boolean;
  move: boolean;
  delete: boolean;
  write: boolean;
  createFolders: boolean;
  forward: boolean;
  /** Reply: the access allows it, the sender allows it, and its deadline has not passed. */
  reply: boolean;
}

export function permissions(mailbox: Mailbox | null, message: Message | null, now: Date): Permissions {
  const a = mailbox?.access;
  if (!a) {
    return {
      readAccess: false,
      markRead: false,
      flag: false,
      move: false,
      delete: false,
      write: false,
      createFolders: false,
      forward: false,
      reply: false,
    };
  }
  const readAccess = a.accessType !== 'OWNER';
  const replyBy = toDate(message?.replyByDateTime);
  const replyOpen = replyBy === null || replyBy.getTime() > now.getTime();
  return {
    readAccess,
    markRead: a.canMarkRead,
    flag: a.canMarkRead,
    move: a.canMove,
    // Read access never deletes or writes, whatever else the flags say (domain.md).
    delete: a.canDelete && !readAccess,
    write: a.canWrite && !readAccess,
    createFolders: a.canCreateFolders,
    forward: a.canForward && !readAccess && message !== null,
    reply: a.canReply && !readAccess && message !== null && message.reply && replyOpen,
  };
}
