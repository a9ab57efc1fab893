// Original file: proto/bfs.proto


export interface AccessRes {
}

export interface AccessRes__Output {
}
