// Original file: proto/bfs.proto


/**
 * Who the operation acts as. A replica checks that the authenticated client
 * may act as this identity before the file tree sees it.
 */
export interface Credentials {
  'uid'?: (number);
  'gid'?: (number);
  'groups'?: (number)[];
}

/**
 * Who the operation acts as. A replica checks that the authenticated client
 * may act as this identity before the file tree sees it.
 */
export interface Credentials__Output {
  'uid': (number);
  'gid': (number);
  'groups': (number)[];
}
