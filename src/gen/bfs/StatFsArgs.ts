// Original file: proto/bfs.proto


export interface StatFsArgs {
}

export interface StatFsArgs__Output {
}
