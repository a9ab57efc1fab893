// Original file: proto/bfs.proto

export const FileType = {
  FT_UNKNOWN: 'FT_UNKNOWN',
  FT_REG: 'FT_REG',
  FT_DIR: 'FT_DIR',
  FT_LNK: 'FT_LNK',
} as const;

export type FileType =
  | 'FT_UNKNOWN'
  | 0
  | 'FT_REG'
  | 1
  | 'FT_DIR'
  | 2
  | 'FT_LNK'
  | 3

export type FileType__Output = typeof FileType[keyof typeof FileType]
