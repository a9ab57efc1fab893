// Original file: proto/bfs.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
