// Original file: proto/bfs.proto

import type { PrePrepare as _bfs_PrePrepare, PrePrepare__Output as _bfs_PrePrepare__Output } from '../bfs/PrePrepare.js';
import type { Prepare as _bfs_Prepare, Prepare__Output as _bfs_Prepare__Output } from '../bfs/Prepare.js';
import type { Commit as _bfs_Commit, Commit__Output as _bfs_Commit__Output } from '../bfs/Commit.js';
import type { Checkpoint as _bfs_Checkpoint, Checkpoint__Output as _bfs_Checkpoint__Output } from '../bfs/Checkpoint.js';
import type { ViewChange as _bfs_ViewChange, ViewChange__Output as _bfs_ViewChange__Output } from '../bfs/ViewChange.js';
import type { NewView as _bfs_NewView, NewView__Output as _bfs_NewView__Output } from '../bfs/NewView.js';
import type { Lagging as _bfs_Lagging, Lagging__Output as _bfs_Lagging__Output } from '../bfs/Lagging.js';

export interface ProtocolMessage {
  'prePrepare'?: (_bfs_PrePrepare | null);
  'prepare'?: (_bfs_Prepare | null);
  'commit'?: (_bfs_Commit | null);
  'checkpoint'?: (_bfs_Checkpoint | null);
  'viewChange'?: (_bfs_ViewChange | null);
  'newView'?: (_bfs_NewView | null);
  'lagging'?: (_bfs_Lagging | null);
  'body'?: "prePrepare"|"prepare"|"commit"|"checkpoint"|"viewChange"|"newView"|"lagging";
}

export interface ProtocolMessage__Output {
  'prePrepare'?: (_bfs_PrePrepare__Output | null);
  'prepare'?: (_bfs_Prepare__Output | null);
  'commit'?: (_bfs_Commit__Output | null);
  'checkpoint'?: (_bfs_Checkpoint__Output | null);
  'viewChange'?: (_bfs_ViewChange__Output | null);
  'newView'?: (_bfs_NewView__Output | null);
  'lagging'?: (_bfs_Lagging__Output | null);
  'body'?: "prePrepare"|"prepare"|"commit"|"checkpoint"|"viewChange"|"newView"|"lagging";
}
